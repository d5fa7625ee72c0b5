import { withCache, withSingleFlight, cacheKey } from '../../../src/logs/resilience';
import type { QueryResult } from '../../../src/logs/source/logSource';
import { ScriptedSource, deferred, rowsResult, window, err } from './scriptedSource';

test('identical {kql, timespan} in flight share one upstream call; different ones do not', async () => {
  const gate = deferred<QueryResult>();
  const src = new ScriptedSource().then(() => gate.promise);
  const sf = withSingleFlight(src);
  const same = Array.from({ length: 10 }, () => sf.query({ kql: 'q', timespan: window }));
  const other = sf.query({ kql: 'q', timespan: { from: window.from, to: new Date(window.to.getTime() + 1) } });
  expect(src.calls).toHaveLength(2);
  expect(sf.inFlight).toBe(2);
  gate.resolve(rowsResult('shared'));
  const results = await Promise.all(same);
  await other;
  expect(results.every((r) => r.tables[0].rows[0][0] === 'shared')).toBe(true);
  // each caller has its own stats object
  results[0].stats.cached = true;
  expect(results[1].stats.cached).toBeUndefined();
  expect(sf.inFlight).toBe(0);
  await sf.query({ kql: 'q', timespan: window });
  expect(src.calls).toHaveLength(3);
});

test('an upstream failure reaches every waiter', async () => {
  const gate = deferred<QueryResult>();
  const src = new ScriptedSource().then(() => gate.promise);
  const sf = withSingleFlight(src);
  const all = [sf.query({ kql: 'q', timespan: window }), sf.query({ kql: 'q', timespan: window })];
  gate.reject(err('ServiceError'));
  for (const p of all) await expect(p).rejects.toMatchObject({ code: 'ServiceError' });
});

test('one waiter giving up does not cancel the others; the last one cancels upstream', async () => {
  let upstream: AbortSignal | undefined;
  const gate = deferred<QueryResult>();
  const src = new ScriptedSource().then((req) => {
    upstream = req.signal;
    return gate.promise;
  });
  const sf = withSingleFlight(src);
  const a = new AbortController();
  const b = new AbortController();
  const pa = sf.query({ kql: 'q', timespan: window, signal: a.signal });
  const pb = sf.query({ kql: 'q', timespan: window, signal: b.signal });
  a.abort();
  await expect(pa).rejects.toMatchObject({ code: 'Aborted' });
  expect(upstream!.aborted).toBe(false);
  b.abort();
  await expect(pb).rejects.toMatchObject({ code: 'Aborted' });
  expect(upstream!.aborted).toBe(true);
  gate.resolve(rowsResult('late'));
});

describe('cache', () => {
  test('hit within TTL, marked cached; miss after TTL', async () => {
    let clock = 0;
    const src = new ScriptedSource();
    const cached = withCache(src, { ttlMs: 60_000, now: () => clock });
    await cached.query({ kql: 'q', timespan: window });
    clock = 59_999;
    const hit = await cached.query({ kql: 'q', timespan: window });
    expect(hit.stats).toEqual({ elapsedMs: 0, cached: true });
    expect(src.calls).toHaveLength(1);
    clock = 60_000;
    const miss = await cached.query({ kql: 'q', timespan: window });
    expect(miss.stats.cached).toBeUndefined();
    expect(src.calls).toHaveLength(2);
  });

  test('the key rounds the timespan to the minute and includes the workspace and KQL', () => {
    const a = cacheKey('ws', {
      kql: 'q',
      timespan: { from: new Date('2026-11-23T10:00:05Z'), to: new Date('2026-11-23T10:15:59Z') },
    });
    const b = cacheKey('ws', {
      kql: 'q',
      timespan: { from: new Date('2026-11-23T10:00:59Z'), to: new Date('2026-11-23T10:15:00Z') },
    });
    expect(a).toBe(b);
    expect(cacheKey('ws2', { kql: 'q', timespan: window })).not.toBe(cacheKey('ws', { kql: 'q', timespan: window }));
    expect(cacheKey('ws', { kql: 'q2', timespan: window })).not.toBe(cacheKey('ws', { kql: 'q', timespan: window }));
  });

  test('partial answers and errors are not cached; size is bounded', async () => {
    const partial = { ...rowsResult('p'), partialError: { code: 'PartialError', message: 'some shards failed' } };
    const src = new ScriptedSource().then(partial, err('ServiceError'));
    const cached = withCache(src, { maxEntries: 2 });
    await cached.query({ kql: 'q', timespan: window });
    await expect(cached.query({ kql: 'q', timespan: window })).rejects.toMatchObject({ code: 'ServiceError' });
    await cached.query({ kql: 'q', timespan: window });
    expect(src.calls).toHaveLength(3);
    await cached.query({ kql: 'r', timespan: window });
    await cached.query({ kql: 's', timespan: window });
    expect(cached.size).toBe(2);
    await cached.query({ kql: 'q', timespan: window }); // evicted, asked again
    expect(src.calls).toHaveLength(6);
  });
});
