import { runQuery } from '../../src/kql';
import { warmParser, T0, NOW, cols, rowsOf, workspace } from './helpers';

beforeAll(warmParser, 60_000);

const min = 60000;
/** 8 requests: 5 failures inside 10:00-10:15 (two signatures), one failure outside, two successes. */
const gatewayRows = [
  [
    new Date(T0 + 1 * min),
    'GatewayLogs',
    'payments-api',
    500,
    null,
    'BackendConnectionFailure',
    'forward-request',
    'The remote certificate was rejected by the provided RemoteCertificateValidationCallback.',
  ],
  [
    new Date(T0 + 2 * min),
    'GatewayLogs',
    'payments-api',
    500,
    null,
    'BackendConnectionFailure',
    'forward-request',
    'The remote certificate was rejected by the provided RemoteCertificateValidationCallback.',
  ],
  [
    new Date(T0 + 3 * min),
    'GatewayLogs',
    'orders-api',
    500,
    null,
    'BackendConnectionFailure',
    'forward-request',
    'The remote certificate was rejected by the provided RemoteCertificateValidationCallback.',
  ],
  [
    new Date(T0 + 4 * min),
    'GatewayLogs',
    'orders-api',
    401,
    null,
    'SubscriptionKeyInvalid',
    'authorization',
    'Access denied. Reason: Subscription not found',
  ],
  [
    new Date(T0 + 15 * min),
    'GatewayLogs',
    'orders-api',
    200,
    200,
    'ClientConnectionFailure',
    'transfer-response',
    'A task was canceled',
  ],
  [
    new Date(T0 + 20 * min),
    'GatewayLogs',
    'orders-api',
    401,
    null,
    'SubscriptionKeyInvalid',
    'authorization',
    'Access denied. Reason: Subscription not found',
  ],
  [new Date(T0 + 5 * min), 'GatewayLogs', 'orders-api', 200, 200, '', '', ''],
  [new Date(T0 + 6 * min), 'WebSocketConnectionLogs', 'orders-api', 500, null, 'X', 'y', 'z'],
];
const resourceSpecific = {
  name: 'ApiManagementGatewayLogs',
  columns: cols(
    'TimeGenerated:datetime, Category:string, ApiId:string, ResponseCode:int, BackendResponseCode:int, LastErrorReason:string, LastErrorSource:string, LastErrorMessage:string',
  ),
  rows: gatewayRows,
};

const TRIAGE = `let GatewayLogs = ApiManagementGatewayLogs | where Category == "GatewayLogs" | project TimeGenerated, ApiId, ResponseCode=tolong(ResponseCode), BackendResponseCode=tolong(BackendResponseCode), LastErrorReason, LastErrorSource, LastErrorMessage;
GatewayLogs | where TimeGenerated between (datetime(2026-11-23T10:00:00Z) .. datetime(2026-11-23T10:15:00Z)) | where ResponseCode >= 400 or isnotempty(LastErrorReason) | summarize requests=count(), apis=make_set(ApiId, 10), firstSeen=min(TimeGenerated), lastSeen=max(TimeGenerated), sample=take_any(LastErrorMessage) by ResponseCode, LastErrorReason, LastErrorSource | order by requests desc`;

