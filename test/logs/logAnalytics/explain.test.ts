/**
 * explainSourceError on error shapes that cannot be produced on loopback (DNS, timeouts, expired
 * certificates) and on secret-bearing text. Shapes follow what @azure/core-rest-pipeline throws.
 */
import { RestError } from '@azure/core-rest-pipeline';
import { AggregateAuthenticationError, CredentialUnavailableError } from '@azure/identity';
import { LogSourceError } from '../../../src/logs/source/errors';
import { explainSourceError } from '../../../src/logs/logAnalytics/explain';
import { scrub } from '../../../src/logs/logAnalytics/errorFacts';

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

test('scrub removes JWTs, bearer tokens and secret parameters', () => {
  const jwt = 'eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiIxMjMifQ.c2lnbmF0dXJl';
  expect(scrub(`token ${jwt} rejected`)).toBe('token [redacted token] rejected');
  expect(scrub('Authorization: Bearer abc.def')).toBe('Authorization: Bearer [redacted]');
  expect(scrub('https://x/y?subscription-key=0123456789abcdef&sig=AbC%3D&code=zz')).toBe(
    'https://x/y?subscription-key=[redacted]&sig=[redacted]&code=[redacted]',
  );
  expect(scrub('client_secret=s3cr3t&x=1')).toBe('client_secret=[redacted]&x=1');
});

test('service text carrying a token is scrubbed before it reaches the explanation', () => {
  const jwt = 'eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiIxMjMifQ.c2lnbmF0dXJl';
  const body = JSON.stringify({
    error: { code: 'InvalidAuthenticationToken', message: `The access token ${jwt} is invalid.` },
  });
  const e = explainSourceError(new RestError('x', { statusCode: 403 }), { ...ctx, response: { status: 403, body } });
  expect(e.code).toBe('InvalidAuthenticationToken');
  expect(e.what).toBe('The access token [redacted token] is invalid.');
});
