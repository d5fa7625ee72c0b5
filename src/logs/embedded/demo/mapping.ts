import type { Cell, ColumnSchema } from '../../../kql/types';
import { physicalSchema, type SchemaId } from '../../../schema/physical';
import {
  AZURE_SUBSCRIPTION,
  RESOURCE_GROUP,
  RESOURCE_ID,
  SERVICE_NAME,
  WORKSPACE_TENANT_ID,
  type DemoEvent,
} from './catalog';

/** Maps a logical DemoEvent onto one physical schema's row (values in that schema's column order and types). */
export interface RowMapper {
  columns: ColumnSchema[];
  toRow(ev: DemoEvent): Cell[];
  /**
   * Per column, the value of an event as column storage takes it: toRow's cell, except that a time is epoch
   * milliseconds instead of a Date (storage keeps the number; no Date is made per row).
   */
  storageValues: ((ev: DemoEvent) => Cell)[];
  timeIndex: number;
  correlationIndex: number;
}

type Setter = (ev: DemoEvent) => Cell;

/** The request's time as a datetime cell; storage reads it as `ev.time` directly. */
const time: Setter = (e) => new Date(e.time);
const timeMs: Setter = (e) => e.time;

const OPERATION = 'Microsoft.ApiManagement/GatewayLogs';
const RESOURCE_ID_UPPER = RESOURCE_ID.toUpperCase();
const RESOURCE_ID_LOWER = RESOURCE_ID.toLowerCase();

const errorsOf = (e: DemoEvent): Cell =>
  e.lastErrorReason
    ? [
        {
          elapsed: e.lastErrorElapsed,
          source: e.lastErrorSource,
          section: e.lastErrorSection,
          reason: e.lastErrorReason,
          message: e.lastErrorMessage,
        },
      ]
    : null;

const RESOURCE_SPECIFIC: Record<string, Setter> = {
  TenantId: () => WORKSPACE_TENANT_ID,
  TimeGenerated: time,
  Timestamp: time,
  Category: () => 'GatewayLogs',
  OperationName: () => OPERATION,
  CorrelationId: (e) => e.correlationId,
  Region: (e) => e.region,
  CallerIpAddress: (e) => e.callerIp,
  Method: (e) => e.method,
  Url: (e) => e.url,
  ClientProtocol: (e) => e.clientProtocol,
  ClientTlsVersion: (e) => e.clientTlsVersion,
  ResponseCode: (e) => e.responseCode,
  ResponseSize: (e) => e.responseSize,
  RequestSize: (e) => e.requestSize,
  IsRequestSuccess: (e) => e.responseCode < 400,
  ApiId: (e) => e.apiId,
  ApiRevision: () => '1',
  OperationId: (e) => e.operationId,
  ProductId: (e) => e.productId,
  UserId: () => '',
  ApimSubscriptionId: (e) => e.apimSubscriptionId,
  BackendId: (e) => e.backendId,
  BackendMethod: (e) => e.backendMethod,
  BackendUrl: (e) => e.backendUrl,
  BackendProtocol: (e) => (e.backendId ? 'HTTP/1.1' : ''),
  BackendResponseCode: (e) => e.backendResponseCode,
  BackendTime: (e) => e.backendTime,
  ClientTime: (e) => e.clientTime,
  Cache: (e) => e.cache,
  CacheTime: (e) => (e.cache === 'none' ? 0 : 1),
  TotalTime: (e) => e.totalTime,
  LastErrorElapsed: (e) => e.lastErrorElapsed,
  LastErrorSource: (e) => e.lastErrorSource,
  LastErrorReason: (e) => e.lastErrorReason,
  LastErrorMessage: (e) => e.lastErrorMessage,
  LastErrorScope: (e) =>
    e.lastErrorSource &&
    e.lastErrorSection === 'inbound' &&
    e.lastErrorSource !== 'authorization' &&
    e.lastErrorSource !== 'configuration'
      ? 'api'
      : '',
  LastErrorSection: (e) => e.lastErrorSection,
  Errors: errorsOf,
  IsTraceRequested: () => false,
  IsTraceAllowed: () => false,
  IsTraceExpired: () => false,
  IsMasterTrace: () => false,
  SourceSystem: () => 'Azure',
  Type: () => 'ApiManagementGatewayLogs',
  _ResourceId: () => RESOURCE_ID_LOWER,
  _SubscriptionId: () => AZURE_SUBSCRIPTION,
  _BilledSize: (e) => 900 + e.url.length + e.lastErrorMessage.length,
  _IsBillable: () => 'True',
};

const DIAGNOSTICS_STANDARD: Record<string, Setter> = {
  TenantId: () => WORKSPACE_TENANT_ID,
  TimeGenerated: time,
  ResourceId: () => RESOURCE_ID_UPPER,
  Category: () => 'GatewayLogs',
  ResourceGroup: () => RESOURCE_GROUP.toUpperCase(),
  SubscriptionId: () => AZURE_SUBSCRIPTION,
  ResourceProvider: () => 'MICROSOFT.APIMANAGEMENT',
  Resource: () => SERVICE_NAME.toUpperCase(),
  ResourceType: () => 'SERVICE',
  OperationName: () => OPERATION,
  CorrelationId: (e) => e.correlationId,
  CallerIPAddress: (e) => e.callerIp,
  Level: () => 'Informational',
  DurationMs: (e) => e.totalTime,
  SourceSystem: () => 'Azure',
  Type: () => 'AzureDiagnostics',
  _ResourceId: () => RESOURCE_ID_LOWER,
};

