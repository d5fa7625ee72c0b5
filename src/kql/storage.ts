/**
 * The in-memory workspace: tables stored column by column, rows sorted by TimeGenerated so a time
 * predicate becomes a binary search over a contiguous range (the "time index").
 */
import type { Cell, ColumnSchema } from './types';
import { KqlError } from './errors';
import { builderFor, timesOf, type Builder, type Store } from './columns';
import { AnyVec, BoolVec, ConstVec, NumVec, StrVec, TextVec, type Vec } from './vectors';

export interface TableInput {
  name: string;
  columns: ColumnSchema[];
  /** Rows streamed, values in column order. datetime cells may be Date or ISO string. */
  rows: Iterable<Cell[]>;
  ingestionTimeOf?: (row: Cell[]) => Date | null;
}

export class StoredTable {
  constructor(
    readonly name: string,
    readonly columns: ColumnSchema[],
    readonly stores: Store[],
    readonly rowCount: number,
    /** Column index of TimeGenerated (rows sorted by it, nulls last), or -1. */
    readonly timeColumn: number,
    /** Number of rows with a non-null TimeGenerated (they come first). */
    readonly timedRows: number,
    /** Ingestion time per row (epoch ms, NaN when unknown), or null if the input gave none. */
    readonly ingestion: Float64Array | null,
  ) {}

  /** Vector of column c over rows [from, to) or over a selection. */
  vector(c: number, from: number, to: number): Vec {
    const s = this.stores[c];
    const len = to - from;
    switch (s.kind) {
      case 'num':
        return new NumVec(s.data, null, from, len);
      case 'str':
        return new StrVec(s.data, s.dict, null, from, len);
      case 'bool':
        return new BoolVec(s.data, null, from, len);
      case 'any':
        return new AnyVec(s.data, null, from, len);
      case 'text':
        return new TextVec(s.chunks, s.offsets, s.shift, null, from, len);
      case 'null':
        return new ConstVec(null, len);
    }
  }

  /** Row range [from, to) whose TimeGenerated lies within [lo, hi] (bounds inclusive flags). */
  timeRange(lo: number, loIncl: boolean, hi: number, hiIncl: boolean): [number, number] {
    const s = this.stores[this.timeColumn];
    if (s.kind !== 'num') return [0, this.rowCount];
    const t = s.data;
    const n = this.timedRows;
    // first index with t > lo (or >= lo)
    let a = 0;
    let b = n;
    while (a < b) {
      const m = (a + b) >>> 1;
      if (t[m] < lo || (!loIncl && t[m] === lo)) a = m + 1;
      else b = m;
    }
    const from = a;
    a = from;
    b = n;
    while (a < b) {
      const m = (a + b) >>> 1;
      if (t[m] < hi || (hiIncl && t[m] === hi)) a = m + 1;
      else b = m;
    }
    return [from, Math.max(from, a)];
  }
}

/**
 * Row order by time (stable; null times last). Integral millisecond times over a modest range are
 * packed with the row index into one float and sorted natively, which is ~10x faster than a comparator.
 */
export function timeOrder(times: Float64Array): Int32Array {
  const n = times.length;
  let lo = Infinity;
  let hi = -Infinity;
  let integral = true;
  for (let i = 0; i < n; i++) {
    const x = times[i];
    if (x !== x) continue;
    if (x < lo) lo = x;
    if (x > hi) hi = x;
    if (integral && x !== Math.floor(x)) integral = false;
  }
  const bits = Math.max(1, Math.ceil(Math.log2(n + 1)));
  const scale = 2 ** bits;
  if (integral && (lo === Infinity || (hi - lo + 2) * scale < Number.MAX_SAFE_INTEGER)) {
    const nullKey = lo === Infinity ? 0 : hi - lo + 1;
    const keys = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      const x = times[i];
      keys[i] = (x !== x ? nullKey : x - lo) * scale + i;
    }
    keys.sort();
    const perm = new Int32Array(n);
    for (let k = 0; k < n; k++) perm[k] = keys[k] % scale;
    return perm;
  }
  const idx = Array.from({ length: n }, (_, i) => i);
  idx.sort((a, b) => {
    const x = times[a];
    const y = times[b];
    if (x !== x) return y !== y ? a - b : 1;
    if (y !== y) return -1;
    return x - y || a - b;
  });
  return Int32Array.from(idx);
}

