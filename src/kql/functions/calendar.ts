/**
 * Calendar functions (all UTC, as Kusto's datetimes are): parts of a date, ends of periods, datetime_add,
 * make_datetime, bin_at and format_datetime. Datetimes are epoch milliseconds, timespans milliseconds.
 */
import type { FunctionImpl } from './scalar';

const DAY = 86_400_000;

/**
 * The last 100 ns tick before `ms` (Kusto's ends of periods are 23:59:59.9999999). A tick is below a
 * double's resolution at today's epoch values, so this is the largest double below `ms`: it compares
 * before the next period and shows as .999 at millisecond resolution.
 */
function lastTickBefore(ms: number): number {
  const buf = new Float64Array([ms]);
  const bits = new BigInt64Array(buf.buffer);
  bits[0] += ms > 0 ? -1n : 1n;
  return ms === 0 ? -0.0001 : buf[0];
}

function parts(ms: number) {
  const d = new Date(ms);
  return { y: d.getUTCFullYear(), mo: d.getUTCMonth(), d: d.getUTCDate(), wd: d.getUTCDay() };
}

const num = (v: unknown): number | null => (typeof v === 'number' ? v : null);

/** A function of one datetime and an optional whole-period offset. */
const dated =
  (f: (ms: number, offset: number) => number | null): FunctionImpl =>
  ([d, off]) =>
  (i) => {
    const x = num(d.fn(i));
    return x === null ? null : f(x, off ? (num(off.fn(i)) ?? 0) : 0);
  };

const startOfDay = (ms: number) => Math.floor(ms / DAY) * DAY;
const startOfWeek = (ms: number) => startOfDay(ms) - parts(ms).wd * DAY; // weeks start on Sunday
const startOfMonth = (ms: number, k = 0) => {
  const p = parts(ms);
  return Date.UTC(p.y, p.mo + k, 1);
};
const startOfYear = (ms: number, k = 0) => Date.UTC(parts(ms).y + k, 0, 1);

/** ISO 8601 week number: weeks start on Monday; week 1 holds the year's first Thursday. */
function isoWeek(ms: number): number {
  const day = startOfDay(ms);
  const wd = (parts(day).wd + 6) % 7; // Monday = 0
  const thursday = day + (3 - wd) * DAY;
  const yearStart = Date.UTC(parts(thursday).y, 0, 1);
  return Math.floor((thursday - yearStart) / DAY / 7) + 1;
}

const PART_MS: Record<string, number> = {
  week: 7 * DAY,
  day: DAY,
  hour: 3_600_000,
  minute: 60_000,
  second: 1000,
  millisecond: 1,
  microsecond: 0.001,
  nanosecond: 0.000001,
};

/** datetime_add: calendar months and years keep the day (clamped to the month's end), others add time. */
function addPeriod(part: string, amount: number, ms: number): number | null {
  const p = part.toLowerCase();
  const months = p === 'year' ? 12 * amount : p === 'quarter' ? 3 * amount : p === 'month' ? amount : null;
  if (months !== null) {
    const d = new Date(ms);
    const y = d.getUTCFullYear();
    const m = d.getUTCMonth() + months;
    const lastDay = new Date(Date.UTC(y, m + 1, 0)).getUTCDate();
    const day = Math.min(d.getUTCDate(), lastDay);
    return Date.UTC(y, m, day) + (ms - startOfDay(ms));
  }
  const size = PART_MS[p];
  return size === undefined ? null : ms + amount * size;
}

function datePart(part: string, ms: number): number | null {
  const d = new Date(ms);
  switch (part.toLowerCase()) {
    case 'year':
      return d.getUTCFullYear();
    case 'quarter':
      return Math.floor(d.getUTCMonth() / 3) + 1;
    case 'month':
      return d.getUTCMonth() + 1;
    case 'week_of_year':
    case 'weekofyear':
      return isoWeek(ms);
    case 'day':
      return d.getUTCDate();
    case 'dayofyear':
      return Math.floor((startOfDay(ms) - Date.UTC(d.getUTCFullYear(), 0, 1)) / DAY) + 1;
    case 'hour':
      return d.getUTCHours();
    case 'minute':
      return d.getUTCMinutes();
    case 'second':
      return d.getUTCSeconds();
    case 'millisecond':
      return d.getUTCMilliseconds();
    case 'microsecond':
      return d.getUTCMilliseconds() * 1000;
    case 'nanosecond':
      return d.getUTCMilliseconds() * 1_000_000;
    default:
      return null;
  }
}

const pad = (n: number, w: number) => String(n).padStart(w, '0');

