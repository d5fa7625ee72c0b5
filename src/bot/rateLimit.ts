/**
 * Per-user and per-conversation command limits (token buckets). During an outage people re-send when
 * an answer is slow; each command costs Log Analytics queries (5 concurrent per user, 200 per 30 s)
 * and Teams sends (~7/s per conversation). A friendly "try again in N s" beats a queue of duplicates.
 */

export interface RateLimitOptions {
  /** Commands one user may run per minute (burst = the same number). Default 6. */
  perUserPerMinute?: number;
  /** Commands one conversation (chat or channel) may run per minute. Default 20. */
  perConversationPerMinute?: number;
  /** Most buckets kept; idle (refilled) buckets go first, then the least recently used. Default 10,000. */
  maxBuckets?: number;
  /** Milliseconds clock; injectable for tests. */
  now?: () => number;
}

export type RateDecision =
  | { ok: true }
  | {
      ok: false;
      retryAfterSeconds: number;
      scope: 'user' | 'conversation';
      message: string;
      /**
       * True for the first refusal of a window only: the caller posts `message` once, then stays silent until
       * the limit lifts (posting a refusal per message is itself a flood, and Teams throttles the bot for it).
       */
      notify: boolean;
    };

interface Bucket {
  tokens: number;
  /** When `tokens` was last brought up to date. */
  at: number;
}

class Buckets {
  private readonly map = new Map<string, Bucket>();
  private readonly refillPerMs: number;

  constructor(readonly capacity: number) {
    this.refillPerMs = capacity / 60_000;
  }

  /** Tokens available now, without touching LRU order or storing anything for unknown keys. */
  peek(key: string, now: number): number {
    const b = this.map.get(key);
    if (!b) return this.capacity;
    return Math.min(this.capacity, b.tokens + Math.max(0, now - b.at) * this.refillPerMs);
  }

  take(key: string, now: number): void {
    const tokens = this.peek(key, now) - 1;
    // Re-insert so Map order is least-recently-used first.
    this.map.delete(key);
    this.map.set(key, { tokens, at: now });
  }

  msUntilOneToken(key: string, now: number): number {
    const missing = 1 - this.peek(key, now);
    return missing <= 0 ? 0 : missing / this.refillPerMs;
  }

  get size(): number {
    return this.map.size;
  }

  /** A full bucket is the same as no bucket: drop it. */
  sweep(now: number): void {
    for (const key of this.map.keys()) if (this.peek(key, now) >= this.capacity) this.map.delete(key);
  }

  /** Under memory pressure, forget the least recently used (their debt is forgiven). */
  trimTo(max: number): void {
    for (const key of this.map.keys()) {
      if (this.map.size <= max) break;
      this.map.delete(key);
    }
  }
}

export class RateLimiter {
  private readonly users: Buckets;
  private readonly conversations: Buckets;
  private readonly maxBuckets: number;
  private readonly now: () => number;
  private calls = 0;
  /** Scope + key -> when its standing refusal lifts; while it stands, further refusals are silent. */
  private readonly notices = new Map<string, number>();

  constructor(options: RateLimitOptions = {}) {
    const perUser = positive(options.perUserPerMinute ?? 6, 'perUserPerMinute');
    const perConversation = positive(options.perConversationPerMinute ?? 20, 'perConversationPerMinute');
    this.users = new Buckets(perUser);
    this.conversations = new Buckets(perConversation);
    this.maxBuckets = positive(options.maxBuckets ?? 10_000, 'maxBuckets');
    this.now = options.now ?? Date.now;
  }

