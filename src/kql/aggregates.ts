/**
 * Aggregate functions for summarize. Each runs over all rows at once given a group id per row
 * (gids[i] in 0..G-1) and returns one array of G values per output column.
 *
 * Deliberate differences from the service, documented:
 * - dcount() is exact here (Kusto's is a HyperLogLog estimate, so large counts may differ slightly).
 * - percentile()/percentiles() use nearest rank on the sorted non-null values (Kusto estimates with
 *   T-Digest; on small sets both give an actual element of the set).
 * - take_any()/any() return the first non-empty value in row order (Kusto: an arbitrary one).
 */
import { KqlError } from './errors';
import { compareValues } from './values';
import type { Compiled } from './compile/context';
import { MORE_AGGREGATES } from './functions/statistics';
import { NumVec } from './vectors';
import { scratchF64 } from './scratch';

type Out = unknown[][];
export type AggImpl = (args: Compiled[], gids: Int32Array, G: number) => Out;

const empty = (v: unknown) => v === null || v === '';

function filled<T>(G: number, v: T): T[] {
  return new Array<T>(G).fill(v);
}

function countImpl(pred: Compiled | null): AggImpl {
  return (_args, gids, G) => {
    const c = new Float64Array(G);
    const p = pred?.fn;
    for (let i = 0; i < gids.length; i++) if (!p || p(i) === true) c[gids[i]]++;
    return [Array.from(c)];
  };
}

function sumImpl(withPred: boolean, average: boolean): AggImpl {
  return (args, gids, G) => {
    const f = args[0].fn;
    const p = withPred ? args[1].fn : null;
    const s = new Float64Array(G);
    const c = new Float64Array(G);
    for (let i = 0; i < gids.length; i++) {
      if (p && p(i) !== true) continue;
      const v = f(i);
      if (typeof v === 'number') {
        s[gids[i]] += v;
        c[gids[i]]++;
      }
    }
    const out = new Array<unknown>(G);
    // Kusto's defaults for a group without values: sum()/sumif() 0, avg()/avgif() null
    for (let g = 0; g < G; g++) out[g] = average ? (c[g] === 0 ? null : s[g] / c[g]) : s[g];
    return [out];
  };
}

/** min/max (and the *if forms): nulls ignored. */
function extremeImpl(sign: 1 | -1, withPred: boolean): AggImpl {
  return (args, gids, G) => {
    const f = args[0].fn;
    const p = withPred ? args[1].fn : null;
    const best = filled<unknown>(G, null);
    for (let i = 0; i < gids.length; i++) {
      if (p && p(i) !== true) continue;
      const v = f(i);
      if (v === null) continue;
      const g = gids[i];
      const b = best[g];
      if (b === null || sign * compareValues(v, b) > 0) best[g] = v;
    }
    return [best];
  };
}

/** arg_max/arg_min: the row where the first argument is extreme; outputs it and the other args. */
function argImpl(sign: 1 | -1): AggImpl {
  return (args, gids, G) => {
    const f = args[0].fn;
    const best = filled<unknown>(G, null);
    const row = new Int32Array(G).fill(-1);
    for (let i = 0; i < gids.length; i++) {
      const v = f(i);
      const g = gids[i];
      if (v === null) {
        if (row[g] < 0) row[g] = i; // keep some row so the other columns are filled
        continue;
      }
      const b = best[g];
      if (b === null || sign * compareValues(v, b) > 0) {
        best[g] = v;
        row[g] = i;
      }
    }
    return args.map((a) => Array.from(row, (r) => (r < 0 ? null : a.fn(r))));
  };
}

function takeAnyImpl(): AggImpl {
  return (args, gids, G) => {
    const row = new Int32Array(G).fill(-1);
    const good = new Uint8Array(G);
    const f = args[0].fn;
    for (let i = 0; i < gids.length; i++) {
      const g = gids[i];
      if (good[g]) continue;
      if (row[g] < 0) row[g] = i;
      if (!empty(f(i))) {
        row[g] = i;
        good[g] = 1;
      }
    }
    return args.map((a) => Array.from(row, (r) => (r < 0 ? null : a.fn(r))));
  };
}

