/**
 * Time-binned sections -> one row per bin and a Chart.* element. Teams draws charts on 1.5 cards; older clients
 * and the Adaptive Cards JS renderer do not, so every chart carries a `fallback` TextBlock that says the same
 * thing in words (peak and when).
 */
import { cellNumber, cellTime } from '../kql/cells';
import type { AnswerSection } from '../answer';
import type { Cell } from '../kql/types';
import { fmtInt, validZone } from './format';
import { cardText } from './sanitize';

/** What cards/answer.json binds for a chart (hasChart false: nothing is drawn). */
export interface ChartModel {
  hasChart: boolean;
  chartType: string;
  chartTitle: string;
  xTitle: string;
  yTitle: string;
  series: { legend: string; values: { x: string; y: number }[] }[];
  chartFallback: string;
}

/** Display-ready table: labels, which columns are numeric (right-aligned), cell texts. */
export interface TableShape {
  labels: string[];
  numeric: boolean[];
  rows: string[][];
}

const time = cellTime;
const num = (c: Cell | undefined): number => cellNumber(c) ?? 0;
const pad = (n: number) => String(n).padStart(2, '0');

/** Where and how chart and timeline labels are told: the reader's zone (UTC when unknown or invalid). */
export interface TimeAxis {
  multiDay: boolean;
  timeZone?: string;
}

/** The wall clock of `ms` in the axis zone: month, day, hour, minute, second. */
function wall(ms: number, zone: string | undefined): { md: string; hm: string; s: string } {
  if (!zone) {
    const d = new Date(ms);
    return {
      md: d.toISOString().slice(5, 10),
      hm: `${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}`,
      s: pad(d.getUTCSeconds()),
    };
  }
  const parts = new Intl.DateTimeFormat('en-GB', {
    timeZone: zone,
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
    hourCycle: 'h23',
  }).formatToParts(new Date(ms));
  const p = (t: string) => parts.find((x) => x.type === t)?.value ?? '00';
  return { md: `${p('month')}-${p('day')}`, hm: `${p('hour')}:${p('minute')}`, s: p('second') };
}

/** "14:22" (with ":30" when bins are not whole minutes), with the date in front on a multi-day axis. */
function label(ms: number, step: number, axis: TimeAxis): string {
  const w = wall(ms, validZone(axis.timeZone));
  const clock = step % 60_000 === 0 ? w.hm : `${w.hm}:${w.s}`;
  return axis.multiDay ? `${w.md} ${clock}` : clock;
}

/** "Time (UTC)" or "Time (Europe/Berlin)". */
function axisTitle(axis: TimeAxis): string {
  return `Time (${validZone(axis.timeZone) ?? 'UTC'})`;
}

/** Chart points (and so x-axis labels) at most: with more, HH:mm labels in a 360–560 px card are cut to "14:…". */
export const MAX_CHART_POINTS = 8;
const MIN = 60_000;
/** Bin sizes whose starts read as round clock times. */
const NICE_SIZES = [1, 2, 3, 5, 10, 15, 20, 30, 60, 120, 180, 360, 720, 1440].map((m) => m * MIN);

/** How merged bins combine: counts add up; a percentile does not, so the merged bin keeps its worst value. */
type Merge = 'sum' | 'max';

/**
 * Merges consecutive bins so that at most MAX_CHART_POINTS remain: the smallest round bin size (1, 2, 3, 5, 10 …
 * minutes) that is a multiple of the bin and fits, preferring one whose first and last merged bins are whole (a
 * half-filled edge bin reads as a dip that never happened). Returns the merged bin starts and the new step.
 */
