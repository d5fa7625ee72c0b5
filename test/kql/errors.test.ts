import { KqlError, analyzeQuery, queryOperators, runQuery } from '../../src/kql';
import { warmParser, NOW, cols, workspace } from './helpers';
import { small } from './fixture';

beforeAll(warmParser, 60_000);

function errorOf(q: string, ws = small): KqlError {
  try {
    runQuery(ws, q, { now: NOW });
  } catch (e) {
    expect(e).toBeInstanceOf(KqlError);
    return e as KqlError;
  }
  throw new Error('expected the query to fail: ' + q);
}

describe('errors', () => {
  test('syntax error: the parser code, message, line and column', () => {
    const e = errorOf('T\n| wher Code > 1');
    expect(e.kind).toBe('syntax');
    expect(e.code).toBe('KS176');
    expect(e.line).toBe(2);
    expect(e.column).toBe(3);
    expect(e.message).toContain('line 2, column 3');
    expect(e.message).toContain('Query operator expected');
  });

  test('unclosed parenthesis', () => {
    const e = errorOf('T | where (Code > 1');
    expect(e.kind).toBe('syntax');
    expect(e.code).toBe('KS005');
    expect(e.message).toContain('Expected: )');
  });

  test('unknown column: semantic, with did-you-mean', () => {
    const e = errorOf('T | where Cod > 1');
    expect(e.kind).toBe('semantic');
    expect(e.code).toBe('KS142');
    expect(e.suggestions?.[0]).toBe('Code');
    expect(e.message).toContain("Did you mean 'Code'");
    expect(e.line).toBe(1);
    expect(e.column).toBe(11);
  });

  test('unknown column after a summarize suggests the summarize output', () => {
    const e = errorOf('T | summarize count() by Name | order by count');
    expect(e.kind).toBe('semantic');
    expect(e.suggestions).toContain('count_');
  });

  test('unknown table', () => {
    const e = errorOf('AzureDiagnostic | take 1');
    expect(e.kind).toBe('semantic');
  });

  test('type errors the service would reject are rejected', () => {
    const e = errorOf('T | where Name > now()');
    expect(e.kind).toBe('semantic');
    expect(e.code).toBe('KS106');
  });

  test.each([
    ['T | evaluate autocluster()', 'autocluster', 1, 5],
    ["T\n| extend g = geo_info_from_ip_address('20.53.203.50')", 'geo_info_from_ip_address', 2, 14],
    ['T | sample 2', 'sample', 1, 5],
    ['T | summarize hll(Name)', 'hll', 1, 15],
    ['T | extend h = parse_user_agent(Name, "browser")', 'parse_user_agent', 1, 16],
  ])('unsupported: %s names %s, at its line and column', (q, what, line, column) => {
    const e = errorOf(q);
    expect(e.kind).toBe('unsupported');
    expect(e.message).toContain(what);
    expect([e.line, e.column]).toEqual([line, column]);
  });

  test('semantic errors say whether a name is unknown or a type does not fit', () => {
    expect(errorOf('T | where Cod > 1').reason).toBe('unknown-name');
    expect(errorOf('T | where Name > now()').reason).toBe('type');
    expect(errorOf('Nope | take 1').reason).toBe('unknown-name');
  });

  test('runQuery needs a clock and a query', () => {
    expect(() => runQuery(small, '', { now: NOW })).toThrow(KqlError);
    expect(() => runQuery(small, 'T', { now: new Date('x') })).toThrow(/opts.now/);
  });
});

describe('analyzeQuery', () => {
  const tables = [
    { name: 'AzureDiagnostics', columns: cols('TimeGenerated:datetime, ResponseCode_d:real, ErrorReason_s:string') },
  ];
  test('a valid query has no diagnostics', () => {
    expect(
      analyzeQuery('AzureDiagnostics | where ResponseCode_d >= 400 | summarize count() by ErrorReason_s', tables),
    ).toEqual([]);
  });
  test('semantic and syntax diagnostics carry code, line and column', () => {
    const d = analyzeQuery('AzureDiagnostics\n| where ResponseCod_d >= 400', tables);
    expect(d).toEqual([expect.objectContaining({ code: 'KS142', severity: 'Error', line: 2, column: 9 })]);
    expect(analyzeQuery('AzureDiagnostics | wher x', tables).map((x) => x.code)).toContain('KS176');
  });
});

describe('queryOperators', () => {
  test('lists operator kinds in order, including inside lets and subqueries', () => {
    expect(
      queryOperators(
        'let v = T | where A == 1; v | summarize count() by B | join (U | project B) on B | order by count_ desc | take 5',
      ),
    ).toEqual([
      'FilterOperator',
      'SummarizeOperator',
      'JoinOperator',
      'ProjectOperator',
      'SortOperator',
      'TakeOperator',
    ]);
  });
  test('an injected operator shows up', () => {
    expect(queryOperators('T | where Name == "x" | project Name')).not.toContain('UnionOperator');
    expect(queryOperators('T | where Name == "x" | union Secrets')).toContain('UnionOperator');
  });
});

describe('input conversion', () => {
  test('blank real cells are null, ISO strings are datetimes, JSON text is dynamic', () => {
    const ws = workspace({
      name: 'X',
      columns: cols('TimeGenerated:datetime, R:real, S:string, D:dynamic, B:bool'),
      rows: [
        ['2026-11-23T10:00:00Z', '', null, '{"a":[1,2]}', 'true'],
        [new Date('2026-11-23T10:01:00Z'), '4.5', 'x', null, null],
      ],
    });
    const t = runQuery(ws, 'X | project TimeGenerated, R, S, a = D.a[1], B, isnull(R)', { now: NOW }).tables[0];
    expect(t.rows).toEqual([
      [new Date('2026-11-23T10:00:00Z'), null, '', 2, true, true],
      [new Date('2026-11-23T10:01:00Z'), 4.5, 'x', null, null, false],
    ]);
  });

  test('bad table definitions are refused clearly', () => {
    expect(() => workspace({ name: 'bad name', columns: [], rows: [] })).toThrow(/Invalid table name/);
    expect(() => workspace({ name: 'Y', columns: cols('a:long, a:long'), rows: [] })).toThrow(/twice/);
  });
});

describe('runtime failures are KqlErrors too', () => {
  test('an invalid regular expression', () => {
    const e = errorOf('T | extend x = extract("(", 1, Name)');
    expect(e.kind).toBe('runtime');
    expect(e.message).toMatch(/regular expression/i);
  });
});

describe('join hints', () => {
  test('hint.strategy is accepted and changes nothing', () => {
    const r = runQuery(small, 'T | join hint.strategy=broadcast kind=inner (Owners) on Code | count', { now: NOW });
    expect(r.tables[0].rows).toEqual([[3]]);
  });
});
