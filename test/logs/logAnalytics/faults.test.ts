/**
 * The Log Analytics fault matrix, through the real @azure/monitor-query-logs client over https
 * against the local service: every documented error becomes an explained LogSourceError.
 */
import { AuthenticationError, AuthenticationRequiredError, CredentialUnavailableError } from '@azure/identity';
import { LogAnalyticsSource, type LogAnalyticsSourceOptions } from '../../../src/logs/logAnalytics/logAnalyticsSource';
import { LogSourceError, toErrorAnswer } from '../../../src/logs/source/errors';
import { echoExecutor, LaService, type Fault } from '../../support/laService/server';
import { FailingCredential, StaticTokenCredential } from '../../support/laService/fakeCredential';
import { SEED, SYNTAX_WITH_POSITION } from '../../support/laService/seedErrors';

const WS = '6f1c2b9e-0000-4000-8000-00000000a11c';
const IDENTITY = 'managed identity 11111111-2222-3333-4444-555555555555';
const cred = new StaticTokenCredential();
const window = { from: new Date('2026-11-23T10:00:00Z'), to: new Date('2026-11-23T10:15:00Z') };
let svc: LaService;

beforeAll(async () => {
  svc = await LaService.start({ executor: echoExecutor, workspaces: [WS] });
});
afterAll(() => svc.close());
beforeEach(() => svc.reset());

function source(extra: Partial<LogAnalyticsSourceOptions> = {}): LogAnalyticsSource {
  return new LogAnalyticsSource({
    workspaceId: WS,
    endpoint: svc.endpoint,
    credential: cred,
    caCertificates: svc.ca,
    identityLabel: IDENTITY,
    ...extra,
  });
}

async function failure(
  fault?: Fault,
  extra: Partial<LogAnalyticsSourceOptions> = {},
  signal?: AbortSignal,
): Promise<LogSourceError> {
  if (fault) svc.inject(fault);
  const err = await source(extra)
    .query({ kql: 'GatewayLogs | take 1', timespan: window, ...(signal ? { signal } : {}) })
    .then(
      () => undefined,
      (e: unknown) => e,
    );
  expect(err).toBeInstanceOf(LogSourceError);
  const e = err as LogSourceError;
  // No token ever reaches the explanation.
  expect(JSON.stringify({ ...toErrorAnswer(e), message: e.message })).not.toContain(cred.token);
  return e;
}

test('400 SyntaxError as the service documents it: code, the service message and a fix', async () => {
  const e = await failure(SEED.syntaxError);
  expect([e.code, e.status, e.retryable]).toEqual(['SyntaxError', 400, false]);
  expect(e.title).toBe('Log Analytics could not parse the query');
  expect(e.what).toBe('Syntax Error');
  expect(e.fix.join(' ')).toContain('apim-triage kql');
});

test('400 SyntaxError with nested innererror keeps the message, line and position', async () => {
  const e = await failure(SYNTAX_WITH_POSITION);
  expect(e.code).toBe('SyntaxError');
  expect(e.what).toBe("Query could not be parsed at 'wher' on line [2,3] (line 2, position 3)");
});

test('400 from a failing query on the service: semantic error with line/column', async () => {
  const failing = await LaService.start({
    executor: () => {
      throw Object.assign(new Error("Failed to resolve column 'ResponseCod'"), {
        kind: 'semantic',
        line: 3,
        column: 9,
      });
    },
  });
  try {
    const e = await source({ endpoint: failing.endpoint, caCertificates: failing.ca })
      .query({ kql: 'x', timespan: window })
      .catch((x: LogSourceError) => x);
    expect((e as LogSourceError).code).toBe('SemanticError');
    expect((e as LogSourceError).what).toBe("Failed to resolve column 'ResponseCod' (line 3, position 9)");
    expect((e as LogSourceError).cause).toContain(WS);
  } finally {
    await failing.close();
  }
});

test('401 AuthenticationFailed (Authorization header missing)', async () => {
  const e = await failure(SEED.noAuth);
  expect([e.code, e.status]).toEqual(['AuthenticationFailed', 401]);
  expect(e.what).toBe("Authentication failed. The 'Authorization' header is missing.");
  expect(e.fix.join(' ')).toContain('Authorization header');
});

test('403 InvalidAuthenticationToken: the service rejects a token it does not know', async () => {
  const e = await failure(undefined, { credential: new StaticTokenCredential('some-other-token') });
  expect([e.code, e.status]).toEqual(['InvalidAuthenticationToken', 403]);
  expect(e.title).toBe("Log Analytics rejected the bot's token");
  expect(e.fix[0]).toContain('AZURE_TENANT_ID');
  expect(e.message).not.toContain('some-other-token');
});

