/** PooledEmbeddedSource: the same answers as the in-process engine, from worker threads; errors and cancellation. */
import { join } from 'node:path';
import { Workspace } from '../../../src/kql';
import { EmbeddedSource } from '../../../src/logs/embedded/embeddedSource';
import { PooledEmbeddedSource } from '../../../src/logs/embedded/enginePool';
import { LogSourceError } from '../../../src/logs/source/errors';

const now = new Date('2026-11-23T12:00:00Z');
const window = { from: new Date(now.getTime() - 86_400_000), to: now };
const execArgv = ['--require', join(__dirname, '../../support/registerTs.js')];

/** 5,000 rows over the last 24 h, not in time order, with strings, numbers, nulls and a bool. */
function workspace(): Workspace {
  const ws = new Workspace();
  const rows = Array.from({ length: 5000 }, (_, i) => [
    new Date(now.getTime() - ((i * 7919) % 86_400) * 1000),
    `api-${i % 7}`,
    [200, 401, 404, 500][i % 4],
    i % 13 === 0 ? null : (i * 37) % 1000,
    i % 3 === 0,
  ]);
  ws.addTable({
    name: 'ApiManagementGatewayLogs',
    columns: [
      { name: 'TimeGenerated', type: 'datetime' },
      { name: 'ApiId', type: 'string' },
      { name: 'ResponseCode', type: 'long' },
      { name: 'TotalTime', type: 'long' },
      { name: 'IsRequestSuccess', type: 'bool' },
    ],
    rows,
  });
  return ws;
}

const QUERIES = [
  'ApiManagementGatewayLogs | where TimeGenerated > ago(15m) | summarize n = count() by ApiId, ResponseCode',
  'ApiManagementGatewayLogs | order by TotalTime desc, ApiId asc | take 20',
  'ApiManagementGatewayLogs | summarize dcount(TotalTime), percentiles(TotalTime, 50, 95) by ApiId',
  'ApiManagementGatewayLogs | where IsRequestSuccess | summarize max(TimeGenerated) by bin(TimeGenerated, 1h)',
];

// one pool for the whole file: each worker compiles the sources and loads the parser once
const shared = workspace();
let pool: PooledEmbeddedSource;
beforeAll(() => {
  pool = new PooledEmbeddedSource(shared, { now: () => now, workers: 2, execArgv, name: 'pooled' });
});
afterAll(() => pool.close());

test('answers exactly as the in-process engine, several queries at once over 2 workers', async () => {
  const local = new EmbeddedSource(workspace(), { now: () => now });
  expect(pool.info).toEqual({ kind: 'embedded', workspace: 'pooled' });
  const pooled = await Promise.all(QUERIES.map((kql) => pool.query({ kql, timespan: window })));
  for (let q = 0; q < QUERIES.length; q++) {
    const expected = await local.query({ kql: QUERIES[q], timespan: window });
    expect(pooled[q].tables).toEqual(expected.tables);
    expect(pooled[q].stats.rowsExamined).toBe(expected.stats.rowsExamined);
  }
  // the first query's time window reads only part of the table through the time index
  expect(pooled[0].stats.rowsExamined).toBeLessThan(5000);
});

test('the workspace keeps answering in this thread after its columns moved to shared memory', async () => {
  const fresh = await new EmbeddedSource(workspace(), { now: () => now }).query({ kql: QUERIES[1], timespan: window });
  const moved = await new EmbeddedSource(shared, { now: () => now }).query({ kql: QUERIES[1], timespan: window });
  expect(moved.tables).toEqual(fresh.tables);
});

test('engine errors come back as the same explained LogSourceError', async () => {
  const local = new EmbeddedSource(workspace(), { now: () => now, name: 'pooled' });
  const kql = 'ApiManagementGatewayLogs | where ResponseCod == 500';
  const expected = await local.query({ kql, timespan: window }).catch((e: unknown) => e);
  const got = await pool.query({ kql, timespan: window }).catch((e: unknown) => e);
  expect(got).toBeInstanceOf(LogSourceError);
  const facts = (e: unknown) => {
    const { code, title, what, cause, fix } = e as LogSourceError;
    return { code, title, what, cause, fix };
  };
  expect(facts(got)).toEqual(facts(expected));
  expect(facts(got).code).toBe('SemanticError');
});

test('cancellation: an aborted query rejects, and the pool keeps answering afterwards', async () => {
  const running = new AbortController();
  const waiting = new AbortController();
  const first = pool.query({ kql: QUERIES[2], timespan: window, signal: running.signal });
  const second = pool.query({ kql: QUERIES[2], timespan: window, signal: waiting.signal });
  waiting.abort();
  running.abort();
  await expect(first).rejects.toMatchObject({ code: 'Aborted' });
  await expect(second).rejects.toMatchObject({ code: 'Aborted' });
  const pre = new AbortController();
  pre.abort();
  await expect(pool.query({ kql: QUERIES[0], timespan: window, signal: pre.signal })).rejects.toMatchObject({
    code: 'Aborted',
  });
  const again = await pool.query({ kql: 'ApiManagementGatewayLogs | count', timespan: window });
  expect(again.tables[0].rows).toEqual([[5000]]);
});
