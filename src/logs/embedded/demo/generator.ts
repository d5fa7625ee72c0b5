import type { TableInput, Workspace } from '../../../kql';
import { builderFor, FIRST_CAPACITY } from '../../../kql/columns';
import { tableFromBuilders } from '../../../kql/storage';
import type { Cell } from '../../../kql/types';
import { cellTime } from '../../../kql/cells';
import { physicalSchema, type SchemaId } from '../../../schema/physical';
import { APIS, ordinaryRequest, type DemoEvent } from './catalog';
import { specialEvents, type SpecialEvent } from './incident';
import { SCENARIOS, renameEvent, renameText, type DemoScenario } from './scenarios';
import { activityTable, BACKGROUND_CHANGES } from './activity';
import { foreignRows } from './foreign';
import { rowMapper, type RowMapper } from './mapping';
import { hash32, mulberry32, pickWeighted, type Rng } from './random';

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
  /**
   * Hours of ordinary traffic (and the steady failures) also generated just before the same instant one day and
   * one week earlier, so "vs yesterday" and "vs last week" have a baseline for windows up to this long; default 0
   * (none: most tests never compare), DEMO_BASELINE_HOURS for the demo the bot serves. Only the part before the
   * main window is added (a 48 h demo already holds yesterday).
   */
  baselineHours?: number;
}

/** The demo workspace's baseline slices: an hour a day back and a week back covers "triage last 1h vs last week". */
export const DEMO_BASELINE_HOURS = 1;

/** How far back the baseline slices stand: a day and a week, as the "vs yesterday" / "vs last week" questions ask. */
const BASELINE_OFFSETS_MS = [7 * 86_400_000, 86_400_000];

const DEFAULT_SEED = 42;
const DEFAULT_ROWS_PER_DAY = 120_000;

const MIN = 60_000;

const HOUR = 3_600_000;

/**
 * Traffic shape over the UTC day: quiet at night, peak mid-afternoon (the tenant is EU + US east). The curve is
 * read for the start of the hour `now` falls in (`phase` is how far into that hour `now` is), so any two moments
 * of one hour give the same rows shifted in time, and a stored copy of the demo made at the hour can be reused.
 */
function diurnal(t: number, phase: number): number {
  const h = ((t - phase) / HOUR) % 24;
  return 0.25 + 0.75 * Math.pow(Math.max(0, Math.sin(((h - 5) / 24) * 2 * Math.PI) * 0.5 + 0.5), 1.6);
}

/** How far `now` is into its UTC hour: the demo made for `now` is the one made for `now - phase`, shifted by it. */
export function demoPhase(now: number): number {
  return ((now % HOUR) + HOUR) % HOUR;
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
  const baselineHours = opts.baselineHours ?? 0;
  if (!(baselineHours >= 0 && baselineHours <= 24))
    throw new Error(`generateDemoTables: baselineHours must be between 0 and 24 (got ${baselineHours}).`);
  return {
    now,
    hours,
    rowsTarget,
    baselineHours,
    seed: (opts.seed ?? DEFAULT_SEED) >>> 0,
    schema: opts.schema ?? 'resource-specific',
    scenario: SCENARIOS[opts.scenario ?? 'contoso'],
  };
}

/** One stretch of generated traffic: whole minutes from `start`, background at `perWeight` plus `special` merged in. */
interface Stretch {
  start: number;
  minutes: number;
  perWeight: number;
  /** demoPhase of the demo's now. */
  phase: number;
  rng: Rng;
  special: SpecialEvent[];
  /** APIs whose ordinary requests stop from `from` on (the incident's failures stand in for them). */
  suppressed: { apiId: string; from: number }[];
}

function* stretchEvents(s: Stretch, scenario: DemoScenario): Generator<DemoEvent & { signature?: string }> {
  const weights = APIS.map((a) => a.weight);
  let si = 0;
  let carry = 0;
  for (let m = 0; m < s.minutes; m++) {
    const t0 = s.start + m * MIN;
    const exact = s.perWeight * diurnal(t0, s.phase) * (0.85 + 0.3 * s.rng()) + carry;
    const count = Math.floor(exact);
    carry = exact - count;
    const batch: (DemoEvent & { signature?: string })[] = [];
    for (let i = 0; i < count; i++) {
      const t = t0 + Math.floor(s.rng() * MIN);
      const api = pickWeighted(s.rng, APIS, weights);
      const ev = ordinaryRequest(s.rng, api, t);
      // During the incident these requests are the failures emitted by the incident streams instead.
      if (s.suppressed.some((x) => x.apiId === api.id && t >= x.from)) continue;
      batch.push(ev);
    }
    while (si < s.special.length && s.special[si].event.time < t0 + MIN) {
      batch.push({ ...s.special[si].event, signature: s.special[si].signature });
      si++;
    }
    batch.sort((a, b) => a.time - b.time);
    for (const ev of batch) yield renameEvent(ev, scenario.rename);
  }
}

/**
 * All requests of the demo in time order, as logical events: the baseline slices a week and a day back (ordinary
 * traffic and the steady failures, no incident), then the main window. Streams: only one minute of background
 * traffic is held at a time, plus the few thousand incident/steady events.
 */
