/** Binary operators: comparisons (null-aware), arithmetic over numbers/datetimes/timespans, string predicates. */
import { KqlError } from '../errors';
import { compareValues, toText } from '../values';
import { containsCi, endsWithCi, hasPrefix, hasSuffix, hasTerm, startsWithCi } from '../functions/strings';
import type { Compiled, ExprType } from './context';

type Bin = (a: unknown, b: unknown) => unknown;

const INTEGRAL = new Set<ExprType>(['long', 'int']);

function str(v: unknown, t: ExprType): string {
  return typeof v === 'string' ? v : toText(v, t);
}

/** Equality the way KQL compares two values of (possibly) different but compatible types. */
export function valuesEqual(a: unknown, b: unknown): boolean {
  if (typeof a === 'number' && typeof b === 'number') return a === b;
  if (typeof a === 'string' && typeof b === 'string') return a === b;
  if (typeof a === 'boolean' && typeof b === 'boolean') return a === b;
  if (typeof a === 'object' || typeof b === 'object') return JSON.stringify(a) === JSON.stringify(b);
  // dynamic scalars compared with typed values: compare as text
  return toText(a, 'unknown') === toText(b, 'unknown');
}

function cmp(test: (c: number) => boolean): Bin {
  return (a, b) => (a === null || b === null ? null : test(compareValues(a, b)));
}

/** Comparison/string predicates: null on either side gives null (where treats it as false). */
export function predicate(kind: string, lt: ExprType, rt: ExprType): Bin | null {
  const s =
    (f: (x: string, y: string) => boolean): Bin =>
    (a, b) =>
      f(str(a, lt), str(b, rt));
  switch (kind) {
    // Kusto: null == null is null, null == value is false; null != value is true
    case 'EqualExpression':
      return (a, b) => (a === null ? (b === null ? null : false) : b === null ? false : valuesEqual(a, b));
    case 'NotEqualExpression':
      return (a, b) => (a === null ? (b === null ? null : true) : b === null ? true : !valuesEqual(a, b));
    case 'LessThanExpression':
      return cmp((c) => c < 0);
    case 'LessThanOrEqualExpression':
      return cmp((c) => c <= 0);
    case 'GreaterThanExpression':
      return cmp((c) => c > 0);
    case 'GreaterThanOrEqualExpression':
      return cmp((c) => c >= 0);
    case 'EqualTildeExpression':
      return s((x, y) => x.toLowerCase() === y.toLowerCase());
    case 'BangTildeExpression':
      return s((x, y) => x.toLowerCase() !== y.toLowerCase());
    case 'HasExpression':
      return s((x, y) => hasTerm(x, y));
    case 'NotHasExpression':
      return s((x, y) => !hasTerm(x, y));
    case 'HasCsExpression':
      return s((x, y) => hasTerm(x, y, true));
    case 'NotHasCsExpression':
      return s((x, y) => !hasTerm(x, y, true));
    case 'HasPrefixExpression':
      return s((x, y) => hasPrefix(x, y));
    case 'NotHasPrefixExpression':
      return s((x, y) => !hasPrefix(x, y));
    case 'HasSuffixExpression':
      return s((x, y) => hasSuffix(x, y));
    case 'NotHasSuffixExpression':
      return s((x, y) => !hasSuffix(x, y));
    case 'ContainsExpression':
      return s(containsCi);
    case 'NotContainsExpression':
      return s((x, y) => !containsCi(x, y));
    case 'ContainsCsExpression':
      return s((x, y) => x.includes(y));
    case 'NotContainsCsExpression':
      return s((x, y) => !x.includes(y));
    case 'StartsWithExpression':
      return s(startsWithCi);
    case 'NotStartsWithExpression':
      return s((x, y) => !startsWithCi(x, y));
    case 'StartsWithCsExpression':
      return s((x, y) => x.startsWith(y));
    case 'NotStartsWithCsExpression':
      return s((x, y) => !x.startsWith(y));
    case 'EndsWithExpression':
      return s(endsWithCi);
    case 'NotEndsWithExpression':
      return s((x, y) => !endsWithCi(x, y));
    case 'EndsWithCsExpression':
      return s((x, y) => x.endsWith(y));
    case 'NotEndsWithCsExpression':
      return s((x, y) => !x.endsWith(y));
    case 'MatchesRegexExpression':
      return (a, b) => new RegExp(str(b, rt)).test(str(a, lt));
    default:
      return null;
  }
}

/** Arithmetic; the result type (from Kusto's analysis) decides integer division. */
export function arithmetic(kind: string, l: Compiled, r: Compiled, resultType: ExprType): Bin | null {
  const integral = INTEGRAL.has(resultType) && INTEGRAL.has(l.type) && INTEGRAL.has(r.type);
  const num =
    (f: (x: number, y: number) => number | null): Bin =>
    (a, b) =>
      typeof a === 'number' && typeof b === 'number' ? f(a, b) : null;
  switch (kind) {
    case 'AddExpression':
      return num((x, y) => x + y);
    case 'SubtractExpression':
      return num((x, y) => x - y);
    case 'MultiplyExpression':
      return num((x, y) => x * y);
    case 'DivideExpression':
      return integral ? num((x, y) => (y === 0 ? null : Math.trunc(x / y))) : num((x, y) => x / y);
    case 'ModuloExpression':
      // Kusto's modulo is never negative: 0 <= N % D < abs(D) (numerical operators page)
      return num((x, y) => (y === 0 ? null : (((x % y) + Math.abs(y)) % Math.abs(y)) + 0));
    default:
      return null;
  }
}

export function notSupported(what: string): never {
  throw new KqlError('unsupported', `${what} is not supported by the embedded KQL engine.`);
}
