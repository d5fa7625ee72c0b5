/**
 * The demo's gateway logs written as a CSV export (ISO 8601 times, quoted where RFC 4180 requires, dynamic values
 * as JSON text), so the file loader can be measured and checked on realistic data of any size.
 */
import * as fs from 'node:fs';
import { generateDemoTables, type DemoOptions } from '../../../src/logs/embedded/demo/generator';
import type { Cell } from '../../../src/kql/types';

/** One value as CSV text: null as an empty field, dates in ISO 8601 UTC, objects as JSON. */
export function csvField(c: Cell | undefined): string {
  if (c === null || c === undefined) return '';
  const text = c instanceof Date ? c.toISOString() : typeof c === 'object' ? JSON.stringify(c) : String(c);
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** Writes the demo's first table to `path`; returns its row count. */
function writeDemoCsv(path: string, opts: DemoOptions): number {
  const [table] = generateDemoTables(opts);
  const fd = fs.openSync(path, 'w');
  let rows = 0;
  try {
    const lines = [table.columns.map((c) => csvField(c.name)).join(',')];
    const flush = () => {
      fs.writeSync(fd, lines.join('\n') + '\n');
      lines.length = 0;
    };
    for (const row of table.rows) {
      lines.push(row.map(csvField).join(','));
      rows++;
      if (lines.length >= 10_000) flush();
    }
    flush();
  } finally {
    fs.closeSync(fd);
  }
  return rows;
}

/** A cached export under the temp directory, keyed by its options (the generator is deterministic). */
export function demoCsvFile(dir: string, opts: DemoOptions): string {
  const path = `${dir}/demo-${opts.schema ?? 'resource-specific'}-${opts.rowsTarget ?? 'default'}-${opts.now.getTime()}.csv`;
  if (!fs.existsSync(path)) {
    const temp = `${path}.${process.pid}.tmp`;
    writeDemoCsv(temp, opts);
    fs.renameSync(temp, path);
  }
  return path;
}
