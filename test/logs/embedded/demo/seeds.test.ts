import * as fs from 'node:fs';
import { runQuery, Workspace } from '../../../../src/kql';
import type { Cell } from '../../../../src/kql/types';
import {
  DEMO_INCIDENT,
  demoEvents,
  generateDemoTables,
  type DemoEvent,
} from '../../../../src/logs/embedded/demo/generator';

/** Every KQL block of the seed blog, verbatim (a block starts at `AzureDiagnostics` or `let`). */
function seedQueries(): string[] {
  const lines = fs.readFileSync('/work/shared/seeds/apim-v2-gateway-logs-kql-recipes.txt', 'utf8').split(/\r?\n/);
  const kqlLine = /^(\||let |AzureDiagnostics$|by |[A-Za-z_]+ = |[A-Za-z_]+_[sdg],)/;
  const out: string[] = [];
  let cur: string[] | null = null;
  for (const l of lines) {
    if (!cur && (l === 'AzureDiagnostics' || l.startsWith('let '))) cur = [];
    if (cur && kqlLine.test(l)) cur.push(l);
    else if (cur) {
      out.push(cur.join('\n'));
      cur = null;
    }
  }
  if (cur) out.push(cur.join('\n'));
  return out;
}

const now = new Date('2026-11-23T12:00:00Z');
const opts = { now, schema: 'azure-diagnostics-seed' as const };
const queries = seedQueries();
let ws: Workspace;
let events: DemoEvent[];
const run = (q: string) => runQuery(ws, q, { now }).tables[0];
const seedBackendUrl = (e: DemoEvent) => (e.backendId ? e.backendBase : '');

beforeAll(() => {
  ws = new Workspace();
  for (const t of generateDemoTables(opts)) ws.addTable(t);
  // The expected answers are computed from the same events in plain TypeScript.
  events = [...demoEvents(opts)];
});

test('the seed file holds the seven KQL blocks this test expects', () => {
  expect(queries).toHaveLength(7);
  expect(
    queries[5].startsWith('let trip_time = datetime(2026-04-20T14:32:00Z); // substitute\nlet backend = "my-backend";'),
  ).toBe(true);
});

test('base query: every gateway row, newest first', () => {
  const t = run(queries[0]);
  expect(t.columns.map((c) => c.name)).toEqual([
    'TimeGenerated',
    'ApiId_s',
    'OperationName_s',
    'Method_s',
    'Url_s',
    'ResponseCode_d',
    'BackendResponseCode_d',
    'ErrorReason_s',
    'LastErrorMessage_s',
    'LastErrorSource_s',
    'CorrelationId_g',
  ]);
  expect(t.rows.length).toBe(events.length);
  expect((t.rows[0][0] as Date).getTime()).toBe(Math.max(...events.slice(-50).map((e) => e.time)));
});

test('recipe 1 (TLS rejection) ranks payments-api / payments-backend first', () => {
  const t = run(queries[1]);
  const tls = events.filter((e) => e.lastErrorMessage.includes('RemoteCertificateValidationCallback'));
  expect(t.rows).toHaveLength(1);
  const [api, backendUrl, failures, firstSeen, lastSeen, sampleUrl] = t.rows[0] as [
    string,
    string,
    number,
    Date,
    Date,
    string,
  ];
  expect([api, backendUrl, failures]).toEqual([
    DEMO_INCIDENT.tls.api,
    DEMO_INCIDENT.paymentsBackendUrl,
    DEMO_INCIDENT.tls.count,
  ]);
  expect(tls).toHaveLength(DEMO_INCIDENT.tls.count);
  expect(firstSeen.getTime()).toBe(Math.min(...tls.map((e) => e.time)));
  expect(lastSeen.getTime()).toBe(Math.max(...tls.map((e) => e.time)));
  expect(firstSeen.getTime()).toBeGreaterThanOrEqual(now.getTime() - DEMO_INCIDENT.tls.startAgoMin * 60_000);
  expect(sampleUrl.startsWith('https://contoso-apim.azure-api.net/payments/v2/')).toBe(true);
});

test('recipe 2 (401s by reason) matches the generated 401s, subscription-not-found on top', () => {
  const t = run(queries[2]);
  const expected = new Map<string, number>();
  for (const e of events.filter((x) => x.responseCode === 401)) {
    const k = `${e.lastErrorReason}|${e.lastErrorMessage}`;
    expected.set(k, (expected.get(k) ?? 0) + 1);
  }
  expect(new Map(t.rows.map((r) => [`${r[0]}|${r[1]}`, r[2]]))).toEqual(expected);
  expect(t.rows[0]).toEqual([
    'SubscriptionKeyInvalid',
    DEMO_INCIDENT.messages.subscriptionNotFound,
    DEMO_INCIDENT.subscriptionNotFound.count,
  ]);
});

