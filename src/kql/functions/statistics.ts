/**
 * More aggregates for summarize: spread (variance, stdev), distinct counts, percentiles as one array, and
 * bags merged. Same contract as ../aggregates.ts: given a group id per row, one array of G values per column.
 */
import { compareValues } from '../values';
import type { AggImpl } from '../aggregates';
import { parseJson } from './dynamic';

/** Welford's running mean and sum of squares: one pass, numerically stable. */
function spread(kind: 'variance' | 'stdev', population: boolean, withPred: boolean): AggImpl {
  return (args, gids, G) => {
    const f = args[0].fn;
    const p = withPred ? args[1].fn : null;
    const n = new Float64Array(G);
    const mean = new Float64Array(G);
    const m2 = new Float64Array(G);
    for (let i = 0; i < gids.length; i++) {
      if (p && p(i) !== true) continue;
      const v = f(i);
      if (typeof v !== 'number') continue;
      const g = gids[i];
      const k = ++n[g];
      const d = v - mean[g];
      mean[g] += d / k;
      m2[g] += d * (v - mean[g]);
    }
    const out = new Array<unknown>(G);
    for (let g = 0; g < G; g++) {
      // Kusto's default for a group without values is 0, and a single value has no spread
      const denom = population ? n[g] : n[g] - 1;
      const variance = denom > 0 ? m2[g] / denom : 0;
      out[g] = kind === 'variance' ? variance : Math.sqrt(variance);
    }
    return [out];
  };
}

function countDistinct(withPred: boolean): AggImpl {
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

/** Nearest rank over sorted values (the same rule as percentile(), see ../aggregates.ts). */
function rank(sorted: unknown[], p: number): unknown {
  if (sorted.length === 0) return null;
  const r = Math.max(1, Math.ceil((p / 100) * sorted.length));
  return sorted[Math.min(sorted.length, r) - 1];
}

const percentilesArray: AggImpl = (args, gids, G) => {
  const f = args[0].fn;
  const ps = args
    .slice(1)
    .flatMap((a): unknown[] => {
      const v = a.fn(0);
      return Array.isArray(v) ? (v as unknown[]) : [v];
    })
    .map(Number);
  const vals: unknown[][] = Array.from({ length: G }, () => []);
  for (let i = 0; i < gids.length; i++) {
    const v = f(i);
    if (v !== null) vals[gids[i]].push(v);
  }
  return [vals.map((v) => (v.sort(compareValues), v.length ? ps.map((p) => rank(v, p)) : null))];
};

function makeBag(withPred: boolean): AggImpl {
  return (args, gids, G) => {
    const f = args[0].fn;
    const p = withPred ? args[1].fn : null;
    const bags: Record<string, unknown>[] = Array.from({ length: G }, () => ({}));
    for (let i = 0; i < gids.length; i++) {
      if (p && p(i) !== true) continue;
      const v = parseJson(f(i));
      if (v === null || typeof v !== 'object' || Array.isArray(v)) continue;
      const b = bags[gids[i]];
      for (const [k, x] of Object.entries(v)) if (!(k in b)) b[k] = x; // a repeated key keeps its first value
    }
    return [bags];
  };
}

const takeAnyIf: AggImpl = (args, gids, G) => {
  const row = new Int32Array(G).fill(-1);
  const p = args[1].fn;
  for (let i = 0; i < gids.length; i++) if (row[gids[i]] < 0 && p(i) === true) row[gids[i]] = i;
  return [Array.from(row, (r) => (r < 0 ? null : args[0].fn(r)))];
};

export const MORE_AGGREGATES: Record<string, AggImpl> = {
  variance: spread('variance', false, false),
  varianceif: spread('variance', false, true),
  variancep: spread('variance', true, false),
  stdev: spread('stdev', false, false),
  stdevif: spread('stdev', false, true),
  stdevp: spread('stdev', true, false),
  count_distinct: countDistinct(false),
  count_distinctif: countDistinct(true),
  percentiles_array: percentilesArray,
  make_bag: makeBag(false),
  make_bag_if: makeBag(true),
  take_anyif: takeAnyIf,
};
