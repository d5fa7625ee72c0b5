import {
  renderReply,
  renderRunningCard,
  renderKqlCard,
  cardBytes,
  cardToText,
  CARD_BUDGET_BYTES,
  expand,
  CardRenderError,
} from '../../src/cards';
import type { Answer } from '../../src/answer';
import { chartsOf, validateCard } from './validateCard';
import { bigAnswer, demoAnswer, demoError, demoHelp, NOW, triageCommand } from './fixtures';

const opts = { now: NOW, timeZone: 'Europe/Berlin' };

function checkCard(card: object): void {
  expect(validateCard(card)).toEqual([]);
  const json = JSON.stringify(card);
  expect(json).not.toMatch(/\$\{/);
  expect(cardBytes(card)).toBeLessThan(CARD_BUDGET_BYTES);
  expect((card as { version: string }).version).toBe('1.5');
}

/** Every Action.Execute anywhere in the card, with its data. */
function executes(card: object): { verb: string; data: { verb: string; command: string } }[] {
  const out: { verb: string; data: { verb: string; command: string } }[] = [];
  JSON.stringify(card, (_k, v: unknown) => {
    if (v && typeof v === 'object' && (v as { type?: string }).type === 'Action.Execute')
      out.push(v as { verb: string; data: { verb: string; command: string } });
    return v;
  });
  return out;
}

describe('answer card', () => {
  const card = renderReply(demoAnswer, opts);
  const text = cardToText(card);

  test('is a valid 1.5 card with no unresolved bindings, under budget', () => checkCard(card));

  test('ranks the demo incident with counts, codes, APIs and backends', () => {
    const rows = text.split('\n').filter((l) => /^\d+ \| /.test(l));
    expect(rows[0]).toBe(
      '1 | Backend TLS certificate rejected / payments-api → payments-backend · HTTP 500, backend not reached · backend fault | 1,204 / new',
    );
    expect(rows[1]).toMatch(/^2 \| Circuit breaker open \/ shipping-api → shipping-backend · HTTP 503/);
    expect(rows).toHaveLength(5);
  });

  test('each finding expands to explanation, causes, fix and next command', () => {
    const body = (card as { body: Record<string, unknown>[] }).body;
    const rows = body.filter(
      (b) =>
        b.type === 'Container' && Array.isArray(b.items) && (b.items as { type: string }[])[0]?.type === 'ColumnSet',
    );
    expect(rows).toHaveLength(5);
    const [head, detail] = rows[0].items as Record<string, unknown>[];
    expect(head.selectAction).toEqual({
      type: 'Action.ToggleVisibility',
      title: 'Details',
      targetElements: ['finding-1'],
    });
    expect(detail).toMatchObject({ type: 'Container', id: 'finding-1', isVisible: false });
    const detailText = cardToText({ body: [detail] });
    expect(detailText).toContain('refused the certificate');
    expect(detailText).toContain('• Private CA not uploaded to APIM');
    expect(detailText).toContain('1. Check the certificate on https://payments.corp.contoso.local');
    expect(detailText).toContain('[Next: tls last 1h]');
  });

  test('buttons are Action.Execute with {verb, command} data only', () => {
    const ex = executes(card);
    expect(ex.map((e) => e.verb)).toEqual(expect.arrayContaining(['refresh', 'drill']));
    for (const e of ex) expect(Object.keys(e.data).sort()).toEqual(['command', 'verb']);
    expect(ex.find((e) => e.verb === 'refresh')!.data).toEqual({ verb: 'refresh', command: 'triage last 15m' });
    expect(ex.filter((e) => e.verb === 'drill').map((e) => e.data.command)).toContain('breaker shipping-backend');
    expect((card as { refresh: { action: { verb: string } } }).refresh.action.verb).toBe('refresh');
  });

  test('window in UTC and in the user zone; footer has freshness, workspace, schema, rows, time, who asked', () => {
    expect(text).toContain('last 15 min · 2026-11-23 14:18–14:33 UTC (15:18–15:33 Europe/Berlin)');
    expect(text).toContain('Logs complete to 14:27 UTC, about 6 min behind');
    expect(text).toContain('Workspace demo (embedded engine), resource-specific schema');
    expect(text).toContain('182,340 rows examined · query 84 ms · 2 queries');
    expect(text).toContain('Asked by Ada Lovelace at 14:33:00 UTC: "triage last 15m"');
    expect(text).toContain('Logs are about 6 min behind');
  });

  test('an invalid client time zone falls back to UTC only', () => {
    const t = cardToText(renderReply(demoAnswer, { now: NOW, timeZone: 'Mars/Olympus' }));
    expect(t).toContain('last 15 min · 2026-11-23 14:18–14:33 UTC\n');
  });

  test('KQL sits in a collapsed monospace section, verbatim', () => {
    const body = (card as { body: Record<string, unknown>[] }).body;
    const kql = body.find((b) => b.id === 'kql') as { isVisible: boolean; items: Record<string, unknown>[] };
    expect(kql.isVisible).toBe(false);
    const run = (kql.items[1] as { inlines: { text: string; fontType: string }[] }).inlines[0];
    expect(run.fontType).toBe('Monospace');
    expect(run.text).toBe(demoAnswer.kql);
  });

  test('sections render as Table elements with a header row', () => {
    const body = (card as { body: Record<string, unknown>[] }).body;
    const section = body.find((b) => JSON.stringify(b).includes('"type":"Table"')) as {
      items: Record<string, unknown>[];
    };
    const holder = section.items[1] as { items: Record<string, unknown>[] };
    const table = holder.items[0] as { type: string; firstRowAsHeaders: boolean; columns: unknown[]; rows: unknown[] };
    expect(table.type).toBe('Table');
    expect(table.firstRowAsHeaders).toBe(true);
    expect(table.columns).toHaveLength(4);
    expect(table.rows).toHaveLength(5);
    // Short headers, times as HH:MM:SS (the window is on the card); counts and times get the pixels they need,
    // the name column shares the rest by weight.
    expect(text).toContain('API | Requests | Failed | Last seen');
    expect(text).toContain('payments-api | 2,870 | 1,204 | 14:32:41');
    const widths = (table.columns as { width: number | string }[]).map((c) => c.width);
    expect(typeof widths[0]).toBe('number');
    for (const w of widths.slice(1)) expect(w).toMatch(/^\d+px$/);
  });

  test('log strings cannot inject markup, mentions, bindings or secrets', () => {
    const json = JSON.stringify(card);
    const has = (s: string) => json.includes(s);
    expect(has('0123456789abcdef0123456789abcdef')).toBe(false);
    expect(has('eyJhbGciOiJSUzI1NiJ9')).toBe(false);
    // The URL is shown as Markdown, so there the marker's brackets arrive escaped; the message is verbatim.
    expect(has('subscription-key=\\\\[REDACTED\\\\]')).toBe(true);
    expect(has('Authorization: Bearer [REDACTED]')).toBe(true);
    expect(has('<at>')).toBe(false);
    expect(has('with \\\\*markdown\\\\*')).toBe(true);
    expect(/\$\{injected\}/.test(json)).toBe(false);
  });

  test('an answer with no findings says so', () => {
    const empty: Answer = {
      ...demoAnswer,
      findings: [],
      sections: [],
      notes: [],
      verdict: undefined,
      freshness: undefined,
      requestedBy: undefined,
    };
    const c = renderReply(empty, opts);
    checkCard(c);
    expect(cardToText(c)).toContain('No failures matched in this window.');
    // Empty section tables do not count as something found.
    const emptySection = { ...demoAnswer.sections[0], table: { ...demoAnswer.sections[0].table, rows: [] } };
    const t = cardToText(renderReply({ ...empty, sections: [emptySection] }, opts));
    expect(t).toContain('No failures matched in this window.');
    expect(t).toContain('No rows in this window.');
  });

  test('"No failures matched" never contradicts section rows or a verdict', () => {
    const noFindings: Answer = { ...demoAnswer, findings: [] };
    expect(cardToText(renderReply(noFindings, opts))).not.toContain('No failures matched');
    const verdictOnly: Answer = { ...noFindings, sections: [], verdict: 'The backend was failing before the trip' };
    expect(cardToText(renderReply(verdictOnly, opts))).not.toContain('No failures matched');
  });

  test('verdict and portal link show when present', () => {
    const c = renderReply(
      { ...demoAnswer, verdict: 'shipping-breaker tripped after 212 backend 500s' },
      { ...opts, portalLink: 'https://portal.azure.com/#blade/x' },
    );
    checkCard(c);
    expect(cardToText(c)).toContain('shipping-breaker tripped after 212 backend 500s');
    expect(JSON.stringify(c)).toContain('"url":"https://portal.azure.com/#blade/x"');
  });
});

describe('size budget', () => {
  const big = bigAnswer(300);
  const card = renderReply(big, opts);
  const text = cardToText(card);

  test('300 findings and a 400-row section still give a valid card under 25 KB', () => checkCard(card));

  test('trims gracefully and says how much was left out, without pointing Teams users at a CLI', () => {
    expect(text).toMatch(/and \d{3} more signatures not shown/);
    expect(text).not.toMatch(/CLI/);
    expect(text).toMatch(/^1 \| Signature 1: Backend TLS certificate rejected/m);
    expect(text).toMatch(/\d+ rows not shown/);
  });

  test('a long KQL is cut on the card and offered in full via showKql', () => {
    expect(executes(card).some((e) => e.verb === 'showKql')).toBe(true);
  });

  test('tail details go before section rows, section rows before one-line finding rows', () => {
    const details = (c: object) => (JSON.stringify(c).match(/"id":"finding-\d+"/g) ?? []).length;
    const sectionRows = (c: object) => (JSON.stringify(c).match(/"type":"TableRow"/g) ?? []).length - 1;
    // Shown rows and the ones behind "Show N more" (indented: a hidden container).
    const findingRows = (c: object) =>
      cardToText(c)
        .split('\n')
        .filter((l) => /^(\d+ \| | {2}\d+\. )Signature \d+:/.test(l)).length;
    // 14 findings like the demo: all rows stay; details shrink (not below 3) before any table row goes.
    const fourteen: Answer = { ...big, findings: big.findings.slice(0, 14) };
    const roomy = renderReply(fourteen, { ...opts, budgetBytes: 60 * 1024 });
    expect(details(roomy)).toBe(5);
    expect(findingRows(roomy)).toBe(14);
    expect(sectionRows(roomy)).toBe(20);
    const tight = renderReply(fourteen, { ...opts, budgetBytes: 30 * 1024 });
    expect(findingRows(tight)).toBe(14);
    expect(details(tight)).toBeGreaterThanOrEqual(3);
    expect(details(tight) < 5 || sectionRows(tight) === 20).toBe(true);
    if (sectionRows(tight) < 20) expect(details(tight)).toBe(3);
    const tighter = renderReply(fourteen, { ...opts, budgetBytes: 27 * 1024 });
    expect(findingRows(tighter)).toBe(14);
    expect(details(tighter)).toBe(3);
    expect(sectionRows(tighter)).toBeLessThan(20);
  });

  test('a smaller budget shrinks further instead of failing', () => {
    const small = renderReply(big, { ...opts, budgetBytes: 15 * 1024 });
    expect(validateCard(small)).toEqual([]);
    expect(cardBytes(small)).toBeLessThan(15 * 1024);
    expect(cardToText(small)).toContain('Signature 1:');
  });
});

describe('error, help, running and KQL cards', () => {
  test('error card explains and offers retry with the command', () => {
    const c = renderReply(demoError, opts);
    checkCard(c);
    const t = cardToText(c);
    expect(t).toContain("Log Analytics refused the bot's identity");
    expect(t).toContain('Cause: The bot identity has no Log Analytics Reader role');
    expect(t).toContain('1. Grant the managed identity "Log Analytics Reader" on the workspace');
    expect(t).toContain('Code InsufficientAccessError · safe to retry');
    expect(executes(c).map((e) => e.data)).toContainEqual({ verb: 'refresh', command: 'triage last 15m' });
  });

  test('non-retryable error without command or KQL has no retry button', () => {
    const c = renderReply({ ...demoError, retryable: false, command: undefined, kql: undefined, cause: '' }, opts);
    checkCard(c);
    expect(executes(c).map((e) => e.verb)).toEqual(['drill']);
    expect(cardToText(c)).not.toContain('Show KQL');
  });

  test('help card shows the problem, suggestion buttons and every command', () => {
    const c = renderReply(demoHelp, opts);
    checkCard(c);
    const t = cardToText(c);
    expect(t).toContain("I didn't understand that");
    expect(t).toContain('I did not recognise "triaje".');
    expect(executes(c).map((e) => e.data.command)).toEqual(['triage last 15m', 'triage last 1h']);
    expect(t).toContain('why <status> [on <api>]');
    expect(t).toContain('e.g. why 401 on orders-api');
  });

  test('plain help (no problem, no suggestions) is still valid', () => {
    const c = renderReply({ ...demoHelp, problem: undefined, suggestions: [] }, opts);
    checkCard(c);
    expect(cardToText(c)).toContain('APIM Triage: what you can ask me');
  });

  test('running card names the command and window', () => {
    const c = renderRunningCard(triageCommand, NOW);
    checkCard(c);
    expect(cardToText(c)).toBe(
      '⏳ Running triage for the last 15 min…\ntriage last 15m\nStarted 14:33:00 UTC. This card is replaced by the answer when it is ready.',
    );
  });

  test('KQL card is valid and verbatim', () => {
    const c = renderKqlCard('KQL for "triage last 15m"', demoAnswer.kql);
    checkCard(c);
    expect(cardToText(c)).toContain('| where ResponseCode >= 400');
  });

  test('an unresolved binding is caught, never returned', () => {
    expect(() => expand('running', { heading: 'x' })).toThrow(CardRenderError);
  });
});

describe('charts (Teams 1.5 Chart.*, unknown to the JS library)', () => {
  const timeline = {
    title: 'Failures over the window',
    chart: { kind: 'line' as const, x: 'Bin', y: 'Failures' },
    table: {
      name: 'timeline',
      columns: [
        { name: 'Bin', type: 'datetime' as const },
        { name: 'Failures', type: 'long' as const },
        { name: 'Requests', type: 'long' as const },
      ],
      rows: [
        [new Date('2026-11-23T14:20:00Z'), 10, 100],
        [new Date('2026-11-23T14:18:00Z'), 4, 90],
        [new Date('2026-11-23T14:21:00Z'), 120, 180],
      ],
    },
  };
  const card = renderReply({ ...demoAnswer, sections: [timeline] }, opts);

  test('a line chart with a TextBlock fallback is accepted; quiet bins are zeros, not gaps', () => {
    checkCard(card);
    const [chart] = chartsOf(card) as {
      type: string;
      xAxisTitle: string;
      data: { legend: string; values: { x: string; y: number }[] }[];
      fallback: { type: string; text: string };
    }[];
    expect(chart.type).toBe('Chart.Line');
    // Labelled in the reader's zone (Europe/Berlin is UTC+1 in November).
    expect(chart.data[0].values).toEqual([
      { x: '15:18', y: 4 },
      { x: '15:19', y: 0 },
      { x: '15:20', y: 10 },
      { x: '15:21', y: 120 },
    ]);
    expect(chart.xAxisTitle).toBe('Time (Europe/Berlin)');
    expect(chart.fallback).toMatchObject({ type: 'TextBlock' });
    expect(cardToText(card)).toContain(
      'Failed requests per minute: peak 120 at 15:21 (of 180 requests); 134 in 4 bins from 15:18 to 15:21.',
    );
  });

  test('a chart without a fallback is reported', () => {
    const bad = JSON.parse(JSON.stringify(card)) as object;
    for (const c of chartsOf(bad)) delete c.fallback;
    expect(validateCard(bad)).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^ChartWithoutFallback: Chart.Line/),
        expect.stringMatching(/UnknownElementType/),
      ]),
    );
  });
});
