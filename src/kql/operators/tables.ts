/** Operators combining tables: distinct, join (union is in union.ts). */
import { KqlError } from '../errors';
import { kindOf, nodes, simpleName, textOf, type SyntaxNode } from '../syntax';
import { colIndex, takeRows, type Relation } from '../relation';
import { ArrayVec, NumVec } from '../vectors';
import { scratchF64 } from '../scratch';
import { outputSchema, type Env } from './env';
import { groupRows } from './summarize';
import { pick } from './basic';

export function distinct(op: SyntaxNode, input: Relation): Relation {
  const schema = outputSchema(op);
  const exprs = nodes(op);
  const star = exprs.length === 1 && kindOf(exprs[0]) === 'StarExpression';
  const rel = pick(
    input,
    star
      ? input.schema
      : schema.map((c) => ({ name: c.name, type: input.schema[colIndex(input, c.name)]?.type ?? c.type })),
  );
  const keys = rel.cols.map((v, i) => ({
    c: { fn: v.reader(), type: rel.schema[i].type, constant: false },
    source: v,
    step: 1,
    values: v instanceof NumVec ? v.numbers(scratchF64('key' + i, rel.n)) : null,
    slot: i,
  }));
  const { first } = groupRows(keys, rel.n);
  const res = takeRows(rel, Int32Array.from(input.n === 0 ? [] : first));
  return { ...res, schema: star ? rel.schema : schema, ingest: null };
}

const JOIN_KINDS = new Set([
  'innerunique',
  'inner',
  'leftouter',
  'leftanti',
  'leftsemi',
  'rightouter',
  'fullouter',
  'rightanti',
  'rightsemi',
  'anti',
  'leftantisemi',
  'rightantisemi',
]);
/** join's parameters, right side and key pairs (`on Col` or `$left.A == $right.B`). */
function readJoin(op: SyntaxNode, defaultKind: string) {
  let kind = defaultKind;
  let rightNode: SyntaxNode | null = null;
  let onClause: SyntaxNode | null = null;
  for (const part of nodes(op)) {
    const k = kindOf(part);
    if (k === 'NamedParameter') {
      const [name, value] = nodes(part);
      const pname = simpleName(name);
      if (pname.startsWith('hint.')) continue; // execution hints do not change the answer
      if (pname !== 'kind')
        throw new KqlError(
          'unsupported',
          `join parameter '${textOf(part)}' is not supported by the embedded KQL engine.`,
        );
      kind = textOf(value).toLowerCase();
    } else if (k === 'JoinOnClause') onClause = part;
    else if (k === 'JoinWhereClause')
      throw new KqlError('unsupported', `join ... where is not supported by the embedded KQL engine; use 'on'.`);
    else rightNode = part;
  }
  if (!JOIN_KINDS.has(kind)) throw new KqlError('semantic', `Unknown join kind '${kind}'.`);
  if (!rightNode || !onClause) throw new KqlError('syntax', `join needs a right-hand table and an 'on' clause.`);
  const pairs: [string, string][] = nodes(onClause).map((e) => {
    if (kindOf(e) === 'NameReference') return [simpleName(e), simpleName(e)];
    if (kindOf(e) === 'EqualExpression') {
      const [l, r] = nodes(e).map((side) => {
        const [owner, col] = nodes(side);
        return { owner: simpleName(owner), col: simpleName(col) };
      });
      return l.owner === '$left' ? [l.col, r.col] : [r.col, l.col];
    }
    throw new KqlError(
      'unsupported',
      `join condition '${textOf(e)}' is not supported: use column names or $left.A == $right.B.`,
    );
  });
  return { kind, rightNode, pairs };
}

