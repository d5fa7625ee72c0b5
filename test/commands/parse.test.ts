import { parseCommand, editDistance } from '../../src/commands/parse';
import { resolveApi } from '../../src/commands/apiNames';
import type { Command, ParseOutcome } from '../../src/commands/types';

const now = new Date('2026-11-23T15:00:00Z');
const min = 60_000;
const ago = (ms: number) => new Date(now.getTime() - ms).toISOString();

function ok(text: string, timeZone?: string): Command {
  const r = parseCommand(text, { now, timeZone });
  if (!r.ok) throw new Error(`expected ok for ${JSON.stringify(text)}, got: ${r.error}`);
  return r.command;
}
function bad(text: string, timeZone?: string): Extract<ParseOutcome, { ok: false }> {
  const r = parseCommand(text, { now, timeZone });
  if (r.ok) throw new Error(`expected an error for ${JSON.stringify(text)}, got ${JSON.stringify(r.command)}`);
  return r;
}

describe('commands and phrasings', () => {
  const cases: [string, Partial<Command>][] = [
    ['triage', { kind: 'triage' }],
    ['TRIAGE', { kind: 'triage' }],
    ['  triage   30m pls ', { kind: 'triage' }],
    ['<at>APIM Triage</at> triage last 15m', { kind: 'triage' }],
    ['triage last 15m <at>APIM Triage</at>', { kind: 'triage' }],
    ['triage on payments-api', { kind: 'triage', api: 'payments-api' }],
    ['why 500', { kind: 'why', status: 500 }],
    ['why 401 on orders-api', { kind: 'why', status: 401, api: 'orders-api' }],
    ['why are we getting 401s on orders-api?', { kind: 'why', status: 401, api: 'orders-api' }],
    ['Why 503 on shipping-api??', { kind: 'why', status: 503, api: 'shipping-api' }],
    ['why 500 for payments-api last 1h', { kind: 'why', status: 500, api: 'payments-api' }],
    ['500s on payments-api', { kind: 'why', status: 500, api: 'payments-api' }],
    ['tls', { kind: 'tls' }],
    ['certs', { kind: 'tls' }],
    ['certs on payments-api.', { kind: 'tls', api: 'payments-api' }],
    ['401s', { kind: 'auth401', status: 401 }],
    ['401', { kind: 'auth401', status: 401 }],
    ['401s on orders-api!', { kind: 'auth401', status: 401, api: 'orders-api' }],
    ['breakers', { kind: 'breakers' }],
    ['5xx', { kind: 'statusClass', statusClass: '5xx' }],
    ['4xx on orders-api last 1h', { kind: 'statusClass', statusClass: '4xx', api: 'orders-api' }],
    ['why 5xx on shipping-api', { kind: 'statusClass', statusClass: '5xx', api: 'shipping-api' }],
    ['any 5xxs on payments-api?', { kind: 'statusClass', statusClass: '5xx', api: 'payments-api' }],
    ['latency', { kind: 'latency' }],
    ['latency on payments-api last 1h', { kind: 'latency', api: 'payments-api' }],
    ['slow requests on payments-api', { kind: 'latency', api: 'payments-api' }],
    [
      'callers of subscription-key-invalid on orders-api',
      { kind: 'callers', signatures: ['subscription-key-invalid'], api: 'orders-api' },
    ],
    [
      'who is calling orders-api with a bad key',
      { kind: 'callers', signatures: ['subscription-key-invalid', 'subscription-not-found'], api: 'orders-api' },
    ],
    ['callers of rate-limited', { kind: 'callers', signatures: ['rate-limited'] }],
    ['any breakers tripped?', { kind: 'breakers' }],
    ['can you look at the breakers', { kind: 'breakers' }],
    ['breaker shipping-backend', { kind: 'breaker', backend: 'shipping-backend' }],
    ['breaker payments.corp.contoso.local', { kind: 'breaker', backend: 'payments.corp.contoso.local' }],
    ['why is the breaker open', { kind: 'breaker' }],
    ['apis', { kind: 'apis' }],
    ['help', { kind: 'help' }],
    ['', { kind: 'help' }],
    ['<at>APIM Triage</at>', { kind: 'help' }],
    ['triage&nbsp;1h', { kind: 'triage' }],
  ];
  it.each(cases.filter(([t]) => t !== 'why is the breaker open'))('%j', (text, expected) => {
    expect(ok(text)).toMatchObject(expected);
  });
  it('"callers" without a failure to look for asks for one', () => {
    expect(bad('callers on orders-api').error).toMatch(/needs the failure/);
  });

  it('keeps the typed text (mentions stripped) for audit', () => {
    expect(ok('<at>APIM Triage</at>  triage 30m').text).toBe('triage 30m');
  });
  it('"why" naming another command without a status falls through to that command', () => {
    const r = parseCommand('why is the breaker open', { now });
    // breaker needs a backend, so this is a helpful error, not a crash
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.suggestions).toContain('breaker shipping-backend');
  });
});

