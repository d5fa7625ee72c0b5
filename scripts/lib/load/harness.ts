/**
 * The bot under load, in this process: the real restify + CloudAdapter server from src/server.ts on
 * 127.0.0.1, with either the embedded demo source or the real Azure SDK path (LogAnalyticsSource with
 * its retry / single-flight / cache / concurrency decorators) against the local Log Analytics test
 * service (https, self-signed CA) answering from the demo workspace, with a fault on every request.
 * With several instances (Log Analytics path only), each is its own server with its own source and
 * limiter, as separate processes would be, configured with INSTANCE_COUNT so they share the workspace's
 * query limit, and their state is one Azure Blob container in Azurite, as the e2e instances test runs them.
 */
import type { LogSource } from '../../../src/logs/source/logSource';
import { loadConfig, type AppConfig } from '../../../src/config';
import { createServer, type RunningServer } from '../../../src/server';
import { createTriage, TriageService } from '../../../src/triage';
import { defaultWorkerCount } from '../../../src/logs/embedded/enginePool';
import { buildLogAnalyticsSource } from '../../../src/logs/logAnalytics/logAnalyticsSource';
import { generateDemoTables } from '../../../src/logs/embedded/demo/generator';
import type { Logger } from '../../../src/bot/ports';
import type { TableInput } from '../../../src/kql';
import { LaService, type Fault } from '../../../test/support/laService/server';
import { engineExecutor } from '../../../test/support/laService/engineExecutor';
import { StaticTokenCredential } from '../../../test/support/laService/fakeCredential';
import { startAzurite, type Azurite } from '../../../test/support/azurite';

export const MODES = ['ok', 'slow', 'failing', 'throttling'] as const;
export type Mode = (typeof MODES)[number];
export type SourceChoice = 'embedded' | 'la';

const WORKSPACE = '6f1c2b9e-0000-4000-8000-0000000010ad';

/** The fault each mode puts on every request the service receives (times = effectively unbounded). */
function faultFor(mode: Mode): Fault | undefined {
  const every = 1_000_000_000;
  switch (mode) {
    case 'ok':
      return undefined;
    case 'slow':
      // Delayed, then answered for real: the Prefer: wait=60 the bot sends does not cut a 10 s delay.
      return { delayMs: 10_000, times: every };
    case 'failing':
      return {
        status: 500,
        body: {
          error: { code: 'InternalServerError', message: 'An unexpected error occurred while processing the query.' },
        },
        times: every,
      };
    case 'throttling':
      return {
        status: 429,
        headers: { 'retry-after': '1' },
        body: { error: { code: 'TooManyRequests', message: 'Too many requests. Retry after 1 second.' } },
        times: every,
      };
  }
}

/** Counts what the bot logs (warn/error by message) instead of printing it over the figures. */
class CountingLogger implements Logger {
  readonly counts = new Map<string, number>();
  readonly samples = new Map<string, string>();
  private bump(level: string, message: string, fields?: Record<string, unknown>): void {
    const key = `${level}: ${message.length > 100 ? `${message.slice(0, 100)}…` : message}`;
    this.counts.set(key, (this.counts.get(key) ?? 0) + 1);
    if (!this.samples.has(key) && fields) this.samples.set(key, JSON.stringify(fields).slice(0, 300));
  }
  info(message: string): void {
    if (message !== 'audit') this.bump('info', message);
  }
  warn(message: string, fields?: Record<string, unknown>): void {
    this.bump('warn', message, fields);
  }
  error(message: string, fields?: Record<string, unknown>): void {
    this.bump('error', message, fields);
  }
  /** warn/error lines only, most frequent first. */
  problems(): { line: string; count: number; sample?: string }[] {
    return [...this.counts]
      .filter(([k]) => !k.startsWith('info:'))
      .sort((a, b) => b[1] - a[1])
      .map(([line, count]) => ({ line, count, ...(this.samples.has(line) ? { sample: this.samples.get(line) } : {}) }));
  }
}

export interface BotUnderLoad {
  /** One endpoint per instance. */
  urls: string[];
  config: AppConfig;
  logger: CountingLogger;
  service?: LaService;
  /** Resolves when every instance has finished the work it took on. */
  idle(): Promise<void>;
  /** The first instance's log source (heavy queries run on it beside the users). */
  source: LogSource;
  /** Starts the mode's fault at the service (after warm-up, like a workspace that turns bad mid-shift). */
  startFault(): void;
  stop(): Promise<void>;
}

