/**
 * Queries that differ only in their `let` literals share one analysis (src/kql/shape.ts): the shared text keeps
 * every offset, and each run still binds its own values.
 */
import { KqlError, runQuery } from '../../src/kql';
import { letLiteralShape } from '../../src/kql/shape';
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
  test('queries differing only in datetime, long, bool and timespan lets of the same widths have one shape', () => {
    const a = query(T0, 200, false, 15, 3);
    const b = query(T0 + 7 * MIN, 500, false, 90, 8);
    const sa = letLiteralShape(a);
    const sb = letLiteralShape(b);
    expect(sa.text).toBe(sb.text);
    expect(sa.text.length).toBe(a.length);
    expect(sb.text.length).toBe(b.length);
    // The values are those of the real text, by the offset of each literal.
    const at = (text: string, literal: string) => text.indexOf(literal);
    expect([...sb.values]).toEqual([
      [at(b, 'datetime('), { kind: 'DateTimeLiteralExpression', type: 'datetime', value: T0 + 7 * MIN }],
      [at(b, '500'), { kind: 'LongLiteralExpression', type: 'long', value: 500 }],
      [at(b, 'false'), { kind: 'BooleanLiteralExpression', type: 'bool', value: false }],
      [at(b, '90m'), { kind: 'TimespanLiteralExpression', type: 'timespan', value: 90 * MIN }],
      [at(b, '8;'), { kind: 'LongLiteralExpression', type: 'long', value: 8 }],
    ]);
  });

  test('string lets, expressions and lines that are not lets are kept as written', () => {
    const text = 'let _api = "orders-api";\nlet _n = 1 + 2;\nlet _d = ago(1h);\nprint x = 5;';
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

  test('a let line inside a multi-line string is text, not a statement', () => {
    const q = 'let _n = 2;\nprint s = ```\nlet x = 5;\n```, n = _n';
    expect(rowsOf(ws, q)).toEqual([{ s: '\nlet x = 5;\n', n: 2 }]);
  });
});
