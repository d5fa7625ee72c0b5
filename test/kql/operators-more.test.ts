/**
 * Operators beyond the basics, on the fixture table (test/kql/fixture.ts), answers worked out by hand.
 * T in time order: Alpha-One 10:00 Code 200 Flag true Errors [m1]; beta two 10:05 401 false [];
 * Gamma_three 10:10 null null (Errors null); '' 10:15 500 true [m4, m5].
 * Owners: 200 ok-team, 401 auth-team, 401 auth-team-2, 999 nobody.
 */
import { columnsOf, rowsOf, warmParser } from './helpers';
import { small } from './fixture';

beforeAll(warmParser, 60_000);

const rows = (q: string) => rowsOf(small, q);

describe('mv-expand (https://learn.microsoft.com/kusto/query/mv-expand-operator)', () => {
  test('one row per element; an empty array gives none, null gives one', () => {
    expect(rows('T | mv-expand e = Errors | project Name, m = tostring(e.message)')).toEqual([
      { Name: 'Alpha-One', m: 'm1' },
      { Name: 'Gamma_three', m: '' },
      { Name: '', m: 'm4' },
      { Name: '', m: 'm5' },
    ]);
  });

  test('with_itemindex, bags as one-entry bags or [key, value] pairs, to typeof()', () => {
    expect(
      rows(`T | where Name == '' | mv-expand with_itemindex=k e = Errors | project k, m = tostring(e.message)`),
    ).toEqual([
      { k: 0, m: 'm4' },
      { k: 1, m: 'm5' },
    ]);
    expect(rows(`T | where Name == 'Alpha-One' | mv-expand Props | project Props`)).toEqual([
      { Props: { x: 'a' } },
      { Props: { n: 1 } },
    ]);
    expect(rows(`T | where Name == 'Alpha-One' | mv-expand kind=array Props | project Props`)).toEqual([
      { Props: ['x', 'a'] },
      { Props: ['n', 1] },
    ]);
    expect(rows(`print a = dynamic([1, 'x', 3]) | mv-expand a to typeof(long)`)).toEqual([
      { a: 1 },
      { a: null },
      { a: 3 },
    ]);
  });
});

describe('make-series (https://learn.microsoft.com/kusto/query/make-series-operator)', () => {
  test('count per 10 minutes by a key, empty bins get the default', () => {
    const q = `T | make-series n = count() default = 0 on TimeGenerated from datetime(2026-11-23T10:00:00Z) to datetime(2026-11-23T10:20:00Z) step 10m by Flag`;
    const axis = ['2026-11-23T10:00:00Z', '2026-11-23T10:10:00Z'];
    expect(rows(q)).toEqual([
      { Flag: true, n: [1, 1], TimeGenerated: axis },
      { Flag: false, n: [1, 0], TimeGenerated: axis },
      { Flag: null, n: [0, 1], TimeGenerated: axis },
    ]);
  });
});

describe('sources: print, datatable, range', () => {
  test('print and datatable', () => {
    expect(rows(`print x = 1, y = 'a'`)).toEqual([{ x: 1, y: 'a' }]);
    expect(rows(`datatable(a:long, b:string)[1, 'x', 2, 'y'] | where a > 1`)).toEqual([{ a: 2, b: 'y' }]);
  });

  test('range includes its end', () => {
    expect(rows('range x from 1 to 7 step 3')).toEqual([{ x: 1 }, { x: 4 }, { x: 7 }]);
    expect(rows('range t from datetime(2026-01-01) to datetime(2026-01-03) step 1d | count')).toEqual([{ Count: 3 }]);
  });
});

describe('parse and parse-where (https://learn.microsoft.com/kusto/query/parse-operator)', () => {
  test('simple pattern with a typed column', () => {
    expect(
      rows(
        `print s = 'GET /orders/17 took 35ms' | parse s with verb ' ' path ' took ' ms:long 'ms' | project verb, path, ms`,
      ),
    ).toEqual([{ verb: 'GET', path: '/orders/17', ms: 35 }]);
  });

  test('parse keeps non-matching rows (empty values); parse-where drops them', () => {
    expect(rows(`T | parse Name with head '-' tail | project head, tail`)).toEqual([
      { head: 'Alpha', tail: 'One' },
      { head: '', tail: '' },
      { head: '', tail: '' },
      { head: '', tail: '' },
    ]);
    expect(rows(`T | parse-where Name with head '-' tail | project head, tail`)).toEqual([
      { head: 'Alpha', tail: 'One' },
    ]);
  });
});

