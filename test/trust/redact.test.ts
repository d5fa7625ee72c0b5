import fc from 'fast-check';
import { errorText, redactSecrets, REDACTED, SECRET_SHAPES, truncate } from '../../src/redact';
import { describe as describeForLog } from '../../src/bot/triageBot';
import { plainText } from '../../src/cards/sanitize';
import { AuditLog } from '../../src/bot/audit';

const JWT =
  'eyJhbGciOiJSUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIiwiYXVkIjoiYXBpIn0.c2lnbmF0dXJlLXZhbHVlLWhlcmU';

describe('redactSecrets', () => {
  it.each([
    [
      'https://contoso-apim.azure-api.net/orders/v1?subscription-key=0123456789abcdef0123456789abcdef',
      'https://contoso-apim.azure-api.net/orders/v1?subscription-key=[REDACTED]',
    ],
    ['https://x/blob?sv=2022-11-02&sig=abc%2Bdef%3D&se=2026', 'https://x/blob?sv=2022-11-02&sig=[REDACTED]&se=2026'],
    [
      'https://fn.azurewebsites.net/api/run?code=AbC123==&name=x',
      'https://fn.azurewebsites.net/api/run?code=[REDACTED]&name=x',
    ],
    [`https://x/cb?state=1&access_token=${JWT}`, 'https://x/cb?state=1&access_token=[REDACTED]'],
    ['https://x/?api-key=k1&key=k2&token=t3', 'https://x/?api-key=[REDACTED]&key=[REDACTED]&token=[REDACTED]'],
    ['https://x/?API-KEY=k1', 'https://x/?API-KEY=[REDACTED]'],
    ['Ocp-Apim-Subscription-Key: 0123456789abcdef0123456789abcdef', 'Ocp-Apim-Subscription-Key: [REDACTED]'],
    ['Authorization: Bearer abc.def', 'Authorization: Bearer [REDACTED]'],
    ['{"Authorization":"Basic dXNlcjpwYXNz"}', '{"Authorization":"Basic [REDACTED]"}'],
    [`token was ${JWT} and then`, `token was ${REDACTED} and then`],
    ['the token:' + JWT, 'the token:' + REDACTED],
    // The three the logs used to leave readable (issue: refresh_token=, subscription_key=, x-functions-key:).
    ['grant failed: refresh_token=0.AXoAabc-def_ghi rejected', 'grant failed: refresh_token=[REDACTED] rejected'],
    ['GET /orders?subscription_key=0123456789abcdef', 'GET /orders?subscription_key=[REDACTED]'],
    ['x-functions-key: a1B2c3D4e5F6==', 'x-functions-key: [REDACTED]'],
    ['client_secret=s3cr3t&x=1', 'client_secret=[REDACTED]&x=1'],
    ['{"password": "hunter2", "user": "a"}', '{"password": "[REDACTED]", "user": "a"}'],
    [
      'DefaultEndpointsProtocol=https;AccountName=acct;AccountKey=bXlrZXk0NTY3ODkw+/==;EndpointSuffix=core.windows.net',
      'DefaultEndpointsProtocol=https;AccountName=acct;AccountKey=[REDACTED];EndpointSuffix=core.windows.net',
    ],
    [
      'Endpoint=sb://ns.servicebus.windows.net/;SharedAccessKeyName=send;SharedAccessKey=c2VjcmV0a2V5MQ==',
      'Endpoint=sb://ns.servicebus.windows.net/;SharedAccessKeyName=send;SharedAccessKey=[REDACTED]',
    ],
    ['Server=db;User Id=app;Password=p4ss;', 'Server=db;User Id=app;Password=[REDACTED];'],
    [
      'Authorization: SharedAccessSignature sr=https%3A%2F%2Fns&sig=c2ln&se=1700000000&skn=send',
      'Authorization: SharedAccessSignature [REDACTED]&sig=[REDACTED]&se=1700000000&skn=send',
    ],
    ['sent Bearer abcdefgh12345678 upstream', 'sent Bearer [REDACTED] upstream'],
  ])('%s', (input, expected) => {
    expect(redactSecrets(input)).toBe(expected);
  });

  it('leaves ordinary text and look-alike names alone', () => {
    for (const s of [
      'https://x/orders?statuscode=500&keyword=blue&monkey=1&page=2 Access denied due to missing subscription key.',
      'Basic authentication is not supported; Bearer authentication is required.',
      'AuthorizationFailed: The client does not have authorization to perform action.',
      'Backend shipping-backend is temporarily unavailable: CircuitBreaker rule tripped.',
    ]) {
      expect(redactSecrets(s)).toBe(s);
    }
    expect(redactSecrets('')).toBe('');
  });

  it('redacts bare key-like runs only when asked (text people type; service text has request ids)', () => {
    const key = '0123456789abcdef0123456789abcdef';
    expect(redactSecrets(`my key is ${key}`)).toBe(`my key is ${key}`);
    expect(redactSecrets(`my key is ${key}`, { bareKeys: true })).toBe(`my key is ${REDACTED}`);
  });
});

describe('one redactor everywhere', () => {
  const leaky = new Error(
    'token refresh failed: refresh_token=0.AXoAtok; GET ?subscription_key=feedface1234; x-functions-key: fnKEY9z',
  );
  const secrets = ['0.AXoAtok', 'feedface1234', 'fnKEY9z'];

  it('log lines, cards and audit lines all hide the same secrets', () => {
    const outputs = [
      describeForLog(leaky),
      errorText(leaky),
      plainText(leaky.message, 1000),
      (() => {
        const lines: string[] = [];
        new AuditLog({ sink: (l) => lines.push(l) }).record({
          event: 'command',
          ctx: { conversationId: 'c', conversationType: 'personal', userName: 'Ada' },
          text: leaky.message,
          outcome: 'error',
        });
        return lines.join('\n');
      })(),
    ];
    for (const out of outputs) for (const s of secrets) expect(out).not.toContain(s);
  });
});

