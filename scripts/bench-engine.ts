/**
 * Benchmark of the embedded KQL engine beside DuckDB (not a test: it prints figures and asserts nothing but that
 * both engines answer alike). For each size, the demo's gateway logs (59 columns, 24 h) are written once as a CSV
 * export under the temp directory, then:
 *   - load: the file loader and DuckDB's read_csv (one thread), each in a child process of its own so its time
 *     and peak RSS are its own, runs alternating; and the engine's repeat load from its columnar snapshot;
 *   - every query class (scripts/lib/bench/queries.ts) on both, loaded from the same file, runs alternating so a
 *     busy neighbour slows both alike, median of --runs; each answer is checked equal between the two.
 * Prints one Markdown table with a column pair and ratio per size; exits 1 if any answer differs.
 *
 *   npm run bench [-- --rows 100000,1000000] [--runs 5] [--load-runs 3]     (5M: --rows 5000000)
 */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import { cpus, loadavg, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { DuckDBInstance } from '@duckdb/node-api';
import { runQuery } from '../src/kql';
import { loadWorkspaceFile } from '../src/logs/embedded/files/snapshot';
import { preludeFor } from '../src/schema/prelude';
import { demoCsvFile } from './lib/bench/demoCsv';
import { canonical, queryClasses } from './lib/bench/queries';

const NOW = new Date('2026-11-23T12:00:00Z');
const DIR = join(tmpdir(), 'apim-triage-bench');

interface Options {
  rows: number[];
  runs: number;
  loadRuns: number;
}

function parseArgs(argv: string[]): Options {
  const o: Options = { rows: [100_000, 1_000_000], runs: 5, loadRuns: 3 };
  const count = (flag: string, v: string | undefined, max: number): number => {
    const n = Number(v);
    if (!Number.isInteger(n) || n < 1 || n > max) throw new Error(`${flag} takes a whole number from 1 to ${max}`);
    return n;
  };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--rows') o.rows = (argv[++i] ?? '').split(',').map((v) => count('--rows', v, 20_000_000));
    else if (a === '--runs') o.runs = count(a, argv[++i], 50);
    else if (a === '--load-runs') o.loadRuns = count(a, argv[++i], 20);
    else throw new Error(`unknown option ${a}; usage: --rows 100000,1000000 --runs 5 --load-runs 3`);
  }
  return o;
}

const median = (xs: number[]): number => {
  const s = xs.filter((x) => !Number.isNaN(x)).sort((a, b) => a - b);
  return s.length ? s[Math.floor(s.length / 2)] : NaN;
};

/** One figure of the table: engine and DuckDB values of a row at one size (null where DuckDB has no counterpart). */
interface Figure {
  engine: number;
  duck: number | null;
  unit: 'ms' | 'MB';
  note?: string;
}

type Rows = Map<string, Map<number, Figure>>;

function put(rows: Rows, work: string, size: number, f: Figure): void {
  if (!rows.has(work)) rows.set(work, new Map());
  rows.get(work)?.set(size, f);
}

interface LoadRun {
  ms: number;
  rows: number;
  rssMB: number;
}

function loadInChild(mode: 'engine' | 'snapshot' | 'duckdb', file: string, snapshotDir: string): LoadRun {
  const out = execFileSync(process.execPath, [join(__dirname, 'bench-load.js'), mode, file, snapshotDir], {
    encoding: 'utf8',
    maxBuffer: 1 << 20,
  });
  return JSON.parse(out.trim().split('\n').pop() ?? '{}') as LoadRun;
}

function measureLoads(rows: Rows, size: number, file: string, loadRuns: number): void {
  const snapshotDir = join(DIR, `snapshots-${process.pid}`);
  fs.rmSync(snapshotDir, { recursive: true, force: true });
  loadInChild('snapshot', file, snapshotDir); // writes the snapshot the timed repeat loads read
  const runs: Record<'engine' | 'snapshot' | 'duckdb', LoadRun[]> = { engine: [], snapshot: [], duckdb: [] };
  for (let i = 0; i < loadRuns; i++) {
    for (const mode of ['engine', 'duckdb', 'snapshot'] as const) runs[mode].push(loadInChild(mode, file, snapshotDir));
  }
  fs.rmSync(snapshotDir, { recursive: true, force: true });
  const mid = (mode: keyof typeof runs, k: 'ms' | 'rssMB') => median(runs[mode].map((r) => r[k]));
  const mb = (bytes: number) => Math.round(bytes / 1e6);
  const note = `${runs.engine[0].rows.toLocaleString('en-US')} rows, ${mb(fs.statSync(file).size)} MB`;
  put(rows, 'load the CSV export (parse into columns)', size, {
    engine: mid('engine', 'ms'),
    duck: mid('duckdb', 'ms'),
    unit: 'ms',
    note,
  });
  put(rows, 'load: peak RSS of the loading process', size, {
    engine: mid('engine', 'rssMB'),
    duck: mid('duckdb', 'rssMB'),
    unit: 'MB',
  });
  put(rows, 'repeat load of the same file (columnar snapshot)', size, {
    engine: mid('snapshot', 'ms'),
    duck: null,
    unit: 'ms',
  });
}

