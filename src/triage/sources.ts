/**
 * Builds the LogSource the settings ask for: the embedded engine over the demo workspace or an exported
 * log file, or Azure Log Analytics through the Azure SDK with the resilience decorators around it.
 */
import { basename } from 'node:path';
import type { LogSourceConfig } from '../config';
import { Workspace, runQuery } from '../kql';
import { DEMO_BASELINE_HOURS, loadDemoWorkspace } from '../logs/embedded/demo/generator';
import { loadStoredDemo } from '../logs/embedded/demo/storedDemo';
import { loadWorkspaceFile } from '../logs/embedded/files/snapshot';
import { EmbeddedSource, type EmbeddedSourceOptions } from '../logs/embedded/embeddedSource';
import { PooledEmbeddedSource } from '../logs/embedded/enginePool';
import type * as LogAnalytics from '../logs/logAnalytics/logAnalyticsSource';
import type { LogSource } from '../logs/source/logSource';

export interface SourceOptions {
  /** Pins now() for the embedded engine (CLI --now); the demo's traffic ends at this instant. */
  now?: Date;
  queryTimeoutSeconds?: number;
  cacheTtlMs?: number;
  maxConcurrentQueries?: number;
  queueLimit?: number;
  retry?: { maxRetries: number; maxTotalMs: number };
  /** How error text names the bot's identity. */
  identityLabel?: string;
  /** Run the embedded engine on this many worker threads (the server: never on the HTTP thread); 0 = in-process. */
  engineWorkers?: number;
  /** Keep the demo's stored copy here (the CLI: one per hour, read back by every command of that hour). */
  demoCopyDir?: string | null;
}

export interface BuiltSource {
  source: LogSource;
  /** What it is, for the start-up log: "demo workspace (resource-specific, 212,340 rows)". */
  description: string;
  /** The clock the engine uses: a loaded file is anchored at its newest TimeGenerated unless --now pins it. */
  now: () => Date;
}

/** The Log Analytics source, loaded on first use: the Azure SDK takes a noticeable part of a second to load. */
export function logAnalytics(): typeof LogAnalytics {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- lazy on purpose (see above)
  return require('../logs/logAnalytics/logAnalyticsSource') as typeof LogAnalytics;
}

export function buildSource(config: LogSourceConfig, options: SourceOptions = {}): BuiltSource {
  if (config.kind === 'log-analytics') {
    const source = logAnalytics().buildLogAnalyticsSource({
      workspaceId: config.workspaceId,
      resourceId: config.resourceId,
      endpoint: config.endpoint,
      credential: config.credential,
      serverTimeoutSeconds: options.queryTimeoutSeconds,
      cacheTtlMs: options.cacheTtlMs,
      maxInFlight: options.maxConcurrentQueries,
      queueLimit: options.queueLimit,
      retry: options.retry,
      identityLabel: options.identityLabel,
    });
    const target = config.workspaceId ? `workspace ${config.workspaceId}` : `APIM resource ${config.resourceId}`;
    return { source, description: `Azure Log Analytics, ${target}`, now: () => new Date() };
  }

  if (config.file) {
    // a columnar snapshot makes the second load of the same file (same path, size and mtime) instant
    const { workspace, table } = loadWorkspaceFile(config.file, { table: config.fileTable });
    const anchor = options.now ?? latestTimeGenerated(workspace, table) ?? new Date();
    const source = embedded(workspace, { name: basename(config.file), now: () => anchor }, options);
    return {
      source,
      description: `exported log file ${config.file} as ${table} (${workspace.rowCount(table).toLocaleString('en-US')} rows), now = ${anchor.toISOString()}`,
      now: () => anchor,
    };
  }

  const workspace = new Workspace();
  const pinned = options.now;
  const start = pinned ?? new Date();
  const demo = {
    now: start,
    seed: config.demoSeed,
    schema: config.demoSchema,
    hours: config.demoHours,
    baselineHours: DEMO_BASELINE_HOURS,
  };
  if (options.demoCopyDir) loadStoredDemo(workspace, demo, options.demoCopyDir);
  else loadDemoWorkspace(workspace, demo);
  const rows = workspace.tableNames().reduce((n, t) => n + workspace.rowCount(t), 0);
  // The demo's traffic ends when it was generated; keep the clock there so "last 15m" always finds the incident.
  const clock = () => start;
  return {
    source: embedded(workspace, { name: 'demo', now: clock }, options),
    description: `embedded demo workspace (${config.demoSchema}, ${rows.toLocaleString('en-US')} rows, seed ${config.demoSeed}, traffic ending ${start.toISOString()})`,
    now: clock,
  };
}

function embedded(workspace: Workspace, opts: EmbeddedSourceOptions, options: SourceOptions): LogSource {
  const workers = options.engineWorkers ?? 0;
  return workers > 0 ? new PooledEmbeddedSource(workspace, { ...opts, workers }) : new EmbeddedSource(workspace, opts);
}

function latestTimeGenerated(workspace: Workspace, table: string): Date | undefined {
  const columns = workspace.schemaOf(table);
  if (!columns.some((c) => c.name === 'TimeGenerated')) return undefined;
  const result = runQuery(workspace, `${table} | summarize max(TimeGenerated)`, { now: new Date() });
  const cell = result.tables[0]?.rows[0]?.[0];
  return cell instanceof Date ? cell : undefined;
}
