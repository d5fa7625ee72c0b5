/**
 * Queries that differ only in their `let` literals share one analysis (src/kql/shape.ts): the shared text keeps
 * every offset, and each run still binds its own values.
 */
import { createHash } from 'node:crypto';
import { KqlError, runQuery } from '../../src/kql';
import { analyzeSharingLetLiterals, letLiteralShape } from '../../src/kql/shape';
import { cols, rowsOf, warmParser, workspace, NOW, T0 } from './helpers';

beforeAll(warmParser, 60_000);

const MIN = 60_000;
/** Events one minute apart from T0, with a code and a flag. */
const EVENTS = Array.from({ length: 30 }, (_, i) => ({ at: T0 + i * MIN, code: 200 + (i % 4) * 100, ok: i % 3 !== 0 }));
const ws = workspace({
  name: 'Events',
  columns: cols('TimeGenerated:datetime, Code:long, Ok:bool'),
  rows: EVENTS.map((e) => [new Date(e.at).toISOString(), e.code, e.ok]),
});

function query(from: number, code: number, ok: boolean, windowMinutes: number, take: number): string {
  return [
    `let _from = datetime(${new Date(from).toISOString()});`,
    `let _code = ${code};`,
    `let _ok = ${ok};`,
    `let _window = ${windowMinutes}m;`,
    `let _take = ${take};`,
    'Events',
    '| where TimeGenerated >= _from and TimeGenerated < _from + _window',
    '| where Code == _code and Ok == _ok',
    '| order by TimeGenerated asc',
    '| take _take',
    '| project TimeGenerated, Code, Ok',
  ].join('\n');
}

describe('letLiteralShape', () => {
  test('queries differing only in datetime, long, bool, timespan and string lets have one shape', () => {
    const a = query(T0, 200, true, 15, 3) + '\nlet _api = "orders-api";';
    const b = query(T0 + 7 * MIN, 500, false, 120, 25) + '\nlet _api = "a \\"quoted\\" name";';
    const sa = letLiteralShape(a);
    const sb = letLiteralShape(b);
    expect(sa.text).toBe(sb.text);
    // The values are those of the real text, keyed by where their stand is in the shape.
    const real = (literal: string) => {
      const realStart = b.indexOf(literal);
      return { realStart, realEnd: realStart + literal.length };
    };
    expect([...sb.values.values()]).toEqual([
      {
        kind: 'DateTimeLiteralExpression',
        type: 'datetime',
        value: T0 + 7 * MIN,
        name: '_from',
        ...real(`datetime(${new Date(T0 + 7 * MIN).toISOString()})`),
        standLength: 20,
      },
      { kind: 'LongLiteralExpression', type: 'long', value: 500, name: '_code', ...real('500'), standLength: 1 },
      { kind: 'BooleanLiteralExpression', type: 'bool', value: false, name: '_ok', ...real('false'), standLength: 4 },
      {
        kind: 'TimespanLiteralExpression',
        type: 'timespan',
        value: 120 * MIN,
        name: '_window',
        ...real('120m'),
        standLength: 2,
      },
      { kind: 'LongLiteralExpression', type: 'long', value: 25, name: '_take', ...real('25'), standLength: 1 },
      {
        kind: 'StringLiteralExpression',
        type: 'string',
        value: 'a "quoted" name',
        name: '_api',
        ...real('"a \\"quoted\\" name"'),
        standLength: 2,
      },
    ]);
    for (const [at, v] of sb.values)
      expect(sb.text.slice(at, at + v.standLength)).not.toBe(b.slice(v.realStart, v.realEnd));
  });

  test('single-quoted strings, expressions and lines that are not lets are kept as written', () => {
    const text = "let _api = 'orders-api';\nlet _n = 1 + 2;\nlet _d = ago(1h);\nprint x = 5;";
    expect(letLiteralShape(text)).toEqual({ text, values: new Map() });
  });

  test('a string with an escape Kusto does not know is analysed as written, so its error is kept', () => {
    const text = 'let _api = "a\\qb";\nEvents | where tostring(Code) == _api';
    expect(letLiteralShape(text)).toEqual({ text, values: new Map() });
  });
});

