import { classify, classifierKql, ruleKql, matches, type ClassifiableRow } from '../../src/signatures/classify';
import { SIGNATURES, signatureById } from '../../src/signatures/catalog';
import { Workspace, runQuery } from '../../src/kql';

type Case = [string, ClassifiableRow];
const row = (
  responseCode: number | null,
  backendResponseCode: number | null,
  reason: string,
  source: string,
  message: string,
): ClassifiableRow => ({
  responseCode,
  backendResponseCode,
  reason,
  source,
  message,
});

// Reference strings: Microsoft's documented gateway error messages, the community recipes' messages
// (test/fixtures/apim-gateway-log-guide.kql) and the demo incident's.
const CASES: Case[] = [
  [
    'backend-tls-rejected',
    row(
      500,
      null,
      'BackendConnectionFailure',
      'forward-request',
      'The remote certificate was rejected by the provided RemoteCertificateValidationCallback.',
    ),
  ],
  [
    'backend-tls-rejected',
    row(
      500,
      null,
      'BackendConnectionFailure',
      'forward-request',
      'The underlying connection was closed: Could not establish trust relationship for the SSL/TLS secure channel.',
    ),
  ],
  [
    'backend-tls-handshake-failed',
    row(
      500,
      null,
      'BackendConnectionFailure',
      'forward-request',
      'The handshake failed due to an unexpected packet format.',
    ),
  ],
  [
    'backend-connect-timeout',
    row(
      500,
      null,
      'BackendConnectionFailure',
      'forward-request',
      'A connection attempt failed because the connected party did not properly respond after a period of time, or established connection failed because connected host has failed to respond.',
    ),
  ],
  [
    'backend-connect-timeout',
    row(500, null, 'BackendConnectionFailure', 'request-forwarder', 'connection timed out: 172.16.1.5:3001'),
  ],
  [
    'backend-connect-timeout',
    row(500, null, 'BackendConnectionFailure', 'forward-request', 'Unable to connect to the remote server'),
  ],
  [
    'circuit-breaker-open',
    row(
      503,
      null,
      'BackendUnavailable',
      'forward-request',
      'Backend shipping-backend is temporarily unavailable: CircuitBreaker rule shipping-breaker tripped.',
    ),
  ],
  ['circuit-breaker-open', row(503, null, 'CircuitBreakerOpen', 'forward-request', '')],
  ['circuit-breaker-open', row(503, null, '', '', 'Backend pool pool-1 is temporarily unavailable')],
  ['client-disconnected', row(200, 200, 'ClientConnectionFailure', 'transfer-response', 'A task was canceled')],
  ['client-disconnected', row(500, null, 'ClientConnectionFailure', 'forward-request', 'The operation was canceled')],
  [
    'backend-timeout',
    row(500, null, 'Timeout', 'forward-request', 'Request to the backend timed out after 30 seconds.'),
  ],
  [
    'subscription-key-missing',
    row(
      401,
      null,
      'SubscriptionKeyNotFound',
      'authorization',
      'Access denied due to missing subscription key. Make sure to include subscription key when making requests to this API.',
    ),
  ],
  [
    'subscription-key-invalid',
    row(
      401,
      null,
      'SubscriptionKeyInvalid',
      'authorization',
      'Access denied due to invalid subscription key. Make sure to provide a valid key for an active subscription.',
    ),
  ],
  [
    'subscription-not-found',
    row(401, null, 'SubscriptionKeyInvalid', 'authorization', 'Access denied. Reason: Subscription not found'),
  ],
  ['jwt-invalid', row(401, null, 'JwtInvalid', 'validate-jwt', 'Unable to parse and validate JWT token')],
  [
    'jwt-invalid',
    row(
      401,
      null,
      'TokenExpired',
      'validate-jwt',
      'IDX10223: Lifetime validation failed. The token is expired. Access denied.',
    ),
  ],
  ['jwt-invalid', row(401, null, 'TokenNotPresent', 'validate-jwt', 'JWT not present.')],
  [
    'jwt-invalid',
    row(
      401,
      null,
      'TokenClaimNotFound',
      'validate-jwt',
      'JWT token is missing the following claims: roles Access denied.',
    ),
  ],
  [
    'ip-blocked',
    row(403, null, 'CallerIpNotAllowed', 'ip-filter', 'Caller IP address 203.0.113.77 is not allowed. Access denied.'),
  ],
  ['ip-blocked', row(403, null, 'CallerIpBlocked', 'ip-filter', 'Caller IP address is blocked. Access denied.')],
  [
    'rate-limited',
    row(429, null, 'RateLimitExceeded', 'rate-limit', 'Rate limit is exceeded. Try again in 12 seconds.'),
  ],
  [
    'quota-exceeded',
    row(403, null, 'QuotaExceeded', 'quota', 'Out of call volume quota. Quota will be replenished in 02:14:10.'),
  ],
  ['quota-exceeded', row(403, null, '', '', 'Out of bandwidth quota. Quota will be replenished in 00:10:00.')],
  [
    'operation-not-found',
    row(404, null, 'OperationNotFound', 'configuration', 'Unable to match incoming request to an operation.'),
  ],
  [
    'policy-expression-failed',
    row(
      500,
      null,
      'ExpressionValueEvaluationFailure',
      'set-header',
      'Expression evaluation failed. Object reference not set to an instance of an object.',
    ),
  ],
  [
    'policy-expression-failed',
    row(
      500,
      null,
      'ExpressionValueValidationFailure',
      'set-body',
      'Expression value is invalid. The value field is required.',
    ),
  ],
  ['backend-error', row(500, 500, '', '', '')],
  ['backend-error', row(502, 502, '', '', '')],
  ['backend-error', row(429, 429, '', '', '')], // the backend throttled, not an APIM rate-limit policy
  [
    'unclassified',
    row(502, null, 'BackendResponseInvalid', 'forward-request', 'Backend returned an invalid HTTP response.'),
  ],
  ['unclassified', row(500, null, '', '', '')],
  ['unclassified', row(503, null, 'BackendConnectionFailure', 'forward-request', 'No such host is known')], // 503 without breaker words
];

