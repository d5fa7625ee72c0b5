/**
 * withRetry: retries throttling (429), server errors (5xx except timeouts) and dropped connections,
 * with exponential backoff and full jitter, honouring Retry-After, bounded by count and total time.
 */
import type { LogSource, QueryRequest, QueryResult } from '../source/logSource';
import { LogSourceError } from '../source/errors';
import { explainSourceError } from '../logAnalytics/explain';

export interface RetryOptions {
  /** Retries after the first attempt (default 3). */
  maxRetries?: number;
  /** Give up when the next wait would end past this many ms since the first attempt (default 20,000). */
  maxTotalMs?: number;
  /** First backoff ceiling, doubled per retry (default 500). */
  baseDelayMs?: number;
  /** Largest backoff ceiling (default 8,000). */
  maxDelayMs?: number;
  /** Injected for tests and the benchmark; defaults are Math.random, a timer and Date.now. */
  random?: () => number;
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  now?: () => number;
  /** Sees every wait chosen (for logs and tests). */
  onRetry?: (info: { attempt: number; delayMs: number; error: LogSourceError }) => void;
}

/** Codes worth another attempt; a timed-out query would only time out again within our budget. */
const RETRY_CODES = new Set(['Throttled', 'ServiceError', 'ServiceUnavailable', 'NetworkError']);

export function isRetryableCode(code: string): boolean {
  return RETRY_CODES.has(code);
}

function abortableSleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(abortedError());
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(abortedError());
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

export function abortedError(): LogSourceError {
  const e = new Error('The operation was aborted.');
  e.name = 'AbortError';
  return explainSourceError(e, { workspace: '', identity: '' });
}

export function withRetry(source: LogSource, options: RetryOptions = {}): LogSource {
  const maxRetries = options.maxRetries ?? 3;
  const maxTotalMs = options.maxTotalMs ?? 20_000;
  const base = options.baseDelayMs ?? 500;
  const cap = options.maxDelayMs ?? 8_000;
  const random = options.random ?? Math.random;
  const sleep = options.sleep ?? abortableSleep;
  const now = options.now ?? Date.now;
  return {
    info: source.info,
    async query(request: QueryRequest): Promise<QueryResult> {
      const start = now();
      for (let attempt = 0; ; attempt++) {
        try {
          return await source.query(request);
        } catch (err) {
          const e =
            err instanceof LogSourceError
              ? err
              : explainSourceError(err, { workspace: source.info.workspace, identity: 'the bot' });
          if (request.optional || !isRetryableCode(e.code) || attempt >= maxRetries || request.signal?.aborted) throw e;
          const backoff = Math.floor(random() * Math.min(cap, base * 2 ** attempt));
          const delayMs = e.retryAfterMs ?? backoff;
          if (now() - start + delayMs > maxTotalMs) throw e;
          options.onRetry?.({ attempt: attempt + 1, delayMs, error: e });
          await sleep(delayMs, request.signal);
        }
      }
    },
  };
}
