/** Tabular sources that are not tables: print, datatable and range. */
import { KqlError } from '../errors';
import { kindOf, nodes, simpleName, textOf, type SyntaxNode } from '../syntax';
import { compileExpr } from '../compile/expressions';
import type { Relation } from '../relation';
import { ArrayVec } from '../vectors';
import { outputSchema, type Env } from './env';

const NO_ROWS: Relation = { schema: [], cols: [], n: 0, ingest: null };
/** Values of constant expressions (a source has no input rows to read). */
const constantOf = (e: SyntaxNode, env: Env) =>
  compileExpr(e, {
    rel: NO_ROWS,
    scalars: env.scalars,
    now: env.now,
    evalTabular: env.evalTabular,
    functions: env.functions,
  }).fn(0);

/** print: one row of expressions. */
export function print(op: SyntaxNode, env: Env): Relation {
  const schema = outputSchema(op);
  const values = nodes(op).map((e) => constantOf(kindOf(e) === 'SimpleNamedExpression' ? nodes(e)[1] : e, env));
  return { schema, cols: values.map((v) => new ArrayVec([v])), n: 1, ingest: null };
}

/** datatable(schema)[values...]: the values fill the rows column by column. */
export function datatable(op: SyntaxNode, env: Env): Relation {
  const schema = outputSchema(op);
  const values = nodes(op)
    .filter((n) => kindOf(n) !== 'RowSchema')
    .map((e) => constantOf(e, env));
  const width = schema.length;
  if (width === 0 || values.length % width !== 0)
    throw new KqlError(
      'semantic',
      `datatable has ${values.length} values, not a whole number of rows of ${width} columns.`,
    );
  const n = values.length / width;
  const cols = schema.map((_, c) => new ArrayVec(Array.from({ length: n }, (__, r) => values[r * width + c])));
  return { schema, cols, n, ingest: null };
}

/** The most rows a range may produce (a typo in step must not exhaust memory). */
const RANGE_LIMIT = 10_000_000;

/** range x from a to b step s: a, a+s, ... up to and including b. */
export function range(op: SyntaxNode, env: Env): Relation {
  const schema = outputSchema(op);
  const [decl, from, to, step] = nodes(op);
  const a = constantOf(from, env);
  const b = constantOf(to, env);
  const s = constantOf(step, env);
  if (typeof a !== 'number' || typeof b !== 'number' || typeof s !== 'number' || s === 0)
    throw new KqlError(
      'semantic',
      `range needs numeric (or datetime/timespan) bounds and a non-zero step (in '${textOf(op)}').`,
    );
  const count = Math.floor((b - a) / s) + 1;
  if (count > RANGE_LIMIT)
    throw new KqlError('runtime', `range would produce ${count} rows; the embedded engine stops at ${RANGE_LIMIT}.`);
  const values = Array.from({ length: Math.max(0, count) }, (_, k) => a + k * s);
  return {
    schema: schema.length ? schema : [{ name: simpleName(decl), type: 'long' }],
    cols: [new ArrayVec(values)],
    n: values.length,
    ingest: null,
  };
}
