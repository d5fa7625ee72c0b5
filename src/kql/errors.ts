/** The one error type the engine throws: callers branch on `kind`, users read `message`. */
export type KqlErrorKind = 'syntax' | 'semantic' | 'unsupported' | 'runtime';

/** What a semantic error is about: a name the workspace does not have, or values of the wrong type. */
export type SemanticReason = 'unknown-name' | 'type';

export interface KqlErrorDetails {
  code?: string;
  line?: number;
  column?: number;
  suggestions?: string[];
  /** Character offset in the query; runQuery turns it into line and column. */
  offset?: number;
  reason?: SemanticReason;
}

export class KqlError extends Error {
  readonly kind: KqlErrorKind;
  readonly code?: string;
  readonly line?: number;
  readonly column?: number;
  readonly suggestions?: string[];
  readonly offset?: number;
  readonly reason?: SemanticReason;

  constructor(kind: KqlErrorKind, message: string, details: KqlErrorDetails = {}) {
    super(message);
    this.name = 'KqlError';
    this.kind = kind;
    if (details.code !== undefined) this.code = details.code;
    if (details.line !== undefined) this.line = details.line;
    if (details.column !== undefined) this.column = details.column;
    if (details.suggestions !== undefined) this.suggestions = details.suggestions;
    if (details.offset !== undefined) this.offset = details.offset;
    if (details.reason !== undefined) this.reason = details.reason;
  }

  private get details(): KqlErrorDetails {
    return {
      ...(this.code !== undefined ? { code: this.code } : {}),
      ...(this.suggestions !== undefined ? { suggestions: this.suggestions } : {}),
      ...(this.reason !== undefined ? { reason: this.reason } : {}),
    };
  }

  /** This error pointing at `offset`, unless it already knows where it is. */
  at(offset: number): KqlError {
    if (this.offset !== undefined || this.line !== undefined) return this;
    return new KqlError(this.kind, this.message, { ...this.details, offset });
  }

  /** This error with its offset mapped (from the text that was analysed to the query), unless already located. */
  offsetIn(map: (offset: number) => number): KqlError {
    if (this.line !== undefined || this.offset === undefined) return this;
    return new KqlError(this.kind, this.message, { ...this.details, offset: map(this.offset) });
  }

  /** This error with the line and column of its offset in `text`. */
  located(text: string): KqlError {
    if (this.line !== undefined || this.offset === undefined) return this;
    const { line, column } = lineAndColumn(text, this.offset);
    return new KqlError(this.kind, this.message, { ...this.details, offset: this.offset, line, column });
  }
}

/** Any failure as a KqlError: an invalid regular expression, say, is reported, never a raw stack. */
export function asKqlError(e: unknown): KqlError {
  if (e instanceof KqlError) return e;
  return new KqlError('runtime', `The query failed while running: ${e instanceof Error ? e.message : String(e)}`);
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
function editDistance(a: string, b: string): number {
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
