/**
 * The real orchestrator over real log sources, for the bot tests:
 * - fast answers: the composition root (createTriage -> TriageHub -> EmbeddedSource) over the seeded demo
 *   workspace, two hours of traffic ending at NOW;
 * - slow, hanging and failing answers: TriageService over buildLogAnalyticsSource (the Azure SDK with the
 *   production decorators) talking https to the local Log Analytics service, which runs the queries on
 *   the embedded engine over the same demo tables and can hold requests or answer with documented faults.
 * TriageHub cannot be pointed at the local service (its settings take no CA or credential object), so the
 * Log Analytics variant wires TriageService with the very source buildSource() would build.
 */
import { loadConfig } from '../../../src/config';
import { createTriage, TriageService, type TriageHub } from '../../../src/triage';
import { generateDemoTables } from '../../../src/logs/embedded/demo/generator';
import { buildLogAnalyticsSource } from '../../../src/logs/logAnalytics/logAnalyticsSource';
import type { TableInput } from '../../../src/kql';
import type { SchemaId } from '../../../src/schema/physical';
import { LaService, type Executor, type RecordedRequest } from '../../support/laService/server';
import { engineExecutor } from '../../support/laService/engineExecutor';
import { StaticTokenCredential } from '../../support/laService/fakeCredential';

/** The demo incident's "now": the bot's clock, the demo traffic's end and the engine's now() agree on it. */
export const NOW = new Date('2026-11-23T14:33:00Z');
export const WORKSPACE = '6f1c2b9e-0000-4000-8000-0000000b0751';
export const IDENTITY = 'managed identity 11111111-2222-3333-4444-555555555555';
const DEMO_HOURS = 2;

let tables: TableInput[] | undefined;

/** The demo workspace's tables, generated once per test file (same seed and now as the embedded hub). */
function demoTables(): TableInput[] {
  tables ??= generateDemoTables({ now: NOW, hours: DEMO_HOURS });
  return tables;
}

/** What `npm start` builds with no Azure settings, with the demo pinned to NOW. */
export function embeddedTriage(): TriageHub {
  return createTriage(loadConfig({ DEMO_HOURS: String(DEMO_HOURS) }), { now: NOW }).triage;
}

/** The local Log Analytics service over the demo tables (less those `without` names); `wrap` may post-process the engine's answers. */
export function startLogAnalytics(
  wrap: (engine: Executor) => Executor = (e) => e,
  opts: { without?: string[] } = {},
): Promise<LaService> {
  const tables = demoTables().filter((t) => !opts.without?.includes(t.name));
  return LaService.start({
    executor: wrap(engineExecutor(tables, { now: () => NOW })),
    workspaces: [WORKSPACE],
    now: () => NOW,
  });
}

export interface LaTriageOptions {
  /** Retries after the first attempt for 429/5xx/dropped connections (production default 3). */
  maxRetries?: number;
  /** Skip the schema probe: the workspace's schema is taken as known. */
  schemaOverride?: SchemaId;
}

/**
 * The real orchestrator over the real Azure SDK source. The result cache is off so every command reaches
 * the service (tests read what ran from its request log); each call gets its own credential object, and
 * so its own per-identity concurrency limiter.
 */
export function logAnalyticsTriage(svc: LaService, opts: LaTriageOptions = {}): TriageService {
  const source = buildLogAnalyticsSource({
    workspaceId: WORKSPACE,
    endpoint: svc.endpoint,
    credential: new StaticTokenCredential(),
    caCertificates: svc.ca,
    identityLabel: IDENTITY,
    cacheTtlMs: 0,
    // Short backoff: the retry itself is what is tested, not its pacing.
    retry: { maxRetries: opts.maxRetries ?? 3, baseDelayMs: 5, maxDelayMs: 20 },
  });
  return new TriageService({ source, now: () => NOW, identity: IDENTITY, schemaOverride: opts.schemaOverride });
}

/** A recipe query: the normalized-view prelude plus a recipe (not the schema probe, not the freshness query). */
export const isRecipeQuery = (r: RecordedRequest): boolean => r.query?.startsWith('let GatewayLogs') ?? false;

/** The schema probe: the fuzzy union, or one of its branches when the service rejects isfuzzy. */
export const isProbeQuery = (r: RecordedRequest): boolean => /\| take 1 \| project Schema = /.test(r.query ?? '');

/** The log-freshness query (ingestion lag), sent next to every recipe query. */
export const isFreshnessQuery = (r: RecordedRequest): boolean => /ingestion_time\(\)/.test(r.query ?? '');
