/** Every query of the seed post (apim-v2-gateway-logs-kql-recipes.txt), verbatim, on a small known table. */
import { runQuery } from '../../src/kql';
import { warmParser, cols, rowsOf, workspace } from './helpers';

beforeAll(warmParser, 60_000);

const NOW = new Date('2026-04-20T14:40:00Z');
const at = (iso: string) => new Date(iso);
const TLS = 'The remote certificate was rejected by the provided RemoteCertificateValidationCallback.';
const SNF = 'Access denied. Reason: Subscription not found';
const INV =
  'Access denied due to invalid subscription key. Make sure to provide a valid key for an active subscription.';
const CB = 'Backend my-backend is temporarily unavailable: CircuitBreaker rule shipping-breaker tripped.';
const P = 'MICROSOFT.APIMANAGEMENT';

const columns = cols(
  'TimeGenerated:datetime, ResourceProvider:string, Category:string, ApiId_s:string, OperationName_s:string, Method_s:string, Url_s:string, ' +
    'ResponseCode_d:real, BackendResponseCode_d:real, ErrorReason_s:string, LastErrorMessage_s:string, LastErrorSource_s:string, ' +
    'CorrelationId_g:guid, BackendUrl_s:string, CallerIpAddress_s:string, SubscriptionId_g:guid',
);
// prettier-ignore
const rows = [
  [at('2026-04-20T14:25:00Z'), P, 'GatewayLogs', 'payments-api', 'pay', 'POST', 'https://gw/pay?x=1', 500, null, 'BackendConnectionFailure', TLS, 'forward-request', '00000000-0000-0000-0000-000000000001', 'https://payments.corp.contoso.local', '10.0.0.1', '11111111-1111-1111-1111-111111111111'],
  [at('2026-04-20T14:30:00Z'), P, 'GatewayLogs', 'payments-api', 'pay', 'POST', 'https://gw/pay?x=2', 500, null, 'BackendConnectionFailure', TLS, 'forward-request', '00000000-0000-0000-0000-000000000002', 'https://payments.corp.contoso.local', '10.0.0.2', '11111111-1111-1111-1111-111111111111'],
  [at('2026-04-20T14:31:10Z'), P, 'GatewayLogs', 'shipping-api', 'ship', 'GET', 'https://gw/ship', 500, 500, 'BackendError', 'Internal error', 'backend', '00000000-0000-0000-0000-000000000003', 'https://ship/my-backend', '10.0.0.3', null],
  [at('2026-04-20T14:31:20Z'), P, 'GatewayLogs', 'shipping-api', 'ship', 'GET', 'https://gw/ship', 500, 500, 'BackendError', 'Internal error', 'backend', '00000000-0000-0000-0000-000000000004', 'https://ship/my-backend', '10.0.0.3', null],
  [at('2026-04-20T14:32:05Z'), P, 'GatewayLogs', 'shipping-api', 'ship', 'GET', 'https://gw/ship', 503, null, 'BackendUnavailable', CB, 'forward-request', '00000000-0000-0000-0000-000000000005', 'https://ship/my-backend', '10.0.0.4', null],
  [at('2026-04-20T14:33:30Z'), P, 'GatewayLogs', 'shipping-api', 'ship', 'GET', 'https://gw/ship', 503, null, 'BackendUnavailable', CB, 'forward-request', '00000000-0000-0000-0000-000000000006', 'https://ship/my-backend', '10.0.0.4', null],
  [at('2026-04-20T14:34:00Z'), P, 'GatewayLogs', 'orders-api', 'get-order', 'GET', 'https://gw/orders', 401, null, 'SubscriptionKeyInvalid', SNF, 'authorization', '00000000-0000-0000-0000-000000000007', '', '10.0.0.5', '22222222-2222-2222-2222-222222222222'],
  [at('2026-04-20T14:35:00Z'), P, 'GatewayLogs', 'orders-api', 'get-order', 'GET', 'https://gw/orders', 401, null, 'SubscriptionKeyInvalid', INV, 'authorization', '00000000-0000-0000-0000-000000000008', '', '10.0.0.6', null],
  [at('2026-04-20T14:36:00Z'), P, 'GatewayLogs', 'orders-api', 'get-order', 'GET', 'https://gw/orders', 401, null, 'SubscriptionKeyInvalid', SNF, 'authorization', '00000000-0000-0000-0000-000000000009', '', '10.0.0.5', '22222222-2222-2222-2222-222222222222'],
  [at('2026-04-20T14:37:00Z'), P, 'GatewayLogs', 'orders-api', 'list', 'GET', 'https://gw/orders', 200, 200, '', '', '', '00000000-0000-0000-0000-00000000000a', 'https://orders', '10.0.0.7', null],
  [at('2026-04-20T14:38:00Z'), 'MICROSOFT.WEB', 'GatewayLogs', 'orders-api', 'list', 'GET', 'https://gw/x', 401, null, 'Other', SNF, 'authorization', '00000000-0000-0000-0000-00000000000b', '', '10.0.0.8', null],
  [at('2026-04-20T14:39:00Z'), P, 'WebSocketConnectionLogs', 'orders-api', 'list', 'GET', 'https://gw/x', 503, null, 'Other', CB, 'forward-request', '00000000-0000-0000-0000-00000000000c', '', '10.0.0.9', null],
];
const ws = workspace({ name: 'AzureDiagnostics', columns, rows });

