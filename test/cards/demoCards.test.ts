/**
 * The cards the bot really sends for the demo incident (parse -> recipe on the embedded demo workspace ->
 * interpret -> render at the bot's budget), checked for what a reader at 560 px needs.
 */
import { loadConfig } from '../../src/config';
import { createTriage } from '../../src/triage';
import type { Answer, BotReply } from '../../src/answer';
import {
  cardBytes,
  cardToText,
  renderReply,
  CARD_BUDGET_BYTES,
  MIN_DETAILED,
  type AdaptiveCard,
} from '../../src/cards';
import { chartsOf, validateCard } from './validateCard';
import { MAX_CHART_POINTS } from '../../src/cards/timeline';

const NOW = new Date('2026-11-23T14:30:00Z');
const { triage } = createTriage(loadConfig({ NODE_ENV: 'development' }), { now: NOW });

async function answer(text: string): Promise<Answer> {
  const parsed = triage.parse(text, { now: NOW });
  if (!parsed.ok) throw new Error(parsed.error);
  const reply: BotReply = await triage.run(parsed.command, {});
  if (reply.type !== 'answer') throw new Error(`expected an answer for "${text}", got ${reply.type}`);
  return reply;
}

type Node = Record<string, unknown>;
function find(card: object, pred: (n: Node) => boolean): Node[] {
  const out: Node[] = [];
  const visit = (v: unknown): void => {
    if (Array.isArray(v)) return v.forEach(visit);
    if (!v || typeof v !== 'object') return;
    if (pred(v as Node)) out.push(v as Node);
    Object.values(v as Node).forEach(visit);
  };
  visit(card);
  return out;
}
/** The section container whose first item is the given title. */
function section(card: AdaptiveCard, title: string): Node {
  const s = (card.body as Node[]).find((b) => (b.items as Node[] | undefined)?.[0]?.text === title);
  if (!s) throw new Error(`no section "${title}"`);
  return s;
}
const tableOf = (s: Node) =>
  find(s, (i) => i.type === 'Table')[0] as unknown as {
    columns: { width: number | string; horizontalCellContentAlignment: string }[];
    rows: { cells: { items: { text: string }[] }[] }[];
  };
const rowTexts = (t: ReturnType<typeof tableOf>) => t.rows.map((r) => r.cells.map((c) => c.items[0].text));

