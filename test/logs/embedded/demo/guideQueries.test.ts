/**
 * The demo workspace, generated in the AzureDiagnostics shape, answers the published gateway-log queries in
 * test/fixtures/apim-gateway-log-guide.kql (kept verbatim) the way its own events say it should.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { runQuery, Workspace } from '../../../../src/kql';
import type { Cell } from '../../../../src/kql/types';
import {
  DEMO_INCIDENT,
  demoEvents,
  generateDemoTables,
  type DemoEvent,
} from '../../../../src/logs/embedded/demo/generator';

const GUIDE_FILE = path.join(__dirname, '../../../fixtures/apim-gateway-log-guide.kql');
const QUERY_NAMES = [
  'base',
  'tls-rejection',
  '401-by-reason',
  'product-scoping',
  'breakers',
  'breaker-correlation',
  'triage-15m',
] as const;
type QueryName = (typeof QUERY_NAMES)[number];

/** The fixture's queries by name: each starts after a "// query: <name>" line; the file's header comment is skipped. */
function guideQueries(): Map<string, string> {
  const out = new Map<string, string>();
  let name: string | undefined;
  let lines: string[] = [];
  const flush = () => {
    if (name !== undefined) out.set(name, lines.join('\n').trim());
  };
  for (const line of fs.readFileSync(GUIDE_FILE, 'utf8').split(/\r?\n/)) {
    const marker = /^\/\/ query: (\S+)$/.exec(line);
    if (marker) {
      flush();
      name = marker[1];
      lines = [];
    } else if (name !== undefined) lines.push(line);
  }
  flush();
  return out;
}

const now = new Date('2026-11-23T12:00:00Z');
const opts = { now, schema: 'azure-diagnostics-seed' as const };
const queries = guideQueries();
const query = (name: QueryName): string => queries.get(name)!;
let ws: Workspace;
let events: DemoEvent[];
const run = (q: string) => runQuery(ws, q, { now }).tables[0];
/** A grouping key that tells null, "" and 0 apart, for events and result rows alike. */
const key = (...values: Cell[]): string => JSON.stringify(values);
const seedBackendUrl = (e: DemoEvent) => (e.backendId ? e.backendBase : '');

beforeAll(() => {
  ws = new Workspace();
  for (const t of generateDemoTables(opts)) ws.addTable(t);
  // The expected answers are computed from the same events in plain TypeScript.
  events = [...demoEvents(opts)];
});

test('the fixture holds the seven queries this test expects', () => {
  expect([...queries.keys()]).toEqual(QUERY_NAMES);
  for (const q of queries.values()) expect(q).toMatch(/^(AzureDiagnostics|let )/);
  expect(
    query('breaker-correlation').startsWith(
      'let trip_time = datetime(2026-04-20T14:32:00Z); // substitute\nlet backend = "my-backend";',
    ),
  ).toBe(true);
});

test('base query: every gateway row, newest first', () => {
  const t = run(query('base'));
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
  const t = run(query('tls-rejection'));
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
  const t = run(query('401-by-reason'));
  const expected = new Map<string, number>();
  for (const e of events.filter((x) => x.responseCode === 401)) {
    const k = key(e.lastErrorReason, e.lastErrorMessage);
    expected.set(k, (expected.get(k) ?? 0) + 1);
  }
  expect(new Map(t.rows.map((r) => [key(r[0], r[1]), r[2]]))).toEqual(expected);
  expect(t.rows[0]).toEqual([
    'SubscriptionKeyInvalid',
    DEMO_INCIDENT.messages.subscriptionNotFound,
    DEMO_INCIDENT.subscriptionNotFound.count,
  ]);
});

test('recipe 2b (product scoping) lists the newest 50 subscription-not-found / invalid-key rows', () => {
  const t = run(query('product-scoping'));
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
  const t = run(query('breakers'));
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
  const q = query('breaker-correlation')
    .replace('let trip_time = datetime(2026-04-20T14:32:00Z);', `let trip_time = datetime(${tripTime.toISOString()});`)
    .replace('let backend = "my-backend";', `let backend = "${DEMO_INCIDENT.breaker.backend}";`);
  expect(q.split('\n').slice(2)).toEqual(query('breaker-correlation').split('\n').slice(2));
  const t = run(q);
  expect(t.columns.map((c) => c.name)).toEqual(['TimeGenerated', 'ResponseCode_d', 'BackendResponseCode_d', 'count_']);
  // Expected: the same grouping in plain TypeScript.
  const lo = tripTime.getTime() - 10 * 60_000;
  const hi = tripTime.getTime() + 60_000;
  const expected = new Map<string, number>();
  for (const e of events) {
    if (!seedBackendUrl(e).endsWith(DEMO_INCIDENT.breaker.backend) || e.time < lo || e.time > hi) continue;
    const k = key(new Date(Math.floor(e.time / 30_000) * 30_000), e.responseCode, e.backendResponseCode);
    expected.set(k, (expected.get(k) ?? 0) + 1);
  }
  expect(new Map(t.rows.map((r) => [key(r[0], r[1], r[2]), r[3]]))).toEqual(expected);
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
  const t = run(query('triage-15m'));
  const expected = new Map<string, number>();
  for (const e of events) {
    if (e.time <= now.getTime() - 15 * 60_000 || e.responseCode < 400) continue;
    const k = key(e.responseCode, e.lastErrorReason, e.lastErrorSource);
    expected.set(k, (expected.get(k) ?? 0) + 1);
  }
  expect(new Map(t.rows.map((r) => [key(r[0], r[1], r[2]), r[3]]))).toEqual(expected);
  expect(t.rows[0].slice(0, 3)).toEqual([500, 'BackendConnectionFailure', 'forward-request']);
  expect(t.rows[0][3]).toBeGreaterThanOrEqual(DEMO_INCIDENT.tls.count);
  expect(t.rows[1].slice(0, 3)).toEqual([503, 'BackendUnavailable', 'forward-request']);
});