describe('classify: every signature from its reference strings', () => {
  it.each(CASES)('%s <- %j', (id, r) => {
    expect(classify(r).id).toBe(id);
  });
  it('covers every catalog signature', () => {
    const covered = new Set(CASES.map(([id]) => id));
    for (const s of SIGNATURES) expect(covered).toContain(s.id);
  });
  it('is case-insensitive like KQL', () => {
    expect(classify(row(401, null, 'subscriptionkeynotfound', 'AUTHORIZATION', '')).id).toBe(
      'subscription-key-missing',
    );
    expect(
      classify(
        row(
          500,
          null,
          '',
          '',
          'the remote certificate was rejected by the provided remotecertificatevalidationcallback',
        ),
      ).id,
    ).toBe('backend-tls-rejected');
  });
  it('a breaker-looking message with a backend status is not a breaker', () => {
    expect(classify(row(503, 503, '', '', 'temporarily unavailable')).id).toBe('backend-error');
  });
  it('unknown messages are kept as unclassified, never dropped', () => {
    const s = classify(row(500, null, 'SomethingNew', 'mystery-policy', 'Brand new failure text'));
    expect(s.id).toBe('unclassified');
    expect(s.meaning).toMatch(/sample message/);
  });
  it('every signature carries explanation, causes, fixes and a next command', () => {
    for (const s of SIGNATURES) {
      expect(s.meaning.length).toBeGreaterThan(40);
      expect(s.causes.length).toBeGreaterThan(0);
      expect(s.fix.length).toBeGreaterThan(0);
      expect(s.next).toMatch(/^(triage|why|tls|401s|breakers?)\b/);
      expect(s.severity).toBeGreaterThanOrEqual(1);
      expect(s.severity).toBeLessThanOrEqual(5);
    }
    expect(signatureById('backend-tls-rejected').fix.join(' ')).toMatch(/serverX509Names/);
    expect(signatureById('backend-tls-rejected').fix.join(' ')).toMatch(/CA certificate store/);
    expect(signatureById('jwt-invalid').meaning).toMatch(/ordering/);
    expect(signatureById('subscription-not-found').meaning).toMatch(/product/);
    expect(signatureById('nope').id).toBe('unclassified');
  });
});

describe('classifierKql', () => {
  it('escapes literals and keeps catalog order', () => {
    const k = classifierKql();
    expect(k.startsWith('case(')).toBe(true);
    expect(k.indexOf('"backend-tls-rejected"')).toBeLessThan(k.indexOf('"backend-error"'));
    expect(k.indexOf('"subscription-not-found"')).toBeLessThan(k.indexOf('"subscription-key-invalid"'));
    expect(k.trim().endsWith('"unclassified")')).toBe(true);
    expect(ruleKql({ messageContains: ['a"b\\c'] })).toBe('LastErrorMessage contains "a\\"b\\\\c"');
    expect(ruleKql({})).toBe('true');
  });

  it('classifies exactly like classify() when run by the engine', () => {
    const ws = new Workspace();
    const extra: ClassifiableRow[] = [
      row(null, null, null as unknown as string, null as unknown as string, null as unknown as string),
      row(401, 401, 'x', 'y', 'z'),
    ];
    const all = [...CASES.map(([, r]) => r), ...extra];
    ws.addTable({
      name: 'T',
      columns: [
        { name: 'Id', type: 'long' },
        { name: 'ResponseCode', type: 'long' },
        { name: 'BackendResponseCode', type: 'long' },
        { name: 'LastErrorReason', type: 'string' },
        { name: 'LastErrorSource', type: 'string' },
        { name: 'LastErrorMessage', type: 'string' },
      ],
      rows: all.map((r, i) => [
        i,
        r.responseCode ?? null,
        r.backendResponseCode ?? null,
        r.reason ?? null,
        r.source ?? null,
        r.message ?? null,
      ]),
    });
    const res = runQuery(ws, `T | extend Signature = ${classifierKql()} | project Id, Signature | order by Id asc`, {
      now: new Date(),
    });
    const got = res.tables[0].rows.map((r) => r[1]);
    expect(got).toEqual(all.map((r) => classify(r).id));
  });

  it('matches() honours anyOf and minResponseCode', () => {
    expect(matches({ minResponseCode: 400 }, row(399, null, '', '', ''))).toBe(false);
    expect(matches({ anyOf: [{ reasons: ['A'] }, { sources: ['b'] }] }, row(500, null, 'x', 'B', ''))).toBe(true);
    expect(matches({ anyOf: [{ reasons: ['A'] }, { sources: ['b'] }] }, row(500, null, 'x', 'c', ''))).toBe(false);
  });
});
