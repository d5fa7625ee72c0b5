import * as fs from 'node:fs';
import { StringDecoder } from 'node:string_decoder';
import type { TableInput } from '../../../kql';
import type { StoredTable } from '../../../kql/storage';
import type { Cell, ColumnSchema, KqlType } from '../../../kql/types';
import { toCell } from '../../../kql/values';
import type { SchemaId } from '../../../schema/physical';
import { readCsvColumns } from './csvColumns';
import type { ByteSource } from './csvBytes';
import { JsonTypeGuess } from './infer';
import { convertCell, makePlan, type LoadOptions } from './plan';
import { isRawEventTable, rawEventsToDiagnostics, unwrapRecords } from './rawEvents';
import { fromApiResponse, jsonParseError, LogFileError, RecordCollector, type RawTable } from './records';

export { LogFileError } from './records';

/** Formats of exported gateway logs the embedded engine can load. */
export type LogFormat = 'csv' | 'json' | 'ndjson' | 'la-response';

export type { LoadOptions } from './plan';

export interface LoadedTable extends TableInput {
  /** The physical schema the columns match (null when loaded under --table without matching one). */
  schema: SchemaId | null;
  format: LogFormat;
  /**
   * The columns already stored (CSV is read straight into typed columns, rows ordered by TimeGenerated):
   * `Workspace.putTable` takes it as is, and `rows` is then a view over it.
   */
  stored?: StoredTable;
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
    const bytes = Buffer.from(text, 'utf8');
    return csvTable(bytes, bytes.length, () => 0, opts);
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
    const first = fs.readSync(fd, buf, 0, CHUNK, null);
    const decoder = new StringDecoder('utf8');
    const head = decoder.write(buf.subarray(0, first));
    if (head.trim() === '') throw new LogFileError(`log file "${path}" is empty.`);
    const format = detectFormat(head);
    // CSV streams from the bytes into typed columns: the file's text is never held.
    if (format === 'csv')
      return csvTable(buf, first, (target, at, length) => fs.readSync(fd, target, at, length, null), opts);
    const next = (): string | null => {
      const n = fs.readSync(fd, buf, 0, CHUNK, null);
      return n > 0 ? decoder.write(buf.subarray(0, n)) : null;
    };
    let raw: RawTable;
    if (format === 'ndjson') {
      // Streamed chunk by chunk: the file's text is never held whole.
      const sink = ndjsonSink();
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
    return finish(raw, format, opts);
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

/** JSON formats from their whole text (CSV always goes through the columnar reader). */
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

/** JSON records: guesses the column types the names do not tell, converts every cell, and builds the table. */
function finish(raw: RawTable, format: LogFormat, opts: LoadOptions): LoadedTable {
  if (!raw.declaredTypes && isRawEventTable(raw)) raw = rawEventsToDiagnostics(raw);
  const plan = makePlan(raw.names, opts, raw.declaredTypes);
  const width = plan.names.length;
  const rows = raw.rows;
  const types: KqlType[] = plan.types.map((t, i) => {
    if (t) return t;
    const g = new JsonTypeGuess();
    for (const r of rows) g.add(r[i]);
    return g.type;
  });
  for (let r = 0; r < rows.length; r++) {
    const src = rows[r];
    const out = new Array<Cell>(width + plan.padValues.length);
    for (let c = 0; c < width; c++) out[c] = convertCell(src[c], types[c], plan, c, raw.unit, raw.lines[r]);
    for (let p = 0; p < plan.padValues.length; p++) out[width + p] = plan.padValues[p];
    rows[r] = out; // converted in place: raw values are released as we go
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

/** CSV read into typed columns; `rows` reads them back as cells (in TimeGenerated order) for callers that want rows. */
function csvTable(first: Buffer, firstLength: number, more: ByteSource, opts: LoadOptions): LoadedTable {
  const { stored, plan } = readCsvColumns(first, firstLength, more, opts);
  return {
    name: stored.name,
    columns: stored.columns,
    rows: { [Symbol.iterator]: () => rowsOf(stored) },
    ingestionTimeOf: () => null,
    schema: plan.schema,
    format: 'csv',
    stored,
  };
}

function* rowsOf(t: StoredTable): Generator<Cell[]> {
  const readers = t.columns.map((_, c) => t.vector(c, 0, t.rowCount).reader());
  const types = t.columns.map((c) => c.type);
  for (let r = 0; r < t.rowCount; r++) yield readers.map((read, c) => toCell(read(r), types[c]));
}
