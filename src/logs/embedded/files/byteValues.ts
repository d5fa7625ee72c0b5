/**
 * Typed values parsed straight from a field's bytes, for the common, plain forms only: each returns NaN (or -1)
 * when the text is anything else, and the caller then converts the field's text with infer.ts's convertValue,
 * which owns the rules and the error messages. So a value parsed here always equals what convertValue gives.
 */

const POW10 = Array.from({ length: 16 }, (_, k) => 10 ** k);

/** `-?digits[.digits]` with at most 15 digits (exact in a double, so the division rounds as Number() does). */
export function numberFromBytes(buf: Buffer, s: number, e: number): number {
  let i = s;
  const neg = buf[i] === 45;
  if (neg) i++;
  let mant = 0;
  let digits = 0;
  let frac = 0;
  let dot = false;
  for (; i < e; i++) {
    const b = buf[i];
    if (b >= 48 && b <= 57) {
      mant = mant * 10 + (b - 48);
      digits++;
      if (dot) frac++;
    } else if (b === 46 && !dot) dot = true;
    else return NaN;
  }
  if (digits === 0 || digits > 15) return NaN;
  const v = frac ? mant / POW10[frac] : mant;
  return neg ? -v : v;
}

/** 1 for true/1, 0 for false/0 (any case), -1 for anything else. */
export function boolFromBytes(buf: Buffer, s: number, e: number): number {
  const n = e - s;
  if (n === 1) return buf[s] === 49 ? 1 : buf[s] === 48 ? 0 : -1;
  const lower = (k: number) => buf[s + k] | 0x20;
  if (n === 4 && lower(0) === 116 && lower(1) === 114 && lower(2) === 117 && lower(3) === 101) return 1;
  if (n === 5 && lower(0) === 102 && lower(1) === 97 && lower(2) === 108 && lower(3) === 115 && lower(4) === 101)
    return 0;
  return -1;
}

function daysInMonth(y: number, m: number): number {
  if (m === 2) return y % 4 === 0 && (y % 100 !== 0 || y % 400 === 0) ? 29 : 28;
  return m === 4 || m === 6 || m === 9 || m === 11 ? 30 : 31;
}

/** Days from 1970-01-01 to a proleptic Gregorian date (the arithmetic Date.UTC does, without the call). */
function daysFromCivil(y: number, m: number, d: number): number {
  const yy = m <= 2 ? y - 1 : y;
  const era = Math.floor(yy / 400);
  const yoe = yy - era * 400;
  const doy = Math.floor((153 * (m + (m > 2 ? -3 : 9)) + 2) / 5) + d - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146097 + doe - 719468;
}

/** Epoch ms of a valid date and time of day, or NaN (years below 100 are left to Date's own parsing). */
function utc(y: number, mo: number, d: number, h: number, mi: number, sec: number, ms: number): number {
  if (y < 100 || mo < 1 || mo > 12 || d < 1 || d > daysInMonth(y, mo) || h > 23 || mi > 59 || sec > 59) return NaN;
  return daysFromCivil(y, mo, d) * 86400000 + h * 3600000 + mi * 60000 + sec * 1000 + ms;
}

// The time parser's cursor: module state rather than closures, so a parse allocates nothing.
let at = 0;
let end = 0;
let count = 0;

/** Exactly `w` digits at the cursor, or -1. */
function fixed(buf: Buffer, w: number): number {
  if (at + w > end) return -1;
  let v = 0;
  for (let k = 0; k < w; k++) {
    const b = buf[at + k] - 48;
    if (b < 0 || b > 9) return -1;
    v = v * 10 + b;
  }
  at += w;
  return v;
}

/** 1 to `max` digits at the cursor (how many in `count`), or -1. */
function upTo(buf: Buffer, max: number): number {
  let v = 0;
  count = 0;
  while (at < end && count < max) {
    const b = buf[at] - 48;
    if (b < 0 || b > 9) break;
    v = v * 10 + b;
    at++;
    count++;
  }
  return count ? v : -1;
}

/** The seconds and milliseconds secondsAt read. */
let sec = 0;
let ms = 0;

/**
 * Optional ":ss" then optional ".fraction" (1 to `digits` digits) at the cursor, into `sec` and `ms` (0 when
 * absent); false when malformed. ISO fractions are cut to the millisecond, the portal's rounded, as the text
 * parser does.
 */
function secondsAt(buf: Buffer, digits: number, round: boolean): boolean {
  sec = 0;
  ms = 0;
  if (at >= end || buf[at] !== 58) return true;
  at++;
  sec = fixed(buf, 2);
  if (sec < 0) return false;
  if (at >= end || buf[at] !== 46) return true;
  at++;
  const start = at;
  const f = upTo(buf, digits);
  if (f < 0) return false;
  if (round) ms = Math.round((f / POW10[count]) * 1000);
  else for (let k = 0; k < 3; k++) ms = ms * 10 + (start + k < at ? buf[start + k] - 48 : 0);
  return true;
}

/**
 * ISO 8601 in UTC (`2026-11-23`, `2026-11-23T10:04:12.1234567Z`, a space for the T, Z optional; fractions past
 * milliseconds truncated) or the portal's `11/23/2026, 10:04:12.123 AM`; NaN for anything else (offsets too).
 */
export function timeFromBytes(buf: Buffer, s: number, e: number): number {
  at = s;
  end = e;
  return e - s >= 10 && buf[s + 4] === 45 ? isoTime(buf) : portalTime(buf);
}

function isoTime(buf: Buffer): number {
  const y = fixed(buf, 4);
  if (y < 0 || buf[at++] !== 45) return NaN;
  const mo = fixed(buf, 2);
  if (mo < 0 || buf[at++] !== 45) return NaN;
  const d = fixed(buf, 2);
  if (d < 0) return NaN;
  if (at === end) return utc(y, mo, d, 0, 0, 0, 0);
  if (buf[at] !== 84 && buf[at] !== 32) return NaN;
  at++;
  const h = fixed(buf, 2);
  if (h < 0 || buf[at++] !== 58) return NaN;
  const mi = fixed(buf, 2);
  if (mi < 0) return NaN;
  if (!secondsAt(buf, 9, false)) return NaN;
  if (at < end && buf[at] === 90) at++;
  return at === end ? utc(y, mo, d, h, mi, sec, ms) : NaN;
}

function portalTime(buf: Buffer): number {
  const mo = upTo(buf, 2);
  if (mo < 0 || buf[at++] !== 47) return NaN;
  const d = upTo(buf, 2);
  if (d < 0 || buf[at++] !== 47) return NaN;
  const y = fixed(buf, 4);
  if (y < 0) return NaN;
  if (buf[at] === 44) at++;
  const spaces = at;
  while (at < end && buf[at] === 32) at++;
  if (at === spaces) return NaN;
  let h = upTo(buf, 2);
  if (h < 0 || buf[at++] !== 58) return NaN;
  const mi = fixed(buf, 2);
  if (mi < 0) return NaN;
  if (!secondsAt(buf, 7, true)) return NaN;
  while (at < end && buf[at] === 32) at++;
  if (at + 2 === end && (buf[at + 1] | 0x20) === 109) {
    const ap = buf[at] | 0x20;
    if ((ap !== 97 && ap !== 112) || h < 1 || h > 12) return NaN;
    h = (h % 12) + (ap === 112 ? 12 : 0);
    at = end;
  }
  return at === end ? utc(y, mo, d, h, mi, sec, ms) : NaN;
}
