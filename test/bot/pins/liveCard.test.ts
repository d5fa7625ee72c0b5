import { parseCommand } from '../../../src/commands/parse';
import type { Answer, BotReply, ErrorAnswer } from '../../../src/answer';
import type { Command } from '../../../src/commands/types';
import type { Triage } from '../../../src/bot/ports';
import {
  liveFooter,
  pinListText,
  pinnedText,
  pinRender,
  unpinnedText,
  withFooter,
} from '../../../src/bot/pins/liveCard';
import type { PinRecord } from '../../../src/bot/pins/pinStore';

const T = Date.parse('2026-11-23T14:32:10Z');
const pin: PinRecord = {
  conversationId: 'c',
  ref: {},
  activityId: 'a1',
  commandText: 'triage last 15m on payments-api',
  everyMs: 5 * 60_000,
  untilMs: Date.parse('2026-11-23T18:30:00Z'),
  pinnedAt: T,
  pinnedBy: 'Ada',
  workspaceId: 'ws-1',
};

describe('liveFooter', () => {
  test.each([
    [pin, 'live', 'Live: updated 14:32 UTC, every 5 min until 18:30 UTC'],
    [{ ...pin, everyMs: 3600_000 }, 'live', 'Live: updated 14:32 UTC, every 1 h until 18:30 UTC'],
    [
      { ...pin, timeZone: 'Europe/Berlin' },
      'live',
      'Live: updated 15:32 Europe/Berlin, every 5 min until 19:30 Europe/Berlin',
    ],
    [{ ...pin, timeZone: 'Not/AZone' }, 'live', 'Live: updated 14:32 UTC, every 5 min until 18:30 UTC'],
    [pin, 'ended', 'Live updates ended at 14:32 UTC; this card no longer refreshes.'],
  ] as const)('%#', (p, phase, text) => {
    expect(liveFooter(p, T, phase)).toBe(text);
  });

  test('withFooter appends without touching the original card', () => {
    const card = { type: 'AdaptiveCard', body: [{ type: 'TextBlock', text: 'x' }] };
    const out = withFooter(card, 'Live: ...');
    expect(card.body).toHaveLength(1);
    expect(out.body).toEqual([
      { type: 'TextBlock', text: 'x' },
      expect.objectContaining({ type: 'TextBlock', text: 'Live: ...', isSubtle: true }),
    ]);
  });
});

describe('pinRender', () => {
  function fakeTriage(
    run: (c: Command) => Promise<Answer | ErrorAnswer>,
  ): Triage & { runs: { command: Command; ctx: unknown }[] } {
    const runs: { command: Command; ctx: unknown }[] = [];
    return {
      runs,
      parse: (text, ctx) => parseCommand(text, ctx),
      run: async (command, ctx) => {
        runs.push({ command, ctx });
        return run(command);
      },
      help: (problem, suggestions) => ({ type: 'help', problem, suggestions: suggestions ?? [], commands: [] }),
    };
  }
  const renderCard = (reply: BotReply) => ({
    type: 'AdaptiveCard',
    body: [{ type: 'TextBlock', text: reply.type === 'answer' ? reply.title : reply.type }],
  });

  test('re-parses at refresh time, so the window moves with the clock, and runs as the pinner', async () => {
    let now = T;
    const triage = fakeTriage((c) =>
      Promise.resolve({
        type: 'answer',
        command: c,
        title: `Triage to ${c.window.to.toISOString()}`,
      } as unknown as Answer),
    );
    const render = pinRender({ triage, renderCard, clock: () => now });
    const first = (await render(pin.commandText, pin, 'live')) as { body: { text: string }[] };
    now += 5 * 60_000;
    const second = (await render(pin.commandText, pin, 'live')) as { body: { text: string }[] };
    expect(first.body.map((b) => b.text)).toEqual([
      'Triage to 2026-11-23T14:32:10.000Z',
      'Live: updated 14:32 UTC, every 5 min until 18:30 UTC',
    ]);
    expect(second.body.map((b) => b.text)).toEqual([
      'Triage to 2026-11-23T14:37:10.000Z',
      'Live: updated 14:37 UTC, every 5 min until 18:30 UTC',
    ]);
    expect(triage.runs[0].command).toMatchObject({ kind: 'triage', api: 'payments-api' });
    expect(triage.runs[0].ctx).toMatchObject({ requestedBy: 'Ada', workspaceId: 'ws-1' });
  });

  test('a failing run becomes an error card, and the footer still says the card is live', async () => {
    const triage = fakeTriage(() => Promise.reject(new Error('boom')));
    const card = (await pinRender({ triage, renderCard, clock: () => T })(pin.commandText, pin, 'live')) as {
      body: { text: string }[];
    };
    expect(card.body.map((b) => b.text)).toEqual(['error', 'Live: updated 14:32 UTC, every 5 min until 18:30 UTC']);
  });
});

describe('chat replies', () => {
  test('pinnedText', () => {
    expect(pinnedText(pin)).toBe(
      'Live: the card above re-runs "triage last 15m on payments-api" every 5 min until 18:30 UTC. Pin the message in Teams to keep it in view; type "unpin" to stop it.',
    );
  });
  test('pinListText', () => {
    expect(pinListText([])).toMatch(/^No live cards in this conversation/);
    expect(pinListText([pin, { ...pin, commandText: 'tls', everyMs: 3600_000, pinnedBy: undefined }])).toBe(
      'Live cards here:\n\n1. "triage last 15m on payments-api": every 5 min until 18:30 UTC, pinned by Ada\n\n2. "tls": every 1 h until 18:30 UTC\n\n' +
        '"unpin" stops the newest, "unpin all" stops them all.',
    );
  });
  test('unpinnedText', () => {
    expect(unpinnedText([])).toMatch(/nothing to unpin/);
    expect(unpinnedText([pin, { commandText: 'tls' }])).toBe(
      'Stopped live updates of "triage last 15m on payments-api", "tls". The card keeps its last answer.',
    );
  });
});
