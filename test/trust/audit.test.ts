import { AuditLog, kqlHash, type AuditRecord } from '../../src/bot/audit';
import type { TeamsContext } from '../../src/bot/teamsContext';

const ctx: TeamsContext = {
  tenantId: '11111111-1111-1111-1111-111111111111',
  teamId: '19:team@thread.tacv2',
  channelId: '19:chan@thread.tacv2',
  conversationType: 'channel',
  conversationId: '19:chan@thread.tacv2;messageid=9',
  userAadObjectId: '0c0c0c0c-aaaa-bbbb-cccc-000000000001',
  userName: 'Ada Lovelace',
};
const FIXED = () => new Date('2026-11-23T10:00:00.000Z');

function capture(options: ConstructorParameters<typeof AuditLog>[0] = {}) {
  const lines: string[] = [];
  const log = new AuditLog({ sink: (l) => lines.push(l), now: FIXED, ...options });
  return { log, lines };
}

// Built at run time so no secret-shaped literal sits in the repo.
const b64u = (o: object) => Buffer.from(JSON.stringify(o)).toString('base64url');
const JWT = `${b64u({ alg: 'RS256', typ: 'JWT' })}.${b64u({ sub: 'someone', aud: 'api://x', exp: 1999999999 })}.${'Q'.repeat(20)}sIgNaTuRe`;
const SUB_KEY = 'a1b2c3d4e5f60718293a4b5c6d7e8f90';
const SEEDED = [
  `why 401 on orders-api?subscription-key=${SUB_KEY}`,
  `Authorization: Bearer ${JWT}`,
  `token ${JWT} please`,
  `Ocp-Apim-Subscription-Key: ${SUB_KEY}`,
  `https://x.example/api?sig=${'Zz9'.repeat(12)}&code=secretcode123`,
  `bearer opaqueTokenValue_0123456789`,
  `access_token=${JWT}`,
];
const SECRET_PARTS = [
  SUB_KEY,
  JWT,
  JWT.split('.')[0],
  JWT.split('.')[1],
  'Zz9Zz9Zz9',
  'secretcode123',
  'opaqueTokenValue_0123456789',
  'sIgNaTuRe',
];

describe('AuditLog', () => {
  it('writes one JSON line with the documented shape', () => {
    const { log, lines } = capture();
    const kql = 'GatewayLogs | where TimeGenerated > ago(15m) | summarize count() by ResponseCode';
    log.record({
      event: 'command',
      ctx,
      kind: 'triage',
      text: 'triage last 15m',
      recipe: 'triage',
      kql,
      durationMs: 1234.6,
      outcome: 'answer',
    });
    expect(lines).toHaveLength(1);
    expect(JSON.parse(lines[0])).toEqual({
      ts: '2026-11-23T10:00:00.000Z',
      event: 'command',
      who: { aadObjectId: '0c0c0c0c-aaaa-bbbb-cccc-000000000001', name: 'Ada Lovelace' },
      where: { tenantId: ctx.tenantId, teamId: ctx.teamId, channelId: ctx.channelId, conversationType: 'channel' },
      what: { kind: 'triage', text: 'triage last 15m', recipe: 'triage', kqlHash: kqlHash(kql) },
      durationMs: 1235,
      outcome: 'answer',
    });
    expect(kqlHash(kql)).toMatch(/^[0-9a-f]{16}$/);
    expect(lines[0]).not.toContain('GatewayLogs');
  });

  it.each(SEEDED)('never writes a seeded secret: %s', (secretText) => {
    const { log, lines } = capture();
    log.record({
      event: 'refused',
      ctx: { ...ctx, userName: secretText, channelId: secretText },
      text: secretText,
      recipe: secretText,
      errorCode: secretText,
      detail: secretText,
      verb: secretText,
      outcome: 'refused',
    });
    const out = lines.join('\n');
    for (const part of SECRET_PARTS) expect(out).not.toContain(part);
    expect(out).toMatch(/redacted/i);
  });

  it('redacts before capping, caps text, strips control characters', () => {
    const { log, lines } = capture({ maxTextLength: 40 });
    log.record({
      event: 'command',
      ctx,
      text: `${'x'.repeat(30)} subscription-key=${SUB_KEY}\n\u0007next`,
      outcome: 'answer',
    });
    const text = (JSON.parse(lines[0]) as AuditRecord).what.text!;
    expect(text.length).toBeLessThanOrEqual(40);
    expect(text.endsWith('…')).toBe(true);
    expect(lines[0]).not.toContain(SUB_KEY.slice(0, 8));
    expect([...text].some((ch) => ch.charCodeAt(0) < 0x20)).toBe(false);
  });

  it('adds a custom redactor on top of the default and survives a throwing sink', () => {
    const { log, lines } = capture({ redact: (t) => t.replace(/orders-api/g, '[api]') });
    log.record({
      event: 'rate-limited',
      ctx,
      text: `why 401 on orders-api?subscription-key=${SUB_KEY}`,
      outcome: 'rate-limited',
    });
    expect((JSON.parse(lines[0]) as AuditRecord).what.text).toBe('why 401 on [api]?subscription-key=[REDACTED]');
    const broken = new AuditLog({
      sink: () => {
        throw new Error('disk full');
      },
    });
    expect(broken.record({ event: 'command', ctx, outcome: 'error', errorCode: 'E' })).toBeUndefined();
  });
});
