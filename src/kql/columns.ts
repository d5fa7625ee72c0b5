/**
 * Column builders used while a table streams in: typed arrays doubled as rows arrive, one builder
 * class per storage kind so the per-cell path has no type dispatch.
 */
import type { KqlType } from './types';
import { fromInput, parseDateTime } from './values';

export type Store =
  | { kind: 'num'; data: Float64Array }
  | { kind: 'str'; data: Int32Array; dict: string[] }
  | { kind: 'bool'; data: Int8Array }
  | { kind: 'any'; data: unknown[] }
  /** Plain strings as a few large chunk strings: rows [c << shift, (c + 1) << shift) are joined in chunks[c], row r
   * spans [offsets[r], offsets[r + 1]) in UTF-16 units counted from the column's start (snapshots read this way). */
  | { kind: 'text'; chunks: string[]; offsets: Float64Array; shift: number }
  /** Every row null (common for optional dynamic columns): no per-row storage at all. */
  | { kind: 'null' };

export interface Builder {
  n: number;
  push(raw: unknown): void;
  /** Finish, reordering rows by `perm` when given. */
  build(perm: Int32Array | null): Store;
}

/** Builders start with room for this many rows, then double. */
export const FIRST_CAPACITY = 1024;

/**
 * Whether a string column has proved high-cardinality (ids, URLs), checked each time its codes buffer is full:
 * from then on it is kept as plain strings, interning would only cost.
 */
export function mostlyDistinct(distinct: number, rows: number): boolean {
  return distinct > rows / 2;
}

function grown<T extends Float64Array | Int32Array | Int8Array>(src: T, dst: T): T {
  dst.set(src);
  return dst;
}

function reorder<T extends Float64Array | Int32Array | Int8Array>(
  src: T,
  dst: T,
  n: number,
  perm: Int32Array | null,
): T {
  if (!perm) {
    dst.set(src.subarray(0, n)); // rows already in order: one block copy
    return dst;
  }
  for (let k = 0; k < n; k++) dst[k] = src[perm[k]];
  return dst;
}

class NumBuilder implements Builder {
  n = 0;
  private data = new Float64Array(FIRST_CAPACITY);
  constructor(private readonly type: KqlType) {}
  push(raw: unknown): void {
    if (this.n >= this.data.length) this.data = grown(this.data, new Float64Array(this.data.length * 2));
    let v: number;
    if (
      typeof raw === 'number' &&
      (this.type === 'real' || this.type === 'datetime' || this.type === 'timespan' || Number.isInteger(raw))
    )
      v = raw;
    else if (raw instanceof Date) v = this.type === 'datetime' ? raw.getTime() : NaN;
    else if (typeof raw === 'string' && this.type === 'datetime') v = parseDateTime(raw) ?? NaN;
    else {
      const c = fromInput(raw, this.type);
      v = c === null ? NaN : (c as number);
    }
    this.data[this.n++] = v;
  }
  /** The values so far (for sorting by time before build). */
  peek(): Float64Array {
    return this.data.subarray(0, this.n);
  }
  build(perm: Int32Array | null): Store {
    return { kind: 'num', data: reorder(this.data, new Float64Array(this.n), this.n, perm) };
  }
}