/** format_datetime's specifiers (y yy yyyy M MM d dd H HH h hh m mm s ss tt f..fffffff F..FFFFFFF). */
function formatDateTime(ms: number, format: string): string {
  const d = new Date(ms);
  const frac = pad(d.getUTCMilliseconds(), 3) + '0000';
  const h = d.getUTCHours();
  let out = '';
  for (let i = 0; i < format.length;) {
    const c = format[i];
    let n = 1;
    while (format[i + n] === c) n++;
    switch (c) {
      case 'y':
        out += n >= 4 ? pad(d.getUTCFullYear(), n) : pad(d.getUTCFullYear() % 100, n === 1 ? 1 : 2);
        break;
      case 'M':
        out += pad(d.getUTCMonth() + 1, Math.min(n, 2));
        break;
      case 'd':
        out += pad(d.getUTCDate(), Math.min(n, 2));
        break;
      case 'H':
        out += pad(h, Math.min(n, 2));
        break;
      case 'h':
        out += pad(h % 12 === 0 ? 12 : h % 12, Math.min(n, 2));
        break;
      case 'm':
        out += pad(d.getUTCMinutes(), Math.min(n, 2));
        break;
      case 's':
        out += pad(d.getUTCSeconds(), Math.min(n, 2));
        break;
      case 't':
        out += (h < 12 ? 'AM' : 'PM').slice(0, Math.min(n, 2));
        break;
      case 'f':
        out += frac.slice(0, Math.min(n, 7));
        break;
      case 'F':
        out += frac.slice(0, Math.min(n, 7)).replace(/0+$/, '');
        break;
      default:
        out += format.slice(i, i + n);
    }
    i += n;
  }
  return out;
}

export const CALENDAR_FUNCTIONS: Record<string, FunctionImpl> = {
  endofday: dated((x, k) => lastTickBefore(startOfDay(x) + (k + 1) * DAY)),
  endofweek: dated((x, k) => lastTickBefore(startOfWeek(x) + (k + 1) * 7 * DAY)),
  endofmonth: dated((x, k) => lastTickBefore(startOfMonth(x, k + 1))),
  endofyear: dated((x, k) => lastTickBefore(startOfYear(x, k + 1))),
  startofyear: dated((x, k) => startOfYear(x, k)),
  getmonth: dated((x) => parts(x).mo + 1),
  monthofyear: dated((x) => parts(x).mo + 1),
  getyear: dated((x) => parts(x).y),
  dayofmonth: dated((x) => parts(x).d),
  dayofyear: dated((x) => datePart('dayofyear', x)),
  week_of_year: dated(isoWeek),
  weekofyear: dated(isoWeek),
  datetime_part:
    ([part, d]) =>
    (i) => {
      const x = num(d.fn(i));
      return x === null ? null : datePart(String(part.fn(i)), x);
    },
  datetime_add:
    ([part, amount, d]) =>
    (i) => {
      const x = num(d.fn(i));
      const a = num(amount.fn(i));
      return x === null || a === null ? null : addPeriod(String(part.fn(i)), a, x);
    },
  make_datetime: (args) => (i) => {
    const v = args.map((a) => num(a.fn(i)));
    if (v.slice(0, 3).some((x) => x === null)) return null;
    const [y, mo, d, h, mi, s] = v as number[];
    if (mo < 1 || mo > 12 || d < 1 || d > new Date(Date.UTC(y, mo, 0)).getUTCDate()) return null;
    return Date.UTC(y, mo - 1, d, h ?? 0, mi ?? 0) + (s ?? 0) * 1000;
  },
  make_timespan: (args) => (i) => {
    const v = args.map((a) => num(a.fn(i)));
    if (v.some((x) => x === null)) return null;
    const [a, b, c, d] = v as number[];
    // (hours, minutes) | (hours, minutes, seconds) | (days, hours, minutes, seconds)
    if (v.length === 2) return (a * 60 + b) * 60_000;
    if (v.length === 3) return ((a * 60 + b) * 60 + c) * 1000;
    return (((a * 24 + b) * 60 + c) * 60 + d) * 1000;
  },
  bin_at:
    ([v, size, at]) =>
    (i) => {
      const x = num(v.fn(i));
      const s = num(size.fn(i));
      const p = num(at.fn(i));
      if (x === null || s === null || p === null || s <= 0) return null;
      return p + Math.floor((x - p) / s) * s;
    },
  format_datetime:
    ([d, f]) =>
    (i) => {
      const x = num(d.fn(i));
      return x === null ? '' : formatDateTime(x, String(f.fn(i)));
    },
  unixtime_seconds_todatetime: dated((x) => x * 1000),
  unixtime_milliseconds_todatetime: dated((x) => x),
  unixtime_microseconds_todatetime: dated((x) => x / 1000),
};
