import { mkdtempSync, rmSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { FileStorage } from '../../../src/bot/state';
import {
  PinManager,
  PinLimitError,
  type PinInput,
  type PinPhase,
  type PinRecord,
} from '../../../src/bot/pins/pinManager';
import { INDEX_KEY, conversationKey } from '../../../src/bot/pins/pinStore';
import { liveFooter } from '../../../src/bot/pins/liveCard';

const T0 = Date.parse('2026-11-23T14:30:00Z');
const M = 60_000;
const H = 3600_000;
const CHANNEL = '19:abc@thread.tacv2';
const CONV = `${CHANNEL};messageid=123`;
const REF = {
  conversation: { id: CONV, isGroup: true, conversationType: 'channel', name: '' },
  serviceUrl: 'http://127.0.0.1:9/',
  channelId: 'msteams',
};

type Delivery = { activityId: string; at: number; card: { text: string; phase: PinPhase } };

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'pins-'));
  // Timers and Date are fake; file I/O and setImmediate stay real so FileStorage works.
  jest.useFakeTimers({ doNotFake: ['setImmediate', 'nextTick', 'queueMicrotask'], now: T0 });
});
afterEach(() => {
  jest.useRealTimers();
  rmSync(dir, { recursive: true, force: true });
});

function harness(
  opts: {
    deliver?: (activityId: string) => Promise<void>;
    render?: (pin: PinRecord, phase: PinPhase) => Promise<void>;
    maxConcurrent?: number;
    jitterMs?: number;
  } = {},
) {
  const deliveries: Delivery[] = [];
  const storage = new FileStorage(dir);
  const manager = new PinManager({
    storage,
    clock: () => Date.now(),
    jitterMs: opts.jitterMs ?? 0,
    random: () => 0.5,
    maxConcurrent: opts.maxConcurrent,
    render: async (text, pin, phase) => {
      await opts.render?.(pin, phase);
      return { text, phase, footer: liveFooter(pin, Date.now(), phase) };
    },
    deliver: async (ref, activityId, card) => {
      expect(ref.serviceUrl).toBe(REF.serviceUrl);
      await opts.deliver?.(activityId);
      deliveries.push({ activityId, at: Date.now(), card: card as Delivery['card'] });
    },
  });
  return { manager, storage, deliveries };
}

const pinInput = (activityId = 'act-1', extra: Partial<PinInput> = {}): PinInput => ({
  conversationId: CONV,
  ref: REF,
  activityId,
  commandText: 'triage last 15m',
  everyMs: 5 * M,
  untilMs: T0 + 4 * H,
  pinnedBy: 'Ada Lovelace',
  ...extra,
});

/**
 * Moves fake time forward timer by timer, letting each refresh that fired finish (its file I/O is real)
 * before time moves on, so a refresh happens at exactly the fake time its timer was due.
 */
async function advance(manager: PinManager, ms: number): Promise<void> {
  const target = Date.now() + ms;
  const sentinel = setTimeout(() => undefined, ms); // never step past the target
  while (Date.now() < target) {
    await jest.advanceTimersToNextTimerAsync();
    await manager.idle();
  }
  clearTimeout(sentinel);
  await jest.advanceTimersByTimeAsync(0); // timers due exactly at the target
  await manager.idle();
}

/** Real-time wait (file I/O) for a condition; bounded by iterations, not by a clock. */
async function waitUntil(cond: () => boolean): Promise<void> {
  for (let i = 0; i < 1_000_000 && !cond(); i++) await new Promise((r) => setImmediate(r));
  expect(cond()).toBe(true);
}

