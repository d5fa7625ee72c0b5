import { runQuery, Workspace } from '../../src/kql';
import { analyzeSharingLetLiterals, letLiteralShape } from '../../src/kql/shape';
import type { LogSource, QueryRequest } from '../../src/logs/source/logSource';
import { generateDemoTables } from '../../src/logs/embedded/demo/generator';
import { PHYSICAL_SCHEMAS, SCHEMA_IDS } from '../../src/schema/physical';
import { probeQuery, probeSchema, SchemaProbeCache } from '../../src/schema/probe';

const now = new Date('2026-11-23T12:00:00Z');
const window = { from: new Date(now.getTime() - 24 * 3_600_000), to: now };

/** A LogSource over an in-memory workspace that counts the queries it runs. */
function sourceOver(ws: Workspace, workspace = 'demo'): LogSource & { calls: string[] } {
  const calls: string[] = [];
  return {
    info: { kind: 'embedded', workspace },
    calls,
    query(req: QueryRequest) {
      calls.push(req.kql);
      const r = runQuery(ws, req.kql, { now });
      return Promise.resolve({ tables: r.tables, stats: { elapsedMs: 0, rowsExamined: r.rowsExamined } });
    },
  };
}

const probes = (s: { calls: string[] }) => s.calls.filter((c) => c.includes('\nunion isfuzzy=true\n')).length;

function demoWorkspace(...schemas: (typeof SCHEMA_IDS)[number][]): Workspace {
  const ws = new Workspace();
  for (const schema of schemas)
    for (const t of generateDemoTables({ now, schema, hours: 1, rowsTarget: 300 })) ws.addTable(t);
  return ws;
}

test.each(SCHEMA_IDS)('detects %s (embedded engine: fuzzy union first, then branch by branch)', async (schema) => {
  const src = sourceOver(demoWorkspace(schema));
  await expect(probeSchema(src, window)).resolves.toEqual({ schema });
  expect(src.calls[0]).toBe(probeQuery(window));
});

test('a source that supports fuzzy unions is probed with exactly one query', async () => {
  const calls: string[] = [];
  const src: LogSource = {
    info: { kind: 'log-analytics', workspace: 'law' },
    query(req) {
      calls.push(req.kql);
      return Promise.resolve({
        tables: [
          {
            name: 'PrimaryResult',
            columns: [{ name: 'Schema', type: 'string' }],
            rows: [['azure-diagnostics-seed'], ['azure-diagnostics']],
          },
        ],
        stats: { elapsedMs: 1 },
      });
    },
  };
  await expect(probeSchema(src, window)).resolves.toEqual({ schema: 'azure-diagnostics' });
  expect(calls).toEqual([probeQuery(window)]);
  expect(calls[0]).toMatch(
    /^let _probeFrom = datetime\(2026-11-22T12:00:00\.000Z\);\nlet _probeTo = datetime\(2026-11-23T12:00:00\.000Z\);\nunion isfuzzy=true\n/,
  );
});

test('probes of different windows differ only in their `let` literals, so they share one semantic analysis', () => {
  const other = { from: new Date('2026-01-01T00:00:00Z'), to: new Date('2026-01-01T00:15:00Z') };
  expect(letLiteralShape(probeQuery(window)).text).toBe(letLiteralShape(probeQuery(other)).text);
  const { table, columns } = PHYSICAL_SCHEMAS['resource-specific'];
  const tables = [{ name: table, columns }];
  const a = analyzeSharingLetLiterals(probeQuery(window), tables);
  const b = analyzeSharingLetLiterals(probeQuery(other), tables);
  expect(b.parsed).toBe(a.parsed);
  expect([...b.letValues.values()].map((v) => v.value)).toEqual([other.from.getTime(), other.to.getTime()]);
});

test('prefers resource-specific when both tables have gateway rows', async () => {
  const src = sourceOver(demoWorkspace('azure-diagnostics', 'resource-specific'));
  await expect(probeSchema(src, window)).resolves.toEqual({ schema: 'resource-specific' });
});

test('no gateway logs at all: explains diagnostic settings and how to check them', async () => {
  const ws = new Workspace();
  ws.addTable({ name: 'AzureDiagnostics', columns: PHYSICAL_SCHEMAS['azure-diagnostics'].columns, rows: [] });
  const r = await probeSchema(sourceOver(ws, 'law-prod'), window);
  expect(r.schema).toBeNull();
  if (r.schema !== null) return;
  expect(r.explanation).toMatch(/No API Management gateway logs found in workspace "law-prod"/);
  expect(r.fix.join('\n')).toMatch(/az monitor diagnostic-settings list --resource <APIM resource id>/);
  expect(r.fix.join('\n')).toMatch(/Resource specific/);
  expect(r.fix.join('\n')).toMatch(/new workspace can take up to 2 hours/);
});

test('no gateway tables at all (empty workspace) gives the same explanation, not an error', async () => {
  const r = await probeSchema(sourceOver(new Workspace()), window);
  expect(r.schema).toBeNull();
});

