/**
 * How far behind the gateway logs are. Gateway logs land 3-10 minutes after the request, so the newest
 * minutes of "last 15m" may be missing; every answer says how complete the data is.
 * The figure changes slowly, so it is cached per workspace rather than costing every command a round trip.
 */
import type { Freshness } from '../answer';
import type { LogSource } from '../logs/source/logSource';
import type { Cell } from '../kql/types';
import { SharedWork } from '../sharedWork';

/** Physical table names per schema: ingestion_time() must be read on the table itself, not through the view. */
function freshnessKql(table: string): string {
  const filter = table === 'AzureDiagnostics' ? '| where Category == "GatewayLogs"\n' : '';
  return (
    `${table}\n${filter}| where TimeGenerated > ago(1h)\n` +
    '| extend Lag = ingestion_time() - TimeGenerated\n' +
    '| summarize CompleteTo = max(TimeGenerated), LagP50 = percentile(Lag, 50)'
  );
}

/**
 * "Complete to" is the earlier of the newest row seen and now minus the typical (median) ingestion delay:
 * past that point about half the rows have not landed yet, even where a few fast ones already show.
 */
function readFreshness(rows: Cell[][], columns: string[], now: Date): Freshness | undefined {
  const row = rows[0];
  if (!row) return undefined;
  const newest = row[columns.indexOf('CompleteTo')];
  const lag = row[columns.indexOf('LagP50')];
  if (!(newest instanceof Date)) return undefined;
  // Timespan cells are milliseconds (src/kql/types.ts); loaded files have no ingestion time, so no lag.
  const lagMs = typeof lag === 'number' && Number.isFinite(lag) ? Math.max(0, lag) : 0;
  const completeTo = new Date(Math.min(newest.getTime(), now.getTime() - lagMs));
  return { completeTo: completeTo.toISOString(), lagMinutes: Math.round(lagMs / 60000) };
}

export class FreshnessCache {
  private readonly entries = new Map<string, { at: number; work: SharedWork<Freshness | undefined> }>();

  constructor(private readonly ttlMs = 60_000) {}

  /**
   * Shared by the commands asking at once, and cancelled when all of them are. Freshness is a courtesy:
   * a failure here resolves to undefined and must never cost the user the answer itself.
   */
  get(source: LogSource, table: string, now: Date, signal?: AbortSignal): Promise<Freshness | undefined> {
    const key = `${source.info.workspace}|${table}`;
    const hit = this.entries.get(key);
    if (hit && !hit.work.abandoned && Date.now() - hit.at < this.ttlMs)
      return hit.work.join(signal).catch(() => undefined);
    const work = new SharedWork((s) =>
      source
        .query({
          kql: freshnessKql(table),
          timespan: { from: new Date(now.getTime() - 3_600_000), to: now },
          signal: s,
          optional: true,
        })
        .then((r) => {
          const t = r.tables[0];
          return t
            ? readFreshness(
                t.rows,
                t.columns.map((c) => c.name),
                now,
              )
            : undefined;
        })
        // A failure is remembered for the TTL like an answer (asking again at once would only add load);
        // a cancelled query is not: the entry is abandoned and the next command asks afresh.
        .catch(() => undefined),
    );
    this.entries.set(key, { at: Date.now(), work });
    return work.join(signal).catch(() => undefined);
  }
}
