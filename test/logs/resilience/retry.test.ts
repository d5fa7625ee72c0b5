import { withRetry, isRetryableCode } from '../../../src/logs/resilience';
import { parseRetryAfter } from '../../../src/logs/logAnalytics/errorFacts';
import { ScriptedSource, err, rowsResult, window } from './scriptedSource';

function harness(random = () => 1) {
  const waits: number[] = [];
  let clock = 0;
  const opts = {
    random,
    now: () => clock,
    sleep: (ms: number) => {
      waits.push(ms);
      clock += ms;
      return Promise.resolve();
    },
  };
  return { waits, opts };
}

test('exponential backoff with full jitter: random x min(cap, base x 2^n)', async () => {
  const { waits, opts } = harness(() => 0.999);
  const src = new ScriptedSource().then(
    err('ServiceError'),
    err('ServiceError'),
    err('NetworkError'),
    rowsResult('ok'),
  );
  const r = await withRetry(src, { ...opts, baseDelayMs: 1000 }).query({ kql: 'q', timespan: window });
  expect(r.tables[0].rows).toEqual([['ok']]);
  expect(waits).toEqual([999, 1998, 3996]);
  expect(src.calls).toHaveLength(4);
});

test('the ceiling stops growing at maxDelayMs', async () => {
  const { waits, opts } = harness(() => 0.5);
  const src = new ScriptedSource().then(
    err('ServiceError'),
    err('ServiceError'),
    err('ServiceError'),
    rowsResult('ok'),
  );
  await withRetry(src, { ...opts, baseDelayMs: 4000, maxDelayMs: 5000 }).query({ kql: 'q', timespan: window });
  expect(waits).toEqual([2000, 2500, 2500]);
});

test('Retry-After wins over the computed backoff', async () => {
  const { waits, opts } = harness();
  const src = new ScriptedSource().then(err('Throttled', { retryAfterMs: 3000 }), rowsResult('ok'));
  await withRetry(src, opts).query({ kql: 'q', timespan: window });
  expect(waits).toEqual([3000]);
});

test('the total budget ends retrying even with retries left', async () => {
  const { waits, opts } = harness();
  const src = new ScriptedSource().then(...Array.from({ length: 5 }, () => err('Throttled', { retryAfterMs: 8000 })));
  await expect(
    withRetry(src, { ...opts, maxRetries: 10, maxTotalMs: 20_000 }).query({ kql: 'q', timespan: window }),
  ).rejects.toMatchObject({ code: 'Throttled' });
  expect(waits).toEqual([8000, 8000]); // a third 8 s wait would end at 24 s
  expect(src.calls).toHaveLength(3);
});

test('codes that are not transient are thrown at once', async () => {
  for (const code of ['InsufficientAccessError', 'SyntaxError', 'QueryTimeout', 'Aborted', 'QueueFull', 'NoData']) {
    const { waits, opts } = harness();
    const src = new ScriptedSource().then(err(code));
    await expect(withRetry(src, opts).query({ kql: 'q', timespan: window })).rejects.toMatchObject({ code });
    expect(waits).toEqual([]);
    expect(isRetryableCode(code)).toBe(false);
  }
});

test('an abort during the backoff stops the retries', async () => {
  const ac = new AbortController();
  const src = new ScriptedSource().then(err('ServiceError'), rowsResult('never'));
  const p = withRetry(src, { baseDelayMs: 60_000, random: () => 1 }).query({
    kql: 'q',
    timespan: window,
    signal: ac.signal,
  });
  await new Promise((r) => setImmediate(r));
  ac.abort();
  await expect(p).rejects.toMatchObject({ code: 'Aborted' });
  expect(src.calls).toHaveLength(1);
});

test('Retry-After parsing: seconds, fractional seconds, HTTP-date, past date, garbage', () => {
  const now = Date.parse('2026-11-23T10:00:00Z');
  expect(parseRetryAfter('12', now)).toBe(12_000);
  expect(parseRetryAfter('0.5', now)).toBe(500);
  expect(parseRetryAfter('Mon, 23 Nov 2026 10:00:30 GMT', now)).toBe(30_000);
  expect(parseRetryAfter('Mon, 23 Nov 2026 09:00:00 GMT', now)).toBe(0);
  expect(parseRetryAfter('soon', now)).toBeUndefined();
  expect(parseRetryAfter(undefined, now)).toBeUndefined();
});
