/** EmbeddedSource over the real engine: results, stats, pinned now, error mapping, cancellation. */
import { Workspace } from '../../../src/kql';
import { EmbeddedSource, explainEngineError } from '../../../src/logs/embedded/embeddedSource';
import { KqlError } from '../../../src/kql';
import { LogSourceError, toErrorAnswer } from '../../../src/logs/source/errors';
import { withCache, withSingleFlight } from '../../../src/logs/resilience';

const now = new Date('2026-11-23T12:00:00Z');
const min = (m: number) => new Date(now.getTime() - m * 60_000);
const window = { from: min(60), to: now };

function workspace(): Workspace {
  const ws = new Workspace();
  ws.addTable({
    name: 'ApiManagementGatewayLogs',
    columns: [
      { name: 'TimeGenerated', type: 'datetime' },
      { name: 'ApiId', type: 'string' },
      { name: 'ResponseCode', type: 'long' },
    ],
    rows: [
      [min(50), 'orders-api', 200],
      [min(40), 'orders-api', 401],
      [min(10), 'payments-api', 500],
      [min(5), 'payments-api', 500],
      [min(2), 'orders-api', 401],
    ],
  });
  return ws;
}

test('runs KQL on the engine with now pinned and reports rows examined', async () => {
  const src = new EmbeddedSource(workspace(), { name: 'unit', now: () => now });
  expect(src.info).toEqual({ kind: 'embedded', workspace: 'unit' });
  const r = await src.query({
    kql: 'ApiManagementGatewayLogs | where TimeGenerated > ago(15m) | summarize n = count() by ApiId, ResponseCode | order by ApiId asc',
    timespan: window,
  });
  expect(r.tables[0].columns).toEqual([
    { name: 'ApiId', type: 'string' },
    { name: 'ResponseCode', type: 'long' },
    { name: 'n', type: 'long' },
  ]);
  expect(r.tables[0].rows).toEqual([
    ['orders-api', 401, 1],
    ['payments-api', 500, 2],
  ]);
  expect(r.stats.rowsExamined).toBeGreaterThanOrEqual(3);
  expect(r.stats.rowsExamined).toBeLessThanOrEqual(5);
  expect(r.partialError).toBeUndefined();
});

test('a different pinned now gives a different answer for the same text', async () => {
  const src = new EmbeddedSource(workspace(), { now: () => min(30) });
  const r = await src.query({
    kql: 'ApiManagementGatewayLogs | where TimeGenerated > ago(15m) and TimeGenerated <= now() | count',
    timespan: window,
  });
  expect(r.tables[0].rows).toEqual([[1]]);
  expect(src.info.workspace).toBe('demo');
});

test('syntax errors become SyntaxError with line and column', async () => {
  const src = new EmbeddedSource(workspace(), { now: () => now });
  const e = (await src
    .query({ kql: 'ApiManagementGatewayLogs\n| wher ResponseCode == 500', timespan: window })
    .catch((x: unknown) => x)) as LogSourceError;
  expect(e).toBeInstanceOf(LogSourceError);
  expect([e.code, e.retryable]).toEqual(['SyntaxError', false]);
  expect(e.what).toMatch(/\(line 2, column \d+\)$/);
  expect(e.title).toBe('The query could not be parsed');
});

test('unknown columns become SemanticError naming the workspace', async () => {
  const src = new EmbeddedSource(workspace(), { name: 'unit', now: () => now });
  const e = (await src
    .query({ kql: 'ApiManagementGatewayLogs | where ResponseCod == 500', timespan: window })
    .catch((x: unknown) => x)) as LogSourceError;
  expect(e.code).toBe('SemanticError');
  expect(e.what).toContain('ResponseCod');
  expect(e.cause).toContain('unit');
});

test('engine error kinds map to codes; suggestions become the first fix', () => {
  const u = explainEngineError(
    new KqlError('unsupported', "The operator 'evaluate' is not supported by the embedded engine.", {
      line: 1,
      column: 3,
    }),
    'demo',
  );
  expect([u.code, u.what]).toEqual([
    'UnsupportedError',
    "The operator 'evaluate' is not supported by the embedded engine. (line 1, column 3)",
  ]);
  expect(u.fix.join(' ')).toContain('LOG_ANALYTICS_WORKSPACE_ID');
  const s = explainEngineError(
    new KqlError('semantic', "The name 'ApId' does not refer to any known column.", { suggestions: ['ApiId'] }),
    'demo',
  );
  expect(s.fix[0]).toBe('Did you mean: ApiId?');
  expect(explainEngineError(new KqlError('runtime', 'boom'), 'demo').code).toBe('RuntimeError');
  expect(explainEngineError(new TypeError('x is undefined'), 'demo').code).toBe('EngineError');
  expect(toErrorAnswer(u).code).toBe('UnsupportedError');
});

test('an already-aborted signal stops the query before the engine runs', async () => {
  const src = new EmbeddedSource(workspace(), { now: () => now });
  const ac = new AbortController();
  ac.abort();
  await expect(
    src.query({ kql: 'ApiManagementGatewayLogs | count', timespan: window, signal: ac.signal }),
  ).rejects.toMatchObject({ code: 'Aborted' });
});

test('the decorators wrap the embedded source too', async () => {
  const src = withCache(withSingleFlight(new EmbeddedSource(workspace(), { now: () => now })));
  const a = await src.query({ kql: 'ApiManagementGatewayLogs | count', timespan: window });
  const b = await src.query({ kql: 'ApiManagementGatewayLogs | count', timespan: window });
  expect(a.tables[0].rows).toEqual([[5]]);
  expect(b.stats.cached).toBe(true);
});

test('a raw query is pointed at the workspace tables; a recipe over the GatewayLogs view at the view', async () => {
  const src = new EmbeddedSource(workspace(), { name: 'unit', now: () => now });
  const fail = (kql: string) =>
    src.query({ kql, timespan: window }).catch((x: unknown) => x) as Promise<LogSourceError>;
  const raw = await fail('ApiManagementGatewayLogs | where ResponseCod == 500');
  expect(raw.title).toBe('The query names something the workspace does not have');
  expect(raw.fix.join(' ')).toContain('ApiManagementGatewayLogs');
  expect(raw.fix.join(' ')).not.toContain('GatewayLogs view');
  const recipe = await fail('let GatewayLogs = ApiManagementGatewayLogs;\nGatewayLogs | where ResponseCod == 500');
  expect(recipe.fix.join(' ')).toContain('GatewayLogs view');
  const typed = await fail('ApiManagementGatewayLogs | where ApiId > now()');
  expect(typed.title).toBe('The query combines values of types that do not fit');
  const unsupported = await fail('ApiManagementGatewayLogs\n| evaluate autocluster()');
  expect(unsupported.what).toContain('(line 2, column 3)');
});
