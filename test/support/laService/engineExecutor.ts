/**
 * Runs the service's queries on the embedded engine over given tables, applying the request timespan
 * to TimeGenerated the way Log Analytics does (in addition to the query's own filters).
 */
import { Workspace, runQuery, type TableInput } from '../../../src/kql';
import type { Cell } from '../../../src/kql/types';
import type { Executor } from './server';

interface Indexed {
  input: TableInput;
  rows: Cell[][];
  /** Sorted TimeGenerated (ms) per row, or undefined when the table has no TimeGenerated. */
  times?: Float64Array;
}

function toMs(c: Cell): number {
  return c instanceof Date ? c.getTime() : typeof c === 'string' ? Date.parse(c) : NaN;
}

function lowerBound(a: Float64Array, x: number): number {
  let lo = 0;
  let hi = a.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (a[mid] < x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

export function engineExecutor(tables: TableInput[], opts: { now?: () => Date } = {}): Executor {
  const indexed: Indexed[] = tables.map((t) => {
    const rows = Array.from(t.rows);
    const col = t.columns.findIndex((c) => c.name === 'TimeGenerated');
    if (col < 0) return { input: t, rows };
    rows.sort((a, b) => toMs(a[col]) - toMs(b[col]));
    return { input: t, rows, times: Float64Array.from(rows, (r) => toMs(r[col])) };
  });
  // Workspaces are built per distinct timespan and reused: the benchmark repeats the same window.
  const byWindow = new Map<string, Workspace>();
  const workspaceFor = (from: number, to: number): Workspace => {
    const key = `${from}/${to}`;
    let ws = byWindow.get(key);
    if (ws) return ws;
    ws = new Workspace();
    for (const t of indexed) {
      const rows =
        t.times && Number.isFinite(from)
          ? t.rows.slice(lowerBound(t.times, from), lowerBound(t.times, to + 1))
          : t.rows;
      ws.addTable({ ...t.input, rows });
    }
    if (byWindow.size >= 4) byWindow.delete(byWindow.keys().next().value as string);
    byWindow.set(key, ws);
    return ws;
  };
  return ({ kql, timespan }) => {
    const ws = workspaceFor(timespan?.from.getTime() ?? NaN, timespan?.to.getTime() ?? NaN);
    const out = runQuery(ws, kql, { now: opts.now?.() ?? timespan?.to ?? new Date() });
    return { tables: out.tables, rowsExamined: out.rowsExamined };
  };
}
