/**
 * What to offer when the bot cannot run what was asked: the closest commands it can run (each one is a
 * button on the help card).
 */
import type { CommandKind, Intent } from '../types';
import { COMMAND_HELP } from '../help';
import { editDistance } from './text';
import { FUZZY_TARGETS } from './lexicon';

/** The first example of each command the bot answers. */
export function exampleOf(intent: Intent): string {
  const h = COMMAND_HELP.find((c) => c.kind === (intent as CommandKind));
  return h ? h.examples[0] : intent;
}

const escapeRe = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** `text` with the first whole-word `from` (any case) replaced: the user's own command, corrected. */
export function replaceWord(text: string, from: string, to: string): string {
  return text.replace(new RegExp(`(^|\\s)${escapeRe(from)}(?=\\s|$)`, 'i'), `$1${to}`);
}

/**
 * For words too far from any command to be taken as one: the user's own text with the word corrected,
 * then that command's example, best first; triage and help after them.
 */
export function closestCommands(words: string[], text: string): string[] {
  const best = new Map<Intent, { typed: string; word: string; d: number }>();
  for (const w of words) {
    if (w.length < 2) continue;
    for (const [target, cue] of FUZZY_TARGETS) {
      if (!cue.intent || !COMMAND_HELP.some((c) => c.kind === cue.intent)) continue;
      const d = editDistance(w, target);
      if (d <= Math.max(1, Math.floor(target.length / 3)) && d < (best.get(cue.intent)?.d ?? Infinity))
        best.set(cue.intent, { typed: w, word: target, d });
    }
  }
  const ranked = [...best.entries()].sort((a, b) => a[1].d - b[1].d);
  return [
    ...ranked.flatMap(([intent, c]) => [replaceWord(text, c.typed, c.word), exampleOf(intent)]),
    'triage',
    'help',
  ];
}

/** A dangling time word replaced by a time that reads ("since 9" -> "since 14:30"), or "at" made "since". */
export function timeFixes(text: string, dangling: string): string[] {
  return ['since 14:30', 'last 30m'].map((w) =>
    text.replace(new RegExp(`(^|\\s)${escapeRe(dangling)}(\\s+\\S+)?(?=\\s|$)`, 'i'), `$1${w}`),
  );
}
