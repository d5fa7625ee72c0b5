import { RateLimiter, checkInputLength } from '../../src/bot/rateLimit';

function clock(start = 1_700_000_000_000) {
  let t = start;
  return { now: () => t, advance: (ms: number) => (t += ms) };
}

describe('RateLimiter', () => {
  it('allows 6 per user per minute, then says when to retry', () => {
    const c = clock();
    const rl = new RateLimiter({ now: c.now });
    for (let i = 0; i < 6; i++) expect(rl.take({ userId: 'u1', conversationId: 'c1' })).toEqual({ ok: true });
    const refused = rl.take({ userId: 'u1', conversationId: 'c1' });
    expect(refused).toMatchObject({ ok: false, scope: 'user', retryAfterSeconds: 10 });
    if (refused.ok) return;
    expect(refused.message).toContain("You've sent 6 commands in the last minute");
    expect(refused.message).toContain('Try again in 10 s');
    // Another user in the same conversation is unaffected.
    expect(rl.take({ userId: 'u2', conversationId: 'c1' }).ok).toBe(true);
    // One token refills every 10 s (6/min).
    c.advance(9_000);
    expect(rl.take({ userId: 'u1', conversationId: 'c1' })).toMatchObject({ ok: false, retryAfterSeconds: 1 });
    c.advance(1_000);
    expect(rl.take({ userId: 'u1', conversationId: 'c1' }).ok).toBe(true);
    expect(rl.take({ userId: 'u1', conversationId: 'c1' }).ok).toBe(false);
  });

  it('limits a conversation to 20 per minute across users, and refusals cost nothing', () => {
    const c = clock();
    const rl = new RateLimiter({ now: c.now });
    for (let i = 0; i < 20; i++) expect(rl.take({ userId: `u${i % 5}`, conversationId: 'busy' }).ok).toBe(true);
    const refused = rl.take({ userId: 'u-new', conversationId: 'busy' });
    expect(refused).toMatchObject({ ok: false, scope: 'conversation', retryAfterSeconds: 3 });
    if (!refused.ok) expect(refused.message).toContain('This conversation has run 20 commands in the last minute');
    // The refused user's own bucket was not charged: they still have all 6 elsewhere.
    for (let i = 0; i < 6; i++) expect(rl.take({ userId: 'u-new', conversationId: `quiet${i}` }).ok).toBe(true);
    c.advance(3_000);
    expect(rl.take({ userId: 'u-other', conversationId: 'busy' }).ok).toBe(true);
  });

  it('counts every thread of a channel against the channel', () => {
    const rl = new RateLimiter({ perConversationPerMinute: 2, now: clock().now });
    expect(rl.take({ userId: 'a', conversationId: '19:c@thread.tacv2;messageid=1' }).ok).toBe(true);
    expect(rl.take({ userId: 'b', conversationId: '19:c@thread.tacv2;messageid=2' }).ok).toBe(true);
    expect(rl.take({ userId: 'c', conversationId: '19:c@thread.tacv2' })).toMatchObject({
      ok: false,
      scope: 'conversation',
    });
  });

  it('honours custom limits and never refills beyond the burst', () => {
    const c = clock();
    const rl = new RateLimiter({ perUserPerMinute: 2, perConversationPerMinute: 100, now: c.now });
    c.advance(3_600_000);
    expect(rl.take({ userId: 'u', conversationId: 'c' }).ok).toBe(true);
    expect(rl.take({ userId: 'u', conversationId: 'c' }).ok).toBe(true);
    expect(rl.take({ userId: 'u', conversationId: 'c' })).toMatchObject({ ok: false, retryAfterSeconds: 30 });
    expect(() => new RateLimiter({ perUserPerMinute: 0 })).toThrow('perUserPerMinute must be a positive number');
  });

  it('keeps memory bounded: idle buckets are swept and the total is capped', () => {
    const c = clock();
    const rl = new RateLimiter({ maxBuckets: 100, now: c.now });
    for (let i = 0; i < 1000; i++) {
      rl.take({ userId: `user-${i}`, conversationId: `conv-${i}` });
      expect(rl.bucketCount).toBeLessThanOrEqual(100);
    }
    // After a minute every bucket has refilled, so the next sweep (at most 256 calls away) drops them.
    c.advance(60_000);
    for (let i = 0; i < 256; i++) rl.take({ userId: 'same', conversationId: 'same' });
    expect(rl.bucketCount).toBeLessThanOrEqual(2);
  });
});

