/**
 * Columnar snapshots of loaded log files, so the second load of the same file skips parsing: the
 * workspace's columns are written as raw typed-array bytes (dictionaries and plain value columns as JSON)
 * under the temp directory, keyed by the file's resolved path, size and modification time (and the
 * --table option). A snapshot that is missing, stale, or unreadable is ignored and rewritten.
 */
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Workspace } from '../../../kql';
import type { Store } from '../../../kql/columns';
import { workspaceFromImage, type TableImage } from '../../../kql/image';
import type { ColumnSchema } from '../../../kql/types';
import { loadLogFile, type LoadOptions } from './loader';

const MAGIC = 'APIMTRIAGE-SNAPSHOT-1';

export interface SnapshotOptions extends LoadOptions {
  /** Where snapshots live (default: apim-triage-snapshots under the OS temp directory); null disables them. */
  snapshotDir?: string | null;
}

export interface LoadedWorkspace {
  workspace: Workspace;
  table: string;
  /** True when the columns came from a snapshot instead of parsing the file. */
  fromSnapshot: boolean;
}

/** A blob: byte range in the snapshot body. */
interface Blob {
  at: number;
  bytes: number;
}

type StoreHeader =
  | { kind: 'num'; data: Blob }
  | { kind: 'str'; data: Blob; dict: Blob }
  | { kind: 'bool'; data: Blob }
  | { kind: 'any'; values: Blob }
  | { kind: 'null' };

interface TableHeader {
  name: string;
  columns: ColumnSchema[];
  rowCount: number;
  timeColumn: number;
  timedRows: number;
  ingestion: Blob | null;
  stores: StoreHeader[];
}

interface Header {
  magic: string;
  key: string;
  tables: TableHeader[];
}

/** Identity of the file's current content: path, size and mtime, plus the load option that shapes it. */
function keyOf(file: string, opts: LoadOptions): string {
  const st = fs.statSync(file);
  return JSON.stringify([resolve(file), st.size, st.mtimeMs, opts.table ?? null]);
}

function pathFor(dir: string, key: string): string {
  return join(dir, `${createHash('sha256').update(key).digest('hex').slice(0, 32)}.snapshot`);
}

/** Load a log file into a workspace, from its snapshot when one matches, else parsing it (and saving one). */
export function loadWorkspaceFile(file: string, opts: SnapshotOptions = {}): LoadedWorkspace {
  const dir = opts.snapshotDir === undefined ? join(tmpdir(), 'apim-triage-snapshots') : opts.snapshotDir;
  let key: string | null = null;
  if (dir !== null) {
    try {
      key = keyOf(file, opts);
      const ws = readSnapshot(pathFor(dir, key), key);
      if (ws) return { workspace: ws, table: ws.tableNames()[0], fromSnapshot: true };
    } catch {
      // no snapshot yet, or the file itself is unreadable: the loader below explains that properly
    }
  }
  const loaded = loadLogFile(file, { table: opts.table });
  const workspace = new Workspace();
  if (loaded.stored) workspace.putTable(loaded.stored);
  else workspace.addTable(loaded);
  if (dir !== null && key !== null) {
    try {
      writeSnapshot(workspace, dir, key);
    } catch {
      // a snapshot is only a shortcut: a read-only or full temp directory must not fail the load
    }
  }
  return { workspace, table: loaded.name, fromSnapshot: false };
}

