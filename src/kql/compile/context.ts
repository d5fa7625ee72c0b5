/** What expression compilation needs to know: the input rows, scalar lets, and the clock. */
import type { KqlType } from '../types';
import type { Relation } from '../relation';
import type { SyntaxNode } from '../syntax';
import type { Reader, Vec } from '../vectors';
import type { UserFunction } from '../functions/user';
import type { Truth } from './truth';

export type ExprType = KqlType | 'unknown';

export interface Compiled {
  fn: Reader;
  type: ExprType;
  /** True when the value does not depend on the row (literals, now(), scalar lets...). */
  constant: boolean;
  /** The input vector when the expression just reads it unchanged (lets project reuse storage). */
  source?: Vec;
  /** Boolean expressions over stored columns: a typed pass marking the rows where the value is true (`where`). */
  truth?: Truth;
}

export interface ScalarBinding {
  value: unknown;
  type: ExprType;
}

export interface Ctx {
  rel: Relation;
  scalars: Map<string, ScalarBinding>;
  now: number;
  /** User-defined functions (`let f = (x:long) { ... }`) in scope. */
  functions?: Map<string, UserFunction>;
  /** A user function's parameters while its body compiles: they shadow columns and lets. */
  locals?: Map<string, Compiled>;
  /** Subexpressions already computed elsewhere (summarize's aggregate calls), by source position. */
  replaced?: Map<string, Compiled>;
  /** Runs a tabular subquery (for toscalar()); absent where subqueries are not allowed. */
  evalTabular?: (node: SyntaxNode) => Relation;
}

export function constant(value: unknown, type: ExprType): Compiled {
  return { fn: () => value, type, constant: true };
}
