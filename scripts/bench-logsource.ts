/**
 * Log source benchmark (not a test): prints Markdown tables.
 *   npx tsc -p . --outDir /tmp/apim-bench && node /tmp/apim-bench/scripts/bench-logsource.js [--big N]
 * 1. 100 concurrent identical commands -> upstream requests (composed source vs bare source).
 * 2. Bytes returned by an aggregated triage query vs a row dump, at 10,000 and 1,000,000 logged requests.
 * 3. The bot's own overhead per command: client wall time minus the server time the service reports.
 * Everything runs on loopback against the local Log Analytics service (https, real SDK client).
 */
import { generateDemoTables } from '../src/logs/embedded/demo/generator';
import { preludeFor } from '../src/schema/prelude';
import {
  buildLogAnalyticsSource,
  LogAnalyticsSource,
  type LogAnalyticsSourceOptions,
} from '../src/logs/logAnalytics/logAnalyticsSource';
import type { LogSource } from '../src/logs/source/logSource';
import { LaService } from '../test/support/laService/server';
import { engineExecutor } from '../test/support/laService/engineExecutor';
import { StaticTokenCredential } from '../test/support/laService/fakeCredential';

const now = new Date('2026-11-23T12:00:00Z');
const window = { from: new Date(now.getTime() - 60 * 60_000), to: now };
const prelude = preludeFor('resource-specific');

const TRIAGE = `${prelude}
GatewayLogs
| where TimeGenerated between (datetime(${window.from.toISOString()}) .. datetime(${now.toISOString()}))
| where ResponseCode >= 400 or isnotempty(LastErrorReason)
| summarize Count = count(), FirstSeen = min(TimeGenerated), LastSeen = max(TimeGenerated),
    Apis = make_set(ApiId, 20), Backends = make_set(BackendId, 20), Callers = dcount(CallerIpAddress)
    by ResponseCode, LastErrorReason, LastErrorSource
| order by Count desc`;

const DUMP = `${prelude}
GatewayLogs
| where TimeGenerated between (datetime(${window.from.toISOString()}) .. datetime(${now.toISOString()}))
| where ResponseCode >= 400 or isnotempty(LastErrorReason)
| project TimeGenerated, ApiId, ResponseCode, LastErrorReason, LastErrorSource, LastErrorMessage, Url`;

function opts(svc: LaService, extra: Partial<LogAnalyticsSourceOptions> = {}): LogAnalyticsSourceOptions {
  return {
    workspaceId: 'bench-ws',
    endpoint: svc.endpoint,
    credential: new StaticTokenCredential(),
    caCertificates: svc.ca,
    ...extra,
  };
}

async function withService<T>(rowsTarget: number, fn: (svc: LaService) => Promise<T>): Promise<T> {
  const t0 = performance.now();
  const tables = generateDemoTables({ now, rowsTarget });
  const svc = await LaService.start({ executor: engineExecutor(tables, { now: () => now }) });
  process.stderr.write(
    `service with ${rowsTarget.toLocaleString('en-US')} rows ready in ${((performance.now() - t0) / 1000).toFixed(1)} s\n`,
  );
  try {
    return await fn(svc);
  } finally {
    await svc.close();
  }
}

async function fanOut(svc: LaService, source: LogSource, n: number): Promise<number> {
  svc.reset();
  await Promise.all(Array.from({ length: n }, () => source.query({ kql: TRIAGE, timespan: window })));
  return svc.requests.length;
}

async function bytesFor(svc: LaService, kql: string): Promise<{ bytes: number; rows: number; examined: number }> {
  svc.reset();
  const r = await new LogAnalyticsSource(opts(svc)).query({ kql, timespan: window });
  return {
    bytes: svc.requests[0].responseBytes ?? 0,
    rows: r.tables[0].rows.length,
    examined: r.stats.rowsExamined ?? 0,
  };
}

const pct = (xs: number[], p: number) =>
  [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((p / 100) * xs.length))];
const fmt = (n: number) => n.toLocaleString('en-US');

async function main(): Promise<void> {
  const bigArg = process.argv.indexOf('--big');
  const big = bigArg > 0 ? Number(process.argv[bigArg + 1]) : 1_000_000;
  const out: string[] = [];

  await withService(10_000, async (svc) => {
    // Warm the engine and the TLS session once so the figures below are steady state.
    await new LogAnalyticsSource(opts(svc)).query({ kql: TRIAGE, timespan: window });
    const composed = await fanOut(svc, buildLogAnalyticsSource(opts(svc)), 100);
    const bare = await fanOut(svc, new LogAnalyticsSource(opts(svc)), 100);
    out.push('### 100 concurrent identical commands', '', '| source | upstream requests |', '|---|---|');
    out.push(
      `| buildLogAnalyticsSource (cache, single-flight, limiter, retry) | ${composed} |`,
      `| bare LogAnalyticsSource | ${bare} |`,
      '',
    );

    const overhead: number[] = [];
    const totals: number[] = [];
    const source = buildLogAnalyticsSource(opts(svc, { cacheTtlMs: 0 }));
    for (let i = 0; i < 60; i++) {
      // A distinct comment per command defeats single-flight/cache so every command goes upstream.
      const r = await source.query({ kql: `${TRIAGE}\n// run ${i}`, timespan: window });
      if (i < 10) continue; // warm-up
      totals.push(r.stats.elapsedMs);
      overhead.push(r.stats.elapsedMs - (r.stats.serverMs ?? 0));
    }
    out.push('### Bot overhead per command (total minus server-reported time), 50 sequential commands', '');
    out.push('| measure | median ms | p95 ms |', '|---|---|---|');
    out.push(`| total as seen by the bot | ${pct(totals, 50).toFixed(2)} | ${pct(totals, 95).toFixed(2)} |`);
    out.push(
      `| overhead (SDK, pipeline, TLS, JSON, decorators) | ${pct(overhead, 50).toFixed(2)} | ${pct(overhead, 95).toFixed(2)} |`,
      '',
    );
  });

  const sizes: [number, Awaited<ReturnType<typeof bytesFor>>, Awaited<ReturnType<typeof bytesFor>>][] = [];
  for (const rowsTarget of [10_000, big]) {
    await withService(rowsTarget, async (svc) => {
      sizes.push([rowsTarget, await bytesFor(svc, TRIAGE), await bytesFor(svc, DUMP)]);
    });
  }
  out.push('### Bytes returned for the last hour (aggregated triage vs a row dump)', '');
  out.push(
    '| logged requests (24 h) | rows examined | triage rows | triage bytes | dump rows | dump bytes |',
    '|---|---|---|---|---|---|',
  );
  for (const [n, t, d] of sizes)
    out.push(
      `| ${fmt(n)} | ${fmt(t.examined)} | ${fmt(t.rows)} | ${fmt(t.bytes)} | ${fmt(d.rows)} | ${fmt(d.bytes)} |`,
    );
  process.stdout.write(`${out.join('\n')}\n`);
}

main().catch((e: unknown) => {
  process.stderr.write(`${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
  process.exit(1);
});