function writeSnapshot(ws: Workspace, dir: string, key: string): void {
  const parts: Uint8Array[] = [];
  let size = 0;
  const put = (bytes: Uint8Array): Blob => {
    const blob = { at: size, bytes: bytes.byteLength };
    parts.push(bytes);
    size += bytes.byteLength;
    const pad = (8 - (size % 8)) % 8; // keep every blob 8-byte aligned
    if (pad) {
      parts.push(new Uint8Array(pad));
      size += pad;
    }
    return blob;
  };
  const raw = (a: Float64Array | Int32Array | Int8Array) => put(new Uint8Array(a.buffer, a.byteOffset, a.byteLength));
  const json = (v: unknown) => put(Buffer.from(JSON.stringify(v), 'utf8'));
  const storeHeader = (s: Store): StoreHeader => {
    switch (s.kind) {
      case 'num':
        return { kind: 'num', data: raw(s.data) };
      case 'str':
        return { kind: 'str', data: raw(s.data), dict: json(s.dict) };
      case 'bool':
        return { kind: 'bool', data: raw(s.data) };
      case 'any':
        return { kind: 'any', values: json(s.data) };
      case 'null':
        return { kind: 'null' };
    }
  };
  const tables: TableHeader[] = ws
    .tableNames()
    .map((name) => ws.table(name))
    .map((t) => ({
      name: t.name,
      columns: t.columns,
      rowCount: t.rowCount,
      timeColumn: t.timeColumn,
      timedRows: t.timedRows,
      ingestion: t.ingestion ? raw(t.ingestion) : null,
      stores: t.stores.map(storeHeader),
    }));
  const header = Buffer.from(JSON.stringify({ magic: MAGIC, key, tables } satisfies Header), 'utf8');
  const length = Buffer.alloc(8);
  length.writeUInt32LE(header.byteLength, 0);
  fs.mkdirSync(dir, { recursive: true });
  const final = pathFor(dir, key);
  const temp = `${final}.${process.pid}.tmp`;
  const fd = fs.openSync(temp, 'w');
  try {
    for (const chunk of [length, header, new Uint8Array((8 - (header.byteLength % 8)) % 8), ...parts])
      fs.writeSync(fd, chunk);
  } finally {
    fs.closeSync(fd);
  }
  fs.renameSync(temp, final); // readers never see a half-written snapshot
}

function readSnapshot(path: string, key: string): Workspace | null {
  if (!fs.existsSync(path)) return null;
  const file = fs.readFileSync(path);
  const headerBytes = file.readUInt32LE(0);
  const header = JSON.parse(file.toString('utf8', 8, 8 + headerBytes)) as Header;
  if (header.magic !== MAGIC || header.key !== key) return null;
  const base = 8 + headerBytes + ((8 - (headerBytes % 8)) % 8);
  const bytes = (b: Blob) => file.subarray(base + b.at, base + b.at + b.bytes);
  const copy = <T extends Float64Array | Int32Array | Int8Array>(b: Blob, out: T): T => {
    new Uint8Array(out.buffer, out.byteOffset, out.byteLength).set(bytes(b));
    return out;
  };
  const json = (b: Blob): unknown => JSON.parse(bytes(b).toString('utf8'));
  const store = (s: StoreHeader, n: number): Store => {
    switch (s.kind) {
      case 'num':
        return { kind: 'num', data: copy(s.data, new Float64Array(n)) };
      case 'str':
        return { kind: 'str', data: copy(s.data, new Int32Array(n)), dict: json(s.dict) as string[] };
      case 'bool':
        return { kind: 'bool', data: copy(s.data, new Int8Array(n)) };
      case 'any':
        return { kind: 'any', data: json(s.values) as unknown[] };
      case 'null':
        return { kind: 'null' };
    }
  };
  const tables: TableImage[] = header.tables.map((t) => ({
    name: t.name,
    columns: t.columns,
    rowCount: t.rowCount,
    timeColumn: t.timeColumn,
    timedRows: t.timedRows,
    ingestion: t.ingestion ? copy(t.ingestion, new Float64Array(t.rowCount)) : null,
    stores: t.stores.map((s) => store(s, t.rowCount)),
  }));
  return workspaceFromImage({ tables });
}

/** Saves `ws` under `dir` for `key` (the demo's stored copy uses the same format); returns the file written. */
export function saveWorkspaceSnapshot(ws: Workspace, dir: string, key: string): string {
  writeSnapshot(ws, dir, key);
  return pathFor(dir, key);
}

/** The workspace saved under `dir` for exactly `key`, or null when there is none. */
export function readWorkspaceSnapshot(dir: string, key: string): Workspace | null {
  return readSnapshot(pathFor(dir, key), key);
}
