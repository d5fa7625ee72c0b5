/**
 * order by / top / sort | take over typed keys and the bounded heap: compared with a plain reference
 * sort written here (stable, KQL's null placement), on tables with ties, nulls, strings and several keys.
 */
import fc from 'fast-check';
import { cols, rowsOf, warmParser, workspace } from './helpers';

beforeAll(warmParser);

interface Row {
  Id: number;
  N: number | null;
  S: string;
  R: number | null;
}

type Dir = 'asc' | 'desc';
interface Key {
  col: 'N' | 'S' | 'R' | 'Id';
  dir: Dir;
  nulls?: 'first' | 'last';
}

/** Reference: Array.prototype.sort is stable; nulls first for asc and last for desc unless stated. */
function reference(rows: Row[], keys: Key[]): Row[] {
  return [...rows].sort((a, b) => {
    for (const k of keys) {
      const x = a[k.col];
      const y = b[k.col];
      const nullsFirst = k.nulls ? k.nulls === 'first' : k.dir === 'asc';
      if (x === null || y === null) {
        if (x === null && y === null) continue;
        return (x === null) === nullsFirst ? -1 : 1;
      }
      if (x === y) continue;
      const c = x < y ? -1 : 1;
      return k.dir === 'asc' ? c : -c;
    }
    return 0;
  });
}

const rowArb = fc.record({
  N: fc.option(fc.integer({ min: -5, max: 5 }), { nil: null, freq: 4 }),
  S: fc.constantFrom('', 'a', 'B', 'b', 'ab', 'api-10', 'api-9'),
  R: fc.option(fc.double({ min: -3, max: 3, noNaN: true, noDefaultInfinity: true }), { nil: null, freq: 5 }),
});
const keyArb = fc.record({
  col: fc.constantFrom('N' as const, 'S' as const, 'R' as const),
  dir: fc.constantFrom('asc' as const, 'desc' as const),
  nulls: fc.option(fc.constantFrom('first' as const, 'last' as const), { nil: undefined }),
});

function table(rows: Row[]) {
  return workspace({
    name: 'T',
    columns: cols('Id:long,N:long,S:string,R:real'),
    rows: rows.map((r) => [r.Id, r.N, r.S, r.R]),
  });
}

const clause = (keys: Key[]) => keys.map((k) => `${k.col} ${k.dir}${k.nulls ? ` nulls ${k.nulls}` : ''}`).join(', ');
const ids = (rows: readonly { readonly Id?: unknown }[]) => rows.map((r) => r.Id);

test('order by, sort | take and top give the reference order (ties keep input order)', () => {
  fc.assert(
    fc.property(
      fc.array(rowArb, { minLength: 0, maxLength: 300 }),
      fc.uniqueArray(keyArb, { minLength: 1, maxLength: 3, selector: (k) => k.col }),
      fc.integer({ min: 0, max: 40 }),
      (raw, keys, k) => {
        const rows = raw.map((r, Id) => ({ Id, ...r }));
        const ws = table(rows);
        const expected = ids(reference(rows, keys));
        expect(ids(rowsOf(ws, `T | order by ${clause(keys)}`))).toEqual(expected);
        expect(ids(rowsOf(ws, `T | sort by ${clause(keys)} | take ${k}`))).toEqual(expected.slice(0, k));
        // top takes one key
        const byFirst = ids(reference(rows, keys.slice(0, 1))).slice(0, k);
        expect(ids(rowsOf(ws, `T | top ${k} by ${clause(keys.slice(0, 1))}`))).toEqual(byFirst);
      },
    ),
    { numRuns: 60 },
  );
});

test('computed keys (strings and numbers from expressions) sort by value, not by text', () => {
  const rows: Row[] = [9, 10, 100, 2, -1].map((n, Id) => ({ Id, N: n, S: `x${n}`, R: null }));
  const ws = table(rows);
  expect(ids(rowsOf(ws, 'T | extend M = N * 2 | top 3 by M desc'))).toEqual([2, 1, 0]);
  expect(ids(rowsOf(ws, 'T | extend L = strcat(S, "") | order by L asc'))).toEqual([4, 1, 2, 3, 0]);
});

test('a large input through the heap matches the full sort', () => {
  const rows: Row[] = Array.from({ length: 20_000 }, (_, Id) => ({
    Id,
    N: Id % 17 === 0 ? null : (Id * 7919) % 1000,
    S: `s${(Id * 31) % 97}`,
    R: null,
  }));
  const ws = table(rows);
  const keys: Key[] = [
    { col: 'S', dir: 'desc' },
    { col: 'N', dir: 'asc' },
  ];
  expect(ids(rowsOf(ws, `T | order by ${clause(keys)} | take 25`))).toEqual(ids(reference(rows, keys)).slice(0, 25));
  expect(ids(rowsOf(ws, 'T | top 10 by N desc'))).toEqual(
    ids(reference(rows, [{ col: 'N', dir: 'desc' }])).slice(0, 10),
  );
});

test('the heap against nulls: nulls placed first or last by either direction, ties with the worst kept row', () => {
  // nulls only in the second half, so they must displace rows the heap already holds
  const rows: Row[] = Array.from({ length: 5_000 }, (_, Id) => ({
    Id,
    N: Id > 2_500 && Id % 7 === 0 ? null : (Id * 37) % 11,
    S: '',
    R: null,
  }));
  const ws = table(rows);
  for (const dir of ['asc', 'desc'] as const)
    for (const nulls of ['first', 'last'] as const) {
      const keys: Key[] = [{ col: 'N', dir, nulls }];
      const expected = ids(reference(rows, keys));
      expect(ids(rowsOf(ws, `T | top 30 by ${clause(keys)}`))).toEqual(expected.slice(0, 30));
      expect(ids(rowsOf(ws, `T | order by ${clause(keys)}, Id desc | take 30`))).toEqual(
        ids(reference(rows, [...keys, { col: 'Id', dir: 'desc' }])).slice(0, 30),
      );
    }
});
