/**
 * mv-apply: each input row's arrays expand (as mv-expand does) into a small table, the subquery runs on
 * it, and its rows come out next to the input row's other columns. A row whose subquery returns no rows
 * is dropped.
 */
import { kindOf, nodes, type SyntaxNode } from '../syntax';
import { takeRows, type Relation } from '../relation';
import { ArrayVec } from '../vectors';
import { mvExpand, readExpand } from './expand';
import { outputSchema, type Env } from './env';

/** The operators of the subquery, in order. */
function subqueryOps(node: SyntaxNode): SyntaxNode[] {
  if (kindOf(node) === 'PipeExpression') {
    const parts = nodes(node);
    return [...subqueryOps(parts[0]), ...subqueryOps(parts[parts.length - 1])];
  }
  if (kindOf(node) === 'ParenthesizedExpression' || kindOf(node) === 'MvApplySubqueryExpression')
    return nodes(node).flatMap(subqueryOps);
  return [node];
}

export function mvApply(op: SyntaxNode, input: Relation, env: Env): Relation {
  const schema = outputSchema(op);
  const parts = nodes(op);
  const sub = parts.find((p) => kindOf(p) === 'MvApplySubqueryExpression');
  const ops = sub ? subqueryOps(sub) : [];
  // the expanded table: the input columns plus the new expanded ones
  const inputNames = new Set(input.schema.map((c) => c.name));
  const rows: { src: number; rel: Relation; r: number }[] = [];
  for (let i = 0; i < input.n; i++) {
    const one = takeRows(input, Int32Array.of(i));
    const { opts, items } = readExpand(parts, one, env, schema);
    const expandedSchema = [
      ...input.schema,
      ...items.filter((it) => !inputNames.has(it.name)).map((it) => ({ name: it.name, type: it.type })),
    ];
    const out = env.applyOps(ops, mvExpand(one, items, opts, expandedSchema));
    for (let r = 0; r < out.n; r++) rows.push({ src: i, rel: out, r });
  }
  const readers = new Map<Relation, ((i: number) => unknown)[]>();
  const inputReaders = input.cols.map((c) => c.reader());
  const cols = schema.map((c) => {
    const fromInput = input.schema.findIndex((s) => s.name === c.name);
    return new ArrayVec(
      rows.map(({ src, rel, r }) => {
        let rs = readers.get(rel);
        if (!rs) readers.set(rel, (rs = rel.cols.map((v) => v.reader())));
        const k = rel.schema.findIndex((s) => s.name === c.name);
        if (k >= 0) return rs[k](r);
        return fromInput >= 0 ? inputReaders[fromInput](src) : null;
      }),
    );
  });
  return { schema, cols, n: rows.length, ingest: null };
}