describe('windows', () => {
  const cases: [string, string, string, string][] = [
    // text, from, to, label
    ['triage', ago(15 * min), now.toISOString(), 'last 15m'],
    ['triage 15m', ago(15 * min), now.toISOString(), 'last 15m'],
    ['triage 1h', ago(60 * min), now.toISOString(), 'last 1h'],
    ['triage 2d', ago(2 * 1440 * min), now.toISOString(), 'last 2d'],
    ['triage last 30 minutes', ago(30 * min), now.toISOString(), 'last 30m'],
    ['triage past hour', ago(60 * min), now.toISOString(), 'last 1h'],
    ['triage in the last 45 mins', ago(45 * min), now.toISOString(), 'last 45m'],
    ['triage for the past 2 hours', ago(120 * min), now.toISOString(), 'last 2h'],
    ['triage since 14:30', '2026-11-23T14:30:00.000Z', now.toISOString(), 'since 14:30 UTC'],
    ['triage since 2pm', '2026-11-23T14:00:00.000Z', now.toISOString(), 'since 14:00 UTC'],
    ['triage between 14:00 and 14:30', '2026-11-23T14:00:00.000Z', '2026-11-23T14:30:00.000Z', '14:00 UTC – 14:30 UTC'],
    ['triage from 13:00 to 13:45', '2026-11-23T13:00:00.000Z', '2026-11-23T13:45:00.000Z', '13:00 UTC – 13:45 UTC'],
    ['triage since 2026-11-23T14:10:00Z', '2026-11-23T14:10:00.000Z', now.toISOString(), 'since 14:10 UTC'],
  ];
  it.each(cases)('%j', (text, from, to, label) => {
    const c = ok(text);
    expect(c.window.from.toISOString()).toBe(from);
    expect(c.window.to.toISOString()).toBe(to);
    expect(c.window.label).toBe(label);
    expect(c.window.note).toBeUndefined();
  });

  it('today and yesterday are calendar days in the user zone', () => {
    const t = ok('triage today', 'Europe/Paris');
    expect(t.window.from.toISOString()).toBe('2026-11-22T23:00:00.000Z');
    expect(t.window.to.toISOString()).toBe(now.toISOString());
    const y = ok('triage yesterday');
    expect([y.window.from.toISOString(), y.window.to.toISOString()]).toEqual([
      '2026-11-22T00:00:00.000Z',
      '2026-11-23T00:00:00.000Z',
    ]);
    expect(y.window.label).toBe('yesterday (UTC)');
  });
  it('reads wall-clock times in the Teams time zone', () => {
    // Paris is UTC+1 in November: 15:30 Paris = 14:30 UTC.
    const c = ok('triage since 15:30', 'Europe/Paris');
    expect(c.window.from.toISOString()).toBe('2026-11-23T14:30:00.000Z');
    expect(c.window.label).toBe('since 15:30 Europe/Paris');
    const ny = ok('triage between 9:00 and 9:30', 'America/New_York'); // UTC-5
    expect(ny.window.from.toISOString()).toBe('2026-11-23T14:00:00.000Z');
    expect(ny.window.to.toISOString()).toBe('2026-11-23T14:30:00.000Z');
  });
  it('an explicit UTC marker wins over the user zone', () => {
    expect(ok('triage since 14:30 utc', 'Europe/Paris').window.from.toISOString()).toBe('2026-11-23T14:30:00.000Z');
  });
  it('handles a zone across a DST change (New York, summer)', () => {
    const summer = new Date('2026-07-01T15:00:00Z');
    const r = parseCommand('triage since 10:30', { now: summer, timeZone: 'America/New_York' });
    expect(r.ok && r.command.window.from.toISOString()).toBe('2026-07-01T14:30:00.000Z');
  });
  it('since a late-evening time shortly after midnight means yesterday', () => {
    const r = parseCommand('triage since 23:30', { now: new Date('2026-11-24T00:20:00Z') });
    expect(r.ok && r.command.window.from.toISOString()).toBe('2026-11-23T23:30:00.000Z');
  });
  it('unknown time zone falls back to UTC with a note', () => {
    const c = ok('triage since 14:30', 'Mars/Olympus');
    expect(c.window.from.toISOString()).toBe('2026-11-23T14:30:00.000Z');
    expect(c.window.note).toMatch(/Unknown time zone/);
  });
  it('clamps over-long windows to 7 days and says so', () => {
    const c = ok('triage 30d');
    expect(c.window.to.getTime() - c.window.from.getTime()).toBe(7 * 1440 * min);
    expect(c.window.note).toMatch(/7 days/);
  });
  it('stops a window ending in the future at now, with a note', () => {
    const c = ok('triage between 14:00 and 16:00');
    expect(c.window.to.toISOString()).toBe(now.toISOString());
    expect(c.window.note).toMatch(/future/);
  });
  it('breaker at <time>', () => {
    const c = ok('breaker shipping-backend at 14:32');
    expect(c.at?.toISOString()).toBe('2026-11-23T14:32:00.000Z');
    expect(c.backend).toBe('shipping-backend');
  });
});

