/**
 * Text quality over every card the demo can produce: every command, several windows and time zones, singular
 * and plural counts, unknown names, help and errors. A reader must never see a doubled word ("500 500
 * responses"), a number that disagrees with its noun ("1 requests", "200 401s"), an empty range
 * ("14:20–14:20"), "100% ... most of them", or an unfilled template field.
 */
import { Workspace } from '../../src/kql';
import { generateDemoTables } from '../../src/logs/embedded/demo/generator';
import { EmbeddedSource } from '../../src/logs/embedded/embeddedSource';
import { TriageService } from '../../src/triage';
import { COMMAND_HELP } from '../../src/commands/help';
import { cardToText, renderReply } from '../../src/cards';
import type { BotReply } from '../../src/answer';
import { replyToText } from '../../src/cli/format';

jest.setTimeout(300_000);

const NOW = new Date('2026-11-23T14:30:00Z');
const ws = new Workspace();
for (const t of generateDemoTables({ now: NOW, hours: 3, rowsTarget: 4000 })) ws.addTable(t);
const service = new TriageService({ source: new EmbeddedSource(ws, { now: () => NOW }), now: () => NOW });
const empty = new TriageService({ source: new EmbeddedSource(new Workspace(), { now: () => NOW }), now: () => NOW });

const COMMANDS = [
  ...COMMAND_HELP.flatMap((h) => h.examples),
  'triage last 99999d',
  'triage last 1h',
  'triage since 14:00',
  'triage between 13:00 and 13:30',
  'why 500 last 3h',
  'why 502 on legacy-api',
  'why 403 on customers-api',
  'why 404 on shipping-api',
  'why 418',
  '401s on orders-api last 1h',
  'why 500 on payments',
  'why 500 on pay',
  'tls on legacy-api last 3h',
  'breakers on orders-api',
  'breaker shipping-backend',
  'breaker orders-backend at 14:00',
  'apis last 3h',
  'trige 15m',
  'deploy the thing',
];

/** Each problem a reader could see, as a pattern over the card's visible text. */
const PROBLEMS: [string, RegExp][] = [
  ['a phrase said twice', /\b(the \w+'s)\s.*\b\1\s/i],
  ['doubled word', /(?<![\w.:-])([\w][\w-]*)\s+\1(?![\w-])/i],
  [
    'one with a plural noun',
    /(?<![\d.,:-])1 (?:more )?(requests|findings|signatures|callers|APIs|rows|queries|failures|steps)\b/,
  ],
  [
    'a count with a singular noun',
    /(?<![\d.,:-])(?:0|[2-9]|\d{2,}|\d{1,3}(?:,\d{3})+) (request|finding|signature|caller|row|query|failure)\b/,
  ],
  ['a count of status codes', /\b\d[\d,]* [1-5]\d\ds\b/],
  ['an empty range', /(\d\d:\d\d(?::\d\d)?)\s*[–-]\s*\1(?![\d:])/],
  ['all said as most', /100%[^.]*\bmost\b/],
  ['an unfilled field', /\$\{/],
];

async function cards(): Promise<{ label: string; text: string }[]> {
  const out: { label: string; text: string }[] = [];
  const replies: { label: string; reply: BotReply }[] = [];
  for (const text of [...new Set(COMMANDS)]) {
    const p = service.parse(text);
    if (!p.ok) {
      replies.push({ label: text, reply: service.help(p.error, p.suggestions) });
      continue;
    }
    if (p.command.kind === 'help') {
      replies.push({ label: text, reply: service.help() });
      continue;
    }
    replies.push({ label: text, reply: await service.run(p.command, { requestedBy: 'Ada' }) });
  }
  const e = empty.parse('triage');
  if (e.ok) replies.push({ label: 'no gateway logs', reply: await empty.run(e.command) });
  for (const { label, reply } of replies)
    for (const timeZone of [undefined, 'Europe/Berlin']) {
      // The KQL itself is not prose: its repeated tokens ("or", names) are not a reader's problem.
      const shown = reply.type === 'answer' ? { ...reply, kql: '' } : reply;
      out.push({
        label: `${label} (${timeZone ?? 'UTC'})`,
        text: cardToText(renderReply(shown, { now: NOW, timeZone })),
      });
    }
  // The command line prints the same replies as text; its prose must read as well as the cards. Its result
  // tables are data (a status beside the same backend status is not a doubled word), so their rows are left out.
  const tableRow = /^[^\s#].*\S {2,}\S.*\S {2,}\S/;
  for (const { label, reply } of replies) {
    const text = replyToText(reply.type === 'answer' ? { ...reply, kql: '' } : reply);
    out.push({
      label: `${label} (CLI)`,
      text: text
        .split('\n')
        .filter((l) => !tableRow.test(l))
        .join('\n'),
    });
  }
  return out;
}

it('no card the demo can produce has a wording glitch', async () => {
  const all = await cards();
  expect(all.length).toBeGreaterThan(60);
  const found: string[] = [];
  for (const { label, text } of all)
    for (const line of text.split('\n'))
      for (const [problem, re] of PROBLEMS) {
        const m = re.exec(line);
        if (m) found.push(`${label}: ${problem}: "${m[0]}" in "${line.trim().slice(0, 160)}"`);
      }
  expect(found).toEqual([]);
});

it('the patterns catch the glitches seen on real cards', () => {
  const seen = [
    '2 signatures, 500 500 responses on payments-api',
    'Who produced the 200 401s: 100% gateway configuration',
    '100% backend — the backend produced most of them',
    "Grant Log Analytics Reader to the bot's identity the bot's managed identity on workspace w.",
    '2026-11-16 14:20 – 2026-11-23 14:20 UTC (14:20–14:20 Europe/Berlin)',
    '1 requests',
    'Fix: Run "401s on orders-api". (+1 more steps)',
  ];
  for (const line of seen) expect(PROBLEMS.some(([, re]) => re.test(line))).toBe(true);
});

it('a clamped window is labelled as what it looks at, and its notice is said once', async () => {
  const p = service.parse('triage last 99999d');
  if (!p.ok) throw new Error(p.error);
  const a = await service.run(p.command);
  if (a.type !== 'answer') throw new Error(a.title);
  expect(a.title).toBe('Triage, last 7d');
  expect(a.notes.filter((n) => n.startsWith('Clamped'))).toHaveLength(1);
  const text = cardToText(renderReply(a, { now: NOW }));
  expect(text.match(/Clamped to the last 7 days/g)).toHaveLength(1);
});

it('"Asked at" is when it was asked, not the log clock', async () => {
  const p = service.parse('triage');
  if (!p.ok) throw new Error(p.error);
  const before = Date.now();
  const a = await service.run(p.command);
  if (a.type !== 'answer') throw new Error(a.title);
  expect(new Date(a.askedAt!).getTime()).toBeGreaterThanOrEqual(before - 1000);
  const later = new Date(NOW.getTime() + 3_600_000);
  const asked = new Date(a.askedAt!).toISOString().slice(11, 19);
  expect(cardToText(renderReply(a, { now: later }))).toContain(`Asked at ${asked} UTC`);
});
