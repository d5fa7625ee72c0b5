/**
 * LogSource that runs the embedded engine on worker threads, so a heavy query (a sort or distinct count
 * over a million rows) never holds up the thread that serves HTTP. The workspace is shared, not copied:
 * its typed columns move into SharedArrayBuffers (see kql/image.ts) that every worker reads.
 *
 * One query per worker at a time; further queries wait in FIFO order. Cancelling a waiting query drops it;
 * cancelling a running one terminates its worker (the engine cannot be interrupted) and a fresh worker
 * takes its place when next needed.
 */
import { availableParallelism } from 'node:os';
import { extname, join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { KqlError, type KqlErrorKind, type Workspace } from '../../kql';
import type { KqlErrorDetails } from '../../kql/errors';
import { shareWorkspace, type WorkspaceImage } from '../../kql/image';
import type { ResultTable } from '../../kql/types';
import type { LogSource, QueryRequest, QueryResult } from '../source/logSource';
import { abortedError } from '../resilience/retry';
import { explainEngineError, type EmbeddedSourceOptions } from './embeddedSource';

export interface WorkerRequest {
  id: number;
  kql: string;
  nowMs: number;
}

export type WorkerReply =
  | { id: number; ok: true; tables: ResultTable[]; rowsExamined: number; elapsedMs: number }
  | { id: number; ok: false; kql: { kind: KqlErrorKind; message: string; details: KqlErrorDetails } }
  | { id: number; ok: false; message: string };

export interface PoolOptions extends EmbeddedSourceOptions {
  /** Worker threads (default: one per spare core, 1 to 4). */
  workers?: number;
  /** Extra Node options for the workers (tests use it to load TypeScript sources). */
  execArgv?: string[];
}

interface Job {
  id: number;
  kql: string;
  nowMs: number;
  started: number;
  resolve: (r: QueryResult) => void;
  reject: (e: unknown) => void;
  signal?: AbortSignal;
  onAbort?: () => void;
}

interface Slot {
  worker: Worker | null;
  job: Job | null;
}

const WORKER_FILE = join(__dirname, `engineWorker${extname(__filename)}`);

/**
 * Workers for the server: one per spare core, 1 to 4. 0 (in-process) when this module runs from its
 * TypeScript source (jest) rather than the build: plain Node cannot start engineWorker.ts by itself.
 */
export function defaultWorkerCount(): number {
  return WORKER_FILE.endsWith('.js') ? Math.max(1, Math.min(4, availableParallelism() - 1)) : 0;
}

export class PooledEmbeddedSource implements LogSource {
  readonly info: { kind: 'embedded'; workspace: string };
  private readonly now: () => Date;
  private readonly image: WorkspaceImage;
  private readonly slots: Slot[];
  private readonly queue: Job[] = [];
  private readonly execArgv: string[] | undefined;
  private nextId = 1;
  private closed = false;
  private readonly tableNames: string[];

  constructor(workspace: Workspace, opts: PoolOptions = {}) {
    this.info = { kind: 'embedded', workspace: opts.name ?? 'demo' };
    this.now = opts.now ?? (() => new Date());
    this.image = shareWorkspace(workspace);
    this.tableNames = workspace.tableNames();
    this.execArgv = opts.execArgv;
    const n = Math.max(1, Math.floor(opts.workers ?? defaultWorkerCount()));
    // started up front so the parser's one-time load happens before the first user asks
    this.slots = Array.from({ length: n }, () => ({ worker: this.spawn(), job: null }));
  }

  query(request: QueryRequest): Promise<QueryResult> {
    if (request.signal?.aborted) return Promise.reject(abortedError());
    if (this.closed)
      return Promise.reject(explainEngineError(new Error('The engine pool is closed.'), this.info.workspace));
    return new Promise<QueryResult>((resolve, reject) => {
      const job: Job = {
        id: this.nextId++,
        kql: request.kql,
        nowMs: this.now().getTime(),
        started: performance.now(),
        resolve,
        reject,
        signal: request.signal,
      };
      if (job.signal) {
        job.onAbort = () => this.abort(job);
        job.signal.addEventListener('abort', job.onAbort, { once: true });
      }
      this.queue.push(job);
      this.pump();
    });
  }

  /** Stop every worker; queries still waiting or running fail. */
  async close(): Promise<void> {
    this.closed = true;
    for (const job of this.queue.splice(0)) this.finish(job, null, abortedError());
    await Promise.all(
      this.slots.map(async (s) => {
        if (s.job) this.finish(s.job, null, abortedError());
        s.job = null;
        const w = s.worker;
        s.worker = null;
        if (w) await w.terminate();
      }),
    );
  }

  private spawn(): Worker {
    const w = new Worker(WORKER_FILE, { workerData: { image: this.image }, execArgv: this.execArgv });
    w.on('message', (reply: WorkerReply) => this.onReply(w, reply));
    w.on('error', (err) => this.onFailure(w, err));
    w.on('exit', (code) => this.onFailure(w, new Error(`The engine worker stopped (exit code ${code}).`)));
    w.unref(); // idle workers never keep the process alive; a running query refs its worker
    return w;
  }

  private pump(): void {
    for (const slot of this.slots) {
      if (this.queue.length === 0) return;
      if (slot.job) continue;
      const job = this.queue.shift() as Job;
      slot.worker ??= this.spawn();
      slot.job = job;
      slot.worker.ref();
      const req: WorkerRequest = { id: job.id, kql: job.kql, nowMs: job.nowMs };
      slot.worker.postMessage(req);
    }
  }

  private slotOf(w: Worker): Slot | undefined {
    return this.slots.find((s) => s.worker === w);
  }

  private onReply(w: Worker, reply: WorkerReply): void {
    const slot = this.slotOf(w);
    const job = slot?.job;
    if (!slot || !job || job.id !== reply.id) return;
    slot.job = null;
    w.unref();
    if (reply.ok) {
      this.finish(job, {
        tables: reply.tables,
        stats: { elapsedMs: performance.now() - job.started, rowsExamined: reply.rowsExamined },
      });
    } else {
      const err =
        'kql' in reply ? new KqlError(reply.kql.kind, reply.kql.message, reply.kql.details) : new Error(reply.message);
      this.finish(job, null, explainEngineError(err, this.info.workspace, { kql: job.kql, tables: this.tableNames }));
    }
    this.pump();
  }

  /** A worker died (crash, out of memory, or terminated): fail its query, replace it on next use. */
  private onFailure(w: Worker, err: Error): void {
    const slot = this.slotOf(w);
    if (!slot) return;
    slot.worker = null;
    const job = slot.job;
    slot.job = null;
    if (job)
      this.finish(job, null, explainEngineError(err, this.info.workspace, { kql: job.kql, tables: this.tableNames }));
    if (!this.closed) this.pump();
  }

  private abort(job: Job): void {
    const waiting = this.queue.indexOf(job);
    if (waiting >= 0) this.queue.splice(waiting, 1);
    const slot = this.slots.find((s) => s.job === job);
    if (slot) {
      const w = slot.worker;
      slot.worker = null;
      slot.job = null;
      void w?.terminate();
    }
    this.finish(job, null, abortedError());
    this.pump();
  }

  private finish(job: Job, result: QueryResult | null, err?: unknown): void {
    if (job.onAbort) job.signal?.removeEventListener('abort', job.onAbort);
    if (result) job.resolve(result);
    else job.reject(err);
  }
}
