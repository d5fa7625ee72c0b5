/**
 * The benchmark's work: each query class of the speed issue in KQL (on the physical table, or through the
 * GatewayLogs prelude) and the same question in DuckDB SQL over the same CSV export, with how to compare answers.
 */

export interface QueryClass {
  name: string;
  kql: string;
  sql: string;
  /** Rows of both engines compare as a set (no defined order). */
  unordered?: boolean;
  /** Only the number of result rows is compared (answers with lists and times that differ in form). */
  countOnly?: boolean;
  /** Run through the GatewayLogs prelude, as the bot does. */
  prelude?: boolean;
}

export function queryClasses(table: string, now: Date): QueryClass[] {
  const since = new Date(now.getTime() - 15 * 60000).toISOString().replace('T', ' ').replace('Z', '');
  const rank = (p: number) => `list_sort(list(TotalTime))[greatest(1, ceil(${p} * count(TotalTime)))::BIGINT]`;
  return [
    {
      name: 'triage, last 15 min (time index; groups compared)',
      kql: `GatewayLogs
| where TimeGenerated > ago(15m)
| where ResponseCode >= 400 or isnotempty(LastErrorReason)
| summarize requests=count(), apis=make_set(ApiId, 10), firstSeen=min(TimeGenerated), lastSeen=max(TimeGenerated), sample=take_any(LastErrorMessage) by ResponseCode, LastErrorReason, LastErrorSource
| order by requests desc`,
      sql: `SELECT ResponseCode, LastErrorReason, LastErrorSource, count(*) AS requests,
  list(DISTINCT ApiId)[1:10] AS apis, min(TimeGenerated) AS firstSeen, max(TimeGenerated) AS lastSeen, any_value(LastErrorMessage) AS sample
FROM logs WHERE TimeGenerated > TIMESTAMP '${since}' AND (ResponseCode >= 400 OR LastErrorReason <> '')
GROUP BY ALL ORDER BY requests DESC`,
      prelude: true,
      countOnly: true,
    },
    {
      name: 'full day: `summarize count() by ApiId, ResponseCode, bin(TimeGenerated, 5m)`',
      kql: `${table} | summarize count() by ApiId, ResponseCode, bin(TimeGenerated, 5m) | summarize groups = count(), rows = sum(count_)`,
      sql: `SELECT count(*), sum(c) FROM (SELECT count(*) AS c FROM logs GROUP BY ApiId, ResponseCode, time_bucket(INTERVAL 5 MINUTE, TimeGenerated))`,
    },
    {
      name: '`order by TotalTime desc \\| take 20`',
      kql: `${table} | order by TotalTime desc | take 20 | project TotalTime`,
      sql: 'SELECT TotalTime FROM logs ORDER BY TotalTime DESC NULLS LAST LIMIT 20',
    },
    {
      name: '3-key sort then `take 20`',
      kql: `${table} | order by ApiId asc, ResponseCode desc, TotalTime desc | take 20 | project ApiId, ResponseCode, TotalTime`,
      sql: 'SELECT ApiId, ResponseCode, TotalTime FROM logs ORDER BY ApiId ASC NULLS FIRST, ResponseCode DESC NULLS LAST, TotalTime DESC NULLS LAST LIMIT 20',
    },
    {
      name: '`dcount(CallerIpAddress) by ApiId`',
      kql: `${table} | summarize dcount(CallerIpAddress) by ApiId`,
      sql: 'SELECT ApiId, count(DISTINCT CallerIpAddress) FROM logs GROUP BY ApiId',
      unordered: true,
    },
    {
      name: '`percentiles(TotalTime, 50, 95, 99)` (nearest rank)',
      kql: `${table} | summarize percentiles(TotalTime, 50, 95, 99)`,
      sql: `SELECT ${rank(0.5)}, ${rank(0.95)}, ${rank(0.99)} FROM logs`,
    },
    {
      name: '401s by reason, message, caller',
      kql: `${table} | where ResponseCode == 401 | summarize count() by LastErrorReason, LastErrorMessage, CallerIpAddress`,
      sql: 'SELECT LastErrorReason, LastErrorMessage, CallerIpAddress, count(*) FROM logs WHERE ResponseCode = 401 GROUP BY ALL',
      unordered: true,
    },
    {
      name: '`Url has "search"` (count)',
      kql: `${table} | where Url has "search" | count`,
      // has: a whole term, terms being ASCII letter/digit runs, case-insensitive
      sql: "SELECT count(*) FROM logs WHERE regexp_matches(lower(Url), '(^|[^a-z0-9])search($|[^a-z0-9])')",
    },
  ];
}

/**
 * Rows as comparable text: numbers as numbers (DuckDB gives BIGINT as bigint), and null as "" because DuckDB reads
 * an empty CSV field as NULL where the engine's strings are never null; sorted when the order is not defined.
 */
export function canonical(rows: readonly (readonly unknown[])[], unordered = false): string {
  const lines = rows.map((r) =>
    JSON.stringify(r.map((v) => (typeof v === 'bigint' ? Number(v) : v === null || v === undefined ? '' : v))),
  );
  if (unordered) lines.sort();
  return lines.join('\n');
}
