/**
 * make-series (the syntax is read in the operator adapter): per group, each aggregate becomes an array with
 * one element per `step` of the axis from `from` (inclusive) to `to` (exclusive); a bin without rows holds
 * the aggregate's default (0 unless `default=` says otherwise). Without from/to the series spans the bins
 * that have data. The axis column is the array of bin starts.
 */
import { runAggregate } from '../aggregates';
import { formatDateTime, formatTimespan } from '../values';
import type { Compiled, ExprType } from '../compile/context';
import type { Relation } from '../relation';
import type { ColumnSchema } from '../types';
import { ArrayVec, type Vec } from '../vectors';

export interface SeriesAggregate {
  name: string;
  fn: string;
  args: Compiled[];
  default: unknown;
}

export interface SeriesSpec {
  aggregates: SeriesAggregate[];
  axis: { name: string; c: Compiled };
  from: number | null;
  to: number | null;
  step: number;
  keys: { name: string; c: Compiled }[];
}

/** Values inside a dynamic array carry Kusto's JSON forms (datetimes and timespans as text). */
function dynamicValue(v: unknown, type: ExprType): unknown {
  if (typeof v !== 'number') return v;
  if (type === 'datetime') return formatDateTime(v);
  if (type === 'timespan') return formatTimespan(v);
  return v;
}

export function makeSeries(input: Relation, spec: SeriesSpec, schema: ColumnSchema[]): Relation {
  const axis = spec.axis.c.fn;
  const step = spec.step;
  let lo = spec.from;
  let hi = spec.to;
  if (lo === null || hi === null) {
    let min = Infinity;
    let max = -Infinity;
    for (let i = 0; i < input.n; i++) {
      const v = axis(i);
      if (typeof v !== 'number') continue;
      if (v < min) min = v;
      if (v > max) max = v;
    }
    if (lo === null) lo = min === Infinity ? 0 : Math.floor(min / step) * step;
    if (hi === null) hi = max === -Infinity ? lo : lo + (Math.floor((max - lo) / step) + 1) * step;
  }
  const bins = Math.max(0, Math.ceil((hi - lo) / step));
  // group ids by key values, in order of first occurrence among rows inside the range
  const keyReaders = spec.keys.map((k) => k.c.fn);
  const groupOf = new Map<string, number>();
  const groupKeys: unknown[][] = [];
  const gids = new Int32Array(input.n);
  for (let i = 0; i < input.n; i++) {
    const v = axis(i);
    if (typeof v !== 'number' || v < lo || v >= hi) {
      gids[i] = -1;
      continue;
    }
    const kv = keyReaders.map((r) => r(i));
    const k = JSON.stringify(kv);
    let g = groupOf.get(k);
    if (g === undefined) {
      g = groupKeys.length;
      groupOf.set(k, g);
      groupKeys.push(kv);
    }
    gids[i] = g * bins + Math.floor((v - lo) / step);
  }
  const G = groupKeys.length;
  const cells = G * bins;
  // rows outside the range go to one extra cell that is dropped
  for (let i = 0; i < input.n; i++) if (gids[i] < 0) gids[i] = cells;
  const filled = new Uint8Array(cells + 1);
  for (let i = 0; i < input.n; i++) filled[gids[i]] = 1;
  const series = spec.aggregates.map((a) => {
    const [values] = runAggregate(a.fn, a.args, gids, cells + 1);
    const type = a.fn === 'count' || a.fn === 'countif' || a.fn === 'dcount' ? 'long' : (a.args[0]?.type ?? 'long');
    return groupKeys.map((_, g) => {
      const arr = new Array<unknown>(bins);
      for (let b = 0; b < bins; b++) {
        const c = g * bins + b;
        arr[b] = filled[c] ? dynamicValue(values[c], type) : a.default;
      }
      return arr;
    });
  });
  const axisType = spec.axis.c.type;
  const axisValues = Array.from({ length: bins }, (_, b) => dynamicValue(lo + b * step, axisType));
  const cols: Vec[] = schema.map((c) => {
    const key = spec.keys.findIndex((k) => k.name === c.name);
    if (key >= 0) return new ArrayVec(groupKeys.map((kv) => kv[key]));
    const agg = spec.aggregates.findIndex((a) => a.name === c.name);
    if (agg >= 0) return new ArrayVec(series[agg]);
    if (c.name === spec.axis.name) return new ArrayVec(groupKeys.map(() => axisValues));
    return new ArrayVec(new Array<unknown>(G).fill(null));
  });
  return { schema, cols, n: G, ingest: null };
}
