/**
 * The orchestrator on the real embedded engine and demo workspace: the path shared by the bot and the CLI.
 */
import { Workspace } from '../../src/kql';
import { generateDemoTables } from '../../src/logs/embedded/demo/generator';
import { EmbeddedSource } from '../../src/logs/embedded/embeddedSource';
import { TriageService } from '../../src/triage';
import { PHYSICAL_SCHEMAS } from '../../src/schema/physical';
import type { Answer, ErrorAnswer } from '../../src/answer';
import type * as ServiceModule from '../../src/triage/service';

jest.setTimeout(60_000);

const NOW = new Date('2026-11-23T14:30:00Z');
let triage: TriageService;

beforeAll(() => {
  const ws = new Workspace();
  for (const t of generateDemoTables({ now: NOW, hours: 2 })) ws.addTable(t);
  triage = new TriageService({ source: new EmbeddedSource(ws, { name: 'demo', now: () => NOW }), now: () => NOW });
});

async function ask(text: string): Promise<Answer | ErrorAnswer> {
  const parsed = triage.parse(text);
  if (!parsed.ok) throw new Error(parsed.error);
  return triage.run(parsed.command, { requestedBy: 'test' });
}

test('triage: ranked findings, the exact KQL, the schema and how far behind the logs are', async () => {
  const a = (await ask('triage last 15m')) as Answer;
  expect(a.type).toBe('answer');
  expect(a.findings.slice(0, 2).map((f) => f.signature)).toEqual(['backend-tls-rejected', 'circuit-breaker-open']);
  expect(a.kql.startsWith('let GatewayLogs = ApiManagementGatewayLogs')).toBe(true);
  expect(a.source).toEqual({ kind: 'embedded', workspace: 'demo', schema: 'resource-specific' });
  expect(a.title).toBe('Triage, last 15m');
  expect(a.requestedBy).toBe('test');
  // The demo's rows arrive 2-7 minutes late, like real gateway logs: the answer says the newest minutes may be missing.
  expect(a.freshness?.lagMinutes).toBeGreaterThanOrEqual(2);
  expect(a.notes.join(' ')).toMatch(/Logs are complete to \d\d:\d\d UTC, about \d+ min behind/);
  // The recipe, and the Activity log's changes to place the new findings against.
  expect(a.stats.queries).toBe(2);
  expect(a.stats.rowsExamined).toBeGreaterThan(0);
});

test('a near-miss API name answers for the one API it means, and says so', async () => {
  const a = (await ask('why 401 on ordres-api')) as Answer;
  expect(a.command.api).toBe('orders-api');
  expect(a.notes.filter((n) => n.includes('ordres-api'))).toEqual(['Showing orders-api; you typed ordres-api.']);
  expect(a.findings.map((f) => f.signature)).toContain('subscription-not-found');
  // The recipe, the API list, the recipe again for the API meant.
  expect(a.stats.queries).toBe(3);
});

test('a workspace without gateway logs is explained, with how to route them', async () => {
  const ws = new Workspace();
  const schema = PHYSICAL_SCHEMAS['resource-specific'];
  ws.addTable({ name: schema.table, columns: schema.columns, rows: [] });
  const empty = new TriageService({
    source: new EmbeddedSource(ws, { name: 'empty', now: () => NOW }),
    now: () => NOW,
  });
  const parsed = empty.parse('triage');
  if (!parsed.ok) throw new Error(parsed.error);
  const e = (await empty.run(parsed.command)) as ErrorAnswer;
  expect(e.type).toBe('error');
  expect(e.code).toBe('NoGatewayLogs');
  expect(e.fix.join(' ')).toContain('az monitor diagnostic-settings list');
});

test('a command past its time budget ends in an explained error, not a hang', async () => {
  const ws = new Workspace();
  for (const t of generateDemoTables({ now: NOW, hours: 1 })) ws.addTable(t);
  const source = new EmbeddedSource(ws, { name: 'slow', now: () => NOW });
  // A source that never answers stands for Log Analytics hanging; the service must still answer.
  const hanging = { info: source.info, query: () => new Promise<never>(() => {}) };
  const slow = new TriageService({
    source: hanging,
    now: () => NOW,
    answerTimeoutMs: 50,
    schemaOverride: 'resource-specific',
  });
  const parsed = slow.parse('triage');
  if (!parsed.ok) throw new Error(parsed.error);
  const e = (await slow.run(parsed.command)) as ErrorAnswer;
  expect(e.type).toBe('error');
  expect(e.retryable).toBe(true);
  expect(`${e.title} ${e.what}`).toMatch(/time|long|cancel/i);
});

describe('windows are aligned to the minute so the same command in the same minute is the same query', () => {
  const { alignToMinute } = jest.requireActual<typeof ServiceModule>('../../src/triage/service');
  const cmd = (from: string, to: string) => ({
    kind: 'triage' as const,
    text: 'triage',
    window: { from: new Date(from), to: new Date(to), label: 'x' },
  });

  test('relative windows keep their length and end on the next minute', () => {
    const a = alignToMinute(cmd('2026-11-23T14:15:12.345Z', '2026-11-23T14:30:12.345Z'));
    const b = alignToMinute(cmd('2026-11-23T14:15:47.001Z', '2026-11-23T14:30:47.001Z'));
    expect(a.window).toEqual(b.window);
    expect([a.window.from.toISOString(), a.window.to.toISOString()]).toEqual([
      '2026-11-23T14:16:00.000Z',
      '2026-11-23T14:31:00.000Z',
    ]);
  });

  test('a fixed start stays; aligned windows are untouched', () => {
    const since = alignToMinute(cmd('2026-11-23T14:00:00.000Z', '2026-11-23T14:30:12.345Z'));
    expect([since.window.from.toISOString(), since.window.to.toISOString()]).toEqual([
      '2026-11-23T14:00:00.000Z',
      '2026-11-23T14:31:00.000Z',
    ]);
    const fixed = cmd('2026-11-23T14:00:00.000Z', '2026-11-23T14:30:00.000Z');
    expect(alignToMinute(fixed)).toBe(fixed);
  });

  test('two people asking seconds apart run identical KQL', async () => {
    const ws = new Workspace();
    for (const t of generateDemoTables({ now: NOW, hours: 1 })) ws.addTable(t);
    const source = new EmbeddedSource(ws, { name: 'demo', now: () => NOW });
    const at = (iso: string) => new TriageService({ source, now: () => new Date(iso) });
    const run = async (iso: string) => {
      const t = at(iso);
      const p = t.parse('triage last 15m');
      if (!p.ok) throw new Error(p.error);
      return (await t.run(p.command)) as Answer;
    };
    const [a, b] = [await run('2026-11-23T14:29:05.000Z'), await run('2026-11-23T14:29:55.500Z')];
    expect(a.kql).toBe(b.kql);
  });
});
