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
import { children, kindOf, nodes, simpleName, textOf, type SyntaxNode } from '../syntax';
import type { SyntaxElement } from '../bridge';
import { compileExpr } from '../compile/expressions';
import { takeRows, type Relation } from '../relation';
import { ArrayVec } from '../vectors';
import { fromInput, toText } from '../values';
import { pick } from './basic';
import { ctxFor, outputSchema, type Env } from './env';
import type { KqlType } from '../types';

type ParsePart = { kind: 'star' } | { kind: 'text'; text: string } | { kind: 'column'; name: string; type: KqlType };
type ParseMode = 'simple' | 'regex' | 'relaxed';

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** What a typed column can match in simple mode (strings and the last column take what is left). */
const TYPED: Partial<Record<KqlType, string>> = {
  long: '[-+]?\\d+',
  int: '[-+]?\\d+',
  real: '[-+]?(?:\\d+\\.?\\d*|\\.\\d+)(?:[eE][-+]?\\d+)?',
  bool: '(?:[Tt][Rr][Uu][Ee]|[Ff][Aa][Ll][Ss][Ee])',
  guid: '[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}',
};

interface CompiledPattern {
  regex: RegExp;
  columns: { name: string; type: KqlType }[];
  mode: ParseMode;
}

function compilePattern(parts: ParsePart[], mode: ParseMode, flags = ''): CompiledPattern {
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
function matchPattern(p: CompiledPattern, text: string): unknown[] | null {
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

/** parse / parse-where: the source expression, then `with` and the pattern's parts. */
export function parseOp(op: SyntaxNode, input: Relation, env: Env, dropUnmatched: boolean): Relation {
  const schema = outputSchema(op);
  let mode: ParseMode = 'simple';
  let flags = '';
  let source: SyntaxNode | null = null;
  const parts: ParsePart[] = [];
  let inPattern = false;
  const flat = (n: SyntaxNode): SyntaxElement[] =>
    children(n).flatMap((c) =>
      !c.IsToken && (kindOf(c) === 'List' || kindOf(c) === 'SeparatedElement') ? flat(c) : [c],
    );
  for (const c of flat(op)) {
    if (c.IsToken) {
      if (kindOf(c) === 'WithKeyword') inPattern = true;
      continue;
    }
    const k = kindOf(c);
    if (k === 'NamedParameter') {
      const [name, value] = nodes(c);
      const pname = textOf(name).toLowerCase();
      const v = textOf(value).replace(/^["']|["']$/g, '');
      if (pname === 'kind') mode = v.toLowerCase() as ParseMode;
      else if (pname === 'flags') flags = v;
      else
        throw new KqlError(
          'unsupported',
          `parse parameter '${textOf(c)}' is not supported by the embedded KQL engine.`,
        );
    } else if (!inPattern) source = c;
    else if (k === 'StarExpression') parts.push({ kind: 'star' });
    else if (k === 'StringLiteralExpression' || k === 'CompoundStringLiteralExpression')
      parts.push({ kind: 'text', text: String(compileExpr(c, ctxFor(input, env)).fn(0)) });
    else if (k === 'NameDeclaration' || k === 'NameAndTypeDeclaration') {
      const name = simpleName(k === 'NameDeclaration' ? c : nodes(c)[0]);
      parts.push({ kind: 'column', name, type: schema.find((s) => s.name === name)?.type ?? 'string' });
    } else
      throw new KqlError(
        'unsupported',
        `parse pattern part '${textOf(c)}' is not supported by the embedded KQL engine.`,
      );
  }
  if (!source) throw new KqlError('syntax', `parse needs an expression before 'with' (in '${textOf(op)}').`);
  const pattern = compilePattern(parts, mode, flags);
  const src = compileExpr(source, ctxFor(input, env));
  const values: unknown[][] = pattern.columns.map(() => []);
  const keep: number[] = [];
  for (let i = 0; i < input.n; i++) {
    const m = matchPattern(pattern, toText(src.fn(i), src.type));
    if (!m && dropUnmatched) continue;
    keep.push(i);
    for (let c = 0; c < values.length; c++) values[c].push(m ? m[c] : null);
  }
  const rows = dropUnmatched && keep.length < input.n ? takeRows(input, Int32Array.from(keep)) : input;
  const work: Relation = { schema: [...rows.schema], cols: [...rows.cols], n: rows.n, ingest: null };
  pattern.columns.forEach((c, k) => {
    const at = work.schema.findIndex((s) => s.name === c.name);
    const vec = new ArrayVec(values[k]);
    if (at >= 0) {
      work.schema[at] = { name: c.name, type: c.type };
      work.cols[at] = vec;
    } else {
      work.schema.push({ name: c.name, type: c.type });
      work.cols.push(vec);
    }
  });
  return pick(work, schema);
}
