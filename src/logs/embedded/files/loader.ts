import * as fs from 'node:fs';
import { StringDecoder } from 'node:string_decoder';
import type { TableInput } from '../../../kql';
import type { Cell, ColumnSchema, KqlType } from '../../../kql/types';
import { PHYSICAL_SCHEMAS, type SchemaId } from '../../../schema/physical';
import { convertValue, JsonTypeGuess, TextTypeGuess, typeFromSuffix, ValueError } from './infer';
import { isRawEventTable, rawEventsToDiagnostics, unwrapRecords } from './rawEvents';
import {
  CsvCollector,
  fromApiResponse,
  jsonParseError,
  LogFileError,
  RecordCollector,
  type RawTable,
  type RowConverter,
} from './records';

export { LogFileError } from './records';

/** Formats of exported gateway logs the embedded engine can load. */
export type LogFormat = 'csv' | 'json' | 'ndjson' | 'la-response';

export interface LoadOptions {
  /** Table name to load under; by default identified from the columns. */
  table?: string;
}

export interface LoadedTable extends TableInput {
  /** The physical schema the columns match (null when loaded under --table without matching one). */
  schema: SchemaId | null;
  format: LogFormat;
}

const CHUNK = 1 << 20;

/** Guesses the format from the first part of the content. */
export function detectFormat(head: string): LogFormat {
  const t = head.replace(/^\uFEFF/, '').trimStart();
  if (t.startsWith('[')) return 'json';
  if (t.startsWith('{')) {
    const firstLine = t.split(/\r?\n/, 1)[0].trim();
    try {
      const o = JSON.parse(firstLine) as Record<string, unknown>;
      return o && typeof o === 'object' && 'tables' in o ? 'la-response' : 'ndjson';
    } catch {
      // A pretty-printed document: one JSON value spread over lines.
      return /"tables"\s*:/.test(t.slice(0, 2000)) ? 'la-response' : 'json';
    }
  }
  return 'csv';
}

/** Parses exported log text (tests, stdin). `format` defaults to detection from the content. */
export function parseLogText(text: string, format: LogFormat | 'auto' = 'auto', opts: LoadOptions = {}): LoadedTable {
  const f = format === 'auto' ? detectFormat(text.slice(0, 65536)) : format;
  if (f === 'csv') {
    const hold: { plan?: Plan } = {};
    const sink = csvSink(csvConverter(opts, hold));
    sink.feed(text);
    return finish(sink.end(), f, opts, hold.plan);
  }
  return finish(readText(text, f), f, opts);
}

/**
 * Loads an exported log file: portal CSV, JSON array, NDJSON, a Log Analytics API response, or a storage-account
 * archive of raw diagnostic events (mapped to AzureDiagnostics columns). The format is detected from the content.
 */
export function loadLogFile(path: string, opts: LoadOptions = {}): LoadedTable {
  let fd: number;
  try {
    fd = fs.openSync(path, 'r');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    const why =
      code === 'ENOENT'
        ? 'no such file'
        : code === 'EISDIR'
          ? 'it is a directory'
          : code === 'EACCES'
            ? 'permission denied'
            : String(code ?? e);
    throw new LogFileError(`cannot read log file "${path}": ${why}.`);
  }
  try {
    if (fs.fstatSync(fd).isDirectory()) throw new LogFileError(`cannot read log file "${path}": it is a directory.`);
    const buf = Buffer.alloc(CHUNK);
    const decoder = new StringDecoder('utf8');
    const first = fs.readSync(fd, buf, 0, CHUNK, null);
    const head = decoder.write(buf.subarray(0, first));
    if (head.trim() === '') throw new LogFileError(`log file "${path}" is empty.`);
    const format = detectFormat(head);
    const next = (): string | null => {
      const n = fs.readSync(fd, buf, 0, CHUNK, null);
      return n > 0 ? decoder.write(buf.subarray(0, n)) : null;
    };
    let raw: RawTable;
    const hold: { plan?: Plan } = {};
    if (format === 'csv' || format === 'ndjson') {
      // Streamed chunk by chunk: the file's text is never held whole.
      const sink = format === 'csv' ? csvSink(csvConverter(opts, hold)) : ndjsonSink();
      sink.feed(head);
      for (let c = next(); c !== null; c = next()) sink.feed(c);
      sink.feed(decoder.end());
      raw = sink.end();
    } else {
      const parts = [head];
      for (let c = next(); c !== null; c = next()) parts.push(c);
      parts.push(decoder.end());
      raw = readText(parts.join(''), format);
    }
    return finish(raw, format, opts, hold.plan);
  } catch (e) {
    if (e instanceof LogFileError)
      throw e.message.startsWith('cannot read') ? e : new LogFileError(`${path}: ${e.message}`, e.line);
    throw e;
  } finally {
    fs.closeSync(fd);
  }
}

interface Sink {
  feed(chunk: string): void;
  end(): RawTable;
}

function csvSink(prepare?: (names: string[]) => RowConverter): Sink {
  const c = new CsvCollector(prepare);
  return { feed: (s) => c.feed(s), end: () => c.end() };
}

