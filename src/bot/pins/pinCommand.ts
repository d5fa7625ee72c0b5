/**
 * `pin <command> [every <N>m|h] [for <N>h|m | until HH:MM]`, `unpin [all]` and `pins`: the grammar of
 * live pinned cards. The inner command goes through the real command parser, so anything the bot
 * answers can be pinned and a typo gets the same suggestions as a typed command.
 */
import { parseCommand } from '../../commands/parse';
import type { ParseContext } from '../../commands/types';
import { addDays, isValidTimeZone, localParts, localToUtc } from '../../commands/time';

const DEFAULT_EVERY_MS = 5 * 60_000;
const MIN_EVERY_MS = 60_000;
const MAX_EVERY_MS = 60 * 60_000;
const DEFAULT_LIFETIME_MS = 4 * 3600_000;
const MAX_LIFETIME_MS = 24 * 3600_000;

export type PinCommand =
  | { kind: 'pin'; commandText: string; everyMs: number; untilMs: number }
  | { kind: 'unpin'; all: boolean }
  | { kind: 'list' }
  | { error: string; suggestions: string[] };

const EXAMPLES = ['pin triage last 15m every 5m', 'pin why 503 on shipping-api every 2m for 2h', 'unpin'];

/** True when the text is addressed to the pin grammar (checked before the normal parser). */
export function isPinText(text: string): boolean {
  return /^\s*(pin|unpin|pins)\b/i.test(text);
}

const UNIT_MS: Record<string, number> = {
  m: 60_000,
  min: 60_000,
  mins: 60_000,
  minute: 60_000,
  minutes: 60_000,
  h: 3600_000,
  hr: 3600_000,
  hrs: 3600_000,
  hour: 3600_000,
  hours: 3600_000,
};
const UNIT = '(m|mins?|minutes?|h|hrs?|hours?)';
const EVERY = new RegExp(`\\s+every\\s+(\\d+(?:\\.\\d+)?)?\\s*${UNIT}$`, 'i');
const FOR = new RegExp(`\\s+for\\s+(\\d+(?:\\.\\d+)?)\\s*${UNIT}$`, 'i');
const UNTIL = /\s+(?:until|till|til)\s+(\d{1,2})[:.h]?(\d{2})?\s*(utc|z)?$/i;
/** An option word with something after it we could not read: refuse rather than pin the wrong thing. */
const DANGLING = /\s(every|until|till)\s+\S.*$/i;

