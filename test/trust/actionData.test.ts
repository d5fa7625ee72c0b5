import fc from 'fast-check';
import {
  canonicalJson,
  signAction,
  signCardActions,
  signingKey,
  signingKeyProblem,
  verifyAction,
  verifyCardAction,
  type ActionData,
} from '../../src/bot/actionData';

const KEY = signingKey('k'.repeat(40));
const data: ActionData = {
  verb: 'rerun',
  command: 'triage last 15m',
  window: { from: '2026-11-23T10:00:00Z', minutes: 15 },
  pinned: false,
};

describe('signAction / verifyAction', () => {
  it('round-trips and returns exactly the data that was signed', () => {
    const signed = signAction(data, KEY);
    expect(signed.sig).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(signed.kid).toBe(KEY.kid);
    // Survives the JSON trip through Teams, with keys in another order.
    const echoed: unknown = JSON.parse(JSON.stringify({ pinned: false, ...signed }));
    expect(verifyAction(echoed, KEY)).toEqual({ ok: true, data });
    // A string secret works the same as the prepared key.
    expect(verifyAction(signAction(data, 'k'.repeat(40)), KEY).ok).toBe(true);
  });

  it('refuses missing, extra, changed and unsigned data', () => {
    const signed = signAction(data, KEY);
    const { sig: _sig, ...unsigned } = signed;
    expect(verifyAction(unsigned, KEY)).toMatchObject({ ok: false, code: 'missing-signature' });
    expect(verifyAction({ ...signed, kql: 'GatewayLogs | take 1' }, KEY)).toMatchObject({
      ok: false,
      code: 'bad-signature',
    });
    const { pinned: _p, ...missingField } = signed;
    expect(verifyAction(missingField, KEY)).toMatchObject({ ok: false, code: 'bad-signature' });
    expect(verifyAction({ ...signed, command: 'triage last 7d' }, KEY)).toMatchObject({
      ok: false,
      code: 'bad-signature',
    });
    expect(verifyAction({ ...signed, sig: signed.sig.slice(0, -2) }, KEY)).toMatchObject({
      ok: false,
      code: 'bad-signature',
    });
    for (const v of [null, 'text', 42, [signed]])
      expect(verifyAction(v, KEY)).toMatchObject({ ok: false, code: 'not-an-object' });
    const bad = verifyAction({ ...signed, command: 'x' }, KEY);
    if (!bad.ok) expect(bad.reason).toContain('its data was not written by me');
  });

  it('tells a card from before a restart apart from tampering', () => {
    const before = signingKey();
    const after = signingKey();
    expect(before.ephemeral).toBe(true);
    const r = verifyAction(signAction(data, before), after);
    expect(r).toMatchObject({ ok: false, code: 'stale-key' });
    if (!r.ok) expect(r.reason).toContain('This card is from before I was restarted');
  });

  it('refuses oversized or non-JSON data when signing, and weak keys', () => {
    expect(() => signAction({ verb: 'v', command: 'c', big: 'x'.repeat(5000) }, KEY)).toThrow('limit is 4096');
    expect(() => signAction({ verb: '', command: 'c' }, KEY)).toThrow('non-empty string "verb"');
    expect(() => signAction({ verb: 'v', command: 'c', sig: 'mine' }, KEY)).toThrow('may not set "sig"');
    expect(() => canonicalJson({ n: Number.NaN })).toThrow('finite');
    expect(signingKeyProblem('short')).toMatch(/at least 32 characters.*got 5/);
    expect(signingKeyProblem(undefined)).toBeUndefined();
    expect(() => signingKey('short')).toThrow('ACTION_SIGNING_KEY must be at least 32');
  });

  it('canonical JSON ignores key order', () => {
    expect(canonicalJson({ b: 1, a: { d: [1, { z: 1, y: 2 }], c: null } })).toBe(
      '{"a":{"c":null,"d":[1,{"y":2,"z":1}]},"b":1}',
    );
  });

  const jsonLeaf = fc.oneof(fc.string({ maxLength: 20 }), fc.integer(), fc.boolean(), fc.constant(null));
  const extra = fc.dictionary(
    fc.string({ minLength: 1, maxLength: 8 }).filter((k) => !['verb', 'command', 'sig', 'kid'].includes(k)),
    jsonLeaf,
    { maxKeys: 4 },
  );
  const actionArb = fc
    .record({ verb: fc.string({ minLength: 1, maxLength: 12 }), command: fc.string({ maxLength: 60 }), extra })
    .map(({ verb, command, extra: e }) => ({ ...e, verb, command }));

  it('property: any single change to a signed action is refused', () => {
    fc.assert(
      fc.property(
        actionArb,
        fc.nat(),
        fc.oneof(fc.string({ maxLength: 10 }), fc.integer(), fc.boolean(), fc.constant(null)),
        (action, pick, replacement) => {
          const signed = signAction(action, KEY) as Record<string, unknown>;
          expect(verifyAction(signed, KEY).ok).toBe(true);
          const keys = Object.keys(signed).filter((k) => k !== 'sig');
          const key = keys[pick % keys.length];
          fc.pre(JSON.stringify(signed[key]) !== JSON.stringify(replacement));
          const tampered = { ...signed, [key]: replacement };
          expect(verifyAction(tampered, KEY).ok).toBe(false);
          const withExtra = { ...signed, ['x' + key]: replacement };
          expect(verifyAction(withExtra, KEY).ok).toBe(false);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('property: flipping any bit of the signature is refused', () => {
    fc.assert(
      fc.property(actionArb, fc.nat(), fc.integer({ min: 0, max: 7 }), (action, byteIndex, bit) => {
        const signed = signAction(action, KEY);
        const raw = Buffer.from(signed.sig, 'base64url');
        raw[byteIndex % raw.length] ^= 1 << bit;
        expect(verifyAction({ ...signed, sig: raw.toString('base64url') }, KEY)).toMatchObject({
          ok: false,
          code: 'bad-signature',
        });
      }),
      { numRuns: 300 },
    );
  });
});

describe('signCardActions / verifyCardAction', () => {
  const card = {
    type: 'AdaptiveCard',
    version: '1.5',
    refresh: {
      action: { type: 'Action.Execute', verb: 'refresh', data: { verb: 'refresh', command: 'triage last 15m' } },
      userIds: [],
    },
    body: [
      {
        type: 'ActionSet',
        actions: [{ type: 'Action.Execute', verb: 'drill', data: { verb: 'drill', command: 'tls last 15m' } }],
      },
    ],
    actions: [
      {
        type: 'Action.Execute',
        verb: 'showKql',
        data: { verb: 'showKql', command: 'triage last 15m' },
        fallback: { type: 'Action.Submit', data: { verb: 'showKql', command: 'triage last 15m' } },
      },
      { type: 'Action.OpenUrl', url: 'https://portal.azure.com', data: { verb: 'x', command: 'y' } },
    ],
  };

  it('signs every execute/submit action, leaves the rest, and does not mutate the input', () => {
    const before = JSON.stringify(card);
    const signed = signCardActions(card, KEY);
    expect(JSON.stringify(card)).toBe(before);
    const execs = [signed.refresh.action, signed.body[0].actions[0], signed.actions[0], signed.actions[0].fallback!];
    for (const a of execs) expect(verifyCardAction((a as { verb?: string }).verb, a.data, KEY).ok).toBe(true);
    expect(signed.actions[1].data).toEqual({ verb: 'x', command: 'y' });
    expect(verifyCardAction('drill', signed.body[0].actions[0].data, KEY)).toEqual({
      ok: true,
      data: { verb: 'drill', command: 'tls last 15m' },
    });
  });

  it('refuses an invoke whose verb differs from the signed one', () => {
    const signed = signCardActions(card, KEY);
    expect(verifyCardAction('refresh', signed.body[0].actions[0].data, KEY)).toMatchObject({
      ok: false,
      code: 'bad-signature',
    });
  });
});
