import type { Cell } from '../../../../src/kql/types';
import { DEMO_INCIDENT, demoEvents, generateDemoTables } from '../../../../src/logs/embedded/demo/generator';
import { PHYSICAL_SCHEMAS, SCHEMA_IDS } from '../../../../src/schema/physical';
import { str } from '../../../../src/recipes/interpret';

const now = new Date('2026-11-23T12:00:00Z');
const small = { now, hours: 6, rowsTarget: 20_000 };

function rowsOf(opts: Parameters<typeof generateDemoTables>[0]): { columns: string[]; rows: Cell[][] } {
  const [t] = generateDemoTables(opts);
  return { columns: t.columns.map((c) => c.name), rows: [...t.rows] };
}

test('same seed and now give identical rows; another seed differs', () => {
  // Compared as JSON text: deep-equality over ~100k cells is needlessly slow in jest.
  const json = (seed: number) => JSON.stringify(rowsOf({ ...small, seed }).rows);
  const a = json(7);
  expect(json(7)).toBe(a);
  expect(json(8)).not.toBe(a);
});

test('the rows iterable can be iterated twice with the same result', () => {
  const [t] = generateDemoTables(small);
  expect(JSON.stringify([...t.rows])).toBe(JSON.stringify([...t.rows]));
});

test('traffic is time-ordered, inside [now - hours, now) and close to rowsTarget', () => {
  const evs = [...demoEvents(small)];
  for (let i = 1; i < evs.length; i++) expect(evs[i].time).toBeGreaterThanOrEqual(evs[i - 1].time);
  expect(evs[0].time).toBeGreaterThanOrEqual(now.getTime() - 6 * 3_600_000);
  expect(evs[evs.length - 1].time).toBeLessThan(now.getTime());
  const background = evs.filter((e) => !e.signature).length;
  expect(background).toBeGreaterThan(20_000 * 0.9);
  expect(background).toBeLessThan(20_000 * 1.05);
  // Mostly successes.
  expect(evs.filter((e) => e.responseCode < 400).length / evs.length).toBeGreaterThan(0.9);
});

test('incident counts do not depend on background volume', () => {
  const count = (rowsTarget: number) => {
    const m = new Map<string, number>();
    for (const e of demoEvents({ now, hours: 6, rowsTarget }))
      if (e.signature) m.set(e.signature, (m.get(e.signature) ?? 0) + 1);
    return m;
  };
  expect(count(5_000)).toEqual(count(40_000));
});

