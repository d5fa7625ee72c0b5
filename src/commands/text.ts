/**
 * Command -> the text that asks for it again: what buttons send. The text parses back to the same command
 * (kind, status, API, backend, window), which test/answers/suggestions.test.ts holds every offered command to.
 */
import type { Command } from './types';

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
    case 'help':
      return 'help';
    case 'triage':
    case 'tls':
    case 'breakers':
    case 'apis':
      return `${command.kind}${on} ${window}`;
  }
}
