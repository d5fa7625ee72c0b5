/**
 * A local Log Analytics query service for tests and the benchmark: https on 127.0.0.1 with a
 * self-signed certificate, the real REST shapes (workspace and resource-centric POST /query,
 * Prefer: wait / include-statistics, bearer token), queries executed by an injected executor
 * (the embedded engine), and faults on demand (any status/body, Retry-After, delays, dropped sockets,
 * 204, empty 200, PartialError). It counts requests and the highest number in flight at once, can hold
 * requests until released, and tells tests when a request arrives or is answered (waitFor).
 *
 * Trusting the certificate: NODE_EXTRA_CA_CERTS is read only when Node starts, so clients get the CA
 * through LogAnalyticsSource's `caCertificates` option, which becomes the SDK's `tlsOptions: { ca }`
 * (core-rest-pipeline's tlsPolicy -> request.tlsSettings -> an https.Agent with that CA). Checked:
 * without it the SDK fails with DEPTH_ZERO_SELF_SIGNED_CERT (see the TlsError test).
 */
import type { Duplex } from 'node:stream';
import https from 'node:https';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { ResultTable } from '../../../src/kql/types';
import { SEED } from './seedErrors';
import { testCertificate } from './tls';
import { formatTimespan } from '../../../src/kql/values';

interface ExecuteInput {
  kql: string;
  /** The request's timespan; Log Analytics applies it in addition to the query's own filters. */
  timespan?: { from: Date; to: Date };
}
interface ExecuteOutput {
  tables: ResultTable[];
  rowsExamined?: number;
}
/** Throw an error with `kind` ('syntax' | 'semantic' | ...), `line`, `column` to get a 400 like the service's. */
export type Executor = (input: ExecuteInput) => ExecuteOutput;

export interface Fault {
  /** Answer with this status (and body/headers) instead of running the query. */
  status?: number;
  /** JSON value, or a raw string sent as is ('' = empty body). */
  body?: unknown;
  headers?: Record<string, string>;
  /** Wait before answering (cut at Prefer: wait, which then gives 504 like the service). */
  delayMs?: number;
  /** Destroy the connection without answering (a network failure for the client). */
  closeSocket?: boolean;
  /** Run the query but add this as `error` next to the tables (a PartialError). */
  partialError?: { code: string; message: string; details?: { code?: string; message: string }[] };
  /** How many requests this fault applies to (default 1). */
  times?: number;
}

export interface RecordedRequest {
  method: string;
  path: string;
  target?: { kind: 'workspace' | 'resource'; id: string };
  query?: string;
  timespan?: string;
  prefer?: string;
  authorized: boolean;
  /** Status and body size of the answer (unset when the socket was dropped). */
  status?: number;
  responseBytes?: number;
}

export interface LaServiceOptions {
  executor: Executor;
  /** The only bearer token accepted (default the StaticTokenCredential's). */
  token?: string;
  /** Known workspace ids; any other gives 404 PathNotFoundError. Default: any. */
  workspaces?: string[];
  now?: () => Date;
}

const WORKSPACE_PATH = /^\/v1\/workspaces\/([^/]+)\/query$/;
const RESOURCE_PATH =
  /^\/v1(\/subscriptions\/[^/]+\/resourceGroups\/[^/]+\/providers\/Microsoft\.ApiManagement\/service\/[^/]+)\/query$/i;

export class LaService {
  readonly requests: RecordedRequest[] = [];
  inFlight = 0;
  maxInFlight = 0;
  private readonly faults: Fault[] = [];
  private gate: Promise<void> | undefined;
  private openGate: (() => void) | undefined;
  private readonly sockets = new Set<Duplex>();
  private waiters: { match: (r: RecordedRequest) => boolean; resolve: (r: RecordedRequest) => void }[] = [];

  private constructor(
    private readonly server: https.Server,
    readonly ca: string,
    private readonly opts: LaServiceOptions,
  ) {
    server.on('connection', (s) => {
      this.sockets.add(s);
      s.on('close', () => this.sockets.delete(s));
    });
  }

  static async start(opts: LaServiceOptions): Promise<LaService> {
    const { key, cert } = await testCertificate();
    const server = https.createServer({ key, cert });
    const service = new LaService(server, cert, opts);
    server.on('request', (req, res) => void service.handle(req, res));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return service;
  }

  get port(): number {
    return (this.server.address() as AddressInfo).port;
  }

  /** Base URL including /v1, as LogAnalyticsSource's `endpoint` wants it. */
  get endpoint(): string {
    return `https://127.0.0.1:${this.port}/v1`;
  }

