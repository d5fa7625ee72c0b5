/**
 * How a result table is fitted to a 360 px phone, checked on made-up tables whose widths are known by
 * construction: fixed pixels for codes, counts and times, weights for names, and columns a phone cannot hold
 * left out by a stated rule and named on the card.
 */
import type { AnswerSection } from '../../src/answer';
import type { Cell, ColumnSchema } from '../../src/kql/types';
import { sectionModel } from '../../src/cards/sections';
import { smallTextPx } from '../../src/cards/textWidth';

const options = { maxRows: 20, id: 's', tableFirst: true, barChart: false };

function section(columns: [string, ColumnSchema['type']][], rows: Cell[][]): AnswerSection {
  return { title: 'T', table: { name: 't', columns: columns.map(([name, type]) => ({ name, type })), rows } };
}

const px = (w: number | string): number => (typeof w === 'string' ? Number(w.replace(/px$/, '')) : NaN);

test('a narrow table keeps every column: counts in pixels, the name by weight', () => {
  const m = sectionModel(
    section(
      [
        ['ApiId', 'string'],
        ['Requests', 'long'],
      ],
      [
        ['orders-api', 12],
        ['payments-api', 3400],
      ],
    ),
    options,
  );
  expect(m.header.map((h) => h.text)).toEqual(['API', 'Requests']);
  expect(typeof m.columns[0].width).toBe('number');
  expect(px(m.columns[1].width)).toBeGreaterThan(0);
  expect(m.hasLeftOut).toBe(false);
});

test('too many counts for a phone: the rightmost go first, the first column stays, and the card names them', () => {
  // Eight count columns, each headed by a 9-letter word: far wider than 326 px together.
  const names = ['Aaaaaaaaa', 'Bbbbbbbbb', 'Ccccccccc', 'Ddddddddd', 'Eeeeeeeee', 'Fffffffff', 'Ggggggggg'];
  const m = sectionModel(
    section(
      [['ApiId', 'string'], ...names.map((n): [string, 'long'] => [n, 'long'])],
      [['orders-api', ...names.map((_, i) => 1000 + i)]],
    ),
    options,
  );
  const shown = m.header.map((h) => h.text);
  expect(shown[0]).toBe('API');
  expect(shown.length).toBeLessThan(8);
  // The shown counts are the leftmost ones, in order; the rest are named as left out.
  expect(shown.slice(1)).toEqual(names.slice(0, shown.length - 1));
  expect(m.leftOut).toBe(
    `Not shown, to fit a phone: ${names.slice(shown.length - 1).join(', ')} ("Show KQL" has the query).`,
  );
  // What is shown fits: fixed pixels plus 8 px between cells plus at least 60 px for the name.
  const fixed = m.columns.slice(1).reduce((a, c) => a + px(c.width), 0);
  expect(fixed + 8 * (shown.length - 1) + 60).toBeLessThanOrEqual(326);
});

test('a time column is left out before a count, and a sample message before anything', () => {
  const m = sectionModel(
    section(
      [
        ['CallerIpAddress', 'string'],
        ['ApiId', 'string'],
        ['ApimSubscriptionId', 'string'],
        ['Requests', 'long'],
        ['LastSeen', 'datetime'],
        ['Sample', 'string'],
      ],
      [
        [
          '192.0.2.145',
          'orders-api',
          'Acme production key',
          19,
          new Date('2026-11-23T14:29:55Z'),
          'Access denied due to missing subscription key. Make sure to include the key when calling the API.',
        ],
      ],
    ),
    options,
  );
  expect(m.header.map((h) => h.text)).toEqual(['Caller IP', 'API', 'Subscription', 'Requests']);
  expect(m.leftOut).toBe('Not shown, to fit a phone: Last seen, Sample ("Show KQL" has the query).');
});

test('a time that spans two days ("11-23 14:29") gets the width to stay on one line', () => {
  const m = sectionModel(
    section(
      [
        ['ApiId', 'string'],
        ['LastSeen', 'datetime'],
      ],
      [
        ['orders-api', new Date('2026-11-22T23:59:10Z')],
        ['payments-api', new Date('2026-11-23T14:29:55Z')],
      ],
    ),
    options,
  );
  const cells = m.rows.map((r) => r.cells[1].text);
  expect(cells).toEqual(['11-22 23:59', '11-23 14:29']);
  expect(px(m.columns[1].width)).toBeGreaterThanOrEqual(Math.max(...cells.map((t) => smallTextPx(t))));
});
