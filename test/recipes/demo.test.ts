/**
 * Every recipe, run by the embedded engine on the demo workspace in each physical schema, gives the answer
 * the demo incident (DEMO_INCIDENT) calls for. The same text would be sent to Log Analytics.
 */
import { Workspace, runQuery } from '../../src/kql';
import { generateDemoTables, DEMO_INCIDENT } from '../../src/logs/embedded/demo/generator';
import { preludeFor } from '../../src/schema/prelude';
import { SCHEMA_IDS, type SchemaId } from '../../src/schema/physical';
import { parseCommand } from '../../src/commands/parse';
import { planQuery } from '../../src/recipes/plan';
import { interpret, str, type Interpretation } from '../../src/recipes/interpret';
import type { Command } from '../../src/commands/types';

const now = new Date('2026-11-23T15:00:00Z');
const MIN = 60_000;
const workspaces = new Map<SchemaId, Workspace>();

function workspace(schema: SchemaId): Workspace {
  let ws = workspaces.get(schema);
  if (!ws) {
    ws = new Workspace();
    for (const t of generateDemoTables({ now, schema, hours: 3 })) ws.addTable(t);
    workspaces.set(schema, ws);
  }
  return ws;
}

function ask(schema: SchemaId, text: string): { command: Command; answer: Interpretation; kql: string } {
  const p = parseCommand(text, { now });
  if (!p.ok) throw new Error(p.error);
  const plan = planQuery(p.command, preludeFor(schema));
  const res = runQuery(workspace(schema), plan.kql, { now });
  return { command: p.command, answer: interpret(p.command, plan.recipe, res.tables), kql: plan.kql };
}

const INCIDENT = [
  'backend-tls-rejected',
  'circuit-breaker-open',
  'subscription-not-found',
  'jwt-invalid',
  'rate-limited',
];
const STEADY = DEMO_INCIDENT.steady.map((s) => s.id).filter((id) => !INCIDENT.includes(id) && id !== 'backend-error');
// The community recipes' AzureDiagnostics columns may lack BackendId_s: the backend is then named by its URL host.
const payments = [DEMO_INCIDENT.tls.backend, new URL(DEMO_INCIDENT.paymentsBackendUrl).host];
const shipping = [DEMO_INCIDENT.breaker.backend, new URL(DEMO_INCIDENT.breaker.backendUrl).host];
const SECRET =
  /(subscription-key|sig|code|access_token|api-key|key|token)=(?!\[REDACTED\])[^&\s]+|eyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]{5,}/i;

