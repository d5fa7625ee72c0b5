/**
 * AnswerSection (a recipe's result table) -> what a Teams card can show, from a 360 px phone up: short human
 * headers, codes, counts and times given the pixels they need and names the rest (columns a phone cannot hold are
 * left out, and the card says which), repeated values said once above the table, times as HH:MM:SS, and
 * (for timelines) a Chart.* element whose `fallback` TextBlock is what older clients and the JS renderer show.
 */
import type { AnswerSection } from '../answer';
import type { Cell } from '../kql/types';
import { fmtInt, utcClock, utcDate } from './format';
import { cardText } from './sanitize';
import { barChart } from './barChart';
import { count } from '../words';
import { cutNames, phoneColumns } from './tableFit';
import {
  pivotBreakerTimeline,
  isBreakerTimeline,
  failuresTimeline,
  NO_CHART,
  percentileName,
  type ChartModel,
  type TableShape,
} from './timeline';

/** Headers people read; a column not listed keeps its own name. */
const COLUMN_LABELS: Record<string, string> = {
  ResponseCode: 'Status',
  BackendResponseCode: 'Backend status',
  LastErrorReason: 'Reason',
  LastErrorSource: 'Source',
  LastErrorSection: 'Section',
  LastErrorMessage: 'Message',
  FailurePercent: 'Failure %',
  ServerErrors: '5xx',
  Requests: 'Requests',
  Failures: 'Failures',
  ApiId: 'API',
  OperationId: 'Operation',
  CallerIpAddress: 'Caller IP',
  ApimSubscriptionId: 'Subscription',
  FirstSeen: 'First seen',
  LastSeen: 'Last seen',
  Bin: 'Time',
  TimeGenerated: 'Time',
  ProductId: 'Product',
  FirstTrip: 'First trip',
  LastTrip: 'Last trip',
};

/** Never worth a column: the finding details already carry the redacted sample URL. */
const DROPPED = new Set(['SampleUrl']);
/** Long text that, when the same in every row, is said once above the table instead. */
const LONG_TEXT = new Set(['LastErrorMessage']);
const MAX_TABLE_COLUMNS = 5;
const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function columnLabel(name: string): string {
  // "BackendP95" as "Backend p95": words a narrow column can wrap between.
  return COLUMN_LABELS[name] ?? percentileName(name) ?? name;
}

/** "14:29:55"; across midnight "11-23 14:29" so two days cannot be confused. */
function fmtTime(d: Date, multiDay: boolean): string {
  return multiDay ? `${utcDate(d).slice(5)} ${utcClock(d)}` : utcClock(d, true);
}

function asDate(c: Cell): Date | null {
  return c instanceof Date && !Number.isNaN(c.getTime()) ? c : null;
}

function cellText(c: Cell, column: string, multiDay: boolean): string {
  if (c === null || c === undefined || c === '') return '–';
  const d = asDate(c);
  if (d) return fmtTime(d, multiDay);
  if (typeof c === 'number') {
    if (/Percent$/.test(column)) return c.toFixed(1);
    return Number.isInteger(c) ? fmtInt(c) : c.toFixed(2);
  }
  if (typeof c === 'object') return JSON.stringify(c);
  const s = String(c);
  // A subscription GUID is recognisable by its first 8 characters; the full one is in the KQL result.
  if (GUID.test(s)) return `${s.slice(0, 8)}…`;
  return s;
}

interface Col {
  name: string;
  label: string;
  values: Cell[];
  /** Display text per row, when it is not simply cellText of the value (merged columns). */
  texts?: string[];
}

const same = (a: Cell, b: Cell): boolean =>
  a instanceof Date && b instanceof Date ? a.getTime() === b.getTime() : a === b;
const constant = (c: Col): boolean =>
  c.values.length >= 2 && c.values.every((v) => same(v, c.values[0])) && c.values[0] !== null && c.values[0] !== '';
const isText = (c: Col): boolean => c.values.every((v) => v === null || typeof v === 'string');

/**
 * A long text column with few distinct values (the same error message in every row, or nearly) said once above
 * the table: the common value with its row count, and for a rare value the rows it belongs to (by first column).
 */
