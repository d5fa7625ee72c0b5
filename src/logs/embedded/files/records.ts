import { KQL_TYPES, type KqlType } from '../../../kql/types';

/**
 * Raw tables read from an exported JSON log before typing: column names, rows of raw values, and the
 * source line of each row (for error messages).
 */
export interface RawTable {
  names: string[];
  rows: unknown[][];
  lines: number[];
  /** Declared types come from an API response. */
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

/** Collects JSON records (objects) into a RawTable; columns are the union of keys in first-seen order. */
export class RecordCollector {
  readonly table: RawTable;
  private readonly index = new Map<string, number>();

  constructor(unit: 'line' | 'item') {
    this.table = { names: [], rows: [], lines: [], unit };
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