describe.each(SCHEMA_IDS)('demo workspace, %s schema', (schema) => {
  it('triage ranks the TLS rejection first, then the breaker, with the incident above the background', () => {
    const { answer } = ask(schema, 'triage');
    const ids = answer.findings.map((f) => f.signature);
    expect(ids[0]).toBe('backend-tls-rejected');
    expect(ids[1]).toBe('circuit-breaker-open');
    const tls = answer.findings[0];
    expect(tls).toMatchObject({
      rank: 1,
      count: DEMO_INCIDENT.tls.count,
      previousCount: 0,
      responseCode: 500,
      backendResponseCode: null,
      apis: ['payments-api'],
      fault: 'gateway-config',
    });
    expect(payments).toContain(tls.backends[0]);
    expect(tls.why).toContain('new: 0 in the previous 15m');
    expect(tls.why).toContainEqual(expect.stringMatching(/^\d+% of payments-api requests$/));
    expect(tls.sampleMessage).toBe(DEMO_INCIDENT.tls.message);
    expect(tls.next).toBe('tls on payments-api');
    const breaker = answer.findings[1];
    expect(breaker).toMatchObject({
      count: DEMO_INCIDENT.breaker.count,
      previousCount: 0,
      responseCode: 503,
      backendResponseCode: null,
      apis: ['shipping-api'],
    });
    expect(shipping).toContain(breaker.backends[0]);
    expect(breaker.next).toMatch(/^breaker /);

    const rankOf = (id: string) => answer.findings.find((f) => f.signature === id)?.rank ?? Infinity;
    for (const id of INCIDENT) {
      const f = answer.findings.find((x) => x.signature === id)!;
      expect(f.previousCount).toBe(0);
      for (const steady of STEADY) expect(rankOf(id)).toBeLessThan(rankOf(steady));
    }
    expect(answer.findings.find((f) => f.signature === 'subscription-not-found')!.count).toBe(
      DEMO_INCIDENT.subscriptionNotFound.count,
    );
    expect(answer.findings.find((f) => f.signature === 'jwt-invalid')!.count).toBe(DEMO_INCIDENT.jwt.count);
    expect(answer.findings.find((f) => f.signature === 'rate-limited')!.count).toBe(DEMO_INCIDENT.rateLimited.count);
    for (const f of answer.findings) {
      expect(f.sampleUrl ?? '').not.toMatch(SECRET);
      expect(f.sampleMessage).not.toMatch(SECRET);
    }
    expect(answer.summary).toMatch(/findings, [\d,]+ failed requests in the last 15m/);
  });

  it('why 500 on payments-api: the gateway produced them, not the backend', () => {
    const { answer, command } = ask(schema, 'why are we getting 500s on payments-api?');
    expect(command).toMatchObject({ kind: 'why', status: 500, api: 'payments-api' });
    expect(answer.findings[0]).toMatchObject({ signature: 'backend-tls-rejected', count: DEMO_INCIDENT.tls.count });
    expect(answer.verdict).toMatch(
      /^Who produced the 500s \([\d,]+ requests\): 100% gateway to backend \(forward-request\)/,
    );
    expect(answer.sections[0].table.rows[0]).toEqual([
      'gateway to backend',
      'forward-request',
      'backend',
      DEMO_INCIDENT.tls.count,
    ]);
  });

  it('tls over 3h keeps the look-alikes apart', () => {
    const { answer } = ask(schema, 'certs last 3h');
    const ids = answer.findings.map((f) => f.signature);
    expect(ids[0]).toBe('backend-tls-rejected');
    expect(ids).toEqual(expect.arrayContaining(['backend-connect-timeout', 'backend-tls-handshake-failed']));
    expect(ids).toHaveLength(3);
    const pairs = answer.sections[0].table;
    const sigCol = pairs.columns.findIndex((c) => c.name === 'Signature');
    const backendCol = pairs.columns.findIndex((c) => c.name === 'Backend');
    expect(pairs.rows[0][sigCol]).toBe('backend-tls-rejected');
    expect(payments).toContain(pairs.rows[0][backendCol]);
    expect(pairs.rows[0][pairs.columns.findIndex((c) => c.name === 'Failures')]).toBe(DEMO_INCIDENT.tls.count);
    const legacy = pairs.rows.filter((r) => r[sigCol] !== 'backend-tls-rejected');
    expect(legacy.every((r) => r[pairs.columns.findIndex((c) => c.name === 'ApiId')] === 'legacy-api')).toBe(true);
    for (const r of pairs.rows)
      expect(str(r[pairs.columns.findIndex((c) => c.name === 'SampleUrl')])).not.toMatch(SECRET);
  });

  it('401s on orders-api: breakdown by message and the product-scoping callers', () => {
    const { answer } = ask(schema, '401s on orders-api');
    const ids = answer.findings.map((f) => f.signature);
    expect(ids.slice(0, 2).sort()).toEqual(['jwt-invalid', 'subscription-not-found']);
    const breakdown = answer.sections.find((s) => s.table.name === 'breakdown')!.table;
    const msgs = breakdown.rows.map((r) => r[1]);
    expect(msgs).toEqual(
      expect.arrayContaining([
        DEMO_INCIDENT.messages.subscriptionNotFound,
        DEMO_INCIDENT.messages.jwtExpired,
        DEMO_INCIDENT.messages.jwtInvalid,
      ]),
    );
    const scoping = answer.sections.find((s) => s.table.name === 'scoping')!.table;
    const col = (n: string) => scoping.columns.findIndex((c) => c.name === n);
    const notFound = scoping.rows.filter(
      (r) => r[col('LastErrorMessage')] === DEMO_INCIDENT.messages.subscriptionNotFound,
    );
    expect(notFound.reduce((s, r) => s + (r[col('Requests')] as number), 0)).toBe(
      DEMO_INCIDENT.subscriptionNotFound.count,
    );
    expect(new Set(notFound.map((r) => r[col('CallerIpAddress')]))).toEqual(
      new Set(DEMO_INCIDENT.subscriptionNotFound.callerIps),
    );
    expect(new Set(notFound.map((r) => r[col('ApimSubscriptionId')]))).toEqual(
      new Set(DEMO_INCIDENT.subscriptionNotFound.subscriptionIds),
    );
    expect(notFound.every((r) => r[col('ApiId')] === 'orders-api')).toBe(true);
  });

  it('breakers lists the tripped shipping breaker', () => {
    const { answer } = ask(schema, 'breakers');
    expect(answer.findings.map((f) => f.signature)).toEqual(['circuit-breaker-open']);
    const trips = answer.sections[0].table;
    expect(trips.rows).toHaveLength(1);
    const col = (n: string) => trips.columns.findIndex((c) => c.name === n);
    expect(trips.rows[0][col('ApiId')]).toBe('shipping-api');
    expect(shipping).toContain(trips.rows[0][col('Backend')]);
    expect(trips.rows[0][col('Trips')]).toBe(DEMO_INCIDENT.breaker.count);
    const first = new Date(trips.rows[0][col('FirstTrip')] as Date).getTime();
    expect(Math.abs(first - (now.getTime() - DEMO_INCIDENT.breaker.tripAgoMin * MIN))).toBeLessThan(MIN);
  });

  it('breaker shipping-backend: the backend was failing before the trip', () => {
    const { answer } = ask(schema, 'breaker shipping-backend');
    expect(answer.verdict).toMatch(/the breaker did its job/);
    expect(answer.summary).toMatch(/tripped at 14:51 UTC/);
    const timeline = answer.sections[0].table;
    expect(timeline.rows.length).toBeGreaterThan(10);
    const col = (n: string) => timeline.columns.findIndex((c) => c.name === n);
    const backend500 = timeline.rows
      .filter((r) => r[col('BackendResponseCode')] === 500)
      .reduce((s, r) => s + (r[col('Requests')] as number), 0);
    expect(backend500).toBeGreaterThanOrEqual(DEMO_INCIDENT.breaker.burstCount * 0.9);
  });

  it('breaker at a quiet time: nothing abnormal preceded it', () => {
    const { answer } = ask(schema, 'breaker shipping-backend at 13:30');
    expect(answer.verdict).toMatch(/Nothing abnormal preceded the trip — the threshold is probably too tight/);
  });

  it('apis lists all seven APIs with payments-api failing most', () => {
    const { answer } = ask(schema, 'apis');
    const t = answer.sections[0].table;
    expect(t.rows.map((r) => r[0]).sort()).toEqual([...DEMO_INCIDENT.apis].sort());
    expect(t.rows[0][0]).toBe('payments-api');
    expect(answer.summary).toMatch(/^7 APIs, /);
  });
});

