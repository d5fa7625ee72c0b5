/**
 * Counting helpers for the tests that hold answers to the generated demo events: plain TypeScript over the
 * generator's rows and its own label of what each failure is. The engine, the recipes and the classifier are not
 * used, so an expectation built here is independent of the code under test.
 */
import { Workspace } from '../../src/kql';
import {
  demoEvents,
  generateDemoTables,
  type DemoEvent,
  type DemoOptions,
} from '../../src/logs/embedded/demo/generator';
import { EmbeddedSource } from '../../src/logs/embedded/embeddedSource';
import { TriageService } from '../../src/triage';
import type { Answer } from '../../src/answer';

export const NOW = new Date('2026-11-23T14:30:00Z');
const MIN = 60_000;

/** Signatures that are the caller's fault: one cause whichever API is called (every other is per API). */
const CLIENT_FAULTS = new Set([
  'client-disconnected',
  'subscription-key-missing',
  'subscription-key-invalid',
  'jwt-invalid',
  'operation-not-found',
]);

export type Event = DemoEvent & { signature?: string };

/** What the generator made each failure: its label, or (ordinary traffic) the backend's own 4xx passed on. */
export function labelOf(e: Event): string | undefined {
  if (e.signature) return e.signature;
  return e.responseCode >= 400 ? 'backend-error' : undefined;
}

function backendOf(e: Event): string | undefined {
  if (e.backendId) return e.backendId;
  if (e.backendUrl) return new URL(e.backendUrl).hostname;
  return undefined;
}

function keyOf(
  signature: string,
  responseCode: number | null,
  backendResponseCode: number | null,
  api: string,
): string {
  return `${signature}|${responseCode}|${backendResponseCode ?? ''}|${CLIENT_FAULTS.has(signature) ? '' : api}`;
}

/** The answer's findings by the same key expectedFindings uses (one API named, or "*" for several). */
export function findingsByKey(answer: Answer): Map<string, Answer['findings'][number]> {
  return new Map(
    answer.findings.map((f) => [
      keyOf(f.signature, f.responseCode, f.backendResponseCode, f.apis.length === 1 ? f.apis[0] : '*'),
      f,
    ]),
  );
}

/** Events of the window ending at NOW (`from` inclusive, NOW inclusive, as `between` in the recipes). */
export function inWindow(events: Event[], windowMin: number, shiftMin = 0): Event[] {
  const to = NOW.getTime() - shiftMin * MIN;
  const from = to - windowMin * MIN;
  return events.filter((e) => e.time >= from && e.time <= to);
}

export interface Expected {
  count: number;
  previousCount: number;
  responseCode: number;
  backendResponseCode: number | null;
  apis: Set<string>;
  backends: Set<string>;
}

/**
 * Whether an event is in the compared window: the previous one (ending where the current one starts, which
 * keeps that instant) or, for "vs yesterday", the current one `baseShiftMin` minutes earlier (both ends inclusive).
 */
export function inBaseline(e: Event, windowMin: number, baseShiftMin?: number): boolean {
  const from = NOW.getTime() - windowMin * MIN;
  if (baseShiftMin === undefined) return e.time >= from - windowMin * MIN && e.time < from;
  return e.time >= from - baseShiftMin * MIN && e.time <= NOW.getTime() - baseShiftMin * MIN;
}

/** The findings an answer over the last `windowMin` minutes must have, keyed by keyOf. */
export function expectedFindings(
  events: Event[],
  windowMin: number,
  include: (e: Event) => boolean,
  baseShiftMin?: number,
): Map<string, Expected> {
  const to = NOW.getTime();
  const from = to - windowMin * MIN;
  const out = new Map<string, Expected>();
  for (const e of events) {
    const signature = labelOf(e);
    const base = inBaseline(e, windowMin, baseShiftMin);
    if (!signature || !include(e) || (!base && (e.time < from || e.time > to))) continue;
    const key = keyOf(signature, e.responseCode, e.backendResponseCode, e.apiId);
    const entry = out.get(key) ?? {
      count: 0,
      previousCount: 0,
      responseCode: e.responseCode,
      backendResponseCode: e.backendResponseCode,
      apis: new Set<string>(),
      backends: new Set<string>(),
    };
    if (base) entry.previousCount++;
    else {
      entry.count++;
      entry.apis.add(e.apiId);
      const backend = backendOf(e);
      if (backend) entry.backends.add(backend);
    }
    out.set(key, entry);
  }
  for (const [k, v] of out) if (v.count === 0) out.delete(k);
  return out;
}

/** A triage service over a generated workspace, and the events it was generated from. */
export function demoService(opts: DemoOptions): { service: TriageService; events: Event[] } {
  const events: Event[] = [...demoEvents(opts)];
  const ws = new Workspace();
  for (const t of generateDemoTables(opts)) ws.addTable(t);
  const service = new TriageService({
    source: new EmbeddedSource(ws, { name: opts.scenario ?? 'demo', now: () => NOW }),
    now: () => NOW,
  });
  return { service, events };
}

/** Parses and runs `text`; fails the test with the reason when it is not an answer. */
export async function answerOf(service: TriageService, text: string): Promise<Answer> {
  const parsed = service.parse(text);
  if (!parsed.ok) throw new Error(`"${text}" did not parse: ${parsed.error}`);
  const reply = await service.run(parsed.command);
  if (reply.type !== 'answer') throw new Error(`"${text}" gave ${reply.type}: ${JSON.stringify(reply)}`);
  return reply;
}
