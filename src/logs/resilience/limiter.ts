/**
 * withConcurrencyLimit: Log Analytics runs at most 5 queries per caller at once and queues the rest
 * (then answers 429), so the bot keeps its own bounded FIFO queue per identity and says so when full.
 */
import type { LogSource, QueryRequest, QueryResult } from '../source/logSource';
import { LogSourceError } from '../source/errors';
import { abortedError } from './retry';

export interface LimiterOptions {
  maxInFlight?: number;
  queueLimit?: number;
  /** Names the identity in the QueueFull explanation. */
  label?: string;
}

interface Waiter {
  start: () => void;
}

export class ConcurrencyLimiter {
  readonly maxInFlight: number;
  readonly queueLimit: number;
  private readonly label: string;
  private active = 0;
  private readonly queue: Waiter[] = [];

  constructor(opts: LimiterOptions = {}) {
    this.maxInFlight = Math.max(1, opts.maxInFlight ?? 5);
    this.queueLimit = Math.max(0, opts.queueLimit ?? 50);
    this.label = opts.label ?? "the bot's identity";
  }

  get inFlight(): number {
    return this.active;
  }

  get queued(): number {
    return this.queue.length;
  }

  async run<T>(fn: () => Promise<T>, signal?: AbortSignal): Promise<T> {
    if (signal?.aborted) throw abortedError();
    if (this.active >= this.maxInFlight) await this.wait(signal);
    else this.active++;
    try {
      return await fn();
    } finally {
      this.releaseSlot();
    }
  }

  private wait(signal?: AbortSignal): Promise<void> {
    if (this.queue.length >= this.queueLimit) throw this.queueFull();
    return new Promise<void>((resolve, reject) => {
      const onAbort = () => {
        const i = this.queue.indexOf(waiter);
        if (i >= 0) this.queue.splice(i, 1);
        reject(abortedError());
      };
      const waiter: Waiter = {
        start: () => {
          signal?.removeEventListener('abort', onAbort);
          resolve();
        },
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      this.queue.push(waiter);
    });
  }

  /** Hands the slot straight to the oldest waiter so a newcomer cannot jump the queue. */
  private releaseSlot(): void {
    const next = this.queue.shift();
    if (next) next.start();
    else this.active--;
  }

  private queueFull(): LogSourceError {
    return new LogSourceError({
      code: 'QueueFull',
      retryable: true,
      title: 'The bot is too busy to run this now',
      what: `${this.maxInFlight} queries are already running against Log Analytics for ${this.label} and ${this.queueLimit} more are waiting.`,
      cause:
        'Log Analytics allows 5 concurrent queries per identity, so the bot queues the rest; the queue is full (many commands or pinned-card refreshes at once).',
      fix: [
        'Try again in a minute; identical commands in the meantime share one answer.',
        'If this happens often, raise QUERY_QUEUE_LIMIT or refresh pinned cards less often.',
      ],
    });
  }
}

const byName = new Map<string, ConcurrencyLimiter>();
const byObject = new WeakMap<object, ConcurrencyLimiter>();

/** One limiter per identity (a config string or a credential object), shared by every source using it. */
export function limiterForIdentity(key: string | object, opts: LimiterOptions = {}): ConcurrencyLimiter {
  const label = typeof key === 'string' ? key : opts.label;
  const found = typeof key === 'string' ? byName.get(key) : byObject.get(key);
  if (found) return found;
  const made = new ConcurrencyLimiter({ ...opts, ...(label ? { label } : {}) });
  if (typeof key === 'string') byName.set(key, made);
  else byObject.set(key, made);
  return made;
}

export function withConcurrencyLimit(
  source: LogSource,
  opts: LimiterOptions & { limiter?: ConcurrencyLimiter } = {},
): LogSource {
  const limiter = opts.limiter ?? new ConcurrencyLimiter(opts);
  return {
    info: source.info,
    query: (request: QueryRequest): Promise<QueryResult> => limiter.run(() => source.query(request), request.signal),
  };
}
