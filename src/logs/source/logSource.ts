import type { ResultTable } from '../../kql/types';

/** The time range a command covers. The source sends it as the query's `timespan`. */
export interface TimeWindow {
  from: Date;
  to: Date;
}

export interface QueryRequest {
  /** Complete KQL text (prelude + recipe), exactly as it will be run and shown to the user. */
  kql: string;
  /** Sent as the API `timespan`; must cover every time filter in the query. */
  timespan: TimeWindow;
  /** Cancels the query (the bot gives up on very slow answers). */
  signal?: AbortSignal;
  /**
   * A courtesy the answer can do without (the freshness note): never retried, so a throttled or failing
   * workspace is not sent more requests for it.
   */
  optional?: boolean;
}

interface QueryStats {
  /** Rows the query examined, when the source knows it (embedded engine always does). */
  rowsExamined?: number;
  /** Wall time of the query as seen by the caller. */
  elapsedMs: number;
  /** Time the service itself reported spending (Log Analytics statistics.query.executionTime), ms. */
  serverMs?: number;
  /** True when the answer came from the result cache. */
  cached?: boolean;
}

export interface QueryResult {
  tables: ResultTable[];
  /** Set when the service answered with partial data (Log Analytics `PartialError`). */
  partialError?: { code: string; message: string };
  stats: QueryStats;
}

/** Where a command's rows come from: the embedded demo/offline workspace or Azure Log Analytics. */
export interface LogSource {
  /** For card footers and logs, e.g. `{ kind: 'embedded', workspace: 'demo' }`. Never holds secrets. */
  readonly info: { kind: 'embedded' | 'log-analytics'; workspace: string };
  query(request: QueryRequest): Promise<QueryResult>;
}
