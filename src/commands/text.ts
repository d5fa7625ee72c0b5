/**
 * Command -> the text that asks for it again: what buttons send. The text parses back to the same command
 * (kind, status, API, backend, window, baseline), which test/answers/suggestions.test.ts holds every offered command to.
 */
import type { Command } from './types';
import { BASELINE_WORDS } from './baseline';

/** Plain phrases for a group of signatures, as people ask "who is calling X with a bad key". */
const SIGNATURE_PHRASES: { phrase: string; pattern: RegExp; ids: string[] }[] = [
  {
    phrase: 'with a bad key',
    pattern: /\b(?:bad|wrong|invalid|expired) (?:subscription )?keys?\b/,
    ids: ['subscription-key-invalid', 'subscription-not-found'],
  },
  {
    phrase: 'without a key',
    pattern: /\b(?:no|missing|without a) (?:subscription )?keys?\b/,
    ids: ['subscription-key-missing'],
  },
];

/** The signature ids a plain phrase in the text names; none when it names none. */
export function signaturePhrase(text: string): string[] {
  return [...(SIGNATURE_PHRASES.find((p) => p.pattern.test(text))?.ids ?? [])];
}

/** "of rate-limited", or the phrase that names the group ("with a bad key"). */
function signaturesText(ids: readonly string[]): string {
  const phrase = SIGNATURE_PHRASES.find((p) => p.ids.length === ids.length && p.ids.every((id) => ids.includes(id)));
  return phrase ? phrase.phrase : `of ${ids.join(' ')}`;
}

/** The window as typed: "last 15m" and "since 14:30 UTC" are; anything else is said with exact instants. */
export function windowText(command: Command): string {
  const label = command.window.label;
  if (/^(last \d|since )/.test(label)) return label;
  return `between ${command.window.from.toISOString()} and ${command.window.to.toISOString()}`;
}

export function commandText(command: Command): string {
  const on = command.api ? ` on ${command.api}` : '';
  const window = windowText(command);
  switch (command.kind) {
    case 'why':
      return `why ${command.status ?? 500}${on} ${window}`;
    case 'auth401':
      return `401s${on} ${window}`;
    case 'breaker':
      return `breaker ${command.backend ?? ''}${command.at ? ` at ${command.at.toISOString()}` : ''} ${window}`;
    case 'statusClass':
      return `${command.statusClass ?? '5xx'}${on} ${window}`;
    case 'callers':
      return `callers ${signaturesText(command.signatures ?? [])}${on} ${window}`;
    case 'changes':
      return `what changed${on} ${window}`;
    case 'help':
      return 'help';
    case 'triage':
    case 'latency':
      return `${command.kind}${on} ${window}${command.baseline ? ` vs ${BASELINE_WORDS[command.baseline]}` : ''}`;
    case 'tls':
    case 'breakers':
    case 'apis':
      return `${command.kind}${on} ${window}`;
  }
}
