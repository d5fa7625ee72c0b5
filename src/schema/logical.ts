import type { ColumnSchema } from '../kql/types';

/**
 * The normalized `GatewayLogs` view every recipe is written against, so one recipe runs on every physical
 * schema.
 * Each physical schema's prelude projects exactly these columns, in this order, with these types;
 * a column the physical schema lacks comes out empty (null / "").
 */
export const GATEWAY_LOGS_COLUMNS: ColumnSchema[] = [
  { name: 'TimeGenerated', type: 'datetime' },
  { name: 'ApiId', type: 'string' },
  { name: 'OperationId', type: 'string' },
  { name: 'Method', type: 'string' },
  { name: 'Url', type: 'string' },
  { name: 'ResponseCode', type: 'long' },
  /** null when the request never reached a backend. */
  { name: 'BackendResponseCode', type: 'long' },
  { name: 'BackendId', type: 'string' },
  { name: 'BackendUrl', type: 'string' },
  { name: 'LastErrorReason', type: 'string' },
  { name: 'LastErrorMessage', type: 'string' },
  { name: 'LastErrorSource', type: 'string' },
  { name: 'LastErrorSection', type: 'string' },
  { name: 'CallerIpAddress', type: 'string' },
  { name: 'ApimSubscriptionId', type: 'string' },
  { name: 'ProductId', type: 'string' },
  { name: 'CorrelationId', type: 'string' },
  { name: 'Region', type: 'string' },
  { name: 'TotalTime', type: 'long' },
  { name: 'BackendTime', type: 'long' },
];
