/**
 * Column vectors. Base tables store columns compactly (Float64Array with NaN as the null marker for
 * numbers/datetimes/timespans, interned strings as Int32Array codes); intermediate results are plain
 * arrays. A vector over base storage carries a row selection, so `where` on a scan only composes indexes.
 *
 * Internal values: string -> string (never null; "" is empty), long/int/real -> number|null,
 * datetime -> epoch ms|null, timespan -> ms|null, bool -> boolean|null, dynamic -> JS value|null.
 */
export type Reader = (i: number) => unknown;

/** Interned string codes of a vector: per-row reader, all rows at once (read-only), and the dictionary. */
export interface Codes {
  read: (i: number) => number;
  array: () => Int32Array;
  cardinality: number;
  dict: string[];
}

export interface Vec {
  readonly length: number;
  /** A closure reading row i (0 <= i < length). Built once per operator, called per row. */
  reader(): Reader;
  /** Rows idx[0..], in that order (`shared` lets vectors over the same storage share the result). */
  take(idx: Int32Array, shared?: Map<unknown, Int32Array>): Vec;
  /** Dense small-integer codes for grouping, when the vector has them (interned strings). */
  codes?(): Codes | null;
}

export class ArrayVec implements Vec {
  constructor(readonly values: unknown[]) {}
  get length(): number {
    return this.values.length;
  }
  reader(): Reader {
    const v = this.values;
    return (i) => v[i];
  }
  take(idx: Int32Array): Vec {
    const v = this.values;
    const out = new Array<unknown>(idx.length);
    for (let k = 0; k < idx.length; k++) out[k] = v[idx[k]];
    return new ArrayVec(out);
  }
}

/** Selection over base storage: rows sel[i], or offset + i when sel is null. */
abstract class SelVec implements Vec {
  constructor(
    readonly sel: Int32Array | null,
    readonly offset: number,
    readonly len: number,
  ) {}
  get length(): number {
    return this.len;
  }
  abstract reader(): Reader;
  protected abstract with(sel: Int32Array): Vec;
  take(idx: Int32Array, shared?: Map<unknown, Int32Array>): Vec {
    // columns of one scan share their selection: compose it once per take, not once per column
    const key = this.sel ?? this.offset;
    let out = shared?.get(key);
    if (!out) {
      out = new Int32Array(idx.length);
      const sel = this.sel;
      if (sel) for (let k = 0; k < idx.length; k++) out[k] = sel[idx[k]];
      else for (let k = 0; k < idx.length; k++) out[k] = this.offset + idx[k];
      shared?.set(key, out);
    }
    return this.with(out);
  }
}

export class NumVec extends SelVec {
  constructor(
    readonly data: Float64Array,
    sel: Int32Array | null,
    offset: number,
    len: number,
  ) {
    super(sel, offset, len);
  }
  reader(): Reader {
    const d = this.data;
    const sel = this.sel;
    const off = this.offset;
    if (sel)
      return (i) => {
        const x = d[sel[i]];
        return x !== x ? null : x;
      };
    return (i) => {
      const x = d[off + i];
      return x !== x ? null : x;
    };
  }
  /** All values as a Float64Array (NaN = null), read straight from storage. */
  numbers(out: Float64Array = new Float64Array(this.len)): Float64Array {
    const d = this.data;
    const sel = this.sel;
    if (sel) for (let i = 0; i < out.length; i++) out[i] = d[sel[i]];
    else out.set(d.subarray(this.offset, this.offset + this.len));
    return out;
  }
  protected with(sel: Int32Array): Vec {
    return new NumVec(this.data, sel, 0, sel.length);
  }
}

export class StrVec extends SelVec {
  constructor(
    readonly data: Int32Array,
    readonly dict: string[],
    sel: Int32Array | null,
    offset: number,
    len: number,
  ) {
    super(sel, offset, len);
  }
  reader(): Reader {
    const d = this.data;
    const dict = this.dict;
    const sel = this.sel;
    const off = this.offset;
    if (sel) return (i) => dict[d[sel[i]]];
    return (i) => dict[d[off + i]];
  }
  codes(): Codes {
    const d = this.data;
    const sel = this.sel;
    const off = this.offset;
    const len = this.len;
    const array = () => {
      if (!sel) return d.subarray(off, off + len); // a view, no copy
      const out = new Int32Array(len);
      for (let i = 0; i < len; i++) out[i] = d[sel[i]];
      return out;
    };
    return { read: sel ? (i) => d[sel[i]] : (i) => d[off + i], array, cardinality: this.dict.length, dict: this.dict };
  }
  protected with(sel: Int32Array): Vec {
    return new StrVec(this.data, this.dict, sel, 0, sel.length);
  }
}

export class BoolVec extends SelVec {
  constructor(
    readonly data: Int8Array,
    sel: Int32Array | null,
    offset: number,
    len: number,
  ) {
    super(sel, offset, len);
  }
  reader(): Reader {
    const d = this.data;
    const sel = this.sel;
    const off = this.offset;
    const conv = (x: number) => (x < 0 ? null : x === 1);
    if (sel) return (i) => conv(d[sel[i]]);
    return (i) => conv(d[off + i]);
  }
  protected with(sel: Int32Array): Vec {
    return new BoolVec(this.data, sel, 0, sel.length);
  }
}

export class AnyVec extends SelVec {
  constructor(
    readonly data: unknown[],
    sel: Int32Array | null,
    offset: number,
    len: number,
  ) {
    super(sel, offset, len);
  }
  reader(): Reader {
    const d = this.data;
    const sel = this.sel;
    const off = this.offset;
    if (sel) return (i) => d[sel[i]];
    return (i) => d[off + i];
  }
  protected with(sel: Int32Array): Vec {
    return new AnyVec(this.data, sel, 0, sel.length);
  }
}

/** Plain strings kept as a few chunk strings (columns.ts `text` stores): each read slices its row out. */
export class TextVec extends SelVec {
  constructor(
    readonly chunks: string[],
    readonly offsets: Float64Array,
    readonly shift: number,
    sel: Int32Array | null,
    offset: number,
    len: number,
  ) {
    super(sel, offset, len);
  }
  reader(): Reader {
    const { chunks, offsets, shift, sel } = this;
    const off = this.offset;
    const at = (r: number) => {
      const c = r >>> shift;
      const base = offsets[c << shift];
      return chunks[c].slice(offsets[r] - base, offsets[r + 1] - base);
    };
    if (sel) return (i) => at(sel[i]);
    return (i) => at(off + i);
  }
  protected with(sel: Int32Array): Vec {
    return new TextVec(this.chunks, this.offsets, this.shift, sel, 0, sel.length);
  }
}

/** A constant column (e.g. column_ifexists fallbacks, union fillers). */
export class ConstVec implements Vec {
  constructor(
    readonly value: unknown,
    readonly length: number,
  ) {}
  reader(): Reader {
    const v = this.value;
    return () => v;
  }
  take(idx: Int32Array): Vec {
    return new ConstVec(this.value, idx.length);
  }
}
