/** What an operator needs besides its input: scalar lets, the clock, and a way to run subqueries. */
import type { Relation } from '../relation';
import type { Ctx, ScalarBinding } from '../compile/context';
import type { ColumnSchema } from '../types';
import { kindOf, nodes, tableColumns, textOf, type SyntaxNode } from '../syntax';
import { KqlError } from '../errors';
import { ArrayVec, type Vec } from '../vectors';
import type { Compiled } from '../compile/context';
import type { UserFunction } from '../functions/user';

export interface Env {
  scalars: Map<string, ScalarBinding>;
  now: number;
  /** Evaluate a tabular expression (a subquery of join/union). */
  evalTabular: (node: SyntaxNode) => Relation;
  /** A whole base table (for wildcard union legs such as `union Gateway*`). */
  evalTable: (name: string) => Relation;
  tableNames: () => string[];
  /** Names in this subtree the analyzer could not resolve as fuzzy-union tables (its KS205 warnings). */
  unresolvedNames: (node: SyntaxNode) => { at: number; name: string }[];
  /** User-defined functions in scope. */
  functions: Map<string, UserFunction>;
  /** Run piped operators (mv-apply's subquery) over a relation. */
  applyOps: (ops: SyntaxNode[], rel: Relation) => Relation;
}

export function ctxFor(rel: Relation, env: Env): Ctx {
  return { rel, scalars: env.scalars, now: env.now, evalTabular: env.evalTabular, functions: env.functions };
}

/** The output schema Kusto's analyzer inferred for an operator: names and types match the service. */
export function outputSchema(op: SyntaxNode): ColumnSchema[] {
  const cols = tableColumns(op);
  if (!cols) throw new KqlError('semantic', `Could not infer the result columns of '${textOf(op)}'.`);
  return cols;
}

/**
 * Column names the analyzer believes flow into a piped operator. They can exceed the real input after a
 * union whose schema the engine computes itself (kind=inner, fuzzy legs left out); operators that only
 * carry input columns through drop those absent ones instead of failing.
 */
export function analyzerInputNames(op: SyntaxNode): Set<string> {
  const parent = op.Parent;
  if (!parent || kindOf(parent) !== 'PipeExpression') return new Set();
  const input = nodes(parent)[0];
  return new Set((input ? (tableColumns(input) ?? []) : []).map((c) => c.name));
}

/** Evaluate a compiled expression for every row into a vector. */
export function materialize(c: Compiled, n: number): Vec {
  const f = c.fn;
  const out = new Array<unknown>(n);
  for (let i = 0; i < n; i++) out[i] = f(i);
  return new ArrayVec(out);
}
