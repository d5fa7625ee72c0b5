import { interpret, backendName } from '../../src/recipes/interpret';
import { CHART_MAX_BINS, chartBinMs, planQuery } from '../../src/recipes/plan';
import { kqlTimespan } from '../../src/recipes/literals';
import { breakerVerdict, whyVerdict } from '../../src/recipes/verdicts';
import { parseCommand } from '../../src/commands/parse';
import { helpAnswer, helpCommands, COMMAND_HELP, LIVE_CARD_HELP } from '../../src/commands/help';
import type { Command } from '../../src/commands/types';
import type { ColumnSchema, ResultTable } from '../../src/kql/types';

const now = new Date('2026-11-23T15:00:00Z');
const cmd = (text: string): Command => {
  const r = parseCommand(text, { now });
  if (!r.ok) throw new Error(r.error);
  return r.command;
};
const table = (columns: ColumnSchema[], rows: unknown[][]): ResultTable => ({
  name: 'PrimaryResult',
  columns,
  rows: rows as ResultTable['rows'],
});
const T = (iso: string) => new Date(iso);

const FINDING_COLS: ColumnSchema[] = [
  { name: 'Signature', type: 'string' },
  { name: 'Count', type: 'long' },
  { name: 'FirstSeen', type: 'datetime' },
  { name: 'Apis', type: 'dynamic' },
  { name: 'Backends', type: 'dynamic' },
  { name: 'Callers', type: 'long' },
  { name: 'TimeGenerated', type: 'datetime' },
  { name: 'ResponseCode', type: 'long' },
  { name: 'BackendResponseCode', type: 'long' },
  { name: 'LastErrorReason', type: 'string' },
  { name: 'LastErrorSource', type: 'string' },
  { name: 'LastErrorMessage', type: 'string' },
  { name: 'Url', type: 'string' },
  { name: 'Kind', type: 'string' },
  { name: 'PreviousCount', type: 'long' },
  { name: 'ApiId', type: 'string' },
  { name: 'Requests', type: 'long' },
  { name: 'Failures', type: 'long' },
];
const f = (sig: string, count: number, apis: string[], backends: string[], url: string, msg: string) => [
  sig,
  count,
  T('2026-11-23T14:50:00Z'),
  apis,
  backends,
  3,
  T('2026-11-23T14:59:00Z'),
  500,
  null,
  'R',
  'S',
  msg,
  url,
  'finding',
  null,
  null,
  null,
  null,
];
// A previous-window row matches a finding on the whole cause key (signature and status codes).
const prev = (sig: string, n: number) => [
  sig,
  null,
  null,
  null,
  null,
  null,
  null,
  500,
  null,
  null,
  null,
  null,
  null,
  'previous',
  n,
  null,
  null,
  null,
];
const api = (id: string, requests: number) => [
  null,
  null,
  null,
  null,
  null,
  null,
  null,
  null,
  null,
  null,
  null,
  null,
  null,
  'api',
  null,
  id,
  requests,
  0,
];

describe('interpret: findings recipes', () => {
  it('ranks, redacts, names backends by host, and notes an unknown API', () => {
    const rows = [
      f(
        'backend-error',
        40,
        ['orders-api'],
        ['orders-backend'],
        'https://gw/orders?subscription-key=0123456789abcdef0123456789abcdef',
        'x',
      ),
      f(
        'backend-tls-rejected',
        300,
        ['payments-api'],
        ['https://payments.corp.contoso.local/v2/pay?sig=abc'],
        'https://gw/p?code=xyz',
        'The remote certificate was rejected by the provided RemoteCertificateValidationCallback.',
      ),
      prev('backend-error', 40),
      api('payments-api', 500),
      api('orders-api', 600),
    ];
    const out = interpret(cmd('triage on nosuch-api'), 'triage', [table(FINDING_COLS, rows)]);
    expect(out.findings.map((x) => x.signature)).toEqual(['backend-tls-rejected', 'backend-error']);
    expect(out.findings[0].backends).toEqual(['payments.corp.contoso.local']);
    expect(out.findings[0].sampleUrl).toBe('https://gw/p?code=[REDACTED]');
    expect(out.findings[1].sampleUrl).toBe('https://gw/orders?subscription-key=[REDACTED]');
    expect(out.findings[0].share).toBeCloseTo(0.6);
    expect(out.findings[1].why).toContain('steady: 40 in the previous 15m');
    expect(out.summary).toBe('2 findings, 340 failed requests on nosuch-api in the last 15m (1,100 requests)');
    // Which APIs had traffic, so the orchestrator can tell an unknown name from a quiet API.
    expect(out.apisSeen).toEqual(['payments-api', 'orders-api']);
  });
  it('no failures: a plain summary, and a verdict for tls/breakers', () => {
    const out = interpret(cmd('breakers'), 'breakers', [table(FINDING_COLS, [api('orders-api', 10)])]);
    expect(out.findings).toEqual([]);
    expect(out.summary).toBe('No requests short-circuited by a breaker in the last 15m (10 requests)');
    expect(out.verdict).toBe('No tripped circuit breakers in the window.');
    expect(out.sections[0].table.rows).toEqual([]);
  });
  it('carries the window note (clamped window) into notes', () => {
    const out = interpret(cmd('triage 30d'), 'triage', []);
    expect(out.notes[0]).toMatch(/7 days/);
  });
  it('apis with no rows says logs may be missing', () => {
    const out = interpret(cmd('apis'), 'apis', [table([{ name: 'ApiId', type: 'string' }], [])]);
    expect(out.summary).toBe('No gateway requests logged in the last 15m');
    expect(out.notes.join(' ')).toMatch(/logs arrive 3-10 minutes late, so try a longer window/);
  });
});