export function coarsen<T extends Record<string, number>>(
  bins: { t: number; v: T }[],
  step: number,
  merge: Merge = 'sum',
): { bins: { t: number; v: T }[]; step: number } {
  if (bins.length <= MAX_CHART_POINTS || step <= 0) return { bins, step };
  const first = bins[0].t;
  const end = bins[bins.length - 1].t + step;
  // Aligned to the clock (14:15, 14:18 …), not to the first bin, so labels are round times.
  const alignedStart = (size: number) => Math.floor(first / size) * size;
  const points = (size: number) => Math.ceil((end - alignedStart(size)) / size);
  const whole = (size: number) => alignedStart(size) === first && (end - first) % size === 0;
  const fits = NICE_SIZES.filter((size) => size > step && size % step === 0 && points(size) <= MAX_CHART_POINTS);
  const big = fits.find(whole) ?? fits[0] ?? (Math.ceil(bins.length / MAX_CHART_POINTS) + 1) * step;
  const start = alignedStart(big);
  const out = new Map<number, T>();
  for (const b of bins) {
    const t = start + Math.floor((b.t - start) / big) * big;
    const acc = out.get(t);
    if (!acc) out.set(t, { ...b.v });
    else
      for (const key of Object.keys(b.v) as (keyof T)[]) {
        const a = acc[key] as number;
        const v = b.v[key] as number;
        (acc[key] as number) = merge === 'sum' ? a + v : Math.max(a, v);
      }
  }
  return { bins: [...out.entries()].map(([t, v]) => ({ t, v })), step: big };
}

/** "30 s", "minute", "5 min", "hour", "2 h": the bin as the fallback sentence says it. */
function binPhrase(step: number): string {
  if (step === 60_000) return 'minute';
  if (step === 3_600_000) return 'hour';
  if (step === 86_400_000) return 'day';
  if (step < 60_000) return `${Math.round(step / 1000)} s`;
  if (step < 3_600_000) return `${Math.round(step / 60_000)} min`;
  if (step < 86_400_000) return `${+(step / 3_600_000).toFixed(1)} h`;
  return `${+(step / 86_400_000).toFixed(1)} days`;
}

/**
 * Bin starts in time order with the empty bins between them filled in (a quiet bin is a zero, not a gap),
 * and the bin size inferred from the closest pair. At most `maxBins`: a gap too wide to fill is left as is.
 */
function binsOf(times: number[], maxBins = 40): { bins: number[]; step: number } {
  const sorted = [...new Set(times)].sort((a, b) => a - b);
  if (sorted.length < 2) return { bins: sorted, step: 0 };
  let step = Infinity;
  for (let i = 1; i < sorted.length; i++) step = Math.min(step, sorted[i] - sorted[i - 1]);
  const span = (sorted[sorted.length - 1] - sorted[0]) / step + 1;
  if (!Number.isInteger(span) || span > maxBins) return { bins: sorted, step };
  return { bins: Array.from({ length: span }, (_, i) => sorted[0] + i * step), step };
}

export function isBreakerTimeline(s: AnswerSection): boolean {
  const names = new Set(s.table.columns.map((c) => c.name));
  return ['Bin', 'ResponseCode', 'BackendResponseCode', 'Requests'].every((n) => names.has(n));
}

interface BreakerBin {
  requests: number;
  backend5xx: number;
  breaker503: number;
  other: number;
}

/**
 * Breaker timeline rows (Bin, ResponseCode, BackendResponseCode, Requests; one per code pair) -> one row per
 * 30 s bin. "Backend 5xx" counts the backend answering 5xx or never answering (connect failure, timeout) as the
 * breaker verdict does; a 503 the backend never saw is the breaker short-circuiting.
 */