describe('times of day not reached yet today mean the most recent one', () => {
  const now = new Date('2026-11-23T09:00:00Z');
  const ok = (text: string) => {
    const r = parseCommand(text, { now });
    if (!r.ok) throw new Error(r.error);
    return r.command;
  };
  it('"since 14:30" before 14:30 is since yesterday 14:30, with a note', () => {
    const c = ok('triage since 14:30');
    expect(c.window.from.toISOString()).toBe('2026-11-22T14:30:00.000Z');
    expect(c.window.to).toEqual(now);
    expect(c.window.note).toBe("14:30 UTC has not come yet today, so this is yesterday's 14:30 UTC (2026-11-22).");
  });
  it("a range before its start time today is yesterday's range; across midnight it ends the next day", () => {
    const c = ok('triage between 14:00 and 14:30');
    expect([c.window.from.toISOString(), c.window.to.toISOString()]).toEqual([
      '2026-11-22T14:00:00.000Z',
      '2026-11-22T14:30:00.000Z',
    ]);
    const night = ok('triage between 23:00 and 01:00');
    expect([night.window.from.toISOString(), night.window.to.toISOString()]).toEqual([
      '2026-11-22T23:00:00.000Z',
      '2026-11-23T01:00:00.000Z',
    ]);
  });
  it("in the user's zone, and for a breaker trip time", () => {
    const c = ok('triage since 11:00');
    expect(c.window.from.toISOString()).toBe('2026-11-22T11:00:00.000Z');
    const r = parseCommand('breaker shipping-backend at 10:15', { now, timeZone: 'Europe/Berlin' });
    if (!r.ok) throw new Error(r.error);
    // 10:15 in Berlin is 09:15 UTC, after now: yesterday's.
    expect(r.command.at!.toISOString()).toBe('2026-11-22T09:15:00.000Z');
  });
});

