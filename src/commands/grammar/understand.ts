/**
 * Chat text -> ParseOutcome, on intents, slots and synonyms: the window is read first (window.ts), then
 * every word says what it can (slots.ts), then one intent is chosen (intents.ts). Tolerant of how people
 * type in an outage; strict about anything that reaches KQL (API and backend names are plain tokens).
 */
import type { Baseline, Command, Intent, ParseContext, ParseOutcome } from '../types';
import { BASELINE_WORDS, baselineProblem } from '../baseline';
import { defaultWindow, scanWindow } from '../window';
import { cleanText, NAME_TOKEN, stripEmoji, tokenize } from './text';
import { readTokens, type NameAt, type Reading } from './slots';
import { resolveIntent } from './intents';
import { WORDS } from './lexicon';
import { SIGNATURES } from '../../signatures/catalog';
import { commandText, signaturePhrase } from '../text';
import { closestCommands, exampleOf, replaceWord, timeFixes } from './suggest';

const SECOND_LENGTH = /^\d+(?:\.\d+)?(?:m|mins?|minutes?|h|hrs?|hours?|d|days?|w|wks?|weeks?)$/;
const TIME_WORDS = new Set(['since', 'between', 'until', 'till', 'after', 'before', 'at', '@']);
const BASELINE_DAY = 'yesterday|a day ago|the day before|(?:the )?previous day|last day';
const BASELINE_WEEK = 'last week|a week ago|the week before|(?:the )?previous week';
const BASELINE = `(?:the )?(?:same (?:time|window|period) )?(${BASELINE_DAY}|${BASELINE_WEEK})`;
/** "vs yesterday", "compared to last week"; with "compare" in the sentence also "... with yesterday". */
const BASELINE_DIRECT = new RegExp(`\\b(?:vs\\.?|versus|compared? (?:to|with|against)|than) ${BASELINE}\\b`);
const BASELINE_AFTER_COMPARE = new RegExp(`\\b(?:with|to|against) ${BASELINE}\\b`);

function fail(error: string, suggestions: string[]): ParseOutcome {
  return { ok: false, error, suggestions };
}

function badName(what: 'API' | 'backend', raw: string, example: string): ParseOutcome {
  const shown = raw.length > 40 ? `${raw.slice(0, 40)}…` : raw;
  return fail(`"${shown}" is not a valid ${what} name: use letters, digits, ".", "_" or "-" (at most 80 characters).`, [
    example,
  ]);
}

/** Takes the comparison baseline out of the text before the window is read ("yesterday" is not the window there). */
function takeBaseline(text: string): { text: string; baseline?: Baseline } {
  const m = BASELINE_DIRECT.exec(text) ?? (/\bcompar/.test(text) ? BASELINE_AFTER_COMPARE.exec(text) : null);
  if (!m) return /\bcompar/.test(text) ? { text, baseline: 'day' } : { text };
  const baseline = new RegExp(`^(?:${BASELINE_WEEK})$`).test(m[1]) ? 'week' : 'day';
  return { text: `${text.slice(0, m.index)} compare ${text.slice(m.index + m[0].length)}`, baseline };
}

/** The breaker's backend and the API: "breaker shipping-backend on payments-api". */
function splitNames(names: NameAt[], intent: Intent): { api?: NameAt; backend?: NameAt } {
  if (intent !== 'breaker') return { api: names[0] };
  const backend = names.find((n) => n.after !== 'on' && n.after !== 'against') ?? names[0];
  return { backend, api: names.find((n) => n !== backend) };
}

/** "breaker key": a word the bot does not know, or only a hint word, right after "breaker" is the backend's name. */
function wordAfterBreaker(r: Reading): string | undefined {
  const at = r.cues.find((c) => c.cue.intent === 'breaker')?.at;
  if (at === undefined || r.tokens[at + 1] === undefined) return r.unknown[0];
  const next = r.tokens[at + 1];
  const cue = r.cues.find((c) => c.at === at + 1);
  return r.unknown.includes(next) || cue?.cue.weak ? next : r.unknown[0];
}

