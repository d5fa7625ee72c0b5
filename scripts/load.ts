/**
 * Load figures for the bot (NOT a test: it prints numbers, it asserts nothing). Issue 7:
 * N concurrent users for S seconds against the real HTTP endpoint with a local capture connector:
 * throughput, p50/p99 time to acknowledgement and to answer, errors, memory; the same while the log
 * source is slow (10 s), failing (500s) or throttling (429 + Retry-After: 1).
 *
 *   npx tsc -p . && node --expose-gc dist/scripts/load.js [--mode ok|slow|failing|throttling|all]
 *       [--users 50] [--duration 60] [--think 10] [--grace 60] [--source embedded|la] [--real-limits]
 *       [--instances 1] [--json]
 *
 * --instances N runs N bot servers with INSTANCE_COUNT=N (each allowed its share of the workspace's query
 * limit) and blob state in one Azurite container; users are spread over them in turn. Log Analytics path only.
 *
 * Everything runs in this process, on 127.0.0.1 only: the bot (createServer from src/server.ts, restify +
 * CloudAdapter, authentication off), a capture connector the bot replies to, and for --source la and the
 * fault modes the local Log Analytics test service (test/support/laService: https, self-signed CA, real
 * REST shapes, KQL on the embedded engine over the demo workspace), queried through the real
 * @azure/monitor-query-logs client with the bot's retry / single-flight / cache / concurrency limiter.
 * The fault is put on EVERY request after a short warm-up (a workspace that turns bad while the bot runs).
 *
 * Memory: rss and heap are sampled every 100 ms; the baseline is taken after warm-up + forced GC, "after"
 * once every answer is delivered + forced GC (run node with --expose-gc). The figures are for the whole
 * process: bot, load generator and (in la modes) the test service with its engine and demo workspace.
 *
 * Bounded: users stop sending at the deadline; commands still open get --grace seconds (default 60 s,
 * more than the bot's 45 s answer budget); a watchdog ends the script if a mode overruns.
 */
import { cpus, loadavg } from 'node:os';
import type { LogSource } from '../src/logs/source/logSource';
import { queryClasses } from './lib/bench/queries';
import { Capture, type CommandRecord } from './lib/load/capture';
import { MODES, startBot, type Mode, type SourceChoice } from './lib/load/harness';
import { comparison, markdown, summarise, type MemoryFigures, type ModeSummary } from './lib/load/report';
import { COMMANDS, runUser, sendCommand, sleep } from './lib/load/users';

interface Options {
  modes: Mode[];
  users: number;
  durationS: number;
  thinkS: number;
  graceS: number;
  source: SourceChoice;
  realLimits: boolean;
  instances: number;
  json: boolean;
  /** Exported log file the embedded source loads (mode ok). */
  logs?: string;
  /** Heavy queries running back to back beside the users, this many at a time. */
  heavy: number;
}

function usage(problem: string): never {
  process.stderr.write(
    `${problem}\nUsage: node --expose-gc dist/scripts/load.js [--mode ${MODES.join('|')}|all] [--users N(1-500)] [--duration S(1-600)] ` +
      `[--think S(0-120)] [--grace S(5-300)] [--source embedded|la (mode ok only)] [--logs FILE] [--heavy N(0-16)] ` +
      `[--real-limits] [--instances N(1-5)] [--json]\n`,
  );
  process.exit(2);
}

