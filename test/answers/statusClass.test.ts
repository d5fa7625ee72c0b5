/**
 * "5xx", "4xx", "why 5xx on X": on the demo workspace in each physical schema, the findings and the split by who
 * produced the responses equal a count made here over the generated events (see demoCounts.ts).
 */
import { SCHEMA_IDS } from '../../src/schema/physical';
import { str } from '../../src/recipes/interpret';
import { NOW, answerOf, demoService, expectedFindings, inWindow, findingsByKey, type Event } from './demoCounts';

/** Who produced a response, as the answer explains it: the client left, the backend said it, the gateway, a policy. */
const GATEWAY_STAGES = new Set([
  'configuration',
  'authorization',
  'forward-request',
  'send-request',
  'request-forwarder',
]);
function producerOf(e: Event): string {
  if (e.lastErrorReason.toLowerCase() === 'clientconnectionfailure') return 'client';
  if (e.backendResponseCode === e.responseCode) return 'backend';
  if (e.lastErrorSource === '' || GATEWAY_STAGES.has(e.lastErrorSource.toLowerCase())) return 'gateway';
  return 'policy';
}

const CASES = [
  { text: '5xx', windowMin: 15, low: 500, api: undefined },
  { text: '4xx last 30m', windowMin: 30, low: 400, api: undefined },
  { text: 'why 5xx on shipping-api', windowMin: 15, low: 500, api: 'shipping-api' },
  { text: '4xx on orders-api last 1h', windowMin: 60, low: 400, api: 'orders-api' },
];

describe.each(SCHEMA_IDS)('status classes equal an independent count (%s)', (schema) => {
  const { service, events } = demoService({ now: NOW, hours: 2.5, schema });

  it.each(CASES)('$text', async ({ text, windowMin, low, api }) => {
    const answer = await answerOf(service, text);
    expect(answer.command).toMatchObject({ kind: 'statusClass', statusClass: `${low / 100}xx` });
    expect(answer.command.api).toBe(api);
    const inClass = (e: Event) => e.responseCode >= low && e.responseCode < low + 100 && (!api || e.apiId === api);

    const expected = expectedFindings(events, windowMin, inClass);
    const got = new Map(
      [...findingsByKey(answer)].map(([k, f]) => [k, { count: f.count, previousCount: f.previousCount }]),
    );
    const want = new Map([...expected].map(([k, v]) => [k, { count: v.count, previousCount: v.previousCount }]));
    expect(Object.fromEntries(got)).toEqual(Object.fromEntries(want));
    // Ranked like triage: scores never rise down the list.
    const scores = answer.findings.map((f) => f.score);
    expect(scores).toEqual([...scores].sort((a, b) => b - a));

    const producers = new Map<string, number>();
    for (const e of inWindow(events, windowMin).filter(inClass))
      producers.set(producerOf(e), (producers.get(producerOf(e)) ?? 0) + 1);
    const section = answer.sections.find((s) => s.table.name === 'producers')!;
    const gotProducers = new Map<string, number>();
    for (const row of section.table.rows)
      gotProducers.set(str(row[0]), (gotProducers.get(str(row[0])) ?? 0) + Number(row[2]));
    expect(Object.fromEntries(gotProducers)).toEqual(Object.fromEntries(producers));

    const total = [...producers.values()].reduce((s, x) => s + x, 0);
    expect(answer.summary).toContain(`${total.toLocaleString('en-US')} requests answered ${low / 100}xx`);
    expect(answer.verdict).toContain(
      `Who produced the ${low / 100}xx responses (${total.toLocaleString('en-US')} requests)`,
    );
  });
});
