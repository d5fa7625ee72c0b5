/** Number, time and window formatting shared by the card view-models. */

const intFmt = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });

export function fmtInt(n: number | null | undefined): string {
  return typeof n === 'number' && Number.isFinite(n) ? intFmt.format(n) : '–';
}

export function fmtPercent(share: number): string {
  if (!Number.isFinite(share) || share <= 0) return '0%';
  if (share < 0.01) return '<1%';
  return `${Math.round(share * 100)}%`;
}

function pad(n: number): string {
  return String(n).padStart(2, '0');
}

/** "14:27" (or "14:27:05" with seconds) in UTC. */
export function utcClock(d: Date, seconds = false): string {
  const base = `${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}`;
  return seconds ? `${base}:${pad(d.getUTCSeconds())}` : base;
}

export function utcDate(d: Date): string {
  return d.toISOString().slice(0, 10);
}

/** A zone name Intl accepts, or undefined: a bad zone from a client must not break the card. */
export function validZone(timeZone: string | undefined): string | undefined {
  if (!timeZone || timeZone === 'UTC' || timeZone === 'Etc/UTC') return undefined;
  try {
    new Intl.DateTimeFormat('en-US', { timeZone }).format(0);
    return timeZone;
  } catch {
    return undefined;
  }
}

function zoneClock(d: Date, timeZone: string): string {
  return new Intl.DateTimeFormat('en-GB', { timeZone, hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).format(d);
}

/** "2026-11-23 14:12–14:27 UTC (15:12–15:27 Europe/Berlin)"; spells out both dates across midnight. */
export function fmtWindow(from: Date, to: Date, timeZone?: string): string {
  const sameDay = utcDate(from) === utcDate(to);
  const utc = sameDay
    ? `${utcDate(from)} ${utcClock(from)}–${utcClock(to)} UTC`
    : `${utcDate(from)} ${utcClock(from)} – ${utcDate(to)} ${utcClock(to)} UTC`;
  const zone = validZone(timeZone);
  if (!zone) return utc;
  const zoneDate = (d: Date) => new Intl.DateTimeFormat('en-CA', { timeZone: zone }).format(d);
  // Across a local midnight the local times alone would read as a tiny or empty range: say the dates too.
  return zoneDate(from) === zoneDate(to)
    ? `${utc} (${zoneClock(from, zone)}–${zoneClock(to, zone)} ${zone})`
    : `${utc} (${zoneDate(from)} ${zoneClock(from, zone)} – ${zoneDate(to)} ${zoneClock(to, zone)} ${zone})`;
}

/** "last 15m" -> "last 15 min", "last 2h" -> "last 2 hours". */
export function humanWindowLabel(label: string): string {
  return label
    .replace(/\b(\d+)\s*m(?:in)?\b/g, '$1 min')
    .replace(/\b1\s*h\b/g, '1 hour')
    .replace(/\b(\d+)\s*h\b/g, '$1 hours')
    .replace(/\b1\s*d\b/g, '1 day')
    .replace(/\b(\d+)\s*d\b/g, '$1 days');
}

/** Freshness line: "Logs complete to 14:27 UTC, about 6 min behind". */
export function fmtFreshness(completeTo: string, lagMinutes: number, now: Date): string {
  const t = new Date(completeTo);
  if (Number.isNaN(t.getTime())) return '';
  const behindMin = Math.max(0, Math.round((now.getTime() - t.getTime()) / 60000));
  const behind = behindMin < 1 ? 'up to date' : `about ${behindMin} min behind`;
  // The measured ingestion delay is the fallback when the clock comparison says nothing (now == completeTo).
  const text = behindMin < 1 && lagMinutes >= 1 ? `ingestion about ${Math.round(lagMinutes)} min behind` : behind;
  return `Logs complete to ${utcClock(t)} UTC, ${text}`;
}

export function fmtDuration(ms: number): string {
  if (!Number.isFinite(ms)) return '–';
  if (ms < 1000) return `${Math.round(ms)} ms`;
  return `${(ms / 1000).toFixed(ms < 10000 ? 1 : 0)} s`;
}
