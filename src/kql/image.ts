/**
 * A workspace as plain, structured-cloneable data, so worker threads can run queries over the same
 * tables without loading them again. Typed columns move into SharedArrayBuffers: every thread reads the
 * same memory (no copy per worker); dictionaries and plain value columns are cloned per worker.
 */
import type { Store } from './columns';
import { StoredTable, Workspace } from './storage';
import type { ColumnSchema } from './types';

export interface TableImage {
  name: string;
  columns: ColumnSchema[];
  stores: Store[];
  rowCount: number;
  timeColumn: number;
  timedRows: number;
  ingestion: Float64Array | null;
}

export interface WorkspaceImage {
  tables: TableImage[];
}

type Typed = Float64Array | Int32Array | Int8Array;

function shared<T extends Typed>(a: T, make: (b: SharedArrayBuffer) => T): T {
  if (a.buffer instanceof SharedArrayBuffer) return a;
  const out = make(new SharedArrayBuffer(Math.max(1, a.length) * a.BYTES_PER_ELEMENT));
  out.set(a);
  return out.length === a.length ? out : (out.subarray(0, a.length) as T);
}

const f64 = (a: Float64Array) => shared(a, (b) => new Float64Array(b, 0, a.length));

function sharedStore(s: Store): Store {
  switch (s.kind) {
    case 'num':
      return { kind: 'num', data: f64(s.data) };
    case 'str':
      return { kind: 'str', data: shared(s.data, (b) => new Int32Array(b, 0, s.data.length)), dict: s.dict };
    case 'bool':
      return { kind: 'bool', data: shared(s.data, (b) => new Int8Array(b, 0, s.data.length)) };
    case 'text':
      return { ...s, offsets: f64(s.offsets) }; // its few chunk strings are cloned per worker
    case 'any':
    case 'null':
      return s; // plain values are structured-cloned per worker
  }
}

/**
 * Move the workspace's typed columns into shared memory (in place: the workspace keeps working and holds
 * no second copy) and describe it as an image for `workspaceFromImage` in another thread.
 */
export function shareWorkspace(ws: Workspace): WorkspaceImage {
  const tables: TableImage[] = [];
  for (const name of ws.tableNames()) {
    const t = ws.table(name);
    const img: TableImage = {
      name: t.name,
      columns: t.columns,
      stores: t.stores.map(sharedStore),
      rowCount: t.rowCount,
      timeColumn: t.timeColumn,
      timedRows: t.timedRows,
      ingestion: t.ingestion ? f64(t.ingestion) : null,
    };
    ws.putTable(tableOf(img));
    tables.push(img);
  }
  return { tables };
}

function tableOf(t: TableImage): StoredTable {
  return new StoredTable(t.name, t.columns, t.stores, t.rowCount, t.timeColumn, t.timedRows, t.ingestion);
}

/** The workspace an image describes (in a worker: over the very same shared column memory). */
export function workspaceFromImage(image: WorkspaceImage): Workspace {
  const ws = new Workspace();
  for (const t of image.tables) ws.putTable(tableOf(t));
  return ws;
}
