import { CsvParser, CsvSyntaxError } from './csv';
import { KQL_TYPES, type KqlType } from '../../../kql/types';

/**
 * Raw tables read from an exported log before typing: column names, rows of raw values, and the
 * source line of each row (for error messages).
 */
export interface RawTable {
  names: string[];
  rows: unknown[][];
  lines: number[];
  /** 'text': every value is a string (CSV); 'json': JSON values; declared types come from an API response. */
  kind: 'text' | 'json';
  declaredTypes?: (KqlType | undefined)[];
  /** Unit for row positions in messages. */
  unit: 'line' | 'item' | 'row';
}

export class LogFileError extends Error {
  constructor(
    message: string,
    readonly line?: number,
  ) {
    super(message);
    this.name = 'LogFileError';
  }
}

/** Turns one CSV record into the row kept in memory (e.g. converting typed columns at once). */
export type RowConverter = (fields: string[], line: number) => unknown[];

/**
 * Collects CSV records (header first) into a RawTable as chunks arrive. `prepare` sees the header and
 * returns how to convert each record, so typed values replace their text as the file streams in.
 */
export class CsvCollector {
  readonly table: RawTable = { names: [], rows: [], lines: [], kind: 'text', unit: 'line' };
  private header = false;
  private convert: RowConverter = (fields) => fields;
  private readonly parser = new CsvParser((fields, line) => this.record(fields, line));

  constructor(private readonly prepare?: (names: string[]) => RowConverter) {}

  feed(chunk: string): void {
    try {
      this.parser.feed(chunk);
    } catch (e) {
      throw rethrowCsv(e);
    }
  }

  end(): RawTable {
    try {
      this.parser.end();
    } catch (e) {
      throw rethrowCsv(e);
    }
    if (!this.header) throw new LogFileError('the CSV file is empty: expected a header row with column names.');
    return this.table;
  }

  private record(fields: string[], line: number): void {
    if (!this.header) {
      this.header = true;
      this.table.names = fields.map((f) => f.trim());
      if (this.prepare) this.convert = this.prepare(this.table.names);
      return;
    }
    const width = this.table.names.length;
    if (fields.length !== width) {
      // Trailing empty fields from a stray comma are harmless; anything else is a broken row.
      const extra = fields.slice(width);
      if (!(fields.length > width && extra.every((f) => f === ''))) {
        throw new LogFileError(
          `line ${line}: expected ${width} fields (as in the header) but found ${fields.length}. ` +
            'Fields containing commas, quotes or line breaks must be enclosed in double quotes.',
          line,
        );
      }
      fields.length = width;
    }
    this.table.rows.push(this.convert(fields, line));
    this.table.lines.push(line);
  }
}

function rethrowCsv(e: unknown): unknown {
  if (e instanceof CsvSyntaxError) return new LogFileError(`line ${e.line}: ${e.message}`, e.line);
  return e;
}

/** Collects JSON records (objects) into a RawTable; columns are the union of keys in first-seen order. */
export class RecordCollector {
  readonly table: RawTable;
  private readonly index = new Map<string, number>();

  constructor(unit: 'line' | 'item') {
    this.table = { names: [], rows: [], lines: [], kind: 'json', unit };
  }

  add(rec: unknown, pos: number): void {
    if (rec === null || typeof rec !== 'object' || Array.isArray(rec)) {
      const what = Array.isArray(rec) ? 'an array' : rec === null ? 'null' : typeof rec;
      throw new LogFileError(
        `${this.table.unit} ${pos}: expected a JSON object (one log record) but found ${what}.`,
        pos,
      );
    }
    const row: unknown[] = new Array(this.table.names.length);
    for (const [k, v] of Object.entries(rec as Record<string, unknown>)) {
      let i = this.index.get(k);
      if (i === undefined) {
        i = this.table.names.length;
        this.index.set(k, i);
        this.table.names.push(k);
      }
      row[i] = v;
    }
    this.table.rows.push(row);
    this.table.lines.push(pos);
  }
}

const LA_TYPES = new Set<KqlType>(KQL_TYPES);

/** A Log Analytics query API response: `{"tables":[{"name","columns":[{"name","type"}],"rows":[[...]]}]}`. */
export function fromApiResponse(doc: { tables?: unknown }): RawTable {
  const tables = doc.tables;
  if (!Array.isArray(tables) || tables.length === 0) {
    throw new LogFileError('the JSON document has a "tables" property but no tables in it.');
  }
  const t = tables[0] as { columns?: unknown; rows?: unknown };
  if (!Array.isArray(t.columns) || !Array.isArray(t.rows)) {
    throw new LogFileError('tables[0] must have "columns" (array of {name, type}) and "rows" (array of arrays).');
  }
  const names: string[] = [];
  const declared: (KqlType | undefined)[] = [];
  t.columns.forEach((c: unknown, i: number) => {
    const col = c as { name?: unknown; type?: unknown; columnName?: unknown; columnType?: unknown };
    const name = col.name ?? col.columnName;
    if (typeof name !== 'string' || !name) throw new LogFileError(`tables[0].columns[${i}] has no name.`);
    names.push(name);
    const rawType = col.type ?? col.columnType;
    const type = (typeof rawType === 'string' ? rawType : '').toLowerCase() as KqlType;
    declared.push(LA_TYPES.has(type) ? type : undefined);
  });
  t.rows.forEach((r: unknown, i: number) => {
    if (!Array.isArray(r) || r.length !== names.length) {
      throw new LogFileError(
        `tables[0].rows[${i}] must be an array of ${names.length} values (one per column).`,
        i + 1,
      );
    }
  });
  return {
    names,
    rows: t.rows as unknown[][],
    lines: t.rows.map((_: unknown, i: number) => i + 1),
    kind: 'json',
    declaredTypes: declared,
    unit: 'row',
  };
}

/** Line number (1-based) of a character offset, for JSON.parse errors that report a position. */
function lineOfPosition(text: string, pos: number): number {
  let line = 1;
  for (let i = 0; i < pos && i < text.length; i++) if (text.charCodeAt(i) === 10) line++;
  return line;
}

export function jsonParseError(e: unknown, text: string, lineOffset = 0): LogFileError {
  const msg = e instanceof Error ? e.message : String(e);
  const m = /position (\d+)/.exec(msg);
  if (m) {
    const line = lineOfPosition(text, Number(m[1])) + lineOffset;
    return new LogFileError(`line ${line}: invalid JSON (${msg}).`, line);
  }
  return new LogFileError(`invalid JSON (${msg}).`, lineOffset || undefined);
}
