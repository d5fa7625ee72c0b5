/**
 * How far behind the gateway logs are. Gateway logs land 3-10 minutes after the request, so the newest
 * minutes of "last 15m" may be missing; every answer says how complete the data is.
 * The figure changes slowly, so it is cached per workspace rather than costing every command a round trip.
 */
import type { Freshness } from '../answer';
import type { LogSource } from '../logs/source/logSource';
import type { Cell } from '../kql/types';

/** Physical table names per schema: ingestion_time() must be read on the table itself, not through the view. */
export function freshnessKql(table: string): string {
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
export function readFreshness(rows: Cell[][], columns: string[], now: Date): Freshness | undefined {
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
  private readonly entries = new Map<string, { at: number; value: Promise<Freshness | undefined> }>();

  constructor(private readonly ttlMs = 60_000) {}

  get(source: LogSource, table: string, now: Date): Promise<Freshness | undefined> {
    const key = `${source.info.workspace}|${table}`;
    const hit = this.entries.get(key);
    if (hit && Date.now() - hit.at < this.ttlMs) return hit.value;
    const value = source
      .query({ kql: freshnessKql(table), timespan: { from: new Date(now.getTime() - 3_600_000), to: now } })
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
      // Freshness is a courtesy: a failure here must never cost the user the answer itself.
      .catch(() => undefined);
    this.entries.set(key, { at: Date.now(), value });
    return value;
  }
}
