/**
 * Every finding is true to the rows: on the demo workspace and on a second generated workspace (other API
 * names, another incident), each finding's count, status codes, API and backends equal a count made here, in
 * plain TypeScript over the generated events, with the generator's own label of what each failure is. The
 * engine, the recipes and the classifier are not used to compute the expectation.
 */
import type { DemoOptions } from '../../src/logs/embedded/demo/generator';
import { NOW, answerOf, demoService, expectedFindings, findingsByKey, type Event } from './demoCounts';

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
    const { service, events } = demoService(opts);

    it.each(CASES)('$text', async ({ text, windowMin, include }) => {
      const answer = await answerOf(service, text);
      const expected = expectedFindings(events, windowMin, include);
      const got = findingsByKey(answer);
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
      const answer = await answerOf(service, 'triage last 15m');
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