/** "the breaker" or a bare "breaker" means one backend the person did not name; "a breaker" means any. */
function oneUnnamedBreaker(r: Reading): boolean {
  const at = r.cues.find((c) => c.cue.intent === 'breaker')?.at ?? -1;
  return r.tokens[at - 1] === 'the' || r.tokens.length === 1;
}

/** The word to repeat in a suggestion: as typed when it is a real word, never a typo. */
function commandWord(intent: Intent, r: Reading): string {
  const typed = r.cues.find((c) => c.cue.intent === intent && WORDS.has(c.word))?.word;
  if (typed) return typed;
  if (intent === 'statusClass') return r.statusClass ?? '5xx';
  return exampleOf(intent).split(' ')[0];
}

/** Only triage and latency compare with a baseline; a window longer than the baseline's distance would overlap it. */
function compareCommand(command: Command, baseline: Baseline): Command | { error: string; suggestions: string[] } {
  if (command.kind !== 'triage' && command.kind !== 'latency') {
    // The command as people name it, not its internal kind.
    const asked = commandText(command).split(' ')[0];
    return {
      error: `Comparing with ${BASELINE_WORDS[baseline]} works for triage and latency, not for "${asked}" yet:`,
      suggestions: (['triage', 'latency'] as const).map((kind) => commandText({ ...command, kind, baseline })),
    };
  }
  const compared: Command = { ...command, baseline };
  const problem = baselineProblem(compared);
  if (problem) {
    const to = command.window.to;
    const hour: Command = { ...compared, window: { from: new Date(to.getTime() - 3_600_000), to, label: 'last 1h' } };
    return {
      error: problem,
      suggestions: [commandText(hour), commandText({ ...hour, baseline: 'week' })],
    };
  }
  return compared;
}

export function understand(text: string, ctx: ParseContext): ParseOutcome {
  // Offered commands must work when pressed: keep only those that parse here and now (checked one level deep).
  const workable = (texts: string[]): string[] => [...new Set(texts)].filter((t) => read(t, ctx, (x) => x).ok);
  return read(text, ctx, workable);
}

