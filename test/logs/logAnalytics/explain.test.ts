/**
 * explainSourceError on error shapes that cannot be produced on loopback (DNS, timeouts, expired
 * certificates) and on secret-bearing text. Shapes follow what @azure/core-rest-pipeline throws.
 */
import { RestError } from '@azure/core-rest-pipeline';
import { AggregateAuthenticationError, CredentialUnavailableError } from '@azure/identity';
import { LogSourceError } from '../../../src/logs/source/errors';
import { explainSourceError } from '../../../src/logs/logAnalytics/explain';

const ctx = { workspace: 'ws-guid', identity: 'managed identity mi-1' };
const rest = (message: string, code: string) => new RestError(message, { code });

test.each([
  ['getaddrinfo ENOTFOUND api.loganalytics.example', 'ENOTFOUND', 'EndpointNotFound', false],
  ['connect ETIMEDOUT 20.1.2.3:443', 'ETIMEDOUT', 'NetworkError', true],
  ['read ECONNRESET', 'ECONNRESET', 'NetworkError', true],
  ['getaddrinfo EAI_AGAIN api.loganalytics.io', 'EAI_AGAIN', 'NetworkError', true],
  ['certificate has expired', 'CERT_HAS_EXPIRED', 'TlsError', false],
  ['self-signed certificate in certificate chain', 'SELF_SIGNED_CERT_IN_CHAIN', 'TlsError', false],
  ["Hostname/IP does not match certificate's altnames", 'ERR_TLS_CERT_ALTNAME_INVALID', 'TlsError', false],
  ['unable to verify the first certificate', 'UNABLE_TO_VERIFY_LEAF_SIGNATURE', 'TlsError', false],
])('%s -> %s', (message, code, expected, retryable) => {
  const e = explainSourceError(rest(message, code), ctx);
  expect([e.code, e.retryable]).toEqual([expected, retryable]);
  expect(e.fix.length).toBeGreaterThan(0);
});

test('AbortError from the pipeline', () => {
  const a = new Error('The operation was aborted.');
  a.name = 'AbortError';
  expect(explainSourceError(a, ctx).code).toBe('Aborted');
});

test('AggregateAuthenticationError (DefaultAzureCredential found nothing) is CredentialUnavailable', () => {
  const e = explainSourceError(
    new AggregateAuthenticationError(
      [new CredentialUnavailableError('EnvironmentCredential is unavailable.')],
      'ChainedTokenCredential authentication failed.',
    ),
    ctx,
  );
  expect(e.code).toBe('CredentialUnavailable');
  expect(e.what).toBe('No credential could sign in as managed identity mi-1.');
});

test('a LogSourceError passes through unchanged; unknown errors are UnexpectedError', () => {
  const original = explainSourceError(rest('read ECONNRESET', 'ECONNRESET'), ctx);
  expect(explainSourceError(original, ctx)).toBe(original);
  const u = explainSourceError(new RangeError('weird'), ctx);
  expect(u).toBeInstanceOf(LogSourceError);
  expect(u.code).toBe('UnexpectedError');
  expect(u.inner).toBeInstanceOf(RangeError);
  expect(Object.keys(u)).not.toContain('inner');
});

test('service text carrying a token is scrubbed before it reaches the explanation', () => {
  const jwt = 'eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiIxMjMifQ.c2lnbmF0dXJl';
  const body = JSON.stringify({
    error: { code: 'InvalidAuthenticationToken', message: `The access token ${jwt} is invalid.` },
  });
  const e = explainSourceError(new RestError('x', { statusCode: 403 }), { ...ctx, response: { status: 403, body } });
  expect(e.code).toBe('InvalidAuthenticationToken');
  expect(e.what).toBe('The access token [REDACTED] is invalid.');
});

test('a long no-credential cause is cut at a word, not mid-word, and secrets in it are redacted', () => {
  const words = 'ManagedIdentityCredential: the endpoint did not answer with a token for this resource. ';
  const message = `${words.repeat(8)}refresh_token=0.AXoAsecret subscription_key=feedface x-functions-key: fnKEY9`;
  const e = explainSourceError(new CredentialUnavailableError(message), ctx);
  expect(e.cause.length).toBeLessThanOrEqual(400);
  expect(e.cause.endsWith('…')).toBe(true);
  const kept = e.cause.slice(0, -1);
  // What is kept is whole words of the original, and the cut falls where a word ended.
  expect(message.startsWith(kept)).toBe(true);
  expect(message[kept.length]).toBe(' ');
  const unexpected = explainSourceError(new Error(message.slice(600)), ctx);
  for (const secret of ['0.AXoAsecret', 'feedface', 'fnKEY9']) expect(unexpected.what).not.toContain(secret);
});

test('a refused connection names the port it was refused on, not always 443', () => {
  const refused = explainSourceError(rest('connect ECONNREFUSED 127.0.0.1:8443', 'ECONNREFUSED'), ctx);
  expect(refused.fix.join(' ')).toContain('port 8443');
  expect(refused.fix.join(' ')).not.toContain('443)');
  const reset = explainSourceError(rest('read ECONNRESET', 'ECONNRESET'), ctx);
  expect(reset.fix.join(' ')).toContain('port 443 (HTTPS)');
});

test('a syntax error points at the line and position the service gave, and says so when it gave none', () => {
  const body = (inner: object) =>
    JSON.stringify({
      error: { code: 'BadArgumentError', message: 'The request had some invalid properties', innererror: inner },
    });
  const at = explainSourceError(new RestError('x', { statusCode: 400 }), {
    ...ctx,
    response: {
      status: 400,
      body: body({ code: 'SyntaxError', message: "Query could not be parsed at 'wher'", line: 3, pos: 7 }),
    },
  });
  expect(at.fix[0]).toContain('line 3, position 7');
  const nowhere = explainSourceError(new RestError('x', { statusCode: 400 }), {
    ...ctx,
    response: { status: 400, body: body({ code: 'SyntaxError', message: 'Query could not be parsed' }) },
  });
  expect(nowhere.fix.join(' ')).not.toMatch(/position shown/);
  expect(nowhere.fix[0]).toContain('the service did not say');
});

test('with a managed identity endpoint configured, a credential failure blames the endpoint, not a missing identity', () => {
  const err = new CredentialUnavailableError('ManagedIdentityCredential: connect ECONNREFUSED 127.0.0.1:41741');
  const e = explainSourceError(err, { ...ctx, identityEndpoint: 'http://127.0.0.1:41741/msi/token' });
  expect(e.code).toBe('IdentityEndpointFailed');
  expect(e.what).toContain('http://127.0.0.1:41741/msi/token');
  expect(e.fix.join(' ')).not.toMatch(/enable a managed identity/i);
  // Without one, the advice to set up a credential stays.
  expect(explainSourceError(err, ctx).fix.join(' ')).toMatch(/enable a managed identity/i);
});