describe.each(SCHEMA_IDS)('incident content in the %s schema', (schema) => {
  const { columns, rows } = rowsOf({ ...small, schema });
  const col = (n: string) => {
    const i = columns.indexOf(n);
    if (i < 0) throw new Error(`no column ${n}`);
    return (r: Cell[]) => r[i];
  };
  const names = {
    'resource-specific': {
      api: 'ApiId',
      code: 'ResponseCode',
      bcode: 'BackendResponseCode',
      msg: 'LastErrorMessage',
      reason: 'LastErrorReason',
      source: 'LastErrorSource',
      backend: 'BackendId',
    },
    'azure-diagnostics': {
      api: 'apiId_s',
      code: 'responseCode_d',
      bcode: 'backendResponseCode_d',
      msg: 'lastError_message_s',
      reason: 'lastError_reason_s',
      source: 'lastError_source_s',
      backend: 'backendId_s',
    },
    'azure-diagnostics-seed': {
      api: 'ApiId_s',
      code: 'ResponseCode_d',
      bcode: 'BackendResponseCode_d',
      msg: 'LastErrorMessage_s',
      reason: 'ErrorReason_s',
      source: 'LastErrorSource_s',
      backend: 'BackendId_s',
    },
  }[schema];
  const api = col(names.api),
    code = col(names.code),
    bcode = col(names.bcode),
    msg = col(names.msg);
  const reason = col(names.reason),
    source = col(names.source),
    backend = col(names.backend),
    time = col('TimeGenerated');
  const recent = (r: Cell[]) => (time(r) as Date).getTime() > now.getTime() - 15 * 60_000;

  test('columns are the physical schema', () => {
    expect(columns).toEqual(PHYSICAL_SCHEMAS[schema].columns.map((c) => c.name));
  });

  test('TLS rejection: payments-api -> payments-backend, 500 with no backend code, only in the last 15 minutes', () => {
    const tls = rows.filter((r) => msg(r) === DEMO_INCIDENT.messages.tlsRejected);
    expect(tls).toHaveLength(DEMO_INCIDENT.tls.count);
    expect(
      tls.every(
        (r) =>
          recent(r) &&
          api(r) === 'payments-api' &&
          backend(r) === 'payments-backend' &&
          code(r) === 500 &&
          bcode(r) === null &&
          reason(r) === 'BackendConnectionFailure' &&
          source(r) === 'forward-request',
      ),
    ).toBe(true);
  });

  test('circuit breaker: burst of backend 500s, then 503s without backend code', () => {
    const open = rows.filter((r) => msg(r) === DEMO_INCIDENT.messages.breakerOpen);
    expect(open).toHaveLength(DEMO_INCIDENT.breaker.count);
    expect(
      open.every(
        (r) => api(r) === 'shipping-api' && code(r) === 503 && bcode(r) === null && reason(r) === 'BackendUnavailable',
      ),
    ).toBe(true);
    const trip = now.getTime() - DEMO_INCIDENT.breaker.tripAgoMin * 60_000;
    expect(Math.min(...open.map((r) => (time(r) as Date).getTime()))).toBeGreaterThanOrEqual(trip);
    const burst = rows.filter((r) => api(r) === 'shipping-api' && code(r) === 500 && bcode(r) === 500);
    expect(burst.length).toBe(DEMO_INCIDENT.breaker.burstCount);
    expect(burst.every((r) => recent(r) && (time(r) as Date).getTime() < trip)).toBe(true);
  });

  test('new 4xx signatures are in the last 15 minutes only; steady ones are spread over the window', () => {
    const by = (m: string) => rows.filter((r) => msg(r) === m);
    for (const [m, n] of [
      [DEMO_INCIDENT.messages.subscriptionNotFound, DEMO_INCIDENT.subscriptionNotFound.count],
      [DEMO_INCIDENT.messages.rateLimited, DEMO_INCIDENT.rateLimited.count],
    ] as const) {
      expect(by(m)).toHaveLength(n);
      expect(by(m).every(recent)).toBe(true);
    }
    const jwt = rows.filter((r) => source(r) === 'validate-jwt');
    expect(jwt).toHaveLength(DEMO_INCIDENT.jwt.count);
    expect(new Set(jwt.map(reason))).toEqual(new Set(['TokenExpired', 'JwtInvalid']));
    const missing = by(DEMO_INCIDENT.messages.keyMissing);
    expect(missing).toHaveLength(4 * 6);
    expect(missing.filter(recent).length).toBeLessThanOrEqual(2);
    expect(rows.filter((r) => code(r) === 429).every((r) => api(r) === 'inventory-api')).toBe(true);
  });

  test('some URLs carry secrets for redaction to catch', () => {
    const url = col(
      { 'resource-specific': 'Url', 'azure-diagnostics': 'url_s', 'azure-diagnostics-seed': 'Url_s' }[schema],
    );
    const urls = rows.map((r) => str(url(r)));
    expect(urls.some((u) => /[?&]subscription-key=[0-9a-f]{32}/.test(u))).toBe(true);
    expect(urls.some((u) => /[?&]sig=/.test(u))).toBe(true);
    expect(urls.some((u) => /[?&]code=/.test(u))).toBe(true);
    expect(urls.some((u) => /[?&]access_token=eyJ[\w-]+\.[\w-]+\.[\w-]+/.test(u))).toBe(true);
  });
});

test('ingestion time lags TimeGenerated by 2 to 7 minutes, deterministically', () => {
  const [t] = generateDemoTables({ ...small, hours: 1, rowsTarget: 500 });
  const rows = [...t.rows];
  const ti = t.columns.findIndex((c) => c.name === 'TimeGenerated');
  for (const r of rows) {
    const lag = t.ingestionTimeOf!(r)!.getTime() - (r[ti] as Date).getTime();
    expect(lag).toBeGreaterThanOrEqual(120_000);
    expect(lag).toBeLessThan(420_000);
    expect(t.ingestionTimeOf!(r)!.getTime()).toBe(t.ingestionTimeOf!(r)!.getTime());
  }
});

test('bad options are explained', () => {
  expect(() => generateDemoTables({ now: new Date('nope') })).toThrow(/now/);
  expect(() => generateDemoTables({ now, hours: -1 })).toThrow(/hours/);
  expect(() => generateDemoTables({ now, schema: 'bogus' as never })).toThrow(/Unknown schema/);
});

test('DEMO_INCIDENT shapes describe the generated rows exactly', () => {
  const evs = [...demoEvents({ now, hours: 3, rowsTarget: 3000 })];
  const seen = new Set<string>();
  for (const e of evs) {
    if (!e.signature) continue;
    seen.add(e.signature);
    const s = DEMO_INCIDENT.shapes[e.signature];
    expect(s).toBeDefined();
    expect(s.apis).toContain(e.apiId);
    expect(([] as number[]).concat(s.responseCode)).toContain(e.responseCode);
    expect(e.backendResponseCode).toBe(s.backendResponseCode === 'same' ? e.responseCode : null);
    expect(([] as string[]).concat(s.reason)).toContain(e.lastErrorReason);
    expect(e.lastErrorSource).toBe(s.source);
    expect(s.messages).toContain(e.lastErrorMessage);
  }
  expect([...seen].sort()).toEqual(Object.keys(DEMO_INCIDENT.shapes).sort());
  // New signatures are listed in descending count order, TLS rejection first.
  const counts = DEMO_INCIDENT.newSignatures.map((s) => s.count);
  expect(DEMO_INCIDENT.newSignatures[0].id).toBe('backend-tls-rejected');
  expect(counts).toEqual([...counts].sort((a, b) => b - a));
});
