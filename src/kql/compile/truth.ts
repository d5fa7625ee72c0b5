/**
 * Typed evaluation of `where` predicates: instead of one closure call and a boxed value per row, a predicate over
 * stored columns fills a mask (1 where it is true; 0 where false or null, which `where` treats alike) in a tight
 * loop over the typed storage. Covered: comparisons of a stored number column with a number (or null) constant,
 * any comparison or string predicate of an interned string column with a constant (decided once per distinct
 * value), isempty/isnotempty of stored columns, `has` and `contains` over plain strings kept as text chunks (one
 * search through each chunk), and `and`/`or` over those. Everything else keeps its closure.
 */
import { NumVec, TextVec, type Vec } from '../vectors';
import { containsCi, hasTerm, isTermChar } from '../functions/strings';
import { scratchF64, scratchI32, scratchU8 } from '../scratch';
import type { Compiled } from './context';

/** Fills out[0..n) with 1 where the expression is true. `depth` names the scratch buffers of nested and/or. */
export type Truth = (out: Uint8Array, depth: number) => void;

/** The values of a stored number column as one array: the storage itself over a plain range, else a copy. */
function numbersOf(v: NumVec, slot: string): Float64Array {
  return v.sel ? v.numbers(scratchF64(slot, v.length)) : v.data.subarray(v.offset, v.offset + v.length);
}

const NUMERIC_KINDS = new Set([
  'EqualExpression',
  'NotEqualExpression',
  'LessThanExpression',
  'LessThanOrEqualExpression',
  'GreaterThanExpression',
  'GreaterThanOrEqualExpression',
]);

/**
 * `column OP constant` over a stored number column, with the null rules of the closures it replaces
 * (compile/operators.ts): `null == x` is false, `null != x` true, an ordering comparison with null is null,
 * and orderings compare by difference as compareValues does.
 */
export function numericTruth(kind: string, source: Vec | undefined, rv: unknown): Truth | null {
  if (!(source instanceof NumVec) || !NUMERIC_KINDS.has(kind)) return null;
  if (rv !== null && typeof rv !== 'number') return null;
  return (out) => {
    const x = numbersOf(source, 'truthNum');
    const n = x.length;
    if (rv === null) {
      // only `column != null` can hold: true where the column is not null
      if (kind === 'NotEqualExpression') for (let i = 0; i < n; i++) out[i] = x[i] === x[i] ? 1 : 0;
      else out.fill(0, 0, n);
      return;
    }
    const r = rv;
    switch (kind) {
      case 'EqualExpression':
        for (let i = 0; i < n; i++) out[i] = x[i] === r ? 1 : 0;
        return;
      case 'NotEqualExpression':
        for (let i = 0; i < n; i++) out[i] = x[i] === r ? 0 : 1;
        return;
      case 'LessThanExpression':
        for (let i = 0; i < n; i++) out[i] = x[i] - r < 0 ? 1 : 0;
        return;
      case 'LessThanOrEqualExpression':
        for (let i = 0; i < n; i++) out[i] = x[i] - r <= 0 ? 1 : 0;
        return;
      case 'GreaterThanExpression':
        for (let i = 0; i < n; i++) out[i] = x[i] - r > 0 ? 1 : 0;
        return;
      default:
        for (let i = 0; i < n; i++) out[i] = x[i] - r >= 0 ? 1 : 0;
    }
  };
}

/** A predicate of an interned string column, `test` deciding one dictionary value (true, false or null). */
export function codesTruth(source: Vec | undefined, test: (s: string) => unknown): Truth | null {
  const codes = source?.codes?.();
  if (!codes) return null;
  const dict = codes.dict;
  // decided once per distinct value, lazily: a slice may use few of a large dictionary's values
  const memo = new Int8Array(dict.length).fill(-1);
  return (out) => {
    const c = codes.array();
    for (let i = 0; i < c.length; i++) {
      const code = c[i];
      let m = memo[code];
      if (m < 0) m = memo[code] = test(dict[code]) === true ? 1 : 0;
      out[i] = m;
    }
  };
}

/** isempty / isnotempty of a stored column (strings are never null; numbers are null as NaN). */
export function emptinessTruth(source: Vec | undefined, wantEmpty: boolean): Truth | null {
  if (source instanceof NumVec)
    return (out) => {
      const x = numbersOf(source, 'truthNum');
      for (let i = 0; i < x.length; i++) out[i] = (x[i] !== x[i]) === wantEmpty ? 1 : 0;
    };
  return codesTruth(source, (s) => (s === '') === wantEmpty);
}

