/** The one error type the engine throws: callers branch on `kind`, users read `message`. */
export type KqlErrorKind = 'syntax' | 'semantic' | 'unsupported' | 'runtime';

export interface KqlErrorDetails {
  code?: string;
  line?: number;
  column?: number;
  suggestions?: string[];
}

export class KqlError extends Error {
  readonly kind: KqlErrorKind;
  readonly code?: string;
  readonly line?: number;
  readonly column?: number;
  readonly suggestions?: string[];

  constructor(kind: KqlErrorKind, message: string, details: KqlErrorDetails = {}) {
    super(message);
    this.name = 'KqlError';
    this.kind = kind;
    if (details.code !== undefined) this.code = details.code;
    if (details.line !== undefined) this.line = details.line;
    if (details.column !== undefined) this.column = details.column;
    if (details.suggestions !== undefined) this.suggestions = details.suggestions;
  }
}

/** 1-based line and column of a character offset, the way editors show it. */
export function lineAndColumn(text: string, offset: number): { line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  for (let i = 0; i < offset && i < text.length; i++) {
    if (text.charCodeAt(i) === 10) {
      line++;
      lineStart = i + 1;
    }
  }
  return { line, column: offset - lineStart + 1 };
}

/** Levenshtein distance, case-insensitive: enough to rank "did you mean" candidates. */
export function editDistance(a: string, b: string): number {
  const s = a.toLowerCase();
  const t = b.toLowerCase();
  let prev = Array.from({ length: t.length + 1 }, (_, j) => j);
  for (let i = 1; i <= s.length; i++) {
    const cur = [i];
    for (let j = 1; j <= t.length; j++) {
      const cost = s[i - 1] === t[j - 1] ? 0 : 1;
      cur[j] = Math.min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + cost);
    }
    prev = cur;
  }
  return prev[t.length];
}

/** Closest candidates to `name`, best first; only plausible ones (distance within ~half the name). */
export function closestNames(name: string, candidates: Iterable<string>, max = 3): string[] {
  const limit = Math.max(2, Math.ceil(name.length / 2));
  const scored: { c: string; d: number }[] = [];
  for (const c of new Set(candidates)) {
    const d = editDistance(name, c);
    if (d <= limit && c !== name) scored.push({ c, d });
  }
  scored.sort((x, y) => x.d - y.d || x.c.localeCompare(y.c));
  return scored.slice(0, max).map((x) => x.c);
}
