import { parsePinCommand, isPinText } from '../../../src/bot/pins/pinCommand';

const now = new Date('2026-11-23T14:32:00Z');
const ctx = { now };
const H = 3600_000;
const M = 60_000;

describe('parsePinCommand', () => {
  test.each([
    ['pin triage last 15m every 5m', 'triage last 15m', 5 * M, 4 * H],
    ['pin triage', 'triage', 5 * M, 4 * H],
    ['pin triage last 15m', 'triage last 15m', 5 * M, 4 * H],
    ['pin why 503 on shipping-api every 2m for 2h', 'why 503 on shipping-api', 2 * M, 2 * H],
    ['pin tls for 3h every 10 min', 'tls', 10 * M, 3 * H],
    ['PIN triage every 1h', 'triage', H, 4 * H],
    ['pin breakers every hour', 'breakers', H, 4 * H],
    ['pin triage every 1m for 90m', 'triage', M, 90 * M],
    ['pin triage for payments-api every 5m', 'triage for payments-api', 5 * M, 4 * H],
    ['pin 401s on orders-api for 24h', '401s on orders-api', 5 * M, 24 * H],
  ])('%s', (text, commandText, everyMs, lifetime) => {
    expect(parsePinCommand(text, ctx)).toEqual({
      kind: 'pin',
      commandText,
      everyMs,
      untilMs: now.getTime() + lifetime,
    });
  });

  test.each([
    ['pin triage until 18:30', '2026-11-23T18:30:00.000Z', undefined],
    ['pin triage until 18:30 UTC', '2026-11-23T18:30:00.000Z', 'Europe/Berlin'],
    // 18:30 in Berlin (UTC+1 in November) is 17:30 UTC.
    ['pin triage until 18:30', '2026-11-23T17:30:00.000Z', 'Europe/Berlin'],
    // A time already past today means tomorrow.
    ['pin triage every 5m until 09:00', '2026-11-24T09:00:00.000Z', undefined],
  ])('%s (zone %s)', (text, until, timeZone) => {
    const r = parsePinCommand(text, { now, timeZone });
    expect(r).toMatchObject({ kind: 'pin', commandText: 'triage', untilMs: Date.parse(until) });
  });

  test.each([
    ['unpin', { kind: 'unpin', all: false }],
    ['unpin this', { kind: 'unpin', all: false }],
    ['unpin all', { kind: 'unpin', all: true }],
    ['pins', { kind: 'list' }],
    ['pin list', { kind: 'list' }],
  ])('%s', (text, expected) => {
    expect(parsePinCommand(text, ctx)).toEqual(expected);
  });

  test.each([
    ['pin', /Say which command/, 'pin triage last 15m every 5m'],
    ['pin nonsense', /I can't pin "nonsense": I don't know the command "nonsense"/, 'pin triage'],
    ['pin triqqe last 15m', /I can't pin/, 'pin triage'],
    ['pin triage every 30s', /I could not read "every 30s"/, 'pin triage last 15m every 5m'],
    ['pin triage every 2h', /every 1 to 60 minutes/, 'pin triage every 5m'],
    ['pin triage every 0m', /every 1 to 60 minutes/, 'pin triage every 5m'],
    ['pin triage for 25h', /at most 24 hours/, 'pin triage every 5m for 4h'],
    ['pin triage until 25:00', /not a time of day/, 'pin triage until 18:30'],
    ['pin triage until teatime', /I could not read "until teatime"/, 'unpin'],
    ['pin triage every 10m for 5m', /end before its first refresh/, 'pin triage every 5m for 4h'],
    ['pin help', /Help does not change/, 'pin triage last 15m every 5m'],
    ['unpin everything', /takes nothing or "all"/, 'unpin all'],
    ['pin why', /"why" needs a status code/, 'pin why 500'],
  ])('%s -> helpful error', (text, error, suggestion) => {
    const r = parsePinCommand(text, ctx) as { error: string; suggestions: string[] };
    expect(r.error).toMatch(error);
    expect(r.suggestions).toContain(suggestion);
  });

  test('not a pin command', () => {
    expect(parsePinCommand('triage last 15m', ctx)).toBeUndefined();
    expect(parsePinCommand('pinned', ctx)).toBeUndefined();
    expect(isPinText('  Pin triage')).toBe(true);
    expect(isPinText('unpin')).toBe(true);
    expect(isPinText('pins')).toBe(true);
    expect(isPinText('pinpoint 500s')).toBe(false);
    expect(isPinText('why 500')).toBe(false);
  });
});