function collectImpl(unique: boolean, withPred: boolean): AggImpl {
  return (args, gids, G) => {
    const f = args[0].fn;
    const p = withPred ? args[1].fn : null;
    const limArg = withPred ? args[2] : args[1];
    const limit = limArg ? Number(limArg.fn(0)) : 1048576;
    const lists: unknown[][] = Array.from({ length: G }, () => []);
    const codes = unique ? (args[0].source?.codes?.() ?? null) : null;
    if (codes) {
      // make_set of an interned string column: values told apart by dictionary code, no string keys per row
      const c = codes.array();
      const dict = codes.dict;
      const seenCodes = Array.from({ length: G }, () => new Set<number>());
      for (let i = 0; i < gids.length; i++) {
        const g = gids[i];
        if (lists[g].length >= limit || (p && p(i) !== true) || seenCodes[g].has(c[i])) continue;
        seenCodes[g].add(c[i]);
        lists[g].push(dict[c[i]]);
      }
      return [lists];
    }
    const seen: Set<string>[] | null = unique ? Array.from({ length: G }, () => new Set<string>()) : null;
    for (let i = 0; i < gids.length; i++) {
      if (p && p(i) !== true) continue;
      const v = f(i);
      if (v === null) continue;
      const g = gids[i];
      const list = lists[g];
      if (list.length >= limit) continue;
      if (seen) {
        const k = typeof v === 'string' ? 's' + v : JSON.stringify(v);
        if (seen[g].has(k)) continue;
        seen[g].add(k);
      }
      if (Array.isArray(v) && unique) {
        for (const x of v) if (!list.some((y) => JSON.stringify(y) === JSON.stringify(x))) list.push(x);
      } else list.push(v);
    }
    return [lists];
  };
}

/**
 * dcount: each value becomes a small integer id (interned strings already have one, their dictionary
 * code; other values get one from a single map), then (group, id) pairs are marked in a bitmap, or a
 * set of numbers when groups x ids is large. No per-group sets of strings.
 */
function dcountImpl(withPred: boolean): AggImpl {
  return (args, gids, G) => {
    const f = args[0].fn;
    const p = withPred ? args[1].fn : null;
    const n = gids.length;
    const codes = args[0].source?.codes?.() ?? null;
    let ids: Int32Array;
    let card: number;
    if (codes) {
      ids = codes.array();
      card = codes.cardinality;
    } else {
      ids = new Int32Array(n);
      const idOf = new Map<unknown, number>();
      for (let i = 0; i < n; i++) {
        const v = f(i);
        if (v === null || v === undefined) {
          ids[i] = -1;
          continue;
        }
        const key = typeof v === 'object' ? JSON.stringify(v) : v;
        let id = idOf.get(key);
        if (id === undefined) idOf.set(key, (id = idOf.size));
        ids[i] = id;
      }
      card = idOf.size;
    }
    const counts = new Float64Array(G);
    const pairs = G * card;
    const bitmap = pairs <= 1 << 26 ? new Uint8Array(pairs) : null;
    const seen = bitmap ? null : new Set<number>();
    for (let i = 0; i < n; i++) {
      const id = ids[i];
      if (id < 0 || (p && p(i) !== true)) continue;
      const g = gids[i];
      const pair = g * card + id;
      if (bitmap) {
        if (bitmap[pair]) continue;
        bitmap[pair] = 1;
      } else if (seen) {
        if (seen.has(pair)) continue;
        seen.add(pair);
      }
      counts[g]++;
    }
    return [Array.from(counts)];
  };
}

/** Nearest-rank percentile: index of the smallest value with at least p% of `len` values at or below it. */
function rankIndex(len: number, p: number): number {
  return Math.min(len, Math.max(1, Math.ceil((p / 100) * len))) - 1;
}

function nearestRank(sorted: unknown[], p: number): unknown {
  return sorted.length === 0 ? null : sorted[rankIndex(sorted.length, p)];
}

