import { runQuery } from '../../src/kql';
import { warmParser, NOW } from './helpers';
import { small } from './fixture';

beforeAll(warmParser, 60_000);

const run = (q: string) => runQuery(small, q, { now: NOW }).tables[0];

describe('naming and shapes follow the Kusto analyzer', () => {
  test('unnamed computed columns are Column1, Column2...', () => {
    const t = run('T | take 1 | project Name, 1d, Code + 1');
    expect(t.columns.map((c) => `${c.name}:${c.type}`)).toEqual(['Name:string', 'Column1:timespan', 'Column2:long']);
    expect(t.rows).toEqual([['Alpha-One', 86400000, 201]]);
  });

  test('summarize by only (no aggregates) lists the distinct keys', () => {
    expect(run('T | summarize by Flag | order by Flag asc').rows).toEqual([[null], [false], [true]]);
  });

  test('named by-keys', () => {
    const t = run('T | summarize n = count() by Bucket = bin(Code, 250) | order by Bucket asc');
    expect(t.columns.map((c) => c.name)).toEqual(['Bucket', 'n']);
    expect(t.rows).toEqual([
      [null, 1],
      [0, 1],
      [250, 1],
      [500, 1],
    ]);
  });

  test('distinct *', () => {
    expect(run('Owners | project Code | distinct * | count').rows).toEqual([[3]]);
  });
});

describe('dynamic values', () => {
  test.each<[string, string[]]>([
    ['Props.x == "a"', ['Alpha-One']],
    ['tostring(Props["x"]) == "b"', ['beta two']], // the column held the JSON text {"x":"b"}
    ['Props.n == 1', ['Alpha-One']],
    ['isnotnull(Errors[1])', ['']],
    ['array_length(Errors) == 0', ['beta two']],
    ['Errors[0].message has "m4"', ['']],
  ])('%s', (pred, expected) => {
    expect(run(`T | where ${pred} | project Name`).rows.map((r) => r[0])).toEqual(expected);
  });

  test('a dynamic list in a let feeds in / has_any', () => {
    expect(run('let codes = dynamic([401, 500]); T | where Code in (codes) | project Name').rows).toEqual([
      ['beta two'],
      [''],
    ]);
    expect(run('let words = dynamic(["two", "three"]); T | where Name has_any (words) | project Name').rows).toEqual([
      ['beta two'],
      ['Gamma_three'],
    ]);
  });
});

describe('time arithmetic', () => {
  test.each<[string, unknown]>([
    ['2h + 30m', 150 * 60000],
    ['1d / 2', 12 * 3600000],
    ['2 * 15m', 30 * 60000],
    ['datetime(2026-11-23T10:00:00Z) - datetime(2026-11-23T09:00:00Z)', 3600000],
    ['-15m', -15 * 60000],
    ['timespan(00:05:00)', 5 * 60000],
    ['tostring(90m)', '01:30:00'],
    ['tostring(datetime(2026-11-23T10:00:00.5Z))', '2026-11-23T10:00:00.5000000Z'],
  ])('%s', (expr, expected) => {
    expect(run(`T | take 1 | project v = ${expr}`).rows[0][0]).toEqual(expected);
  });
});

describe('subqueries', () => {
  test('toscalar() in a let and inline', () => {
    expect(
      run('let top_code = toscalar(T | summarize max(Code)); T | where Code == top_code | project Name').rows,
    ).toEqual([['']]);
    expect(
      run('T | where Code > toscalar(Owners | where Owner == "ok-team" | project Code) | project Name').rows,
    ).toEqual([['beta two'], ['']]);
  });

  test('materialize() is evaluated like its argument', () => {
    expect(run('let m = materialize(T | where Flag); m | count').rows).toEqual([[2]]);
  });
});

describe('let scoping', () => {
  test('a let may shadow the table it reads', () => {
    expect(run('let T = T | where Flag; T | count').rows).toEqual([[2]]);
  });
  test('a view of a view, each pushed down to the time index', () => {
    const r = runQuery(
      small,
      'let a = T | where isnotempty(Name); let b = a | project TimeGenerated, Name; b | where TimeGenerated > datetime(2026-11-23T10:07:00Z) | project Name',
      { now: NOW },
    );
    expect(r.tables[0].rows).toEqual([['Gamma_three']]);
    expect(r.rowsExamined).toBe(2);
  });
});

describe('comments inside expressions', () => {
  // A comment belongs to the next token's leading trivia: literals must be read without it.
  test('a comment before a literal does not change its value', () => {
    expect(run('T\n| where Name == // the first row\n    "Alpha-One"\n| project Code').rows).toEqual([[200]]);
    expect(run('T | where Code == // two hundred\n 200 | project Name').rows).toEqual([['Alpha-One']]);
  });
  test('a comment before a join kind', () => {
    const t = run(
      'T | join kind = // rows without an owner\n leftanti Owners on Code | project Name | order by Name asc',
    );
    expect(t.rows).toEqual([[''], ['Gamma_three']]);
  });
});
