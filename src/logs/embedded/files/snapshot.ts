/**
 * Columnar snapshots of loaded log files, so the second load of the same file skips parsing: the
 * workspace's columns are written as raw typed-array bytes, and string columns (dictionaries, and plain columns
 * of mostly distinct values such as URLs) as UTF-8 text chunks with Float64 offsets, so reading one back is a
 * few large reads straight into its arrays and no per-value parsing (plain strings stay in their chunks, each
 * row sliced out when read: columns.ts `text` stores). Only non-string values (dynamic columns) are JSON.
 * Snapshots live in the user's private folder under the temp directory (privateDir.ts), keyed by the file's resolved path, size and modification time (and
 * the --table option) and the format version. One that is missing, stale, or unreadable is ignored and rewritten.
 */
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import { join, resolve } from 'node:path';
import { Workspace } from '../../../kql';
import { privateSnapshotDir } from '../privateDir';
import { textStore, type Store } from '../../../kql/columns';
import { workspaceFromImage, type TableImage } from '../../../kql/image';
import { TextVec } from '../../../kql/vectors';
import type { ColumnSchema } from '../../../kql/types';
import { loadLogFile, type LoadOptions } from './loader';

const MAGIC = 'APIMTRIAGE-SNAPSHOT-2';

export interface SnapshotOptions extends LoadOptions {
  /** Where snapshots live (default: files/ in the user's private snapshot folder); null disables them. */
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

/** Strings as UTF-8 text chunks: row r spans [offsets[r], offsets[r + 1]) in UTF-16 units (a `text` store). */
interface TextHeader {
  offsets: Blob;
  chunks: Blob[];
  shift: number;
}

type StoreHeader =
  | { kind: 'num'; data: Blob }
  | { kind: 'str'; data: Blob; dict: TextHeader }
  | { kind: 'text'; text: TextHeader }
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
  const own = opts.snapshotDir === undefined ? privateSnapshotDir() : null;
  const dir = opts.snapshotDir === undefined ? (own === null ? null : join(own, 'files')) : opts.snapshotDir;
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

/** A lone surrogate does not survive UTF-8: such (rare) text is written as JSON instead. */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

type Typed = Float64Array | Int32Array | Int8Array;

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
  const raw = (a: Typed) => put(new Uint8Array(a.buffer, a.byteOffset, a.byteLength));
  const json = (v: unknown) => put(Buffer.from(JSON.stringify(v), 'utf8'));
  /** A text store's header, or null when its text cannot be written as UTF-8. */
  const text = (s: Store): TextHeader | null => {
    if (s.kind !== 'text' || s.chunks.some((c) => LONE_SURROGATE.test(c))) return null;
    return { offsets: raw(s.offsets), chunks: s.chunks.map((c) => put(Buffer.from(c, 'utf8'))), shift: s.shift };
  };
  const storeHeader = (s: Store): StoreHeader => {
    switch (s.kind) {
      case 'num':
        return { kind: 'num', data: raw(s.data) };
      case 'str': {
        const dict = text(textStore(s.dict));
        return dict ? { kind: 'str', data: raw(s.data), dict } : { kind: 'any', values: json(valuesOf(s)) };
      }
      case 'bool':
        return { kind: 'bool', data: raw(s.data) };
      case 'any': {
        const strings = s.data.every((v) => typeof v === 'string') ? text(textStore(s.data)) : null;
        return strings ? { kind: 'text', text: strings } : { kind: 'any', values: json(s.data) };
      }
      case 'text': {
        const strings = text(s);
        return strings ? { kind: 'text', text: strings } : { kind: 'any', values: json(valuesOf(s)) };
      }
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

/** Every row's value of a string store (the rare fallback to JSON). */
function valuesOf(s: Store & { kind: 'str' | 'text' }): string[] {
  if (s.kind === 'str') return Array.from(s.data, (c) => s.dict[c]);
  const read = new TextVec(s.chunks, s.offsets, s.shift, null, 0, s.offsets.length - 1).reader();
  return Array.from({ length: s.offsets.length - 1 }, (_, i) => read(i) as string);
}

/** Reads exactly `into.byteLength` bytes at `position`; a short file is a damaged snapshot. */
function readFully(fd: number, into: Uint8Array, position: number): void {
  let done = 0;
  while (done < into.byteLength) {
    const got = fs.readSync(fd, into, done, into.byteLength - done, position + done);
    if (got === 0) throw new Error('snapshot shorter than its header says');
    done += got;
  }
}

function readSnapshot(path: string, key: string): Workspace | null {
  if (!fs.existsSync(path)) return null;
  const fd = fs.openSync(path, 'r');
  try {
    const fileBytes = fs.fstatSync(fd).size;
    const length = Buffer.alloc(8);
    readFully(fd, length, 0);
    const headerBytes = length.readUInt32LE(0);
    if (headerBytes > fileBytes - 8) return null;
    const headerText = Buffer.alloc(headerBytes);
    readFully(fd, headerText, 8);
    const header = JSON.parse(headerText.toString('utf8')) as Header;
    if (header.magic !== MAGIC || header.key !== key) return null;
    const base = 8 + headerBytes + ((8 - (headerBytes % 8)) % 8);
    // each column is read straight into the array that keeps it: a few large reads, no copies
    const into = <T extends Typed>(b: Blob, out: T): T => {
      if (b.bytes !== out.byteLength) throw new Error('snapshot column of the wrong size');
      readFully(fd, new Uint8Array(out.buffer, out.byteOffset, out.byteLength), base + b.at);
      return out;
    };
    const utf8 = (b: Blob): string => {
      const bytes = Buffer.allocUnsafe(b.bytes);
      readFully(fd, bytes, base + b.at);
      return bytes.toString('utf8');
    };
    const text = (h: TextHeader, n: number) => ({
      chunks: h.chunks.map(utf8),
      offsets: into(h.offsets, new Float64Array(n + 1)),
      shift: h.shift,
    });
    const store = (s: StoreHeader, n: number): Store => {
      switch (s.kind) {
        case 'num':
          return { kind: 'num', data: into(s.data, new Float64Array(n)) };
        case 'str': {
          const data = into(s.data, new Int32Array(n));
          const words = Math.floor(s.dict.offsets.bytes / 8) - 1;
          const dict = text(s.dict, words);
          const read = new TextVec(dict.chunks, dict.offsets, dict.shift, null, 0, words).reader();
          return { kind: 'str', data, dict: Array.from({ length: words }, (_, i) => read(i) as string) };
        }
        case 'text':
          return { kind: 'text', ...text(s.text, n) };
        case 'bool':
          return { kind: 'bool', data: into(s.data, new Int8Array(n)) };
        case 'any':
          return { kind: 'any', data: JSON.parse(utf8(s.values)) as unknown[] };
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
      ingestion: t.ingestion ? into(t.ingestion, new Float64Array(t.rowCount)) : null,
      stores: t.stores.map((s) => store(s, t.rowCount)),
    }));
    return workspaceFromImage({ tables });
  } finally {
    fs.closeSync(fd);
  }
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
