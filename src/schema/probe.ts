import type { LogSource, TimeWindow } from '../logs/source/logSource';
import { SharedWork } from '../jointWork';
import { isSchemaId, PHYSICAL_SCHEMAS, type SchemaId } from './physical';

/**
 * Result of asking a workspace which gateway-log shape it holds. `partial`: Log Analytics answered only in
 * part, so "none found" is not known to be true (never cached, never told as "no gateway logs").
 */
export type ProbeResult =
  { schema: SchemaId; partial?: boolean } | { schema: null; explanation: string; fix: string[]; partial?: boolean };

/**
 * How far back the probe looks when the asked window has no gateway rows, to tell "no logs in this window"
 * (the recipe then says so) from "no gateway logs in this workspace" (Log Analytics keeps 30 days by default).
 */
const WORKSPACE_LOOKBACK_MS = 30 * 86_400_000;

/** Preference when a workspace has more than one (mid-migration): resource-specific first. */
const PREFERENCE: SchemaId[] = ['resource-specific', 'azure-diagnostics', 'azure-diagnostics-seed'];

const kqlDate = (d: Date) => `datetime(${d.toISOString()})`;

/**
 * The window as `let` lines: every probe of any window is then the same text apart from those two literals, so its
 * semantic analysis by the Kusto parser is shared (src/kql/shape.ts) instead of redone for each window.
 */
const windowLets = (window: TimeWindow) =>
  `let _probeFrom = ${kqlDate(window.from)};\nlet _probeTo = ${kqlDate(window.to)};\n`;

/** One `take 1` branch per schema: a row comes back only if that shape has gateway rows in the window. */
function probeBranches(): { schema: SchemaId; kql: string }[] {
  const time = 'TimeGenerated >= _probeFrom and TimeGenerated <= _probeTo';
  const diag = 'ResourceProvider == "MICROSOFT.APIMANAGEMENT" and Category == "GatewayLogs"';
  return [
    {
      schema: 'resource-specific',
      kql: `${PHYSICAL_SCHEMAS['resource-specific'].table} | where ${time} | take 1 | project Schema = "resource-specific"`,
    },
    {
      schema: 'azure-diagnostics',
      kql: `AzureDiagnostics | where ${time} | where ${diag} | where column_ifexists("apiId_s", "") != "" | take 1 | project Schema = "azure-diagnostics"`,
    },
    {
      schema: 'azure-diagnostics-seed',
      kql: `AzureDiagnostics | where ${time} | where ${diag} | where column_ifexists("ApiId_s", "") != "" | take 1 | project Schema = "azure-diagnostics-seed"`,
    },
  ];
}

/**
 * One query that answers "which shape has gateway rows in this window", fuzzy so a missing table is not
 * an error. Uses only let/union/where/take/project/column_ifexists.
 */
export function probeQuery(window: TimeWindow): string {
  return (
    windowLets(window) +
    [
      'union isfuzzy=true',
      probeBranches()
        .map((b) => `    (${b.kql})`)
        .join(',\n'),
    ].join('\n')
  );
}

function noGatewayLogs(workspace: string, window: TimeWindow): { schema: null; explanation: string; fix: string[] } {
  const days = Math.round((window.to.getTime() - window.from.getTime()) / 86_400_000);
  const span =
    days >= 1
      ? `in the ${days} days to ${window.to.toISOString()}`
      : `between ${window.from.toISOString()} and ${window.to.toISOString()}`;
  return {
    schema: null,
    explanation:
      `No API Management gateway logs found in workspace "${workspace}" ${span}: neither ApiManagementGatewayLogs ` +
      'nor AzureDiagnostics (Category "GatewayLogs") has rows. ' +
      'Most often the APIM diagnostic setting does not route GatewayLogs to this workspace.',
    fix: [
      'Check where the logs go: az monitor diagnostic-settings list --resource <APIM resource id>',
      'Add or fix a diagnostic setting that sends the GatewayLogs category to this workspace; choose the "Resource specific" ' +
        'destination table (ApiManagementGatewayLogs), which Microsoft recommends.',
      'A new workspace can take up to 2 hours to start receiving data (about 15 minutes for an existing one), and gateway ' +
        'logs arrive 3-10 minutes late: try again later or over a longer window.',
      'If you know which schema the workspace uses, set the schema override (resource-specific, azure-diagnostics or ' +
        'azure-diagnostics-seed) to skip this probe.',
    ],
  };
}

/** A failure meaning "none of the probed tables exists" (a fuzzy union with no resolvable table), or a table that does not. */
export function isMissingTables(e: unknown): boolean {
  const msg = e instanceof Error ? e.message : String(e);
  return /(failed to resolve|unknown|does not refer to any known) table|no tables|'(ApiManagementGatewayLogs|AzureDiagnostics)'.*(not|unknown)/i.test(
    msg,
  );
}

function isFuzzyUnsupported(e: unknown): boolean {
  return e instanceof Error && /isfuzzy/i.test(e.message) && /not supported|unsupported/i.test(e.message);
}

function isMissingColumn(e: unknown): boolean {
  return (
    e instanceof Error &&
    /does not refer to any known column|unknown column|failed to resolve (scalar expression|column)/i.test(e.message)
  );
}

