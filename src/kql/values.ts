/** Value conversions: input cells -> internal values, KQL literals, tostring, and result cells. */
import type { Cell, KqlType } from './types';
import { KqlError } from './errors';

const MS: Record<string, number> = {
  d: 86400000,
  day: 86400000,
  days: 86400000,
  h: 3600000,
  hr: 3600000,
  hrs: 3600000,
  hour: 3600000,
  hours: 3600000,
  m: 60000,
  min: 60000,
  minute: 60000,
  minutes: 60000,
  s: 1000,
  sec: 1000,
  second: 1000,
  seconds: 1000,
  ms: 1,
  milli: 1,
  millis: 1,
  millisecond: 1,
  milliseconds: 1,
  microsecond: 0.001,
  microseconds: 0.001,
  tick: 0.0001,
  ticks: 0.0001,
};

/** Parse a datetime string; Kusto treats a string without a zone as UTC. */
export function parseDateTime(s: string): number | null {
  const t = s.trim();
  if (t === '' || t === 'null') return null;
  const hasZone = /(Z|[+-]\d\d:?\d\d)$/i.test(t);
  const isoLike = /^\d{4}-\d\d-\d\d/.test(t);
  let ms: number;
  if (isoLike) ms = Date.parse(hasZone ? t : t.length === 10 ? t + 'T00:00:00Z' : t.replace(' ', 'T') + 'Z');
  else {
    // other formats (e.g. "11/23/2026 10:00:00"): UTC too, never the machine's time zone
    ms = hasZone ? Date.parse(t) : Date.parse(t + ' UTC');
    if (Number.isNaN(ms)) ms = Date.parse(t);
  }
  return Number.isNaN(ms) ? null : ms;
}

/** Parse "1.02:03:04.5" / "02:03:04" timespans or "5m"-style literals; null if not a timespan. */
export function parseTimespan(s: string): number | null {
  const t = s.trim();
  const unit = /^(-?\d+(?:\.\d+)?)\s*([a-z]+)$/i.exec(t);
  if (unit) {
    const f = MS[unit[2].toLowerCase()];
    return f === undefined ? null : Number(unit[1]) * f;
  }
  const clock = /^(-)?(?:(\d+)\.)?(\d+):(\d+)(?::(\d+(?:\.\d+)?))?$/.exec(t);
  if (clock) {
    const v =
      Number(clock[2] ?? 0) * 86400000 +
      Number(clock[3]) * 3600000 +
      Number(clock[4]) * 60000 +
      Number(clock[5] ?? 0) * 1000;
    return clock[1] ? -v : v;
  }
  if (/^-?\d+$/.test(t)) return Number(t) * 86400000; // a bare number of days, as timespan(2) means
  return null;
}

/** Convert an input cell to the internal representation of its column type. */
export function fromInput(v: unknown, type: KqlType): unknown {
  if (v === undefined || v === null) return type === 'string' ? '' : null;
  switch (type) {
    case 'string':
      return v instanceof Date ? v.toISOString() : toText(v, 'unknown');
    case 'guid':
      return typeof v === 'string' ? (v === '' ? null : v) : toText(v, 'unknown');
    case 'long':
    case 'int':
    case 'real':
    case 'decimal': {
      let n: number | null = null;
      if (typeof v === 'number') n = Number.isNaN(v) ? null : v;
      else if (typeof v === 'boolean') n = v ? 1 : 0;
      else if (typeof v === 'string' && v.trim() !== '') {
        const x = Number(v);
        n = Number.isNaN(x) ? null : x;
      }
      return n !== null && (type === 'long' || type === 'int') ? Math.trunc(n) : n;
    }
    case 'datetime':
      if (v instanceof Date) return Number.isNaN(v.getTime()) ? null : v.getTime();
      if (typeof v === 'number') return v;
      return typeof v === 'string' ? parseDateTime(v) : null;
    case 'timespan':
      if (typeof v === 'number') return v;
      return typeof v === 'string' ? parseTimespan(v) : null;
    case 'bool':
      if (typeof v === 'boolean') return v;
      if (typeof v === 'number') return v !== 0;
      if (typeof v === 'string') return /^(true|1)$/i.test(v) ? true : /^(false|0)$/i.test(v) ? false : null;
      return null;
    case 'dynamic':
      if (typeof v === 'string') {
        const t = v.trim();
        if (t.startsWith('{') || t.startsWith('[')) {
          try {
            return JSON.parse(t);
          } catch {
            return v;
          }
        }
      }
      return v instanceof Date ? v.toISOString() : v;
  }
}

/** Convert an internal value to a result cell (datetime -> Date, everything else as is). */
export function toCell(v: unknown, type: KqlType): Cell {
  if (v === null || v === undefined) return type === 'string' ? '' : null;
  if (type === 'datetime') return typeof v === 'number' ? new Date(v) : null;
  if (type === 'guid' && v === '') return null;
  return v as Cell;
}

function pad(n: number, w = 2): string {
  return String(Math.trunc(n)).padStart(w, '0');
}