/**
 * Finishes a table from filled column builders: rows ordered by TimeGenerated (one typed permutation, only when
 * they are not already in order), each builder dropped as soon as its column is built so its buffers can go.
 */
export function tableFromBuilders(
  name: string,
  columns: ColumnSchema[],
  builders: Builder[],
  ingest: ArrayLike<number> | null,
): StoredTable {
  const n = builders.length ? builders[0].n : 0;
  const timeColumn = columns.findIndex((c) => c.name === 'TimeGenerated' && c.type === 'datetime');
  let perm: Int32Array | null = null;
  let timed = n;
  if (timeColumn >= 0) {
    const times = timesOf(builders[timeColumn]) as Float64Array;
    let sorted = true;
    timed = 0;
    for (let i = 0; i < n; i++) {
      const x = times[i];
      if (x === x) timed++;
      if (i > 0 && !(times[i - 1] <= x) && !(x !== x && times[i - 1] !== times[i - 1])) sorted = false;
    }
    if (!sorted) perm = timeOrder(times);
  }
  const stores: Store[] = [];
  for (let c = 0; c < builders.length; c++) {
    stores.push(builders[c].build(perm));
    (builders as (Builder | null)[])[c] = null;
  }
  let ingestion: Float64Array | null = null;
  if (ingest) {
    ingestion = new Float64Array(n);
    for (let k = 0; k < n; k++) ingestion[k] = ingest[perm ? perm[k] : k];
  }
  return new StoredTable(
    name,
    columns.map((c) => ({ ...c })),
    stores,
    n,
    timeColumn,
    timed,
    ingestion,
  );
}

export class Workspace {
  private readonly tables = new Map<string, StoredTable>();

  /** Load a table (replacing one of the same name). Rows are sorted by TimeGenerated on load. */
  addTable(t: TableInput): void {
    if (!t.name || !/^[A-Za-z_][A-Za-z0-9_]*$/.test(t.name)) {
      throw new KqlError('runtime', `Invalid table name '${t.name}': use letters, digits and underscores.`);
    }
    const seen = new Set<string>();
    for (const c of t.columns) {
      if (seen.has(c.name)) throw new KqlError('runtime', `Table '${t.name}' declares column '${c.name}' twice.`);
      seen.add(c.name);
    }
    const builders = t.columns.map((c) => builderFor(c.type));
    const ingest: number[] | null = t.ingestionTimeOf ? [] : null;
    const width = t.columns.length;
    for (const row of t.rows) {
      for (let c = 0; c < width; c++) builders[c].push(row[c]);
      if (ingest && t.ingestionTimeOf) {
        const d = t.ingestionTimeOf(row);
        ingest.push(d ? d.getTime() : NaN);
      }
    }
    this.tables.set(t.name, tableFromBuilders(t.name, t.columns, builders, ingest));
  }

  hasTable(name: string): boolean {
    return this.tables.has(name);
  }

  tableNames(): string[] {
    return [...this.tables.keys()];
  }

  schemaOf(name: string): ColumnSchema[] {
    return this.table(name).columns.map((c) => ({ ...c }));
  }

  rowCount(name: string): number {
    return this.table(name).rowCount;
  }

  /** @internal Put an already columnar table in place (images shared with worker threads). */
  putTable(t: StoredTable): void {
    this.tables.set(t.name, t);
  }

  /** @internal engine access */
  table(name: string): StoredTable {
    const t = this.tables.get(name);
    if (!t)
      throw new KqlError(
        'semantic',
        `Unknown table '${name}'. Known tables: ${this.tableNames().join(', ') || '(none)'}.`,
      );
    return t;
  }
}
