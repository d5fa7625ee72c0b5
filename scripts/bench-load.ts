/**
 * One load of a CSV export for `npm run bench`, in a process of its own so the peak RSS it reports is the load's
 * alone (Node itself included, about 50 MB). Prints one JSON line: {"ms": load time, "rssMB": peak RSS}.
 *
 *   node dist/scripts/bench-load.js engine|snapshot|duckdb <file.csv> [snapshotDir]
 *
 * engine: the file loader, parsing (no snapshot); snapshot: the same with a snapshot directory (the second load
 * of a file reads its columnar snapshot); duckdb: DuckDB 1 thread, CREATE TABLE AS SELECT * FROM read_csv(file).
 */
import { performance } from 'node:perf_hooks';
import { DuckDBInstance } from '@duckdb/node-api';
import { loadWorkspaceFile } from '../src/logs/embedded/files/snapshot';

async function main(): Promise<void> {
  const [mode, file, snapshotDir] = process.argv.slice(2);
  if (!file || !['engine', 'snapshot', 'duckdb'].includes(mode)) {
    throw new Error('usage: bench-load.js engine|snapshot|duckdb <file.csv> [snapshotDir]');
  }
  let ms: number;
  let rows: number;
  if (mode === 'duckdb') {
    const duck = await DuckDBInstance.create(':memory:', { threads: '1' });
    const con = await duck.connect();
    const t = performance.now();
    await con.run(`CREATE TABLE logs AS SELECT * FROM read_csv('${file.replace(/'/g, "''")}')`);
    ms = performance.now() - t;
    rows = Number((await con.runAndReadAll('SELECT count(*) FROM logs')).getRows()[0][0]);
    con.closeSync();
    duck.closeSync();
  } else {
    const t = performance.now();
    const loaded = loadWorkspaceFile(file, { snapshotDir: mode === 'snapshot' ? snapshotDir : null });
    ms = performance.now() - t;
    rows = loaded.workspace.rowCount(loaded.table);
    if (mode === 'snapshot' && !loaded.fromSnapshot) ms = NaN; // the run that wrote the snapshot
  }
  console.log(JSON.stringify({ ms, rows, rssMB: process.resourceUsage().maxRSS / 1024 }));
}

main().catch((e) => {
  console.error(e instanceof Error ? e.message : e);
  process.exit(1);
});
