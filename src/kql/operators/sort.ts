/**
 * order/sort by and top: KQL defaults are desc; desc puts nulls last, asc puts nulls first.
 *
 * Every key becomes one Float64Array over the rows (numbers as they are, read in place from storage when the
 * rows are a plain range; other values as their rank among the distinct values; NaN for null), so no comparison
 * ever touches a boxed value. One key sorts natively (packed value+row index); several keys use a comparator over
 * the typed arrays. `top N` and `sort | take N` keep only N rows in a bounded heap instead of ordering every row.
 * Ties keep input order (stable), so a heap and a full sort give the same rows.
 */
import { kindOf, nodes, tokens, type SyntaxNode } from '../syntax';
import { compileExpr } from '../compile/expressions';
import type { Compiled } from '../compile/context';
import { compareValues } from '../values';
import { takeRows, type Relation } from '../relation';
import { NumVec } from '../vectors';
import { ctxFor, type Env } from './env';
import { timeOrder } from '../storage';
import { takeCount } from './basic';
import { scratchF64 } from '../scratch';

interface SortKey {
  /** Per row: the value or rank; NaN = null. May be a view of the table's storage: never written. */
  vals: Float64Array;
  desc: boolean;
  nullsFirst: boolean;
}

/** Rank of each distinct value in KQL order (equal values share a rank). */
function ranksOf(distinct: unknown[]): Map<unknown, number> {
  const sorted = [...distinct].sort(compareValues);
  const rank = new Map<unknown, number>();
  let r = 0;
  for (let k = 0; k < sorted.length; k++) {
    if (k > 0 && compareValues(sorted[k - 1], sorted[k]) !== 0) r++;
    rank.set(sorted[k], r);
  }
  return rank;
}

/** The key's values as numbers: straight from storage, dictionary ranks, or ranks of computed values. */
function keyValues(c: Compiled, n: number, slot: number): Float64Array {
  const src = c.source;
  // a stored number column over a plain row range is read in place, with no copy
  if (src instanceof NumVec && !src.sel) return src.data.subarray(src.offset, src.offset + n);
  // reused per key position: fresh multi-MB arrays on every query trigger full GCs
  const out = scratchF64(`sort${slot}`, n);
  if (src instanceof NumVec) return src.numbers(out);
  const codes = src?.codes?.();
  if (codes) {
    const rank = ranksOf(codes.dict);
    const byCode = Float64Array.from(codes.dict, (s) => rank.get(s) as number);
    for (let i = 0; i < n; i++) out[i] = byCode[codes.read(i)];
    return out;
  }
  const f = c.fn;
  const boxed = new Array<unknown>(n);
  let numeric = true;
  for (let i = 0; i < n; i++) {
    const v = f(i);
    boxed[i] = v;
    if (v !== null && v !== undefined && typeof v !== 'number') numeric = false;
  }
  if (numeric) {
    for (let i = 0; i < n; i++) out[i] = (boxed[i] as number | null) ?? NaN;
    return out;
  }
  const distinct = new Set<unknown>();
  for (const v of boxed) if (v !== null && v !== undefined) distinct.add(v);
  const rank = ranksOf([...distinct]);
  for (let i = 0; i < n; i++) {
    const v = boxed[i];
    out[i] = v === null || v === undefined ? NaN : (rank.get(v) as number);
  }
  return out;
}

function sortKeys(exprs: SyntaxNode[], input: Relation, env: Env): SortKey[] {
  const ctx = ctxFor(input, env);
  // compile every key before reading any: a subquery inside a key must not reuse a filled scratch buffer
  const specs = exprs.map((e) => {
    let body = e;
    let desc = true;
    let nullsFirst: boolean | null = null;
    if (kindOf(e) === 'OrderedExpression') {
      const [inner, clause] = nodes(e);
      body = inner;
      const words = clause
        ? tokens(clause)
            .concat(...nodes(clause).map(tokens))
            .map((w) => w.toLowerCase())
        : [];
      if (words.includes('asc')) desc = false;
      if (words.includes('first')) nullsFirst = true;
      if (words.includes('last')) nullsFirst = false;
    }
    return { c: compileExpr(body, ctx), desc, nullsFirst: nullsFirst ?? !desc };
  });
  return specs.map(({ c, desc, nullsFirst }, slot) => ({ vals: keyValues(c, input.n, slot), desc, nullsFirst }));
}

