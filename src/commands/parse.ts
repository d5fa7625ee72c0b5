/**
 * Chat text -> Command. Tolerant of how people type during an outage ("why are we getting 401s on
 * orders-api?", "triage 30m pls", leftover <at>mentions</at>), strict about anything that reaches KQL:
 * API and backend names must be plain tokens.
 */
import type { Command, CommandKind, ParseContext, ParseOutcome } from './types';
import { COMMAND_HELP } from './help';
import { defaultWindow, scanWindow } from './window';

/** API ids and backend names as the recipes accept them; anything else never reaches KQL. */
export const NAME_TOKEN = /^[A-Za-z0-9._-]{1,80}$/;

const WORD_TO_KIND = new Map<string, CommandKind>();
for (const h of COMMAND_HELP) for (const w of h.words) WORD_TO_KIND.set(w, h.kind);

const FILLER = new Set(
  (
    "pls please plz thx thanks ty hey hi hello yo bot can could would you u we are is was were what whats what's " +
    'getting get got seeing see the a an me us show give run do any all of with going happening some our my ' +
    "again now quick quickly failures errors error failing broken there here about it its it's so ok okay many lots " +
    "requests calls responses tripped tripping open opened going why's status-codes"
  ).split(' '),
);

/** The word people add after an API's name ("orders api"), which the name itself ends with ("orders-api"). */
const API_WORDS = new Set(['api', 'apis']);

/** A leftover word that names an API without "on": it looks like one ("orders-api", "orders_api", "legacy.api"). */
const API_LIKE = /^[a-z0-9][a-z0-9._-]*(?:[-_.]|api$)[a-z0-9._-]*$/;

const TIME_WORDS = new Set(['since', 'between', 'until', 'till', 'after', 'before', 'at', '@']);

const STATUS_TOKEN = /^([1-5]\d\d)s?$/;