test('base query: the gateway rows, newest first, the projected columns', () => {
  const q = `AzureDiagnostics
| where ResourceProvider == "MICROSOFT.APIMANAGEMENT"
| where Category == "GatewayLogs"
| project TimeGenerated, ApiId_s, OperationName_s, Method_s, Url_s,
ResponseCode_d, BackendResponseCode_d, ErrorReason_s,
LastErrorMessage_s, LastErrorSource_s, CorrelationId_g
| order by TimeGenerated desc`;
  const t = runQuery(ws, q, { now: NOW }).tables[0];
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
  expect(t.rows).toHaveLength(10);
  expect(t.rows[0][0]).toEqual(at('2026-04-20T14:37:00Z'));
  expect(t.rows[9][0]).toEqual(at('2026-04-20T14:25:00Z'));
  expect(t.rows[0][6]).toBe(200);
  expect(t.rows[3][6]).toBeNull(); // blank backend response code stays null
});

test('recipe 1: backends hitting TLS rejection', () => {
  const q = `AzureDiagnostics
| where ResourceProvider == "MICROSOFT.APIMANAGEMENT"
| where Category == "GatewayLogs"
| where LastErrorMessage_s contains "RemoteCertificateValidationCallback"
| summarize
failures = count(),
first_seen = min(TimeGenerated),
last_seen = max(TimeGenerated),
sample_url = any(Url_s)
by ApiId_s, BackendUrl_s
| order by failures desc`;
  expect(rowsOf(ws, q, NOW)).toEqual([
    {
      ApiId_s: 'payments-api',
      BackendUrl_s: 'https://payments.corp.contoso.local',
      failures: 2,
      first_seen: at('2026-04-20T14:25:00Z'),
      last_seen: at('2026-04-20T14:30:00Z'),
      sample_url: 'https://gw/pay?x=1',
    },
  ]);
});

test('recipe 2a: 401s by reason and message', () => {
  const q = `AzureDiagnostics
| where ResourceProvider == "MICROSOFT.APIMANAGEMENT"
| where Category == "GatewayLogs"
| where ResponseCode_d == 401
| summarize count() by ErrorReason_s, LastErrorMessage_s
| order by count_ desc`;
  expect(rowsOf(ws, q, NOW)).toEqual([
    { ErrorReason_s: 'SubscriptionKeyInvalid', LastErrorMessage_s: SNF, count_: 2 },
    { ErrorReason_s: 'SubscriptionKeyInvalid', LastErrorMessage_s: INV, count_: 1 },
  ]);
});

