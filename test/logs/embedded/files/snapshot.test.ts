/** Columnar snapshots: the second load of an unchanged file reads the snapshot and answers identically. */
import * as fs from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runQuery, type Workspace } from '../../../../src/kql';
import { loadWorkspaceFile } from '../../../../src/logs/embedded/files/snapshot';

const FIXTURES = join(__dirname, '../../../fixtures');
const now = new Date('2026-11-23T12:00:00Z');
let dir: string;

beforeEach(() => {
  dir = fs.mkdtempSync(join(tmpdir(), 'snapshot-test-'));
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

/** Every row and column of every table, in a fixed order, as the engine returns them. */
function everything(ws: Workspace): unknown[] {
  return ws.tableNames().map((t) => {
    const result = runQuery(ws, `${t} | order by TimeGenerated asc`, { now });
    return [ws.schemaOf(t), result.tables[0].rows];
  });
}

test.each(['portal-export-azurediagnostics.csv', 'gateway-logs.ndjson', 'storage-archive-PT1H.json'])(
  '%s: parsed once, then read from the snapshot with the same rows, types and time index',
  (name) => {
    const file = join(dir, name);
    fs.copyFileSync(join(FIXTURES, name), file);
    const parsed = loadWorkspaceFile(file, { snapshotDir: null });
    const first = loadWorkspaceFile(file, { snapshotDir: join(dir, 'snaps') });
    const second = loadWorkspaceFile(file, { snapshotDir: join(dir, 'snaps') });
    expect(first.fromSnapshot).toBe(false);
    expect(second.fromSnapshot).toBe(true);
    expect(second.table).toBe(parsed.table);
    expect(everything(second.workspace)).toEqual(everything(parsed.workspace));
    const ranged = `${parsed.table} | where TimeGenerated between (datetime(2000-01-01) .. datetime(2100-01-01)) | count`;
    expect(runQuery(second.workspace, ranged, { now }).rowsExamined).toBe(
      runQuery(parsed.workspace, ranged, { now }).rowsExamined,
    );
  },
);

test('plain string columns (mostly distinct values) come back from UTF-8 text; a lone surrogate falls back to JSON', () => {
  // more rows than the first column buffer holds, so the distinct columns switch to plain strings
  const url = (i: number) => (i % 11 === 0 ? '' : `https://contoso/é/${i}?q=${i % 7 ? 'search' : '😀'},"x"`);
  // JSON.stringify writes the lone surrogate as the escape \ud800, which the loader's JSON.parse turns back into one
  const lines = Array.from({ length: 3000 }, (_, i) =>
    JSON.stringify({
      TimeGenerated: new Date(Date.UTC(2026, 10, 23, 10) + ((i * 7919) % 3000) * 1000).toISOString(),
      Url: url(i),
      CorrelationId: `corr-${i}-日本`,
      Odd: i === 1500 ? 'lone \ud800 surrogate' : `odd-${i}`,
      ApiId: i % 3 ? 'orders-api' : 'ünïcode-api',
      ResponseCode: i % 5 ? 200 : 401,
    }),
  );
  const file = join(dir, 'plain.ndjson');
  fs.writeFileSync(file, lines.join('\n') + '\n');
  const parsed = loadWorkspaceFile(file, { snapshotDir: null });
  loadWorkspaceFile(file, { snapshotDir: join(dir, 'snaps') });
  const second = loadWorkspaceFile(file, { snapshotDir: join(dir, 'snaps') });
  expect(second.fromSnapshot).toBe(true);
  const t = second.workspace.table(second.table);
  const kind = (name: string) => t.stores[t.columns.findIndex((c) => c.name === name)].kind;
  expect([kind('Url'), kind('CorrelationId'), kind('Odd'), kind('ApiId')]).toEqual(['text', 'text', 'any', 'str']);
  expect(everything(second.workspace)).toEqual(everything(parsed.workspace));
  const values = runQuery(second.workspace, `${second.table} | where Odd startswith "lone" | project Odd`, { now });
  expect(values.tables[0].rows).toEqual([['lone \ud800 surrogate']]);
  const search = `${second.table} | where Url has "search" | summarize count() by ApiId | order by ApiId asc`;
  expect(runQuery(second.workspace, search, { now }).tables[0].rows).toEqual(
    runQuery(parsed.workspace, search, { now }).tables[0].rows,
  );
});

test('a changed file (size or modification time) is parsed again; a damaged snapshot is ignored', () => {
  const file = join(dir, 'logs.ndjson');
  fs.copyFileSync(join(FIXTURES, 'gateway-logs.ndjson'), file);
  const snaps = join(dir, 'snaps');
  loadWorkspaceFile(file, { snapshotDir: snaps });
  fs.utimesSync(file, new Date('2030-01-01T00:00:00Z'), new Date('2030-01-01T00:00:00Z'));
  expect(loadWorkspaceFile(file, { snapshotDir: snaps }).fromSnapshot).toBe(false);
  expect(loadWorkspaceFile(file, { snapshotDir: snaps }).fromSnapshot).toBe(true);
  for (const f of fs.readdirSync(snaps)) fs.writeFileSync(join(snaps, f), 'not a snapshot');
  const again = loadWorkspaceFile(file, { snapshotDir: snaps });
  expect(again.fromSnapshot).toBe(false);
  expect(everything(again.workspace)).toEqual(everything(loadWorkspaceFile(file, { snapshotDir: null }).workspace));
});

test('a file that cannot be read still gets the loader explanation, not a snapshot error', () => {
  expect(() => loadWorkspaceFile(join(dir, 'missing.csv'), { snapshotDir: dir })).toThrow(/no such file/);
});