function parseArgs(argv: string[]): Options {
  const o: Options = {
    modes: ['ok'],
    users: 50,
    durationS: 60,
    thinkS: 10,
    graceS: 60,
    source: 'embedded',
    realLimits: false,
    instances: 1,
    json: false,
    heavy: 0,
  };
  let sourceGiven = false;
  const num = (name: string, v: string | undefined, min: number, max: number) => {
    const n = Number(v);
    if (v === undefined || !Number.isFinite(n) || n < min || n > max)
      usage(`${name} needs a number from ${min} to ${max}, got "${v ?? ''}"`);
    return n;
  };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--users') o.users = Math.floor(num(a, argv[++i], 1, 500));
    else if (a === '--duration') o.durationS = num(a, argv[++i], 1, 600);
    else if (a === '--think') o.thinkS = num(a, argv[++i], 0, 120);
    else if (a === '--grace') o.graceS = num(a, argv[++i], 5, 300);
    else if (a === '--instances') o.instances = Math.floor(num(a, argv[++i], 1, 5));
    else if (a === '--mode') {
      const m = argv[++i];
      if (m === 'all') o.modes = [...MODES];
      else if (MODES.includes(m as Mode)) o.modes = [m as Mode];
      else usage(`--mode must be one of ${MODES.join(', ')} or all, got "${m ?? ''}"`);
    } else if (a === '--source') {
      const s = argv[++i];
      if (s !== 'embedded' && s !== 'la') usage(`--source must be embedded or la, got "${s ?? ''}"`);
      o.source = s;
      sourceGiven = true;
    } else if (a === '--logs') {
      o.logs = argv[++i];
      if (!o.logs) usage('--logs needs a file');
    } else if (a === '--heavy') o.heavy = Math.floor(num(a, argv[++i], 0, 16));
    else if (a === '--real-limits') o.realLimits = true;
    else if (a === '--json') o.json = true;
    else if (a === '--help' || a === '-h') usage('Load figures for the APIM Triage bot.');
    else usage(`unknown argument "${a}"`);
  }
  if (sourceGiven && o.source === 'embedded' && o.modes.some((m) => m !== 'ok'))
    usage('the fault modes need the Log Analytics path: --source embedded works with --mode ok only');
  if (o.instances > 1 && o.source === 'embedded' && o.modes.includes('ok'))
    usage('several instances share the Log Analytics query limit: add --source la (or use a fault mode)');
  return o;
}

interface Sample {
  rss: number;
  heap: number;
}

const MB = 1024 * 1024;
const mb = (bytes: number) => Math.round((bytes / MB) * 10) / 10;

function sampleMemory(): Sample {
  const m = process.memoryUsage();
  return { rss: m.rss, heap: m.heapUsed };
}

/** Forced GC (twice, with a pause for finalizers and freed pages), then a sample. */
async function settledMemory(): Promise<Sample> {
  const gc = (globalThis as { gc?: () => void }).gc;
  for (let i = 0; i < 3; i++) {
    gc?.();
    await sleep(300);
  }
  return sampleMemory();
}

function say(o: Options, text: string): void {
  if (!o.json) process.stderr.write(text + '\n');
}

/** The benchmark's heavy query classes (sorts, distinct counts, percentiles, term search), back to back until the deadline. */
async function heavyQueries(source: LogSource, offset: number, deadline: number): Promise<number> {
  const table = 'ApiManagementGatewayLogs';
  const kqls = queryClasses(table, new Date())
    .filter((q) => !q.prelude)
    .map((q) => q.kql);
  let n = 0;
  while (performance.now() < deadline) {
    const kql = kqls[(offset + n) % kqls.length];
    await source.query({ kql, timespan: { from: new Date(0), to: new Date() } }).catch(() => undefined);
    n++;
  }
  return n;
}