function sayOnce(c: Col, key: Col | undefined, multiDay: boolean): string[] | null {
  if (c.values.length < 2) return null;
  const groups = new Map<string, number[]>();
  c.values.forEach((v, i) => {
    const t = cellText(v, c.name, multiDay);
    groups.set(t, [...(groups.get(t) ?? []), i]);
  });
  if (groups.size > 3 || groups.size >= c.values.length) return null;
  const sorted = [...groups.entries()].sort((a, b) => b[1].length - a[1].length);
  if (sorted.length === 1) return [`${c.label} (every row): ${sorted[0][0]}`];
  return sorted.map(([text, rows]) => {
    const which =
      key && rows.length <= 2 ? `: ${rows.map((i) => cellText(key.values[i], key.name, multiDay)).join(', ')}` : '';
    return `${c.label} (${count(rows.length, 'row')}${which}): ${text}`;
  });
}

/** Column shaping for one section: drop, hoist constant text, merge pairs (a phone-width fit comes later). Works on all rows, not only the shown ones. */
function shapeColumns(s: AnswerSection, multiDay: boolean): { cols: Col[]; lead: string[] } {
  const rows = s.table.rows;
  let cols: Col[] = s.table.columns
    .map((c, i) => ({ name: c.name, label: columnLabel(c.name), values: rows.map((r) => r[i] ?? null) }))
    .filter((c) => !DROPPED.has(c.name));
  const lead: string[] = [];
  const hoist = (c: Col) => {
    lead.push(`${c.label}: ${cellText(c.values[0], c.name, multiDay)}`);
    cols = cols.filter((x) => x !== c);
  };
  for (const c of cols.filter((c) => LONG_TEXT.has(c.name))) {
    const said = sayOnce(c, cols[0] === c ? undefined : cols[0], multiDay);
    if (said) {
      lead.push(...said);
      cols = cols.filter((x) => x !== c);
    }
  }
  if (cols.length > MAX_TABLE_COLUMNS)
    for (const c of cols.filter((c) => isText(c) && constant(c))) if (cols.length > MAX_TABLE_COLUMNS) hoist(c);
  const merge = (a: string, b: string, label: string, join: (x: string, y: string) => string) => {
    if (cols.length <= MAX_TABLE_COLUMNS) return;
    const ia = cols.findIndex((c) => c.name === a);
    const ib = cols.findIndex((c) => c.name === b);
    if (ia < 0 || ib < 0) return;
    const A = cols[ia];
    const B = cols[ib];
    const merged: Col = {
      name: `${a}+${b}`,
      label,
      values: A.values,
      texts: A.values.map((v, i) => join(cellText(v, a, multiDay), cellText(B.values[i], b, multiDay))),
    };
    cols = cols.filter((c) => c !== B).map((c) => (c === A ? merged : c));
  };
  merge('FirstSeen', 'LastSeen', 'Seen', (x, y) => (x === y ? x : `${x}–${y}`));
  merge('ApiId', 'OperationId', 'API / operation', (x, y) => `${x} / ${y}`);
  return { cols, lead };
}

const isNumeric = (values: Cell[]): boolean =>
  values.some((v) => typeof v === 'number') && values.every((v) => v === null || typeof v === 'number');

/** Rows a table shows before "Show N more rows" when it is the card's main content. */
const TABLE_FIRST_ROWS = 8;

/** Header + body rows, widths, alignment and wrapping in the shape cards/answer.json binds. */
function tableModel(shape: TableShape, maxRows: number) {
  const all = shape.rows.slice(0, maxRows);
  const { keep, fit } = phoneColumns(
    shape.labels.map((label, i) => [label, ...all.map((r) => r[i])]),
    shape.numeric,
  );
  const labels = keep.map((i) => shape.labels[i]);
  const left = shape.labels.filter((_, i) => !keep.includes(i));
  const body = all.map((r) => keep.map((i) => r[i]));
  const cut = cutNames(body, fit);
  return {
    fullNames: cut.length ? cardText(`In full: ${cut.join(' · ')}`, 400) : '',
    leftOut: left.length
      ? cardText(`Not shown, to fit a phone: ${left.join(', ')} ("Show KQL" has the query).`, 300)
      : '',
    columns: keep.map((i, k) => ({
      width: fit.fixed[k] ? `${fit.px[k]}px` : fit.weights[k],
      align: shape.numeric[i] ? 'Right' : 'Left',
    })),
    header: labels.map((l) => ({ text: cardText(l, 40) })),
    // Codes and times wrap only at a range's dash; names are cut with an ellipsis instead of broken.
    rows: body.map((r) => ({
      cells: r.map((t, k) => ({ text: cardText(t, 120), wrap: fit.fixed[k] || fit.prose[k] })),
    })),
    hidden: shape.rows.length - all.length,
  };
}