/** Kusto's text form of a datetime: ISO-8601 UTC with 7 fractional digits when not whole seconds. */
export function formatDateTime(ms: number): string {
  const d = new Date(ms);
  if (Number.isNaN(d.getTime())) return '';
  const base = d.toISOString().slice(0, 19);
  const frac = ms - Math.floor(ms / 1000) * 1000;
  return frac === 0 ? base + 'Z' : base + '.' + String(Math.round(frac * 10000)).padStart(7, '0') + 'Z';
}

/** Kusto's text form of a timespan: [-][d.]hh:mm:ss[.fffffff]. */
export function formatTimespan(ms: number): string {
  const neg = ms < 0;
  let r = Math.abs(ms);
  const days = Math.floor(r / 86400000);
  r -= days * 86400000;
  const h = Math.floor(r / 3600000);
  r -= h * 3600000;
  const m = Math.floor(r / 60000);
  r -= m * 60000;
  const s = Math.floor(r / 1000);
  const frac = r - s * 1000;
  let out = `${neg ? '-' : ''}${days ? days + '.' : ''}${pad(h)}:${pad(m)}:${pad(s)}`;
  if (frac) out += '.' + String(Math.round(frac * 10000)).padStart(7, '0');
  return out;
}

/** tostring(): the text Kusto shows for a value of the given type ("" for null). */
export function toText(v: unknown, type: KqlType | 'unknown'): string {
  if (v === null || v === undefined) return '';
  if (typeof v === 'string') return v;
  if (type === 'datetime' && typeof v === 'number') return formatDateTime(v);
  if (type === 'timespan' && typeof v === 'number') return formatTimespan(v);
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  return JSON.stringify(v);
}

/** The value of a string literal token: "...", '...', @"verbatim", h"obfuscated". */
function parseStringLiteral(text: string): string {
  let t = text.trim();
  if (/^[hH][@"']/.test(t)) t = t.slice(1);
  if (t.startsWith('@')) {
    const q = t[1];
    return t
      .slice(2, -1)
      .split(q + q)
      .join(q);
  }
  if (t.startsWith('```')) return t.slice(3, -3);
  const body = t.slice(1, -1);
  return body.replace(/\\(u[0-9a-fA-F]{4}|x[0-9a-fA-F]{2}|.)/g, (_m, e: string) => {
    switch (e[0]) {
      case 'n':
        return '\n';
      case 't':
        return '\t';
      case 'r':
        return '\r';
      case '0':
        return '\0';
      case 'u':
        return String.fromCharCode(parseInt(e.slice(1), 16));
      case 'x':
        return String.fromCharCode(parseInt(e.slice(1), 16));
      default:
        return e;
    }
  });
}

/** Inner text of a typed literal like datetime(...), timespan(...), long(null); or the text itself. */
function unwrap(text: string): string {
  const m = /^[a-z_]+\((.*)\)$/is.exec(text.trim());
  return m ? m[1].trim() : text.trim();
}

/** The value of a literal token of a given syntax kind. */
export function parseLiteral(kind: string, text: string): unknown {
  switch (kind) {
    case 'StringLiteralExpression':
      return parseStringLiteral(text);
    case 'LongLiteralExpression':
    case 'IntLiteralExpression':
    case 'RealLiteralExpression':
    case 'DecimalLiteralExpression': {
      const inner = unwrap(text);
      if (inner === 'null') return null;
      const n = Number(inner);
      if (Number.isNaN(n))
        throw new KqlError('unsupported', `Numeric literal '${text}' is not supported by the embedded engine.`);
      return n;
    }
    case 'BooleanLiteralExpression': {
      const inner = unwrap(text).toLowerCase();
      return inner === 'null' ? null : inner === 'true' || inner === '1';
    }
    case 'DateTimeLiteralExpression': {
      const inner = unwrap(text);
      if (inner === 'null') return null;
      const v = parseDateTime(inner);
      if (v === null)
        throw new KqlError(
          'semantic',
          `Invalid datetime literal '${text}'. Use ISO-8601, e.g. datetime(2026-11-23T10:00:00Z).`,
        );
      return v;
    }
    case 'TimespanLiteralExpression': {
      const inner = unwrap(text);
      if (inner === 'null') return null;
      const v = parseTimespan(inner);
      if (v === null)
        throw new KqlError(
          'semantic',
          `Invalid timespan literal '${text}'. Use e.g. 15m, 1h, 30s, 2d or timespan(00:15:00).`,
        );
      return v;
    }
    case 'GuidLiteralExpression':
      return unwrap(text);
    case 'NullLiteralExpression':
      return null;
    default:
      throw new KqlError('unsupported', `Literal '${text}' (${kind}) is not supported by the embedded engine.`);
  }
}

/** Total order used by sort, min/max and comparisons of same-typed values (nulls handled by callers). */
export function compareValues(a: unknown, b: unknown): number {
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  if (typeof a === 'string' && typeof b === 'string') return a < b ? -1 : a > b ? 1 : 0;
  if (typeof a === 'boolean' && typeof b === 'boolean') return Number(a) - Number(b);
  const sa = typeof a === 'string' ? a : JSON.stringify(a);
  const sb = typeof b === 'string' ? b : JSON.stringify(b);
  return sa < sb ? -1 : sa > sb ? 1 : 0;
}