  /**
   * Spends one command from both the user's and the conversation's bucket, or neither: a refused
   * command costs nothing, so waiting the advised time is always enough.
   */
  take(who: { userId?: string; conversationId?: string }): RateDecision {
    const now = this.now();
    this.housekeeping(now);
    const userKey = who.userId ?? 'unknown-user';
    // A channel thread id ends in ";messageid=<root>": every thread of a channel shares one bucket.
    const convKey = (who.conversationId ?? 'unknown-conversation').split(';messageid=')[0];

    if (this.users.peek(userKey, now) < 1) {
      const waitMs = this.users.msUntilOneToken(userKey, now);
      const retryAfterSeconds = Math.max(1, Math.ceil(waitMs / 1000));
      return {
        ok: false,
        scope: 'user',
        retryAfterSeconds,
        notify: this.firstNotice(`user\u0000${userKey}`, now, waitMs),
        message:
          `You've sent ${this.users.capacity} commands in the last minute, which is my limit per person ` +
          `(it keeps the log queries fast for everyone). Try again in ${retryAfterSeconds} s; ` +
          'your earlier answers will still arrive.',
      };
    }
    if (this.conversations.peek(convKey, now) < 1) {
      const waitMs = this.conversations.msUntilOneToken(convKey, now);
      const retryAfterSeconds = Math.max(1, Math.ceil(waitMs / 1000));
      return {
        ok: false,
        scope: 'conversation',
        retryAfterSeconds,
        notify: this.firstNotice(`conversation\u0000${convKey}`, now, waitMs),
        message:
          `This conversation has run ${this.conversations.capacity} commands in the last minute, which is my limit ` +
          `per chat or channel (it keeps the thread readable and within Teams' limits). Try again in ${retryAfterSeconds} s.`,
      };
    }
    this.users.take(userKey, now);
    this.conversations.take(convKey, now);
    return { ok: true };
  }

  /** Buckets currently held (for tests and the load script's memory figures). */
  get bucketCount(): number {
    return this.users.size + this.conversations.size;
  }

  /** True when no notice for `key` is still standing; records this one until the limit lifts. */
  private firstNotice(key: string, now: number, waitMs: number): boolean {
    const until = this.notices.get(key);
    if (until !== undefined && until > now) return false;
    this.notices.delete(key);
    this.notices.set(key, now + waitMs);
    return true;
  }

  /** Refusal windows remembered (tests: bounded like the buckets). */
  get noticeCount(): number {
    return this.notices.size;
  }

  private housekeeping(now: number): void {
    // Sweeping costs O(buckets); doing it every 256 calls or when over budget keeps take() O(1) amortised.
    this.calls = (this.calls + 1) % 256;
    const over = this.users.size + this.conversations.size >= this.maxBuckets;
    if (this.calls === 0 || over) {
      this.users.sweep(now);
      this.conversations.sweep(now);
      for (const [key, until] of this.notices) if (until <= now) this.notices.delete(key);
    }
    // Oldest notices first (insertion order); forgetting one at worst repeats a notice.
    for (const key of this.notices.keys()) {
      if (this.notices.size < this.maxBuckets) break;
      this.notices.delete(key);
    }
    if (this.users.size + this.conversations.size >= this.maxBuckets) {
      const half = Math.max(1, Math.floor(this.maxBuckets / 2) - 1);
      this.users.trimTo(half);
      this.conversations.trimTo(half);
    }
  }
}

function positive(n: number, name: string): number {
  if (!Number.isFinite(n) || n <= 0) throw new RangeError(`${name} must be a positive number, got ${n}`);
  return n;
}

export type InputCheck =
  | { ok: true; text: string }
  | {
      ok: false;
      /** Characters counted, up to `max * 2 + 1`: past that the exact figure does not matter and costs a pass. */
      length: number;
      max: number;
      message: string;
    };

/**
 * Commands are short; a long paste is a mistake (or an attempt to make the bot echo a lot). Default 500.
 * Constant work whatever the input's size: UTF-16 units never undercount characters, so a short string
 * passes on its `.length`, and a long one is counted only as far as needed to say how long it is.
 */
export function checkInputLength(text: string, max = 500): InputCheck {
  if (text.length <= max) return { ok: true, text };
  const cap = max * 2;
  let length = 0;
  for (const _ of text) if (++length > cap) break;
  if (length <= max) return { ok: true, text };
  const shown = length > cap ? `more than ${cap}` : String(length);
  return {
    ok: false,
    length,
    max,
    message:
      `That message is ${shown} characters long; commands are at most ${max}. ` +
      'Try a short command such as "triage last 15m" or "why 401 on orders-api", or type "help" to see them all.',
  };
}
