/**
 * withCache: "triage last 15m" typed twice within a minute, or a pinned card refreshed by several
 * people, is answered once. Key = workspace + kql + timespan rounded to the minute.
 */
import type { LogSource, QueryRequest, QueryResult } from '../source/logSource';

export interface CacheOptions {
  /** Time to live, ms (default 60,000). 0 disables caching. */
  ttlMs?: number;
  /** Most entries kept; the oldest is dropped first (default 200). */
  maxEntries?: number;
  now?: () => number;
}

const MINUTE = 60_000;

export function cacheKey(workspace: string, request: QueryRequest): string {
  const from = Math.floor(request.timespan.from.getTime() / MINUTE);
  const to = Math.floor(request.timespan.to.getTime() / MINUTE);
  return `${workspace}\n${from}-${to}\n${request.kql}`;
}

export function withCache(
  source: LogSource,
  opts: CacheOptions = {},
): LogSource & { clear(): void; readonly size: number } {
  const ttl = opts.ttlMs ?? 60_000;
  const max = opts.maxEntries ?? 200;
  const now = opts.now ?? Date.now;
  const entries = new Map<string, { at: number; result: QueryResult }>();
  return {
    info: source.info,
    get size() {
      return entries.size;
    },
    clear: () => entries.clear(),
    async query(request: QueryRequest): Promise<QueryResult> {
      const key = cacheKey(source.info.workspace, request);
      const hit = entries.get(key);
      if (hit && now() - hit.at < ttl) {
        return { ...hit.result, stats: { ...hit.result.stats, elapsedMs: 0, cached: true } };
      }
      if (hit) entries.delete(key);
      const result = await source.query(request);
      // Partial answers are not kept: the next command should get a chance at the full data.
      if (ttl > 0 && !result.partialError) {
        entries.set(key, { at: now(), result });
        if (entries.size > max) entries.delete(entries.keys().next().value as string);
      }
      return result;
    },
  };
}
