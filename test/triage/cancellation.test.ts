/**
 * A cancelled command stops all of its queries: the schema probe and the freshness query take the command's
 * signal too, so nothing keeps running (or holding a query slot) after the user was told it was cancelled.
 * Probes and freshness queries shared by several commands (the same window) stop only when every one of them
 * is cancelled.
 */
import type { LogSource, QueryRequest, QueryResult } from '../../src/logs/source/logSource';
import { TriageService } from '../../src/triage';

const NOW = new Date('2026-11-23T14:30:00Z');

interface Seen {
  kind: 'probe' | 'freshness' | 'recipe';
  signal?: AbortSignal;
}

/** A workspace that answers the probe at once (when asked to) and otherwise never answers until cancelled. */
function hangingSource(opts: { answerProbe: boolean }): LogSource & { seen: Seen[] } {
  const seen: Seen[] = [];
  return {
    seen,
    info: { kind: 'log-analytics', workspace: 'ws-1' },
    query(req: QueryRequest): Promise<QueryResult> {
      const kind = req.kql.includes('project Schema')
        ? 'probe'
        : req.kql.includes('ingestion_time()')
          ? 'freshness'
          : 'recipe';
      seen.push({ kind, signal: req.signal });
      if (kind === 'probe' && opts.answerProbe) {
        return Promise.resolve({
          tables: [
            { name: 'PrimaryResult', columns: [{ name: 'Schema', type: 'string' }], rows: [['resource-specific']] },
          ],
          stats: { elapsedMs: 1 },
        });
      }
      return new Promise((_resolve, reject) => {
        const fail = () => reject(Object.assign(new Error('aborted'), { name: 'AbortError' }));
        if (req.signal?.aborted) fail();
        req.signal?.addEventListener('abort', fail, { once: true });
      });
    },
  };
}

function command(triage: TriageService, text = 'triage last 15m') {
  const parsed = triage.parse(text);
  if (!parsed.ok) throw new Error(parsed.error);
  return parsed.command;
}

const settle = () => new Promise((resolve) => setImmediate(resolve));

test('cancelling a command cancels its recipe query, its changes query and its freshness query', async () => {
  const source = hangingSource({ answerProbe: true });
  const triage = new TriageService({ source, now: () => NOW });
  const ac = new AbortController();
  const answer = triage.run(command(triage), { signal: ac.signal });
  while (source.seen.length < 4) await settle();
  ac.abort();
  await answer;
  // Triage runs its recipe and the changes recipe (the Activity log) side by side.
  expect(source.seen.map((s) => s.kind).sort()).toEqual(['freshness', 'probe', 'recipe', 'recipe']);
  for (const s of source.seen.filter((q) => q.kind !== 'probe')) expect(s.signal?.aborted).toBe(true);
});

test('cancelling a command cancels the schema probe it was waiting on', async () => {
  const source = hangingSource({ answerProbe: false });
  const triage = new TriageService({ source, now: () => NOW });
  const ac = new AbortController();
  const answer = triage.run(command(triage), { signal: ac.signal });
  while (source.seen.length < 1) await settle();
  ac.abort();
  await answer;
  expect(source.seen.map((q) => q.kind)).toEqual(['probe']);
  expect(source.seen[0].signal?.aborted).toBe(true);
});

test('a probe shared by two commands runs on while one of them still waits', async () => {
  const source = hangingSource({ answerProbe: false });
  const triage = new TriageService({ source, now: () => NOW });
  const [a, b] = [new AbortController(), new AbortController()];
  const first = triage.run(command(triage), { signal: a.signal });
  const second = triage.run(command(triage), { signal: b.signal });
  while (source.seen.length < 1) await settle();
  await settle();
  expect(source.seen).toHaveLength(1); // one probe, shared
  a.abort();
  await first;
  expect(source.seen[0].signal?.aborted).toBe(false);
  b.abort();
  await second;
  expect(source.seen[0].signal?.aborted).toBe(true);
  // Nothing is remembered from a cancelled probe: the next command probes afresh.
  const c = new AbortController();
  const third = triage.run(command(triage), { signal: c.signal });
  while (source.seen.length < 2) await settle();
  expect(source.seen[1]).toMatchObject({ kind: 'probe' });
  expect(source.seen[1].signal?.aborted).toBe(false);
  c.abort();
  await third;
});
