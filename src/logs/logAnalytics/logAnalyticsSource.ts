/**
 * LogSource over Azure Log Analytics (@azure/monitor-query-logs + @azure/identity).
 * Every failure leaves as a LogSourceError explained for the bot's identity and workspace.
 */
import { randomUUID } from 'node:crypto';
import {
  LogsQueryClient,
  LogsQueryResultStatus,
  type LogsTable,
  type LogsQueryResult,
} from '@azure/monitor-query-logs';
import { ClientSecretCredential, DefaultAzureCredential, ManagedIdentityCredential } from '@azure/identity';
import type { TokenCredential } from '@azure/core-auth';
import type { PipelinePolicy } from '@azure/core-rest-pipeline';
import { KQL_TYPES, type Cell, type ColumnSchema, type KqlType, type ResultTable } from '../../kql/types';
import type { LogSource, QueryRequest, QueryResult } from '../source/logSource';
import { explainSourceError } from './explain';
import { identityFromToken, nameIdentity, type RecordedResponse } from './errorFacts';
import { failFastWhenRefused, managedIdentityEndpoint } from './identityEndpoint';
import { QUERY_TIMEOUT_MS } from '../../timeouts';
import { abortedError } from '../resilience/retry';
import {
  withCache,
  withConcurrencyLimit,
  withRetry,
  withSingleFlight,
  limiterForIdentity,
  type RetryOptions,
} from '../resilience';

export type CredentialOption =
  'default' | { managedIdentityClientId: string } | { tenantId: string; clientId: string; clientSecret: string };

export interface LogAnalyticsSourceOptions {
  /** Workspace (customer) id, a GUID. One of workspaceId / resourceId is required. */
  workspaceId?: string;
  /** APIM resource id for resource-centric queries (/subscriptions/.../Microsoft.ApiManagement/service/x). */
  resourceId?: string;
  /** API base including /v1 (sovereign clouds, tests). Default https://api.loganalytics.io/v1. */
  endpoint?: string;
  /** A TokenCredential instance is accepted for tests and custom hosts. */
  credential: CredentialOption | TokenCredential;
  /** Sent as Prefer: wait=N. */
  serverTimeoutSeconds?: number;
  retry?: RetryOptions;
  maxInFlight?: number;
  queueLimit?: number;
  cacheTtlMs?: number;
  /** How error text names the bot's identity (default: derived from `credential`, never a secret). */
  identityLabel?: string;
  /** Extra CA certificates (PEM) to trust for the endpoint, e.g. a test service or TLS-inspecting proxy. */
  caCertificates?: string | string[];
}

function createCredential(opts: CredentialOption | TokenCredential): TokenCredential {
  if (typeof opts === 'object' && 'getToken' in opts) return opts;
  if (!(opts === 'default' || 'managedIdentityClientId' in opts))
    return new ClientSecretCredential(opts.tenantId, opts.clientId, opts.clientSecret);
  const credential =
    opts === 'default'
      ? new DefaultAzureCredential()
      : new ManagedIdentityCredential({ clientId: opts.managedIdentityClientId });
  // Both sign in through the host's identity endpoint when it has one: a refusing endpoint fails at once.
  const endpoint = managedIdentityEndpoint();
  return endpoint ? failFastWhenRefused(credential, endpoint) : credential;
}

/** Who the bot is, for error text. Client ids are not secrets; the secret never appears. */
export function describeIdentity(opts: CredentialOption | TokenCredential): string {
  if (typeof opts === 'object' && 'getToken' in opts) return 'the configured credential';
  if (opts === 'default') return 'DefaultAzureCredential (managed identity, environment or az login)';
  // "client id": the name under which an administrator finds the identity to grant it a role.
  if ('managedIdentityClientId' in opts) return `managed identity (client id ${opts.managedIdentityClientId})`;
  return `app registration (client id ${opts.clientId}, tenant ${opts.tenantId})`;
}

/**
 * The SDK always asks for https://api.loganalytics.io/.default and ignores `audience`, so sovereign
 * endpoints need the scope passed through `credentials.scopes` ourselves.
 */