describe('checkInputLength', () => {
  it('passes short text and explains long text', () => {
    expect(checkInputLength('triage last 15m')).toEqual({ ok: true, text: 'triage last 15m' });
    const long = checkInputLength('x'.repeat(501));
    expect(long).toMatchObject({ ok: false, length: 501, max: 500 });
    if (!long.ok)
      expect(long.message).toBe(
        'That message is 501 characters long; commands are at most 500. Try a short command such as "triage last 15m" or "why 401 on orders-api", or type "help" to see them all.',
      );
    // Counts characters, not UTF-16 units.
    expect(checkInputLength('🚨'.repeat(10), 10).ok).toBe(true);
    expect(checkInputLength('🚨'.repeat(11), 10)).toMatchObject({ ok: false, length: 11 });
  });

  it('does constant work on a huge message: it never walks (or copies) the whole string', () => {
    const huge = 'x'.repeat(10_000_000);
    const original = String.prototype[Symbol.iterator];
    let steps = 0;
    const counting = function* (this: string): Generator<string, undefined, undefined> {
      for (const c of original.call(this)) {
        steps++;
        yield c;
      }
      return undefined;
    };
    String.prototype[Symbol.iterator] = counting;
    let result: ReturnType<typeof checkInputLength>;
    try {
      result = checkInputLength(huge);
    } finally {
      String.prototype[Symbol.iterator] = original;
    }
    expect(steps).toBeLessThanOrEqual(1001);
    expect(result).toMatchObject({ ok: false, max: 500 });
    if (!result.ok)
      expect(result.message).toMatch(/^That message is more than 1000 characters long; commands are at most 500\./);
  });
});

describe('refusal notices', () => {
  it('the first refusal of a window notifies; the rest are silent until the limit lifts', () => {
    const c = clock();
    const rl = new RateLimiter({ perUserPerMinute: 6, now: c.now });
    for (let i = 0; i < 6; i++) rl.take({ userId: 'u', conversationId: 'c' });
    const first = rl.take({ userId: 'u', conversationId: 'c' });
    expect(first).toMatchObject({ ok: false, notify: true, retryAfterSeconds: 10 });
    c.advance(5_000);
    expect(rl.take({ userId: 'u', conversationId: 'c' })).toMatchObject({ ok: false, notify: false });
    // Another user is refused separately (here by nothing: they still have budget).
    expect(rl.take({ userId: 'v', conversationId: 'c' }).ok).toBe(true);
    c.advance(5_000); // one token back: the window is over
    expect(rl.take({ userId: 'u', conversationId: 'c' }).ok).toBe(true);
    expect(rl.take({ userId: 'u', conversationId: 'c' })).toMatchObject({ ok: false, notify: true });
  });

  it('a conversation-wide refusal is announced once per window too', () => {
    const c = clock();
    const rl = new RateLimiter({ perConversationPerMinute: 2, now: c.now });
    rl.take({ userId: 'a', conversationId: 'busy' });
    rl.take({ userId: 'b', conversationId: 'busy' });
    expect(rl.take({ userId: 'c', conversationId: 'busy' })).toMatchObject({ scope: 'conversation', notify: true });
    expect(rl.take({ userId: 'd', conversationId: 'busy' })).toMatchObject({ scope: 'conversation', notify: false });
  });

  it('keeps the notices it remembers bounded', () => {
    const c = clock();
    const rl = new RateLimiter({ perUserPerMinute: 1, maxBuckets: 50, now: c.now });
    for (let i = 0; i < 1000; i++) {
      rl.take({ userId: `u${i}`, conversationId: `c${i}` });
      rl.take({ userId: `u${i}`, conversationId: `c${i}` });
    }
    expect(rl.noticeCount).toBeLessThanOrEqual(50);
  });
});