/** Which schemas have gateway rows in one window, and whether Log Analytics answered in full. */
async function schemasWithRows(
  source: LogSource,
  window: TimeWindow,
  signal: AbortSignal | undefined,
): Promise<{ found: Set<string>; partial: boolean }> {
  let partial = false;
  const schemasIn = async (kql: string): Promise<Set<string>> => {
    const res = await source.query({ kql, timespan: window, signal });
    if (res.partialError) partial = true;
    const t = res.tables[0];
    const col = t ? t.columns.findIndex((c) => c.name === 'Schema') : -1;
    return new Set(col >= 0 ? t.rows.map((r) => r[col]).filter((v): v is string => typeof v === 'string') : []);
  };
  try {
    return { found: await schemasIn(probeQuery(window)), partial };
  } catch (e) {
    if (isMissingTables(e)) return { found: new Set(), partial };
    if (!isFuzzyUnsupported(e)) throw e;
  }
  // A source without fuzzy unions (the embedded engine): one branch at a time, in preference order.
  for (const b of probeBranches()) {
    let found: Set<string>;
    try {
      found = await schemasIn(windowLets(window) + b.kql);
    } catch (err) {
      if (isMissingTables(err) || isMissingColumn(err)) continue;
      throw err;
    }
    if (found.size) return { found, partial };
  }
  return { found: new Set(), partial };
}

/**
 * Runs the probe against a source: the asked window first; when it has no gateway rows, the workspace's
 * last 30 days, so a quiet window is not told "no gateway logs in this workspace" (the recipe then runs and
 * says the window is empty). Query errors other than "no such tables" propagate to the caller.
 */
export async function probeSchema(
  source: LogSource,
  window: TimeWindow,
  opts: { schemaOverride?: SchemaId; signal?: AbortSignal } = {},
): Promise<ProbeResult> {
  if (opts.schemaOverride) return { schema: opts.schemaOverride };
  const wide = { from: new Date(window.to.getTime() - WORKSPACE_LOOKBACK_MS), to: window.to };
  let partial = false;
  for (const w of window.from.getTime() > wide.from.getTime() ? [window, wide] : [window]) {
    const r = await schemasWithRows(source, w, opts.signal);
    partial ||= r.partial;
    const schema = PREFERENCE.find((s) => r.found.has(s));
    if (schema) return partial ? { schema, partial } : { schema };
  }
  const none = noGatewayLogs(source.info.workspace, wide);
  return partial ? { ...none, partial } : none;
}

interface ProbeEntry {
  at: number;
  work: SharedWork<ProbeResult>;
  settled?: ProbeResult;
}

export interface SchemaProbeCacheOptions {
  /** How long a detected schema is trusted; default 1 hour. */
  ttlMs?: number;
  /** How long "no gateway logs" is remembered (shorter: logs may start arriving); default 5 minutes. */
  negativeTtlMs?: number;
  /** Config override: when set, no probe runs. */
  schemaOverride?: SchemaId;
  clock?: () => number;
}

/**
 * Probe results with a TTL, keyed on what each depends on: a schema found is a fact about the workspace; "no
 * gateway logs" is a fact about the workspace up to the window's end, so another window probes again.
 * Concurrent callers for the same key share one probe; failed and partial probes are not cached.
 */
export class SchemaProbeCache {
  private readonly entries = new Map<string, ProbeEntry>();
  private readonly ttlMs: number;
  private readonly negativeTtlMs: number;
  private readonly clock: () => number;

  constructor(private readonly opts: SchemaProbeCacheOptions = {}) {
    if (opts.schemaOverride !== undefined && !isSchemaId(opts.schemaOverride)) {
      throw new Error(
        `Unknown schema override "${String(opts.schemaOverride)}": use resource-specific, azure-diagnostics or azure-diagnostics-seed.`,
      );
    }
    this.ttlMs = opts.ttlMs ?? 3_600_000;
    this.negativeTtlMs = opts.negativeTtlMs ?? 300_000;
    this.clock = opts.clock ?? Date.now;
  }

  private fresh(key: string, now: number, signal: AbortSignal | undefined): Promise<ProbeResult> | undefined {
    const hit = this.entries.get(key);
    if (!hit) return undefined;
    // A settled probe is reused until its TTL runs out; an in-flight one is joined unless it was abandoned.
    if (!hit.settled) return hit.work.abandoned ? undefined : hit.work.join(signal);
    const ttl = hit.settled.schema === null ? this.negativeTtlMs : this.ttlMs;
    return now - hit.at < ttl ? Promise.resolve(hit.settled) : undefined;
  }

  /**
   * The workspace's schema. An in-flight probe takes its callers' signals: when every command waiting on
   * it has been cancelled, the probe is cancelled too (and is not remembered).
   */
  async get(source: LogSource, window: TimeWindow, signal?: AbortSignal): Promise<ProbeResult> {
    if (this.opts.schemaOverride) return { schema: this.opts.schemaOverride };
    const workspaceKey = `${source.info.kind}:${source.info.workspace}`;
    const windowKey = `${workspaceKey}|${window.from.toISOString()}|${window.to.toISOString()}`;
    const now = this.clock();
    const cached = this.fresh(workspaceKey, now, signal) ?? this.fresh(windowKey, now, signal);
    if (cached) return cached;
    const work = new SharedWork((s) => probeSchema(source, window, { signal: s }));
    // Until it settles, the probe is shared by callers with the same window.
    const entry: ProbeEntry = { at: now, work };
    this.entries.set(windowKey, entry);
    work.outcome.then(
      (r) => {
        if (this.entries.get(windowKey) === entry) this.entries.delete(windowKey);
        if (r.partial) return;
        entry.settled = r;
        this.entries.set(r.schema === null ? windowKey : workspaceKey, entry);
      },
      () => {
        if (this.entries.get(windowKey) === entry) this.entries.delete(windowKey);
      },
    );
    return work.join(signal);
  }

  invalidate(workspace?: string): void {
    if (workspace === undefined) this.entries.clear();
    else
      for (const k of [...this.entries.keys()]) if (k.split('|')[0].endsWith(`:${workspace}`)) this.entries.delete(k);
  }
}
