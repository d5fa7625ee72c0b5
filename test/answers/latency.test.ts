/**
 * "latency [on X] [window]", "slow requests on X": on the demo workspace in each physical schema, the percentiles
 * by API and operation, the backend/gateway split and the previous window's p95 equal a count made here over the
 * generated events (see demoCounts.ts), with percentiles by nearest rank (Kusto's definition).
 */
import type { AnswerSection } from '../../src/answer';
import type { Cell } from '../../src/kql/types';
import { SCHEMA_IDS } from '../../src/schema/physical';
import { str } from '../../src/recipes/interpret';
import { NOW, answerOf, demoService, inWindow, type Event } from './demoCounts';

/** The smallest value with at least p% of the values at or below it. */
function rank(values: number[], p: number): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.max(1, Math.ceil((p / 100) * sorted.length)) - 1];
}

interface Stats {
  Requests: number;
  P50: number | null;
  P95: number | null;
  P99: number | null;
  BackendP95: number | null;
  GatewayP95: number | null;
  PrevP95: number | null;
}

function statsOf(current: Event[], previous: Event[]): Stats {
  const total = current.map((e) => e.totalTime);
  return {
    Requests: current.length,
    P50: rank(total, 50),
    P95: rank(total, 95),
    P99: rank(total, 99),
    BackendP95: rank(
      current.map((e) => e.backendTime ?? 0),
      95,
    ),
    GatewayP95: rank(
      current.map((e) => e.totalTime - (e.backendTime ?? 0)),
      95,
    ),
    PrevP95: rank(
      previous.map((e) => e.totalTime),
      95,
    ),
  };
}

function groupBy(events: Event[], key: (e: Event) => string): Map<string, Event[]> {
  const out = new Map<string, Event[]>();
  for (const e of events) out.set(key(e), [...(out.get(key(e)) ?? []), e]);
  return out;
}

/** A section's rows as objects keyed by column name. */
function rowsOf(section: AnswerSection): Record<string, Cell>[] {
  return section.table.rows.map((r) => Object.fromEntries(section.table.columns.map((c, i) => [c.name, r[i]])));
}

const pick = (row: Record<string, Cell>, names: (keyof Stats)[]) => Object.fromEntries(names.map((k) => [k, row[k]]));

const CASES = [
  { text: 'latency', windowMin: 15, api: undefined },
  { text: 'latency last 1h', windowMin: 60, api: undefined },
  { text: 'slow requests on shipping-api', windowMin: 15, api: 'shipping-api' },
  { text: 'latency on payments-api last 30m', windowMin: 30, api: 'payments-api' },
];

describe.each(SCHEMA_IDS)('latency equals an independent count (%s)', (schema) => {
  const { service, events } = demoService({ now: NOW, hours: 2.5, schema });

  it.each(CASES)('$text', async ({ text, windowMin, api }) => {
    const answer = await answerOf(service, text);
    expect(answer.command.kind).toBe('latency');
    expect(answer.command.api).toBe(api);
    const scoped = (e: Event) => !api || e.apiId === api;
    const current = inWindow(events, windowMin).filter(scoped);
    // The previous window ends where the current one starts (both ends inclusive, as `between` is).
    const previous = inWindow(events, windowMin, windowMin).filter(
      (e) => scoped(e) && e.time < NOW.getTime() - windowMin * 60_000,
    );

    const all = statsOf(current, previous);
    expect(answer.summary).toContain(`p95 ${all.P95!.toLocaleString('en-US')} ms`);
    expect(answer.summary).toContain(`over ${current.length.toLocaleString('en-US')} requests`);

    const section = (name: string) => answer.sections.find((s) => s.table.name === name)!;
    const prevByApi = groupBy(previous, (e) => e.apiId);
    const wantApis = [...groupBy(current, (e) => e.apiId)].map(([id, evs]) => ({
      ApiId: id,
      ...statsOf(evs, prevByApi.get(id) ?? []),
    }));
    const apiColumns: (keyof Stats)[] = ['Requests', 'P50', 'P95', 'P99', 'BackendP95', 'GatewayP95', 'PrevP95'];
    const byApi = (a: { ApiId: Cell }, b: { ApiId: Cell }) => str(a.ApiId).localeCompare(str(b.ApiId));
    expect(
      rowsOf(section('apis'))
        .map((r) => ({ ApiId: r.ApiId, ...pick(r, apiColumns) }))
        .sort(byApi),
    ).toEqual(wantApis.sort(byApi));

    // Slowest operations: at least 5 requests, the 10 highest p95s.
    const opKey = (e: Event) => `${e.apiId} ${e.operationId}`;
    const prevByOp = groupBy(previous, opKey);
    const ops = [...groupBy(current, opKey)]
      .filter(([, evs]) => evs.length >= 5)
      .map(([key, evs]) => ({ key, ...statsOf(evs, prevByOp.get(key) ?? []) }));
    const got = rowsOf(section('operations'));
    expect(got).toHaveLength(Math.min(10, ops.length));
    const opColumns: (keyof Stats)[] = ['Requests', 'P95', 'BackendP95', 'GatewayP95', 'PrevP95'];
    for (const row of got) {
      const want = ops.find((o) => o.key === `${str(row.ApiId)} ${str(row.OperationId)}`)!;
      expect(pick(row, opColumns)).toEqual(pick(want as unknown as Record<string, Cell>, opColumns));
    }
    const lowestShown = Math.min(...got.map((r) => Number(r.P95)));
    const shown = new Set(got.map((r) => `${str(r.ApiId)} ${str(r.OperationId)}`));
    for (const o of ops) if (!shown.has(o.key)) expect(o.P95!).toBeLessThanOrEqual(lowestShown);
  });

  it('says where the time goes when the backend is slow: shipping-api in the minutes its backend failed slowly', async () => {
    // Between 14 and 9 minutes before the end the shipping backend answered 500 after 0.8 to 4 s.
    const answer = await answerOf(service, `latency on shipping-api between 14:16 and 14:21 UTC`);
    expect(answer.verdict).toMatch(/the backend is slow: backend time is [\d,]+ ms of the [\d,]+ ms at p95/);
  });
});
