import { runQuery } from '../../src/kql';
import { warmParser, NOW, T0 } from './helpers';
import { small } from './fixture';

beforeAll(warmParser, 60_000);

const m = 60000;
const rows = (q: string) => runQuery(small, q, { now: NOW }).tables[0].rows;
const columns = (q: string) => runQuery(small, q, { now: NOW }).tables[0].columns.map((c) => `${c.name}:${c.type}`);

describe('operators', () => {
  test.each<[string, string, unknown[][]]>([
    [
      'rows are stored sorted by TimeGenerated',
      'T | project Name',
      [['Alpha-One'], ['beta two'], ['Gamma_three'], ['']],
    ],
    ['where with null comparison is false', 'T | where Code > 300 | project Name', [['beta two'], ['']]],
    [
      'null != value is true (Kusto null semantics)',
      'T | where Code != 200 | project Name',
      [['beta two'], ['Gamma_three'], ['']],
    ],
    ['null == value is false', 'T | where Code == 200 or Code == long(null) | project Name', [['Alpha-One']]],
    [
      'project with rename and computed column',
      'T | where Code == 200 | project N = Name, Double = Code * 2',
      [['Alpha-One', 400]],
    ],
    ['project-away', 'T | take 1 | project-away TimeGenerated, Props, Errors, Ratio, Flag', [['Alpha-One', 200]]],
    ['project-rename keeps position', 'T | take 1 | project-rename Id = Name | project Id', [['Alpha-One']]],
    [
      'a later extend sees an earlier one',
      'T | take 1 | extend a = Code + 1 | extend b = a * 10 | project a, b',
      [[201, 2010]],
    ],
    [
      'extend replaces a column in place',
      'T | take 1 | extend Code = Code + 1 | project Name, Code',
      [['Alpha-One', 201]],
    ],
    ['take / limit', 'T | limit 2 | project Name', [['Alpha-One'], ['beta two']]],
    ['order by default is desc, nulls last', 'T | order by Code | project Code', [[500], [401], [200], [null]]],
    ['order asc puts nulls first', 'T | order by Code asc | project Code', [[null], [200], [401], [500]]],
    ['order desc nulls first', 'T | sort by Ratio desc nulls first | project Ratio', [[null], [2.5], [1.5], [0.5]]],
    [
      'order by two keys',
      'T | order by Flag asc, Name asc | project Name',
      [['Gamma_three'], ['beta two'], [''], ['Alpha-One']],
    ],
    ['top', 'T | top 2 by Ratio | project Name', [['Gamma_three'], ['Alpha-One']]],
    ['distinct', 'T | distinct Flag | order by Flag asc', [[null], [false], [true]]],
    ['count', 'T | count', [[4]]],
    ['count after where', 'T | where Flag | count', [[2]]],
    [
      'union appends rows, missing columns are null',
      'T | where Code == 401 | project Code, Name | union (Owners | where Code == 999)',
      [
        [401, 'beta two', ''],
        [999, '', 'nobody'],
      ],
    ],
    [
      'join default kind is innerunique (left de-duplicated)',
      'Owners | join (T | project Code, Name) on Code | project Owner, Name',
      [
        ['ok-team', 'Alpha-One'],
        ['auth-team', 'beta two'],
      ],
    ],
    [
      'join kind=inner matches every pair',
      'T | join kind=inner (Owners) on Code | project Name, Owner',
      [
        ['Alpha-One', 'ok-team'],
        ['beta two', 'auth-team'],
        ['beta two', 'auth-team-2'],
      ],
    ],
    [
      'join kind=leftouter keeps unmatched left rows',
      'T | join kind=leftouter (Owners) on Code | project Name, Owner',
      [
        ['Alpha-One', 'ok-team'],
        ['beta two', 'auth-team'],
        ['beta two', 'auth-team-2'],
        ['Gamma_three', ''],
        ['', ''],
      ],
    ],
    [
      'join on $left/$right',
      'T | join kind=leftsemi (Owners) on $left.Code == $right.Code | project Name',
      [['Alpha-One'], ['beta two']],
    ],
    ['join kind=leftanti', 'T | join kind=leftanti (Owners) on Code | project Name', [['Gamma_three'], ['']]],
    ['render is ignored', 'T | summarize count() | render barchart', [[4]]],
    ['tabular let used as a view', 'let errs = T | where Code >= 400; errs | project Name', [['beta two'], ['']]],
    [
      'scalar lets',
      'let limit_ = 300; let who = "beta two"; T | where Code > limit_ and Name == who | project Code',
      [[401]],
    ],
  ])('%s', (_label, q, expected) => {
    expect(rows(q)).toEqual(expected);
  });

  test('getschema returns the Kusto columns', () => {
    expect(columns('T | getschema')).toEqual([
      'ColumnName:string',
      'ColumnOrdinal:long',
      'DataType:string',
      'ColumnType:string',
    ]);
    expect(rows('T | project Name, Code | getschema')).toEqual([
      ['Name', 0, 'System.String', 'string'],
      ['Code', 1, 'System.Int64', 'long'],
    ]);
  });

  test('join output names the right side duplicate key Code1', () => {
    expect(columns('T | join kind=inner (Owners) on Code')).toEqual([
      'TimeGenerated:datetime',
      'Name:string',
      'Code:long',
      'Ratio:real',
      'Flag:bool',
      'Props:dynamic',
      'Errors:dynamic',
      'Code1:long',
      'Owner:string',
    ]);
  });

  test('multiple expression statements give several tables', () => {
    const r = runQuery(small, 'T | count; Owners | count', { now: NOW });
    expect(r.tables.map((t) => [t.name, t.rows])).toEqual([
      ['PrimaryResult', [[4]]],
      ['Table_1', [[4]]],
    ]);
  });

  test('rowsExamined counts base rows read, after time pushdown', () => {
    expect(runQuery(small, 'T | count', { now: NOW }).rowsExamined).toBe(4);
    expect(
      runQuery(small, 'T | where TimeGenerated >= datetime(2026-11-23T10:05:00Z) | count', { now: NOW }).rowsExamined,
    ).toBe(3);
    expect(
      runQuery(
        small,
        'T | where TimeGenerated > datetime(2026-11-23T10:05:00Z) and TimeGenerated < datetime(2026-11-23T10:15:00Z) | count',
        { now: NOW },
      ).rowsExamined,
    ).toBe(1);
    expect(
      runQuery(small, 'T | where datetime(2026-11-23T10:10:00Z) <= TimeGenerated | count', { now: NOW }).rowsExamined,
    ).toBe(2);
    expect(
      runQuery(small, 'T | where TimeGenerated == datetime(2026-11-23T10:10:00Z) | count', { now: NOW }).rowsExamined,
    ).toBe(1);
  });

  test('no pushdown past an extend that redefines TimeGenerated (answers stay right)', () => {
    const q =
      'T | extend TimeGenerated = TimeGenerated + 1h | where TimeGenerated > datetime(2026-11-23T11:12:00Z) | project Name';
    const r = runQuery(small, q, { now: NOW });
    expect(r.tables[0].rows).toEqual([['']]);
    expect(r.rowsExamined).toBe(4);
  });
});

