import type { Cell, KqlType } from '../../../kql/types';

/**
 * Column typing and value conversion for exported logs: the portal's CSV writes every value as text, so
 * types come from known schemas, the AzureDiagnostics name suffixes, or the values themselves.
 */

export class ValueError extends Error {}

const ISO = /^\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?)?(?:Z|[+-]\d{2}:?\d{2})?$/i;
/** The portal's en-US export form: 11/23/2026, 10:04:12.123 AM (the comma is optional). */
const PORTAL = /^(\d{1,2})\/(\d{1,2})\/(\d{4}),?\s+(\d{1,2}):(\d{2})(?::(\d{2})(?:\.(\d{1,7}))?)?\s*([AP]M)?$/i;

/** Parses ISO 8601 or the portal's M/D/YYYY, h:mm:ss.fff AM form; times without an offset are UTC. */
export function parseDateTime(s: string): Date | null {
  const t = s.trim();
  if (ISO.test(t)) {
    let iso = t.replace(' ', 'T');
    if (/^\d{4}-\d{2}-\d{2}$/.test(iso)) iso += 'T00:00:00Z';
    else if (!/(Z|[+-]\d{2}:?\d{2})$/i.test(iso)) iso += 'Z';
    // JS Date keeps milliseconds only; trim extra fractional digits (Kusto writes 7).
    iso = iso.replace(/(\.\d{3})\d+/, '$1');
    const d = new Date(iso);
    return Number.isNaN(d.getTime()) ? null : d;
  }
  const m = PORTAL.exec(t);
  if (m) {
    const [, mo, da, y, hh, mi, ss, frac, ampm] = m;
    let h = Number(hh);
    if (ampm) {
      if (h < 1 || h > 12) return null;
      h = (h % 12) + (ampm.toUpperCase() === 'PM' ? 12 : 0);
    }
    const ms = frac ? Math.round(Number(`0.${frac}`) * 1000) : 0;
    const d = new Date(Date.UTC(Number(y), Number(mo) - 1, Number(da), h, Number(mi), Number(ss ?? 0), ms));
    if (d.getUTCMonth() !== Number(mo) - 1 || d.getUTCDate() !== Number(da)) return null;
    return d;
  }
  return null;
}

/** Type implied by an AzureDiagnostics-style suffix (`apiId_s`, `responseCode_d`, ...). */
export function typeFromSuffix(name: string): KqlType | undefined {
  const m = /_([sdbgt])$/.exec(name);
  if (!m || name.length < 3) return undefined;
  return ({ s: 'string', d: 'real', b: 'bool', g: 'guid', t: 'datetime' } as const)[
    m[1] as 's' | 'd' | 'b' | 'g' | 't'
  ];
}

const INT = /^-?\d{1,15}$/;
const NUM = /^-?(?:\d+\.?\d*|\.\d+)(?:e[+-]?\d+)?$/i;

/** Infers a column type from text values (CSV). Empty values say nothing. */
export class TextTypeGuess {
  private int = true;
  private num = true;
  private bool = true;
  private date = true;
  private json = true;
  private seen = false;

  add(v: string): void {
    if (v === '') return;
    this.seen = true;
    if (this.int && !INT.test(v)) this.int = false;
    if (this.num && !NUM.test(v)) this.num = false;
    if (this.bool && !/^(true|false)$/i.test(v)) this.bool = false;
    if (this.date && (this.num || parseDateTime(v) === null)) this.date = false;
    if (this.json) {
      const c = v[0];
      if ((c !== '{' && c !== '[') || !isJson(v)) this.json = false;
    }
  }

  get type(): KqlType {
    if (!this.seen) return 'string';
    if (this.int) return 'long';
    if (this.num) return 'real';
    if (this.bool) return 'bool';
    if (this.date) return 'datetime';
    if (this.json) return 'dynamic';
    return 'string';
  }
}

function isJson(v: string): boolean {
  try {
    JSON.parse(v);
    return true;
  } catch {
    return false;
  }
}

/** Infers a column type from JSON values (JSON array / NDJSON records). */
export class JsonTypeGuess {
  private kinds = new Set<string>();
  private allInt = true;
  private allDates = true;

  add(v: unknown): void {
    if (v === null || v === undefined || v === '') return;
    if (typeof v === 'number') {
      this.kinds.add('number');
      if (!Number.isInteger(v)) this.allInt = false;
    } else if (typeof v === 'boolean') this.kinds.add('bool');
    else if (typeof v === 'string') {
      this.kinds.add('string');
      if (this.allDates && parseDateTime(v) === null) this.allDates = false;
    } else this.kinds.add('object');
  }

  get type(): KqlType {
    if (this.kinds.size === 0) return 'string';
    if (this.kinds.size > 1) return 'string';
    const k = [...this.kinds][0];
    if (k === 'number') return this.allInt ? 'long' : 'real';
    if (k === 'bool') return 'bool';
    if (k === 'object') return 'dynamic';
    return this.allDates ? 'datetime' : 'string';
  }
}

/** Converts one exported value to the cell the engine expects for `type`; throws ValueError when it cannot. */
export function convertValue(v: unknown, type: KqlType): Cell {
  if (v === undefined || v === null) return type === 'string' ? '' : null;
  switch (type) {
    case 'string':
    case 'guid':
      // JSON text is a number's or boolean's own text, and an object's content.
      return typeof v === 'string' ? v : JSON.stringify(v);
    case 'long':
    case 'int':
    case 'real':
    case 'decimal': {
      if (typeof v === 'number') return v;
      if (typeof v === 'string') {
        const s = v.trim();
        if (s === '') return null;
        if (NUM.test(s)) return Number(s);
        if (/^(nan|-?infinity)$/i.test(s)) return null;
      }
      throw new ValueError(`"${preview(v)}" is not a number`);
    }
    case 'bool': {
      if (typeof v === 'boolean') return v;
      if (typeof v === 'number') return v !== 0;
      const s = (typeof v === 'string' ? v : JSON.stringify(v)).trim().toLowerCase();
      if (s === '') return null;
      if (s === 'true' || s === '1') return true;
      if (s === 'false' || s === '0') return false;
      throw new ValueError(`"${preview(v)}" is not true or false`);
    }
    case 'datetime': {
      if (v instanceof Date) return v;
      if (typeof v === 'string') {
        if (v.trim() === '') return null;
        const d = parseDateTime(v);
        if (d) return d;
      }
      throw new ValueError(
        `"${preview(v)}" is not a date/time (expected ISO 8601 like 2026-11-23T10:04:12Z or the portal's 11/23/2026, 10:04:12.123 AM)`,
      );
    }
    case 'timespan':
      if (typeof v === 'number') return v;
      throw new ValueError(`"${preview(v)}" is not a timespan in milliseconds`);
    case 'dynamic': {
      if (typeof v !== 'string') return v as Cell;
      const s = v.trim();
      if (s === '') return null;
      if (s[0] === '{' || s[0] === '[') {
        try {
          return JSON.parse(s) as Cell;
        } catch {
          return v;
        }
      }
      return v;
    }
  }
}

function preview(v: unknown): string {
  const s = typeof v === 'string' ? v : JSON.stringify(v);
  return s.length > 60 ? `${s.slice(0, 57)}...` : s;
}