export function scopeForEndpoint(endpoint: string | undefined): string {
  if (!endpoint) return 'https://api.loganalytics.io/.default';
  const host = new URL(endpoint).hostname;
  if (host.endsWith('.loganalytics.us')) return 'https://api.loganalytics.us/.default';
  if (host.endsWith('.loganalytics.azure.cn')) return 'https://api.loganalytics.azure.cn/.default';
  if (host.endsWith('.loganalytics.io') || host.endsWith('.loganalytics.azure.com'))
    return 'https://api.loganalytics.io/.default';
  return `${new URL(endpoint).origin}/.default`;
}

const REQUEST_ID = 'x-ms-client-request-id';
const BODY_CAP = 16_000;

export class LogAnalyticsSource implements LogSource {
  readonly info: { kind: 'log-analytics'; workspace: string };
  readonly identity: string;
  private readonly client: LogsQueryClient;
  /**
   * What the wire said for each call, by client request id. Needed because the SDK throws a bare
   * TypeError for 204/empty 200 (no status) and drops innererror line/pos from error details.
   */
  private readonly seen = new Map<string, RecordedResponse>();
  /** LogsQueryClient 1.0.0 drops `abortSignal` from query options, so the policy attaches it itself. */
  private readonly signals = new Map<string, AbortSignal>();

  constructor(private readonly opts: LogAnalyticsSourceOptions) {
    if (!opts.workspaceId && !opts.resourceId) throw new Error('LogAnalyticsSource needs workspaceId or resourceId');
    this.info = { kind: 'log-analytics', workspace: opts.workspaceId ?? opts.resourceId! };
    this.identity = opts.identityLabel ?? describeIdentity(opts.credential);
    const ca = opts.caCertificates;
    this.client = new LogsQueryClient(createCredential(opts.credential), {
      ...(opts.endpoint ? { endpoint: opts.endpoint.replace(/\/+$/, '') } : {}),
      credentials: { scopes: [scopeForEndpoint(opts.endpoint)] },
      // Our withRetry owns retries (Retry-After, budget); the SDK's would multiply them.
      retryOptions: { maxRetries: 0 },
      // tlsOptions becomes core-rest-pipeline's tlsPolicy: it sets request.tlsSettings, and the Node
      // HTTP client builds an https.Agent with that `ca` for the request. NODE_EXTRA_CA_CERTS would
      // also work but is read only at process start, so tests and per-source trust use this.
      ...(ca ? { tlsOptions: { ca } } : {}),
    });
    this.client.pipeline.addPolicy(this.recorder(), { phase: 'Retry' });
  }

  private recorder(): PipelinePolicy {
    return {
      name: 'apimTriageResponseRecorder',
      sendRequest: async (request, next) => {
        const id = request.headers.get(REQUEST_ID);
        const signal = id ? this.signals.get(id) : undefined;
        if (signal) request.abortSignal = signal;
        const response = await next(request);
        if (id && this.seen.has(id)) {
          const rec: RecordedResponse = { status: response.status };
          if (response.status >= 300 || !response.bodyAsText) rec.body = response.bodyAsText?.slice(0, BODY_CAP);
          const ra = response.headers.get('retry-after');
          if (ra) rec.retryAfter = ra;
          // Refused: say exactly which identity was refused (the label alone may be "DefaultAzureCredential").
          if (response.status === 401 || response.status === 403) {
            rec.token = identityFromToken(request.headers.get('authorization'));
          }
          this.seen.set(id, rec);
        }
        return response;
      },
    };
  }

  async query(request: QueryRequest): Promise<QueryResult> {
    const started = performance.now();
    if (request.signal?.aborted) throw abortedError();
    const id = randomUUID();
    this.seen.set(id, { status: 0 });
    if (request.signal) this.signals.set(id, request.signal);
    const timespan = { startTime: request.timespan.from, endTime: request.timespan.to };
    const options = {
      serverTimeoutInSeconds: this.opts.serverTimeoutSeconds ?? QUERY_TIMEOUT_MS / 1000,
      includeQueryStatistics: true,
      requestOptions: { headers: { [REQUEST_ID]: id } },
    };
    let result: LogsQueryResult;
    try {
      result = this.opts.resourceId
        ? // The SDK's path template is "/{+resourceId}/query": a leading slash would double up.
          await this.client.queryResource(this.opts.resourceId.replace(/^\/+/, ''), request.kql, timespan, options)
        : await this.client.queryWorkspace(this.opts.workspaceId!, request.kql, timespan, options);
    } catch (err) {
      const rec = this.seen.get(id);
      throw explainSourceError(err, {
        workspace: this.info.workspace,
        identity: nameIdentity(this.identity, rec?.token),
        identityEndpoint: managedIdentityEndpoint(),
        ...(rec && rec.status !== 0 ? { response: rec } : {}),
      });
    } finally {
      this.seen.delete(id);
      this.signals.delete(id);
    }
    return toQueryResult(result, performance.now() - started);
  }
}

