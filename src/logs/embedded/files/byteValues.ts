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

/** Epoch ms of a valid date and time of day, or NaN (years below 100 are left to Date's own parsing). */
function utc(y: number, mo: number, d: number, h: number, mi: number, sec: number, ms: number): number {
  if (y < 100 || mo < 1 || mo > 12 || d < 1 || d > daysInMonth(y, mo) || h > 23 || mi > 59 || sec > 59) return NaN;
  return Date.UTC(y, mo - 1, d, h, mi, sec, ms);
}

/**
 * ISO 8601 in UTC (`2026-11-23`, `2026-11-23T10:04:12.1234567Z`, a space for the T, Z optional; fractions past
 * milliseconds truncated) or the portal's `11/23/2026, 10:04:12.123 AM`; NaN for anything else (offsets too).
 */
export function timeFromBytes(buf: Buffer, s: number, e: number): number {
  let i = s;
  /** Reads exactly `w` digits at i, or -1. */
  const fixed = (w: number): number => {
    if (i + w > e) return -1;
    let v = 0;
    for (let k = 0; k < w; k++) {
      const b = buf[i + k] - 48;
      if (b < 0 || b > 9) return -1;
      v = v * 10 + b;
    }
    i += w;
    return v;
  };
  /** Reads 1 to `max` digits at i, or -1; `count` gets how many. */
  let count = 0;
  const upTo = (max: number): number => {
    let v = 0;
    count = 0;
    while (i < e && count < max) {
      const b = buf[i] - 48;
      if (b < 0 || b > 9) break;
      v = v * 10 + b;
      i++;
      count++;
    }
    return count ? v : -1;
  };
  if (e - s >= 10 && buf[s + 4] === 45) {
    const y = fixed(4);
    if (y < 0 || buf[i++] !== 45) return NaN;
    const mo = fixed(2);
    if (mo < 0 || buf[i++] !== 45) return NaN;
    const d = fixed(2);
    if (d < 0) return NaN;
    if (i === e) return utc(y, mo, d, 0, 0, 0, 0);
    if (buf[i] !== 84 && buf[i] !== 32) return NaN;
    i++;
    const h = fixed(2);
    if (h < 0 || buf[i++] !== 58) return NaN;
    const mi = fixed(2);
    if (mi < 0) return NaN;
    let sec = 0;
    let ms = 0;
    if (i < e && buf[i] === 58) {
      i++;
      sec = fixed(2);
      if (sec < 0) return NaN;
      if (i < e && buf[i] === 46) {
        i++;
        const start = i;
        upTo(9);
        if (count === 0) return NaN;
        for (let k = 0; k < 3; k++) ms = ms * 10 + (start + k < i ? buf[start + k] - 48 : 0);
      }
    }
    if (i < e && buf[i] === 90) i++;
    return i === e ? utc(y, mo, d, h, mi, sec, ms) : NaN;
  }
  const mo = upTo(2);
  if (mo < 0 || buf[i++] !== 47) return NaN;
  const d = upTo(2);
  if (d < 0 || buf[i++] !== 47) return NaN;
  const y = fixed(4);
  if (y < 0) return NaN;
  if (buf[i] === 44) i++;
  const spaces = i;
  while (i < e && buf[i] === 32) i++;
  if (i === spaces) return NaN;
  let h = upTo(2);
  if (h < 0 || buf[i++] !== 58) return NaN;
  const mi = fixed(2);
  if (mi < 0) return NaN;
  let sec = 0;
  let ms = 0;
  if (i < e && buf[i] === 58) {
    i++;
    sec = fixed(2);
    if (sec < 0) return NaN;
    if (i < e && buf[i] === 46) {
      i++;
      const f = upTo(7);
      if (f < 0) return NaN;
      ms = Math.round((f / POW10[count]) * 1000);
    }
  }
  while (i < e && buf[i] === 32) i++;
  if (i + 2 === e && (buf[i + 1] | 0x20) === 109) {
    const ap = buf[i] | 0x20;
    if ((ap !== 97 && ap !== 112) || h < 1 || h > 12) return NaN;
    h = (h % 12) + (ap === 112 ? 12 : 0);
    i = e;
  }
  return i === e ? utc(y, mo, d, h, mi, sec, ms) : NaN;
}