/** Parses pin text; undefined when the text is not a pin command at all. */
export function parsePinCommand(text: string, ctx: ParseContext): PinCommand | undefined {
  const cleaned = (text ?? '').replace(/\s+/g, ' ').trim();
  const head = /^(pin|unpin|pins)\b\s*(.*)$/i.exec(cleaned);
  if (!head) return undefined;
  const verb = head[1].toLowerCase();
  let rest = head[2].replace(/[?!.]+$/, '').trim();

  if (verb === 'pins' || (verb === 'pin' && /^(list|ls|show)$/i.test(rest))) {
    return rest === '' || verb === 'pin'
      ? { kind: 'list' }
      : { error: `"pins" takes nothing after it.`, suggestions: ['pins', 'unpin all'] };
  }
  if (verb === 'unpin') {
    if (rest === '' || /^(it|this|that|last)$/i.test(rest)) return { kind: 'unpin', all: false };
    if (/^all$/i.test(rest)) return { kind: 'unpin', all: true };
    return {
      error: `"unpin" takes nothing or "all" after it, not "${rest.slice(0, 40)}".`,
      suggestions: ['unpin', 'unpin all', 'pins'],
    };
  }
  if (rest === '') {
    return { error: 'Say which command to keep current, e.g. "pin triage last 15m every 5m".', suggestions: EXAMPLES };
  }

  let everyMs: number | undefined;
  let lifetime: { ms: number } | { at: { hour: number; minute: number; utc: boolean } } | undefined;
  // Options come after the command, in either order.
  for (let i = 0; i < 2; i++) {
    rest = ' ' + rest;
    const e = everyMs === undefined ? EVERY.exec(rest) : null;
    if (e) {
      everyMs = Number(e[1] ?? '1') * UNIT_MS[e[2].toLowerCase()];
      rest = rest.slice(0, e.index);
    } else if (lifetime === undefined) {
      const f = FOR.exec(rest);
      const u = f ? null : UNTIL.exec(rest);
      if (f) {
        lifetime = { ms: Number(f[1]) * UNIT_MS[f[2].toLowerCase()] };
        rest = rest.slice(0, f.index);
      } else if (u) {
        lifetime = { at: { hour: Number(u[1]), minute: Number(u[2] ?? '0'), utc: Boolean(u[3]) } };
        rest = rest.slice(0, u.index);
      }
    }
    rest = rest.trim();
  }
  const dangling = DANGLING.exec(' ' + rest);
  if (dangling) {
    return {
      error: `I could not read "${dangling[0].trim().slice(0, 40)}": use "every 5m" (1 to 60 minutes) and "for 2h" or "until 18:30" (at most 24 h).`,
      suggestions: EXAMPLES,
    };
  }

  everyMs ??= DEFAULT_EVERY_MS;
  if (!Number.isFinite(everyMs) || everyMs < MIN_EVERY_MS || everyMs > MAX_EVERY_MS) {
    return {
      error: 'A pinned card refreshes every 1 to 60 minutes, e.g. "every 5m" or "every 1h".',
      suggestions: [`pin ${rest} every 5m`],
    };
  }
  everyMs = Math.round(everyMs / 1000) * 1000;

  const now = ctx.now.getTime();
  let untilMs = now + DEFAULT_LIFETIME_MS;
  if (lifetime && 'ms' in lifetime) {
    if (!(lifetime.ms > 0) || lifetime.ms > MAX_LIFETIME_MS) {
      return {
        error: 'A card stays pinned for at most 24 hours, e.g. "for 4h".',
        suggestions: [`pin ${rest} every 5m for 4h`],
      };
    }
    untilMs = now + lifetime.ms;
  } else if (lifetime) {
    const { hour, minute, utc } = lifetime.at;
    if (hour > 23 || minute > 59) {
      return {
        error: `"${hour}:${String(minute).padStart(2, '0')}" is not a time of day; use HH:MM, e.g. "until 18:30".`,
        suggestions: [`pin ${rest} until 18:30`],
      };
    }
    untilMs = nextWallClock(ctx.now, hour, minute, utc ? 'UTC' : zoneOf(ctx)).getTime();
  }
  if (untilMs - now < everyMs) {
    return {
      error: 'That pin would end before its first refresh; pin for longer or refresh more often.',
      suggestions: [`pin ${rest} every 5m for 4h`],
    };
  }

  const inner = parseCommand(rest, ctx);
  if (!inner.ok) {
    return {
      error: `I can't pin "${rest.slice(0, 60)}": ${inner.error}`,
      suggestions: inner.suggestions.map((s) => `pin ${s}`),
    };
  }
  if (inner.command.kind === 'help') {
    return {
      error: 'Help does not change, so there is nothing to keep current; pin a query instead.',
      suggestions: EXAMPLES,
    };
  }
  return { kind: 'pin', commandText: inner.command.text, everyMs, untilMs };
}

function zoneOf(ctx: ParseContext): string {
  return ctx.timeZone && isValidTimeZone(ctx.timeZone) ? ctx.timeZone : 'UTC';
}

/** The next instant (after `now`) at which the wall clock in `tz` shows hour:minute. */
function nextWallClock(now: Date, hour: number, minute: number, tz: string): Date {
  const today = localParts(now, tz);
  let at = localToUtc({ ...today, hour, minute }, tz);
  if (at.getTime() <= now.getTime()) at = localToUtc({ ...addDays(today, 1), hour, minute }, tz);
  return at;
}