/** Maps the SDK result to the shared QueryResult shape (PartialFailure keeps its tables). */
function toQueryResult(result: LogsQueryResult, elapsedMs: number): QueryResult {
  const tables = result.status === LogsQueryResultStatus.Success ? result.tables : result.partialTables;
  const out: QueryResult = { tables: tables.map(toResultTable), stats: { elapsedMs } };
  const stats = result.statistics as
    | { query?: { executionTime?: number; inputDatasetStatistics?: { rows?: { scanned?: number; total?: number } } } }
    | undefined;
  const rows = stats?.query?.inputDatasetStatistics?.rows;
  const examined = rows?.scanned ?? rows?.total;
  if (typeof examined === 'number') out.stats.rowsExamined = examined;
  if (typeof stats?.query?.executionTime === 'number') out.stats.serverMs = stats.query.executionTime * 1000;
  if (result.status !== LogsQueryResultStatus.Success) {
    const pe = result.partialError;
    out.partialError = { code: pe.code ?? 'PartialError', message: describePartial(pe) };
  }
  return out;
}

function describePartial(pe: {
  message?: string;
  details?: { message?: string }[];
  innererror?: { message?: string };
}): string {
  const parts = [pe.message, ...(pe.details ?? []).map((d) => d.message), pe.innererror?.message].filter(
    (m): m is string => !!m,
  );
  return [...new Set(parts)].join(' ') || 'Log Analytics returned partial results.';
}

const KNOWN_TYPES: ReadonlySet<KqlType> = new Set(KQL_TYPES);

function toResultTable(t: LogsTable): ResultTable {
  const columns: ColumnSchema[] = t.columnDescriptors.map((c) => ({
    name: c.name ?? '',
    type: KNOWN_TYPES.has(c.type) ? c.type : 'string',
  }));
  const spanIdx = columns.flatMap((c, i) => (c.type === 'timespan' ? [i] : []));
  const rows = t.rows as Cell[][];
  if (spanIdx.length) {
    for (const row of rows) for (const i of spanIdx) row[i] = timespanToMs(row[i]);
  }
  return { name: t.name, columns, rows };
}

/** Log Analytics sends timespans as "[-][d.]hh:mm:ss[.fffffff]"; the shared Cell shape wants ms. */
function timespanToMs(v: Cell): Cell {
  if (typeof v !== 'string') return v;
  const m = /^(-)?(?:(\d+)\.)?(\d{1,2}):(\d{2}):(\d{2})(?:\.(\d{1,7}))?$/.exec(v);
  if (!m) return v;
  const ms =
    ((Number(m[2] ?? 0) * 24 + Number(m[3])) * 60 + Number(m[4])) * 60_000 +
    Number(m[5]) * 1000 +
    Number(`0.${m[6] ?? '0'}`) * 1000;
  return m[1] ? -ms : ms;
}

/** The production composition: cache -> single-flight -> limiter -> retry -> Log Analytics. */
export function buildLogAnalyticsSource(options: LogAnalyticsSourceOptions): LogSource {
  const base = new LogAnalyticsSource(options);
  // One limiter per identity: Log Analytics counts concurrent queries per caller, across workspaces.
  const key =
    typeof options.credential === 'object' && 'getToken' in options.credential ? options.credential : base.identity;
  const limiter = limiterForIdentity(key, {
    label: base.identity,
    maxInFlight: options.maxInFlight ?? 5,
    queueLimit: options.queueLimit ?? 50,
  });
  return withCache(withSingleFlight(withConcurrencyLimit(withRetry(base, options.retry), { limiter })), {
    ttlMs: options.cacheTtlMs ?? 60_000,
  });
}
