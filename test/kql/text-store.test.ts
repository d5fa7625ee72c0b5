/**
 * `text` stores (columns.ts): plain strings kept as a few chunk strings plus offsets. Every row read back, through
 * a plain range and through a row selection, equals the value it was built from, whatever the chunking; `has`
 * searched through whole chunks answers as the row-by-row predicate; a text store survives the trip to a worker.
 */
import fc from 'fast-check';
import { runQuery, Workspace } from '../../src/kql';
import { textStore, type Store } from '../../src/kql/columns';
import { StoredTable } from '../../src/kql/storage';
import { shareWorkspace, workspaceFromImage } from '../../src/kql/image';
import { cols, warmParser, workspace } from './helpers';

beforeAll(warmParser);

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

describe('has and contains over a text store (one search per chunk) answer as the row-by-row predicate', () => {
  const T0 = Date.UTC(2026, 10, 23, 10);
  const now = new Date(T0 + 3600_000);
  /** The same rows twice: S as a text store in chunks of at most `maxUnits`, and added row by row (dictionary). */
  function tables(values: string[], maxUnits: number): [Workspace, Workspace] {
    const times = Float64Array.from(values, (_, i) => T0 + i * 1000);
    const ids = Float64Array.from(values, (_, i) => i);
    const columns = cols('TimeGenerated:datetime,Id:long,S:string');
    const stores: Store[] = [{ kind: 'num', data: times }, { kind: 'num', data: ids }, textStore(values, maxUnits)];
    const text = new Workspace();
    text.putTable(new StoredTable('T', columns, stores, values.length, 0, values.length, null));
    const rows = workspace({ name: 'T', columns, rows: values.map((s, i) => [new Date(times[i]), i, s]) });
    return [text, rows];
  }
  const ids = (ws: Workspace, kql: string) => runQuery(ws, kql, { now }).tables[0].rows.map((r) => r[0]);
  // parts of needles too, so a needle can run across the end of one value into the next
  const piece = fc.constantFrom(
    'search',
    'SEARCH',
    'sea',
    'RCH',
    'x',
    '-',
    ' ',
    '1',
    'é',
    'İ',
    'Σ',
    'ς',
    'a.',
    '.b',
    '',
  );

  test('a needle running from one value into the next is no hit', () => {
    const [text, rows] = tables(['sea', 'RCH', '-a.', 'b', 'search', ' Search!'], 1000);
    for (const needle of ['search', 'a.b'])
      for (const op of ['has', 'contains']) {
        const kql = `T | where S ${op} "${needle}" | project Id`;
        expect(ids(text, kql)).toEqual(ids(rows, kql));
      }
    expect(ids(text, 'T | where S has "search" | project Id')).toEqual([4, 5]);
  });

  test('whole terms, case rules, hits across row ends, negations, a range that starts mid-column', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.array(piece, { maxLength: 4 }).map((p) => p.join('')),
          { maxLength: 60 },
        ),
        fc.constantFrom('search', 'SEARCH', 'a.b', 'x-search', 'ς', 'i̇', '1'),
        fc.integer({ min: 1, max: 40 }),
        fc.integer({ min: 0, max: 30 }),
        (values, needle, maxUnits, skip) => {
          const [text, rows] = tables(values, maxUnits);
          const since = new Date(T0 + skip * 1000).toISOString();
          for (const op of [
            'has',
            '!has',
            'has_cs',
            '!has_cs',
            'contains',
            '!contains',
            'contains_cs',
            '!contains_cs',
          ]) {
            const all = `T | where S ${op} "${needle}" | project Id`;
            expect(ids(text, all)).toEqual(ids(rows, all));
            const ranged = `T | where TimeGenerated >= datetime(${since}) | where S ${op} "${needle}" | project Id`;
            expect(ids(text, ranged)).toEqual(ids(rows, ranged));
          }
        },
      ),
      { numRuns: 120 },
    );
  });
});

test('a text store crosses to a worker thread through a workspace image (offsets shared, chunks cloned)', () => {
  const values = Array.from({ length: 50 }, (_, i) => (i % 4 === 0 ? '' : `v-${i}-é`));
  const ws = new Workspace();
  const columns = cols('Id:long,S:string');
  const stores: Store[] = [{ kind: 'num', data: Float64Array.from(values, (_, i) => i) }, textStore(values, 16)];
  ws.putTable(new StoredTable('T', columns, stores, values.length, -1, values.length, null));
  const image = shareWorkspace(ws);
  const copy = workspaceFromImage(structuredClone(image));
  const kql = 'T | where S has "é" or isempty(S) | project Id, S';
  const rows = runQuery(copy, kql, { now: new Date() }).tables[0].rows;
  expect(rows).toEqual(values.map((s, i) => [i, s]));
  expect(runQuery(ws, kql, { now: new Date() }).tables[0].rows).toEqual(rows);
});
