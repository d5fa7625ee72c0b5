/**
 * Answers of corpus queries, verbatim, on a small hand-made ApiManagementGatewayLogs table. Every expected
 * value is computed here in plain TypeScript over the same rows (or by hand), never by the engine.
 */
import { Workspace } from '../../src/kql';
import type { Cell } from '../../src/kql/types';
import { physicalSchema } from '../../src/schema/physical';
import { rowsOf, warmParser } from '../kql/helpers';
import { loadCorpus } from './corpus';

beforeAll(warmParser, 60_000);

const NOW = new Date('2026-11-23T12:00:00Z');
const MIN = 60_000;
const R1 = '/subscriptions/s/resourcegroups/rg/providers/microsoft.apimanagement/service/one';
const R2 = '/subscriptions/s/resourcegroups/rg/providers/microsoft.apimanagement/service/two';

interface Req {
  ago: number; // minutes before NOW
  res: string;
  api: string;
  op: string;
  code: number;
  backendCode: number | null;
  cache: string;
  total: number;
  backend: number | null;
  reqSize: number;
  respSize: number;
  reason: string;
  product: string;
  sub: string;
}

// prettier-ignore
const REQS: Req[] = [
  { ago: 50, res: R1, api: 'orders', op: 'list', code: 200, backendCode: 200, cache: 'miss', total: 120, backend: 100, reqSize: 300, respSize: 2000, reason: '', product: 'starter', sub: 'a' },
  { ago: 44, res: R1, api: 'orders', op: 'get', code: 200, backendCode: null, cache: 'hit', total: 8, backend: null, reqSize: 250, respSize: 900, reason: '', product: 'starter', sub: 'a' },
  { ago: 40, res: R1, api: 'orders', op: 'get', code: 401, backendCode: null, cache: 'none', total: 3, backend: null, reqSize: 240, respSize: 120, reason: 'SubscriptionKeyInvalid', product: '', sub: '' },
  { ago: 31, res: R2, api: 'payments', op: 'pay', code: 500, backendCode: 500, cache: 'none', total: 900, backend: 880, reqSize: 800, respSize: 150, reason: 'BackendError', product: 'premium', sub: 'b' },
  { ago: 29, res: R2, api: 'payments', op: 'pay', code: 429, backendCode: null, cache: 'none', total: 2, backend: null, reqSize: 800, respSize: 100, reason: 'RateLimitExceeded', product: 'premium', sub: 'b' },
  { ago: 14, res: R1, api: 'orders', op: 'list', code: 200, backendCode: 200, cache: 'miss', total: 140, backend: 110, reqSize: 310, respSize: 2100, reason: '', product: 'starter', sub: 'a' },
  { ago: 5, res: R2, api: 'payments', op: 'refund', code: 200, backendCode: 200, cache: 'none', total: 400, backend: 390, reqSize: 700, respSize: 300, reason: '', product: 'premium', sub: 'c' },
];

const columns = physicalSchema('resource-specific').columns;
function toRow(r: Req, i: number): Cell[] {
  const v: Record<string, Cell> = {
    TimeGenerated: new Date(NOW.getTime() - r.ago * MIN),
    CorrelationId: `corr-${i}`,
    _ResourceId: r.res,
    ApiId: r.api,
    OperationId: r.op,
    ResponseCode: r.code,
    BackendResponseCode: r.backendCode,
    Cache: r.cache,
    TotalTime: r.total,
    BackendTime: r.backend,
    RequestSize: r.reqSize,
    ResponseSize: r.respSize,
    LastErrorReason: r.reason,
    IsRequestSuccess: r.code < 400,
    ProductId: r.product,
    ApimSubscriptionId: r.sub,
    Category: 'GatewayLogs',
  };
  return columns.map((c) => (c.name in v ? v[c.name] : null));
}
const ws = new Workspace();
ws.addTable({ name: 'ApiManagementGatewayLogs', columns, rows: REQS.map(toRow) });

const corpus = new Map(loadCorpus().map((q) => [q.id, q]));
function corpusText(id: string): string {
  const q = corpus.get(id);
  if (!q) throw new Error(`no corpus query ${id}`);
  return q.text;
}

/** Group rows by a key, in first-occurrence order. */
function groupBy<K>(rows: Req[], key: (r: Req) => K): Map<K, Req[]> {
  const m = new Map<K, Req[]>();
  for (const r of rows) {
    const k = key(r);
    const g = m.get(k);
    if (g) g.push(r);
    else m.set(k, [r]);
  }
  return m;
}
/** Rows sorted by one column's value (dates by time), for comparing answers whose order Kusto leaves open. */
const sortKey = (c: Cell) => (c instanceof Date ? c.toISOString() : JSON.stringify(c));
const byKey = (a: Record<string, Cell>[], k: string) =>
  [...a].sort((x, y) => sortKey(x[k]).localeCompare(sortKey(y[k])));

