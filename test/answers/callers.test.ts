/**
 * "callers of <signature> on X", "who is calling X with a bad key": on the demo workspace in each physical schema,
 * the caller IPs and the APIM subscriptions and products behind a signature equal a count made here over the
 * generated events, with the generator's own label of each failure (see demoCounts.ts).
 */
import type { AnswerSection } from '../../src/answer';
import { str } from '../../src/recipes/interpret';
import { SCHEMA_IDS } from '../../src/schema/physical';
import { NOW, answerOf, demoService, inWindow, labelOf, type Event } from './demoCounts';

function tally(events: Event[], key: (e: Event) => string): Record<string, number> {
  const out: Record<string, number> = {};
  for (const e of events) out[key(e)] = (out[key(e)] ?? 0) + 1;
  return out;
}

function sectionTally(section: AnswerSection, keyColumns: string[]): Record<string, number> {
  const at = (name: string) => section.table.columns.findIndex((c) => c.name === name);
  const out: Record<string, number> = {};
  for (const row of section.table.rows) {
    const key = keyColumns.map((c) => str(row[at(c)])).join(' ');
    out[key] = (out[key] ?? 0) + Number(row[at('Requests')]);
  }
  return out;
}

/** The shown groups are the `limit` largest, each with its true count. */
function expectTop(shown: Record<string, number>, all: Record<string, number>, limit: number): void {
  expect(Object.keys(shown)).toHaveLength(Math.min(limit, Object.keys(all).length));
  for (const [key, count] of Object.entries(shown)) expect({ key, count }).toEqual({ key, count: all[key] });
  const smallestShown = Math.min(...Object.values(shown));
  for (const [key, count] of Object.entries(all)) if (!(key in shown)) expect(count).toBeLessThanOrEqual(smallestShown);
}

const CASES = [
  {
    text: 'who is calling orders-api with a bad key',
    windowMin: 15,
    api: 'orders-api',
    ids: ['subscription-key-invalid', 'subscription-not-found'],
  },
  { text: 'callers of rate-limited last 30m', windowMin: 30, api: undefined, ids: ['rate-limited'] },
  { text: 'callers of jwt-invalid', windowMin: 15, api: undefined, ids: ['jwt-invalid'] },
];

describe.each(SCHEMA_IDS)('callers equal an independent count (%s)', (schema) => {
  const { service, events } = demoService({ now: NOW, hours: 1, schema });

  it.each(CASES)('$text', async ({ text, windowMin, api, ids }) => {
    const answer = await answerOf(service, text);
    expect(answer.command).toMatchObject({ kind: 'callers', signatures: ids });
    const matched = inWindow(events, windowMin).filter(
      (e) => ids.includes(labelOf(e) ?? '') && (!api || e.apiId === api),
    );
    // The demo's incident has these callers: the test is about something.
    expect(matched.length).toBeGreaterThan(10);

    const section = (name: string) => answer.sections.find((s) => s.table.name === name)!;
    expectTop(
      sectionTally(section('callers'), ['CallerIpAddress', 'ApimSubscriptionId', 'ProductId', 'ApiId']),
      tally(matched, (e) => [e.callerIp, e.apimSubscriptionId, e.productId, e.apiId].join(' ')),
      50,
    );
    expectTop(
      sectionTally(section('subscriptions'), ['ApimSubscriptionId', 'ProductId']),
      tally(matched, (e) => [e.apimSubscriptionId, e.productId].join(' ')),
      20,
    );
    const ips = new Set(matched.map((e) => e.callerIp)).size;
    const subs = new Set(matched.map((e) => e.apimSubscriptionId).filter(Boolean)).size;
    const where = api ? ` on ${api}` : '';
    expect(answer.summary).toBe(
      `${matched.length.toLocaleString('en-US')} requests of ${ids.join(' or ')}${where} in the last ${windowMin}m, from ${ips} IP addresses and ${subs} APIM subscriptions`,
    );
  });
});
