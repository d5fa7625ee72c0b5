/**
 * Every command the bot offers works when followed: help examples, the corrections offered for text it did not
 * understand, each finding's next command and the commands its fixes say to run, and the API buttons of an
 * answer. At several clock times (after midnight, in the morning before the examples' 14:30, at 14:30), each one
 * parses and runs to an answer on a demo workspace whose traffic ends at that time.
 * (Live-card examples, "pin ...", go to the pin parser, not the triage service, and are tested with it.)
 */
import { Workspace } from '../../src/kql';
import { generateDemoTables } from '../../src/logs/embedded/demo/generator';
import { EmbeddedSource } from '../../src/logs/embedded/embeddedSource';
import { TriageService } from '../../src/triage';
import { COMMAND_HELP } from '../../src/commands/help';
import type { Answer } from '../../src/answer';

jest.setTimeout(300_000);

/** Text the bot does not understand as typed, or understands but cannot answer yet; each comes with suggestions. */
const MISTYPED = [
  'triqqe 15m',
  'triqqe 15m on payments-api',
  'triage since 25:99',
  'triage since 9',
  'brqqkrs last 1h',
  'brqqkr shipping-backend',
  'why',
  'why since 14:30',
  'breaker',
  'triage at 14:00',
  "why 500 on orders'api",
  'why 700',
  'hqqp',
  'who is calling orders-api',
  'callers with 500 on orders-api',
  'triage last 2d vs yesterday',
  '5xx on payments-api vs last week',
  'keys',
  'deploy the thing',
  '401s between 14:30 and 14:00',
];

/** Commands whose answers offer more commands (next steps, fixes to run, API buttons). */
const ANSWERS = [
  'triage last 1h',
  'why 500',
  '401s',
  'tls',
  'breakers',
  'why 500 on pay',
  'triage on zzzzzz',
  '5xx on shipping-api',
  'latency on payments-api last 30m',
  'who is calling orders-api with a bad key',
  'triage last 1h vs last week',
  'what changed since 14:00',
];

async function offeredBy(service: TriageService): Promise<Map<string, string>> {
  const offered = new Map<string, string>(); // command -> where it was offered
  for (const h of COMMAND_HELP) for (const e of h.examples) offered.set(e, `help for ${h.kind}`);
  for (const text of MISTYPED) {
    const p = service.parse(text);
    expect({ text, ok: p.ok }).toEqual({ text, ok: false });
    if (p.ok) continue;
    expect(p.suggestions.length).toBeGreaterThan(0);
    for (const s of p.suggestions) offered.set(s, `correction of "${text}"`);
  }
  for (const text of ANSWERS) {
    const p = service.parse(text);
    if (!p.ok) throw new Error(p.error);
    const a = (await service.run(p.command)) as Answer;
    expect(a.type).toBe('answer');
    for (const s of a.suggestions ?? []) offered.set(s, `button on "${text}"`);
    for (const f of a.findings) {
      offered.set(f.next, `next step of ${f.signature} on "${text}"`);
      for (const fix of f.fix) {
        const run = /^Run "([^"]+)"/.exec(fix);
        if (run) offered.set(run[1], `fix of ${f.signature} on "${text}"`);
      }
    }
  }
  return offered;
}

describe.each(['2026-11-23T00:10:00Z', '2026-11-23T09:00:00Z', '2026-11-23T14:30:00Z'])('at %s', (iso) => {
  const now = new Date(iso);
  const ws = new Workspace();
  for (const t of generateDemoTables({ now, hours: 1, rowsTarget: 2000 })) ws.addTable(t);
  const service = new TriageService({ source: new EmbeddedSource(ws, { now: () => now }), now: () => now });

  it('every offered command parses and runs to an answer', async () => {
    const offered = await offeredBy(service);
    expect(offered.size).toBeGreaterThan(20);
    const failures: string[] = [];
    const ran = new Set<string>();
    for (const [command, where] of offered) {
      const p = service.parse(command);
      if (!p.ok) {
        failures.push(`${command} (${where}): ${p.error}`);
        continue;
      }
      // "help" is answered by the bot itself, without a query.
      if (p.command.kind === 'help') continue;
      // Two wordings of one command run the same query: run it once.
      const { text: _text, ...same } = p.command;
      const key = JSON.stringify(same);
      if (ran.has(key)) continue;
      ran.add(key);
      const reply = await service.run(p.command);
      if (reply.type !== 'answer') failures.push(`${command} (${where}): ${reply.title}`);
    }
    expect(failures).toEqual([]);
  });
});