test('learn-01: summarize count(CorrelationId) by _ResourceId', () => {
  const want = [...groupBy(REQS, (r) => r.res)].map(([res, g]) => ({
    _ResourceId: res,
    count_CorrelationId: g.length,
  }));
  expect(byKey(rowsOf(ws, corpusText('learn-01'), NOW), '_ResourceId')).toEqual(byKey(want, '_ResourceId'));
});

test('learn-03: calls by API id', () => {
  const want = [...groupBy(REQS, (r) => r.api)].map(([api, g]) => ({ ApiId: api, count_CorrelationId: g.length }));
  expect(byKey(rowsOf(ws, corpusText('learn-03'), NOW), 'ApiId')).toEqual(byKey(want, 'ApiId'));
});

test('learn-08: error reasons of failed requests, by resource', () => {
  const failed = REQS.filter((r) => r.code >= 400);
  const want = [...groupBy(failed, (r) => `${r.reason}|${r.res}`)].map(([k, g]) => ({
    LastErrorReason: k.split('|')[0],
    _ResourceId: k.split('|')[1],
    count_CorrelationId: g.length,
  }));
  expect(byKey(rowsOf(ws, corpusText('learn-08'), NOW), 'LastErrorReason')).toEqual(byKey(want, 'LastErrorReason'));
});

test('learn-15: cache hit ratio per 15 minutes (long / long truncates)', () => {
  const bin = (r: Req) => Math.floor((NOW.getTime() - r.ago * MIN) / (15 * MIN)) * 15 * MIN;
  const want = [...groupBy(REQS, bin)]
    .map(([t, g]) => {
      const hit = g.filter((r) => r.cache === 'hit').length;
      const miss = g.filter((r) => r.cache === 'miss').length;
      return { TimeGenerated: new Date(t), Ratio: hit + miss === 0 ? null : Math.trunc(hit / (hit + miss)) };
    })
    .filter((r) => r.Ratio !== null); // every bin here has a hit or a miss except the 11:15 and 11:30 ones
  const got = rowsOf(ws, corpusText('learn-15'), NOW).filter((r) => r.Ratio !== null);
  expect(byKey(got, 'TimeGenerated')).toEqual(byKey(want, 'TimeGenerated'));
});

test('workbook-05: the Analytics workbook APIs grid (aggregates combined in summarize)', () => {
  const avg = (xs: number[]) => xs.reduce((s, x) => s + x, 0) / xs.length;
  const want = [...groupBy(REQS, (r) => r.api)].map(([api, g]) => {
    const avgTotal = avg(g.map((r) => r.total));
    return {
      Api: api,
      ApiId: `/apis/${api}`,
      SuccessfullRequests: g.filter((r) => r.code < 400).length,
      FailedRequests: g.filter((r) => r.code === 400 || (r.code >= 500 && r.code < 600)).length,
      UnauthorizedRequests: g.filter((r) => [401, 403, 429].includes(r.code)).length,
      OtherRequests: g.filter(
        (r) => (r.code > 401 && r.code < 500 && ![401, 403, 429].includes(r.code)) || r.code > 599,
      ).length,
      TotalRequests: g.length,
      AverageResponseTime: avgTotal,
      // the workbook's own slip: it fills the service time from AverageResponseTime (kept verbatim)
      AverageServiceResponseTime: avgTotal,
      DataTransfer: g.reduce((s, r) => s + r.reqSize, 0) + g.reduce((s, r) => s + r.respSize, 0),
    };
  });
  expect(byKey(rowsOf(ws, corpusText('workbook-05'), NOW), 'Api')).toEqual(byKey(want, 'Api'));
});

test('ai-gateway-19: request volume by API with an error rate computed inside summarize', () => {
  const want = [...groupBy(REQS, (r) => r.api)]
    .map(([api, g]) => ({
      ApiId: api,
      RequestCount: g.length,
      AvgLatency: g.reduce((s, r) => s + r.total, 0) / g.length,
      // 95th percentile of 3-4 values is the largest (nearest rank)
      P95Latency: Math.max(...g.map((r) => r.total)),
      ErrorRate: Math.round((10000 * g.filter((r) => r.code >= 400).length) / g.length) / 100,
    }))
    .sort((a, b) => b.RequestCount - a.RequestCount);
  expect(rowsOf(ws, corpusText('ai-gateway-19'), NOW)).toEqual(want);
});

test('ai-gateway-28: hourly traffic pattern', () => {
  const want = [...groupBy(REQS, (r) => new Date(NOW.getTime() - r.ago * MIN).getUTCHours())]
    .map(([h, g]) => ({ Hour: h, RequestCount: g.length }))
    .sort((a, b) => a.Hour - b.Hour);
  expect(rowsOf(ws, corpusText('ai-gateway-28'), NOW)).toEqual(want);
});