function read(text: string, ctx: ParseContext, workable: (texts: string[]) => string[]): ParseOutcome {
  const cleaned = cleanText(text ?? '');
  if (!cleaned) return { ok: true, command: { text: cleaned, kind: 'help', window: defaultWindow(ctx.now) } };

  const lowered = stripEmoji(cleaned.toLowerCase()).replace(/[?!,;]+(\s|$)/g, ' ');
  const { text: withoutBaseline, baseline } = takeBaseline(lowered);
  const scan = scanWindow(withoutBaseline, ctx.now, ctx.timeZone);
  if (scan.error)
    return fail(scan.error, workable(['triage last 15m', 'triage since 14:30', 'triage between 14:00 and 14:30']));
  const window = scan.window ?? defaultWindow(ctx.now);
  const r = readTokens(tokenize(scan.rest));
  // Only one window is read; a second length ("1h 30m") must not be dropped without a word.
  const extra = r.unknown.find((t) => SECOND_LENGTH.test(t));
  if (extra && scan.window) {
    return fail(
      `I read the window as "${window.label}" and could not use "${extra}" as well: give one window.`,
      workable([replaceWord(cleaned, extra, '').trim(), 'triage last 90m']),
    );
  }
  if (r.tokens.length === 0) return { ok: true, command: { text: cleaned, kind: 'help', window } };

  const resolved = resolveIntent(r, baseline !== undefined);
  if (resolved.kind === 'action') {
    return fail(
      `I only read the gateway logs, so I can't "${resolved.verb}" anything. I can tell you what is failing:`,
      [r.names[0] && !r.names[0].invalid ? `triage on ${r.names[0].value}` : 'triage', 'help'],
    );
  }
  if (resolved.kind === 'tie') return fail('Did you mean one of these?', resolved.intents.slice(0, 3).map(exampleOf));
  if (resolved.kind === 'unknown') {
    const shown = r.unknown.slice(0, 3).join(' ');
    return fail(
      shown ? `I don't know the command "${shown}".` : 'I could not find a command in that message.',
      workable(closestCommands(r.unknown, cleaned)).slice(0, 3),
    );
  }
  const intent = resolved.intent;
  if (resolved.weakOnly) return fail('Did you mean one of these?', [exampleOf(intent), 'triage', 'help']);

  const { api, backend } = splitNames(r.names, intent);
  if (api?.invalid) return badName('API', api.value, 'why 500 on payments-api');
  const typedKind = commandWord(intent, r);

  // A time word whose time could not be read must not silently fall back to the default window.
  const dangling = r.tokens.find((w) => TIME_WORDS.has(w) && (intent === 'breaker' || (w !== 'at' && w !== '@')));
  if (dangling && intent !== 'help') {
    return fail(
      `I could not read the time after "${dangling}": use HH:MM (e.g. "since 14:30"), "between 14:00 and 14:30", or a length like "30m".`,
      workable([...timeFixes(cleaned, dangling), `${typedKind} since 14:30`]).slice(0, 2),
    );
  }
  if (scan.at && intent !== 'breaker') {
    return fail(
      '"at <time>" only applies to "breaker <backend> at <time>"; for other commands use "since 14:30" or "between 14:00 and 14:30".',
      workable([cleaned.replace(/(^|\s)(?:at|@)(?=\s)/i, '$1since'), `${typedKind} since 14:30`]).slice(0, 1),
    );
  }

  const slots = { api: api?.value, status: r.status, statusClass: r.statusClass };
  // "compare with yesterday" is triage against that baseline; "latency vs last week" keeps its own answer.
  const kind = intent === 'compare' ? 'triage' : intent;
  const command: Command = { text: cleaned, kind, window };
  if (slots.api !== undefined && kind !== 'help') command.api = slots.api;
  if (baseline !== undefined || intent === 'compare') {
    const compared = compareCommand(command, baseline ?? 'day');
    if ('error' in compared) return fail(compared.error, workable(compared.suggestions));
    return { ok: true, command: compared };
  }
  switch (kind) {
    case 'why':
      if (slots.status === undefined) {
        return fail('"why" needs a status code, e.g. "why 500" or "why 401 on orders-api".', [
          'why 500',
          'why 401 on orders-api',
          'triage',
        ]);
      }
      command.status = slots.status;
      break;
    case 'auth401':
      command.status = 401;
      break;
    case 'breaker': {
      const plain = backend === undefined ? wordAfterBreaker(r) : undefined;
      const name = backend ?? (plain === undefined ? undefined : { value: plain, invalid: !NAME_TOKEN.test(plain) });
      if (name === undefined) {
        if (!oneUnnamedBreaker(r)) return { ok: true, command: { ...command, kind: 'breakers' } };
        return fail('"breaker" needs a backend: the backend id or the end of its URL host.', [
          'breaker shipping-backend',
          'breakers',
        ]);
      }
      if (name.invalid) return badName('backend', name.value, 'breaker shipping-backend');
      command.backend = name.value;
      if (scan.at) command.at = scan.at;
      break;
    }
    case 'statusClass':
      command.statusClass = slots.statusClass ?? '5xx';
      break;
    case 'callers': {
      // Signature ids look like API names ("callers of rate-limited"): they name the failure, not the API.
      const ids = r.tokens.filter((t) => SIGNATURES.some((sig) => sig.id === t));
      const signatures = ids.length ? [...new Set(ids)] : signaturePhrase(lowered);
      if (signatures.length === 0)
        return fail(
          '"callers" needs the failure whose callers you want: a signature id such as subscription-key-invalid, or "with a bad key".',
          ['callers of subscription-key-invalid', 'callers of rate-limited', 'triage'],
        );
      command.signatures = signatures;
      const apiName = r.names.find((n) => !ids.includes(n.value));
      if (apiName?.invalid) return badName('API', apiName.value, 'callers of rate-limited on inventory-api');
      if (apiName) command.api = apiName.value;
      else delete command.api;
      break;
    }
    case 'triage':
    case 'tls':
    case 'breakers':
    case 'apis':
    case 'latency':
    case 'changes':
    case 'help':
      break;
  }
  return { ok: true, command };
}
