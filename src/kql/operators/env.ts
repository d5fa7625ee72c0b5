/** What an operator needs besides its input: scalar lets, the clock, and a way to run subqueries. */
import type { KNode } from '../kusto';
import type { Relation } from '../relation';
import type { Ctx, ScalarBinding } from '../compile/context';
import type { ColumnSchema } from '../types';
import { tableColumns, textOf } from '../kusto';
import { KqlError } from '../errors';
import { ArrayVec, type Vec } from '../vectors';
import type { Compiled } from '../compile/context';

export interface Env {
  scalars: Map<string, ScalarBinding>;
  now: number;
  /** Evaluate a tabular expression (a subquery of join/union). */
  evalTabular(node: KNode): Relation;
}

export function ctxFor(rel: Relation, env: Env): Ctx {
  return { rel, scalars: env.scalars, now: env.now, evalTabular: env.evalTabular };
}

/** The output schema Kusto's analyzer inferred for an operator: names and types match the service. */
export function outputSchema(op: KNode): ColumnSchema[] {
  const cols = tableColumns(op);
  if (!cols) throw new KqlError('semantic', `Could not infer the result columns of '${textOf(op)}'.`);
  return cols;
}

/** Evaluate a compiled expression for every row into a vector. */
export function materialize(c: Compiled, n: number): Vec {
  const f = c.fn;
  const out = new Array<unknown>(n);
  for (let i = 0; i < n; i++) out[i] = f(i);
  return new ArrayVec(out);
}