function ndjsonSink(): Sink {
  const rc = new RecordCollector('line');
  let pending = '';
  let line = 0;
  const take = (l: string) => {
    line++;
    const s = line === 1 ? l.replace(/^\uFEFF/, '').trim() : l.trim();
    if (!s) return;
    let rec: unknown;
    try {
      rec = JSON.parse(s);
    } catch (e) {
      const msg = e instanceof Error ? e.message : String(e);
      throw new LogFileError(
        `line ${line}: invalid JSON (${msg}). Each line of an NDJSON file must be one complete JSON object.`,
        line,
      );
    }
    // A storage-account blob line may wrap many events as {"records":[...]}.
    const wrapped = unwrapRecords(rec);
    if (wrapped) for (const x of wrapped) rc.add(x, line);
    else rc.add(rec, line);
  };
  return {
    feed(chunk) {
      const text = pending + chunk;
      const parts = text.split('\n');
      pending = parts.pop() ?? '';
      for (const p of parts) take(p);
    },
    end() {
      if (pending) take(pending);
      pending = '';
      if (rc.table.rows.length === 0) throw new LogFileError('the NDJSON file has no records.');
      return rc.table;
    },
  };
}

/** JSON formats from their whole text (CSV always goes through the streaming converter). */
function readText(text: string, format: Exclude<LogFormat, 'csv'>): RawTable {
  if (format === 'ndjson') {
    const sink = ndjsonSink();
    sink.feed(text);
    return sink.end();
  }
  let doc: unknown;
  try {
    doc = JSON.parse(text.replace(/^\uFEFF/, ''));
  } catch (e) {
    throw jsonParseError(e, text);
  }
  if (doc && typeof doc === 'object' && !Array.isArray(doc) && 'tables' in doc) return fromApiResponse(doc);
  const items = unwrapRecords(doc) ?? (Array.isArray(doc) ? doc : [doc]);
  if (items.length === 0) throw new LogFileError('the JSON array is empty: there are no log records to load.');
  const rc = new RecordCollector('item');
  items.forEach((x, i) => rc.add(x, i + 1));
  return rc.table;
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
interface Plan {
  names: string[];
  /** Known type per file column; undefined = to be guessed from the values. */
  types: (KqlType | undefined)[];
  table: string;
  schema: SchemaId | null;
  padding: ColumnSchema[];
  padValues: Cell[];
}

function makePlan(rawNames: string[], opts: LoadOptions, declared?: (KqlType | undefined)[]): Plan {
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

function convertCell(v: unknown, type: KqlType, plan: Plan, c: number, unit: string, pos: number): Cell {
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

/** CSV: converts the columns whose type the header already tells, and appends padding, as rows stream in. */
function csvConverter(opts: LoadOptions, hold: { plan?: Plan }): (names: string[]) => RowConverter {
  return (rawNames) => {
    const plan = makePlan(rawNames, opts);
    hold.plan = plan;
    const width = plan.names.length;
    const total = width + plan.padValues.length;
    return (fields, line) => {
      const out = new Array<unknown>(total);
      for (let c = 0; c < width; c++) {
        const t = plan.types[c];
        out[c] = t ? convertCell(fields[c], t, plan, c, 'line', line) : fields[c];
      }
      for (let p = 0; p < plan.padValues.length; p++) out[width + p] = plan.padValues[p];
      return out;
    };
  };
}

/** Guesses the remaining column types, converts those cells (and JSON rows entirely), and builds the table. */
function finish(raw: RawTable, format: LogFormat, opts: LoadOptions, csvPlan?: Plan): LoadedTable {
  if (!csvPlan && raw.kind === 'json' && !raw.declaredTypes && isRawEventTable(raw)) raw = rawEventsToDiagnostics(raw);
  const plan = csvPlan ?? makePlan(raw.names, opts, raw.declaredTypes);
  const width = plan.names.length;
  const rows = raw.rows;
  const types: KqlType[] = plan.types.map((t, i) => {
    if (t) return t;
    const g = raw.kind === 'text' ? new TextTypeGuess() : new JsonTypeGuess();
    for (const r of rows) (g as { add(v: unknown): void }).add(r[i]);
    return g.type;
  });
  if (csvPlan) {
    // Rows are already full width with known columns converted; finish the guessed ones.
    const pending = plan.types.flatMap((t, i) => (t ? [] : [i]));
    if (pending.length) {
      for (let r = 0; r < rows.length; r++) {
        const row = rows[r];
        for (const c of pending) row[c] = convertCell(row[c], types[c], plan, c, raw.unit, raw.lines[r]);
      }
    }
  } else {
    for (let r = 0; r < rows.length; r++) {
      const src = rows[r];
      const out = new Array<Cell>(width + plan.padValues.length);
      for (let c = 0; c < width; c++) out[c] = convertCell(src[c], types[c], plan, c, raw.unit, raw.lines[r]);
      for (let p = 0; p < plan.padValues.length; p++) out[width + p] = plan.padValues[p];
      rows[r] = out; // converted in place: raw values are released as we go
    }
  }
  const columns: ColumnSchema[] = [...plan.names.map((name, i) => ({ name, type: types[i] })), ...plan.padding];
  return {
    name: plan.table,
    columns,
    rows: rows as Cell[][],
    ingestionTimeOf: () => null,
    schema: plan.schema,
    format,
  };
}
