/**
 * Time windows in chat text: "15m", "last 30 minutes", "past hour", "since 14:30", "between 14:00 and 14:30",
 * "at 14:32". Wall-clock times are read in the user's zone (ctx.timeZone) or UTC.
 */
import type { CommandWindow } from './types';
import { addDays, formatDuration, hhmm, isValidTimeZone, localParts, localToUtc } from './time';

const DEFAULT_WINDOW_MS = 15 * 60_000;
const MAX_WINDOW_MS = 7 * 24 * 60 * 60_000;

const UNIT_MS: Record<string, number> = {
  m: 60_000,
  min: 60_000,
  mins: 60_000,
  minute: 60_000,
  minutes: 60_000,
  h: 3_600_000,
  hr: 3_600_000,
  hrs: 3_600_000,
  hour: 3_600_000,
  hours: 3_600_000,
  d: 86_400_000,
  day: 86_400_000,
  days: 86_400_000,
  w: 604_800_000,
  wk: 604_800_000,
  week: 604_800_000,
  weeks: 604_800_000,
};
// No seconds: "401s" is a status code, not a 401-second window.
const UNIT_RE = 'minutes|minute|mins|min|m|hours|hour|hrs|hr|h|days|day|d|weeks|week|wk|w';
const LEAD_RE = '(?:(?:in|over|for|during)\\s+)?(?:the\\s+)?(?:last|past|previous)?\\s*';
/** A point in time: ISO date(-time) with optional zone, 12h clock, or HH:MM; optional "utc". */
const TIME_RE =
  '(\\d{4}-\\d{2}-\\d{2}(?:[t ]\\d{1,2}:\\d{2}(?::\\d{2}(?:\\.\\d+)?)?)?(?:z|[+-]\\d{2}:?\\d{2})?|\\d{1,2}(?::\\d{2})?\\s*(?:am|pm)|\\d{1,2}[:.h]\\d{2})(\\s*(?:utc|gmt|z)\\b)?';

export interface WindowScan {
  /** Text with every recognised time phrase removed. */
  rest: string;
  window?: CommandWindow;
  at?: Date;
  error?: string;
}

interface Zone {
  tz: string;
  /** Shown in labels: "UTC" or the IANA name. */
  name: string;
}

/** Resolve one time expression to an instant. `null` when it cannot be read. */
function resolveTime(
  expr: string,
  forceUtc: boolean,
  zone: Zone,
  now: Date,
): { date: Date; hadDate: boolean } | { error: string } | null {
  const tz = forceUtc ? 'UTC' : zone.tz;
  const iso = /^(\d{4})-(\d{2})-(\d{2})(?:[t ](\d{1,2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?)?(z|[+-]\d{2}:?\d{2})?$/.exec(
    expr,
  );
  if (iso) {
    const [, y, mo, d, h = '0', mi = '0', s = '0', off] = iso;
    const parts = { year: +y, month: +mo, day: +d, hour: +h, minute: +mi };
    if (
      parts.month < 1 ||
      parts.month > 12 ||
      parts.day < 1 ||
      parts.day > 31 ||
      parts.hour > 23 ||
      parts.minute > 59
    ) {
      return { error: `"${expr}" is not a valid date/time.` };
    }
    if (off) {
      const sign = off === 'z' ? 0 : off.startsWith('-') ? -1 : 1;
      const digits = off.replace(/[^0-9]/g, '');
      const offMs =
        sign === 0 ? 0 : sign * (Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2, 4) || '0')) * 60_000;
      return {
        date: new Date(Date.UTC(parts.year, parts.month - 1, parts.day, parts.hour, parts.minute, +s) - offMs),
        hadDate: true,
      };
    }
    return { date: localToUtc(parts, tz), hadDate: true };
  }
  const clock = /^(\d{1,2})(?:[:.h](\d{2}))?\s*(am|pm)?$/.exec(expr);
  if (!clock) return null;
  let hour = Number(clock[1]);
  const minute = Number(clock[2] ?? '0');
  const ampm = clock[3];
  if (ampm) {
    if (hour < 1 || hour > 12) return { error: `"${expr}" is not a valid time of day.` };
    hour = (hour % 12) + (ampm === 'pm' ? 12 : 0);
  }
  if (hour > 23 || minute > 59) return { error: `"${expr}" is not a valid time of day: use HH:MM, e.g. 14:30.` };
  const today = localParts(now, tz);
  return { date: localToUtc({ ...today, hour, minute }, tz), hadDate: false };
}

