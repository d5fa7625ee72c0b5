/**
 * The demo workspace written column by column (loadDemoWorkspace, what the bot and the CLI load) holds exactly the
 * tables generateDemoTables describes row by row, loaded through Workspace.addTable.
 */
import { Workspace } from '../../../../src/kql';
import { generateDemoTables, loadDemoWorkspace, type DemoOptions } from '../../../../src/logs/embedded/demo/generator';
import { SCHEMA_IDS } from '../../../../src/schema/physical';

const NOW = new Date('2026-11-23T14:30:00.250Z');

function both(opts: DemoOptions): { rows: Workspace; columns: Workspace } {
  const rows = new Workspace();
  for (const t of generateDemoTables(opts)) rows.addTable(t);
  const columns = new Workspace();
  loadDemoWorkspace(columns, opts);
  return { rows, columns };
}

test.each(SCHEMA_IDS)('%s: the same tables, columns, stored values, time order and ingestion times', (schema) => {
  const { rows, columns } = both({ now: NOW, schema, hours: 3, rowsTarget: 4000, baselineHours: 1 });
  expect(columns.tableNames()).toEqual(rows.tableNames());
  for (const name of rows.tableNames()) {
    const a = rows.table(name);
    const b = columns.table(name);
    expect(b.rowCount).toBeGreaterThan(0);
    expect(b.columns).toEqual(a.columns);
    expect(b.rowCount).toBe(a.rowCount);
    expect(b.timeColumn).toBe(a.timeColumn);
    expect(b.timedRows).toBe(a.timedRows);
    expect(b.ingestion).toEqual(a.ingestion);
    b.stores.forEach((store, c) => expect([b.columns[c].name, store]).toEqual([a.columns[c].name, a.stores[c]]));
  }
});

test('another seed and scenario, the default 24 hours: still the same rows', () => {
  const { rows, columns } = both({ now: NOW, seed: 7, scenario: 'fabrikam', rowsTarget: 3000 });
  const name = 'ApiManagementGatewayLogs';
  expect(columns.table(name).stores).toEqual(rows.table(name).stores);
  expect(columns.table(name).ingestion).toEqual(rows.table(name).ingestion);
});
