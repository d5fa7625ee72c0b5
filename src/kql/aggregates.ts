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

function dcountImpl(withPred: boolean): AggImpl {
  return (args, gids, G) => {
    const f = args[0].fn;
    const p = withPred ? args[1].fn : null;
    const sets = Array.from({ length: G }, () => new Set<unknown>());
    for (let i = 0; i < gids.length; i++) {
      if (p && p(i) !== true) continue;
      const v = f(i);
      if (v !== null) sets[gids[i]].add(typeof v === 'object' ? JSON.stringify(v) : v);
    }
    return [sets.map((s) => s.size)];
  };
}

/** Nearest-rank percentile: the smallest value with at least p% of values at or below it. */
export function nearestRank(sorted: unknown[], p: number): unknown {
  if (sorted.length === 0) return null;
  const rank = Math.max(1, Math.ceil((p / 100) * sorted.length));
  return sorted[Math.min(sorted.length, rank) - 1];
}

function percentileImpl(): AggImpl {
  return (args, gids, G) => {
    const f = args[0].fn;
    const ps = args.slice(1).map((a) => Number(a.fn(0)));
    const vals: unknown[][] = Array.from({ length: G }, () => []);
    for (let i = 0; i < gids.length; i++) {
      const v = f(i);
      if (v !== null) vals[gids[i]].push(v);
    }
    for (const v of vals) v.sort(compareValues);
    return ps.map((p) => vals.map((v) => nearestRank(v, p)));
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
  any: takeAnyImpl(),
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

export const AGGREGATE_NAMES = [...Object.keys(AGGREGATES), 'countif'].sort();