describe('verdicts', () => {
  const timeline = (bins: [string, number, number | null, number][], trip: string) =>
    bins.map(([bin, rc, brc, n]) => ({
      Bin: T(bin),
      ResponseCode: rc,
      BackendResponseCode: brc,
      Requests: n,
      TripTime: T(trip),
      Trips: 42,
    }));
  it('backend failing before the trip -> the breaker did its job', () => {
    const v = breakerVerdict(
      cmd('breaker shipping-backend'),
      timeline(
        [
          ['2026-11-23T14:45:00Z', 200, 200, 20],
          ['2026-11-23T14:46:00Z', 500, 500, 15],
          ['2026-11-23T14:47:00Z', 500, null, 5],
          ['2026-11-23T14:51:00Z', 503, null, 30],
        ],
        '2026-11-23T14:50:30Z',
      ),
    );
    expect(v.verdict).toMatch(
      /^The backend was failing before the trip — the breaker did its job: 20 of 40 requests \(50%\)/,
    );
    expect(v.summary).toBe(
      'Breaker for shipping-backend tripped at 14:50 UTC (42 requests short-circuited in the window)',
    );
    expect(v.before).toEqual({ requests: 40, backendFailures: 20 });
  });
  it('healthy backend before the trip -> threshold too tight; times in the user zone', () => {
    const v = breakerVerdict(
      cmd('breaker shipping-backend'),
      timeline(
        [
          ['2026-11-23T14:45:00Z', 200, 200, 200],
          ['2026-11-23T14:46:00Z', 500, 500, 3],
        ],
        '2026-11-23T14:50:00Z',
      ),
      'Europe/Paris',
    );
    expect(v.verdict).toMatch(
      /^Nothing abnormal preceded the trip — the threshold is probably too tight: only 3 of 203 requests/,
    );
    expect(v.verdict).toContain('15:50 Europe/Paris');
  });
  it('no trip found', () => {
    expect(breakerVerdict(cmd('breaker shipping-backend'), []).verdict).toMatch(
      /No tripped circuit breaker found for shipping-backend/,
    );
    expect(breakerVerdict(cmd('breaker shipping-backend at 14:00'), []).verdict).toMatch(
      /No requests to shipping-backend were logged around 14:00 UTC/,
    );
  });
  it('why attribution, largest producer first', () => {
    const v = whyVerdict(503, [
      { Producer: 'backend', LastErrorSource: '', Requests: 25 },
      { Producer: 'gateway to backend', LastErrorSource: 'forward-request', Requests: 75 },
    ]);
    expect(v).toBe(
      'Who produced the 503s (100 requests): 75% gateway to backend (forward-request), 25% backend — the gateway produced most of them itself, so the backend never said this: read the findings below.',
    );
    expect(whyVerdict(404, [])).toBe('No 404 responses in the window.');
  });
  it('backendName strips scheme, credentials, path and query', () => {
    expect(backendName('https://user:pw@api.contoso.local:8443/x?code=1')).toBe('api.contoso.local');
    expect(backendName('shipping-backend')).toBe('shipping-backend');
  });
});