  inject(...faults: Fault[]): void {
    this.faults.push(...faults);
  }

  /** Requests wait (after being counted) until release(); lets tests observe queueing deterministically. */
  hold(): void {
    this.gate ??= new Promise<void>((resolve) => (this.openGate = resolve));
  }

  release(): void {
    this.openGate?.();
    this.gate = undefined;
    this.openGate = undefined;
  }

  /**
   * Resolves with the first request (already seen or still to come) that matches, checked again each time
   * a request arrives or is answered: tests wait on events at the service instead of sleeping.
   */
  waitFor(match: (r: RecordedRequest) => boolean): Promise<RecordedRequest> {
    const seen = this.requests.find(match);
    if (seen) return Promise.resolve(seen);
    return new Promise((resolve) => this.waiters.push({ match, resolve }));
  }

  private notify(): void {
    if (this.waiters.length === 0) return;
    this.waiters = this.waiters.filter((w) => {
      const hit = this.requests.find(w.match);
      if (hit) w.resolve(hit);
      return !hit;
    });
  }

  reset(): void {
    this.requests.length = 0;
    this.faults.length = 0;
    this.maxInFlight = 0;
    this.release();
  }

  async close(): Promise<void> {
    this.release();
    for (const s of this.sockets) s.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private nextFault(): Fault | undefined {
    const f = this.faults[0];
    if (!f) return undefined;
    const left = (f.times ?? 1) - 1;
    if (left <= 0) this.faults.shift();
    else this.faults[0] = { ...f, times: left };
    return f;
  }

  private reply(
    rec: RecordedRequest,
    res: ServerResponse,
    status: number,
    body: unknown,
    headers?: Record<string, string>,
  ): void {
    rec.status = status;
    rec.responseBytes = send(res, status, body, headers);
    this.notify();
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    this.inFlight++;
    this.maxInFlight = Math.max(this.maxInFlight, this.inFlight);
    res.on('close', () => this.inFlight--);
    const started = performance.now();
    const raw = await readBody(req);
    const path = (req.url ?? '/').split('?')[0];
    const rec: RecordedRequest = { method: req.method ?? 'GET', path, authorized: false };
    const prefer = header(req, 'prefer');
    if (prefer) rec.prefer = prefer;
    const body = parseJson(raw) as { query?: unknown; timespan?: unknown } | undefined;
    if (typeof body?.query === 'string') rec.query = body.query;
    if (typeof body?.timespan === 'string') rec.timespan = body.timespan;
    const ws = WORKSPACE_PATH.exec(path);
    const rs = RESOURCE_PATH.exec(path);
    if (ws) rec.target = { kind: 'workspace', id: decodeURIComponent(ws[1]) };
    else if (rs) rec.target = { kind: 'resource', id: decodeURIComponent(rs[1]) };
    this.requests.push(rec);
    this.notify();

    const fault = this.nextFault();
    if (this.gate) await this.gate;
    const waitS = Number(/wait=(\d+)/.exec(prefer ?? '')?.[1] ?? 180);
    if (fault?.delayMs) {
      const cut = Math.min(fault.delayMs, waitS * 1000);
      await new Promise((r) => setTimeout(r, cut));
      if (fault.delayMs > waitS * 1000) {
        return this.reply(rec, res, 504, {
          error: {
            code: 'GatewayTimeout',
            message: `The query exceeded the requested server timeout of ${waitS} seconds.`,
          },
        });
      }
    }
    if (fault?.closeSocket) {
      req.socket.destroy();
      return;
    }
    if (fault?.status !== undefined) return this.reply(rec, res, fault.status, fault.body, fault.headers);

    const auth = header(req, 'authorization');
    if (!auth) return this.reply(rec, res, SEED.noAuth.status, SEED.noAuth.body);
    if (auth !== `Bearer ${this.opts.token ?? 'la-test-token-0001'}`)
      return this.reply(rec, res, SEED.invalidToken.status, SEED.invalidToken.body);
    rec.authorized = true;
    if (req.method !== 'POST' || !rec.target)
      return this.reply(rec, res, SEED.pathNotFound.status, SEED.pathNotFound.body);
    if (rec.target.kind === 'workspace' && this.opts.workspaces && !this.opts.workspaces.includes(rec.target.id)) {
      return this.reply(rec, res, SEED.pathNotFound.status, SEED.pathNotFound.body);
    }
    // Documented quirk: a POST without JSON body or Content-Type gets an empty 200.
    if (!/application\/json/i.test(header(req, 'content-type') ?? '') || typeof body?.query !== 'string')
      return this.reply(rec, res, 200, '');

    let out: ExecuteOutput;
    try {
      const timespan = parseTimespan(rec.timespan, this.opts.now?.() ?? new Date());
      out = this.opts.executor({ kql: body.query, ...(timespan ? { timespan } : {}) });
    } catch (err) {
      return this.reply(rec, res, 400, queryErrorBody(err));
    }
    const reply: Record<string, unknown> = { tables: out.tables.map(serializeTable) };
    if (/include-statistics=true/.test(prefer ?? '')) {
      const executionTime = (performance.now() - started) / 1000;
      reply.statistics = {
        query: { executionTime, inputDatasetStatistics: { rows: { scanned: out.rowsExamined ?? 0 } } },
      };
    }
    if (fault?.partialError) reply.error = { ...fault.partialError, code: fault.partialError.code };
    return this.reply(rec, res, 200, reply);
  }
}

function header(req: IncomingMessage, name: string): string | undefined {
  const v = req.headers[name];
  return Array.isArray(v) ? v.join(',') : v;
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', () => resolve(''));
  });
}

