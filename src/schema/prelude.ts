import type { ColumnSchema } from '../kql/types';
import { GATEWAY_LOGS_COLUMNS } from './logical';
import { PHYSICAL_SCHEMAS, physicalSchema, type SchemaId } from './physical';

/** Name of the normalized view every recipe queries. */
const GATEWAY_VIEW = 'GatewayLogs';

/**
 * Logical column -> KQL expression over the physical table, per schema. Order and names must match
 * GATEWAY_LOGS_COLUMNS exactly (checked below at load time). Columns that a workspace only gets once some
 * request carried them (AzureDiagnostics creates `<prop>_<suffix>` columns lazily) are read through
 * column_ifexists() so the prelude still compiles there. Codes go through tolong(): a blank real is null.
 */
const MAPPINGS: Record<SchemaId, { where: string[]; project: [string, string][] }> = {
  'resource-specific': {
    where: [],
    project: [
      ['TimeGenerated', 'TimeGenerated'],
      ['ApiId', 'ApiId'],
      ['OperationId', 'OperationId'],
      ['Method', 'Method'],
      ['Url', 'Url'],
      ['ResponseCode', 'tolong(ResponseCode)'],
      ['BackendResponseCode', 'tolong(BackendResponseCode)'],
      ['BackendId', 'BackendId'],
      ['BackendUrl', 'BackendUrl'],
      ['LastErrorReason', 'LastErrorReason'],
      ['LastErrorMessage', 'LastErrorMessage'],
      ['LastErrorSource', 'LastErrorSource'],
      ['LastErrorSection', 'LastErrorSection'],
      ['CallerIpAddress', 'CallerIpAddress'],
      ['ApimSubscriptionId', 'ApimSubscriptionId'],
      ['ProductId', 'ProductId'],
      ['CorrelationId', 'CorrelationId'],
      ['Region', 'Region'],
      ['TotalTime', 'TotalTime'],
      ['BackendTime', 'BackendTime'],
    ],
  },
  'azure-diagnostics': {
    where: ['ResourceProvider == "MICROSOFT.APIMANAGEMENT"', 'Category == "GatewayLogs"'],
    project: [
      ['TimeGenerated', 'TimeGenerated'],
      ['ApiId', 'apiId_s'],
      ['OperationId', 'operationId_s'],
      ['Method', 'method_s'],
      ['Url', 'url_s'],
      ['ResponseCode', 'tolong(responseCode_d)'],
      ['BackendResponseCode', 'tolong(column_ifexists("backendResponseCode_d", real(null)))'],
      ['BackendId', 'column_ifexists("backendId_s", "")'],
      ['BackendUrl', 'column_ifexists("backendUrl_s", "")'],
      ['LastErrorReason', 'column_ifexists("lastError_reason_s", "")'],
      ['LastErrorMessage', 'column_ifexists("lastError_message_s", "")'],
      ['LastErrorSource', 'column_ifexists("lastError_source_s", "")'],
      ['LastErrorSection', 'column_ifexists("lastError_section_s", "")'],
      ['CallerIpAddress', 'CallerIPAddress'],
      ['ApimSubscriptionId', 'column_ifexists("apimSubscriptionId_s", "")'],
      ['ProductId', 'column_ifexists("productId_s", "")'],
      ['CorrelationId', 'CorrelationId'],
      ['Region', 'column_ifexists("region_s", "")'],
      ['TotalTime', 'tolong(DurationMs)'],
      ['BackendTime', 'tolong(column_ifexists("backendTime_d", real(null)))'],
    ],
  },
  'azure-diagnostics-seed': {
    where: ['ResourceProvider == "MICROSOFT.APIMANAGEMENT"', 'Category == "GatewayLogs"'],
    project: [
      ['TimeGenerated', 'TimeGenerated'],
      ['ApiId', 'ApiId_s'],
      ['OperationId', 'OperationName_s'],
      ['Method', 'Method_s'],
      ['Url', 'Url_s'],
      ['ResponseCode', 'tolong(ResponseCode_d)'],
      ['BackendResponseCode', 'tolong(BackendResponseCode_d)'],
      // The blog has no backend entity id: fall back to the host of BackendUrl_s.
      ['BackendId', 'column_ifexists("BackendId_s", extract(@"^[A-Za-z]+://([^/:?#]+)", 1, BackendUrl_s))'],
      ['BackendUrl', 'BackendUrl_s'],
      ['LastErrorReason', 'ErrorReason_s'],
      ['LastErrorMessage', 'LastErrorMessage_s'],
      ['LastErrorSource', 'LastErrorSource_s'],
      ['LastErrorSection', 'column_ifexists("LastErrorSection_s", "")'],
      ['CallerIpAddress', 'CallerIpAddress_s'],
      ['ApimSubscriptionId', 'tostring(SubscriptionId_g)'],
      ['ProductId', 'column_ifexists("ProductId_s", "")'],
      ['CorrelationId', 'tostring(CorrelationId_g)'],
      ['Region', 'column_ifexists("Region_s", "")'],
      ['TotalTime', 'tolong(DurationMs)'],
      ['BackendTime', 'tolong(column_ifexists("BackendTime_d", real(null)))'],
    ],
  },
};

for (const [id, m] of Object.entries(MAPPINGS)) {
  const names = m.project.map(([n]) => n).join(',');
  if (names !== GATEWAY_LOGS_COLUMNS.map((c) => c.name).join(',')) {
    throw new Error(`prelude mapping for ${id} is out of step with src/schema/logical.ts`);
  }
}

/**
 * `let GatewayLogs = <table> | where ... | project <logical columns>;` followed by a newline, for the schema.
 * Prepend it to any recipe written against the normalized view.
 */
export function preludeFor(schema: SchemaId): string {
  const { table } = physicalSchema(schema);
  const m = MAPPINGS[schema];
  const lines = [`let ${GATEWAY_VIEW} = ${table}`];
  for (const w of m.where) lines.push(`    | where ${w}`);
  const items = m.project.map(([name, expr]) => (name === expr ? name : `${name} = ${expr}`));
  lines.push(`    | project ${items.join(',\n        ')};`);
  return lines.join('\n') + '\n';
}

/**
 * Which physical schema a set of tables (a workspace's or a loaded file's) holds, from column names alone.
 * The resource-specific table wins when present (Microsoft's recommendation; a workspace mid-migration
 * has both). Returns null when no known APIM gateway-log shape is present.
 */
export function detectSchema(
  tables: { name: string; columns: ColumnSchema[] | { name: string }[] }[],
): SchemaId | null {
  const order: SchemaId[] = ['resource-specific', 'azure-diagnostics', 'azure-diagnostics-seed'];
  for (const id of order) {
    const s = PHYSICAL_SCHEMAS[id];
    const t = tables.find((x) => x.name === s.table);
    if (!t) continue;
    const names = new Set(t.columns.map((c) => c.name));
    if (s.signatureColumns.every((c) => names.has(c))) return id;
  }
  return null;
}
