/**
 * Every finding is true to the rows: on the demo workspace and on a second generated workspace (other API
 * names, another incident), each finding's count, status codes, API and backends equal a count made here, in
 * plain TypeScript over the generated events, with the generator's own label of what each failure is. The
 * engine, the recipes and the classifier are not used to compute the expectation.
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

const NOW = new Date('2026-11-23T14:30:00Z');
const MIN = 60_000;

/** Signatures that are the caller's fault: one cause whichever API is called (every other is per API). */
const CLIENT_FAULTS = new Set([
  'client-disconnected',
  'subscription-key-missing',
  'subscription-key-invalid',
  'jwt-invalid',
  'operation-not-found',
]);

type Event = DemoEvent & { signature?: string };

interface Expected {
  count: number;
  previousCount: number;
  responseCode: number;
  backendResponseCode: number | null;
  apis: Set<string>;
  backends: Set<string>;
}

/** What the generator made each failure: its label, or (ordinary traffic) the backend's own 4xx passed on. */
function labelOf(e: Event): string | undefined {
  if (e.signature) return e.signature;
  return e.responseCode >= 400 ? 'backend-error' : undefined;
}

function backendOf(e: Event): string | undefined {
  if (e.backendId) return e.backendId;
  if (e.backendUrl) return new URL(e.backendUrl).hostname;
  return undefined;
}

function keyOf(signature: string, responseCode: number | null, backendResponseCode: number | null, api: string) {
  return `${signature}|${responseCode}|${backendResponseCode ?? ''}|${CLIENT_FAULTS.has(signature) ? '' : api}`;
}

function expectedFindings(events: Event[], windowMin: number, include: (e: Event) => boolean): Map<string, Expected> {
  const to = NOW.getTime();
  const from = to - windowMin * MIN;
  const prevFrom = from - windowMin * MIN;
  const out = new Map<string, Expected>();
  for (const e of events) {
    const signature = labelOf(e);
    if (!signature || !include(e) || e.time < prevFrom || e.time > to) continue;
    const key = keyOf(signature, e.responseCode, e.backendResponseCode, e.apiId);
    const entry = out.get(key) ?? {
      count: 0,
      previousCount: 0,
      responseCode: e.responseCode,
      backendResponseCode: e.backendResponseCode,
      apis: new Set<string>(),
      backends: new Set<string>(),
    };
    if (e.time < from) entry.previousCount++;
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

const triageFailure = (e: Event) => e.responseCode >= 400 || e.lastErrorReason !== '';

const CASES: { text: string; windowMin: number; include: (e: Event) => boolean }[] = [
  { text: 'triage last 15m', windowMin: 15, include: triageFailure },
  { text: 'triage last 40m', windowMin: 40, include: triageFailure },
  { text: 'why 500', windowMin: 15, include: (e) => e.responseCode === 500 },
  { text: '401s', windowMin: 15, include: (e) => e.responseCode === 401 },
  { text: 'why 404 last 30m', windowMin: 30, include: (e) => e.responseCode === 404 },
];

describe.each<DemoOptions['scenario']>(['contoso', 'fabrikam'])(
  'findings equal an independent count (%s)',
  (scenario) => {
    const opts: DemoOptions = { now: NOW, hours: 1.5, scenario };
    const events: Event[] = [...demoEvents(opts)];
    const ws = new Workspace();
    for (const t of generateDemoTables(opts)) ws.addTable(t);
    const service = new TriageService({
      source: new EmbeddedSource(ws, { name: scenario, now: () => NOW }),
      now: () => NOW,
    });

    it.each(CASES)('$text', async ({ text, windowMin, include }) => {
      const parsed = service.parse(text);
      if (!parsed.ok) throw new Error(parsed.error);
      const answer = (await service.run(parsed.command)) as Answer;
      expect(answer.type).toBe('answer');
      const expected = expectedFindings(events, windowMin, include);
      const got = new Map(
        answer.findings.map((f) => [
          keyOf(f.signature, f.responseCode, f.backendResponseCode, f.apis.length === 1 ? f.apis[0] : '*'),
          f,
        ]),
      );
      expect([...got.keys()].sort()).toEqual([...expected.keys()].sort());
      for (const [key, want] of expected) {
        const f = got.get(key)!;
        expect({ key, count: f.count, previousCount: f.previousCount, apis: f.apis, backends: f.backends }).toEqual({
          key,
          count: want.count,
          previousCount: want.previousCount,
          apis: [...want.apis].sort(),
          backends: [...want.backends].sort(),
        });
      }
    });

    it('the backend 500s that tripped a breaker are their own finding, and the two are linked', async () => {
      const parsed = service.parse('triage last 15m');
      if (!parsed.ok) throw new Error(parsed.error);
      const answer = (await service.run(parsed.command)) as Answer;
      const backend = scenario === 'fabrikam' ? 'bookings-svc' : 'shipping-backend';
      const breaker = answer.findings.find((f) => f.signature === 'circuit-breaker-open')!;
      const burst = answer.findings.find(
        (f) => f.signature === 'backend-error' && f.backendResponseCode === 500 && f.backends.includes(backend),
      )!;
      expect(burst.responseCode).toBe(500);
      expect(burst.apis).toHaveLength(1);
      expect(breaker.related).toEqual([expect.stringContaining(`#${burst.rank}`)]);
      expect(burst.related).toEqual([expect.stringContaining(`circuit breaker on ${backend}: see #${breaker.rank}`)]);
    });

    it('the incident is in the workspace under its own names', () => {
      const apis = new Set(events.map((e) => e.apiId));
      expect(apis.has(scenario === 'fabrikam' ? 'bookings-api' : 'orders-api')).toBe(true);
      expect(apis.has(scenario === 'fabrikam' ? 'orders-api' : 'bookings-api')).toBe(false);
    });
  },
);
