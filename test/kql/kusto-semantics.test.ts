/**
 * Answers that must match Kusto's documented semantics (each test cites its page). Expected values are
 * worked out by hand from the fixture table (test/kql/fixture.ts):
 *   Name          Code  Ratio  Flag   TimeGenerated
 *   Gamma_three   null  2.5    null   10:10
 *   Alpha-One     200   1.5    true   10:00
 *   beta two      401   null   false  10:05
 *   ''            500   0.5    true   10:15
 */
import { rowsOf, warmParser } from './helpers';
import { small } from './fixture';

beforeAll(warmParser, 60_000);

describe('count(<predicate>) is countif (https://learn.microsoft.com/kusto/query/countif-aggfunction)', () => {
  test('the availability-alert form: Success = count(Code < 500), Total = count()', () => {
    // Code < 500 holds for 200 and 401; null < 500 is null (not counted); 500 < 500 is false
    expect(rowsOf(small, 'T | summarize Success = count(Code < 500), Total = count()')).toEqual([
      { Success: 2, Total: 4 },
    ]);
  });

  test('count(Column) ignores nulls (https://learn.microsoft.com/kusto/query/count-aggfunction)', () => {
    // Code is null in one row; strings are never null, so every Name counts (the empty one too)
    expect(rowsOf(small, 'T | summarize count(Code), count(Name)')).toEqual([{ count_Code: 3, count_Name: 4 }]);
  });

  test('count(Column) by a key, as in the Microsoft Learn sample "summarize count(CorrelationId) by ApiId"', () => {
    expect(rowsOf(small, 'T | summarize count(Name) by Flag | order by count_Name desc, tostring(Flag) asc')).toEqual([
      { Flag: true, count_Name: 2 },
      { Flag: null, count_Name: 1 },
      { Flag: false, count_Name: 1 },
    ]);
  });
});

describe('real division by zero (https://learn.microsoft.com/kusto/query/isinf-function: 1.0*x/0.0)', () => {
  test('gives +inf, -inf and NaN, not null; a null operand still gives null', () => {
    const q = `T | order by TimeGenerated asc
| extend pos = Ratio / 0.0, neg = -Ratio / 0.0, nan = (Ratio - Ratio) / 0.0
| project Name, pos, neg, nan`;
    const rows = rowsOf(small, q);
    expect(rows[0]).toEqual({ Name: 'Alpha-One', pos: Infinity, neg: -Infinity, nan: NaN });
    expect(rows[1]).toEqual({ Name: 'beta two', pos: null, neg: null, nan: null });
  });

  test('isinf and isnan tell them apart (https://learn.microsoft.com/kusto/query/isnan-function)', () => {
    const q = `T | where Name == "Alpha-One"
| extend d = Ratio / 0.0, z = (Ratio - Ratio) / 0.0
| project infD = isinf(d), nanD = isnan(d), infZ = isinf(z), nanZ = isnan(z), nanR = isnan(Ratio)`;
    expect(rowsOf(small, q)).toEqual([{ infD: true, nanD: false, infZ: false, nanZ: true, nanR: false }]);
  });
});

describe('modulo is a small non-negative number (https://learn.microsoft.com/kusto/query/numerical-operators)', () => {
  test("the page's example: 14 % 12, -14 % 12, 14 % -12, -14 % -12 are 2, 10, 2, 10", () => {
    const q = `T | where Name == "Alpha-One"
| project plusPlus = 14 % 12, minusPlus = -14 % 12, plusMinus = 14 % -12, minusMinus = -14 % -12, col = (Code - 214) % 12`;
    // Code - 214 = -14 for the 200 row
    expect(rowsOf(small, q)).toEqual([{ plusPlus: 2, minusPlus: 10, plusMinus: 2, minusMinus: 10, col: 10 }]);
  });
});

describe('endofday is the last tick of the day (https://learn.microsoft.com/kusto/query/endofday-function)', () => {
  test('23:59:59.9999999 of the same day: before the next midnight, shown at millisecond resolution', () => {
    const q = `T | where Name == "Alpha-One"
| extend e = endofday(TimeGenerated)
| project e, beforeMidnight = e < datetime(2026-11-24), sameDay = startofday(e) == startofday(TimeGenerated),
  prevDay = endofday(TimeGenerated, -1)`;
    expect(rowsOf(small, q)).toEqual([
      {
        e: new Date('2026-11-23T23:59:59.999Z'),
        beforeMidnight: true,
        sameDay: true,
        prevDay: new Date('2026-11-22T23:59:59.999Z'),
      },
    ]);
  });
});

describe('expressions over aggregates in summarize (https://learn.microsoft.com/kusto/query/summarize-operator)', () => {
  test('arithmetic over several aggregates, round() of a ratio, and a constant column', () => {
    // sum(Code) = 200 + 401 + 500 = 1101; countif(Flag) = 2 of 4 rows
    const q = `T | summarize Total = sum(Code) + count(), Pct = round(100.0 * countif(Flag) / count(), 2), watermark = 5`;
    expect(rowsOf(small, q)).toEqual([{ Total: 1105, Pct: 50, watermark: 5 }]);
  });

  test('by a key', () => {
    const q = `T | summarize Twice = count() * 2, Span = max(TimeGenerated) - min(TimeGenerated) by Flag | order by Twice desc, tostring(Flag) asc`;
    expect(rowsOf(small, q)).toEqual([
      { Flag: true, Twice: 4, Span: 15 * 60_000 },
      { Flag: null, Twice: 2, Span: 0 },
      { Flag: false, Twice: 2, Span: 0 },
    ]);
  });
});