/** The same wall-clock time one day earlier, in the zone it was read in. */
function dayBefore(d: Date, tz: string): Date {
  const p = localParts(d, tz);
  return localToUtc({ ...addDays(p, -1), hour: p.hour, minute: p.minute }, tz);
}

function label(d: Date, zone: Zone, forceUtc: boolean): string {
  const name = forceUtc ? 'UTC' : zone.name;
  return `${hhmm(d, forceUtc ? 'UTC' : zone.tz)} ${name}`;
}

/** Validate and clamp a window; `requested` is how the user said it. */
function finish(
  from: Date,
  to: Date,
  labelText: string,
  now: Date,
  notes: string[],
): { window?: CommandWindow; error?: string } {
  if (from.getTime() >= now.getTime()) {
    return {
      error: `The window starts in the future (${labelText}); ask about time that has already passed, e.g. "last 30m" or "since 09:00".`,
    };
  }
  if (to.getTime() <= from.getTime()) {
    return {
      error: `The window ends before it starts (${labelText}); put the earlier time first, e.g. "between 14:00 and 14:30".`,
    };
  }
  if (to.getTime() > now.getTime()) {
    to = new Date(now.getTime());
    notes.push('The end of the window was in the future, so it stops at now.');
  }
  if (to.getTime() - from.getTime() > MAX_WINDOW_MS) {
    from = new Date(to.getTime() - MAX_WINDOW_MS);
    notes.push(`Clamped to the last 7 days before the window end: the bot looks at most 7 days back per question.`);
    // The label says the window that is looked at, not the one asked for ("last 99999d" -> "last 7d").
    if (labelText.startsWith('last ')) labelText = `last ${formatDuration(MAX_WINDOW_MS)}`;
  }
  const window: CommandWindow = { from, to, label: labelText };
  if (notes.length) window.note = notes.join(' ');
  return { window };
}

export function defaultWindow(now: Date): CommandWindow {
  return { from: new Date(now.getTime() - DEFAULT_WINDOW_MS), to: new Date(now.getTime()), label: 'last 15m' };
}

/**
 * Find a window phrase (and an `at <time>`) in normalised lower-case text.
 * Only the first window phrase counts; a second one is left in `rest` for the caller to reject.
 */
