/**
 * parse / parse-where's matching (the pattern is read in the operator adapter). The pattern is a list of
 * `*`, string constants and `Column[:type]` declarations, matched from the start of the text:
 * - kind=simple (default): constants are literal text; a typed column matches only values of its type.
 * - kind=regex: constants are regular expressions.
 * - kind=relaxed: like simple, but a value that does not convert to its column's type becomes null
 *   while the other columns keep theirs.
 * A row that does not match gets null (empty strings) in every parsed column; parse-where drops it.
 */
import { KqlError } from '../errors';
import { fromInput } from '../values';
import type { KqlType } from '../types';

export type ParsePart =
  { kind: 'star' } | { kind: 'text'; text: string } | { kind: 'column'; name: string; type: KqlType };
export type ParseMode = 'simple' | 'regex' | 'relaxed';

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** What a typed column can match in simple mode (strings and the last column take what is left). */
const TYPED: Partial<Record<KqlType, string>> = {
  long: '[-+]?\\d+',
  int: '[-+]?\\d+',
  real: '[-+]?(?:\\d+\\.?\\d*|\\.\\d+)(?:[eE][-+]?\\d+)?',
  bool: '(?:[Tt][Rr][Uu][Ee]|[Ff][Aa][Ll][Ss][Ee])',
  guid: '[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}',
};

export interface CompiledPattern {
  regex: RegExp;
  columns: { name: string; type: KqlType }[];
  mode: ParseMode;
}

export function compilePattern(parts: ParsePart[], mode: ParseMode, flags = ''): CompiledPattern {
  let src = mode === 'regex' ? '' : '^';
  const columns: { name: string; type: KqlType }[] = [];
  parts.forEach((p, k) => {
    const last = k === parts.length - 1;
    if (p.kind === 'star') src += last ? '.*' : '.*?';
    else if (p.kind === 'text') src += mode === 'regex' ? `(?:${p.text})` : escape(p.text);
    else {
      const typed = mode === 'simple' ? TYPED[p.type] : undefined;
      src += `(${typed ?? (last ? '.*' : '.*?')})`;
      columns.push({ name: p.name, type: p.type });
    }
  });
  try {
    return { regex: new RegExp(src, flags.includes('s') ? 's' : ''), columns, mode };
  } catch (e) {
    throw new KqlError('semantic', `parse: the pattern is not a valid regular expression: ${(e as Error).message}`);
  }
}

/** Typed values of one text, or null when it does not match. */
export function matchPattern(p: CompiledPattern, text: string): unknown[] | null {
  const m = p.regex.exec(text);
  if (!m) return null;
  const out = new Array<unknown>(p.columns.length);
  for (let c = 0; c < p.columns.length; c++) {
    const raw = m[c + 1] ?? '';
    const type = p.columns[c].type;
    const v = type === 'string' ? raw : fromInput(raw, type);
    if (v === null && type !== 'string' && p.mode === 'simple') return null;
    out[c] = v;
  }
  return out;
}