function cleanText(text: string): string {
  return text
    .replace(/<at\b[^>]*>[\s\S]*?<\/at>/gi, ' ') // Teams mentions, wherever they are
    .replace(/<[^>]+>/g, ' ') // other markup Teams may leave (p, span, br)
    .replace(/&nbsp;|&#160;/gi, ' ')
    .replace(/&amp;/gi, '&')
    .replace(/&lt;/gi, '<')
    .replace(/&gt;/gi, '>')
    .replace(/&quot;/gi, '"')
    .replace(/&#39;|&apos;/gi, "'")
    .replace(/[\u00a0\u2000-\u200b\u202f\u205f\u3000\ufeff]/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
}

/** Trailing sentence punctuation and wrapping quotes/markdown are not part of a word. */
function trimToken(t: string): string {
  return t
    .replace(/^[`"'*_([]+/, '')
    .replace(/[`"'*_)\]]+$/, '')
    .replace(/[?!.,;:…]+$/, '')
    .replace(/^[`"'*_([]+/, '')
    .replace(/[`"'*_)\]]+$/, '');
}

export function editDistance(a: string, b: string): number {
  const prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  const cur = new Array<number>(b.length + 1);
  let prevPrev: number[] = [];
  for (let i = 1; i <= a.length; i++) {
    cur[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      cur[j] = Math.min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + cost);
      // Adjacent transposition ("triaeg") counts as one slip.
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1])
        cur[j] = Math.min(cur[j], prevPrev[j - 2] + 1);
    }
    prevPrev = prev.slice();
    for (let j = 0; j <= b.length; j++) prev[j] = cur[j];
  }
  return prev[b.length];
}

/** Close command words for unknown ones, best first: which typed word to replace with which command word. */
function closeCommandWords(words: string[]): { typed: string; word: string; kind: CommandKind }[] {
  const best = new Map<CommandKind, { typed: string; word: string; d: number }>();
  for (const w of words) {
    if (w.length < 2) continue;
    for (const h of COMMAND_HELP) {
      for (const cw of h.words) {
        if (cw.length < 3) continue;
        const d = editDistance(w, cw);
        const limit = Math.max(1, Math.floor(cw.length / 3));
        if (d <= limit && d < (best.get(h.kind)?.d ?? Infinity)) best.set(h.kind, { typed: w, word: cw, d });
      }
    }
  }
  return [...best.entries()].sort((a, b) => a[1].d - b[1].d).map(([kind, v]) => ({ kind, ...v }));
}

const escapeRe = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** `text` with the first whole-word `from` (any case) replaced: the user's own command, corrected. */
function replaceWord(text: string, from: string, to: string): string {
  return text.replace(new RegExp(`(^|\\s)${escapeRe(from)}(?=\\s|$)`, 'i'), `$1${to}`);
}

/** An API named without "on": a word shaped like an API id, or any word followed by "api". */
function apiWithoutOn(words: string[], kindAt: number): { name: string; at: number; length: number } | undefined {
  for (let i = 0; i < words.length; i++) {
    const w = words[i];
    if (i === kindAt || WORD_TO_KIND.has(w) || FILLER.has(w) || API_WORDS.has(w)) continue;
    if (STATUS_TOKEN.test(w) || TIME_WORDS.has(w)) continue;
    if (API_WORDS.has(words[i + 1] ?? '') && !API_WORDS.has(w))
      return { name: `${w}-${words[i + 1]}`, at: i, length: 2 };
    if (API_LIKE.test(w)) return { name: w, at: i, length: 1 };
  }
  return undefined;
}

function fail(error: string, suggestions: string[]): ParseOutcome {
  return { ok: false, error, suggestions };
}

function badName(what: 'API' | 'backend', raw: string, example: string): ParseOutcome {
  const shown = raw.length > 40 ? `${raw.slice(0, 40)}…` : raw;
  return fail(`"${shown}" is not a valid ${what} name: use letters, digits, ".", "_" or "-" (at most 80 characters).`, [
    example,
  ]);
}

export function parseCommand(text: string, ctx: ParseContext): ParseOutcome {
  const cleaned = cleanText(text ?? '');
  const base = { text: cleaned };
  if (!cleaned) return { ok: true, command: { ...base, kind: 'help', window: defaultWindow(ctx.now) } };

  // Offered commands must work when pressed: keep only those that parse here and now.
  const workable = (texts: string[]): string[] => [...new Set(texts)].filter((t) => parseCommand(t, ctx).ok);
  const scan = scanWindow(cleaned.toLowerCase().replace(/[?!,;]+(\s|$)/g, ' '), ctx.now, ctx.timeZone);
  if (scan.error)
    return fail(scan.error, workable(['triage last 15m', 'triage since 14:30', 'triage between 14:00 and 14:30']));

  const tokens = scan.rest
    .split(' ')
    .map(trimToken)
    .filter((t) => t.length > 0);
  let api: string | undefined;
  const words: string[] = [];
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i];
    if ((t === 'on' || t === 'for' || t === 'against') && i + 1 < tokens.length && api === undefined) {
      let candidate = tokens[++i];
      // "orders api": the space stands for the hyphen of "orders-api".
      if (API_WORDS.has(tokens[i + 1] ?? '') && !API_WORDS.has(candidate)) candidate += `-${tokens[++i]}`;
      if (!NAME_TOKEN.test(candidate)) return badName('API', candidate, 'why 500 on payments-api');
      api = candidate;
      continue;
    }
    words.push(t);
  }

  let kind: CommandKind | undefined;
  let kindAt = -1;
  let status: number | undefined;
  for (let i = 0; i < words.length; i++) {
    const k = WORD_TO_KIND.get(words[i]);
    if (k && kind === undefined) {
      kind = k;
      kindAt = i;
    }
  }
  const statusAt = words.findIndex((w) => STATUS_TOKEN.test(w));
  if (statusAt >= 0) status = Number(STATUS_TOKEN.exec(words[statusAt])![1]);

  if (kind === 'why' && status === undefined) {
    // "why is the breaker open": another command word names what they mean.
    const other = words
      .slice(kindAt + 1)
      .map((w) => WORD_TO_KIND.get(w))
      .find((k) => k && k !== 'why' && k !== 'help');
    if (other) kind = other;
    else
      return fail('"why" needs a status code, e.g. "why 500" or "why 401 on orders-api".', [
        'why 500',
        'why 401 on orders-api',
        'triage',
      ]);
  }
  if (kind === 'auth401' && words[kindAt] !== 'auth' && words[kindAt] !== 'unauthorized') status = 401;
  if (kind === undefined && status !== undefined) kind = status === 401 ? 'auth401' : 'why'; // "500s on payments-api"
  if (kind === undefined) {
    const unknown = words.filter((w) => !FILLER.has(w));
    const shown = (unknown.length ? unknown : words).slice(0, 3).join(' ');
    // The user's own text with the misspelled word corrected ("trige 15m" -> "triage 15m"), else the command's example.
    const corrected = closeCommandWords(unknown.length ? unknown : words).flatMap((c) => [
      replaceWord(cleaned, c.typed, c.word),
      COMMAND_HELP.find((h) => h.kind === c.kind)!.examples[0],
    ]);
    const suggestions = workable([...corrected, 'triage', 'help']);
    return fail(
      shown ? `I don't know the command "${shown}".` : 'I could not find a command in that message.',
      suggestions.slice(0, 3),
    );
  }

  if (api === undefined && kind !== 'breaker') {
    // "why 401 orders-api", "401s orders api": the API is kept wherever it appears, with or without "on".
    const named = apiWithoutOn(words, kindAt);
    if (named) {
      if (!NAME_TOKEN.test(named.name)) return badName('API', named.name, 'why 500 on payments-api');
      api = named.name;
      words.splice(named.at, named.length);
    }
  }

  // A time word whose time could not be read must not silently fall back to the default window.
  const dangling = words.find((w) => TIME_WORDS.has(w) && (kind === 'breaker' || (w !== 'at' && w !== '@'))); // "look at breakers" is fine
  if (dangling && kind !== 'help') {
    return fail(
      `I could not read the time after "${dangling}": use HH:MM (e.g. "since 14:30"), "between 14:00 and 14:30", or a length like "30m".`,
      workable(
        ['since 14:30', 'last 30m'].map((w) =>
          cleaned.replace(new RegExp(`(^|\\s)${escapeRe(dangling)}(\\s+\\S+)?(?=\\s|$)`, 'i'), `$1${w}`),
        ),
      ),
    );
  }
  const window = scan.window ?? defaultWindow(ctx.now);
  const command: Command = { ...base, kind, window };
  if (api !== undefined && kind !== 'help') command.api = api;

  if (scan.at && kind !== 'breaker') {
    return fail(
      '"at <time>" only applies to "breaker <backend> at <time>"; for other commands use "since 14:30" or "between 14:00 and 14:30".',
      workable([cleaned.replace(/(^|\s)(?:at|@)(?=\s)/i, '$1since')]),
    );
  }

  switch (kind) {
    case 'why':
      command.status = status;
      if (status! < 100 || status! > 599) return fail(`${status} is not an HTTP status code.`, ['why 500']);
      break;
    case 'auth401':
      command.status = 401;
      break;
    case 'breaker': {
      const rest = words.slice(kindAt + 1).filter((w) => !FILLER.has(w) && !WORD_TO_KIND.has(w));
      const backend = rest[0] ?? api;
      if (backend === undefined) {
        return fail('"breaker" needs a backend: the backend id or the end of its URL host.', [
          'breaker shipping-backend',
          'breakers',
        ]);
      }
      if (!NAME_TOKEN.test(backend)) return badName('backend', backend, 'breaker shipping-backend');
      command.backend = backend;
      if (backend === api) delete command.api;
      if (scan.at) command.at = scan.at;
      break;
    }
    case 'triage':
    case 'tls':
    case 'breakers':
    case 'apis':
    case 'help':
      break;
  }
  return { ok: true, command };
}
