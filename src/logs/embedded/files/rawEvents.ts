import { RecordCollector, type RawTable } from './records';

/**
 * Diagnostic settings that archive to a storage account (or stream to Event Hubs) write the raw event shape,
 * not table columns: `{"time","resourceId","category","operationName","durationMs","callerIpAddress",
 * "correlationId","properties":{...}}` per line (or `{"records":[...]}`). This maps such records to the
 * AzureDiagnostics columns Log Analytics would have created: top-level fields to the standard columns,
 * properties flattened with `_` and suffixed by JSON type (`lastError.reason` -> `lastError_reason_s`).
 */

const lower = (o: Record<string, unknown>) => new Map(Object.entries(o).map(([k, v]) => [k.toLowerCase(), v]));

/** True when the collected columns are the raw event shape (and not already table columns). */
export function isRawEventTable(t: RawTable): boolean {
  const names = new Set(t.names.map((n) => n.toLowerCase()));
  return (
    !names.has('timegenerated') &&
    names.has('time') &&
    names.has('properties') &&
    (names.has('category') || names.has('operationname'))
  );
}

function flatten(prefix: string, value: unknown, out: Record<string, unknown>): void {
  if (value === null || value === undefined) return;
  if (typeof value === 'object' && !Array.isArray(value)) {
    for (const [k, v] of Object.entries(value as Record<string, unknown>)) flatten(`${prefix}${k}_`, v, out);
    return;
  }
  const name = prefix.slice(0, -1);
  if (typeof value === 'number') out[`${name}_d`] = value;
  else if (typeof value === 'boolean') out[`${name}_b`] = value;
  else out[`${name}_s`] = typeof value === 'string' ? value : JSON.stringify(value);
}

/** Converts a table of raw events (collected as JSON records) into AzureDiagnostics-shaped records. */
export function rawEventsToDiagnostics(t: RawTable): RawTable {
  const rc = new RecordCollector(t.unit === 'line' ? 'line' : 'item');
  t.rows.forEach((row, r) => {
    const ev: Record<string, unknown> = {};
    t.names.forEach((n, i) => {
      if (row[i] !== undefined) ev[n] = row[i];
    });
    const f = lower(ev);
    const rawId = f.get('resourceid');
    const resourceId = typeof rawId === 'string' ? rawId : '';
    const provider = /\/providers\/([^/]+)\//i.exec(resourceId)?.[1]?.toUpperCase() ?? '';
    const rec: Record<string, unknown> = {
      TimeGenerated: f.get('time'),
      ResourceId: resourceId.toUpperCase(),
      _ResourceId: resourceId.toLowerCase(),
      ResourceProvider: provider,
      Resource: resourceId.split('/').filter(Boolean).pop()?.toUpperCase() ?? '',
      Category: f.get('category') ?? '',
      OperationName: f.get('operationname') ?? '',
      CorrelationId: f.get('correlationid') ?? '',
      CallerIPAddress: f.get('calleripaddress') ?? '',
      DurationMs: f.get('durationms') ?? null,
      Level: f.get('level') === undefined ? '' : String(f.get('level')),
      Type: 'AzureDiagnostics',
    };
    const props = f.get('properties');
    const flat: Record<string, unknown> = {};
    if (props && typeof props === 'object' && !Array.isArray(props)) {
      for (const [k, v] of Object.entries(props as Record<string, unknown>)) flatten(`${k}_`, v, flat);
    }
    if (typeof f.get('isrequestsuccess') === 'boolean') flat.isRequestSuccess_b = f.get('isrequestsuccess');
    // The gateway's region arrives as top-level `location` in some versions of the event.
    if (!('region_s' in flat) && typeof f.get('location') === 'string') flat.region_s = f.get('location');
    rc.add({ ...rec, ...flat }, t.lines[r]);
  });
  return rc.table;
}

/** Unwraps a storage-account blob `{"records":[...]}` into its records. */
export function unwrapRecords(doc: unknown): unknown[] | null {
  if (doc && typeof doc === 'object' && !Array.isArray(doc) && Array.isArray((doc as { records?: unknown }).records)) {
    return (doc as { records: unknown[] }).records;
  }
  return null;
}