/** Searches through text chunks: case-sensitive or not, negated or not, whole terms (`has`) or any substring. */
const TERM_KINDS: Record<string, { cs: boolean; not: boolean; terms: boolean }> = {
  HasExpression: { cs: false, not: false, terms: true },
  NotHasExpression: { cs: false, not: true, terms: true },
  HasCsExpression: { cs: true, not: false, terms: true },
  NotHasCsExpression: { cs: true, not: true, terms: true },
  ContainsExpression: { cs: false, not: false, terms: false },
  NotContainsExpression: { cs: false, not: true, terms: false },
  ContainsCsExpression: { cs: true, not: false, terms: false },
  NotContainsCsExpression: { cs: true, not: true, terms: false },
};

/**
 * `has` / `contains` (their negations and _cs forms) of a text store over a plain row range: the needle is searched
 * through each whole chunk (lower-cased once) and every hit is placed in its row, with the term boundaries hasTerm
 * checks for `has`.
 * A chunk whose lower-casing is not one unit for one unit, or that holds a capital sigma (whose lower case depends
 * on the letters around it), is checked row by row with hasTerm itself.
 */
export function termTruth(kind: string, source: Vec | undefined, rv: unknown): Truth | null {
  const how = TERM_KINDS[kind];
  if (!how || !(source instanceof TextVec) || source.sel || typeof rv !== 'string' || rv === '') return null;
  const needle = how.cs ? rv : rv.toLowerCase();
  const len = needle.length;
  const checkStart = how.terms && isTermChar(needle.charCodeAt(0));
  const checkEnd = how.terms && isTermChar(needle.charCodeAt(len - 1));
  const rowTest = (s: string) => (how.terms ? hasTerm(s, rv, how.cs) : how.cs ? s.includes(rv) : containsCi(s, rv));
  return (out) => {
    const { chunks, offsets, shift } = source;
    const from = source.offset;
    const to = from + source.length;
    out.fill(0, 0, source.length);
    const read = source.reader();
    for (let c = from >>> shift; c < chunks.length && c << shift < to; c++) {
      const r0 = Math.max(from, c << shift);
      const r1 = Math.min(to, (c + 1) << shift);
      const text = how.cs ? chunks[c] : chunks[c].toLowerCase();
      if (text.length !== chunks[c].length || (!how.cs && chunks[c].includes('\u03A3'))) {
        for (let r = r0; r < r1; r++) out[r - from] = rowTest(read(r - from) as string) ? 1 : 0;
        continue;
      }
      const base = offsets[c << shift];
      let r = r0;
      let p = text.indexOf(needle, offsets[r0] - base);
      while (p >= 0) {
        while (r < r1 && offsets[r + 1] - base <= p) r++;
        if (r >= r1) break;
        const start = offsets[r] - base;
        const end = offsets[r + 1] - base;
        if (p + len > end) {
          p = text.indexOf(needle, end); // a hit across the row's end: none later in this row fits either
          continue;
        }
        const okStart = !checkStart || p === start || !isTermChar(text.charCodeAt(p - 1));
        const okEnd = !checkEnd || p + len === end || !isTermChar(text.charCodeAt(p + len));
        if (okStart && okEnd) {
          out[r - from] = 1;
          p = text.indexOf(needle, end);
        } else p = text.indexOf(needle, p + 1);
      }
    }
    if (how.not) for (let i = 0; i < source.length; i++) out[i] ^= 1;
  };
}

/** The mask of any boolean expression: its typed form when it has one, else its closure row by row. */
function fill(c: Compiled, out: Uint8Array, depth: number): void {
  if (c.truth) return c.truth(out, depth);
  const f = c.fn;
  for (let i = 0; i < out.length; i++) out[i] = f(i) === true ? 1 : 0;
}

/**
 * `l and r` / `l or r` when at least one side is typed. A side left as a closure runs only on the rows it can
 * still change (where the other side is true for `and`, not true for `or`), as the closures short-circuit.
 */
export function logicalTruth(isAnd: boolean, l: Compiled, r: Compiled): Truth | null {
  if (!l.truth && !r.truth) return null;
  return (out, depth) => {
    fill(l, out, depth);
    const n = out.length;
    if (!r.truth) {
      const f = r.fn;
      if (isAnd) for (let i = 0; i < n; i++) out[i] = out[i] === 1 && f(i) === true ? 1 : 0;
      else for (let i = 0; i < n; i++) out[i] = out[i] === 1 || f(i) === true ? 1 : 0;
      return;
    }
    const other = scratchU8(`truth${depth + 1}`, n);
    r.truth(other, depth + 1);
    if (isAnd) for (let i = 0; i < n; i++) out[i] &= other[i];
    else for (let i = 0; i < n; i++) out[i] |= other[i];
  };
}

/** Indexes of the rows where `truth` holds, in order (a reused buffer: copy what is kept). */
export function selectTrue(truth: Truth, n: number): { rows: Int32Array; count: number } {
  const mask = scratchU8('truth0', n);
  truth(mask, 0);
  const rows = scratchI32('where', n);
  let k = 0;
  for (let i = 0; i < n; i++) if (mask[i] === 1) rows[k++] = i;
  return { rows, count: k };
}
