/**
 * Series functions over dynamic arrays (make-series output): element-wise arithmetic, filling missing
 * values, and summary statistics. Non-numeric elements count as missing (null).
 */
import type { FunctionImpl } from './scalar';
import { parseJson } from './dynamic';

const series = (v: unknown): (number | null)[] | null => {
  const a = parseJson(v);
  return Array.isArray(a) ? a.map((x) => (typeof x === 'number' ? x : null)) : null;
};

/** series_add/subtract/multiply/divide: element by element; a scalar applies to every element. */
const elementwise =
  (f: (x: number, y: number) => number): FunctionImpl =>
  ([a, b]) =>
  (i) => {
    const x = a.fn(i);
    const y = b.fn(i);
    const xs = typeof x === 'number' ? null : series(x);
    const ys = typeof y === 'number' ? null : series(y);
    if ((!xs && typeof x !== 'number') || (!ys && typeof y !== 'number')) return null;
    const n = Math.max(xs?.length ?? 0, ys?.length ?? 0);
    return Array.from({ length: n }, (_, k) => {
      const p = xs ? (xs[k] ?? null) : (x as number);
      const q = ys ? (ys[k] ?? null) : (y as number);
      return p === null || q === null ? null : f(p, q);
    });
  };

/** series_fill_forward / series_fill_backward: missing values take the last (next) known one. */
function fill(values: (number | null)[], backward: boolean): (number | null)[] {
  const out = [...values];
  let last: number | null = null;
  for (let k = 0; k < out.length; k++) {
    const j = backward ? out.length - 1 - k : k;
    if (out[j] === null) out[j] = last;
    else last = out[j];
  }
  return out;
}

/** series_stats_dynamic: min, min_idx, max, max_idx, avg, stdev (sample), variance (sample). */
function seriesStats(values: (number | null)[]): Record<string, number | null> {
  let n = 0;
  let sum = 0;
  let min: number | null = null;
  let max: number | null = null;
  let minIdx: number | null = null;
  let maxIdx: number | null = null;
  values.forEach((v, k) => {
    if (v === null || Number.isNaN(v)) return;
    n++;
    sum += v;
    if (min === null || v < min) [min, minIdx] = [v, k];
    if (max === null || v > max) [max, maxIdx] = [v, k];
  });
  const avg = n ? sum / n : null;
  let sq = 0;
  for (const v of values) if (v !== null && !Number.isNaN(v) && avg !== null) sq += (v - avg) ** 2;
  const variance = n > 1 ? sq / (n - 1) : n === 1 ? 0 : null;
  return {
    min,
    min_idx: minIdx,
    max,
    max_idx: maxIdx,
    avg,
    stdev: variance === null ? null : Math.sqrt(variance),
    variance,
  };
}

export const SERIES_FUNCTIONS: Record<string, FunctionImpl> = {
  series_add: elementwise((x, y) => x + y),
  series_subtract: elementwise((x, y) => x - y),
  series_multiply: elementwise((x, y) => x * y),
  series_divide: elementwise((x, y) => x / y),
  series_fill_forward:
    ([a]) =>
    (i) => {
      const s = series(a.fn(i));
      return s ? fill(s, false) : null;
    },
  series_fill_backward:
    ([a]) =>
    (i) => {
      const s = series(a.fn(i));
      return s ? fill(s, true) : null;
    },
  series_fill_const:
    ([a, c]) =>
    (i) => {
      const s = series(a.fn(i));
      const v = c ? c.fn(i) : 0;
      return s ? s.map((x) => x ?? v) : null;
    },
  series_stats_dynamic:
    ([a]) =>
    (i) => {
      const s = series(a.fn(i));
      return s ? seriesStats(s) : null;
    },
};
