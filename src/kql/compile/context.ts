/** What expression compilation needs to know: the input rows, scalar lets, and the clock. */
import type { KqlType } from '../types';
import type { Relation } from '../relation';
import type { SyntaxNode } from '../syntax';
import type { Reader, Vec } from '../vectors';

export type ExprType = KqlType | 'unknown';

export interface Compiled {
  fn: Reader;
  type: ExprType;
  /** True when the value does not depend on the row (literals, now(), scalar lets...). */
  constant: boolean;
  /** The input vector when the expression just reads it unchanged (lets project reuse storage). */
  source?: Vec;
}

export interface ScalarBinding {
  value: unknown;
  type: ExprType;
}

export interface Ctx {
  rel: Relation;
  scalars: Map<string, ScalarBinding>;
  now: number;
  /** Runs a tabular subquery (for toscalar()); absent where subqueries are not allowed. */
  evalTabular?: (node: SyntaxNode) => Relation;
}

export function constant(value: unknown, type: ExprType): Compiled {
  return { fn: () => value, type, constant: true };
}
