/**
 * Benchmark of the embedded KQL engine (not a test): a 1,000,000-row, 24-hour demo workspace,
 * the last-15-minute triage, a full-day summarize and the heavy query classes (top-N sorts, distinct
 * counts, percentiles, 401 breakdown, term search), each the median of 5 runs, next to DuckDB
 * (in-memory, one thread, same rows) as the reference; engine and DuckDB runs alternate, and every query
 * class's answer is checked equal between the two. Prints a Markdown table.
 *
 *   npx tsc -p . && node --expose-gc dist/scripts/bench-engine.js [rows]   (5000000 for the 5M-row run)
 */
import { performance } from 'node:perf_hooks';
import { DuckDBInstance, DuckDBTimestampMillisecondsValue } from '@duckdb/node-api';
import { Workspace, runQuery } from '../src/kql';
import { generateDemoTables } from '../src/logs/embedded/demo/generator';
import { preludeFor } from '../src/schema/prelude';
import { cellTime } from '../src/kql/cells';
import type { Cell } from '../src/kql/types';

/** The demo's string columns as DuckDB text (null as empty, like the KQL side sees them). */
const text = (c: Cell | undefined): string =>
  typeof c === 'string' ? c : c === null || c === undefined ? '' : JSON.stringify(c);

const ROWS = Number(process.argv[2] ?? 1_000_000);
const NOW = new Date('2026-11-23T12:00:00Z');
const RUNS = 5;

const TRIAGE = `GatewayLogs
| where TimeGenerated > ago(15m)
| where ResponseCode >= 400 or isnotempty(LastErrorReason)
| summarize requests=count(), apis=make_set(ApiId, 10), firstSeen=min(TimeGenerated), lastSeen=max(TimeGenerated), sample=take_any(LastErrorMessage) by ResponseCode, LastErrorReason, LastErrorSource
| order by requests desc`;
const FULL_DAY = 'GatewayLogs | summarize count() by ApiId, ResponseCode, bin(TimeGenerated, 5m)';

const DUCK_TRIAGE = `SELECT ResponseCode, LastErrorReason, LastErrorSource, count(*) AS requests,
  list(DISTINCT ApiId)[1:10] AS apis, min(TimeGenerated) AS firstSeen, max(TimeGenerated) AS lastSeen, any_value(LastErrorMessage) AS sample
FROM logs WHERE TimeGenerated > TIMESTAMP '${new Date(NOW.getTime() - 15 * 60000).toISOString().replace('T', ' ').replace('Z', '')}'
  AND (ResponseCode >= 400 OR LastErrorReason <> '')
GROUP BY ALL ORDER BY requests DESC`;
const DUCK_FULL_DAY = `SELECT ApiId, ResponseCode, time_bucket(INTERVAL 5 MINUTE, TimeGenerated) AS TimeGenerated, count(*) AS count_
FROM logs GROUP BY ALL`;

/** Query classes of the speed issue: KQL on the physical table, the same question in DuckDB SQL. */
interface QueryClass {
  name: string;
  kql: string;
  sql: string;
  /** Rows of both engines compare as a set (no defined order). */
  unordered?: boolean;
}

function queryClasses(table: string): QueryClass[] {
  const rank = (p: number) => `list_sort(list(TotalTime))[greatest(1, ceil(${p} * count(TotalTime)))::BIGINT]`;
  return [
    {
      name: '`order by TotalTime desc \\| take 20`',
      kql: `${table} | order by TotalTime desc | take 20 | project TotalTime`,
      sql: 'SELECT TotalTime FROM logs ORDER BY TotalTime DESC NULLS LAST LIMIT 20',
    },
    {
      name: '3-key sort then `take 20`',
      kql: `${table} | order by ApiId asc, ResponseCode desc, TotalTime desc | take 20 | project ApiId, ResponseCode, TotalTime`,
      sql: 'SELECT ApiId, ResponseCode, TotalTime FROM logs ORDER BY ApiId ASC NULLS FIRST, ResponseCode DESC NULLS LAST, TotalTime DESC NULLS LAST LIMIT 20',
    },
    {
      name: '`dcount(CallerIpAddress) by ApiId`',
      kql: `${table} | summarize dcount(CallerIpAddress) by ApiId`,
      sql: 'SELECT ApiId, count(DISTINCT CallerIpAddress) FROM logs GROUP BY ApiId',
      unordered: true,
    },
    {
      name: '`percentiles(TotalTime, 50, 95, 99)` (nearest rank)',
      kql: `${table} | summarize percentiles(TotalTime, 50, 95, 99)`,
      sql: `SELECT ${rank(0.5)}, ${rank(0.95)}, ${rank(0.99)} FROM logs`,
    },
    {
      name: '401s by reason, message, caller',
      kql: `${table} | where ResponseCode == 401 | summarize count() by LastErrorReason, LastErrorMessage, CallerIpAddress`,
      sql: 'SELECT LastErrorReason, LastErrorMessage, CallerIpAddress, count(*) FROM logs WHERE ResponseCode = 401 GROUP BY ALL',
      unordered: true,
    },
    {
      name: '`Url has "search"` (count)',
      kql: `${table} | where Url has "search" | count`,
      // has: a whole term, terms being ASCII letter/digit runs, case-insensitive
      sql: "SELECT count(*) FROM logs WHERE regexp_matches(lower(Url), '(^|[^a-z0-9])search($|[^a-z0-9])')",
    },
  ];
}

