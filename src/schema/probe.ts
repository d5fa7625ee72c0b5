import type { LogSource, TimeWindow } from '../logs/source/logSource';
import { isSchemaId, PHYSICAL_SCHEMAS, type SchemaId } from './physical';

/** Result of asking a workspace which gateway-log shape it holds. */
export type ProbeResult = { schema: SchemaId } | { schema: null; explanation: string; fix: string[] };

/** Preference when a workspace has more than one (mid-migration): resource-specific first. */
const PREFERENCE: SchemaId[] = ['resource-specific', 'azure-diagnostics', 'azure-diagnostics-seed'];

const kqlDate = (d: Date) => `datetime(${d.toISOString()})`;

/** One `take 1` branch per schema: a row comes back only if that shape has gateway rows in the window. */
function probeBranches(window: TimeWindow): { schema: SchemaId; kql: string }[] {
  const time = `TimeGenerated >= ${kqlDate(window.from)} and TimeGenerated <= ${kqlDate(window.to)}`;
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
 * an error. Uses only union/where/take/project/column_ifexists.
 */
export function probeQuery(window: TimeWindow): string {
  return [
    'union isfuzzy=true',
    probeBranches(window)
      .map((b) => `    (${b.kql})`)
      .join(',\n'),
  ].join('\n');
}

export function noGatewayLogs(
  workspace: string,
  window: TimeWindow,
): { schema: null; explanation: string; fix: string[] } {
  return {
    schema: null,
    explanation:
      `No API Management gateway logs found in workspace "${workspace}" between ${window.from.toISOString()} and ` +
      `${window.to.toISOString()}: neither ApiManagementGatewayLogs nor AzureDiagnostics (Category "GatewayLogs") has rows. ` +
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

/** A failure meaning "none of the probed tables exists" (a fuzzy union with no resolvable table). */
function isMissingTables(e: unknown): boolean {
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

/** Runs the probe against a source. Query errors other than "no such tables" propagate to the caller. */
export async function probeSchema(
  source: LogSource,
  window: TimeWindow,
  opts: { schemaOverride?: SchemaId; signal?: AbortSignal } = {},
): Promise<ProbeResult> {
  if (opts.schemaOverride) return { schema: opts.schemaOverride };
  const schemasIn = async (kql: string): Promise<Set<string>> => {
    const res = await source.query({ kql, timespan: window, signal: opts.signal });
    const t = res.tables[0];
    const col = t ? t.columns.findIndex((c) => c.name === 'Schema') : -1;
    return new Set(col >= 0 ? t.rows.map((r) => r[col]).filter((v): v is string => typeof v === 'string') : []);
  };
  let found: Set<string>;
  try {
    found = await schemasIn(probeQuery(window));
  } catch (e) {
    if (isMissingTables(e)) return noGatewayLogs(source.info.workspace, window);
    if (!isFuzzyUnsupported(e)) throw e;
    // A source without fuzzy unions (the embedded engine): one branch at a time, in preference order.
    found = new Set();
    for (const b of probeBranches(window)) {
      try {
        found = await schemasIn(b.kql);
      } catch (err) {
        if (isMissingTables(err) || isMissingColumn(err)) continue;
        throw err;
      }
      if (found.size) break;
    }
  }
  const schema = PREFERENCE.find((s) => found.has(s));
  return schema ? { schema } : noGatewayLogs(source.info.workspace, window);
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
 * Probe results per workspace with a TTL. Concurrent callers for the same workspace share one probe;
 * failed probes are not cached.
 */
export class SchemaProbeCache {
  private readonly entries = new Map<string, { at: number; result: Promise<ProbeResult>; settled?: ProbeResult }>();
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

  async get(source: LogSource, window: TimeWindow): Promise<ProbeResult> {
    if (this.opts.schemaOverride) return { schema: this.opts.schemaOverride };
    const key = `${source.info.kind}:${source.info.workspace}`;
    const now = this.clock();
    const hit = this.entries.get(key);
    if (hit) {
      // An in-flight probe is shared; a settled one is reused until its TTL runs out.
      const ttl = hit.settled?.schema === null ? this.negativeTtlMs : this.ttlMs;
      if (!hit.settled || now - hit.at < ttl) return hit.result;
    }
    const result = probeSchema(source, window);
    const entry: { at: number; result: Promise<ProbeResult>; settled?: ProbeResult } = { at: now, result };
    this.entries.set(key, entry);
    result.then(
      (r) => {
        entry.settled = r;
      },
      () => {
        if (this.entries.get(key) === entry) this.entries.delete(key);
      },
    );
    return result;
  }

  invalidate(workspace?: string): void {
    if (workspace === undefined) this.entries.clear();
    else for (const k of [...this.entries.keys()]) if (k.endsWith(`:${workspace}`)) this.entries.delete(k);
  }
}
