/**
 * "compare with yesterday", "triage last 1h vs last week", "latency vs yesterday": on the demo workspace in each
 * physical schema, with its baseline slices a day and a week back, every finding's count and compared count and
 * every API's p95 against the baseline equal a count made here over the generated events (see demoCounts.ts).
 */
import type { AnswerSection } from '../../src/answer';
import type { Cell } from '../../src/kql/types';
import { SCHEMA_IDS } from '../../src/schema/physical';
import { str } from '../../src/recipes/interpret';
import {
  NOW,
  answerOf,
  demoService,
  expectedFindings,
  inBaseline,
  inWindow,
  findingsByKey,
  type Event,
} from './demoCounts';

const DAY_MIN = 24 * 60;
const WEEK_MIN = 7 * DAY_MIN;
const triageFailure = (e: Event) => e.responseCode >= 400 || e.lastErrorReason !== '';

/** The smallest value with at least p% of the values at or below it (Kusto's percentile by nearest rank). */
function rank(values: number[], p: number): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.max(1, Math.ceil((p / 100) * sorted.length)) - 1];
}

function rowsOf(section: AnswerSection): Record<string, Cell>[] {
  return section.table.rows.map((r) => Object.fromEntries(section.table.columns.map((c, i) => [c.name, r[i]])));
}

const TRIAGE_CASES = [
  {
    text: 'compare with yesterday',
    windowMin: 15,
    shiftMin: DAY_MIN,
    api: undefined,
    note: 'Compared with the same 15m yesterday, 14:15–14:30 UTC on 2026-11-22.',
  },
  {
    text: 'triage last 1h vs last week',
    windowMin: 60,
    shiftMin: WEEK_MIN,
    api: undefined,
    note: 'Compared with the same 1h last week, 13:30–14:30 UTC on 2026-11-16.',
  },
  {
    text: 'triage on orders-api last 30m vs yesterday',
    windowMin: 30,
    shiftMin: DAY_MIN,
    api: 'orders-api',
    note: 'Compared with the same 30m yesterday, 14:00–14:30 UTC on 2026-11-22.',
  },
];

const LATENCY_CASES = [
  { text: 'latency vs yesterday', windowMin: 15, shiftMin: DAY_MIN, api: undefined, phrase: 'the same 15m yesterday' },
  {
    text: 'latency on payments-api last 30m vs last week',
    windowMin: 30,
    shiftMin: WEEK_MIN,
    api: 'payments-api',
    phrase: 'the same 30m last week',
  },
];

describe.each(SCHEMA_IDS)('comparing with a baseline equals an independent count (%s)', (schema) => {
  const { service, events } = demoService({ now: NOW, hours: 2.5, schema, baselineHours: 1 });

  it.each(TRIAGE_CASES)('$text', async ({ text, windowMin, shiftMin, api, note }) => {
    const answer = await answerOf(service, text);
    expect(answer.command.kind).toBe('triage');
    expect(answer.notes).toContain(note);
    const include = (e: Event) => triageFailure(e) && (!api || e.apiId === api);
    const expected = expectedFindings(events, windowMin, include, shiftMin);
    // The baseline holds the steady failures, so some findings are not new against it.
    expect([...expected.values()].some((x) => x.previousCount > 0)).toBe(true);
    const got = findingsByKey(answer);
    expect([...got.keys()].sort()).toEqual([...expected.keys()].sort());
    for (const [key, want] of expected) {
      const f = got.get(key)!;
      expect({ key, count: f.count, previousCount: f.previousCount }).toEqual({
        key,
        count: want.count,
        previousCount: want.previousCount,
      });
    }
    const length = `${windowMin < 60 ? `${windowMin}m` : `${windowMin / 60}h`}`;
    const againstBaseline = shiftMin === DAY_MIN ? `the same ${length} yesterday` : `the same ${length} last week`;
    expect(answer.findings.every((f) => f.why.some((w) => w.includes(againstBaseline)))).toBe(true);
  });

  it.each(LATENCY_CASES)('$text', async ({ text, windowMin, shiftMin, api, phrase }) => {
    const answer = await answerOf(service, text);
    expect(answer.command.kind).toBe('latency');
    const scoped = (e: Event) => !api || e.apiId === api;
    const current = inWindow(events, windowMin).filter(scoped);
    const base = events.filter((e) => scoped(e) && inBaseline(e, windowMin, shiftMin));
    expect(base.length).toBeGreaterThan(0);
    expect(answer.verdict).toContain(phrase);

    const apis = new Set(current.map((e) => e.apiId));
    const want = [...apis].sort().map((id) => ({
      ApiId: id,
      PrevP95: rank(
        base.filter((e) => e.apiId === id).map((e) => e.totalTime),
        95,
      ),
    }));
    const section = answer.sections.find((s) => s.table.name === 'apis')!;
    const got = rowsOf(section)
      .map((r) => ({ ApiId: r.ApiId, PrevP95: r.PrevP95 }))
      .sort((a, b) => str(a.ApiId).localeCompare(str(b.ApiId)));
    expect(got).toEqual(want);
  });
});

describe('a baseline the workspace does not hold', () => {
  const { service } = demoService({ now: NOW, hours: 1, schema: 'resource-specific' });

  it('says the compared window has no logs rather than calling every failure new without a word', async () => {
    const answer = await answerOf(service, 'triage vs last week');
    expect(answer.notes.some((n) => n.startsWith('No gateway requests were logged in the compared window'))).toBe(true);
    const latency = await answerOf(service, 'latency vs yesterday');
    expect(latency.verdict).toContain('no requests in the same 15m yesterday to compare');
    expect(latency.notes.some((n) => n.startsWith('No gateway requests were logged in the compared window'))).toBe(
      true,
    );
  });
});
