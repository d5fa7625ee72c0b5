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
const SUPPORTED_JOINS = new Set(['innerunique', 'inner', 'leftouter', 'leftanti', 'leftsemi', 'anti', 'leftantisemi']);

/** join: innerunique (the default: left side de-duplicated on the key), inner, leftouter, leftsemi, leftanti. */
export function join(op: SyntaxNode, left: Relation, env: Env): Relation {
  const schema = outputSchema(op);
  let kind = 'innerunique';
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
  if (!SUPPORTED_JOINS.has(kind))
    throw new KqlError(
      'unsupported',
      `join kind=${kind} is not supported by the embedded KQL engine; supported: innerunique (default), inner, leftouter, leftsemi, leftanti.`,
    );
  if (!rightNode || !onClause) throw new KqlError('syntax', `join needs a right-hand table and an 'on' clause.`);
  const right = env.evalTabular(rightNode);
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
  const seenLeft = new Set<string>();
  for (let i = 0; i < left.n; i++) {
    const k = lk(i);
    if (kind === 'innerunique') {
      if (seenLeft.has(k)) continue;
      seenLeft.add(k);
    }
    const matches = index.get(k);
    if (kind === 'leftsemi') {
      if (matches) li.push(i);
    } else if (kind === 'leftanti' || kind === 'anti' || kind === 'leftantisemi') {
      if (!matches) li.push(i);
    } else if (matches) {
      for (const j of matches) {
        li.push(i);
        ri.push(j);
      }
    } else if (kind === 'leftouter') {
      li.push(i);
      ri.push(-1);
    }
  }
  const L = takeRows(left, Int32Array.from(li));
  if (kind === 'leftsemi' || kind.includes('anti')) return { ...L, schema, ingest: null };
  const rightCols = right.cols.map((c) => {
    const r = c.reader();
    return new ArrayVec(ri.map((j) => (j < 0 ? null : r(j))));
  });
  const cols = [...L.cols, ...rightCols];
  if (cols.length !== schema.length)
    throw new KqlError(
      'unsupported',
      `The join '${textOf(op)}' produces a column layout the embedded engine cannot reproduce.`,
    );
  // strings are never null in KQL: unmatched right string cells are empty
  const fixed = cols.map((c, idx) =>
    schema[idx].type === 'string' && idx >= L.cols.length
      ? new ArrayVec((c as ArrayVec).values.map((v) => v ?? ''))
      : c,
  );
  return { schema, cols: fixed, n: li.length, ingest: null };
}