describe('summarize', () => {
  test('keys first, then aggregates with Kusto default names', () => {
    expect(
      columns(
        'T | summarize count(), countif(Code > 300), dcount(Name), sum(Code), avg(Ratio), min(Code), max(TimeGenerated), any(Name) by Flag',
      ),
    ).toEqual([
      'Flag:bool',
      'count_:long',
      'countif_:long',
      'dcount_Name:long',
      'sum_Code:long',
      'avg_Ratio:real',
      'min_Code:long',
      'max_TimeGenerated:datetime',
      'any_Name:string',
    ]);
  });

  test('aggregates over groups (null key is a group of its own)', () => {
    expect(
      rows(
        'T | summarize n = count(), big = countif(Code > 300), s = sum(Code), a = avg(Ratio), lo = min(Code), hi = maxif(Ratio, Code > 0) by Flag | order by Flag asc',
      ),
    ).toEqual([
      [null, 1, 0, 0, 2.5, null, null], // sum() of no values is 0, avg()/min() null (Kusto defaults)
      [false, 1, 1, 401, null, 401, null],
      [true, 2, 1, 700, 1, 200, 1.5],
    ]);
  });

  test('summarize without by on no rows still gives one row', () => {
    expect(
      rows('T | where Code > 1000 | summarize count(), sum(Code), avg(Code), make_set(Name), dcount(Name)'),
    ).toEqual([[0, 0, null, [], 0]]);
    expect(rows('T | where Code > 1000 | summarize count() by Name')).toEqual([]);
  });

  test('bin() keys', () => {
    expect(rows('T | summarize c = count() by bin(TimeGenerated, 10m) | order by TimeGenerated asc')).toEqual([
      [new Date(T0), 2],
      [new Date(T0 + 10 * m), 2],
    ]);
  });

  test('arg_max / arg_min return the row of the extreme value', () => {
    expect(columns('T | summarize arg_max(Code, Name) by Flag')).toEqual(['Flag:bool', 'Code:long', 'Name:string']);
    expect(rows('T | where isnotnull(Flag) | summarize arg_max(Code, Name) by Flag | order by Flag asc')).toEqual([
      [false, 401, 'beta two'],
      [true, 500, ''],
    ]);
    expect(rows('T | summarize arg_min(Ratio, *) | project Ratio, Name')).toEqual([[0.5, '']]);
  });

  test('make_set / make_list / percentile / sumif / minif / take_any', () => {
    expect(
      rows(
        'T | summarize make_set(Flag), make_list(Code), make_set(Name, 2), percentile(Code, 50), percentile(Code, 100), sumif(Code, Flag), minif(Code, Code > 250), take_any(Name)',
      ),
    ).toEqual([[[true, false], [200, 401, 500], ['Alpha-One', 'beta two'], 401, 500, 700, 401, 'Alpha-One']]);
    expect(
      columns(
        'T | summarize make_set(Name), make_list(Code), percentile(Code, 95), take_any(Name), take_any(Code, Ratio)',
      ),
    ).toEqual([
      'set_Name:dynamic',
      'list_Code:dynamic',
      'percentile_Code_95:long',
      'Name:string',
      'Code:long',
      'Ratio:real',
    ]);
  });

  test('count_ can be used by later operators', () => {
    expect(rows('T | summarize count() by Flag | where count_ > 1 | project Flag')).toEqual([[true]]);
  });
});