export function scanWindow(text: string, now: Date, timeZone?: string): WindowScan {
  const notes: string[] = [];
  let zone: Zone = { tz: 'UTC', name: 'UTC' };
  if (timeZone) {
    if (isValidTimeZone(timeZone))
      zone = { tz: timeZone, name: timeZone === 'UTC' || timeZone === 'Etc/UTC' ? 'UTC' : timeZone };
    else notes.push(`Unknown time zone "${timeZone}"; times are read as UTC.`);
  }
  let rest = ` ${text} `;
  const out: WindowScan = { rest: text };

  const take = (re: RegExp): RegExpExecArray | null => {
    const m = re.exec(rest);
    if (m) rest = rest.slice(0, m.index) + ' ' + rest.slice(m.index + m[0].length);
    return m;
  };
  /**
   * A time of day the clock has not reached yet today is about the past: the most recent one, yesterday's,
   * said in a note. `after` (the start of a range) keeps an end time on or after its start.
   */
  const readTime = (expr: string, utc: string | undefined, after?: Date): Date | string => {
    const r = resolveTime(expr.trim(), Boolean(utc), zone, now);
    if (r === null) return `"${expr.trim()}" is not a time I can read: use HH:MM (e.g. 14:30) or an ISO time.`;
    if ('error' in r) return r.error;
    if (r.hadDate) return r.date;
    const tz = utc ? 'UTC' : zone.tz;
    let date = r.date;
    if (after) {
      // The end is read on the start's day; "between 23:00 and 01:00" crosses midnight, while
      // "between 14:30 and 14:00" stays the wrong way round (and is refused as such).
      const end = localParts(date, tz);
      date = localToUtc({ ...localParts(after, tz), hour: end.hour, minute: end.minute }, tz);
      if (date.getTime() <= after.getTime() && after.getTime() - date.getTime() > 12 * 3_600_000)
        date = localToUtc({ ...addDays(localParts(after, tz), 1), hour: end.hour, minute: end.minute }, tz);
      return date;
    }
    if (date.getTime() >= now.getTime()) {
      date = dayBefore(date, tz);
      const shown = label(date, zone, Boolean(utc));
      notes.push(
        `${shown} has not come yet today, so this is yesterday's ${shown} (${date.toISOString().slice(0, 10)}).`,
      );
    }
    return date;
  };

  // breaker <backend> at <time>
  const atM = take(new RegExp(`\\s(?:at|@)\\s+${TIME_RE}(?=\\s)`));
  if (atM) {
    const at = readTime(atM[1], atM[2]);
    if (typeof at === 'string') return { ...out, error: at };
    if (at.getTime() > now.getTime())
      return {
        ...out,
        error: `The trip time ${label(at, zone, Boolean(atM[2]))} is in the future; give a time that has passed.`,
      };
    out.at = at;
  }

  let result: { window?: CommandWindow; error?: string } | undefined;
  const between = take(
    new RegExp(`\\s(?:between|from)\\s+${TIME_RE}\\s*(?:and|to|until|till|-|–)\\s*${TIME_RE}(?=\\s)`),
  );
  if (between) {
    const a = readTime(between[1], between[2] ?? between[4]);
    if (typeof a === 'string') return { ...out, error: a };
    const b = readTime(between[3], between[4] ?? between[2], a);
    if (typeof b === 'string') return { ...out, error: b };
    const utc = Boolean(between[2] ?? between[4]);
    result = finish(a, b, `${label(a, zone, utc)} – ${label(b, zone, utc)}`, now, notes);
  }
  const since = result ? null : take(new RegExp(`\\s(?:since|after|from)\\s+${TIME_RE}(?=\\s)`));
  if (since) {
    const a = readTime(since[1], since[2]);
    if (typeof a === 'string') return { ...out, error: a };
    if (a.getTime() > now.getTime()) {
      return {
        ...out,
        error: `${label(a, zone, Boolean(since[2]))} is later than now (${label(now, zone, Boolean(since[2]))}); ask about time that has passed, e.g. "since 09:00".`,
      };
    }
    result = finish(a, now, `since ${label(a, zone, Boolean(since[2]))}`, now, notes);
  }
  const rel = result ? null : take(new RegExp(`\\s${LEAD_RE}(-?\\d+(?:\\.\\d+)?)\\s*(${UNIT_RE})\\b(?=\\s)`));
  if (rel) {
    const n = Number(rel[1]);
    const ms = n * UNIT_MS[rel[2]];
    if (!(ms > 0))
      return {
        ...out,
        error: `"${rel[1]}${rel[2]}" is not a usable window: give a positive length, e.g. "last 15m" or "2h".`,
      };
    if (ms < 60_000)
      return {
        ...out,
        error: `A window shorter than a minute ("${rel[1]}${rel[2]}") is too short to read logs that arrive minutes late; try "last 15m".`,
      };
    const from = new Date(now.getTime() - ms);
    result = finish(from, now, `last ${formatDuration(ms)}`, now, notes);
  }
  const word = result
    ? null
    : take(
        /\s(?:in\s+|over\s+|for\s+)?(?:the\s+)?(?:last|past|previous)\s+(half\s+(?:an\s+)?hour|hour|minute|day|week|24\s*h)(?=\s)/,
      );
  if (word) {
    const key = word[1].replace(/\s+/g, ' ');
    const ms = key.startsWith('half') ? 30 * 60_000 : key.startsWith('24') ? 86_400_000 : UNIT_MS[key];
    result = finish(new Date(now.getTime() - ms), now, `last ${formatDuration(ms)}`, now, notes);
  }
  if (!result) {
    const bare = take(/\s(today|yesterday)(?=\s)/);
    if (bare) {
      const today = localParts(now, zone.tz);
      const day = bare[1] === 'today' ? today : addDays(today, -1);
      const from = localToUtc({ ...day, hour: 0, minute: 0 }, zone.tz);
      const to = bare[1] === 'today' ? now : localToUtc({ ...addDays(day, 1), hour: 0, minute: 0 }, zone.tz);
      result = finish(from, to, `${bare[1]} (${zone.name})`, now, notes);
    }
  }
  out.rest = rest.replace(/\s+/g, ' ').trim();
  if (result?.error) return { ...out, error: result.error };
  if (result?.window) out.window = result.window;
  else if (notes.length) out.window = { ...defaultWindow(now), note: notes.join(' ') };
  return out;
}