export function pivotBreakerTimeline(s: AnswerSection, axis: TimeAxis): { table: TableShape; chart: ChartModel } {
  const col = (n: string) => s.table.columns.findIndex((c) => c.name === n);
  const [iBin, iRc, iBrc, iReq] = ['Bin', 'ResponseCode', 'BackendResponseCode', 'Requests'].map(col);
  const byBin = new Map<number, BreakerBin>();
  for (const r of s.table.rows) {
    const t = time(r[iBin]);
    if (t === null) continue;
    const b = byBin.get(t) ?? { requests: 0, backend5xx: 0, breaker503: 0, other: 0 };
    const n = num(r[iReq]);
    const rc = typeof r[iRc] === 'number' ? r[iRc] : null;
    const brc = typeof r[iBrc] === 'number' ? r[iBrc] : null;
    b.requests += n;
    if (brc !== null && brc >= 500) b.backend5xx += n;
    else if (brc === null && rc === 503) b.breaker503 += n;
    else if (brc === null && rc !== null && rc >= 500) b.backend5xx += n;
    else if (rc !== null && rc >= 400) b.other += n;
    byBin.set(t, b);
  }
  const { bins, step } = binsOf([...byBin.keys()]);
  const empty: BreakerBin = { requests: 0, backend5xx: 0, breaker503: 0, other: 0 };
  const rows = bins.map((t) => ({ t, x: label(t, step || 30_000, axis), ...(byBin.get(t) ?? empty) }));
  const table: TableShape = {
    labels: ['Time', 'Requests', 'Backend 5xx', 'Gateway 503 (breaker)', 'Other failures'],
    numeric: [false, true, true, true, true],
    rows: rows.map((r) => [r.x, fmtInt(r.requests), fmtInt(r.backend5xx), fmtInt(r.breaker503), fmtInt(r.other)]),
  };
  const peak = (k: 'backend5xx' | 'breaker503') =>
    rows.reduce((best, r) => (r[k] > best[k] ? r : best), rows[0] ?? { ...empty, x: '' });
  const total = (k: 'backend5xx' | 'breaker503') => rows.reduce((sum, r) => sum + r[k], 0);
  const per = step ? binPhrase(step) : 'bin';
  const parts: string[] = [];
  const b5 = total('backend5xx');
  const first503 = rows.find((r) => r.breaker503 > 0);
  parts.push(
    b5 > 0
      ? `Backend 5xx per ${per}: ${fmtInt(b5)} in all, peak ${fmtInt(peak('backend5xx').backend5xx)} at ${peak('backend5xx').x}`
      : 'No backend 5xx in the timeline',
  );
  parts.push(
    first503
      ? `gateway 503s (breaker open) from ${first503.x}, peak ${fmtInt(peak('breaker503').breaker503)} at ${peak('breaker503').x}`
      : 'no breaker 503s',
  );
  const merged = coarsen(
    rows.map((r) => ({ t: r.t, v: { backend5xx: r.backend5xx, breaker503: r.breaker503 } })),
    step || 30_000,
  );
  const at = (t: number) => label(t, merged.step, axis);
  const chart: ChartModel = {
    hasChart: rows.length > 1,
    chartType: 'Chart.VerticalBar.Grouped',
    chartTitle: `Backend 5xx vs gateway 503 per ${binPhrase(merged.step)}`,
    xTitle: axisTitle(axis),
    yTitle: 'Requests',
    series: [
      { legend: 'Backend 5xx', values: merged.bins.map((b) => ({ x: at(b.t), y: b.v.backend5xx })) },
      { legend: 'Gateway 503 (breaker)', values: merged.bins.map((b) => ({ x: at(b.t), y: b.v.breaker503 })) },
    ],
    chartFallback: cardText(`${parts.join('; ')}.`, 300),
  };
  return { table, chart };
}

/** A percentile column in words: "P95" -> "p95", "BackendP95" -> "Backend p95"; null for other columns. */
export function percentileName(column: string): string | null {
  const m = /^(.*?)P(\d\d)$/.exec(column);
  if (!m) return null;
  return m[1] ? `${m[1]} p${m[2]}` : `p${m[2]}`;
}

function seriesName(column: string): string {
  return percentileName(column) ?? (column === 'Failures' ? 'Failed requests' : column);
}

/**
 * A line-chart section over datetime bins: triage's "Failures over the window" (failed vs all requests per bin) or
 * latency's "p95 over the window" (p95 and backend p95 per bin). A percentile has a unit and never adds up, so
 * merged bins keep their worst value and the fallback is told from the bins as queried.
 */