describe('help content', () => {
  it('covers every command with usage, description and parseable examples', () => {
    const kinds = new Set(COMMAND_HELP.map((h) => h.kind));
    expect([...kinds].sort()).toEqual([
      'apis',
      'auth401',
      'breaker',
      'breakers',
      'callers',
      'changes',
      'help',
      'latency',
      'statusClass',
      'tls',
      'triage',
      'why',
    ]);
    for (const h of COMMAND_HELP) {
      for (const ex of h.examples) {
        const r = parseCommand(ex, { now });
        expect(r.ok && r.command.kind).toBe(h.kind);
      }
    }
    expect(helpCommands()[0]).toEqual({
      usage: COMMAND_HELP[0].usage,
      description: COMMAND_HELP[0].description,
      examples: COMMAND_HELP[0].examples,
    });
  });
});

describe('helpAnswer', () => {
  it('plain help and parse errors', () => {
    expect(helpAnswer()).toMatchObject({ type: 'help', suggestions: [] });
    expect(helpAnswer().problem).toBeUndefined();
    const r = parseCommand('triqqe', { now });
    if (r.ok) throw new Error('expected a parse error');
    const h = helpAnswer(r);
    expect(h.problem).toBe('I don\'t know the command "triqqe".');
    expect(h.suggestions[0]).toBe('triage');
    // Every command of the grammar, plus the live-card commands (pin/unpin) the Teams host adds.
    expect(h.commands).toHaveLength(COMMAND_HELP.length + 1);
    expect(h.commands.map((c) => c.usage)).toContain(LIVE_CARD_HELP.usage);
    expect(h.commands[h.commands.length - 1].usage).toBe('help');
  });
});

describe('triage "failures over the window" timeline', () => {
  it('the timeline rows become a time-ordered line-chart section; findings ignore them', () => {
    const cols = [...FINDING_COLS, { name: 'Bin', type: 'datetime' as const }];
    const tl = (bin: string, requests: number, failures: number) => [
      null,
      null,
      null,
      null,
      null,
      null,
      null,
      null,
      null,
      null,
      null,
      null,
      null,
      'timeline',
      null,
      null,
      requests,
      failures,
      T(bin),
    ];
    const rows = [
      [...f('backend-tls-rejected', 30, ['payments-api'], ['payments-backend'], '', 'x'), null],
      tl('2026-11-23T14:52:00Z', 90, 20),
      tl('2026-11-23T14:46:00Z', 80, 10),
      [...api('payments-api', 170), null],
    ];
    const out = interpret(cmd('triage'), 'triage', [table(cols, rows)]);
    expect(out.findings.map((x) => x.signature)).toEqual(['backend-tls-rejected']);
    const timeline = out.sections.find((s) => s.table.name === 'timeline')!;
    expect(timeline.title).toBe('Failures over the window');
    expect(timeline.chart).toEqual({ kind: 'line', x: 'Bin', y: 'Failures' });
    expect(timeline.table.columns.map((c) => c.name)).toEqual(['Bin', 'Failures', 'Requests']);
    expect(timeline.table.rows).toEqual([
      [T('2026-11-23T14:46:00Z'), 10, 80],
      [T('2026-11-23T14:52:00Z'), 20, 90],
    ]);
  });

  it('timespan literals and the chart bin (about window/15, readable, at most 20 bins)', () => {
    expect(kqlTimespan(60_000)).toBe('1m');
    expect(kqlTimespan(30_000)).toBe('30s');
    expect(kqlTimespan(3_600_000)).toBe('1h');
    expect(kqlTimespan(86_400_000)).toBe('1d');
    expect(kqlTimespan(90 * 60_000)).toBe('90m');
    expect(kqlTimespan(1500)).toBe('1500ms');
    expect(() => kqlTimespan(0)).toThrow(RangeError);
    expect(() => kqlTimespan(1.5)).toThrow(RangeError);
    const MIN = 60_000;
    expect(chartBinMs(15 * MIN)).toBe(MIN);
    expect(chartBinMs(60 * MIN)).toBe(5 * MIN);
    expect(chartBinMs(24 * 60 * MIN)).toBe(2 * 60 * MIN);
    for (const w of [5, 15, 30, 45, 60, 120, 360, 1440, 10080].map((m) => m * MIN)) {
      expect(Math.ceil(w / chartBinMs(w)) + 1).toBeLessThanOrEqual(CHART_MAX_BINS);
      expect(w / chartBinMs(w)).toBeGreaterThanOrEqual(5);
    }
    expect(planQuery(cmd('triage'), '').kql).toContain('let _bin = 1m;');
    expect(planQuery(cmd('triage last 1h'), '').kql).toContain('let _bin = 5m;');
  });
});
