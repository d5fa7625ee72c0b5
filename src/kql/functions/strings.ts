/** KQL string predicates with the service's exact case rules. */

/** Term characters: Kusto splits text into maximal runs of ASCII letters and digits ("_" and "-" split). */
export function isTermChar(code: number): boolean {
  return (code >= 48 && code <= 57) || (code >= 65 && code <= 90) || (code >= 97 && code <= 122);
}

/**
 * `has`: the needle occurs as whole term(s), case-insensitive. A needle with inner separators
 * ("Subscription not found") must still start and end on term boundaries.
 */
export function hasTerm(haystack: string, needle: string, caseSensitive = false): boolean {
  if (needle === '') return true;
  const h = caseSensitive ? haystack : haystack.toLowerCase();
  const n = caseSensitive ? needle : needle.toLowerCase();
  const checkStart = isTermChar(n.charCodeAt(0));
  const checkEnd = isTermChar(n.charCodeAt(n.length - 1));
  let from = 0;
  for (;;) {
    const at = h.indexOf(n, from);
    if (at < 0) return false;
    const okStart = !checkStart || at === 0 || !isTermChar(h.charCodeAt(at - 1));
    const end = at + n.length;
    const okEnd = !checkEnd || end === h.length || !isTermChar(h.charCodeAt(end));
    if (okStart && okEnd) return true;
    from = at + 1;
  }
}

export function containsCi(haystack: string, needle: string): boolean {
  return haystack.toLowerCase().includes(needle.toLowerCase());
}

export function startsWithCi(s: string, prefix: string): boolean {
  return s.toLowerCase().startsWith(prefix.toLowerCase());
}

export function endsWithCi(s: string, suffix: string): boolean {
  return s.toLowerCase().endsWith(suffix.toLowerCase());
}

/** `hasprefix`: some term starts with the prefix (case-insensitive). */
export function hasPrefix(s: string, prefix: string, caseSensitive = false): boolean {
  if (prefix === '') return true;
  const h = caseSensitive ? s : s.toLowerCase();
  const p = caseSensitive ? prefix : prefix.toLowerCase();
  let from = 0;
  for (;;) {
    const at = h.indexOf(p, from);
    if (at < 0) return false;
    if (at === 0 || !isTermChar(h.charCodeAt(at - 1))) return true;
    from = at + 1;
  }
}

/** `hassuffix`: some term ends with the suffix (case-insensitive). */
export function hasSuffix(s: string, suffix: string, caseSensitive = false): boolean {
  if (suffix === '') return true;
  const h = caseSensitive ? s : s.toLowerCase();
  const p = caseSensitive ? suffix : suffix.toLowerCase();
  let from = 0;
  for (;;) {
    const at = h.indexOf(p, from);
    if (at < 0) return false;
    const end = at + p.length;
    if (end === h.length || !isTermChar(h.charCodeAt(end))) return true;
    from = at + 1;
  }
}
