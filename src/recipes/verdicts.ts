/**
 * Recipe conclusions in words: the breaker verdict (the usual reading of a trip: a cluster of backend failures before
 * the trip means the breaker did its job; nothing abnormal means the threshold is too tight) and the
 * "why <status>" attribution (who produced the status).
 */
import type { Command } from '../commands/types';
import type { Cell } from '../kql/types';
import { hhmm } from '../commands/time';
import { cellNumber, cellTime } from '../kql/cells';

type Row = Record<string, Cell>;
const num = cellNumber;
const time = cellTime;
const pct = (a: number, b: number): string => `${b > 0 ? Math.round((100 * a) / b) : 0}%`;

/** Backend failure share before the trip at or above which the breaker is judged to have done its job. */
const FAILING_SHARE = 0.1;
const FAILING_MIN = 5;

export interface BreakerAssessment {
  verdict: string;
  summary: string;
  tripTime?: Date;
  before: { requests: number; backendFailures: number };
}

function zoneLabel(d: Date, tz: string | undefined): string {
  const zone = tz ?? 'UTC';
  try {
    return `${hhmm(d, zone)} ${zone}`;
  } catch {
    return `${hhmm(d, 'UTC')} UTC`;
  }
}

/** The breaker recipe's bin size: 30 s resolves a burst that trips a breaker within minutes. */
const BIN_MS = 30_000;

export function breakerVerdict(command: Command, rows: Row[], timeZone?: string): BreakerAssessment {
  const backend = command.backend ?? 'the backend';
  const tripMs = rows.map((r) => time(r.TripTime)).find((t) => t !== null) ?? null;
  if (tripMs === null) {
    const verdict = command.at
      ? `No requests to ${backend} were logged around ${zoneLabel(command.at, timeZone)}: check the backend name with "breakers".`
      : `No tripped circuit breaker found for ${backend} in the ${command.window.label}: try a longer window or "breakers" to list the ones that tripped.`;
    return { verdict, summary: `No breaker trip for ${backend}`, before: { requests: 0, backendFailures: 0 } };
  }
  const trip = new Date(tripMs);
  let requests = 0;
  let backendFailures = 0;
  for (const r of rows) {
    const bin = time(r.Bin);
    // Only whole bins before the trip: the bin the trip falls in already holds the breaker's own 503s.
    if (bin === null || bin + BIN_MS > tripMs) continue;
    const count = num(r.Requests) ?? 0;
    const rc = num(r.ResponseCode);
    const brc = num(r.BackendResponseCode);
    requests += count;
    // Backend 5xx, or a gateway 5xx with no backend answer at all (connect failures, timeouts), but not a
    // 503 without a backend answer: that is a breaker (this one or another instance's) answering for it.
    const shortCircuit = brc === null && rc === 503;
    if ((brc !== null && brc >= 500) || (brc === null && rc !== null && rc >= 500 && !shortCircuit))
      backendFailures += count;
  }
  const at = zoneLabel(trip, timeZone);
  const trips = rows.map((r) => num(r.Trips)).find((t) => t !== null && t > 0);
  const summary = `Breaker for ${backend} tripped at ${at}${trips ? ` (${trips.toLocaleString('en-US')} requests short-circuited in the window)` : ''}`;
  let verdict: string;
  if (requests === 0) {
    verdict = `No requests to ${backend} were logged in the 10 minutes before the trip at ${at}, so nothing explains it: the threshold is probably too tight, or the failures were counted on another gateway instance.`;
  } else if (backendFailures >= FAILING_MIN && backendFailures / requests >= FAILING_SHARE) {
    verdict = `The backend was failing before the trip — the breaker did its job: ${backendFailures.toLocaleString('en-US')} of ${requests.toLocaleString('en-US')} requests (${pct(backendFailures, requests)}) in the 10 minutes before ${at} failed at the backend. Fix ${backend}; the breaker closes after its trip duration.`;
  } else {
    verdict = `Nothing abnormal preceded the trip — the threshold is probably too tight: only ${backendFailures.toLocaleString('en-US')} of ${requests.toLocaleString('en-US')} requests (${pct(backendFailures, requests)}) failed at the backend in the 10 minutes before ${at}. Review the rule's failureCondition (count/percentage, interval, statusCodeRanges).`;
  }
  return { verdict, summary, tripTime: trip, before: { requests, backendFailures } };
}

/** "why <status>" or "5xx": who produced them, largest producer first. */
export function whyVerdict(status: number | string, producerRows: Row[]): string | undefined {
  const what = typeof status === 'number' ? `${status}s` : `${status} responses`;
  const by = new Map<string, { count: number; sources: Map<string, number> }>();
  let total = 0;
  for (const r of producerRows) {
    const producer = typeof r.Producer === 'string' && r.Producer ? r.Producer : 'unknown';
    const count = num(r.Requests) ?? 0;
    total += count;
    const e = by.get(producer) ?? { count: 0, sources: new Map<string, number>() };
    e.count += count;
    const src = typeof r.LastErrorSource === 'string' ? r.LastErrorSource : '';
    if (src) e.sources.set(src, (e.sources.get(src) ?? 0) + count);
    by.set(producer, e);
  }
  if (total === 0) return `No ${status} responses in the window.`;
  const parts = [...by.entries()]
    .sort((a, b) => b[1].count - a[1].count)
    .map(([producer, e]) => {
      const top = [...e.sources.entries()]
        .sort((a, b) => b[1] - a[1])
        .slice(0, 2)
        .map(([s]) => s);
      return `${pct(e.count, total)} ${producer}${top.length && producer !== 'backend' ? ` (${top.join(', ')})` : ''}`;
    });
  const [lead, leadEntry] = [...by.entries()].sort((a, b) => b[1].count - a[1].count)[0];
  // "most of them" only when it is most: a single producer made all of them.
  const share = leadEntry.count === total ? 'all' : 'most';
  const meaning =
    lead === 'backend'
      ? `the backend produced ${share} of them (ResponseCode = BackendResponseCode): look at the backend first.`
      : lead === 'client'
        ? `${share === 'all' ? 'all' : 'most'} were clients going away before the answer.`
        : `the gateway produced ${share} of them itself, so the backend never said this: read the findings below.`;
  const requests = `${total.toLocaleString('en-US')} ${total === 1 ? 'request' : 'requests'}`;
  return `Who produced the ${what} (${requests}): ${parts.join(', ')} — ${meaning}`;
}
