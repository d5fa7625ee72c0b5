/**
 * `where` over stored columns runs as a typed mask (compile/truth.ts). Its rows are compared with a reference
 * written here (Kusto's three-valued logic and null rules, row by row) and with the closure path, which the
 * same predicate takes once it is first computed into a column by `extend`. Tables have ties, nulls, empty
 * strings, and predicates that keep every row or none.
 */
import fc from 'fast-check';
import { cols, rowsOf, warmParser, workspace } from './helpers';

beforeAll(warmParser);

interface Row {
  Id: number;
  N: number | null;
  R: number | null;
  S: string;
}

type Tri = boolean | null;

/** A predicate: its KQL text and its value for one row. */
interface Pred {
  kql: string;
  eval: (r: Row) => Tri;
}

const NUM_OPS = ['==', '!=', '<', '<=', '>', '>='] as const;

/** Kusto's comparison of a column value with a constant, null rules included. */
function compare(op: (typeof NUM_OPS)[number], x: number | null, c: number | null): Tri {
  if (op === '==') return x === null ? (c === null ? null : false) : c === null ? false : x === c;
  if (op === '!=') return x === null ? (c === null ? null : true) : c === null ? true : x !== c;
  if (x === null || c === null) return null;
  return op === '<' ? x < c : op === '<=' ? x <= c : op === '>' ? x > c : x >= c;
}

const numAtom: fc.Arbitrary<Pred> = fc
  .record({
    col: fc.constantFrom('N' as const, 'R' as const),
    op: fc.constantFrom(...NUM_OPS),
    c: fc.option(fc.integer({ min: -3, max: 3 }), { nil: null, freq: 6 }),
  })
  .map(({ col, op, c }) => ({
    kql: `${col} ${op} ${c === null ? (col === 'N' ? 'long(null)' : 'real(null)') : col === 'R' ? `${c}.0` : c}`,
    eval: (r: Row) => compare(op, r[col], c),
  }));

const STRINGS = ['', 'a', 'A', 'ab', 'b'];
const strAtom: fc.Arbitrary<Pred> = fc
  .record({ op: fc.constantFrom('==', '!=', '=~', '!~', 'startswith', 'has'), s: fc.constantFrom(...STRINGS, 'zz') })
  // (`has ""` is left out: whether an empty term matches is not what this test is about)
  .filter(({ op, s }) => !(op === 'has' && s === ''))
  .map(({ op, s }) => ({
    kql: `S ${op} "${s}"`,
    eval: (r: Row) =>
      op === '=='
        ? r.S === s
        : op === '!='
          ? r.S !== s
          : op === '=~'
            ? r.S.toLowerCase() === s.toLowerCase()
            : op === '!~'
              ? r.S.toLowerCase() !== s.toLowerCase()
              : op === 'startswith'
                ? r.S.toLowerCase().startsWith(s.toLowerCase())
                : r.S.toLowerCase()
                    .split(/[^a-z0-9]+/)
                    .includes(s.toLowerCase()),
  }));

const emptyAtom: fc.Arbitrary<Pred> = fc
  .record({ f: fc.constantFrom('isempty', 'isnotempty'), col: fc.constantFrom('N' as const, 'S' as const) })
  .map(({ f, col }) => ({
    kql: `${f}(${col})`,
    eval: (r: Row) => {
      const v = r[col];
      return (v === null || v === '') === (f === 'isempty');
    },
  }));

/** An atom the typed path does not cover (computed left side): and/or must still combine with it. */
const computedAtom: fc.Arbitrary<Pred> = fc.integer({ min: -2, max: 4 }).map((c) => ({
  kql: `N + 1 > ${c}`,
  eval: (r: Row) => (r.N === null ? null : r.N + 1 > c),
}));

const and = (a: Tri, b: Tri): Tri => (a === false || b === false ? false : a === null || b === null ? null : true);
const or = (a: Tri, b: Tri): Tri => (a === true || b === true ? true : a === null || b === null ? null : false);

const predArb: fc.Arbitrary<Pred> = fc.letrec<{ pred: Pred }>((tie) => ({
  pred: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    numAtom,
    strAtom,
    emptyAtom,
    computedAtom,
    fc.record({ l: tie('pred'), r: tie('pred'), isAnd: fc.boolean() }).map(({ l, r, isAnd }) => ({
      kql: `(${l.kql}) ${isAnd ? 'and' : 'or'} (${r.kql})`,
      eval: (row: Row) => (isAnd ? and : or)(l.eval(row), r.eval(row)),
    })),
  ),
})).pred;

const rowArb = fc.record({
  N: fc.option(fc.integer({ min: -3, max: 3 }), { nil: null, freq: 4 }),
  R: fc.option(fc.constantFrom(-2.5, -1, 0, 0.5, 1, 3), { nil: null, freq: 4 }),
  S: fc.constantFrom(...STRINGS, 'a b', 'x-a'),
});

function table(rows: Row[]) {
  return workspace({
    name: 'T',
    columns: cols('Id:long,N:long,R:real,S:string'),
    rows: rows.map((r) => [r.Id, r.N, r.R, r.S]),
  });
}

const ids = (rows: readonly { readonly Id?: unknown }[]) => rows.map((r) => r.Id);

test('where over stored columns keeps exactly the rows where the predicate is true', () => {
  fc.assert(
    fc.property(fc.array(rowArb, { maxLength: 120 }), predArb, predArb, (raw, p, q) => {
      const rows = raw.map((r, Id) => ({ Id, ...r }));
      const ws = table(rows);
      const expected = rows.filter((r) => p.eval(r) === true).map((r) => r.Id);
      expect(ids(rowsOf(ws, `T | where ${p.kql}`))).toEqual(expected);
      // the closure path: the predicate computed into a column first
      expect(ids(rowsOf(ws, `T | extend b = ${p.kql} | where b == true`))).toEqual(expected);
      // a second where reads the columns through the first one's row selection
      const both = rows.filter((r) => q.eval(r) === true && p.eval(r) === true).map((r) => r.Id);
      expect(ids(rowsOf(ws, `T | where ${q.kql} | where ${p.kql}`))).toEqual(both);
    }),
    { numRuns: 150 },
  );
});

test('typed where: every row kept, none kept, and null constants', () => {
  const rows: Row[] = [
    { Id: 0, N: 1, R: null, S: '' },
    { Id: 1, N: null, R: 2, S: 'a' },
    { Id: 2, N: 1, R: 2, S: 'a' },
  ];
  const ws = table(rows);
  expect(ids(rowsOf(ws, 'T | where Id >= 0'))).toEqual([0, 1, 2]);
  expect(ids(rowsOf(ws, 'T | where Id > 5 or S == "zz"'))).toEqual([]);
  expect(ids(rowsOf(ws, 'T | where N == long(null)'))).toEqual([]);
  expect(ids(rowsOf(ws, 'T | where N != long(null)'))).toEqual([0, 2]);
  expect(ids(rowsOf(ws, 'T | where N != 1'))).toEqual([1]);
  expect(ids(rowsOf(ws, 'T | where R < 3 and isnotempty(S)'))).toEqual([1, 2]);
  expect(rowsOf(ws, 'T | where N == 1 | summarize c = count() by S')).toEqual([
    { S: '', c: 1 },
    { S: 'a', c: 1 },
  ]);
});
