/**
 * Tokens -> what they say: intent cues (from lexicon.ts, typos forgiven), the status or status class,
 * and the API/backend names wherever they stand in the sentence.
 */
import {
  ACTION_VERBS,
  type Cue,
  DETERMINERS,
  FILLER,
  FUZZY_TARGETS,
  NAME_PREPOSITIONS,
  PHRASES,
  WORDS,
} from './lexicon';
import { editDistance, NAME_TOKEN } from './text';
import type { StatusClass } from '../types';

interface CueAt {
  cue: Cue;
  word: string;
  at: number;
}

export interface NameAt {
  value: string;
  at: number;
  /** The preposition before it ("on", "for"), if any. */
  after?: string;
  /** Not a valid API/backend name (kept to say so, never to query). */
  invalid?: boolean;
}

export interface Reading {
  tokens: string[];
  cues: CueAt[];
  names: NameAt[];
  status?: number;
  statusClass?: StatusClass;
  /** Words the lexicon does not know and that are not names. */
  unknown: string[];
  /** A typo that is equally close to words of different intents. */
  fuzzyTies: Cue[][];
  /** The first word, when it asks the bot to act ("restart ..."). */
  action?: string;
}

const STATUS_TOKEN = /^([1-5]\d\d)(?:s|z|'s)?$/;
const CLASS_TOKEN = /^([45])xx(?:s|'s)?$/;
/** Names people give APIs and backends: a dash, dot or underscore ("orders-api", "payments.corp.local"), or "...api". */
const NAME_LIKE = /^[a-z0-9][a-z0-9._-]*(?:[-_.]|api$)[a-z0-9._-]*$/;
/** The word people add after an API's name ("orders api"), which the name itself ends with ("orders-api"). */
const API_WORDS = new Set(['api', 'apis']);

const STATE_QUESTION = new Set(['is', 'are', 'was', 'isnt']);

/** Forgiven typo: the strong intent words within one slip (two for words of 7+ letters). */
function fuzzyCues(word: string): Cue[] {
  if (!/^[a-z]{2,}$/.test(word)) return [];
  let best = Infinity;
  let found: Cue[] = [];
  for (const [target, cue] of FUZZY_TARGETS) {
    const limit = target.length >= 7 ? 2 : 1;
    if (Math.abs(target.length - word.length) > limit) continue;
    const d = editDistance(word, target);
    if (d > limit || d > best) continue;
    if (d < best) found = [];
    best = d;
    if (!found.some((c) => c.intent === cue.intent)) found.push(cue);
  }
  return found;
}

/** "orders api": the space stands for the hyphen of "orders-api"; the "api" is then part of the name, not a command. */
function joinApiWord(tokens: string[], at: number, used: boolean[]): string {
  const next = tokens[at + 1];
  if (next === undefined || !API_WORDS.has(next) || used[at + 1] || NAME_LIKE.test(tokens[at])) return tokens[at];
  used[at + 1] = true;
  return `${tokens[at]}-${next}`;
}

function isKnown(t: string): boolean {
  return WORDS.has(t) || FILLER.has(t) || DETERMINERS.has(t) || NAME_PREPOSITIONS.has(t);
}

export function readTokens(tokens: string[]): Reading {
  const r: Reading = { tokens, cues: [], names: [], unknown: [], fuzzyTies: [] };
  const used = new Array<boolean>(tokens.length).fill(false);
  if (tokens.length > 1 && ACTION_VERBS.has(tokens[0])) r.action = tokens[0];

  // Phrases first, so "server errors" is a status class rather than "errors".
  for (let i = 0; i < tokens.length; i++) {
    for (const [phrase, cue] of PHRASES) {
      const parts = phrase.split(' ');
      if (parts.every((p, k) => tokens[i + k] === p && !used[i + k])) {
        r.cues.push({ cue, word: phrase, at: i });
        parts.forEach((_, k) => (used[i + k] = true));
        break;
      }
    }
  }

  // A name right after a preposition, even a plain word: "rate limiting on inventory".
  for (let i = 0; i < tokens.length; i++) {
    if (used[i] || !NAME_PREPOSITIONS.has(tokens[i])) continue;
    let j = i + 1;
    while (j < tokens.length && DETERMINERS.has(tokens[j]) && !used[j]) j++;
    const t = tokens[j];
    if (t === undefined || used[j] || isKnown(t) || STATUS_TOKEN.test(t) || CLASS_TOKEN.test(t)) continue;
    used[j] = true;
    const value = joinApiWord(tokens, j, used);
    r.names.push({ value, at: j, after: tokens[i], invalid: !NAME_TOKEN.test(value) });
  }

  const unknownAt: number[] = [];
  for (let i = 0; i < tokens.length; i++) {
    if (used[i]) continue;
    const t = tokens[i];
    // "api orders-api": the word labels the name that follows.
    if (t === 'api' && NAME_LIKE.test(tokens[i + 1] ?? '')) continue;
    const status = STATUS_TOKEN.exec(t);
    const cls = CLASS_TOKEN.exec(t);
    const cue = WORDS.get(t);
    if (status) r.status ??= Number(status[1]);
    else if (cls) r.statusClass ??= cls[1] === '4' ? '4xx' : '5xx';
    else if (cue) r.cues.push({ cue, word: t, at: i });
    else if (FILLER.has(t) || DETERMINERS.has(t) || NAME_PREPOSITIONS.has(t) || t === r.action) continue;
    else if (NAME_LIKE.test(t)) r.names.push({ value: t, at: i, invalid: !NAME_TOKEN.test(t) });
    else if (API_WORDS.has(tokens[i + 1] ?? '') && !used[i + 1]) {
      const value = joinApiWord(tokens, i, used);
      r.names.push({ value, at: i, invalid: !NAME_TOKEN.test(value) });
    } else {
      const fuzzy = fuzzyCues(t);
      if (fuzzy.length === 1) r.cues.push({ cue: fuzzy[0], word: t, at: i });
      else if (fuzzy.length > 1) r.fuzzyTies.push(fuzzy);
      else unknownAt.push(i);
    }
  }
  // "is checkout down", "why is checkout slow": the word between "is" and a state names the API.
  const stateAt = new Set(
    r.cues.filter((c) => c.cue.intent === 'triage' || c.cue.intent === 'latency').map((c) => c.at),
  );
  for (const i of unknownAt) {
    if (r.names.length === 0 && STATE_QUESTION.has(tokens[i - 1]) && stateAt.has(i + 1))
      r.names.push({ value: tokens[i], at: i, invalid: !NAME_TOKEN.test(tokens[i]) });
    else r.unknown.push(tokens[i]);
  }
  for (const c of r.cues) {
    if (c.cue.status !== undefined) r.status ??= c.cue.status;
    if (c.cue.statusClass !== undefined) r.statusClass ??= c.cue.statusClass;
  }
  r.names.sort((a, b) => a.at - b.at);
  r.cues.sort((a, b) => a.at - b.at);
  return r;
}
