/**
 * Everything that turns untrusted text (log strings, command text) into card-safe text.
 * Redaction normally happens upstream; it is repeated here because a card is the last place a leaked
 * key could still be stopped, and it is cheap.
 */
import { redactSecrets, truncate } from '../redact';

/**
 * Text for a TextBlock (which Teams renders as Markdown): redact, drop control characters, neutralise
 * template syntax and Markdown/HTML so a log message cannot bold, link, mention or reshape the card.
 */
export function cardText(value: unknown, maxLength = 400): string {
  let s = plainText(value, maxLength);
  // "<at>", "<a href" and friends: Teams must not read log text as markup or a mention.
  s = s.replace(/<([A-Za-z/!?][^<>]*)>/g, '‹$1›').replace(/<(?=[A-Za-z/!?])/g, '‹');
  // Only the characters Teams' Markdown subset acts on: emphasis, links, code.
  s = s.replace(/[\\`*_[\]]/g, (c) => '\\' + c);
  // Leading "-", "+" or "1." would start a Markdown list.
  s = s.replace(/^(\s*)([-+])(\s)/, '$1\\$2$3').replace(/^(\s*\d+)\.(\s)/, '$1\\.$2');
  return s;
}

/** Any value as text: strings as they are, nothing for null/undefined, other values as JSON (never "[object Object]"). */
export function asText(value: unknown): string {
  if (typeof value === 'string') return value;
  if (value === null || value === undefined) return '';
  return JSON.stringify(value) ?? '';
}

/**
 * Text for a TextRun (not Markdown-rendered, shown verbatim): redacted, control characters removed, template syntax
 * neutralised, length-capped. Used for verbatim strings: KQL, log messages, URLs.
 */
export function plainText(value: unknown, maxLength = 400): string {
  let s = asText(value);
  s = redactSecrets(s);
  // Keep tabs/newlines; drop other control characters (they break rendering and logs).
  // eslint-disable-next-line no-control-regex -- matching control characters is the point
  s = s.replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/g, '');
  // "${" would read as a template binding in any later expansion and must never show on a card.
  s = s.replace(/\$\{/g, '$\u200b{');
  // A literal "<at>" is how Teams marks mentions; never let log text look like one.
  s = s.replace(/<(\/?)at>/gi, '‹$1at›');
  return truncate(s, maxLength);
}

/** Command text placed in Action.Execute data: single line, bounded, no markup. */
export function commandText(value: string): string {
  return value.replace(/\s+/g, ' ').trim().slice(0, 200);
}