describe('serialize, prev, next, row_number, row_cumsum (https://learn.microsoft.com/kusto/query/serialize-operator)', () => {
  test('window functions over the ordered rows', () => {
    const q = `T | order by TimeGenerated asc | extend p = prev(Code), nx = next(Name), r = row_number(), c = row_cumsum(Code) | project Name, p, nx, r, c`;
    expect(rows(q)).toEqual([
      { Name: 'Alpha-One', p: null, nx: 'beta two', r: 1, c: 200 },
      { Name: 'beta two', p: 200, nx: 'Gamma_three', r: 2, c: 601 },
      { Name: 'Gamma_three', p: 401, nx: '', r: 3, c: 601 },
      { Name: '', p: null, nx: '', r: 4, c: 1101 },
    ]);
    expect(rows('T | serialize | extend r = row_number(10) | project r | take 1')).toEqual([{ r: 10 }]);
  });
});

describe('as, project-reorder, top-nested', () => {
  test('as names the rows without changing them', () => {
    expect(rows('T | as X | where Code > 300 | count')).toEqual([{ Count: 2 }]);
  });

  test('project-reorder puts the named columns first', () => {
    expect(columnsOf(small, 'T | project-reorder Code, Name').slice(0, 3)).toEqual([
      'Code:long',
      'Name:string',
      'TimeGenerated:datetime',
    ]);
  });

  test('top-nested keeps the top groups of each level', () => {
    expect(rows('T | top-nested 2 of Flag by c = count()')).toEqual([
      { Flag: true, c: 2 },
      { Flag: false, c: 1 },
    ]);
    expect(rows('T | top-nested 1 of Flag by c = count(), top-nested 1 of Name by m = max(Code)')).toEqual([
      { Flag: true, c: 2, Name: '', m: 500 },
    ]);
  });
});

describe('lookup and the right-side join kinds (https://learn.microsoft.com/kusto/query/join-operator)', () => {
  test('lookup is a left outer join that adds the right side columns once', () => {
    expect(rows(`T | lookup (Owners | where Owner != 'auth-team-2') on Code | project Name, Owner`)).toEqual([
      { Name: 'Alpha-One', Owner: 'ok-team' },
      { Name: 'beta two', Owner: 'auth-team' },
      { Name: 'Gamma_three', Owner: '' },
      { Name: '', Owner: '' },
    ]);
  });

  test('fullouter, rightouter, rightsemi, rightanti', () => {
    // matches: 200 x1, 401 x2; left only: null, 500; right only: 999
    expect(rows('T | join kind=fullouter Owners on Code | count')).toEqual([{ Count: 6 }]);
    expect(rows('T | join kind=rightouter Owners on Code | count')).toEqual([{ Count: 4 }]);
    expect(rows('T | join kind=rightsemi Owners on Code | project Owner')).toEqual([
      { Owner: 'ok-team' },
      { Owner: 'auth-team' },
      { Owner: 'auth-team-2' },
    ]);
    expect(rows('T | join kind=rightanti Owners on Code')).toEqual([{ Code: 999, Owner: 'nobody' }]);
  });
});

describe('user-defined functions (https://learn.microsoft.com/kusto/query/functions/user-defined-functions)', () => {
  test('scalar, with a default parameter, and tabular', () => {
    expect(rows('let f = (x:long) { x * 2 }; T | where isnotnull(Code) | project d = f(Code)')).toEqual([
      { d: 400 },
      { d: 802 },
      { d: 1000 },
    ]);
    expect(rows('let h = (x:long, y:long = 10) { x + y }; print a = h(1), b = h(1, 2)')).toEqual([{ a: 11, b: 3 }]);
    expect(rows('let g = (least:long) { T | where Code >= least }; g(400) | count')).toEqual([{ Count: 2 }]);
  });
});

describe('evaluate bag_unpack and pivot, mv-apply', () => {
  test('bag_unpack: one column per key', () => {
    expect(rows('T | where isnotnull(Props) | project Name, Props | evaluate bag_unpack(Props)')).toEqual([
      { Name: 'Alpha-One', x: 'a', n: 1, y: null },
      { Name: 'beta two', x: 'b', n: null, y: null },
      { Name: '', x: '', n: null, y: 2 },
    ]);
  });

  test('pivot: one column per value, counting by default', () => {
    expect(rows('Owners | project Owner | evaluate pivot(Owner)')).toEqual([
      { 'auth-team': 1, 'auth-team-2': 1, nobody: 1, 'ok-team': 1 },
    ]);
  });

  test("mv-apply runs a subquery on each row's elements", () => {
    expect(rows(`T | where Name == '' | mv-apply e = Errors on (summarize c = count())`).map((r) => r.c)).toEqual([2]);
    expect(
      rows(
        `T | mv-apply e = Errors on (where tostring(e.message) != 'm4') | where isnotnull(e) | project Name, m = tostring(e.message)`,
      ),
    ).toEqual([
      { Name: 'Alpha-One', m: 'm1' },
      { Name: '', m: 'm5' },
    ]);
  });
});