describe('errors', () => {
  it.each([
    ['triage since 2026-11-23T16:00Z', /later than now/],
    ['triage between 14:30 and 14:00', /ends before it starts/],
    ['triage 0m', /positive/],
    ['triage -5m', /positive|not a usable/],
    ['triage since 25:00', /not a valid time/],
    ['breaker shipping-backend at 2026-11-23T16:00Z', /future/],
    ['why', /needs a status code/],
    ['breaker', /needs a backend/],
    ['triage at 14:00', /only applies to "breaker/],
    ["why 500 on orders'api", /not a valid API name/],
    ['why 500 on orders-api;drop', /not a valid API name/],
    [`why 500 on ${'a'.repeat(81)}`, /not a valid API name/],
    ['breaker "a|b"', /not a valid backend name/],
    ['triage since 9', /could not read the time after "since"/],
    ['triage between 2 and 3', /could not read the time after "between"/],
    ['breaker shipping-backend at noon', /could not read the time after "at"/],
  ])('%j', (text, re) => {
    const r = bad(text);
    expect(r.error).toMatch(re);
    expect(r.suggestions.length).toBeGreaterThan(0);
  });
  it('a slip in a command word is forgiven when one command is closest', () => {
    expect(ok('triag 15m')).toMatchObject({ kind: 'triage' });
    expect(ok('trige 15m on payments-api')).toMatchObject({ kind: 'triage', api: 'payments-api' });
    expect(ok('brekers last 1h')).toMatchObject({ kind: 'breakers' });
    expect(ok('hlep')).toMatchObject({ kind: 'help' });
  });
  it('unknown command suggests the closest commands', () => {
    // The user's own command, corrected: the window (and API) they typed are kept.
    expect(bad('triqqe 15m').suggestions[0]).toBe('triage 15m');
    expect(bad('triqqe 15m on payments-api').suggestions[0]).toBe('triage 15m on payments-api');
    const r = bad('deploy the thing');
    expect(r.error).toMatch(/deploy/);
    expect(r.suggestions).toEqual(expect.arrayContaining(['triage', 'help']));
  });
});

describe('resolveApi / editDistance', () => {
  const known = [
    'orders-api',
    'payments-api',
    'inventory-api',
    'customers-api',
    'shipping-api',
    'catalog-api',
    'legacy-api',
  ];
  it.each([
    ['payments', 'payments-api'],
    ['PAYMENTS-API', 'payments-api'],
    ['Payments_API', 'payments-api'],
    ['order-api', 'orders-api'],
    ['paymnts-api', 'payments-api'],
    ['invnetory', 'inventory-api'],
    ['custmrs-api', 'customers-api'],
  ])('"%s" is %s', (typed, api) => {
    expect(resolveApi(typed, known)).toMatchObject({ kind: 'match', api });
  });
  it('an exact name is exact; case alone is not', () => {
    expect(resolveApi('orders-api', known)).toEqual({ kind: 'match', api: 'orders-api', exact: true });
    expect(resolveApi('Orders-API', known)).toEqual({ kind: 'match', api: 'orders-api', exact: false });
  });
  it('none or several close: no guess, candidates to offer', () => {
    expect(resolveApi('zzzzzz', known)).toEqual({ kind: 'unknown', candidates: [] });
    expect(resolveApi('pay', known)).toEqual({ kind: 'unknown', candidates: ['payments-api'] });
    expect(resolveApi('order', ['orders-api', 'border-api'])).toEqual({
      kind: 'unknown',
      candidates: ['border-api', 'orders-api'],
    });
  });
  it('counts a transposition as one edit', () => {
    expect(editDistance('triaeg', 'triage')).toBe(1);
    expect(editDistance('', 'abc')).toBe(3);
  });
});

describe('the API is kept wherever it appears', () => {
  const now = new Date('2026-11-23T14:30:00Z');
  it.each([
    ['why 401 orders-api', 'why', 'orders-api'],
    ['401s for orders api', 'auth401', 'orders-api'],
    ['why are we seeing 401s for orders api', 'why', 'orders-api'],
    ['why 500 on payments api last 30m', 'why', 'payments-api'],
    ['triage payments_api', 'triage', 'payments_api'],
    ['why 401 orders api', 'why', 'orders-api'],
    ['tls on paymnts-api', 'tls', 'paymnts-api'],
  ])('%s', (text, kind, api) => {
    const r = parseCommand(text, { now });
    if (!r.ok) throw new Error(r.error);
    expect(r.command).toMatchObject({ kind, api });
  });
  it('plain words are not taken for an API', () => {
    for (const text of ['triage pls', 'look at breakers', 'triage api', 'breaker shipping-backend']) {
      const r = parseCommand(text, { now });
      if (!r.ok) throw new Error(r.error);
      expect(r.command.api).toBeUndefined();
    }
  });
});