it('the three schemas give the same triage answer', () => {
  const key = (schema: SchemaId) =>
    ask(schema, 'triage').answer.findings.map((f) => `${f.rank}:${f.signature}:${f.count}:${f.previousCount}`);
  const first = key(SCHEMA_IDS[0]);
  for (const s of SCHEMA_IDS.slice(1)) expect(key(s)).toEqual(first);
});

it('why 401 on orders-api explains each 401 message (the breakdown) and who produced them', () => {
  const { answer } = ask('resource-specific', 'why 401 on orders-api');
  expect(
    answer.findings
      .map((f) => f.signature)
      .slice(0, 2)
      .sort(),
  ).toEqual(['jwt-invalid', 'subscription-not-found']);
  const breakdown = answer.sections.find((s) => s.table.name === 'breakdown')!.table;
  expect(breakdown.rows[0]).toEqual([
    'SubscriptionKeyInvalid',
    DEMO_INCIDENT.messages.subscriptionNotFound,
    'subscription-not-found',
    DEMO_INCIDENT.subscriptionNotFound.count,
  ]);
  expect(answer.verdict).toMatch(/gateway configuration \(authorization\)/);
  expect(answer.verdict).toMatch(/policy \(validate-jwt\)/);
});

it('triage carries the failures-by-status/reason/source distribution', () => {
  const { answer } = ask('azure-diagnostics-seed', 'triage');
  const d = answer.sections.find((s) => s.table.name === 'distribution')!.table;
  expect(d.columns.map((c) => c.name)).toEqual([
    'ResponseCode',
    'LastErrorReason',
    'LastErrorSource',
    'Signature',
    'Requests',
  ]);
  expect(d.rows[0]).toEqual([
    500,
    'BackendConnectionFailure',
    'forward-request',
    'backend-tls-rejected',
    DEMO_INCIDENT.tls.count,
  ]);
  expect(d.rows.length).toBeLessThanOrEqual(20);
});
