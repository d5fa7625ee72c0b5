/**
 * "No logs in this window" and "no gateway logs in this workspace" are different answers, a partial answer
 * from Log Analytics during the schema check is never told as either, and an empty window does not stop a
 * longer one from being queried.
 */
import { runQuery, Workspace } from '../../src/kql';
import { generateDemoTables } from '../../src/logs/embedded/demo/generator';
import type { LogSource, QueryRequest, QueryResult } from '../../src/logs/source/logSource';
import { TriageService } from '../../src/triage';
import type { Answer, ErrorAnswer } from '../../src/answer';

const DATA_END = new Date('2026-11-23T12:00:00Z');
/** Two hours after the demo's traffic stopped: the last 15 minutes are quiet, the last 24 hours are not. */
const NOW = new Date('2026-11-23T14:00:00Z');

function counting(ws: Workspace, partial = () => false): LogSource & { kql: string[] } {
  const kql: string[] = [];
  return {
    info: { kind: 'log-analytics', workspace: 'law-test' },
    kql,
    query(req: QueryRequest): Promise<QueryResult> {
      kql.push(req.kql);
      const r = runQuery(ws, req.kql, { now: NOW });
      const out: QueryResult = { tables: r.tables, stats: { elapsedMs: 0, rowsExamined: r.rowsExamined } };
      if (partial()) {
        out.partialError = { code: 'PartialError', message: 'Query exceeded a limit on part of the data' };
        out.tables = out.tables.map((t) => ({ ...t, rows: [] }));
      }
      return Promise.resolve(out);
    },
  };
}

const ws = new Workspace();
for (const t of generateDemoTables({ now: DATA_END, hours: 2, rowsTarget: 2000 })) ws.addTable(t);

async function ask(service: TriageService, text: string) {
  const p = service.parse(text);
  if (!p.ok) throw new Error(p.error);
  return service.run(p.command);
}

it('a quiet window says so, and a longer window after it is queried, not served the quiet answer', async () => {
  const source = counting(ws);
  const service = new TriageService({ source, now: () => NOW });
  const quiet = (await ask(service, 'triage last 15m')) as Answer;
  expect(quiet.type).toBe('answer');
  expect(quiet.summary).toBe('No gateway requests logged in the last 15m');
  expect(quiet.notes.join(' ')).toMatch(/though the workspace has gateway logs/);
  const recipes = () => source.kql.filter((k) => k.includes('// recipe: triage')).length;
  expect(recipes()).toBe(1);
  const day = (await ask(service, 'triage last 24h')) as Answer;
  expect(recipes()).toBe(2);
  expect(day.findings.length).toBeGreaterThan(0);
  expect(day.summary).toMatch(/failed requests in the last 1d/);
});

it('a workspace with no gateway logs at all is told that, over the last 30 days', async () => {
  const service = new TriageService({ source: counting(new Workspace()), now: () => NOW });
  const e = (await ask(service, 'triage last 15m')) as ErrorAnswer;
  expect(e.code).toBe('NoGatewayLogs');
  expect(e.what).toMatch(/in the 30 days to 2026-11-23T14:00/);
});

it('a partial answer while checking the tables is a retryable "answered only in part", not "no gateway logs"', async () => {
  let partial = true;
  const service = new TriageService({ source: counting(ws, () => partial), now: () => NOW });
  const e = (await ask(service, 'triage last 24h')) as ErrorAnswer;
  expect(e).toMatchObject({ type: 'error', code: 'PartialResults', retryable: true });
  expect(e.title).not.toMatch(/No API Management gateway logs/);
  // Not cached: the next try, answered in full, is a full answer.
  partial = false;
  const a = (await ask(service, 'triage last 24h')) as Answer;
  expect(a.type).toBe('answer');
  expect(a.findings.length).toBeGreaterThan(0);
});

it('a partial answer to the recipe itself is a partial answer, with a note', async () => {
  let calls = 0;
  // The probe and freshness answer in full; the recipe comes back partial.
  const source = counting(ws, () => source.kql[source.kql.length - 1].includes('// recipe:') && ++calls > 0);
  const service = new TriageService({ source, now: () => NOW });
  const a = (await ask(service, 'triage last 24h')) as Answer;
  expect(a.type).toBe('answer');
  expect(a.notes.join(' ')).toMatch(/Log Analytics returned partial results \(PartialError\).*Counts may be low/);
});
