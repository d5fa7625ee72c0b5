import type { LogSource, QueryRequest, QueryResult } from '../../../src/logs/source/logSource';
import { LogSourceError } from '../../../src/logs/source/errors';

type Step = QueryResult | LogSourceError | ((req: QueryRequest) => Promise<QueryResult>);

/** A real in-memory LogSource that answers from a script and records what it was asked. */
export class ScriptedSource implements LogSource {
  readonly info = { kind: 'embedded' as const, workspace: 'scripted' };
  readonly calls: QueryRequest[] = [];
  private readonly steps: Step[] = [];

  constructor(private readonly fallback: (req: QueryRequest) => QueryResult = (req) => rowsResult(req.kql)) {}

  then(...steps: Step[]): this {
    this.steps.push(...steps);
    return this;
  }

  async query(request: QueryRequest): Promise<QueryResult> {
    this.calls.push(request);
    const step = this.steps.shift();
    if (step === undefined) return this.fallback(request);
    if (step instanceof LogSourceError) throw step;
    if (typeof step === 'function') return step(request);
    return step;
  }
}

export function rowsResult(value: string): QueryResult {
  return {
    tables: [{ name: 'PrimaryResult', columns: [{ name: 'v', type: 'string' }], rows: [[value]] }],
    stats: { elapsedMs: 1 },
  };
}

export function err(code: string, extra: { retryAfterMs?: number; retryable?: boolean } = {}): LogSourceError {
  return new LogSourceError({
    code,
    retryable: extra.retryable ?? true,
    title: code,
    what: code,
    cause: code,
    fix: [],
    ...(extra.retryAfterMs !== undefined ? { retryAfterMs: extra.retryAfterMs } : {}),
  });
}

export const window = { from: new Date('2026-11-23T10:00:00Z'), to: new Date('2026-11-23T10:15:00Z') };

/** A promise whose resolution the test controls (for holding an upstream call open). */
export function deferred<T>(): { promise: Promise<T>; resolve: (v: T) => void; reject: (e: unknown) => void } {
  let resolve!: (v: T) => void;
  let reject!: (e: unknown) => void;
  const promise = new Promise<T>((a, b) => {
    resolve = a;
    reject = b;
  });
  return { promise, resolve, reject };
}
