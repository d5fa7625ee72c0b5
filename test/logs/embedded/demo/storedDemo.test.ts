/**
 * The demo's stored copy (what the CLI reads instead of generating the demo again) gives exactly the rows the
 * generator makes for the command's own moment: made for the start of the hour, stored, read back and shifted.
 * Checked against the row-by-row tables generated for that moment, column by column.
 */
import * as fs from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Workspace } from '../../../../src/kql';
import type { Store } from '../../../../src/kql/columns';
import { TextVec } from '../../../../src/kql/vectors';
import { generateDemoTables, type DemoOptions } from '../../../../src/logs/embedded/demo/generator';
import { loadStoredDemo } from '../../../../src/logs/embedded/demo/storedDemo';
import { SCHEMA_IDS } from '../../../../src/schema/physical';

let dir: string;
beforeEach(() => {
  dir = fs.mkdtempSync(join(tmpdir(), 'stored-demo-'));
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

const small = { hours: 3, rowsTarget: 4000, baselineHours: 1 };

/** The generator's own tables for `opts.now`, loaded row by row. */
function generated(opts: DemoOptions): Workspace {
  const ws = new Workspace();
  for (const t of generateDemoTables(opts)) ws.addTable(t);
  return ws;
}

/** A text store (how a snapshot gives back plain strings) as the plain array of values it stands for. */
function plainOf(s: Store, n: number): Store {
  if (s.kind !== 'text') return s;
  const read = new TextVec(s.chunks, s.offsets, s.shift, null, 0, n).reader();
  return { kind: 'any', data: Array.from({ length: n }, (_, i) => read(i)) };
}

function expectSame(actual: Workspace, expected: Workspace): void {
  expect(actual.tableNames()).toEqual(expected.tableNames());
  for (const name of expected.tableNames()) {
    const a = actual.table(name);
    const e = expected.table(name);
    expect(a.rowCount).toBeGreaterThan(0);
    expect([a.columns, a.rowCount, a.timeColumn, a.timedRows]).toEqual([
      e.columns,
      e.rowCount,
      e.timeColumn,
      e.timedRows,
    ]);
    expect(a.ingestion).toEqual(e.ingestion);
    a.stores.forEach((store, c) =>
      expect([a.columns[c].name, plainOf(store, a.rowCount)]).toEqual([e.columns[c].name, e.stores[c]]),
    );
  }
}

function stored(opts: DemoOptions): { ws: Workspace; fromCopy: boolean } {
  const ws = new Workspace();
  const { fromCopy } = loadStoredDemo(ws, opts, dir);
  return { ws, fromCopy };
}

const copies = (): string[] => fs.readdirSync(join(dir, 'demo')).filter((f) => f.endsWith('.snapshot'));

test.each(SCHEMA_IDS)(
  '%s: made, stored, then read back by a later moment of the hour: the generator rows',
  (schema) => {
    const first = { now: new Date('2026-11-23T14:33:17.250Z'), schema, ...small };
    const made = stored(first);
    expect(made.fromCopy).toBe(false);
    expectSame(made.ws, generated(first));
    const later = { ...first, now: new Date('2026-11-23T14:59:59.999Z') };
    const read = stored(later);
    expect(read.fromCopy).toBe(true);
    expectSame(read.ws, generated(later));
    expect(copies()).toHaveLength(1);
  },
);

test('the hour itself and the next hour: the next hour makes its own copy; copies hours old are removed', () => {
  const atHour = { now: new Date('2026-11-23T14:00:00.000Z'), ...small };
  expectSame(stored(atHour).ws, generated(atHour));
  const [old] = copies();
  const next = { ...atHour, now: new Date('2026-11-23T15:00:00.001Z') };
  const { ws, fromCopy } = stored(next);
  expect(fromCopy).toBe(false);
  expectSame(ws, generated(next));
  // A copy written minutes ago stays (another seed's or schema's commands may read it); one written hours ago goes.
  expect(copies()).toHaveLength(2);
  const hoursAgo = new Date(Date.now() - 3 * 3_600_000);
  fs.utimesSync(join(dir, 'demo', old), hoursAgo, hoursAgo);
  stored({ ...next, seed: 9 });
  expect(copies()).toHaveLength(2);
  expect(copies()).not.toContain(old);
});

test('an hour across a power of two in milliseconds (2^41 ms falls at 2039-09-07T15:47:35.552Z): still exact', () => {
  const opts = { now: new Date('2039-09-07T15:59:59.999Z'), ...small };
  stored({ ...opts, now: new Date('2039-09-07T15:00:00.000Z') });
  const { ws, fromCopy } = stored(opts);
  expect(fromCopy).toBe(true);
  expectSame(ws, generated(opts));
});

test('a copy made with other options is not read back for these', () => {
  const now = new Date('2026-11-23T14:10:00Z');
  stored({ now, seed: 7, ...small });
  const opts = { now, seed: 8, ...small };
  const { ws, fromCopy } = stored(opts);
  expect(fromCopy).toBe(false);
  expectSame(ws, generated(opts));
});

test('a copy cut short is not used: the demo is made again, the same rows', () => {
  const opts = { now: new Date('2026-11-23T14:10:00Z'), ...small };
  stored(opts);
  const [file] = copies();
  const path = join(dir, 'demo', file);
  // Its last bytes missing, as after a full disk: the stored size and the blobs no longer agree.
  fs.truncateSync(path, fs.statSync(path).size - 8);
  const later = { ...opts, now: new Date('2026-11-23T14:20:00Z') };
  const { ws, fromCopy } = stored(later);
  expect(fromCopy).toBe(false);
  expectSame(ws, generated(later));
});