test('403 InvalidAuthenticationTokenAudience points at the endpoint/scope pairing', async () => {
  const e = await failure(SEED.wrongAudience);
  expect(e.code).toBe('InvalidAuthenticationTokenAudience');
  expect(e.fix.join(' ')).toContain('LOG_ANALYTICS_ENDPOINT');
});

test('403 InsufficientAccessError: grant Log Analytics Reader to the identity on the workspace', async () => {
  const e = await failure(SEED.insufficientAccess);
  expect([e.code, e.status, e.retryable]).toEqual(['InsufficientAccessError', 403, false]);
  expect(e.fix[0]).toBe(`Grant Log Analytics Reader to the bot's identity (${IDENTITY}) on workspace ${WS}.`);
  expect(e.fix[1]).toMatch(/up to an hour/);
});

test('403 InsufficientAccessError with innererror UnauthorizedClient names the service principal case', async () => {
  const e = await failure(SEED.unauthorizedClient);
  expect(e.code).toBe('UnauthorizedClient');
  expect(e.what).toContain('The service principal does not have sufficient permissions');
  expect(e.fix[0]).toContain(`to ${IDENTITY} on workspace ${WS}`);
  expect(e.fix[0]).toContain('APIM_RESOURCE_ID');
});

test('403 invalid_grant AADSTS70002/70008', async () => {
  const e = await failure(SEED.invalidGrant);
  expect([e.code, e.status]).toEqual(['InvalidGrant', 403]);
  expect(e.what).toContain('AADSTS70008');
  expect(e.fix[0]).toContain('managed identity or an app registration');
});

test('404 PathNotFoundError for an unknown workspace id', async () => {
  const e = await failure(undefined, { workspaceId: 'apim-prod-logs' });
  expect([e.code, e.status]).toEqual(['PathNotFoundError', 404]);
  expect(e.cause).toContain('apim-prod-logs');
  expect(e.fix[0]).toContain('Workspace ID (a GUID');
});

test('404 PathNotFoundError for an endpoint without /v1', async () => {
  const e = await failure(undefined, { endpoint: svc.endpoint.replace(/\/v1$/, '') });
  expect(e.code).toBe('PathNotFoundError');
  expect(e.fix.join(' ')).toContain('must end with /v1');
});

test('empty 200 (SDK TypeError) is recognised by the recorded status', async () => {
  const e = await failure({ status: 200, body: '' });
  expect([e.code, e.status]).toEqual(['EmptyResponse', 200]);
  expect(e.fix[0]).toContain('Content-Type: application/json');
});

test('200 with {} (SDK "reading \'map\'") is the same empty answer', async () => {
  const e = await failure({ status: 200, body: {} });
  expect(e.code).toBe('EmptyResponse');
});

test('204 No Content (SDK "reading \'error\'") means the workspace has no data', async () => {
  const e = await failure({ status: 204 });
  expect([e.code, e.status]).toEqual(['NoData', 204]);
  expect(e.cause).toContain('diagnostic settings');
  expect(e.fix[0]).toContain('GatewayLogs');
});

test('429 throttled carries Retry-After (seconds and HTTP-date)', async () => {
  const e = await failure({
    status: 429,
    headers: { 'retry-after': '7' },
    body: { error: { code: 'TooManyRequests', message: 'Too many requests' } },
  });
  expect([e.code, e.retryable, e.retryAfterMs]).toEqual(['Throttled', true, 7000]);
  expect(e.what).toContain('wait 7 s');
  const at = new Date(Date.now() + 30_000).toUTCString();
  const d = await failure({ status: 429, headers: { 'retry-after': at } });
  expect(d.retryAfterMs).toBeGreaterThan(25_000);
  expect(d.retryAfterMs).toBeLessThanOrEqual(30_000);
});

test.each([
  [500, 'ServiceError'],
  [502, 'ServiceError'],
  [503, 'ServiceUnavailable'],
  [504, 'QueryTimeout'],
])('HTTP %i is %s and retryable', async (status, code) => {
  const e = await failure({
    status,
    body: { error: { code: status === 504 ? 'GatewayTimeout' : 'InternalServerError', message: 'Something failed' } },
  });
  expect([e.code, e.status, e.retryable]).toEqual([code, status, true]);
});

