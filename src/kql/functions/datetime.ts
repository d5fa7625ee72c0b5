/** Time functions. Datetimes are epoch milliseconds internally, timespans milliseconds. */
import type { FunctionImpl } from './scalar';

const DAY = 86400000;

/** bin()/floor(): round down to a multiple of size (datetimes align to the epoch, as days do in Kusto). */
const bin: FunctionImpl =
  ([v, size]) =>
  (i) => {
    const x = v.fn(i);
    const s = size.fn(i);
    if (typeof x !== 'number' || typeof s !== 'number' || s <= 0) return null;
    return Math.floor(x / s) * s;
  };

function utc(ms: number): Date {
  return new Date(ms);
}

function offsetDays(ms: number, add: unknown): number {
  return ms + (typeof add === 'number' ? add : 0) * DAY;
}

export const DATETIME_FUNCTIONS: Record<string, FunctionImpl> = {
  now: ([offset], _t, ctx) => {
    const v = ctx.now + (offset ? Number(offset.fn(0) ?? 0) : 0);
    return () => v;
  },
  ago:
    ([span], _t, ctx) =>
    (i) => {
      const s = span.fn(i);
      return typeof s === 'number' ? ctx.now - s : null;
    },
  bin,
  floor: bin,
  startofday:
    ([d, off]) =>
    (i) => {
      const x = d.fn(i);
      return typeof x === 'number' ? offsetDays(Math.floor(x / DAY) * DAY, off?.fn(i)) : null;
    },
  startofhour:
    ([d]) =>
    (i) => {
      const x = d.fn(i);
      return typeof x === 'number' ? Math.floor(x / 3600000) * 3600000 : null;
    },
  startofweek:
    ([d]) =>
    (i) => {
      const x = d.fn(i);
      if (typeof x !== 'number') return null;
      const day = Math.floor(x / DAY) * DAY;
      return day - utc(day).getUTCDay() * DAY; // weeks start on Sunday
    },
  startofmonth:
    ([d]) =>
    (i) => {
      const x = d.fn(i);
      if (typeof x !== 'number') return null;
      const t = utc(x);
      return Date.UTC(t.getUTCFullYear(), t.getUTCMonth(), 1);
    },
  hourofday:
    ([d]) =>
    (i) => {
      const x = d.fn(i);
      return typeof x === 'number' ? utc(x).getUTCHours() : null;
    },
  dayofweek:
    ([d]) =>
    (i) => {
      const x = d.fn(i);
      return typeof x === 'number' ? utc(Math.floor(x / DAY) * DAY).getUTCDay() * DAY : null;
    },
  datetime_diff: ([part, a, b]) => {
    const unit = String(part.fn(0)).toLowerCase();
    const sizes: Record<string, number> = { day: DAY, hour: 3600000, minute: 60000, second: 1000, millisecond: 1 };
    const size = sizes[unit];
    return (i) => {
      const x = a.fn(i);
      const y = b.fn(i);
      if (typeof x !== 'number' || typeof y !== 'number' || !size) return null;
      return Math.floor(x / size) - Math.floor(y / size);
    };
  },
};