export interface SectionOptions {
  /** Table rows at most (the renderer lowers this to fit the card budget). */
  maxRows: number;
  /** Unique on the card: the toggles target `${id}-table` and `${id}-more`. */
  id: string;
  /** The reader's zone for chart axes. */
  timeZone?: string;
  /** No findings above: a table without a chart is the answer itself and shows its first rows. */
  tableFirst: boolean;
  /** Draw the section's bar-chart hint (the answer's one chart when it has no timeline). */
  barChart: boolean;
}

/** One section's template data. */
export function sectionModel(s: AnswerSection, o: SectionOptions) {
  const dates = s.table.rows.flatMap((r) => r.map(asDate)).filter((d): d is Date => d !== null);
  const multiDay = new Set(dates.map(utcDate)).size > 1;
  const axis = { multiDay, timeZone: o.timeZone };
  let shape: TableShape | null;
  let chart: ChartModel = NO_CHART;
  let lead: string[] = [];
  let rowCap = o.maxRows;
  if (isBreakerTimeline(s)) {
    const p = pivotBreakerTimeline(s, axis);
    shape = p.table;
    chart = p.chart;
    // One row per 30 s bin is ~22 rows and tells the story; cut it only when every section is cut.
    rowCap = o.maxRows > 0 ? Math.max(o.maxRows, 24) : 0;
  } else if (s.chart?.kind === 'line' && s.table.columns.find((c) => c.name === s.chart!.x)?.type === 'datetime') {
    chart = failuresTimeline(s, axis);
    shape = null;
  } else {
    const shaped = shapeColumns(s, multiDay);
    lead = shaped.lead;
    if (o.barChart) chart = barChart(s, columnLabel);
    shape = {
      labels: shaped.cols.map((c) => c.label),
      // Status codes are labels, not quantities: left-aligned like text.
      numeric: shaped.cols.map((c) => !c.texts && isNumeric(c.values) && !/Code$/.test(c.name)),
      rows: s.table.rows.map((_, r) => shaped.cols.map((c) => c.texts?.[r] ?? cellText(c.values[r], c.name, multiDay))),
    };
  }
  const table = shape && shape.rows.length > 0 ? tableModel(shape, rowCap) : null;
  const rows = table?.rows ?? [];
  const hidden = table?.hidden ?? 0;
  // The answer itself shows its first rows; a detail table (under findings or a chart) waits behind a toggle.
  const open = o.tableFirst && !chart.hasChart;
  const head = open ? rows.slice(0, TABLE_FIRST_ROWS) : rows;
  const tail = open ? rows.slice(TABLE_FIRST_ROWS) : [];
  // A cut table says so on its button: "Show top 5 of 18 rows", not "5 rows" then "13 more not shown".
  const toggleTitle = open
    ? `Show ${count(tail.length, 'more row')}`
    : hidden > 0
      ? `Show top ${rows.length} of ${fmtInt(rows.length + hidden)} rows`
      : `Show table (${count(rows.length, 'row')})`;
  return {
    title: cardText(s.title, 120),
    hasLead: lead.length > 0,
    lead: lead.map((l) => ({ text: cardText(l, 300) })),
    hasTable: rows.length > 0,
    tableVisible: open,
    tableId: `${o.id}-table`,
    moreId: `${o.id}-more`,
    hasToggle: rows.length > 0 && (!open || tail.length > 0),
    toggleTitle,
    toggleTarget: open ? `${o.id}-more` : `${o.id}-table`,
    columns: table?.columns ?? [],
    header: table?.header ?? [],
    rows: head,
    hasTail: tail.length > 0,
    tail,
    hasFullNames: Boolean(table?.fullNames),
    fullNames: table?.fullNames ?? '',
    hasLeftOut: Boolean(table?.leftOut),
    leftOut: table?.leftOut ?? '',
    hasMoreRows: hidden > 0,
    moreRows:
      rows.length > 0
        ? `${count(hidden, 'more row')} not shown: the card is at its size limit ("Show KQL" has the query)`
        : `${count(hidden, 'row')} not shown: the card is at its size limit ("Show KQL" has the query)`,
    hasEmpty: !table && !chart.hasChart,
    empty: 'No rows in this window.',
    ...chart,
  };
}