/** Rows as comparable text: numbers (DuckDB gives BIGINT as bigint) and strings, sorted if unordered. */
function canonical(rows: readonly (readonly unknown[])[], unordered = false): string {
  const lines = rows.map((r) => JSON.stringify(r.map((v) => (typeof v === 'bigint' ? Number(v) : v))));
  if (unordered) lines.sort();
  return lines.join('\n');
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

async function timeRuns(fn: () => unknown): Promise<number> {
  const times: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const t = performance.now();
    await fn();
    times.push(performance.now() - t);
  }
  return median(times);
}

const mb = (kb: number) => `${Math.round(kb / 1024)} MB`;
const ms = (x: number) => `${x.toFixed(1)} ms`;

async function main(): Promise<void> {
  const opts = { now: NOW, rowsTarget: ROWS, hours: 24 };
  const prelude = preludeFor('resource-specific');

  // --- embedded engine
  let t = performance.now();
  const ws = new Workspace();
  for (const table of generateDemoTables(opts)) ws.addTable(table);
  const loadMs = performance.now() - t;
  const tableName = ws.tableNames()[0];
  const rowCount = ws.rowCount(tableName);

  t = performance.now();
  const cold = runQuery(ws, prelude + '\n' + TRIAGE, { now: NOW });
  const coldMs = performance.now() - t;
  const triageMs = await timeRuns(() => runQuery(ws, prelude + '\n' + TRIAGE, { now: NOW }));
  // a fresh comment makes every run miss the parse cache: the cost of a never-seen query text
  let variant = 0;
  const triageUncachedMs = await timeRuns(() =>
    runQuery(ws, `${prelude}\n${TRIAGE}\n// variant ${variant++}`, { now: NOW }),
  );
  const fullDay = runQuery(ws, prelude + '\n' + FULL_DAY, { now: NOW });
  const fullDayMs = await timeRuns(() => runQuery(ws, prelude + '\n' + FULL_DAY, { now: NOW }));
  const engineRss = process.resourceUsage().maxRSS;

  // --- DuckDB reference: the same rows (only the columns both queries read), loaded with the appender
  const cols = ws.schemaOf(tableName).map((c) => c.name);
  const at = (name: string) => cols.indexOf(name);
  const [iT, iApi, iCode, iReason, iSource, iMsg, iTotal, iCaller, iUrl] = [
    'TimeGenerated',
    'ApiId',
    'ResponseCode',
    'LastErrorReason',
    'LastErrorSource',
    'LastErrorMessage',
    'TotalTime',
    'CallerIpAddress',
    'Url',
  ].map(at);
  const duck = await DuckDBInstance.create(':memory:', { threads: '1' });
  const con = await duck.connect();
  await con.run(
    'CREATE TABLE logs (TimeGenerated TIMESTAMP_MS, ApiId VARCHAR, ResponseCode BIGINT, LastErrorReason VARCHAR, LastErrorSource VARCHAR, LastErrorMessage VARCHAR, TotalTime BIGINT, CallerIpAddress VARCHAR, Url VARCHAR)',
  );
  t = performance.now();
  const app = await con.createAppender('logs');
  const bigintOrNull = (c: Cell | undefined) => {
    if (c === null || c === undefined || c === '') app.appendNull();
    else app.appendBigInt(BigInt(Math.trunc(Number(c))));
  };
  for (const table of generateDemoTables(opts)) {
    for (const row of table.rows) {
      app.appendTimestampMilliseconds(new DuckDBTimestampMillisecondsValue(BigInt(cellTime(row[iT]) ?? 0)));
      app.appendVarchar(text(row[iApi]));
      bigintOrNull(row[iCode]);
      app.appendVarchar(text(row[iReason]));
      app.appendVarchar(text(row[iSource]));
      app.appendVarchar(text(row[iMsg]));
      bigintOrNull(row[iTotal]);
      app.appendVarchar(text(row[iCaller]));
      app.appendVarchar(text(row[iUrl]));
      app.endRow();
    }
  }
  app.closeSync();
  const duckLoadMs = performance.now() - t;
  const duckTriageRows = (await con.runAndReadAll(DUCK_TRIAGE)).getRows().length;
  const duckTriageMs = await timeRuns(() => con.runAndReadAll(DUCK_TRIAGE));
  const duckFullRows = (await con.runAndReadAll(DUCK_FULL_DAY)).getRows().length;
  const duckFullMs = await timeRuns(() => con.runAndReadAll(DUCK_FULL_DAY));

  const classes: string[] = [];
  let allEqual = true;
  for (const q of queryClasses(tableName)) {
    const mine = runQuery(ws, q.kql, { now: NOW }).tables[0].rows;
    const theirs = (await con.runAndReadAll(q.sql)).getRows();
    const equal = canonical(mine, q.unordered) === canonical(theirs, q.unordered);
    allEqual &&= equal;
    const engineTimes: number[] = [];
    const duckTimes: number[] = [];
    for (let i = 0; i < RUNS; i++) {
      // alternate the two engines so a busy neighbour slows both alike
      let at = performance.now();
      runQuery(ws, q.kql, { now: NOW });
      engineTimes.push(performance.now() - at);
      at = performance.now();
      await con.runAndReadAll(q.sql);
      duckTimes.push(performance.now() - at);
    }
    const [e, d] = [median(engineTimes), median(duckTimes)];
    classes.push(
      `| ${q.name} | ${ms(e)} | ${ms(d)} | ${(e / d).toFixed(1)}x | <= 2x DuckDB | ${equal ? 'equal' : `DIFFERENT (${mine.length} vs ${theirs.length} rows)`} |`,
    );
  }

  const out = [
    `Embedded KQL engine benchmark: ${rowCount.toLocaleString('en-US')} rows over 24 h (${tableName}, via the GatewayLogs prelude), median of ${RUNS} runs, Node ${process.version}`,
    '',
    '| measure | embedded engine | DuckDB | ratio | target |',
    '|---|---|---|---|---|',
    `| load | ${ms(loadMs)} | ${ms(duckLoadMs)} (appender, 6 columns) | | |`,
    `| first query (cold Kusto parser) | ${ms(coldMs)} | | | |`,
    `| triage, last 15 min, repeated query text (${cold.tables[0].rows.length} groups, ${cold.rowsExamined.toLocaleString('en-US')} rows read; DuckDB ${duckTriageRows} groups) | ${ms(triageMs)} | ${ms(duckTriageMs)} | ${(triageMs / duckTriageMs).toFixed(1)}x | <= 100 ms |`,
    `| triage, query text not seen before (Kusto parse + analysis included) | ${ms(triageUncachedMs)} | | | <= 100 ms |`,
    `| full-day summarize count() by ApiId, ResponseCode, bin(5m) (${fullDay.tables[0].rows.length} groups; DuckDB ${duckFullRows}) | ${ms(fullDayMs)} | ${ms(duckFullMs)} | ${(fullDayMs / duckFullMs).toFixed(1)}x | <= 3x DuckDB |`,
    `| peak RSS (after engine runs / at end) | ${mb(engineRss)} | ${mb(process.resourceUsage().maxRSS)} | | < 1.5 GB |`,
    '',
    `Query classes on ${tableName} (engine and DuckDB alternating, median of ${RUNS}; answers compared):`,
    '',
    '| query | embedded engine | DuckDB (1 thread) | ratio | target | answers |',
    '|---|---|---|---|---|---|',
    ...classes,
  ];
  console.log(out.join('\n'));
  if (!allEqual) process.exitCode = 1;
  con.closeSync();
  duck.closeSync();
}

main().catch((e) => {
  console.error(e instanceof Error ? e.message : e);
  process.exit(1);
});
