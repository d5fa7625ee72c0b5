/** to*() conversions: invalid input gives null, as in Kusto. */
import { parseDateTime, parseTimespan, toText } from '../values';
import type { FunctionImpl } from './scalar';

function toNumber(v: unknown): number | null {
  if (v === null || v === undefined) return null;
  if (typeof v === 'number') return v;
  if (typeof v === 'boolean') return v ? 1 : 0;
  if (typeof v === 'string') {
    const t = v.trim();
    if (t === '') return null;
    const n = Number(t);
    return Number.isNaN(n) ? null : n;
  }
  return null;
}

const toInteger: FunctionImpl = ([a]) =>
  // already integral: the values pass through unchanged (and project can reuse the column)
  a.type === 'long' || a.type === 'int'
    ? a.fn
    : (i) => {
        const n = toNumber(a.fn(i));
        return n === null || !Number.isFinite(n) ? null : Math.trunc(n);
      };

const toReal: FunctionImpl = ([a]) =>
  a.type === 'long' || a.type === 'int' || a.type === 'real' ? a.fn : (i) => toNumber(a.fn(i));

export const CONVERSION_FUNCTIONS: Record<string, FunctionImpl> = {
  tostring: ([a]) => (a.type === 'string' ? a.fn : (i) => toText(a.fn(i), a.type)),
  toint: toInteger,
  tolong: toInteger,
  todouble: toReal,
  toreal: toReal,
  todecimal: toReal,
  tobool:
    ([a]) =>
    (i) => {
      const v = a.fn(i);
      if (typeof v === 'boolean' || v === null) return v;
      if (typeof v === 'number') return v !== 0;
      const t = toText(v, a.type).trim().toLowerCase();
      return t === 'true' || t === '1' ? true : t === 'false' || t === '0' ? false : null;
    },
  todatetime:
    ([a]) =>
    (i) => {
      const v = a.fn(i);
      if (v === null) return null;
      if (typeof v === 'number') return a.type === 'datetime' ? v : null;
      return parseDateTime(toText(v, a.type));
    },
  totimespan:
    ([a]) =>
    (i) => {
      const v = a.fn(i);
      if (v === null) return null;
      if (typeof v === 'number') return a.type === 'timespan' ? v : null;
      return parseTimespan(toText(v, a.type));
    },
  toguid:
    ([a]) =>
    (i) => {
      const s = toText(a.fn(i), a.type);
      return /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(s) ? s : null;
    },
};
