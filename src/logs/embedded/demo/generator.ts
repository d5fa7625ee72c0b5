import type { TableInput } from '../../../kql';
import type { Cell } from '../../../kql/types';
import { cellTime } from '../../../kql/cells';
import { physicalSchema, type SchemaId } from '../../../schema/physical';
import { APIS, ordinaryRequest, type DemoEvent } from './catalog';
import { specialEvents, type SpecialEvent } from './incident';
import { SCENARIOS, renameEvent, type DemoScenario } from './scenarios';
import { foreignRows } from './foreign';
import { rowMapper } from './mapping';
import { hash32, mulberry32, pickWeighted } from './random';

export { DEMO_INCIDENT } from './incident';
export type { DemoEvent } from './catalog';

export interface DemoOptions {
  /** Traffic ends here (exclusive). */
  now: Date;
  /** PRNG seed; default 42. Same seed + now (+ options) gives identical rows. */
  seed?: number;
  /** Physical schema of the generated table; default 'resource-specific' (Microsoft's recommendation). */
  schema?: SchemaId;
  /** Length of the traffic window in hours; default 24. */
  hours?: number;
  /** Background (ordinary) requests over the whole window; default 120,000 per 24 h, pro rata (keeps demo start-up near 1 s). */
  rowsTarget?: number;
  /** Which tenant and incident: the demo's own (default), or a second workspace with other names and failures. */
  scenario?: DemoScenario['id'];
}

const DEFAULT_SEED = 42;
const DEFAULT_ROWS_PER_DAY = 120_000;

const MIN = 60_000;

/** Traffic shape over the UTC day: quiet at night, peak mid-afternoon (the tenant is EU + US east). */
function diurnal(t: number): number {
  const h = (t / 3_600_000) % 24;
  return 0.25 + 0.75 * Math.pow(Math.max(0, Math.sin(((h - 5) / 24) * 2 * Math.PI) * 0.5 + 0.5), 1.6);
}

function resolve(opts: DemoOptions) {
  const now = opts.now.getTime();
  if (!Number.isFinite(now)) throw new Error('generateDemoTables: `now` is not a valid date.');
  const hours = opts.hours ?? 24;
  if (!(hours > 0 && hours <= 24 * 31))
    throw new Error(`generateDemoTables: hours must be between 0 and 744 (got ${hours}).`);
  const rowsTarget = opts.rowsTarget ?? Math.round((DEFAULT_ROWS_PER_DAY * hours) / 24);
  if (!(rowsTarget >= 0 && Number.isFinite(rowsTarget)))
    throw new Error(`generateDemoTables: rowsTarget must be a non-negative number (got ${rowsTarget}).`);
  return {
    now,
    hours,
    rowsTarget,
    seed: (opts.seed ?? DEFAULT_SEED) >>> 0,
    schema: opts.schema ?? 'resource-specific',
    scenario: SCENARIOS[opts.scenario ?? 'contoso'],
  };
}

/**
 * All requests of the demo in time order, as logical events. Streams: only one minute of background traffic
 * is held at a time, plus the few thousand incident/steady events.
 */
export function* demoEvents(opts: DemoOptions): Generator<DemoEvent & { signature?: string }> {
  const { now, hours, rowsTarget, seed, scenario } = resolve(opts);
  const start = now - Math.round(hours * 60) * MIN;
  const minutes = Math.round(hours * 60);
  const special: SpecialEvent[] = specialEvents(seed, now, hours, scenario.incident);
  let si = 0;

  // Expected per-minute volume follows the diurnal curve and sums to rowsTarget.
  let weightSum = 0;
  for (let m = 0; m < minutes; m++) weightSum += diurnal(start + m * MIN);
  const perWeight = weightSum > 0 ? rowsTarget / weightSum : 0;

  const rng = mulberry32(seed);
  const weights = APIS.map((a) => a.weight);
  const suppressed = scenario.suppressed.map((s) => ({ apiId: s.apiId, from: now - s.startAgoMin * MIN }));
  let carry = 0;
  for (let m = 0; m < minutes; m++) {
    const t0 = start + m * MIN;
    const exact = perWeight * diurnal(t0) * (0.85 + 0.3 * rng()) + carry;
    const count = Math.floor(exact);
    carry = exact - count;
    const batch: (DemoEvent & { signature?: string })[] = [];
    for (let i = 0; i < count; i++) {
      const t = t0 + Math.floor(rng() * MIN);
      const api = pickWeighted(rng, APIS, weights);
      const ev = ordinaryRequest(rng, api, t);
      // During the incident these requests are the failures emitted by the incident streams instead.
      if (suppressed.some((s) => s.apiId === api.id && t >= s.from)) continue;
      batch.push(ev);
    }
    while (si < special.length && special[si].event.time < t0 + MIN) {
      batch.push({ ...special[si].event, signature: special[si].signature });
      si++;
    }
    batch.sort((a, b) => a.time - b.time);
    for (const ev of batch) yield renameEvent(ev, scenario.rename);
  }
}

/** Log ingestion lag, 2 to 7 minutes, derived from the correlation id so it is stable per row. */
function lagMs(correlationId: string): number {
  return 2 * MIN + (hash32(correlationId) % (5 * MIN));
}

/**
 * The demo workspace: one table in the requested physical schema, rows streamed in time order and
 * re-generated identically on every iteration. The AzureDiagnostics schemas also carry a few Key Vault
 * audit rows (the table is shared), which every gateway query must filter out.
 */
export function generateDemoTables(opts: DemoOptions): TableInput[] {
  const { schema, seed, now, hours } = resolve(opts);
  const mapper = rowMapper(schema);
  const shared = physicalSchema(schema).table === 'AzureDiagnostics';
  const rows: Iterable<Cell[]> = {
    *[Symbol.iterator]() {
      const other = shared ? foreignRows(seed, now, hours, mapper.columns) : [];
      let k = 0;
      for (const ev of demoEvents(opts)) {
        while (k < other.length && other[k].time <= ev.time) yield other[k++].row;
        yield mapper.toRow(ev);
      }
      while (k < other.length) yield other[k++].row;
    },
  };
  const { timeIndex, correlationIndex } = mapper;
  return [
    {
      name: physicalSchema(schema).table,
      columns: mapper.columns,
      rows,
      ingestionTimeOf: (row) => {
        const t = row[timeIndex];
        const ms = cellTime(t) ?? NaN;
        const id = row[correlationIndex];
        // JSON text of a missing id is "null", so rows without one still get a stable lag.
        return new Date(ms + lagMs(typeof id === 'string' ? id : JSON.stringify(id)));
      },
    },
  ];
}