test('a query running past Prefer: wait gets the 504 query timeout, with the setting to raise', async () => {
  const e = await failure({ delayMs: 1500 }, { serverTimeoutSeconds: 1 });
  expect(svc.requests[0].prefer).toBe('wait=1,include-statistics=true');
  expect(e.code).toBe('QueryTimeout');
  expect(e.fix.join(' ')).toContain('QUERY_TIMEOUT_SECONDS');
});

test('a dropped connection is a retryable NetworkError', async () => {
  const e = await failure({ closeSocket: true });
  expect([e.code, e.retryable]).toEqual(['NetworkError', true]);
  expect(e.what).toContain('ECONNRESET');
});

test('nothing listening (ECONNREFUSED) is a NetworkError', async () => {
  const e = await failure(undefined, { endpoint: 'https://127.0.0.1:1/v1' });
  expect(e.code).toBe('NetworkError');
  expect(e.what).toContain('ECONNREFUSED');
});

test('an untrusted certificate is a TlsError that mentions NODE_EXTRA_CA_CERTS', async () => {
  const e = await failure(undefined, { caCertificates: undefined });
  expect([e.code, e.retryable]).toEqual(['TlsError', false]);
  expect(e.what).toContain('DEPTH_ZERO_SELF_SIGNED_CERT');
  expect(e.fix[0]).toContain('NODE_EXTRA_CA_CERTS');
});

test('cancelling mid-query gives Aborted', async () => {
  const ac = new AbortController();
  const pending = failure({ delayMs: 5000 }, {}, ac.signal);
  while (svc.requests.length === 0) await new Promise((r) => setTimeout(r, 5));
  ac.abort();
  const e = await pending;
  expect([e.code, e.retryable]).toEqual(['Aborted', false]);
});

test('PartialError is not an error: tables plus partialError', async () => {
  svc.inject({
    partialError: {
      code: 'PartialError',
      message: 'There were some errors when processing your query.',
      details: [{ code: 'EngineError', message: 'Query result set has exceeded the internal data size limit' }],
    },
  });
  const r = await source().query({ kql: 'GatewayLogs | take 1', timespan: window });
  expect(r.tables[0].rows).toHaveLength(1);
  expect(r.partialError).toEqual({
    code: 'PartialError',
    message:
      'There were some errors when processing your query. Query result set has exceeded the internal data size limit',
  });
});

describe('token errors from @azure/identity', () => {
  test('CredentialUnavailableError: no credential on this host', async () => {
    const e = await failure(undefined, {
      credential: new FailingCredential(
        () => new CredentialUnavailableError('ManagedIdentityCredential: no managed identity endpoint found.'),
      ),
    });
    expect(e.code).toBe('CredentialUnavailable');
    expect(e.what).toContain(IDENTITY);
    expect(e.fix.join(' ')).toContain('AZURE_CLIENT_SECRET');
    expect(svc.requests).toHaveLength(0);
  });

  test('AuthenticationRequiredError: interactive sign-in is not possible for a bot', async () => {
    const e = await failure(undefined, {
      credential: new FailingCredential(
        () => new AuthenticationRequiredError({ scopes: ['https://api.loganalytics.io/.default'] }),
      ),
    });
    expect(e.code).toBe('AuthenticationRequired');
  });

  test('AuthenticationError invalid_grant AADSTS70008 from the token endpoint', async () => {
    const body = {
      error: 'invalid_grant',
      error_description: 'AADSTS70008: The provided authorization code or refresh token has expired due to inactivity.',
      error_codes: [70008],
    };
    const e = await failure(undefined, { credential: new FailingCredential(() => new AuthenticationError(400, body)) });
    expect(e.code).toBe('InvalidGrant');
    expect(e.what).toContain('AADSTS70008');
  });

  test('AuthenticationError AADSTS7000215: wrong client secret', async () => {
    const body = {
      error: 'invalid_client',
      error_description: 'AADSTS7000215: Invalid client secret provided.',
      error_codes: [7000215],
    };
    const e = await failure(undefined, { credential: new FailingCredential(() => new AuthenticationError(401, body)) });
    expect(e.code).toBe('InvalidClientSecret');
    expect(e.fix[0]).toContain('AZURE_CLIENT_SECRET');
  });
});

test('toErrorAnswer carries the explanation, command and KQL', async () => {
  const e = await failure(SEED.insufficientAccess);
  const answer = toErrorAnswer(e, undefined, 'GatewayLogs | take 1');
  expect(answer).toEqual({
    type: 'error',
    code: 'InsufficientAccessError',
    retryable: false,
    title: e.title,
    what: e.what,
    cause: e.cause,
    fix: e.fix,
    kql: 'GatewayLogs | take 1',
  });
});