test('gateway rows outside the window do not count', async () => {
  const src = sourceOver(demoWorkspace('resource-specific'));
  const old = { from: new Date('2026-01-01T00:00:00Z'), to: new Date('2026-01-02T00:00:00Z') };
  await expect(probeSchema(src, old)).resolves.toMatchObject({ schema: null });
});

test('the override skips the probe', async () => {
  const src = sourceOver(new Workspace());
  await expect(probeSchema(src, window, { schemaOverride: 'azure-diagnostics-seed' })).resolves.toEqual({
    schema: 'azure-diagnostics-seed',
  });
  const cache = new SchemaProbeCache({ schemaOverride: 'azure-diagnostics' });
  await expect(cache.get(src, window)).resolves.toEqual({ schema: 'azure-diagnostics' });
  expect(src.calls).toEqual([]);
  expect(() => new SchemaProbeCache({ schemaOverride: 'nope' as never })).toThrow(/Unknown schema override/);
});

test('the cache probes once per workspace within the TTL, shares in-flight probes, and expires', async () => {
  let t = 0;
  const cache = new SchemaProbeCache({ ttlMs: 1000, negativeTtlMs: 100, clock: () => t });
  const a = sourceOver(demoWorkspace('azure-diagnostics'), 'ws-a');
  const [r1, r2] = await Promise.all([cache.get(a, window), cache.get(a, window)]);
  expect(r1).toEqual({ schema: 'azure-diagnostics' });
  expect(r2).toEqual(r1);
  expect(probes(a)).toBe(1);
  t = 999;
  await cache.get(a, window);
  expect(probes(a)).toBe(1);
  t = 1000;
  await cache.get(a, window);
  expect(probes(a)).toBe(2);
  // Negative answers are kept for a shorter time; each costs two probes (the window, then the workspace's 30 days).
  const empty = sourceOver(new Workspace(), 'ws-empty');
  await cache.get(empty, window);
  t = 1050;
  await cache.get(empty, window);
  expect(probes(empty)).toBe(2);
  t = 1100;
  await cache.get(empty, window);
  expect(probes(empty)).toBe(4);
});

test('"no gateway logs" is cached for its window only: another window probes again', async () => {
  const cache = new SchemaProbeCache({ clock: () => 0 });
  const empty = sourceOver(new Workspace(), 'ws-empty');
  const quarter = { from: new Date(now.getTime() - 15 * 60_000), to: now };
  await expect(cache.get(empty, quarter)).resolves.toMatchObject({ schema: null });
  await cache.get(empty, quarter);
  expect(probes(empty)).toBe(2);
  await expect(cache.get(empty, window)).resolves.toMatchObject({ schema: null });
  expect(probes(empty)).toBe(4);
});

test('a quiet window in a workspace with gateway logs finds the schema; none in 30 days is "no gateway logs"', async () => {
  const src = sourceOver(demoWorkspace('resource-specific'));
  // The demo's hour ends at `now`; two hours later, the last 15 minutes are quiet.
  const quiet = { from: new Date(now.getTime() + 105 * 60_000), to: new Date(now.getTime() + 120 * 60_000) };
  await expect(probeSchema(src, quiet)).resolves.toEqual({ schema: 'resource-specific' });
  const later = { from: new Date(now.getTime() + 40 * 86_400_000), to: new Date(now.getTime() + 41 * 86_400_000) };
  const r = await probeSchema(src, later);
  expect(r.schema).toBeNull();
  if (r.schema === null) expect(r.explanation).toMatch(/in the 30 days to /);
});

test('a partial answer during the probe is not "no gateway logs", and is not cached', async () => {
  let partial = true;
  const src: LogSource = {
    info: { kind: 'log-analytics', workspace: 'busy' },
    query() {
      const rows = partial ? [] : [['resource-specific']];
      return Promise.resolve({
        tables: [{ name: 'PrimaryResult', columns: [{ name: 'Schema', type: 'string' }], rows }],
        stats: { elapsedMs: 1 },
        ...(partial
          ? { partialError: { code: 'PartialError', message: 'Query exceeded a limit on part of the data' } }
          : {}),
      });
    },
  };
  const cache = new SchemaProbeCache();
  await expect(cache.get(src, window)).resolves.toMatchObject({ schema: null, partial: true });
  partial = false;
  await expect(cache.get(src, window)).resolves.toEqual({ schema: 'resource-specific' });
});

test('a failed probe is not cached', async () => {
  const cache = new SchemaProbeCache();
  let fail = true;
  const src: LogSource = {
    info: { kind: 'log-analytics', workspace: 'flaky' },
    query() {
      if (fail) return Promise.reject(new Error('429 Too Many Requests'));
      return Promise.resolve({
        tables: [
          { name: 'PrimaryResult', columns: [{ name: 'Schema', type: 'string' }], rows: [['azure-diagnostics']] },
        ],
        stats: { elapsedMs: 1 },
      });
    },
  };
  await expect(cache.get(src, window)).rejects.toThrow(/429/);
  fail = false;
  await expect(cache.get(src, window)).resolves.toEqual({ schema: 'azure-diagnostics' });
});
