import { Workspace, runQuery, type TableInput } from '../../src/kql';
import type { Cell, ColumnSchema } from '../../src/kql/types';

export const T0 = Date.parse('2026-11-23T10:00:00Z');
export const NOW = new Date(T0 + 60 * 60000);

export function cols(spec: string): ColumnSchema[] {
  return spec.split(',').map((s) => {
    const [name, type] = s.trim().split(':');
    return { name, type } as ColumnSchema;
  });
}

export function workspace(...tables: TableInput[]): Workspace {
  const ws = new Workspace();
  for (const t of tables) ws.addTable(t);
  return ws;
}

/** Run and return the primary table's rows as objects keyed by column name. */
export function rowsOf(ws: Workspace, kql: string, now: Date = NOW): Record<string, Cell>[] {
  const t = runQuery(ws, kql, { now }).tables[0];
  return t.rows.map((r) => Object.fromEntries(t.columns.map((c, i) => [c.name, r[i]])));
}

export function columnsOf(ws: Workspace, kql: string, now: Date = NOW): string[] {
  return runQuery(ws, kql, { now }).tables[0].columns.map((c) => `${c.name}:${c.type}`);
}

/**
 * Load Microsoft's parser once before a file's tests: its first parse takes seconds on a busy
 * machine, which must not count against a single test's timeout.
 */
export function warmParser(): void {
  runQuery(workspace({ name: 'Warm', columns: cols('A:long'), rows: [[1]] }), 'Warm | where A > 0 | count', {
    now: NOW,
  });
}