async function runMode(o: Options, mode: Mode, cap: Capture): Promise<ModeSummary> {
  const source: SourceChoice = mode === 'ok' ? o.source : 'la';
  const shown = `${source === 'la' ? 'local Log Analytics service' : 'embedded demo'}${o.instances > 1 ? `, ${o.instances} instances over Azurite` : ''}`;
  say(o, `mode ${mode}: starting the bot (${shown})...`);
  const bot = await startBot({
    mode,
    source,
    realLimits: o.realLimits,
    instances: o.instances,
    logFile: source === 'embedded' ? o.logs : undefined,
  });
  try {
    // Warm-up: each command once per instance, in turn, with no fault (parser, templates, schema probe, TLS).
    for (const [k, url] of bot.urls.entries()) {
      for (const [i, text] of COMMANDS.entries()) {
        const rec = await sendCommand(url, cap, 0, i, text, performance.now() + 90_000, `warm-${mode}-${k}`);
        if (rec.outcome?.kind !== 'answer')
          say(o, `  warm-up "${text}" ended with ${JSON.stringify(rec.outcome ?? rec.failure)}`);
      }
    }
    cap.clear();
    bot.service?.reset();
    const baseline = await settledMemory();
    bot.startFault();

    const peak = { ...baseline };
    const sampler = setInterval(() => {
      const s = sampleMemory();
      if (s.rss > peak.rss) peak.rss = s.rss;
      if (s.heap > peak.heap) peak.heap = s.heap;
    }, 100);
    const unmatchedBefore = cap.unmatched;
    const started = performance.now();
    const plan = {
      users: o.users,
      thinkS: o.thinkS,
      deadline: started + o.durationS * 1000,
      hardStop: started + (o.durationS + o.graceS) * 1000,
    };
    say(o, `mode ${mode}: ${o.users} users for ${o.durationS} s...`);
    const records: CommandRecord[] = [];
    const urlOf = (i: number) => bot.urls[i % bot.urls.length];
    const heavy = Array.from({ length: o.heavy }, (_, i) => heavyQueries(bot.source, i, plan.deadline));
    await Promise.all(Array.from({ length: o.users }, (_, i) => runUser(i + 1, plan, urlOf(i), cap, records)));
    const heavyRuns = (await Promise.all(heavy)).reduce((a, b) => a + b, 0);
    if (o.heavy) say(o, `  ${heavyRuns} heavy queries ran beside the users`);
    const elapsedS = (performance.now() - started) / 1000;
    // Anything the bot still works on (answers the script stopped waiting for) gets a bounded moment.
    await Promise.race([bot.idle(), sleep(5_000)]);
    clearInterval(sampler);

    const service = bot.service
      ? {
          requests: bot.service.requests.length,
          byStatus: bot.service.requests.reduce<Record<string, number>>((acc, r) => {
            const k = r.status === undefined ? 'dropped' : String(r.status);
            acc[k] = (acc[k] ?? 0) + 1;
            return acc;
          }, {}),
          maxInFlight: bot.service.maxInFlight,
        }
      : undefined;
    bot.service?.reset();
    let stayedUp = false;
    try {
      const health = bot.urls.map((url) =>
        fetch(url.replace('/api/messages', '/healthz'), { signal: AbortSignal.timeout(5_000) }),
      );
      stayedUp = (await Promise.all(health)).every((r) => r.ok);
    } catch {
      stayedUp = false;
    }
    cap.clear();
    const after = await settledMemory();
    const memory: MemoryFigures = {
      baselineRssMb: mb(baseline.rss),
      peakRssMb: mb(peak.rss),
      afterRssMb: mb(after.rss),
      baselineHeapMb: mb(baseline.heap),
      peakHeapMb: mb(peak.heap),
      afterHeapMb: mb(after.heap),
      processMaxRssMb: Math.round(process.resourceUsage().maxRSS / 102.4) / 10,
    };
    const base = {
      mode,
      source,
      ...(source === 'embedded' && o.logs ? { logFile: o.logs } : {}),
      instances: o.instances,
      users: o.users,
      durationS: o.durationS,
      thinkS: o.thinkS,
    };
    return summarise({ ...base, elapsedS }, records, {
      memory,
      ...(service ? { service } : {}),
      botProblems: bot.logger.problems(),
      stayedUp,
      unmatched: cap.unmatched - unmatchedBefore,
    });
  } finally {
    await bot.stop();
  }
}

async function main(): Promise<void> {
  const o = parseArgs(process.argv.slice(2));
  const gcAvailable = typeof (globalThis as { gc?: unknown }).gc === 'function';
  if (!gcAvailable)
    say(o, 'note: run node with --expose-gc, otherwise "after" memory is measured without a forced GC.');
  // A mode can take duration + grace + warm-up and shutdown; past that something is stuck.
  const budgetMs = o.modes.length * (o.durationS + o.graceS + 90) * 1000;
  const watchdog = setTimeout(() => {
    process.stderr.write(
      `load: stopped by the watchdog after ${Math.round(budgetMs / 1000)} s; a mode did not finish.\n`,
    );
    process.exit(1);
  }, budgetMs);
  watchdog.unref();

  const env = {
    node: process.version,
    cpus: cpus().length,
    loadavgBefore: loadavg().map((v) => Math.round(v * 100) / 100),
    gcAvailable,
  };
  const cap = new Capture();
  await cap.start();
  const results: ModeSummary[] = [];
  try {
    for (const mode of o.modes) {
      const s = await runMode(o, mode, cap);
      results.push(s);
      if (!o.json) process.stdout.write(markdown(s) + '\n');
    }
  } finally {
    await cap.stop();
  }
  const envAfter = { ...env, loadavgAfter: loadavg().map((v) => Math.round(v * 100) / 100) };
  if (o.json) process.stdout.write(JSON.stringify({ env: envAfter, modes: results }) + '\n');
  else {
    if (results.length > 1) process.stdout.write(comparison(results) + '\n');
    process.stdout.write(
      `Node ${env.node}, ${env.cpus} CPUs, load average before ${env.loadavgBefore.join(' ')}, after ${envAfter.loadavgAfter.join(' ')}. ` +
        'Bot, load generator and test service share this one process (and its CPU).\n',
    );
  }
  clearTimeout(watchdog);
  // Keep-alive sockets of the SDK and fetch clients would hold the event loop for a while: the work is done.
  process.exit(0);
}

main().catch((err) => {
  process.stderr.write(`load: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