/** Numeric values per row (NaN = null), or null when some value is not a number. */
function numbersOf(arg: Compiled, n: number): Float64Array | null {
  const vals = scratchF64('percentile', n); // reused: fresh multi-MB arrays per query trigger full GCs
  if (arg.source instanceof NumVec && arg.source.length === n) return arg.source.numbers(vals);
  const f = arg.fn;
  for (let i = 0; i < n; i++) {
    const v = f(i);
    if (typeof v === 'number') vals[i] = v;
    else if (v === null || v === undefined) vals[i] = NaN;
    else return null;
  }
  return vals;
}

/**
 * percentile(s): numeric values are bucketed by group into one Float64Array (a counting sort on the
 * group id), then each group's slice is sorted natively; other values fall back to boxed sorting.
 */
function percentileImpl(): AggImpl {
  return (args, gids, G) => {
    const ps = args.slice(1).map((a) => Number(a.fn(0)));
    const n = gids.length;
    const vals = numbersOf(args[0], n);
    if (!vals) {
      const f = args[0].fn;
      const boxed: unknown[][] = Array.from({ length: G }, () => []);
      for (let i = 0; i < n; i++) {
        const v = f(i);
        if (v !== null) boxed[gids[i]].push(v);
      }
      for (const v of boxed) v.sort(compareValues);
      return ps.map((p) => boxed.map((v) => nearestRank(v, p)));
    }
    const start = new Int32Array(G + 1);
    for (let i = 0; i < n; i++) if (vals[i] === vals[i]) start[gids[i] + 1]++;
    for (let g = 0; g < G; g++) start[g + 1] += start[g];
    const at = start.slice(0, G);
    const bucketed = scratchF64('percentileBuckets', start[G]);
    for (let i = 0; i < n; i++) {
      const v = vals[i];
      if (v === v) bucketed[at[gids[i]]++] = v;
    }
    const out = ps.map(() => new Array<unknown>(G).fill(null));
    for (let g = 0; g < G; g++) {
      const slice = bucketed.subarray(start[g], start[g + 1]).sort();
      if (slice.length === 0) continue;
      for (let k = 0; k < ps.length; k++) out[k][g] = slice[rankIndex(slice.length, ps[k])];
    }
    return out;
  };
}

const AGGREGATES: Record<string, AggImpl> = {
  count: countImpl(null),
  sum: sumImpl(false, false),
  sumif: sumImpl(true, false),
  avg: sumImpl(false, true),
  avgif: sumImpl(true, true),
  min: extremeImpl(-1, false),
  max: extremeImpl(1, false),
  minif: extremeImpl(-1, true),
  maxif: extremeImpl(1, true),
  arg_max: argImpl(1),
  arg_min: argImpl(-1),
  take_any: takeAnyImpl(),
  make_set: collectImpl(true, false),
  make_list: collectImpl(false, false),
  make_set_if: collectImpl(true, true),
  make_list_if: collectImpl(false, true),
  dcount: dcountImpl(false),
  dcountif: dcountImpl(true),
  percentile: percentileImpl(),
  percentiles: percentileImpl(),
  ...MORE_AGGREGATES,
};
// any() is Kusto's older name for take_any() (the key is quoted so no reader mistakes it for a type)
AGGREGATES['any'] = AGGREGATES.take_any;

export function isAggregateName(name: string): boolean {
  return name in AGGREGATES || name === 'countif';
}

/** Run aggregate `name` over grouped rows. */
export function runAggregate(name: string, args: Compiled[], gids: Int32Array, G: number): Out {
  if (name === 'countif') return countImpl(args[0])(args, gids, G);
  if (name === 'count' && args.length === 1) {
    // count(predicate) counts the rows where it is true, as countif(); count(x) the rows where x is not null
    const a = args[0];
    if (a.type === 'bool') return countImpl(a)(args, gids, G);
    return countImpl({ fn: (i) => a.fn(i) !== null, type: 'bool', constant: false })([], gids, G);
  }
  const impl = AGGREGATES[name];
  if (!impl)
    throw new KqlError(
      'unsupported',
      `The aggregate function '${name}()' is not supported by the embedded KQL engine.`,
    );
  return impl(args, gids, G);
}
