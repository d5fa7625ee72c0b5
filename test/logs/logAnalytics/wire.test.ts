/**
 * What LogAnalyticsSource and the composed production source put on the wire, checked at the local
 * service: timespan, Prefer, resource-centric path, retries (by request counts), single-flight,
 * concurrency limit and cache.
 */
import {
  buildLogAnalyticsSource,
  LogAnalyticsSource,
  scopeForEndpoint,
  type LogAnalyticsSourceOptions,
} from '../../../src/logs/logAnalytics/logAnalyticsSource';
import { type LogSourceError } from '../../../src/logs/source/errors';
import { loadConfig } from '../../../src/config';
import type { QueryRequest } from '../../../src/logs/source/logSource';
import { echoExecutor, LaService } from '../../support/laService/server';
import { StaticTokenCredential } from '../../support/laService/fakeCredential';
import { SEED } from '../../support/laService/seedErrors';

const WS = '6f1c2b9e-0000-4000-8000-00000000a11c';
const RESOURCE =
  '/subscriptions/0000-sub/resourceGroups/rg-apim/providers/Microsoft.ApiManagement/service/contoso-apim';
const window = { from: new Date('2026-11-23T10:00:00Z'), to: new Date('2026-11-23T10:15:00Z') };
let svc: LaService;

beforeAll(async () => {
  svc = await LaService.start({ executor: echoExecutor });
});
afterAll(() => svc.close());
beforeEach(() => svc.reset());

function opts(extra: Partial<LogAnalyticsSourceOptions> = {}): LogAnalyticsSourceOptions {
  // A fresh credential per source keeps each test's per-identity limiter separate.
  return {
    workspaceId: WS,
    endpoint: svc.endpoint,
    credential: new StaticTokenCredential(),
    caCertificates: svc.ca,
    ...extra,
  };
}

const q = (kql: string, timespan = window): QueryRequest => ({ kql, timespan });
const until = async (cond: () => boolean) => {
  while (!cond()) await new Promise((r) => setTimeout(r, 2));
};

test('sends the window as the timespan, Prefer wait + statistics, and maps the tables', async () => {
  const r = await new LogAnalyticsSource(opts()).query(q('GatewayLogs | count'));
  expect(svc.requests).toHaveLength(1);
  const sent = svc.requests[0];
  expect(sent).toMatchObject({
    method: 'POST',
    path: `/v1/workspaces/${WS}/query`,
    query: 'GatewayLogs | count',
    prefer: 'wait=60,include-statistics=true',
    authorized: true,
  });
  expect(sent.timespan).toBe('2026-11-23T10:00:00.000Z/2026-11-23T10:15:00.000Z');
  const t = r.tables[0];
  expect(t.columns).toEqual([
    { name: 'Query', type: 'string' },
    { name: 'From', type: 'datetime' },
    { name: 'To', type: 'datetime' },
    { name: 'Span', type: 'timespan' },
  ]);
  // datetime cells come back as Date, timespans as milliseconds (the shared Cell shape).
  expect(t.rows).toEqual([['GatewayLogs | count', window.from, window.to, 15 * 60_000]]);
  expect(r.stats.rowsExamined).toBe(1);
  expect(r.stats.serverMs).toBeGreaterThanOrEqual(0);
  expect(r.partialError).toBeUndefined();
});

test('resourceId switches to the resource-centric path', async () => {
  await new LogAnalyticsSource(opts({ workspaceId: undefined, resourceId: RESOURCE })).query(q('GatewayLogs | count'));
  expect(svc.requests[0].target).toEqual({ kind: 'resource', id: RESOURCE });
  expect(svc.requests[0].path).toBe(`/v1${RESOURCE}/query`);
});

test('serverTimeoutSeconds becomes Prefer: wait', async () => {
  await new LogAnalyticsSource(opts({ serverTimeoutSeconds: 120 })).query(q('T'));
  expect(svc.requests[0].prefer).toBe('wait=120,include-statistics=true');
});

