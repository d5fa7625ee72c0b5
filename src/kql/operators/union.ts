/**
 * union [kind=outer|inner] [withsource=Column] [isfuzzy=true|false] Legs, with Kusto's semantics.
 *
 * The output schema is computed here rather than taken from the analyzer: the parser treats kind=inner
 * like outer, and for a fuzzy union it keeps the (unknown-typed) columns of legs it could not resolve.
 */
import { KqlError } from '../errors';
import { forEachNode, kindOf, nodes, simpleName, textOf, type SyntaxNode } from '../syntax';
import type { Relation } from '../relation';
import type { ColumnSchema } from '../types';
import { ArrayVec, type Vec } from '../vectors';
import type { Env } from './env';

interface UnionParams {
  kind: 'outer' | 'inner';
  withsource: string | null;
  fuzzy: boolean;
}

function params(op: SyntaxNode): { p: UnionParams; legs: SyntaxNode[] } {
  const p: UnionParams = { kind: 'outer', withsource: null, fuzzy: false };
  const legs: SyntaxNode[] = [];
  for (const e of nodes(op)) {
    if (kindOf(e) !== 'NamedParameter') {
      legs.push(e);
      continue;
    }
    const [nameNode, value] = nodes(e);
    const name = simpleName(nameNode).toLowerCase();
    const text = value ? textOf(value) : '';
    if (name === 'kind') {
      const k = text.toLowerCase();
      if (k !== 'outer' && k !== 'inner')
        throw new KqlError('semantic', `union kind=${text} is not valid: use kind=outer (the default) or kind=inner.`);
      p.kind = k;
    } else if (name === 'withsource' || name === 'with_source') {
      // a column name, or (also accepted by the parser) a string literal naming it
      p.withsource = kindOf(value) === 'NameDeclaration' ? simpleName(value) : text.replace(/^@?(["'])(.*)\1$/s, '$2');
    } else if (name === 'isfuzzy') {
      const b = text.toLowerCase();
      if (b !== 'true' && b !== 'false')
        throw new KqlError('semantic', `union isfuzzy=${text} is not valid: use isfuzzy=true or isfuzzy=false.`);
      p.fuzzy = b === 'true';
    } else if (name.startsWith('hint.')) {
      continue; // execution hints (hint.concurrency, hint.spread) do not change the answer
    } else {
      // the parser rejects unknown names itself; this catches ones a newer parser version may add
      throw new KqlError(
        'unsupported',
        `union parameter '${textOf(e)}' is not supported by the embedded KQL engine; supported: kind=outer|inner, withsource=Column, isfuzzy=true|false, hint.*.`,
      );
    }
  }
  return { p, legs };
}

/** What withsource reports for a leg: a table's or let's own name, else union_argN (N = leg position). */
function legName(node: SyntaxNode | null, position: number): string {
  while (node && kindOf(node) === 'ParenthesizedExpression' && kindOf(nodes(node)[0]) === 'NameReference')
    node = nodes(node)[0];
  return node && kindOf(node) === 'NameReference' ? simpleName(node) : `union_arg${position}`;
}

function wildcard(pattern: string): RegExp {
  return new RegExp(
    '^' +
      pattern
        .split('*')
        .map((s) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))
        .join('.*') +
      '$',
  );
}

/** Spans of union operators nested inside a leg: their own fuzzy misses are theirs to skip, not this leg's. */
function nestedUnions(node: SyntaxNode): [number, number][] {
  const out: [number, number][] = [];
  forEachNode(node, (n) => {
    if (kindOf(n) === 'UnionOperator') out.push([n.TextStart, n.TextStart + n.Width]);
  });
  return out;
}

interface Leg {
  source: string;
  rel: Relation;
}

/** Output columns: Kusto's outer union (a name seen with several types becomes Name_type per type), or inner. */
function unionSchema(legs: Relation[], kind: 'outer' | 'inner'): { out: ColumnSchema; from: ColumnSchema }[] {
  const byName = new Map<string, string[]>();
  for (const l of legs)
    for (const c of l.schema) {
      const types = byName.get(c.name);
      if (!types) byName.set(c.name, [c.type]);
      else if (!types.includes(c.type)) types.push(c.type);
    }
  const out: { out: ColumnSchema; from: ColumnSchema }[] = [];
  for (const [name, types] of byName) {
    for (const type of types) {
      const from = { name, type } as ColumnSchema;
      // inner keeps a column only when every leg has it with the same type
      if (kind === 'inner' && !legs.every((l) => l.schema.some((c) => c.name === name && c.type === type))) continue;
      out.push({ out: { name: types.length > 1 ? `${name}_${type}` : name, type: from.type }, from });
    }
  }
  return out;
}

/** union: rows of every leg in leg order (the piped input first); see the file comment for parameters. */
export function union(op: SyntaxNode, input: Relation | null, env: Env): Relation {
  const { p, legs: legNodes } = params(op);
  const legs: Leg[] = [];
  let position = 0;
  if (input) {
    const parent = op.Parent;
    const inputNode = parent && kindOf(parent) === 'PipeExpression' ? nodes(parent)[0] : null;
    legs.push({ source: legName(inputNode, position++), rel: input });
  }
  const missing: string[] = [];
  for (const leg of legNodes) {
    const at = position++;
    const inner = p.fuzzy ? nestedUnions(leg) : [];
    const unresolved = p.fuzzy
      ? env
          .unresolvedNames(leg)
          .filter((u) => !inner.some(([a, b]) => u.at >= a && u.at < b))
          .map((u) => u.name)
      : [];
    if (unresolved.length) {
      missing.push(...unresolved); // fuzzy: a leg naming a table that does not exist is left out
      continue;
    }
    const name = kindOf(leg) === 'NameReference' ? simpleName(leg) : '';
    if (name.includes('*')) {
      const re = wildcard(name);
      for (const t of env.tableNames().filter((n) => re.test(n))) legs.push({ source: t, rel: env.evalTable(t) });
      continue;
    }
    legs.push({ source: legName(leg, at), rel: env.evalTabular(leg) });
  }
  if (legs.length === 0) {
    // Kusto: a fuzzy union runs if at least one leg resolves; when none does, the query fails.
    const names = missing.length ? ` (${[...new Set(missing)].join(', ')})` : '';
    throw new KqlError(
      'semantic',
      `union${p.fuzzy ? ' isfuzzy=true' : ''} failed to resolve table: none of its legs refers to a table in this workspace${names}. ` +
        `Tables here: ${env.tableNames().join(', ') || '(none)'}.`,
    );
  }
  const columns = unionSchema(
    legs.map((l) => l.rel),
    p.kind,
  );
  const n = legs.reduce((s, l) => s + l.rel.n, 0);
  const cols: Vec[] = columns.map(({ from }) => {
    const values = new Array<unknown>(n);
    let k = 0;
    for (const { rel } of legs) {
      const at = rel.schema.findIndex((c) => c.name === from.name && c.type === from.type);
      if (at < 0) {
        const blank = from.type === 'string' ? '' : null; // strings are never null in KQL
        for (let i = 0; i < rel.n; i++) values[k++] = blank;
      } else {
        const r = rel.cols[at].reader();
        for (let i = 0; i < rel.n; i++) values[k++] = r(i);
      }
    }
    return new ArrayVec(values);
  });
  const schema = columns.map((c) => c.out);
  if (p.withsource !== null) {
    const src = new Array<unknown>(n);
    let k = 0;
    for (const { source, rel } of legs) for (let i = 0; i < rel.n; i++) src[k++] = source;
    schema.unshift({ name: p.withsource, type: 'string' });
    cols.unshift(new ArrayVec(src));
  }
  // ingestion_time() survives a union of base-table rows, as in Kusto
  const ingest = legs.every((l) => l.rel.ingest)
    ? concat(
        legs.map((l) => l.rel.ingest as Vec),
        n,
      )
    : null;
  return { schema, cols, n, ingest };
}

function concat(parts: Vec[], n: number): Vec {
  const out = new Array<unknown>(n);
  let k = 0;
  for (const v of parts) {
    const r = v.reader();
    for (let i = 0; i < v.length; i++) out[k++] = r(i);
  }
  return new ArrayVec(out);
}