/** Row pairs of a join; -1 stands for the missing side of an outer row. */
function matchRows(kind: string, left: Relation, right: Relation, pairs: [string, string][]) {
  const keyOf = (rel: Relation, names: string[]) => {
    const readers = names.map((n) => {
      const at = colIndex(rel, n);
      if (at < 0) throw new KqlError('semantic', `join: no column '${n}'.`);
      return rel.cols[at].reader();
    });
    return (i: number) => JSON.stringify(readers.map((r) => r(i)));
  };
  const lk = keyOf(
    left,
    pairs.map((p) => p[0]),
  );
  const rk = keyOf(
    right,
    pairs.map((p) => p[1]),
  );
  const index = new Map<string, number[]>();
  for (let j = 0; j < right.n; j++) {
    const k = rk(j);
    const list = index.get(k);
    if (list) list.push(j);
    else index.set(k, [j]);
  }
  const li: number[] = [];
  const ri: number[] = [];
  const rightMatched = new Uint8Array(right.n);
  const seenLeft = new Set<string>();
  const leftOnly = kind === 'leftsemi' || kind === 'leftanti' || kind === 'anti' || kind === 'leftantisemi';
  for (let i = 0; i < left.n; i++) {
    const k = lk(i);
    if (kind === 'innerunique') {
      if (seenLeft.has(k)) continue;
      seenLeft.add(k);
    }
    const matches = index.get(k);
    if (kind === 'leftsemi') {
      if (matches) li.push(i);
    } else if (leftOnly) {
      if (!matches) li.push(i);
    } else if (matches) {
      for (const j of matches) {
        li.push(i);
        ri.push(j);
        rightMatched[j] = 1;
      }
    } else if (kind === 'leftouter' || kind === 'fullouter') {
      li.push(i);
      ri.push(-1);
    }
  }
  if (kind === 'rightouter' || kind === 'fullouter')
    for (let j = 0; j < right.n; j++)
      if (!rightMatched[j]) {
        li.push(-1);
        ri.push(j);
      }
  return { li, ri };
}

/** Values of `rel`'s column at rows idx (-1 gives null; strings are never null in KQL, so ""). */
function column(rel: Relation, at: number, idx: number[], type: string) {
  const r = rel.cols[at].reader();
  const blank = type === 'string' ? '' : null;
  return new ArrayVec(idx.map((j) => (j < 0 ? blank : r(j))));
}

/** join: innerunique (the default: left side de-duplicated on the key), inner, left/right/full outer, semi, anti. */
export function join(op: SyntaxNode, left: Relation, env: Env): Relation {
  const schema = outputSchema(op);
  const { kind, rightNode, pairs } = readJoin(op, 'innerunique');
  const right = env.evalTabular(rightNode);
  // right-side semi/anti joins need every right row's match status: an inner pass over all pairs
  const probe = kind === 'rightsemi' || kind === 'rightanti' || kind === 'rightantisemi' ? 'inner' : kind;
  const m = matchRows(probe, left, right, pairs);
  if (probe !== kind) {
    const matched = new Set(m.ri);
    const want = kind === 'rightsemi';
    const rows: number[] = [];
    for (let j = 0; j < right.n; j++) if (matched.has(j) === want) rows.push(j);
    return { ...takeRows(right, Int32Array.from(rows)), schema, ingest: null };
  }
  if (kind === 'leftsemi' || kind.includes('anti'))
    return { ...takeRows(left, Int32Array.from(m.li)), schema, ingest: null };
  const outer = m.li.includes(-1);
  const cols = [
    ...left.cols.map((c, k) => (outer ? column(left, k, m.li, left.schema[k].type) : c.take(Int32Array.from(m.li)))),
    ...right.cols.map((_, k) => column(right, k, m.ri, right.schema[k].type)),
  ];
  if (cols.length !== schema.length)
    throw new KqlError(
      'unsupported',
      `The join '${textOf(op)}' produces a column layout the embedded engine cannot reproduce.`,
    );
  return { schema, cols, n: m.li.length, ingest: null };
}

/**
 * lookup: a join that extends each left row with the right side's non-key columns (kind=leftouter,
 * the default, keeps unmatched left rows; kind=inner drops them).
 */
export function lookup(op: SyntaxNode, left: Relation, env: Env): Relation {
  const schema = outputSchema(op);
  const { kind, rightNode, pairs } = readJoin(op, 'leftouter');
  if (kind !== 'leftouter' && kind !== 'inner')
    throw new KqlError('semantic', `lookup supports kind=leftouter (the default) and kind=inner, not '${kind}'.`);
  const right = env.evalTabular(rightNode);
  const m = matchRows(kind, left, right, pairs);
  const cols = schema.map((c, k) => {
    if (k < left.schema.length) {
      const at = colIndex(left, c.name);
      return left.cols[at].take(Int32Array.from(m.li));
    }
    return column(right, colIndex(right, c.name), m.ri, c.type);
  });
  return { schema, cols, n: m.li.length, ingest: null };
}