test('the token is requested for the endpoint scope (the SDK ignores `audience`)', async () => {
  const credential = new StaticTokenCredential();
  await new LogAnalyticsSource(opts({ credential })).query(q('T'));
  expect(credential.scopesSeen).toEqual([`https://127.0.0.1:${svc.port}/.default`]);
  expect(scopeForEndpoint(undefined)).toBe('https://api.loganalytics.io/.default');
  expect(scopeForEndpoint('https://api.loganalytics.azure.com/v1')).toBe('https://api.loganalytics.io/.default');
  expect(scopeForEndpoint('https://api.loganalytics.us/v1')).toBe('https://api.loganalytics.us/.default');
  expect(scopeForEndpoint('https://api.loganalytics.azure.cn/v1')).toBe('https://api.loganalytics.azure.cn/.default');
});

describe('retry (counts requests; waits are recorded, not slept)', () => {
  function retrying(extra: Partial<LogAnalyticsSourceOptions> = {}) {
    const waits: number[] = [];
    const sleep = (ms: number) => {
      waits.push(ms);
      return Promise.resolve();
    };
    const src = buildLogAnalyticsSource(opts({ cacheTtlMs: 0, retry: { sleep, random: () => 0.5 }, ...extra }));
    return { src, waits };
  }

  test('honours Retry-After seconds on 429, then succeeds', async () => {
    const { src, waits } = retrying();
    svc.inject({ status: 429, headers: { 'retry-after': '2' }, times: 2 });
    const r = await src.query(q('T'));
    expect(svc.requests).toHaveLength(3);
    expect(waits).toEqual([2000, 2000]);
    expect(r.tables[0].rows[0][0]).toBe('T');
  });

  test('honours Retry-After as an HTTP-date', async () => {
    const { src, waits } = retrying();
    svc.inject({ status: 429, headers: { 'retry-after': new Date(Date.now() + 5000).toUTCString() } });
    await src.query(q('T'));
    expect(svc.requests).toHaveLength(2);
    expect(waits[0]).toBeGreaterThan(2000);
    expect(waits[0]).toBeLessThanOrEqual(5000);
  });

  test('gives up after 3 retries (4 requests) with the Throttled explanation', async () => {
    const { src, waits } = retrying();
    svc.inject({ status: 429, headers: { 'retry-after': '1' }, times: 10 });
    const e = (await src.query(q('T')).catch((x: unknown) => x)) as LogSourceError;
    expect(e.code).toBe('Throttled');
    expect(svc.requests).toHaveLength(4);
    expect(waits).toEqual([1000, 1000, 1000]);
  });

  test('does not wait past the total budget: Retry-After 30 s > 20 s means one request', async () => {
    const { src, waits } = retrying();
    svc.inject({ status: 429, headers: { 'retry-after': '30' } });
    const e = (await src.query(q('T')).catch((x: unknown) => x)) as LogSourceError;
    expect([e.code, e.retryAfterMs]).toEqual(['Throttled', 30_000]);
    expect(svc.requests).toHaveLength(1);
    expect(waits).toEqual([]);
  });

  test('5xx and dropped connections back off with full jitter, 403 is not retried', async () => {
    const { src, waits } = retrying();
    svc.inject({ status: 503 }, { closeSocket: true });
    await src.query(q('T'));
    expect(svc.requests).toHaveLength(3);
    expect(waits).toEqual([250, 500]); // 0.5 x 500 ms, 0.5 x 1000 ms
    svc.reset();
    svc.inject(SEED.insufficientAccess);
    await expect(src.query(q('T2'))).rejects.toMatchObject({ code: 'InsufficientAccessError' });
    expect(svc.requests).toHaveLength(1);
  });

  test('the SDK does not add retries of its own', async () => {
    svc.inject({ status: 429, headers: { 'retry-after': '0' } });
    await expect(new LogAnalyticsSource(opts()).query(q('T'))).rejects.toMatchObject({ code: 'Throttled' });
    expect(svc.requests).toHaveLength(1);
  });
});