describe('truncate', () => {
  it('cuts at a word boundary when one is near and marks the cut', () => {
    expect(truncate('None of the configured sign-in methods is available', 30)).toBe('None of the configured…');
    expect(truncate('short', 30)).toBe('short');
    expect(truncate('x'.repeat(50), 10)).toBe('xxxxxxxxx…');
  });
});

// ---- properties -------------------------------------------------------------------------------------------

/** Secret values as they appear in the wild (URL-encoded base64, hex, tokens); always with a digit and a capital. */
const secretValue = fc
  .string({
    unit: fc.constantFrom(...'ABCDEFGHJKLMNPQRSTUVWXYZabcdefghjkmnpqrstuvwxyz0123456789%+/.-_~'),
    minLength: 6,
    maxLength: 40,
  })
  .map((s) => `Q7${s}`);
/** Surrounding text that cannot contain a secret's capital-and-digit prefix. */
const filler = fc.string({ unit: fc.constantFrom(...'abcdefghij klmnop/.,:()!'), maxLength: 30 });
const mixCase = (name: string, flips: boolean[]) =>
  [...name].map((c, i) => (flips[i % flips.length] ? c.toUpperCase() : c.toLowerCase())).join('');
const flips = fc.array(fc.boolean(), { minLength: 1, maxLength: 8 });
const dashOrUnderscore = (name: string, underscore: boolean) =>
  underscore ? name.replace(/-/g, '_') : name.replace(/_/g, '-');

const inQuery = fc
  .tuple(fc.constantFrom(...SECRET_SHAPES.queryKeys), flips, fc.boolean(), fc.constantFrom('?', '&', '&amp;', ' '))
  .map(
    ([name, f, u, sep]) =>
      (v: string) =>
        `https://gw.example/p${sep}${mixCase(dashOrUnderscore(name, u), f)}=${v}&n=1`,
  );
const inHeader = fc
  .tuple(
    fc.constantFrom(...SECRET_SHAPES.headers),
    flips,
    fc.constantFrom(': ', ':', '=', '":"'),
    fc.option(fc.constantFrom(...SECRET_SHAPES.schemes)),
  )
  .map(
    ([name, f, sep, scheme]) =>
      (v: string) =>
        `${mixCase(name, f)}${sep}${scheme ? `${scheme} ` : ''}${v}`,
  );
const inConnectionString = fc.tuple(fc.constantFrom(...SECRET_SHAPES.connectionStringKeys), flips).map(
  ([name, f]) =>
    (v: string) =>
      `Endpoint=https://acct.example/;${mixCase(name, f)}=${v};Other=1`,
);
const afterScheme = fc
  .constantFrom(...SECRET_SHAPES.schemes)
  .map((scheme) => (v: string) => `upstream said ${scheme} ${v.replace(/[%+/~]/g, 'x')} was refused`);

describe('properties', () => {
  it('no secret value survives, whatever shape carries it and whatever surrounds it', () => {
    fc.assert(
      fc.property(
        filler,
        fc.oneof(inQuery, inHeader, inConnectionString, afterScheme),
        secretValue,
        filler,
        (before, shape, value, after) => {
          const raw = shape(value);
          const secret = raw.includes(value) ? value : value.replace(/[%+/~]/g, 'x');
          const out = redactSecrets(`${before} ${raw} ${after}`);
          expect(out).not.toContain(secret);
          expect(out).toContain(REDACTED);
        },
      ),
      { numRuns: 2000 },
    );
  });

  it('a JWT is redacted wherever it appears, even glued to other text', () => {
    const b64url = fc.string({ unit: fc.constantFrom(...'ABCDEFabcdef0123456789-_'), minLength: 5, maxLength: 60 });
    fc.assert(
      fc.property(filler, b64url, b64url, b64url, filler, (before, h, p, s, after) => {
        const jwt = `eyJ${h}.${p}.${s}`;
        expect(redactSecrets(`${before}${jwt} ${after}`)).not.toContain(`${h}.${p}`);
      }),
    );
  });

  it('is idempotent and leaves text with no secret names unchanged', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 200 }), (s) => {
        const once = redactSecrets(s);
        expect(redactSecrets(once)).toBe(once);
      }),
      { numRuns: 2000 },
    );
    // Words that are not in the catalogue (and carry no "eyJ" / "=" pairs) are never touched.
    const plain = fc.string({ unit: fc.constantFrom(...'uvwxyz 0123456789.,()-'), maxLength: 200 });
    fc.assert(fc.property(plain, (s) => expect(redactSecrets(s)).toBe(s)));
  });

  it('a cut text never ends mid-word when there is a space in its last 40%', () => {
    const words = fc.array(fc.string({ unit: fc.constantFrom(...'abcdefgh'), minLength: 1, maxLength: 8 }), {
      minLength: 1,
      maxLength: 40,
    });
    fc.assert(
      fc.property(words, fc.integer({ min: 20, max: 120 }), (ws, max) => {
        const text = ws.join(' ');
        const out = truncate(text, max);
        expect(out.length).toBeLessThanOrEqual(max);
        if (out === text) return;
        const kept = out.slice(0, -1);
        expect(text.startsWith(kept)).toBe(true);
        // Either the cut fell on a word boundary, or no boundary was near enough to use.
        const boundary = text[kept.length] === ' ';
        expect(boundary || kept.lastIndexOf(' ') < (max - 1) * 0.6).toBe(true);
      }),
    );
  });
});
