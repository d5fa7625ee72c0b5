/**
 * The same KQL through LogAnalyticsSource (real SDK, https, local service running the embedded engine
 * over the demo workspace) and through EmbeddedSource gives the same tables; the service honours the
 * request timespan the way Log Analytics does.
 */
import { Workspace } from '../../../src/kql';
import { generateDemoTables } from '../../../src/logs/embedded/demo/generator';
import { preludeFor } from '../../../src/schema/prelude';
import { EmbeddedSource } from '../../../src/logs/embedded/embeddedSource';
import { LogAnalyticsSource } from '../../../src/logs/logAnalytics/logAnalyticsSource';
import { LaService } from '../../support/laService/server';
import { engineExecutor } from '../../support/laService/engineExecutor';
import { StaticTokenCredential } from '../../support/laService/fakeCredential';

const now = new Date('2026-11-23T12:00:00Z');
const tables = generateDemoTables({ now, hours: 2, rowsTarget: 6000 });
const prelude = preludeFor('resource-specific');
let svc: LaService;
let remote: LogAnalyticsSource;
let local: EmbeddedSource;

beforeAll(async () => {
  svc = await LaService.start({ executor: engineExecutor(tables, { now: () => now }) });
  remote = new LogAnalyticsSource({
    workspaceId: 'demo-ws',
    endpoint: svc.endpoint,
    credential: new StaticTokenCredential(),
    caCertificates: svc.ca,
  });
  const ws = new Workspace();
  for (const t of tables) ws.addTable(t);
  local = new EmbeddedSource(ws, { now: () => now });
});
afterAll(() => svc.close());

const last = (minutes: number) => ({ from: new Date(now.getTime() - minutes * 60_000), to: now });

test('a triage-style aggregation is identical remote and embedded (strings, longs, datetimes)', async () => {
  const kql = `${prelude}
GatewayLogs
| where TimeGenerated > ago(15m) and ResponseCode >= 400
| summarize Count = count(), FirstSeen = min(TimeGenerated), LastSeen = max(TimeGenerated) by ApiId, ResponseCode, LastErrorReason
| order by Count desc, ApiId asc, ResponseCode asc`;
  const [r, l] = await Promise.all([
    remote.query({ kql, timespan: last(15) }),
    local.query({ kql, timespan: last(15) }),
  ]);
  expect(r.tables[0].rows.length).toBeGreaterThan(3);
  expect(r.tables[0].columns).toEqual(l.tables[0].columns);
  expect(r.tables[0].rows).toEqual(l.tables[0].rows);
  expect(r.tables[0].rows[0][4]).toBeInstanceOf(Date);
  expect(r.stats.rowsExamined).toBeGreaterThan(0);
});

test('the service applies the request timespan in addition to the query', async () => {
  const kql = `${prelude}\nGatewayLogs | count`;
  const narrow = await remote.query({ kql, timespan: last(15) });
  const wide = await remote.query({ kql, timespan: last(60) });
  const explicit = await local.query({
    kql: `${prelude}\nGatewayLogs | where TimeGenerated between (ago(15m) .. now()) | count`,
    timespan: last(15),
  });
  expect(narrow.tables[0].rows).toEqual(explicit.tables[0].rows);
  expect(wide.tables[0].rows[0][0] as number).toBeGreaterThan(narrow.tables[0].rows[0][0] as number);
  expect(svc.requests.map((q) => q.timespan)).toContain(`${last(15).from.toISOString()}/${now.toISOString()}`);
});

test('an engine syntax error comes back as the service 400 and is explained with its position', async () => {
  const e = await remote
    .query({ kql: `${prelude}\nGatewayLogs\n| wher ResponseCode == 500`, timespan: last(15) })
    .catch((x: unknown) => x);
  expect(e).toMatchObject({ code: 'SyntaxError', status: 400 });
  expect((e as Error & { what: string }).what).toMatch(/\(line \d+, position \d+\)$/);
});
