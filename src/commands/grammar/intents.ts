/**
 * Which intent a reading asks for. Specific intents win over general ones ("ssl errors" is tls, not
 * triage); the order is one list, PRECEDENCE, so the rule is in one place.
 */
import type { Intent } from '../types';
import type { Reading } from './slots';

export type Resolution =
  | { kind: 'intent'; intent: Intent; /** Only hint words led here: ask rather than run it. */ weakOnly: boolean }
  | { kind: 'action'; verb: string }
  | { kind: 'tie'; intents: Intent[] }
  | { kind: 'unknown' };

/**
 * Intents named by words, most specific first. Status codes and classes slot in between: a status
 * makes "errors" a why-question, but "ssl errors" stays tls.
 */
const PRECEDENCE: (Intent | 'statusClass-slot' | 'status-slot')[] = [
  'compare',
  'changes',
  'callers',
  'latency',
  'breaker',
  'breakers',
  'tls',
  'statusClass-slot',
  'status-slot',
  'auth401',
  'apis',
  'help',
  'triage',
];

export function resolveIntent(r: Reading, baseline: boolean): Resolution {
  if (r.action) return { kind: 'action', verb: r.action };
  const found = byPrecedence(r, baseline);
  // With a baseline ("vs yesterday") comparing is the question; other words only say what to compare.
  if (baseline && (found.kind !== 'intent' || found.weakOnly || found.intent === 'help'))
    return { kind: 'intent', intent: 'compare', weakOnly: false };
  return found;
}

function byPrecedence(r: Reading, baseline: boolean): Resolution {
  const cuesFor = (i: Intent) => r.cues.filter((c) => c.cue.intent === i);
  const has = (i: Intent) => cuesFor(i).length > 0;
  for (const step of PRECEDENCE) {
    if (step === 'compare' && baseline) continue;
    if (step === 'statusClass-slot') {
      if (r.statusClass) return { kind: 'intent', intent: 'statusClass', weakOnly: false };
      continue;
    }
    if (step === 'status-slot') {
      if (r.status === undefined) continue;
      // "401s" has its own breakdown; "why 401 ..." asks who produced them, like any other code.
      const intent = r.status === 401 && !has('why') ? 'auth401' : 'why';
      return { kind: 'intent', intent, weakOnly: false };
    }
    const cues = cuesFor(step);
    // A name alone is a triage of it ("payments-api?"); a name beside a word we do not know is not guessed at.
    if (step === 'triage' && cues.length === 0 && r.names.length > 0 && r.unknown.length === 0)
      return { kind: 'intent', intent: 'triage', weakOnly: false };
    if (cues.length === 0) continue;
    const strongElsewhere = r.cues.some((c) => !c.cue.weak && c.cue.intent !== undefined);
    const weakOnly = cues.every((c) => c.cue.weak) && !strongElsewhere && r.names.length === 0;
    return { kind: 'intent', intent: step, weakOnly };
  }
  if (has('why')) return { kind: 'intent', intent: 'why', weakOnly: false };
  if (r.cues.some((c) => c.cue.greeting)) return { kind: 'intent', intent: 'help', weakOnly: false };
  const tied = [...new Set(r.fuzzyTies.flat().map((c) => c.intent))].filter((i): i is Intent => i !== undefined);
  if (tied.length > 1) return { kind: 'tie', intents: tied };
  return { kind: 'unknown' };
}