const DIAGNOSTICS_REAL: Record<string, Setter> = {
  ...DIAGNOSTICS_STANDARD,
  method_s: (e) => e.method,
  url_s: (e) => e.url,
  responseCode_d: (e) => e.responseCode,
  responseSize_d: (e) => e.responseSize,
  requestSize_d: (e) => e.requestSize,
  backendResponseCode_d: (e) => e.backendResponseCode,
  backendTime_d: (e) => e.backendTime,
  clientTime_d: (e) => e.clientTime,
  isRequestSuccess_b: (e) => e.responseCode < 400,
  cache_s: (e) => e.cache,
  cacheTime_d: (e) => (e.cache === 'none' ? 0 : 1),
  apiId_s: (e) => e.apiId,
  operationId_s: (e) => e.operationId,
  apiRevision_s: () => '1',
  apimSubscriptionId_s: (e) => e.apimSubscriptionId,
  productId_s: (e) => e.productId,
  backendId_s: (e) => e.backendId,
  backendMethod_s: (e) => e.backendMethod,
  backendUrl_s: (e) => e.backendUrl,
  backendProtocol_s: (e) => (e.backendId ? 'HTTP/1.1' : ''),
  clientProtocol_s: (e) => e.clientProtocol,
  clientTlsVersion_s: (e) => e.clientTlsVersion,
  region_s: (e) => e.region,
  lastError_elapsed_d: (e) => e.lastErrorElapsed,
  lastError_source_s: (e) => e.lastErrorSource,
  lastError_section_s: (e) => e.lastErrorSection,
  lastError_reason_s: (e) => e.lastErrorReason,
  lastError_message_s: (e) => e.lastErrorMessage,
  lastError_path_s: (e) =>
    e.lastErrorSource && e.lastErrorSource !== 'authorization' && e.lastErrorSource !== 'configuration'
      ? `${e.lastErrorSource}\\${e.lastErrorSource}`
      : '',
  errors_s: (e) => (e.lastErrorReason ? JSON.stringify(errorsOf(e)) : ''),
};

const DIAGNOSTICS_SEED: Record<string, Setter> = {
  ...DIAGNOSTICS_STANDARD,
  ApiId_s: (e) => e.apiId,
  OperationName_s: (e) => e.operationId,
  Method_s: (e) => e.method,
  Url_s: (e) => e.url,
  ResponseCode_d: (e) => e.responseCode,
  BackendResponseCode_d: (e) => e.backendResponseCode,
  ErrorReason_s: (e) => e.lastErrorReason,
  LastErrorMessage_s: (e) => e.lastErrorMessage,
  LastErrorSource_s: (e) => e.lastErrorSource,
  CorrelationId_g: (e) => e.correlationId,
  // The blog filters `BackendUrl_s endswith backend`: in its world this column holds the backend's base URL.
  BackendUrl_s: (e) => (e.backendId ? e.backendBase : ''),
  CallerIpAddress_s: (e) => e.callerIp,
  SubscriptionId_g: (e) => e.apimSubscriptionId,
  BackendId_s: (e) => e.backendId,
  LastErrorSection_s: (e) => e.lastErrorSection,
  ProductId_s: (e) => e.productId,
  Region_s: (e) => e.region,
  BackendTime_d: (e) => e.backendTime,
};

const SETTERS: Record<SchemaId, Record<string, Setter>> = {
  'resource-specific': RESOURCE_SPECIFIC,
  'azure-diagnostics': DIAGNOSTICS_REAL,
  'azure-diagnostics-seed': DIAGNOSTICS_SEED,
};

/** Default for a column the demo leaves unset: "" for strings (Kusto strings are never null), else null. */
function emptyOf(c: ColumnSchema): Cell {
  return c.type === 'string' ? '' : null;
}

export function rowMapper(schema: SchemaId): RowMapper {
  const { columns } = physicalSchema(schema);
  const setters = SETTERS[schema];
  // Setters without a parameter are constants: evaluate them once, not once per row.
  const plan: (Setter | Cell)[] = columns.map((c) => {
    const f = setters[c.name];
    if (!f) return emptyOf(c);
    return f.length === 0 ? (f as () => Cell)() : f;
  });
  const n = plan.length;
  return {
    columns,
    timeIndex: columns.findIndex((c) => c.name === 'TimeGenerated'),
    correlationIndex: columns.findIndex(
      (c) => c.name === (schema === 'azure-diagnostics-seed' ? 'CorrelationId_g' : 'CorrelationId'),
    ),
    storageValues: plan.map((p) => (p === time ? timeMs : typeof p === 'function' ? p : () => p)),
    toRow(ev) {
      const row = new Array<Cell>(n);
      for (let i = 0; i < n; i++) {
        const p = plan[i];
        row[i] = typeof p === 'function' ? p(ev) : p;
      }
      return row;
    },
  };
}