export function* demoEvents(opts: DemoOptions): Generator<DemoEvent & { signature?: string }> {
  const { now, hours, rowsTarget, seed, scenario, baselineHours } = resolve(opts);
  const minutes = Math.round(hours * 60);
  const start = now - minutes * MIN;

  // Expected per-minute volume follows the diurnal curve and sums to rowsTarget.
  const phase = demoPhase(now);
  let weightSum = 0;
  for (let m = 0; m < minutes; m++) weightSum += diurnal(start + m * MIN, phase);
  const perWeight = weightSum > 0 ? rowsTarget / weightSum : 0;

  // Baseline slices: the same time of day, so the same rate; their own random streams, so the main window's
  // rows are the same with or without them.
  for (const offset of BASELINE_OFFSETS_MS) {
    const sliceEnd = Math.min(now - offset, start);
    const sliceStart = now - offset - Math.round(baselineHours * 60) * MIN;
    if (sliceEnd <= sliceStart) continue;
    const sliceSeed = (seed ^ (offset / MIN)) >>> 0;
    const sliceHours = (sliceEnd - sliceStart) / 3_600_000;
    yield* stretchEvents(
      {
        start: sliceStart,
        minutes: Math.round((sliceEnd - sliceStart) / MIN),
        perWeight,
        phase,
        rng: mulberry32(sliceSeed),
        special: specialEvents(sliceSeed, sliceEnd, sliceHours, []),
        suppressed: [],
      },
      scenario,
    );
  }

  yield* stretchEvents(
    {
      start,
      minutes,
      perWeight,
      phase,
      rng: mulberry32(seed),
      special: specialEvents(seed, now, hours, scenario.incident),
      suppressed: scenario.suppressed.map((s) => ({ apiId: s.apiId, from: now - s.startAgoMin * MIN })),
    },
    scenario,
  );
}

/** Log ingestion lag, 2 to 7 minutes, derived from the correlation id so it is stable per row. */
function lagMs(correlationId: string): number {
  return 2 * MIN + (hash32(correlationId) % (5 * MIN));
}

/** When a row was ingested, from its time and correlation id. */
function ingestionMs(timeMs: number, id: Cell | undefined): number {
  // JSON text of a missing id is "null", so rows without one still get a stable lag.
  return timeMs + lagMs(typeof id === 'string' ? id : JSON.stringify(id));
}

/** The gateway table's records in time order: requests as logical events, other services' rows already as rows. */
function* gatewayRecords(opts: DemoOptions, mapper: RowMapper): Generator<DemoEvent | Cell[]> {
  const { schema, seed, now, hours } = resolve(opts);
  const shared = physicalSchema(schema).table === 'AzureDiagnostics';
  const other = shared ? foreignRows(seed, now, hours, mapper.columns) : [];
  let k = 0;
  for (const ev of demoEvents(opts)) {
    while (k < other.length && other[k].time <= ev.time) yield other[k++].row;
    yield ev;
  }
  while (k < other.length) yield other[k++].row;
}

/** The Activity log's changes: the scenario's own and the background ones, named as the scenario names things. */
function activity(opts: DemoOptions): TableInput {
  const { seed, now, hours, scenario } = resolve(opts);
  const changes = [scenario.change, ...BACKGROUND_CHANGES].map((c) => ({
    ...c,
    target: renameText(c.target, scenario.rename),
  }));
  return activityTable(seed, now, hours, changes);
}

/**
 * The demo workspace: the gateway log table in the requested physical schema, rows streamed in time order and
 * re-generated identically on every iteration, then the Activity log (AzureActivity). The AzureDiagnostics
 * schemas also carry a few Key Vault audit rows (the table is shared), which every gateway query must filter out.
 */
export function generateDemoTables(opts: DemoOptions): TableInput[] {
  const { schema } = resolve(opts);
  const mapper = rowMapper(schema);
  const rows: Iterable<Cell[]> = {
    *[Symbol.iterator]() {
      for (const r of gatewayRecords(opts, mapper)) yield Array.isArray(r) ? r : mapper.toRow(r);
    },
  };
  const { timeIndex, correlationIndex } = mapper;
  return [
    {
      name: physicalSchema(schema).table,
      columns: mapper.columns,
      rows,
      ingestionTimeOf: (row) => new Date(ingestionMs(cellTime(row[timeIndex]) ?? NaN, row[correlationIndex])),
    },
    activity(opts),
  ];
}

/**
 * Loads the demo workspace (the tables generateDemoTables describes, the same rows) into `workspace`, the gateway
 * table written column by column as its events are generated: no row arrays and no Date per row, which made up
 * about half of the demo's start-up in a CLI command.
 */
export function loadDemoWorkspace(workspace: Workspace, opts: DemoOptions): void {
  const { schema } = resolve(opts);
  const mapper = rowMapper(schema);
  const { columns, storageValues, timeIndex, correlationIndex } = mapper;
  const builders = columns.map((c) => builderFor(c.type));
  const width = columns.length;
  let ingestion = new Float64Array(FIRST_CAPACITY);
  let n = 0;
  for (const r of gatewayRecords(opts, mapper)) {
    if (n === ingestion.length) {
      const grown = new Float64Array(n * 2);
      grown.set(ingestion);
      ingestion = grown;
    }
    if (Array.isArray(r)) {
      for (let c = 0; c < width; c++) builders[c].push(r[c]);
      ingestion[n++] = ingestionMs(cellTime(r[timeIndex]) ?? NaN, r[correlationIndex]);
    } else {
      for (let c = 0; c < width; c++) builders[c].push(storageValues[c](r));
      ingestion[n++] = ingestionMs(r.time, r.correlationId);
    }
  }
  workspace.putTable(tableFromBuilders(physicalSchema(schema).table, columns, builders, ingestion.subarray(0, n)));
  workspace.addTable(activity(opts));
}