async function measureQueries(rows: Rows, size: number, file: string, runs: number, first: boolean): Promise<boolean> {
  const { workspace, table } = loadWorkspaceFile(file, { snapshotDir: null });
  const duck = await DuckDBInstance.create(':memory:', { threads: '1' });
  const con = await duck.connect();
  await con.run(`CREATE TABLE logs AS SELECT * FROM read_csv('${file.replace(/'/g, "''")}')`);
  const prelude = preludeFor('resource-specific');
  const kqlOf = (kql: string, withPrelude?: boolean) => (withPrelude ? `${prelude}\n${kql}` : kql);

  let t = performance.now();
  runQuery(workspace, `${prelude}\n${table} | take 1 // cold`, { now: NOW });
  if (first)
    put(rows, 'first query in a process (the Kusto parser starting)', size, {
      engine: performance.now() - t,
      duck: null,
      unit: 'ms',
    });
  let variant = 0;
  const uncached: number[] = [];
  const triage = queryClasses(table, NOW)[0];
  for (let i = 0; i < runs; i++) {
    t = performance.now();
    runQuery(workspace, `${kqlOf(triage.kql, true)}\n// variant ${variant++}`, { now: NOW });
    uncached.push(performance.now() - t);
  }
  put(rows, 'triage, query text never seen before (Kusto parse and analysis included)', size, {
    engine: median(uncached),
    duck: null,
    unit: 'ms',
  });

  let allEqual = true;
  for (const q of queryClasses(table, NOW)) {
    const kql = kqlOf(q.kql, q.prelude);
    const mine = runQuery(workspace, kql, { now: NOW }).tables[0].rows;
    const theirs = (await con.runAndReadAll(q.sql)).getRows();
    const equal = q.countOnly
      ? mine.length === theirs.length
      : canonical(mine, q.unordered) === canonical(theirs, q.unordered);
    allEqual &&= equal;
    const engineTimes: number[] = [];
    const duckTimes: number[] = [];
    for (let i = 0; i < runs; i++) {
      engineTimes.push(await timed(() => runQuery(workspace, kql, { now: NOW })));
      duckTimes.push(await timed(() => con.runAndReadAll(q.sql)));
    }
    put(rows, q.name, size, {
      engine: median(engineTimes),
      duck: median(duckTimes),
      unit: 'ms',
      note: equal ? undefined : `ANSWERS DIFFER (${mine.length} vs ${theirs.length} rows)`,
    });
  }
  put(rows, 'peak RSS of the query process (engine and DuckDB both loaded)', size, {
    engine: process.resourceUsage().maxRSS / 1024,
    duck: null,
    unit: 'MB',
  });
  con.closeSync();
  duck.closeSync();
  return allEqual;
}

async function timed(fn: () => unknown): Promise<number> {
  const t = performance.now();
  await fn();
  return performance.now() - t;
}

function cell(f: Figure | undefined): string[] {
  if (!f) return ['', '', ''];
  const v = (x: number) => (Number.isNaN(x) ? 'n/a' : f.unit === 'MB' ? `${Math.round(x)} MB` : `${x.toFixed(1)} ms`);
  const ratio = f.duck === null ? '' : `${(f.engine / f.duck).toFixed(2)}x`;
  return [
    v(f.engine) + (f.note?.startsWith('ANSWERS') ? ` **${f.note}**` : ''),
    f.duck === null ? '' : v(f.duck),
    ratio,
  ];
}

async function main(): Promise<void> {
  const o = parseArgs(process.argv.slice(2));
  fs.mkdirSync(DIR, { recursive: true });
  const rows: Rows = new Map();
  let allEqual = true;
  const notes: string[] = [];
  for (const size of o.rows) {
    const file = demoCsvFile(DIR, { now: NOW, rowsTarget: size, hours: 24 });
    measureLoads(rows, size, file, o.loadRuns);
    notes.push(
      `${size.toLocaleString('en-US')}: ${rows.get('load the CSV export (parse into columns)')?.get(size)?.note}`,
    );
    allEqual = (await measureQueries(rows, size, file, o.runs, size === o.rows[0])) && allEqual;
    (globalThis as { gc?: () => void }).gc?.(); // this size's workspace goes before the next loads
  }
  const sizes = o.rows.map((s) => (s >= 1e6 ? `${s / 1e6}M` : `${s / 1e3}k`));
  const out = [
    `Embedded engine vs DuckDB (${process.version}, DuckDB one thread), ${new Date().toISOString().slice(0, 16)}Z, ` +
      `${cpus().length} cores, ${Math.round(totalmem() / 2 ** 30)} GiB, load average ${loadavg()
        .map((x) => x.toFixed(2))
        .join(' ')} at the end`,
    `Files (demo traffic over 24 h, 59 columns): ${notes.join('; ')}. Loads: median of ${o.loadRuns} child processes each; queries: median of ${o.runs}, alternating; answers compared.`,
    '',
    `| work | ${sizes.map((s) => `engine ${s} | DuckDB ${s} | ratio ${s}`).join(' | ')} |`,
    `|---|${sizes.map(() => '---|---|---').join('|')}|`,
    ...[...rows].map(([work, bySize]) => `| ${work} | ${o.rows.flatMap((s) => cell(bySize.get(s))).join(' | ')} |`),
  ];
  console.log(out.join('\n'));
  if (!allEqual) process.exitCode = 1;
}

main().catch((e) => {
  console.error(e instanceof Error ? e.message : e);
  process.exit(1);
});
