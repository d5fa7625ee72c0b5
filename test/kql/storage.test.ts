import { runQuery } from '../../src/kql';
import { timeOrder } from '../../src/kql/storage';
import { warmParser, NOW, T0, cols, workspace } from './helpers';

beforeAll(warmParser, 60_000);

describe('time order on load', () => {
  test.each<[string, number[], number[]]>([
    ['integral ms (packed native sort), nulls last, stable', [5, NaN, 3, 3, 1e12, -2], [5, 2, 3, 0, 4, 1]],
    ['fractional times fall back to the comparator', [5.5, NaN, 3, 3, 0.25], [4, 2, 3, 0, 1]],
    ['all null', [NaN, NaN], [0, 1]],
    ['empty', [], []],
  ])('%s', (_l, times, expected) => {
    expect(Array.from(timeOrder(Float64Array.from(times)))).toEqual(expected);
  });

  test('rows with a null TimeGenerated stay visible to full scans but never match a time window', () => {
    const m = 60000;
    const ws = workspace({
      name: 'L',
      columns: cols('TimeGenerated:datetime, V:long'),
      rows: [
        [new Date(T0 + 3 * m), 3],
        [null, 0],
        [new Date(T0 + 1 * m), 1],
        ['', -1],
        [new Date(T0 + 2 * m), 2],
      ],
    });
    expect(runQuery(ws, 'L | project V', { now: NOW }).tables[0].rows).toEqual([[1], [2], [3], [0], [-1]]);
    const r = runQuery(ws, 'L | where TimeGenerated >= datetime(2026-11-23T10:02:00Z) | project V', { now: NOW });
    expect(r.tables[0].rows).toEqual([[2], [3]]);
    expect(r.rowsExamined).toBe(2);
    expect(runQuery(ws, 'L | where isnull(TimeGenerated) | count', { now: NOW }).tables[0].rows).toEqual([[2]]);
  });

  test('a high-cardinality string column (stored plainly) answers the same', () => {
    const rows = Array.from({ length: 5000 }, (_, i) => [new Date(T0 + i * 1000), `id-${i}`, i % 3 === 0 ? 'a' : 'b']);
    const ws = workspace({ name: 'H', columns: cols('TimeGenerated:datetime, Id:string, K:string'), rows });
    expect(
      runQuery(ws, 'H | where Id == "id-4321" or Id has "4999" | project Id', { now: NOW }).tables[0].rows,
    ).toEqual([['id-4321'], ['id-4999']]);
    expect(runQuery(ws, 'H | summarize dcount(Id) by K | order by K asc', { now: NOW }).tables[0].rows).toEqual([
      ['a', 1667],
      ['b', 3333],
    ]);
  });
});

describe('sorting many rows (numeric fast path) matches the general order', () => {
  const rows = Array.from({ length: 500 }, (_, i) => [
    new Date(T0 + ((i * 37) % 500) * 1000),
    i % 7 === 0 ? null : (i * 13) % 50,
    `r${i}`,
  ]);
  const ws = workspace({ name: 'S', columns: cols('TimeGenerated:datetime, N:long, Id:string'), rows });
  const ids = (q: string) => runQuery(ws, q, { now: NOW }).tables[0].rows.map((r) => r[0]);
  test.each(['desc', 'asc', 'desc nulls first', 'asc nulls last'])('order by N %s', (dir) => {
    const fast = ids(`S | order by N ${dir} | project Id`);
    // a second constant key forces the general comparator path
    const slow = ids(`S | extend one = 1 | order by N ${dir}, one asc | project Id`);
    expect(fast).toEqual(slow);
    const ns = runQuery(ws, `S | order by N ${dir} | project N`, { now: NOW }).tables[0].rows.map((r) => r[0]);
    const nullAt = ns.indexOf(null);
    expect(nullAt === 0).toBe(dir.includes('nulls first') || dir === 'asc');
  });
});
