import type { ColumnSchema, KqlType } from '../kql/types';

/**
 * The three physical shapes APIM gateway logs take in a Log Analytics workspace, depending on the
 * diagnostic setting's destination table and on how the columns were named:
 * - `resource-specific`: the dedicated `ApiManagementGatewayLogs` table (Microsoft's recommendation);
 * - `azure-diagnostics`: the shared `AzureDiagnostics` table with the real camelCase property columns;
 * - `azure-diagnostics-seed`: `AzureDiagnostics` with the PascalCase columns widely shared community KQL
 *   recipes use (ApiId_s, ResponseCode_d, ...); the name marks it as the shape those queries assume.
 */
export type SchemaId = 'resource-specific' | 'azure-diagnostics' | 'azure-diagnostics-seed';

export const SCHEMA_IDS: readonly SchemaId[] = ['resource-specific', 'azure-diagnostics', 'azure-diagnostics-seed'];

export interface PhysicalSchema {
  id: SchemaId;
  table: 'ApiManagementGatewayLogs' | 'AzureDiagnostics';
  columns: ColumnSchema[];
  /** Columns whose presence identifies this schema (all must be present). */
  signatureColumns: string[];
}

function cols(spec: string): ColumnSchema[] {
  // Compact "Name:type, Name:type" spec keeps the long lists readable.
  return spec
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)
    .map((s) => {
      const [name, type] = s.split(':');
      return { name, type: type as KqlType };
    });
}

/** ApiManagementGatewayLogs, types exactly as the table reference lists them (section 2.1). */
const RESOURCE_SPECIFIC = cols(`
  TenantId:string, TimeGenerated:datetime, Timestamp:datetime, Category:string, OperationName:string,
  CorrelationId:string, Region:string, CallerIpAddress:string, Method:string, Url:string,
  ClientProtocol:string, ClientTlsVersion:string, ResponseCode:int, ResponseSize:int, RequestSize:int,
  IsRequestSuccess:bool, ApiId:string, ApiRevision:string, OperationId:string, ProductId:string,
  UserId:string, ApimSubscriptionId:string, BackendId:string, BackendMethod:string, BackendUrl:string,
  BackendProtocol:string, BackendResponseCode:int, BackendTime:long, ClientTime:long, Cache:string,
  CacheTime:long, TotalTime:long, LastErrorElapsed:long, LastErrorSource:string, LastErrorReason:string,
  LastErrorMessage:string, LastErrorScope:string, LastErrorSection:string, Errors:dynamic,
  RequestHeaders:dynamic, ResponseHeaders:dynamic, BackendRequestHeaders:dynamic, BackendResponseHeaders:dynamic,
  RequestBody:string, ResponseBody:string, BackendRequestBody:string, BackendResponseBody:string,
  TraceRecords:dynamic, IsTraceRequested:bool, IsTraceAllowed:bool, IsTraceExpired:bool, IsMasterTrace:bool,
  WorkspaceId:string, SourceSystem:string, Type:string, _ResourceId:string, _SubscriptionId:string,
  _BilledSize:real, _IsBillable:string
`);

/** Standard AzureDiagnostics columns every workspace has (shared by both AzureDiagnostics variants). */
const DIAGNOSTICS_STANDARD = cols(`
  TenantId:string, TimeGenerated:datetime, ResourceId:string, Category:string, ResourceGroup:string,
  SubscriptionId:string, ResourceProvider:string, Resource:string, ResourceType:string, OperationName:string,
  ResultType:string, CorrelationId:string, ResultDescription:string, CallerIPAddress:string, Level:string,
  DurationMs:long, AdditionalFields:dynamic, SourceSystem:string, Type:string, _ResourceId:string
`);

/** The APIM property columns observed in real workspaces (section 1.2); `_d` columns are real. */
const DIAGNOSTICS_APIM = cols(`
  method_s:string, url_s:string, responseCode_d:real, responseSize_d:real, requestSize_d:real,
  backendResponseCode_d:real, backendTime_d:real, clientTime_d:real, isRequestSuccess_b:bool, cache_s:string,
  cacheTime_d:real, apiId_s:string, operationId_s:string, apiRevision_s:string, apimSubscriptionId_s:string,
  productId_s:string, userId_s:string, backendId_s:string, backendMethod_s:string, backendUrl_s:string,
  backendProtocol_s:string, clientProtocol_s:string, clientTlsVersion_s:string, region_s:string,
  lastError_elapsed_d:real, lastError_source_s:string, lastError_section_s:string, lastError_reason_s:string,
  lastError_message_s:string, lastError_path_s:string, errors_s:string, truncated_d:real
`);

/**
 * The community recipes' columns (ApiId_s ... SubscriptionId_g), plus a few columns in the same naming style the
 * demo fills so every logical column has a source. Real workspaces with this shape may lack the extras:
 * the prelude reads those through column_ifexists().
 */
const DIAGNOSTICS_SEED = cols(`
  ApiId_s:string, OperationName_s:string, Method_s:string, Url_s:string, ResponseCode_d:real,
  BackendResponseCode_d:real, ErrorReason_s:string, LastErrorMessage_s:string, LastErrorSource_s:string,
  CorrelationId_g:guid, BackendUrl_s:string, CallerIpAddress_s:string, SubscriptionId_g:guid,
  BackendId_s:string, LastErrorSection_s:string, ProductId_s:string, Region_s:string, BackendTime_d:real
`);

export const PHYSICAL_SCHEMAS: Record<SchemaId, PhysicalSchema> = {
  'resource-specific': {
    id: 'resource-specific',
    table: 'ApiManagementGatewayLogs',
    columns: RESOURCE_SPECIFIC,
    signatureColumns: ['TimeGenerated', 'ApiId', 'ResponseCode'],
  },
  'azure-diagnostics': {
    id: 'azure-diagnostics',
    table: 'AzureDiagnostics',
    columns: [...DIAGNOSTICS_STANDARD, ...DIAGNOSTICS_APIM],
    signatureColumns: ['TimeGenerated', 'apiId_s', 'responseCode_d'],
  },
  'azure-diagnostics-seed': {
    id: 'azure-diagnostics-seed',
    table: 'AzureDiagnostics',
    columns: [...DIAGNOSTICS_STANDARD, ...DIAGNOSTICS_SEED],
    signatureColumns: ['TimeGenerated', 'ApiId_s', 'ResponseCode_d'],
  },
};

export function physicalSchema(id: SchemaId): PhysicalSchema {
  const s = PHYSICAL_SCHEMAS[id];
  if (!s) {
    throw new Error(`Unknown schema "${String(id)}". Expected one of: ${SCHEMA_IDS.join(', ')}.`);
  }
  return s;
}

export function isSchemaId(v: unknown): v is SchemaId {
  return typeof v === 'string' && (SCHEMA_IDS as readonly string[]).includes(v);
}