test('recipe 2b: product-scoping 401s, newest first', () => {
  const q = `AzureDiagnostics
| where ResourceProvider == "MICROSOFT.APIMANAGEMENT"
| where Category == "GatewayLogs"
| where ResponseCode_d == 401
| where LastErrorMessage_s has "Subscription not found" or LastErrorMessage_s has "invalid subscription key"
| project TimeGenerated, CallerIpAddress_s, ApiId_s, OperationName_s, LastErrorMessage_s, SubscriptionId_g
| order by TimeGenerated desc
| take 50`;
  expect(rowsOf(ws, q, NOW)).toEqual([
    {
      TimeGenerated: at('2026-04-20T14:36:00Z'),
      CallerIpAddress_s: '10.0.0.5',
      ApiId_s: 'orders-api',
      OperationName_s: 'get-order',
      LastErrorMessage_s: SNF,
      SubscriptionId_g: '22222222-2222-2222-2222-222222222222',
    },
    {
      TimeGenerated: at('2026-04-20T14:35:00Z'),
      CallerIpAddress_s: '10.0.0.6',
      ApiId_s: 'orders-api',
      OperationName_s: 'get-order',
      LastErrorMessage_s: INV,
      SubscriptionId_g: null,
    },
    {
      TimeGenerated: at('2026-04-20T14:34:00Z'),
      CallerIpAddress_s: '10.0.0.5',
      ApiId_s: 'orders-api',
      OperationName_s: 'get-order',
      LastErrorMessage_s: SNF,
      SubscriptionId_g: '22222222-2222-2222-2222-222222222222',
    },
  ]);
});

test('recipe 3a: tripped breakers', () => {
  const q = `AzureDiagnostics
| where ResourceProvider == "MICROSOFT.APIMANAGEMENT"
| where Category == "GatewayLogs"
| where ResponseCode_d == 503
| where LastErrorMessage_s has "CircuitBreaker" or ErrorReason_s has "CircuitBreaker"
| summarize
trips = count(),
first_trip = min(TimeGenerated),
last_trip = max(TimeGenerated),
sample = any(LastErrorMessage_s)
by ApiId_s, BackendUrl_s
| order by last_trip desc`;
  expect(rowsOf(ws, q, NOW)).toEqual([
    {
      ApiId_s: 'shipping-api',
      BackendUrl_s: 'https://ship/my-backend',
      trips: 2,
      first_trip: at('2026-04-20T14:32:05Z'),
      last_trip: at('2026-04-20T14:33:30Z'),
      sample: CB,
    },
  ]);
});

test('recipe 3b: response codes around the trip, 30s bins', () => {
  const q = `let trip_time = datetime(2026-04-20T14:32:00Z); // substitute
let backend = "my-backend";
AzureDiagnostics
| where ResourceProvider == "MICROSOFT.APIMANAGEMENT"
| where Category == "GatewayLogs"
| where BackendUrl_s endswith backend
| where TimeGenerated between (trip_time - 10m .. trip_time + 1m)
| summarize count() by bin(TimeGenerated, 30s), ResponseCode_d, BackendResponseCode_d
| order by TimeGenerated asc`;
  const r = runQuery(ws, q, { now: NOW });
  expect(r.tables[0].columns.map((c) => `${c.name}:${c.type}`)).toEqual([
    'TimeGenerated:datetime',
    'ResponseCode_d:real',
    'BackendResponseCode_d:real',
    'count_:long',
  ]);
  expect(rowsOf(ws, q, NOW)).toEqual([
    { TimeGenerated: at('2026-04-20T14:31:00Z'), ResponseCode_d: 500, BackendResponseCode_d: 500, count_: 2 },
    { TimeGenerated: at('2026-04-20T14:32:00Z'), ResponseCode_d: 503, BackendResponseCode_d: null, count_: 1 },
  ]);
  expect(r.rowsExamined).toBe(5); // 14:22..14:33 only: the rows at 14:34 and later are never read
});

test('recipe 4: last-15-minute triage', () => {
  const q = `AzureDiagnostics
| where ResourceProvider == "MICROSOFT.APIMANAGEMENT"
| where Category == "GatewayLogs"
| where TimeGenerated > ago(15m)
| where ResponseCode_d >= 400
| summarize count() by ResponseCode_d, ErrorReason_s, LastErrorSource_s
| order by count_ desc`;
  expect(rowsOf(ws, q, NOW)).toEqual([
    { ResponseCode_d: 401, ErrorReason_s: 'SubscriptionKeyInvalid', LastErrorSource_s: 'authorization', count_: 3 },
    { ResponseCode_d: 500, ErrorReason_s: 'BackendError', LastErrorSource_s: 'backend', count_: 2 },
    { ResponseCode_d: 503, ErrorReason_s: 'BackendUnavailable', LastErrorSource_s: 'forward-request', count_: 2 },
    { ResponseCode_d: 500, ErrorReason_s: 'BackendConnectionFailure', LastErrorSource_s: 'forward-request', count_: 1 },
  ]);
});