test('recipe 2b (product scoping) lists the newest 50 subscription-not-found / invalid-key rows', () => {
  const t = run(queries[3]);
  const match = events
    .filter(
      (e) => e.responseCode === 401 && /Subscription not found|invalid subscription key/i.test(e.lastErrorMessage),
    )
    .sort((a, b) => b.time - a.time)
    .slice(0, 50);
  expect(t.rows.map((r) => [(r[0] as Date).getTime(), r[1], r[4], r[5]])).toEqual(
    match.map((e) => [e.time, e.callerIp, e.lastErrorMessage, e.apimSubscriptionId]),
  );
  const notFound = t.rows.filter((r) => r[4] === DEMO_INCIDENT.messages.subscriptionNotFound);
  expect(new Set(notFound.map((r) => r[1]))).toEqual(new Set(DEMO_INCIDENT.subscriptionNotFound.callerIps));
  expect(new Set(notFound.map((r) => r[5]))).toEqual(new Set(DEMO_INCIDENT.subscriptionNotFound.subscriptionIds));
});

test('recipe 3 (circuit breaker) finds shipping-api / shipping-backend', () => {
  const t = run(queries[4]);
  expect(t.rows).toHaveLength(1);
  const [api, backendUrl, trips, firstTrip, , sample] = t.rows[0] as [string, string, number, Date, Date, string];
  expect([api, backendUrl, trips, sample]).toEqual([
    DEMO_INCIDENT.breaker.api,
    DEMO_INCIDENT.breaker.backendUrl,
    DEMO_INCIDENT.breaker.count,
    DEMO_INCIDENT.breaker.message,
  ]);
  expect(firstTrip.getTime()).toBeGreaterThanOrEqual(now.getTime() - DEMO_INCIDENT.breaker.tripAgoMin * 60_000);
});

test('breaker correlation (trip time and backend substituted in the let statements only) shows the 500 burst before the trip', () => {
  const tripTime = new Date(now.getTime() - DEMO_INCIDENT.breaker.tripAgoMin * 60_000);
  const q = queries[5]
    .replace('let trip_time = datetime(2026-04-20T14:32:00Z);', `let trip_time = datetime(${tripTime.toISOString()});`)
    .replace('let backend = "my-backend";', `let backend = "${DEMO_INCIDENT.breaker.backend}";`);
  expect(q.split('\n').slice(2)).toEqual(queries[5].split('\n').slice(2));
  const t = run(q);
  expect(t.columns.map((c) => c.name)).toEqual(['TimeGenerated', 'ResponseCode_d', 'BackendResponseCode_d', 'count_']);
  // Expected: the same grouping in plain TypeScript.
  const lo = tripTime.getTime() - 10 * 60_000;
  const hi = tripTime.getTime() + 60_000;
  const expected = new Map<string, number>();
  for (const e of events) {
    if (!seedBackendUrl(e).endsWith(DEMO_INCIDENT.breaker.backend) || e.time < lo || e.time > hi) continue;
    const k = `${Math.floor(e.time / 30_000) * 30_000}|${e.responseCode}|${e.backendResponseCode}`;
    expected.set(k, (expected.get(k) ?? 0) + 1);
  }
  expect(new Map(t.rows.map((r) => [`${(r[0] as Date).getTime()}|${r[1]}|${r[2]}`, r[3]]))).toEqual(expected);
  const times = t.rows.map((r) => (r[0] as Date).getTime());
  expect(times).toEqual([...times].sort((a, b) => a - b));
  const sum = (f: (r: Cell[]) => boolean) => t.rows.filter(f).reduce((s, r) => s + (r[3] as number), 0);
  // The whole burst of backend 500s lies in the 10 minutes before the trip; 503s (no backend code) only after it.
  expect(sum((r) => r[1] === 500 && r[2] === 500)).toBe(DEMO_INCIDENT.breaker.burstCount);
  expect(
    t.rows
      .filter((r) => r[1] === 503)
      .every((r) => r[2] === null && (r[0] as Date).getTime() >= tripTime.getTime() - 30_000),
  ).toBe(true);
  expect(sum((r) => r[1] === 503)).toBeGreaterThan(0);
  expect(sum((r) => r[1] === 200 || r[1] === 201)).toBeGreaterThan(0);
});

test('recipe 4 (triage, last 15 minutes) puts the TLS rejection first', () => {
  const t = run(queries[6]);
  const expected = new Map<string, number>();
  for (const e of events) {
    if (e.time <= now.getTime() - 15 * 60_000 || e.responseCode < 400) continue;
    const k = `${e.responseCode}|${e.lastErrorReason}|${e.lastErrorSource}`;
    expected.set(k, (expected.get(k) ?? 0) + 1);
  }
  expect(new Map(t.rows.map((r) => [`${r[0]}|${r[1]}|${r[2]}`, r[3]]))).toEqual(expected);
  expect(t.rows[0].slice(0, 3)).toEqual([500, 'BackendConnectionFailure', 'forward-request']);
  expect(t.rows[0][3]).toBeGreaterThanOrEqual(DEMO_INCIDENT.tls.count);
  expect(t.rows[1].slice(0, 3)).toEqual([503, 'BackendUnavailable', 'forward-request']);
});