class StrBuilder implements Builder {
  n = 0;
  private codes = new Int32Array(FIRST_CAPACITY);
  private dict: string[] = [];
  private intern = new Map<string, number>();
  /** Set once a column proves high-cardinality (ids, URLs): interning would only cost. */
  private plain: string[] | null = null;
  private last: string | null = null;
  private lastCode = 0;
  constructor(private readonly type: KqlType) {}
  push(raw: unknown): void {
    const s = typeof raw === 'string' ? raw : ((fromInput(raw, this.type) as string | null) ?? '');
    const i = this.n++;
    if (this.plain) {
      this.plain.push(s);
      return;
    }
    if (i >= this.codes.length) {
      if (mostlyDistinct(this.dict.length, i)) {
        // mostly distinct values: keep them as a plain array from now on
        const dict = this.dict;
        this.plain = Array.from(this.codes.subarray(0, i), (c) => dict[c]);
        this.plain.push(s);
        this.intern.clear();
        this.dict = [];
        return;
      }
      this.codes = grown(this.codes, new Int32Array(this.codes.length * 2));
    }
    // runs of the same value are common (constant columns, bursts): skip the hash lookup
    let c = s === this.last ? this.lastCode : this.intern.get(s);
    if (c === undefined) {
      c = this.dict.length;
      this.dict.push(s);
      this.intern.set(s, c);
    }
    this.last = s;
    this.lastCode = c;
    this.codes[i] = c;
  }
  build(perm: Int32Array | null): Store {
    const plain = this.plain;
    if (plain) return { kind: 'any', data: perm ? Array.from(perm, (p) => plain[p]) : plain };
    return { kind: 'str', data: reorder(this.codes, new Int32Array(this.n), this.n, perm), dict: this.dict };
  }
}

class BoolBuilder implements Builder {
  n = 0;
  private data = new Int8Array(FIRST_CAPACITY);
  push(raw: unknown): void {
    if (this.n >= this.data.length) this.data = grown(this.data, new Int8Array(this.data.length * 2));
    const v = typeof raw === 'boolean' ? raw : fromInput(raw, 'bool');
    this.data[this.n++] = v === null ? -1 : v ? 1 : 0;
  }
  build(perm: Int32Array | null): Store {
    return { kind: 'bool', data: reorder(this.data, new Int8Array(this.n), this.n, perm) };
  }
}

class AnyBuilder implements Builder {
  n = 0;
  private data: unknown[] = [];
  private nonNull = false;
  constructor(private readonly type: KqlType) {}
  push(raw: unknown): void {
    const v = fromInput(raw, this.type);
    if (v !== null) this.nonNull = true;
    this.data.push(v);
    this.n++;
  }
  build(perm: Int32Array | null): Store {
    if (!this.nonNull) return { kind: 'null' };
    const d = this.data;
    return { kind: 'any', data: perm ? Array.from(perm, (p) => d[p]) : d };
  }
}

const NUMERIC = new Set<KqlType>(['long', 'int', 'real', 'decimal', 'datetime', 'timespan']);

export function builderFor(type: KqlType): Builder {
  if (NUMERIC.has(type)) return new NumBuilder(type);
  if (type === 'string' || type === 'guid') return new StrBuilder(type);
  if (type === 'bool') return new BoolBuilder();
  return new AnyBuilder(type);
}

export function timesOf(b: Builder): Float64Array | null {
  return b instanceof NumBuilder ? b.peek() : null;
}

/** A chunk's text stays well under V8's longest string (about 2^29 units). */
const TEXT_CHUNK_UNITS = 2 ** 28;

/**
 * Rows per chunk of a text store, as a power of two: halved from 2^20 until every chunk spans at most `max` of
 * `offsets` (n + 1 cumulative sizes; a single longer value gets a chunk of its own).
 */
export function chunkShift(offsets: Float64Array, n: number, max = TEXT_CHUNK_UNITS): number {
  const fits = (s: number) => {
    for (let a = 0; a < n; a += 2 ** s) if (offsets[Math.min(n, a + 2 ** s)] - offsets[a] > max) return false;
    return true;
  };
  let shift = 20;
  while (shift > 0 && !fits(shift)) shift--;
  return shift;
}

/** Plain strings as a text store, chunks of at most `maxUnits` UTF-16 units (see chunkShift). */
export function textStore(values: readonly string[], maxUnits = TEXT_CHUNK_UNITS): Store {
  const n = values.length;
  const offsets = new Float64Array(n + 1);
  for (let r = 0; r < n; r++) offsets[r + 1] = offsets[r] + values[r].length;
  const shift = chunkShift(offsets, n, maxUnits);
  const chunks: string[] = [];
  for (let a = 0; a < n; a += 2 ** shift) chunks.push(values.slice(a, Math.min(n, a + 2 ** shift)).join(''));
  return { kind: 'text', chunks, offsets, shift };
}