describe('runQuery with shared analysis', () => {
  test('each run binds its own let values', () => {
    const cases = [
      { from: T0, code: 200, ok: true, window: 30, take: 100 },
      { from: T0 + 5 * MIN, code: 300, ok: true, window: 10, take: 100 },
      { from: T0 + 2 * MIN, code: 200, ok: false, window: 120, take: 2 },
      { from: T0 + 29 * MIN, code: 500, ok: true, window: 1, take: 100 },
    ];
    for (const c of cases) {
      const expected = EVENTS.filter(
        (e) => e.at >= c.from && e.at < c.from + c.window * MIN && e.code === c.code && e.ok === c.ok,
      )
        .slice(0, c.take)
        .map((e) => ({ TimeGenerated: new Date(e.at), Code: e.code, Ok: e.ok }));
      expect({ c, rows: rowsOf(ws, query(c.from, c.code, c.ok, c.window, c.take)) }).toEqual({ c, rows: expected });
    }
  });

  test('an error after a replaced literal points at the real text', () => {
    const q = `let _from = datetime(2026-11-23T10:00:00Z);\nEvents | where Nope > _from`;
    let err: unknown;
    try {
      runQuery(ws, q, { now: NOW });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(KqlError);
    expect((err as KqlError).offset).toBe(q.indexOf('Nope'));
    expect({ line: (err as KqlError).line, column: (err as KqlError).column }).toEqual({ line: 2, column: 16 });
  });

  test('an error while running, after literals of other widths, points at the real text', () => {
    // Shared with a first run whose literals are shorter, so the analysed text's offsets differ from this query's.
    rowsOf(
      ws,
      `let _from = datetime(2026-11-23);\nlet _api = "";\nEvents | where Code > 0 | project h = hash_md5(_api)`,
    );
    const q = `let _from = datetime(2026-11-23T10:00:00.000Z);\nlet _api = "orders-api";\nEvents | where Code > 0 | project h = hash_md5(_api)`;
    // Not an error: the second run reads its own string.
    expect(rowsOf(ws, q)[0]).toEqual({ h: createHash('md5').update('orders-api').digest('hex') });
    const bad = `let _from = datetime(2026-11-23T10:00:00.000Z);\nlet _api = "orders-api";\nEvents | where Code > 0 | project h = geo_point_to_s2cell(1.0, 2.0)`;
    let err: unknown;
    try {
      runQuery(ws, bad, { now: NOW });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(KqlError);
    expect((err as KqlError).kind).toBe('unsupported'); // found while running, not by the analyzer
    expect((err as KqlError).offset).toBe(bad.indexOf('geo_point_to_s2cell'));
  });

  test('a string let is shared only where its value cannot change the analysis', () => {
    const shapes = [{ name: 'Events', columns: cols('TimeGenerated:datetime, Code:long, Ok:bool') }];
    const compared = 'let _name = "Code";\nEvents | where tostring(Code) =~ _name or isempty(strcat("x", _name))';
    expect(analyzeSharingLetLiterals(compared, shapes).text).toBe(letLiteralShape(compared).text);
    for (const named of ['Events | project v = column_ifexists(_name, -1)', 'table(_name) | count']) {
      const q = `let _name = "Code";\n${named}`;
      expect(analyzeSharingLetLiterals(q, shapes).text).toBe(q);
    }
  });

  test('a let line inside a multi-line string is text, not a statement', () => {
    const q = 'let _n = 2;\nprint s = ```\nlet x = 5;\n```, n = _n';
    expect(rowsOf(ws, q)).toEqual([{ s: '\nlet x = 5;\n', n: 2 }]);
  });
});
