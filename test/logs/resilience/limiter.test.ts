import { ConcurrencyLimiter, limiterForIdentity, withConcurrencyLimit } from '../../../src/logs/resilience';
import type { QueryResult } from '../../../src/logs/source/logSource';
import { LogSourceError } from '../../../src/logs/source/errors';
import { ScriptedSource, deferred, rowsResult, window } from './scriptedSource';

function gated() {
  const gates: ReturnType<typeof deferred<QueryResult>>[] = [];
  let active = 0;
  let max = 0;
  const src = new ScriptedSource((req) => {
    throw new Error(`unexpected ${req.kql}`);
  });
  src.query = async (req) => {
    src.calls.push(req);
    active++;
    max = Math.max(max, active);
    const g = deferred<QueryResult>();
    gates.push(g);
    try {
      return await g.promise;
    } finally {
      active--;
    }
  };
  return { src, gates, stats: () => ({ active, max }) };
}

const tick = () => new Promise((r) => setImmediate(r));

test('runs at most maxInFlight at once and starts the waiters in FIFO order', async () => {
  const { src, gates, stats } = gated();
  const limited = withConcurrencyLimit(src, { maxInFlight: 2, queueLimit: 10 });
  const all = ['a', 'b', 'c', 'd', 'e'].map((k) => limited.query({ kql: k, timespan: window }));
  await tick();
  expect(src.calls.map((c) => c.kql)).toEqual(['a', 'b']);
  gates[1].resolve(rowsResult('b'));
  await tick();
  expect(src.calls.map((c) => c.kql)).toEqual(['a', 'b', 'c']);
  gates[0].resolve(rowsResult('a'));
  await tick();
  expect(src.calls.map((c) => c.kql)).toEqual(['a', 'b', 'c', 'd']);
  for (let i = 2; i < 5; i++) {
    await tick();
    gates[i]?.resolve(rowsResult(String(i)));
  }
  await tick();
  gates[4].resolve(rowsResult('e'));
  await Promise.all(all);
  expect(stats().max).toBe(2);
});

test('a failing query frees its slot', async () => {
  const src = new ScriptedSource().then(
    new LogSourceError({ code: 'ServiceError', retryable: true, title: 't', what: 'w', cause: 'c', fix: [] }),
  );
  const limited = withConcurrencyLimit(src, { maxInFlight: 1 });
  await expect(limited.query({ kql: 'x', timespan: window })).rejects.toMatchObject({ code: 'ServiceError' });
  await expect(limited.query({ kql: 'y', timespan: window })).resolves.toMatchObject({ tables: [{ rows: [['y']] }] });
});

test('QueueFull when the queue is at its limit, explained with the numbers', async () => {
  const { src, gates } = gated();
  const limited = withConcurrencyLimit(src, { maxInFlight: 1, queueLimit: 1, label: 'managed identity bot-mi' });
  const a = limited.query({ kql: 'a', timespan: window });
  const b = limited.query({ kql: 'b', timespan: window });
  const c = await limited.query({ kql: 'c', timespan: window }).catch((e: LogSourceError) => e);
  expect(c).toMatchObject({
    code: 'QueueFull',
    retryable: true,
    what: '1 queries are already running against Log Analytics for managed identity bot-mi and 1 more are waiting.',
  });
  await tick();
  gates[0].resolve(rowsResult('a'));
  await tick();
  gates[1].resolve(rowsResult('b'));
  await Promise.all([a, b]);
});

test('a waiter that is aborted leaves the queue and the next one gets the slot', async () => {
  const { src, gates } = gated();
  const limited = withConcurrencyLimit(src, { maxInFlight: 1 });
  const ac = new AbortController();
  const a = limited.query({ kql: 'a', timespan: window });
  const b = limited.query({ kql: 'b', timespan: window, signal: ac.signal });
  const c = limited.query({ kql: 'c', timespan: window });
  ac.abort();
  await expect(b).rejects.toMatchObject({ code: 'Aborted' });
  await tick();
  gates[0].resolve(rowsResult('a'));
  await tick();
  expect(src.calls.map((x) => x.kql)).toEqual(['a', 'c']);
  gates[1].resolve(rowsResult('c'));
  await Promise.all([a, c]);
});

test('one limiter per identity is shared, different identities are independent', () => {
  const a = limiterForIdentity('managed identity x', { maxInFlight: 3 });
  expect(limiterForIdentity('managed identity x')).toBe(a);
  expect(limiterForIdentity('managed identity y')).not.toBe(a);
  const cred = {};
  expect(limiterForIdentity(cred)).toBe(limiterForIdentity(cred));
  expect(new ConcurrencyLimiter().maxInFlight).toBe(5);
  expect(new ConcurrencyLimiter().queueLimit).toBe(50);
});