function check(card: AdaptiveCard): void {
  expect(validateCard(card)).toEqual([]);
  expect(JSON.stringify(card)).not.toMatch(/\$\{/);
  expect(cardBytes(card)).toBeLessThan(CARD_BUDGET_BYTES);
  for (const chart of chartsOf(card)) expect((chart.fallback as Node).type).toBe('TextBlock');
}

const render = (a: Answer) => renderReply(a, { now: NOW, budgetBytes: CARD_BUDGET_BYTES });

describe('demo cards at the bot budget', () => {
  test('triage: the verdict first, five findings, single requests in one line, the rest behind "Show N more"', async () => {
    const a = await answer('triage last 15m');
    const card = render(a);
    check(card);
    expect(cardBytes(card)).toBeLessThanOrEqual(CARD_BUDGET_BYTES);
    const text = cardToText(card);
    const lines = text.split('\n');
    // The second line after the title and window: what to do now, from the top finding.
    expect(lines[2]).toMatch(
      /^Backend certificate rejected by the gateway \(TLS trust\) on payments-api → payments-backend \(92% of its requests\): make the gateway trust the backend certificate: .+\.$/,
    );
    // Read whole: one sentence, never cut with an ellipsis.
    expect(lines[2]).not.toContain('…');
    const shown = lines.filter((l) => /^\d+ \| .+ \| [\d,]+ \/ /.test(l));
    const behind = lines.filter((l) => /^ {2}\d+\. .+ · [\d,]+ \(.+\)$/.test(l));
    const singles = a.findings.filter((f) => f.count === 1);
    expect(a.findings.length).toBeGreaterThanOrEqual(10);
    expect(shown).toHaveLength(5);
    expect(behind).toHaveLength(a.findings.length - 5);
    const also = lines.find((l) => l.startsWith('Also seen'));
    expect(also).toBe(
      `Also seen, one request each: ${singles.map((f) => `${f.apis[0]} ${f.responseCode}`).join(' · ')}`,
    );
    expect(text).toContain(`[Show ${a.findings.length - 5} more]`);
    // A row names the APIs and backends, the status, the count and the trend.
    expect(shown[0]).toMatch(
      /^1 \| .+ \/ payments-api → payments-backend · HTTP 500, backend not reached · .+ \| 500 \/ new$/,
    );
    const details = find(card, (n) => typeof n.id === 'string' && /^finding-\d+$/.test(n.id));
    // Details of the shown findings are the first thing the budget takes, never below MIN_DETAILED.
    expect(details.length).toBeGreaterThanOrEqual(MIN_DETAILED);
    expect(details.length).toBeLessThanOrEqual(5);
    const toggles = find(card, (n) => (n.selectAction as Node | undefined)?.type === 'Action.ToggleVisibility');
    expect(toggles).toHaveLength(details.length);
    expect(text).not.toMatch(/more signatures|CLI/);
    const [chart] = chartsOf(card);
    expect(chart.type).toBe('Chart.Line');
    const series = chart.data as { legend: string; values: { x: string; y: number }[] }[];
    expect(series.map((s) => s.legend)).toEqual(['Failed requests', 'All requests']);
    // At most MAX_CHART_POINTS points, so every HH:mm label fits under its tick.
    expect(series[0].values.length).toBeGreaterThanOrEqual(4);
    expect(series[0].values.length).toBeLessThanOrEqual(MAX_CHART_POINTS);
    expect(series[0].values[0].x).toMatch(/^\d\d:\d\d$/);
    const failed = series[0].values.reduce((s, v) => s + v.y, 0);
    expect(failed).toBe(a.findings.reduce((s, f) => s + f.count, 0));
    expect(cardToText({ body: [chart] })).toMatch(
      /^Failed requests per minute: peak [\d,]+ at \d\d:\d\d \(of [\d,]+ requests\); 1,211 in 15 bins from 14:15 to 14:29\.$/,
    );
  });

  test('triage at the bot budget: the distribution table is back behind its toggle, largest rows first', async () => {
    const a = await answer('triage last 15m');
    const card = render(a);
    const s = section(card, 'Failures by status, reason and source');
    const rows = rowTexts(tableOf(s)).slice(1);
    expect(rows.length).toBeGreaterThanOrEqual(3);
    const counts = rows.map((r) => Number(r[4].replace(/,/g, '')));
    expect(counts).toEqual([...counts].sort((x, y) => y - x));
    expect(counts[0]).toBe(Math.max(...a.findings.map((f) => f.count)));
    const text = cardToText({ body: [s] });
    const all = a.sections.find((x) => x.title === 'Failures by status, reason and source')!.table.rows.length;
    expect(text).toContain(`[Show top ${rows.length} of ${all} rows]`);
    // The long names a phone cuts are said whole under the table.
    expect(text).toMatch(/In full: .*BackendConnectionFailure/);
  });

  test('triage distribution: human headers, sized widths, codes left and counts right', async () => {
    // The table's shaping, given room for its rows (at the bot budget they are the first thing cut after details).
    const card = renderReply(await answer('triage last 15m'), { now: NOW, budgetBytes: 40 * 1024 });
    const t = tableOf(section(card, 'Failures by status, reason and source'));
    expect(rowTexts(t)[0]).toEqual(['Status', 'Reason', 'Source', 'Signature', 'Requests']);
    const widths = t.columns.map((c) => c.width);
    // The status code and the count get fixed pixels (never wrapped); the three names share the rest by weight.
    expect(widths.map((w) => typeof w)).toEqual(['string', 'number', 'number', 'number', 'string']);
    expect(widths[0]).toMatch(/^\d+px$/);
    expect(widths[4]).toMatch(/^\d+px$/);
    expect(t.columns.map((c) => c.horizontalCellContentAlignment)).toEqual(['Left', 'Left', 'Left', 'Left', 'Right']);
  });

  test('401s: the scoping table fits a phone, short subscription ids, the message said once', async () => {
    const card = render(await answer('401s'));
    check(card);
    const s = section(card, 'Product-scoping misses: callers and APIM subscriptions');
    const t = tableOf(s);
    const rows = rowTexts(t);
    // Five columns of an IP, two names, a count and a time are wider than a phone: the time is left out, and said so.
    expect(rows[0]).toEqual(['Caller IP', 'API / operation', 'Subscription', 'Requests']);
    expect(cardToText({ body: [s] })).toContain('Not shown, to fit a phone: Last seen ("Show KQL" has the query).');
    for (const r of rows.slice(1)) {
      expect(r[2]).toMatch(/^[0-9a-f]{8}…$/);
      expect(r[3]).toMatch(/^\d+$/);
      expect(r.join(' ')).not.toContain('Access denied');
    }
    const lead = (s.items as Node[])
      .filter((i) => i.type === 'TextBlock' && String(i.text).startsWith('Message'))
      .map((i) => String(i.text));
    expect(lead[0]).toMatch(/^Message \(\d+ rows\): Access denied. Reason: Subscription not found$/);
  });

  test('breaker: verdict on top, one row per 30 s bin, and a grouped bar chart of backend 5xx vs 503', async () => {
    const a = await answer('breaker shipping-backend');
    const card = render(a);
    check(card);
    const text = cardToText(card);
    expect(text).not.toContain('No failures matched');
    expect(text.indexOf(a.verdict!)).toBeLessThan(text.indexOf('Before the trip'));
    const s = section(card, 'Before the trip (30 s bins)');
    const rows = rowTexts(tableOf(s));
    expect(rows[0]).toEqual(['Time', 'Requests', 'Backend 5xx', 'Gateway 503 (breaker)', 'Other failures']);
    const times = rows.slice(1).map((r) => r[0]);
    expect(new Set(times).size).toBe(times.length);
    expect([...times].sort()).toEqual(times);
    const secs = times.map((t) => {
      const [h, m, x] = t.split(':').map(Number);
      return h * 3600 + m * 60 + x;
    });
    for (let i = 1; i < secs.length; i++) expect(secs[i] - secs[i - 1]).toBe(30);
    expect(rows.length - 1).toBe(secs.length);
    expect(text).not.toMatch(/more rows/);
    // The burst of backend 500s, then the breaker's 503s: both visible in the rows, in that order.
    const first5xx = rows.slice(1).findIndex((r) => Number(r[2]) > 0);
    const first503 = rows.slice(1).findIndex((r) => Number(r[3]) > 0);
    expect(first5xx).toBeGreaterThanOrEqual(0);
    expect(first503).toBeGreaterThan(first5xx);
    const [chart] = chartsOf(card);
    expect(chart.type).toBe('Chart.VerticalBar.Grouped');
    expect((chart.data as { legend: string }[]).map((d) => d.legend)).toEqual(['Backend 5xx', 'Gateway 503 (breaker)']);
    expect(cardToText({ body: [chart] })).toMatch(
      /^Backend 5xx per 30 s: [\d,]+ in all, peak \d+ at \d\d:\d\d:\d\d; gateway 503s \(breaker open\) from \d\d:\d\d:\d\d/,
    );
    // The chart merges 30 s bins so that at most MAX_CHART_POINTS labels share the axis; the table keeps every bin.
    const bars = (chart.data as { values: { x: string; y: number }[] }[])[0].values;
    expect(bars.length).toBeLessThanOrEqual(MAX_CHART_POINTS);
    expect(bars.reduce((sum, v) => sum + v.y, 0)).toBe(rows.slice(1).reduce((sum, r) => sum + Number(r[2]), 0));
  });

  test('latency: p95 and backend p95 over time, merged by their worst minute (a percentile never adds up)', async () => {
    const a = await answer('latency');
    const card = render(a);
    check(card);
    const [chart] = chartsOf(card);
    expect(chart.type).toBe('Chart.Line');
    const series = chart.data as { legend: string; values: { x: string; y: number }[] }[];
    expect(series.map((s) => s.legend)).toEqual(['p95', 'Backend p95']);
    expect(series[0].values.length).toBeLessThanOrEqual(MAX_CHART_POINTS);
    // The worst minute of the timeline rows, read straight from the answer's table.
    const timeline = a.sections.find((s) => s.chart?.kind === 'line')!;
    const iP95 = timeline.table.columns.findIndex((c) => c.name === 'P95');
    const worst = Math.max(...timeline.table.rows.map((r) => Number(r[iP95])));
    expect(Math.max(...series[0].values.map((v) => v.y))).toBe(worst);
    expect(cardToText({ body: [chart] })).toMatch(
      new RegExp(
        `^p95 per minute: peak ${worst.toLocaleString('en-US')} ms at \\d\\d:\\d\\d \\(backend p95 [\\d,]+ ms\\); lowest`,
      ),
    );
  });

  test('401s: a bar chart of the 401s by signature, largest first, with the numbers in its fallback', async () => {
    const a = await answer('401s');
    const card = render(a);
    check(card);
    const [chart] = chartsOf(card);
    expect(chart.type).toBe('Chart.VerticalBar.Grouped');
    const bars = (chart.data as { values: { x: string; y: number }[] }[])[0].values;
    const breakdown = a.sections.find((s) => s.title === '401s by reason and message')!;
    const iSig = breakdown.table.columns.findIndex((c) => c.name === 'Signature');
    const iReq = breakdown.table.columns.findIndex((c) => c.name === 'Requests');
    const per = new Map<string, number>();
    for (const r of breakdown.table.rows) {
      const sig = r[iSig] as string;
      per.set(sig, (per.get(sig) ?? 0) + Number(r[iReq]));
    }
    expect(bars).toEqual([...per].sort((x, y) => y[1] - x[1]).map(([x, y]) => ({ x, y })));
    expect(cardToText({ body: [chart] })).toBe(
      `Requests by signature: ${bars.map((b) => `${b.x} ${b.y.toLocaleString('en-US')}`).join(', ')}.`,
    );
  });

  test('apis: no contradicting "No failures matched" line; Failure % header', async () => {
    const card = render(await answer('apis'));
    check(card);
    const text = cardToText(card);
    expect(text).not.toContain('No failures matched');
    expect(rowTexts(tableOf(section(card, 'APIs in the window')))[0]).toEqual([
      'API',
      'Requests',
      'Failures',
      '5xx',
      'Failure %',
    ]);
    expect(text).toContain('Not shown, to fit a phone: Last seen');
  });

  test('tls: no sample URL column; first/last seen merged into one time range', async () => {
    const card = render(await answer('tls'));
    check(card);
    const rows = rowTexts(tableOf(section(card, 'Affected API/backend pairs')));
    expect(rows[0]).toEqual(['Signature', 'API', 'Backend', 'Failures', 'Seen']);
    expect(rows[1][4]).toMatch(/^\d\d:\d\d:\d\d–\d\d:\d\d:\d\d$/);
    expect(JSON.stringify(tableOf(section(card, 'Affected API/backend pairs')))).not.toMatch(/https?:\/\//);
  });

  test('why 401 / why 500 / breakers are valid and within budget', async () => {
    for (const text of ['why 401 on orders-api', 'why 500 on payments-api', 'breakers'])
      check(render(await answer(text)));
  });
});
