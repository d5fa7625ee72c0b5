/** Numeric functions: rounding, powers and logarithms, and the tests for real's special values. */
import type { FunctionImpl } from './scalar';

type Num = (x: number) => number | boolean | null;

/** A one-argument function of a number; null (or a non-number) in, null out. */
const unary =
  (f: Num): FunctionImpl =>
  ([a]) =>
  (i) => {
    const v = a.fn(i);
    return typeof v === 'number' ? f(v) : null;
  };

/** isnan/isinf/isfinite: false for null, as for any value that is not that special real. */
const test =
  (f: (x: number) => boolean): FunctionImpl =>
  ([a]) =>
  (i) => {
    const v = a.fn(i);
    return typeof v === 'number' && f(v);
  };

export const MATH_FUNCTIONS: Record<string, FunctionImpl> = {
  isnan: test(Number.isNaN),
  isinf: test((x) => x === Infinity || x === -Infinity),
  isfinite: test(Number.isFinite),
  ceiling: unary(Math.ceil),
  sqrt: unary((x) => (x < 0 ? NaN : Math.sqrt(x))),
  exp: unary(Math.exp),
  exp2: unary((x) => 2 ** x),
  exp10: unary((x) => 10 ** x),
  log: unary(Math.log),
  log2: unary(Math.log2),
  log10: unary(Math.log10),
  sign: unary(Math.sign),
  pow:
    ([b, e]) =>
    (i) => {
      const x = b.fn(i);
      const y = e.fn(i);
      return typeof x === 'number' && typeof y === 'number' ? x ** y : null;
    },
  pi: () => () => Math.PI,
};