/** Row order: negative when row a sorts before row b. */
function comparator(keys: SortKey[]): (a: number, b: number) => number {
  return (a, b) => {
    for (const k of keys) {
      const x = k.vals[a];
      const y = k.vals[b];
      if (x === y) continue;
      const xn = x !== x;
      const yn = y !== y;
      if (xn || yn) {
        if (xn && yn) continue;
        return xn === k.nullsFirst ? -1 : 1;
      }
      return x < y !== k.desc ? -1 : 1;
    }
    return a - b;
  };
}

/** One key: a native typed-array sort via timeOrder (stable, nulls last), rotated for nulls first. */
function singleKeyOrder(k: SortKey, n: number): Int32Array {
  let vals = k.vals;
  if (k.desc) {
    // timeOrder sorts ascending: order the negated values (a copy, as vals may be the table's storage)
    const neg = scratchF64('sortDesc', n);
    for (let i = 0; i < n; i++) neg[i] = -vals[i];
    vals = neg;
  }
  const perm = timeOrder(vals);
  if (!k.nullsFirst) return perm;
  let nulls = 0;
  for (let i = 0; i < n; i++) if (vals[i] !== vals[i]) nulls++;
  if (nulls === 0) return perm;
  const out = new Int32Array(n);
  out.set(perm.subarray(n - nulls), 0);
  out.set(perm.subarray(0, n - nulls), nulls);
  return out;
}

/** The first `limit` rows in order, keeping a max-heap (worst kept row on top) of the best rows seen so far. */
function boundedTop(keys: SortKey[], n: number, limit: number): Int32Array {
  const cmp = comparator(keys);
  const heap = new Int32Array(limit);
  const down = (at: number) => {
    for (;;) {
      const l = 2 * at + 1;
      if (l >= limit) return;
      const r = l + 1;
      const worst = r < limit && cmp(heap[r], heap[l]) > 0 ? r : l;
      if (cmp(heap[worst], heap[at]) <= 0) return;
      const t = heap[at];
      heap[at] = heap[worst];
      heap[worst] = t;
      at = worst;
    }
  };
  for (let size = 0; size < limit; size++) {
    let at = size;
    heap[at] = size;
    while (at > 0) {
      const up = (at - 1) >> 1;
      if (cmp(heap[at], heap[up]) <= 0) break;
      const t = heap[at];
      heap[at] = heap[up];
      heap[up] = t;
      at = up;
    }
  }
  // Once the heap is full most rows lose on the first key alone: a typed loop against the worst kept value skips
  // them without calling the comparator (one loop per direction keeps the hot comparison a single branch).
  const first = keys[0].vals;
  const single = keys.length === 1;
  // a null first key never beats a non-null bound when nulls go last
  const nullsLose = !keys[0].nullsFirst;
  /** Row i against the worst kept row: takes its place when better; returns the new bound. */
  const offer = (i: number): number => {
    if (cmp(i, heap[0]) < 0) {
      heap[0] = i;
      down(0);
    }
    return first[heap[0]];
  };
  let bound = first[heap[0]];
  // later rows lose ties (stable order): with one key only a strictly better value can enter
  if (keys[0].desc) {
    for (let i = limit; i < n; i++) {
      const v = first[i];
      if (v < bound || (single && v === bound) || (v !== v && nullsLose && bound === bound)) continue;
      bound = offer(i);
    }
  } else {
    for (let i = limit; i < n; i++) {
      const v = first[i];
      if (v > bound || (single && v === bound) || (v !== v && nullsLose && bound === bound)) continue;
      bound = offer(i);
    }
  }
  return heap.sort(cmp);
}

/** Row indexes in sort order, only the first `limit` when given. */
function order(keys: SortKey[], n: number, limit = n): Int32Array {
  const want = Math.max(0, Math.min(limit, n));
  if (want === 0) return new Int32Array(0);
  // a heap pays off while it stays small against the input
  if (want * 8 < n) return boundedTop(keys, n, want);
  if (keys.length === 1) return singleKeyOrder(keys[0], n).subarray(0, want);
  const idx = new Int32Array(n);
  for (let i = 0; i < n; i++) idx[i] = i;
  return idx.sort(comparator(keys)).subarray(0, want);
}

/** sort by ...; `limit` is the count of a `take` right after it (only those rows are ordered). */
export function sort(op: SyntaxNode, input: Relation, env: Env, limit?: number): Relation {
  return takeRows(input, order(sortKeys(nodes(op), input, env), input.n, limit));
}

export function top(op: SyntaxNode, input: Relation, env: Env): Relation {
  const [countExpr, ...exprs] = nodes(op);
  const n = takeCount(countExpr, input, env);
  return takeRows(input, order(sortKeys(exprs, input, env), input.n, n));
}