describe('step-1 triage query over a let view', () => {
  const ws = workspace(resourceSpecific);

  test('columns are the by-keys then the aggregates, typed like the service', () => {
    const t = runQuery(ws, TRIAGE, { now: NOW }).tables[0];
    expect(t.name).toBe('PrimaryResult');
    expect(t.columns).toEqual([
      { name: 'ResponseCode', type: 'long' },
      { name: 'LastErrorReason', type: 'string' },
      { name: 'LastErrorSource', type: 'string' },
      { name: 'requests', type: 'long' },
      { name: 'apis', type: 'dynamic' },
      { name: 'firstSeen', type: 'datetime' },
      { name: 'lastSeen', type: 'datetime' },
      { name: 'sample', type: 'string' },
    ]);
  });

  test('groups, counts and orders the failures in the window', () => {
    const rows = rowsOf(ws, TRIAGE);
    expect(rows).toEqual([
      {
        ResponseCode: 500,
        LastErrorReason: 'BackendConnectionFailure',
        LastErrorSource: 'forward-request',
        requests: 3,
        apis: ['payments-api', 'orders-api'],
        firstSeen: new Date(T0 + 1 * min),
        lastSeen: new Date(T0 + 3 * min),
        sample: 'The remote certificate was rejected by the provided RemoteCertificateValidationCallback.',
      },
      {
        ResponseCode: 401,
        LastErrorReason: 'SubscriptionKeyInvalid',
        LastErrorSource: 'authorization',
        requests: 1,
        apis: ['orders-api'],
        firstSeen: new Date(T0 + 4 * min),
        lastSeen: new Date(T0 + 4 * min),
        sample: 'Access denied. Reason: Subscription not found',
      },
      {
        // between is inclusive at both ends: 10:15:00 is in
        ResponseCode: 200,
        LastErrorReason: 'ClientConnectionFailure',
        LastErrorSource: 'transfer-response',
        requests: 1,
        apis: ['orders-api'],
        firstSeen: new Date(T0 + 15 * min),
        lastSeen: new Date(T0 + 15 * min),
        sample: 'A task was canceled',
      },
    ]);
  });

  test('the time predicate is pushed through the view to the time index', () => {
    const r = runQuery(ws, TRIAGE, { now: NOW });
    // rows at 10:01..10:06 and 10:15 lie in the window: 7 of 8 read, the 10:20 row is skipped
    expect(r.rowsExamined).toBe(7);
    const recent = runQuery(ws, TRIAGE.replace(/between \(.*?\)\) /, '> ago(45m) '), { now: NOW });
    expect(recent.rowsExamined).toBe(1);
    expect(recent.tables[0].rows.map((x) => x[0])).toEqual([401]);
  });
});

describe('seed recipe 4 verbatim on AzureDiagnostics (seed column names)', () => {
  const ws = workspace({
    name: 'AzureDiagnostics',
    columns: cols(
      'TimeGenerated:datetime, ResourceProvider:string, Category:string, ResponseCode_d:real, ErrorReason_s:string, LastErrorSource_s:string',
    ),
    rows: [
      [
        new Date(NOW.getTime() - 1 * min),
        'MICROSOFT.APIMANAGEMENT',
        'GatewayLogs',
        500,
        'BackendConnectionFailure',
        'forward-request',
      ],
      [
        new Date(NOW.getTime() - 2 * min),
        'MICROSOFT.APIMANAGEMENT',
        'GatewayLogs',
        500,
        'BackendConnectionFailure',
        'forward-request',
      ],
      [
        new Date(NOW.getTime() - 3 * min),
        'MICROSOFT.APIMANAGEMENT',
        'GatewayLogs',
        401,
        'SubscriptionKeyInvalid',
        'authorization',
      ],
      [new Date(NOW.getTime() - 4 * min), 'MICROSOFT.APIMANAGEMENT', 'GatewayLogs', 200, '', ''],
      [
        new Date(NOW.getTime() - 30 * min),
        'MICROSOFT.APIMANAGEMENT',
        'GatewayLogs',
        503,
        'BackendUnavailable',
        'forward-request',
      ],
      [new Date(NOW.getTime() - 5 * min), 'MICROSOFT.WEB', 'GatewayLogs', 500, 'Other', 'x'],
    ],
  });
  const recipe4 = `AzureDiagnostics
| where ResourceProvider == "MICROSOFT.APIMANAGEMENT"
| where Category == "GatewayLogs"
| where TimeGenerated > ago(15m)
| where ResponseCode_d >= 400
| summarize count() by ResponseCode_d, ErrorReason_s, LastErrorSource_s
| order by count_ desc`;

  test('answers with count_ after the keys, most frequent first', () => {
    const t = runQuery(ws, recipe4, { now: NOW });
    expect(t.tables[0].columns.map((c) => `${c.name}:${c.type}`)).toEqual([
      'ResponseCode_d:real',
      'ErrorReason_s:string',
      'LastErrorSource_s:string',
      'count_:long',
    ]);
    expect(t.tables[0].rows).toEqual([
      [500, 'BackendConnectionFailure', 'forward-request', 2],
      [401, 'SubscriptionKeyInvalid', 'authorization', 1],
    ]);
    expect(t.rowsExamined).toBe(5); // the row 30 minutes old is never read
  });
});