function parseJson(text: string): unknown {
  try {
    return text ? JSON.parse(text) : undefined;
  } catch {
    return undefined;
  }
}

function send(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): number {
  if (res.destroyed) return 0;
  const text = body === undefined || status === 204 ? '' : typeof body === 'string' ? body : JSON.stringify(body);
  res.writeHead(status, { ...(text ? { 'content-type': 'application/json; charset=utf-8' } : {}), ...headers });
  res.end(text);
  return Buffer.byteLength(text);
}

/** "start/end" ISO interval or an ISO duration ending now (the two forms the API accepts). */
function parseTimespan(ts: string | undefined, now: Date): { from: Date; to: Date } | undefined {
  if (!ts) return undefined;
  const parts = ts.split('/');
  if (parts.length === 2) return { from: new Date(parts[0]), to: new Date(parts[1]) };
  const m = /^P(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+(?:\.\d+)?)S)?)?$/.exec(ts);
  if (!m) throw Object.assign(new Error(`Invalid timespan '${ts}'`), { kind: 'argument' });
  const ms =
    ((Number(m[1] ?? 0) * 24 + Number(m[2] ?? 0)) * 60 + Number(m[3] ?? 0)) * 60_000 + Number(m[4] ?? 0) * 1000;
  return { from: new Date(now.getTime() - ms), to: now };
}

/** The service's 400 shape, with the nested innererror that carries line and position. */
function queryErrorBody(err: unknown): unknown {
  const e = err as { kind?: string; message?: string; line?: number; column?: number };
  const code = e.kind === 'syntax' ? 'SyntaxError' : e.kind === 'argument' ? 'InvalidArgument' : 'SemanticError';
  const inner: Record<string, unknown> = {
    code: code === 'SyntaxError' ? 'SYN0002' : 'SEM0100',
    message: e.message ?? String(err),
  };
  if (e.line !== undefined) inner.line = e.line;
  if (e.column !== undefined) inner.pos = e.column;
  return {
    error: {
      message: 'The request had some invalid properties',
      code: 'BadArgumentError',
      innererror: {
        code,
        message: code === 'SyntaxError' ? 'A recognition error occurred in the query.' : 'A semantic error occurred.',
        innererror: inner,
      },
    },
  };
}

/** Wire form of a result table: datetimes as ISO text, timespans as d.hh:mm:ss.fffffff, dynamic as JSON text. */
function serializeTable(t: ResultTable): { name: string; columns: ResultTable['columns']; rows: unknown[][] } {
  const kinds = t.columns.map((c) => c.type);
  const rows = t.rows.map((row) =>
    row.map((cell, i) => {
      if (cell === null || cell === undefined) return null;
      if (cell instanceof Date) return cell.toISOString();
      if (kinds[i] === 'timespan' && typeof cell === 'number') return formatTimespan(cell);
      if (kinds[i] === 'dynamic') return JSON.stringify(cell);
      return cell;
    }),
  );
  return { name: t.name, columns: t.columns, rows };
}

/** An executor that answers with what the service received (query text and timespan), for wire tests. */
export const echoExecutor: Executor = ({ kql, timespan }) => ({
  tables: [
    {
      name: 'PrimaryResult',
      columns: [
        { name: 'Query', type: 'string' },
        { name: 'From', type: 'datetime' },
        { name: 'To', type: 'datetime' },
        { name: 'Span', type: 'timespan' },
      ],
      rows: [
        [
          kql,
          timespan?.from ?? null,
          timespan?.to ?? null,
          timespan ? timespan.to.getTime() - timespan.from.getTime() : null,
        ],
      ],
    },
  ],
  rowsExamined: 1,
});