describe('PinManager', () => {
  test('refreshes the pinned card every interval, in place, with a live footer', async () => {
    const { manager, deliveries, storage } = harness();
    await manager.pin(pinInput());
    const stored = await storage.read([INDEX_KEY, conversationKey(CONV)]);
    // Stored under the channel (thread part dropped); the reference keeps the thread for delivery.
    const stored2 = await storage.read([INDEX_KEY, conversationKey(CHANNEL)]);
    expect(Object.keys(stored)).toEqual([INDEX_KEY]);
    expect((stored2[INDEX_KEY] as { conversations: string[] }).conversations).toEqual([CHANNEL]);
    expect((stored2[conversationKey(CHANNEL)] as { pins: unknown[] }).pins).toEqual([
      expect.objectContaining({ conversationId: CHANNEL, activityId: 'act-1', ref: REF }),
    ]);

    await advance(manager, 4 * M);
    expect(deliveries).toHaveLength(0);
    await advance(manager, 11 * M);
    expect(deliveries.map((d) => [d.activityId, d.at - T0])).toEqual([
      ['act-1', 5 * M],
      ['act-1', 10 * M],
      ['act-1', 15 * M],
    ]);
    expect(deliveries[0].card).toEqual({
      text: 'triage last 15m',
      phase: 'live',
      footer: 'Live: updated 14:35 UTC, every 5 min until 18:30 UTC',
    });
    expect((await manager.list(CONV))[0].lastRefreshAt).toBe(T0 + 15 * M);
    await manager.stop();
  });

  test('jitter delays each refresh by a bounded random amount', async () => {
    const { manager, deliveries } = harness({ jitterMs: 4_000 });
    await manager.pin(pinInput());
    await advance(manager, 11 * M);
    expect(deliveries.map((d) => d.at - T0)).toEqual([5 * M + 2_000, 10 * M + 4_000]);
    await manager.stop();
  });

  test('unpin stops refreshes and removes the pin from storage', async () => {
    const { manager, deliveries, storage } = harness();
    await manager.pin(pinInput('act-1'));
    await manager.pin(pinInput('act-2'));
    await advance(manager, 5 * M);
    expect(deliveries).toHaveLength(2);
    // Without an id, unpin ends the most recent pin.
    expect((await manager.unpin(CONV)).map((p) => p.activityId)).toEqual(['act-2']);
    await advance(manager, 20 * M);
    expect(deliveries.slice(2).map((d) => d.activityId)).toEqual(['act-1', 'act-1', 'act-1', 'act-1']);
    await manager.unpinAll(CONV);
    await advance(manager, 20 * M);
    expect(deliveries).toHaveLength(6);
    expect(await manager.list(CONV)).toEqual([]);
    const stored = await storage.read([INDEX_KEY, conversationKey(CHANNEL)]);
    // The conversation's item stays, empty: ending the last pin is an eTag-guarded write, not a delete.
    expect(stored[conversationKey(CHANNEL)]).toMatchObject({ pins: [] });
    expect(stored[INDEX_KEY]).toMatchObject({ conversations: [] });
  });

  test('expiry sends one final "ended" update, then nothing', async () => {
    const { manager, deliveries } = harness();
    await manager.pin(pinInput('act-1', { untilMs: T0 + 12 * M }));
    await advance(manager, 60 * M);
    expect(deliveries.map((d) => [d.at - T0, d.card.phase])).toEqual([
      [5 * M, 'live'],
      [10 * M, 'live'],
      [12 * M, 'ended'],
    ]);
    expect((deliveries[2].card as unknown as { footer: string }).footer).toBe(
      'Live updates ended at 14:42 UTC; this card no longer refreshes.',
    );
    expect(await manager.list(CONV)).toEqual([]);
    expect(manager.scheduled).toBe(0);
  });

  test('delivery 404 (message deleted) drops the pin; a transient 500 does not', async () => {
    let fail: number | undefined = 500;
    const { manager, deliveries } = harness({
      deliver: () =>
        fail ? Promise.reject(Object.assign(new Error('connector said no'), { statusCode: fail })) : Promise.resolve(),
    });
    await manager.pin(pinInput());
    await advance(manager, 5 * M);
    expect(await manager.list(CONV)).toHaveLength(1); // 500: kept, tried again next time
    fail = undefined;
    await advance(manager, 5 * M);
    expect(deliveries).toHaveLength(1);
    fail = 404;
    await advance(manager, 5 * M);
    expect(await manager.list(CONV)).toEqual([]);
    expect(manager.scheduled).toBe(0);
    fail = undefined;
    await advance(manager, 30 * M);
    expect(deliveries).toHaveLength(1);
  });

  test('forgetConversation (bot removed) ends every pin of that conversation only', async () => {
    const { manager, deliveries } = harness();
    await manager.pin(pinInput('act-1'));
    await manager.forgetConversation(CONV);
    await advance(manager, 30 * M);
    expect(deliveries).toEqual([]);
    expect(await manager.list(CONV)).toEqual([]);
  });

  test('a slow refresh never overlaps the next one of the same pin', async () => {
    let renders = 0;
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const { manager, deliveries } = harness({
      render: async () => {
        renders++;
        if (renders === 1) await gate;
      },
    });
    await manager.pin(pinInput());
    await jest.advanceTimersByTimeAsync(5 * M);
    await waitUntil(() => renders === 1);
    await jest.advanceTimersByTimeAsync(25 * M); // the first run is stuck the whole time
    expect(renders).toBe(1);
    release();
    await manager.idle();
    expect(deliveries.map((d) => d.at - T0)).toEqual([30 * M]);
    await advance(manager, 5 * M);
    expect(deliveries.map((d) => d.at - T0)).toEqual([30 * M, 35 * M]);
    await manager.stop();
  });

  test('at most maxConcurrent refreshes run at once across pins', async () => {
    let started = 0;
    let active = 0;
    let peak = 0;
    let open!: () => void;
    const gate = new Promise<void>((r) => (open = r));
    const { manager, deliveries } = harness({
      maxConcurrent: 2,
      render: async () => {
        started++;
        peak = Math.max(peak, ++active);
        await gate;
        active--;
      },
    });
    for (let i = 1; i <= 5; i++) await manager.pin(pinInput(`act-${i}`));
    await jest.advanceTimersByTimeAsync(5 * M); // all five are due together
    await waitUntil(() => started === 2);
    // The other three wait for a slot (before any I/O), however long the first two take.
    for (let i = 0; i < 200; i++) await new Promise((r) => setImmediate(r));
    expect(started).toBe(2);
    open();
    await waitUntil(() => deliveries.length === 5);
    await manager.idle();
    expect(deliveries.map((d) => d.activityId).sort()).toEqual(['act-1', 'act-2', 'act-3', 'act-4', 'act-5']);
    expect(peak).toBe(2);
    await manager.stop();
  });

  test('a conversation holds at most 5 pins; re-pinning a card replaces it', async () => {
    const { manager } = harness();
    for (let i = 1; i <= 5; i++) await manager.pin(pinInput(`act-${i}`));
    await manager.pin(pinInput('act-3', { everyMs: 10 * M }));
    await expect(manager.pin(pinInput('act-6'))).rejects.toBeInstanceOf(PinLimitError);
    const pins = await manager.list(CONV);
    expect(pins).toHaveLength(5);
    expect(pins.find((p) => p.activityId === 'act-3')!.everyMs).toBe(10 * M);
    await manager.stop();
  });

  test('RESTART: a new manager over the same directory resumes the same card', async () => {
    const first = harness();
    await first.manager.pin(pinInput('act-1'));
    await advance(first.manager, 5 * M);
    expect(first.deliveries.map((d) => d.at - T0)).toEqual([5 * M]);
    await first.manager.stop();
    await advance(first.manager, 20 * M); // the process is "down" for a while: nothing fires
    expect(first.deliveries).toHaveLength(1);

    const second = harness();
    expect(await second.manager.resume()).toBe(1);
    await advance(second.manager, 5 * M);
    // Overdue at start-up: refreshed at once, then on the interval again.
    expect(second.deliveries.map((d) => [d.activityId, d.at - T0])).toEqual([
      ['act-1', 25 * M],
      ['act-1', 30 * M],
    ]);
    await second.manager.stop();
  });

  test('RESTART after the pin expired: resume() sends the final "ended" update', async () => {
    const first = harness();
    await first.manager.pin(pinInput('act-1', { untilMs: T0 + 30 * M }));
    await first.manager.stop();
    jest.setSystemTime(T0 + 2 * H);
    const second = harness();
    await second.manager.resume();
    await advance(second.manager, 1_000);
    expect(second.deliveries.map((d) => [d.activityId, d.card.phase])).toEqual([['act-1', 'ended']]);
    expect(await second.manager.list(CONV)).toEqual([]);
  });
});

