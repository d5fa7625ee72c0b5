/**
 * What an export's header tells: the table and physical schema its columns identify, the known type of each
 * column, and the schema columns it lacks (added as padding so the prelude compiles).
 */
import type { Cell, ColumnSchema, KqlType } from '../../../kql/types';
import { PHYSICAL_SCHEMAS, type SchemaId } from '../../../schema/physical';
import { convertValue, typeFromSuffix, ValueError } from './infer';
import { LogFileError } from './records';

export interface LoadOptions {
  /** Table name to load under; by default identified from the columns. */
  table?: string;
}

/** Table and schema the columns identify. */
function identify(names: Set<string>): { table: string; schema: SchemaId } | null {
  if (names.has('ApiId') && names.has('ResponseCode'))
    return { table: 'ApiManagementGatewayLogs', schema: 'resource-specific' };
  if (names.has('apiId_s') && names.has('responseCode_d'))
    return { table: 'AzureDiagnostics', schema: 'azure-diagnostics' };
  if (names.has('ApiId_s') && names.has('ResponseCode_d'))
    return { table: 'AzureDiagnostics', schema: 'azure-diagnostics-seed' };
  return null;
}

/** Values for schema columns a file lacks (a `project`-ed export): constants where the prelude filters on them. */
function paddingValue(c: ColumnSchema, table: string): Cell {
  switch (c.name) {
    case 'ResourceProvider':
      return 'MICROSOFT.APIMANAGEMENT';
    case 'Category':
      return 'GatewayLogs';
    case 'OperationName':
      return 'Microsoft.ApiManagement/GatewayLogs';
    case 'Type':
      return table;
  }
  return c.type === 'string' ? '' : null;
}

/** What the header tells us: names, table, schema, known column types and padding columns. */
export interface Plan {
  names: string[];
  /** Known type per file column; undefined = to be guessed from the values. */
  types: (KqlType | undefined)[];
  table: string;
  schema: SchemaId | null;
  padding: ColumnSchema[];
  padValues: Cell[];
}

export function makePlan(rawNames: string[], opts: LoadOptions, declared?: (KqlType | undefined)[]): Plan {
  // The portal writes datetime headers as "TimeGenerated [UTC]".
  const utc = rawNames.map((n) => /\s*\[UTC\]$/i.test(n));
  const names = rawNames.map((n) => n.replace(/\s*\[UTC\]$/i, '').trim());
  const seen = new Set<string>();
  names.forEach((n, i) => {
    if (!n) throw new LogFileError(`column ${i + 1} has no name in the header.`);
    if (seen.has(n)) throw new LogFileError(`column "${n}" appears twice in the header.`);
    seen.add(n);
  });

  const found = identify(seen);
  let table: string;
  if (opts.table) {
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(opts.table)) {
      throw new LogFileError(`invalid table name "${opts.table}": use letters, digits and underscores.`);
    }
    table = opts.table;
  } else if (found) {
    table = found.table;
  } else {
    const list = names.slice(0, 12).join(', ') + (names.length > 12 ? `, ... (${names.length} columns)` : '');
    throw new LogFileError(
      'these columns do not look like APIM gateway logs. Expected ApiId and ResponseCode (ApiManagementGatewayLogs), ' +
        'apiId_s and responseCode_d (AzureDiagnostics), or ApiId_s and ResponseCode_d (AzureDiagnostics, blog naming); ' +
        `found: ${list}. Pass --table <Name> to load the file under a table name of your choice.`,
    );
  }
  const schema = found && PHYSICAL_SCHEMAS[found.schema].table === table ? found.schema : null;
  if (schema && !seen.has('TimeGenerated')) {
    throw new LogFileError(
      'the file has no TimeGenerated column; every recipe filters on it. Export it with TimeGenerated included.',
    );
  }
  const physical = schema ? PHYSICAL_SCHEMAS[schema].columns : [];
  const known = new Map(physical.map((c) => [c.name, c.type]));
  const types = names.map(
    (n, i) => declared?.[i] ?? known.get(n) ?? (utc[i] || n === 'TimeGenerated' ? 'datetime' : typeFromSuffix(n)),
  );
  const padding = physical.filter((c) => !seen.has(c.name));
  return { names, types, table, schema, padding, padValues: padding.map((c) => paddingValue(c, table)) };
}

export function convertCell(v: unknown, type: KqlType, plan: Plan, c: number, unit: string, pos: number): Cell {
  try {
    return convertValue(v, type);
  } catch (e) {
    if (e instanceof ValueError) {
      throw new LogFileError(
        `${unit} ${pos}, column ${plan.names[c]} (${type}): ${e.message}.`,
        unit === 'line' ? pos : undefined,
      );
    }
    throw e;
  }
}