test('single-flight: 20 concurrent identical queries make 1 upstream request', async () => {
  const src = buildLogAnalyticsSource(opts({ cacheTtlMs: 0 }));
  svc.hold();
  const all = Array.from({ length: 20 }, () => src.query(q('GatewayLogs | summarize count() by ApiId')));
  await until(() => svc.requests.length === 1);
  svc.release();
  const results = await Promise.all(all);
  expect(svc.requests).toHaveLength(1);
  for (const r of results) expect(r.tables[0].rows[0][0]).toBe('GatewayLogs | summarize count() by ApiId');
});

test('limiter: never more than 5 queries in flight at the service, the rest queue FIFO', async () => {
  const src = buildLogAnalyticsSource(opts({ cacheTtlMs: 0 }));
  svc.hold();
  const all = Array.from({ length: 20 }, (_, i) => src.query(q(`GatewayLogs | take ${i}`)));
  await until(() => svc.requests.length === 5);
  await new Promise((r) => setTimeout(r, 50)); // give a 6th request every chance to show up
  expect(svc.requests).toHaveLength(5);
  expect(svc.inFlight).toBe(5);
  svc.release();
  await Promise.all(all);
  expect(svc.requests).toHaveLength(20);
  expect(svc.maxInFlight).toBe(5);
  expect(svc.requests.slice(0, 5).map((r) => r.query)).toEqual([0, 1, 2, 3, 4].map((i) => `GatewayLogs | take ${i}`));
});

test('three instances with INSTANCE_COUNT=3 keep to the workspace limit together: 3 in flight, not 15', async () => {
  const { maxConcurrentQueries } = loadConfig({
    INSTANCE_COUNT: '3',
    STATE_BLOB_CONNECTION_STRING: 'UseDevelopmentStorage=true',
    STATE_BLOB_CONTAINER: 'pins',
  });
  // Separate processes: each has its own limiter (a credential object each), only the setting is shared.
  const instances = [0, 1, 2].map(() =>
    buildLogAnalyticsSource(opts({ cacheTtlMs: 0, maxInFlight: maxConcurrentQueries })),
  );
  svc.hold();
  const all = Array.from({ length: 30 }, (_, i) => instances[i % 3].query(q(`GatewayLogs | take ${i}`)));
  await until(() => svc.requests.length === 3);
  await new Promise((r) => setTimeout(r, 50)); // give a 4th request every chance to show up
  expect(svc.inFlight).toBe(3);
  svc.release();
  await Promise.all(all);
  expect(svc.requests).toHaveLength(30);
  expect(svc.maxInFlight).toBe(3);
});

test('limiter: a full queue answers QueueFull, explained', async () => {
  const src = buildLogAnalyticsSource(opts({ cacheTtlMs: 0, maxInFlight: 1, queueLimit: 2 }));
  svc.hold();
  const ok = [src.query(q('A')), src.query(q('B')), src.query(q('C'))];
  const e = (await src.query(q('D')).catch((x: unknown) => x)) as LogSourceError;
  expect(e.code).toBe('QueueFull');
  expect(e.what).toBe(
    '1 queries are already running against Log Analytics for the configured credential and 2 more are waiting.',
  );
  svc.release();
  await Promise.all(ok);
  expect(svc.requests.map((r) => r.query)).toEqual(['A', 'B', 'C']);
});

test('cache: a repeat within the TTL and the same minute is served from cache and marked', async () => {
  const src = buildLogAnalyticsSource(opts());
  const first = await src.query(q('GatewayLogs | count'));
  const shifted = { from: new Date(window.from.getTime() + 20_000), to: new Date(window.to.getTime() + 20_000) };
  const second = await src.query(q('GatewayLogs | count', shifted));
  expect(svc.requests).toHaveLength(1);
  expect(first.stats.cached).toBeUndefined();
  expect(second.stats.cached).toBe(true);
  expect(second.tables).toEqual(first.tables);
  const nextMinute = { from: new Date(window.from.getTime() + 60_000), to: new Date(window.to.getTime() + 60_000) };
  await src.query(q('GatewayLogs | count', nextMinute));
  expect(svc.requests).toHaveLength(2);
});