test('a pin removed from storage by another instance stops here too', async () => {
  const a = harness();
  const b = harness(); // a second bot instance over the same storage
  await a.manager.pin(pinInput('act-1'));
  await advance(a.manager, 5 * M);
  expect(a.deliveries).toHaveLength(1);
  await b.manager.unpin(CONV, 'act-1');
  await advance(a.manager, 30 * M);
  expect(a.deliveries).toHaveLength(1);
  expect(a.manager.scheduled).toBe(0);
});

test('removing the bot from a team ends the pins of every channel of that team, and only those', async () => {
  const { manager, deliveries } = harness();
  const other = '19:other@thread.tacv2';
  await manager.pin(pinInput('act-1', { teamId: '19:team@thread.tacv2' }));
  await manager.pin(pinInput('act-2', { conversationId: other, teamId: '19:team@thread.tacv2' }));
  await manager.pin(pinInput('act-3', { conversationId: 'a:personal-chat' }));
  // onMembersRemoved in a team carries the team id (the General channel's id).
  await manager.forgetConversation('19:team@thread.tacv2;messageid=999');
  await advance(manager, 5 * M);
  expect(deliveries.map((d) => d.activityId)).toEqual(['act-3']);
  expect(await manager.list(CONV)).toEqual([]);
  expect(await manager.list(other)).toEqual([]);
  expect(await manager.list('a:personal-chat')).toHaveLength(1);
  await manager.stop();
});