export function failuresTimeline(s: AnswerSection, axis: TimeAxis): ChartModel {
  const col = (n: string) => s.table.columns.findIndex((c) => c.name === n);
  const y = s.chart!.y;
  const duration = /P\d\d$/.test(y);
  // The second line: all requests beside failures; beside a percentile, the other percentiles of the section.
  const others = duration
    ? s.table.columns.filter((c) => c.name !== y && /P\d\d$/.test(c.name)).map((c) => c.name)
    : y !== 'Requests' && col('Requests') >= 0
      ? ['Requests']
      : [];
  const names = [y, ...others];
  const iX = col(s.chart!.x);
  const idx = names.map(col);
  const byBin = new Map<number, Record<string, number>>();
  for (const r of s.table.rows) {
    const t = time(r[iX]);
    if (t === null) continue;
    const e = byBin.get(t) ?? Object.fromEntries(names.map((n) => [n, 0]));
    names.forEach((n, i) => (e[n] = duration ? Math.max(e[n], num(r[idx[i]])) : e[n] + num(r[idx[i]])));
    byBin.set(t, e);
  }
  const filled = binsOf([...byBin.keys()], 24);
  if (filled.bins.length < 2) return NO_CHART;
  const zero = Object.fromEntries(names.map((n) => [n, 0]));
  const raw = filled.bins.map((t) => ({ t, v: byBin.get(t) ?? zero }));
  const { bins, step } = coarsen(raw, filled.step, duration ? 'max' : 'sum');
  const yName = seriesName(y);
  const series = names.map((n) => ({
    legend: n === 'Requests' ? 'All requests' : seriesName(n),
    values: bins.map((b) => ({ x: label(b.t, step, axis), y: b.v[n] })),
  }));
  // Told from the bins as queried: a merged bin would blur when the peak was.
  const at = (t: number) => label(t, filled.step, axis);
  const peak = raw.reduce((best, p) => (p.v[y] > best.v[y] ? p : best), raw[0]);
  const from = at(raw[0].t);
  const to = at(raw[raw.length - 1].t);
  const perRaw = binPhrase(filled.step);
  let fallback: string;
  if (duration) {
    const low = Math.min(...raw.map((p) => p.v[y]));
    const beside = others.map((n) => `${seriesName(n).toLowerCase()} ${fmtInt(peak.v[n])} ms`).join(', ');
    fallback = `${yName} per ${perRaw}: peak ${fmtInt(peak.v[y])} ms at ${at(peak.t)}${beside ? ` (${beside})` : ''}; lowest ${fmtInt(low)} ms, over ${raw.length} bins from ${from} to ${to}.`;
  } else {
    const total = raw.reduce((sum, p) => sum + p.v[y], 0);
    const of = others.length ? ` (of ${fmtInt(peak.v.Requests)} requests)` : '';
    fallback =
      total > 0
        ? `${yName} per ${perRaw}: peak ${fmtInt(peak.v[y])} at ${at(peak.t)}${of}; ${fmtInt(total)} in ${raw.length} bins from ${from} to ${to}.`
        : `No ${yName.toLowerCase()} in the window.`;
  }
  const merged = step !== filled.step;
  return {
    hasChart: true,
    chartType: 'Chart.Line',
    chartTitle:
      duration && merged
        ? `${yName} per ${binPhrase(step)} (worst ${perRaw} of each)`
        : `${yName} per ${binPhrase(step)}`,
    xTitle: axisTitle(axis),
    yTitle: duration ? 'ms' : 'Requests',
    series,
    chartFallback: cardText(fallback, 300),
  };
}

/** Nothing drawn. */
export const NO_CHART: ChartModel = {
  hasChart: false,
  chartType: '',
  chartTitle: '',
  xTitle: '',
  yTitle: '',
  series: [],
  chartFallback: '',
};
