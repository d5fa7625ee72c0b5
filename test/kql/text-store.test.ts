/**
 * `text` stores (columns.ts): plain strings kept as a few chunk strings plus offsets. Every row read back, through
 * a plain range and through a row selection, equals the value it was built from, whatever the chunking.
 */
import { textStore } from '../../src/kql/columns';
import { StoredTable } from '../../src/kql/storage';

const VALUES = ['', 'a', 'https://x/é?q=1', '😀 emoji', '', 'a-much-longer-value-than-one-chunk-holds', 'z', '日本'];

function read(values: string[], maxUnits?: number): { all: unknown[]; picked: unknown[]; chunks: number } {
  const store = textStore(values, maxUnits);
  if (store.kind !== 'text') throw new Error('expected a text store');
  const t = new StoredTable('T', [{ name: 'S', type: 'string' }], [store], values.length, -1, values.length, null);
  const vec = t.vector(0, 0, values.length);
  const r = vec.reader();
  const pick = Int32Array.from(values.keys()).reverse();
  const p = vec.take(pick).reader();
  return {
    all: values.map((_, i) => r(i)),
    picked: Array.from(pick, (_, k) => p(k)),
    chunks: store.chunks.length,
  };
}

test.each([undefined, 1, 3, 7, 1000])('every value reads back exactly (at most %s units per chunk)', (max) => {
  const { all, picked, chunks } = read(VALUES, max);
  expect(all).toEqual(VALUES);
  expect(picked).toEqual([...VALUES].reverse());
  // small limits really split the column (the longest value alone is over 7 units)
  if (max !== undefined && max <= 7) expect(chunks).toBeGreaterThan(1);
});

test('a range that starts inside the column and an empty column', () => {
  const store = textStore(VALUES, 5);
  const t = new StoredTable('T', [{ name: 'S', type: 'string' }], [store], VALUES.length, -1, VALUES.length, null);
  const r = t.vector(0, 3, 6).reader();
  expect([0, 1, 2].map(r)).toEqual(VALUES.slice(3, 6));
  expect(read([]).all).toEqual([]);
});