export interface HarnessOptions {
  mode: Mode;
  source: SourceChoice;
  /** Keep the bot's default per-user / per-conversation command limits instead of raising them. */
  realLimits: boolean;
  /** Bot instances (1-5); more than one needs the Log Analytics path and shares state through Azurite. */
  instances: number;
  /** An exported log file for the embedded source instead of the demo workspace. */
  logFile?: string;
}

let demoTables: { at: Date; tables: TableInput[] } | undefined;

/** Generated once per process: every mode's service answers from the same workspace. */
function demoWorkspace(): { at: Date; tables: TableInput[] } {
  if (!demoTables) {
    const at = new Date();
    // Materialise rows once: the generator's tables are lazy iterables.
    const tables = generateDemoTables({ now: at }).map((t) => ({ ...t, rows: Array.from(t.rows) }));
    demoTables = { at, tables };
  }
  return demoTables;
}

function configFor(o: HarnessOptions, azurite: Azurite | undefined): AppConfig {
  return loadConfig({
    NODE_ENV: 'development',
    PORT: '3978',
    LOG_SOURCE: o.source === 'la' ? 'log-analytics' : 'embedded',
    ...(o.logFile ? { LOG_FILE: o.logFile } : {}),
    ...(o.source === 'la' ? { LOG_ANALYTICS_WORKSPACE_ID: WORKSPACE } : {}),
    // Each simulated user is a distinct person in a distinct chat; with the defaults (6/min per user,
    // 20/min per conversation) a user thinking 5-15 s stays under the limit, but raise them anyway so
    // the figures measure the log path. --real-limits keeps the defaults and counts refusals.
    ...(o.realLimits ? {} : { RATE_LIMIT_USER_PER_MINUTE: '600', RATE_LIMIT_CONVERSATION_PER_MINUTE: '6000' }),
    ...(azurite
      ? {
          INSTANCE_COUNT: String(o.instances),
          STATE_BLOB_CONNECTION_STRING: azurite.connectionString,
          STATE_BLOB_CONTAINER: 'load',
        }
      : {}),
  });
}

export async function startBot(o: HarnessOptions): Promise<BotUnderLoad> {
  if (o.instances > 1 && o.source !== 'la')
    throw new Error('several instances need the Log Analytics path (source la)');
  const azurite = o.instances > 1 ? await startAzurite() : undefined;
  const config = configFor(o, azurite);
  const logger = new CountingLogger();
  const demo = o.source === 'la' ? demoWorkspace() : undefined;
  // The service's now() is the request's timespan end (Log Analytics behaviour); data ends at demo.at.
  const service = demo
    ? await LaService.start({ executor: engineExecutor(demo.tables), workspaces: [WORKSPACE] })
    : undefined;
  const apps: RunningServer[] = [];
  const urls: string[] = [];
  const sources: LogSource[] = [];
  for (let i = 0; i < o.instances; i++) {
    const triage = triageFor(config, service);
    sources.push(triage.source);
    const app = createServer({ config, triage, logger });
    const { port } = await app.listen(0, '127.0.0.1');
    apps.push(app);
    urls.push(`http://127.0.0.1:${port}/api/messages`);
  }
  const fault = faultFor(o.mode);
  return {
    urls,
    config,
    logger,
    service,
    async idle() {
      await Promise.all(apps.map((a) => a.bot.idle()));
    },
    source: sources[0],
    startFault() {
      if (!fault) return;
      if (!service) throw new Error(`mode ${o.mode} needs the Log Analytics service (source la)`);
      service.reset();
      service.inject(fault);
    },
    async stop() {
      // Short grace: the script already waited for every answer it was owed.
      await Promise.all(apps.map((a) => a.close(2_000)));
      if (service) {
        service.reset();
        await service.close();
      }
      await azurite?.stop();
    },
  };
}

/** One instance's triage: over the local service with its own credential (so its own limiter), or the embedded demo. */
function triageFor(config: AppConfig, service: LaService | undefined) {
  if (!service) return createTriage(config, { engineWorkers: defaultWorkerCount() }).triage; // as the server runs it
  const identity = 'the load-test credential';
  const source = buildLogAnalyticsSource({
    endpoint: service.endpoint,
    workspaceId: WORKSPACE,
    // A fresh credential object per instance and mode: the concurrency limiter is per identity (per credential
    // object), and separate processes would each have their own.
    credential: new StaticTokenCredential(),
    caCertificates: service.ca,
    serverTimeoutSeconds: config.queryTimeoutSeconds,
    cacheTtlMs: config.cacheTtlMs,
    maxInFlight: config.maxConcurrentQueries,
    queueLimit: config.queryQueueLimit,
    retry: config.retry,
    identityLabel: identity,
  });
  return new TriageService({ source, answerTimeoutMs: config.answerTimeoutSeconds * 1000, identity });
}
