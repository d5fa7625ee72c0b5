import { formatTimespan, tableToJson, tableToText } from '../../src/cli/format';
import type { ResultTable } from '../../src/kql/types';

describe('CLI formatting', () => {
  test('timespans print as KQL prints them', () => {
    expect(formatTimespan(15 * 60_000)).toBe('00:15:00');
    expect(formatTimespan(86_400_000 + 2 * 3_600_000 + 3 * 60_000 + 4_500)).toBe('1.02:03:04.5000000');
    expect(formatTimespan(-30_000)).toBe('-00:00:30');
    expect(formatTimespan(0)).toBe('00:00:00');
  });

  const table: ResultTable = {
    name: 'PrimaryResult',
    columns: [
      { name: 'TimeGenerated', type: 'datetime' },
      { name: 'ApiId', type: 'string' },
      { name: 'count_', type: 'long' },
      { name: 'Lag', type: 'timespan' },
      { name: 'Tags', type: 'dynamic' },
    ],
    rows: [
      [new Date('2026-11-23T10:00:00Z'), 'orders-api', 42, 90_000, ['a', 'b']],
      [null, null, 0, null, null],
    ],
  };

  test('JSON has the Log Analytics API table shape with ISO datetimes', () => {
    expect(tableToJson(table)).toEqual({
      columns: table.columns,
      rows: [
        ['2026-11-23T10:00:00.000Z', 'orders-api', 42, '00:01:30', ['a', 'b']],
        [null, null, 0, null, null],
      ],
    });
  });

  test('text output aligns columns and counts rows', () => {
    const text = tableToText(table).split('\n');
    expect(text[0]).toBe('TimeGenerated             ApiId       count_  Lag       Tags');
    expect(text[2]).toBe('2026-11-23T10:00:00.000Z  orders-api  42      00:01:30  ["a","b"]');
    expect(text[text.length - 1]).toBe('(2 rows)');
  });
});
