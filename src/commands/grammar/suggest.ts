/**
 * What to offer when the bot cannot run what was asked: the closest commands it can run, written so
 * they keep the API and window the person gave (each one is a button on the help card).
 */
import type { CommandKind, CommandWindow, Intent, Understood } from '../types';
import { COMMAND_HELP } from '../help';
import { DEFAULT_WINDOW_MS } from '../window';
import { editDistance } from './text';
import { FUZZY_TARGETS } from './lexicon';

/** The window again as a person would type it, or "" for the default window. */
export function windowText(w: CommandWindow): string {
  const ms = w.to.getTime() - w.from.getTime();
  if (w.label.startsWith('last ')) {
    if (ms === DEFAULT_WINDOW_MS) return '';
    const min = Math.round(ms / 60_000);
    return min % 60 === 0 ? ` last ${min / 60}h` : ` last ${min}m`;
  }
  const dropZone = (s: string) => s.replace(/ (?!UTC)\S+\/\S+$/, '').replace(/ UTC$/, ' utc');
  const since = /^since (.+)$/.exec(w.label);
  if (since) return ` since ${dropZone(since[1])}`;
  const between = /^(.+) – (.+)$/.exec(w.label);
  if (between) return ` between ${dropZone(between[1])} and ${dropZone(between[2])}`;
  const day = /^(today|yesterday) /.exec(w.label);
  return day ? ` ${day[1]}` : '';
}

function typed(base: string, u: Pick<Understood, 'api' | 'window'>, withApi = true): string {
  return `${base}${withApi && u.api ? ` on ${u.api}` : ''}${windowText(u.window)}`;
}

/** Why an understood question has no answer yet, and the answers that come closest. */
export function notYet(u: Understood): { error: string; suggestions: string[] } {
  switch (u.intent) {
    case 'statusClass':
      return {
        error: `An answer for a whole status class (${u.statusClass ?? '5xx'}) is not available yet; these answers cover part of it:`,
        suggestions:
          u.statusClass === '4xx'
            ? [typed('401s', u), typed('why 429', u), typed('triage', u)]
            : [typed('why 500', u), typed('why 503', u), typed('triage', u)],
      };
    case 'latency':
      return {
        error:
          'Latency answers (p50/p95/p99, backend time against gateway time) are not available yet. The closest answers today:',
        suggestions: [typed('why 504', u), typed('triage', u), typed('breakers', u, false)],
      };
    case 'callers':
      return {
        error:
          'A list of the callers (IPs, subscriptions) behind a failure is not available yet. The closest answers today:',
        suggestions:
          u.status === 401 || u.status === undefined
            ? [typed('401s', u), typed('why 401', u), typed('triage', u)]
            : [typed(`why ${u.status}`, u), typed('401s', u), typed('triage', u)],
      };
    case 'changes':
      return {
        error:
          'What changed (Azure Activity log writes to the API Management instance) is not available yet. Triage shows what started failing and when:',
        suggestions: [typed('triage', u), typed('apis', u, false)],
      };
    case 'compare':
      return {
        error: `Comparing with the same window ${u.baseline === 'week' ? 'a week' : 'a day'} before is not available yet; triage already compares the window with the one just before it:`,
        suggestions: [typed('triage', u), typed('apis', u, false)],
      };
  }
}

/** The first example of each command the bot answers. */
export function exampleOf(intent: Intent): string {
  const h = COMMAND_HELP.find((c) => c.kind === (intent as CommandKind));
  return h ? h.examples[0] : intent;
}

/** Typed forms of the closest commands to unknown words, best first; triage and help fill up to three. */
export function closestCommands(words: string[]): string[] {
  const best = new Map<Intent, number>();
  for (const w of words) {
    if (w.length < 2) continue;
    for (const [target, cue] of FUZZY_TARGETS) {
      if (!cue.intent || !COMMAND_HELP.some((c) => c.kind === cue.intent)) continue;
      const d = editDistance(w, target);
      if (d <= Math.max(1, Math.floor(target.length / 3)) && d < (best.get(cue.intent) ?? Infinity))
        best.set(cue.intent, d);
    }
  }
  const out = [...best.entries()].sort((a, b) => a[1] - b[1]).map(([k]) => exampleOf(k));
  for (const fallback of ['triage', 'help']) if (out.length < 3 && !out.includes(fallback)) out.push(fallback);
  return out.slice(0, 3);
}
