/**
 * A host that announces a managed identity endpoint (IDENTITY_ENDPOINT, as App Service sets it) whose
 * endpoint refuses connections: the real @azure/identity credentials retry for seconds and then say only
 * "Network unreachable". The bot fails before they would, blames the endpoint by host and port, and does
 * not advise enabling an identity the host already has. (An endpoint that answers: identityEndpointAnswers.test.ts,
 * its own file because MSAL keeps the first endpoint it sees for the life of the module.)
 */
import { createServer as createTcpServer, type AddressInfo } from 'node:net';
import { ManagedIdentityCredential } from '@azure/identity';
import { buildLogAnalyticsSource, type CredentialOption } from '../../../src/logs/logAnalytics/logAnalyticsSource';
import { LogSourceError } from '../../../src/logs/source/errors';

jest.setTimeout(60_000);

const WS = '6f1c2b9e-0000-4000-8000-00000000a11c';
const CLIENT = '3f1c0a52-7d1e-4c55-9a0b-1e2f3a4b5c6d';
const SCOPE = 'https://api.loganalytics.io/.default';
const window = { from: new Date('2026-11-23T10:00:00Z'), to: new Date('2026-11-23T10:15:00Z') };
const NAMES = ['IDENTITY_ENDPOINT', 'IDENTITY_HEADER', 'MSI_ENDPOINT', 'MSI_SECRET', 'AZURE_CLIENT_ID'] as const;
const saved = Object.fromEntries(NAMES.map((n) => [n, process.env[n]]));

/** A port nothing listens on: bound, then closed again. */
async function refusingPort(): Promise<number> {
  const server = createTcpServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

let port: number;
beforeAll(async () => {
  port = await refusingPort();
});
beforeEach(() => {
  for (const n of NAMES) delete process.env[n];
  process.env.IDENTITY_ENDPOINT = `http://127.0.0.1:${port}/msi/token`;
  process.env.IDENTITY_HEADER = 'identity-header-value';
});
afterAll(() => {
  for (const n of NAMES) {
    if (saved[n] === undefined) delete process.env[n];
    else process.env[n] = saved[n];
  }
});

test.each<[string, CredentialOption]>([
  ['a user-assigned managed identity', { managedIdentityClientId: CLIENT }],
  ['DefaultAzureCredential', 'default'],
])('%s: a refusing endpoint fails before the SDK gives up, naming host and port', async (_, credential) => {
  const settled: string[] = [];
  // The credential alone, as the SDK ships it: how long the bot used to take before it could explain.
  const bare = new ManagedIdentityCredential({ clientId: CLIENT })
    .getToken(SCOPE)
    .then(
      () => 'token',
      (e: unknown) => (e instanceof Error ? e.message : String(e)),
    )
    .finally(() => settled.push('sdk alone'));
  const source = buildLogAnalyticsSource({
    workspaceId: WS,
    // Never reached: no token, no query.
    endpoint: 'https://127.0.0.1:1/v1',
    credential,
    cacheTtlMs: 0,
  });
  const failed = await source
    .query({ kql: 'AppRequests | take 1', timespan: window })
    .then(
      () => undefined,
      (e: unknown) => e,
    )
    .finally(() => settled.push('bot'));
  expect(failed).toBeInstanceOf(LogSourceError);
  const e = failed as LogSourceError;
  expect([e.code, e.retryable]).toEqual(['IdentityEndpointRefused', false]);
  expect(e.cause).toContain(`managed identity endpoint at 127.0.0.1:${port} refused the connection`);
  expect(e.what).toContain(`http://127.0.0.1:${port}/msi/token`);
  expect(e.fix[0]).toContain(`port ${port}`);
  const text = [e.title, e.what, e.cause, ...e.fix].join(' ');
  expect(text).not.toMatch(/enable a managed identity/i);
  expect(text).not.toMatch(/\b443\b/);
  expect(text).not.toContain('identity-header-value');
  // The SDK on its own is still retrying when the bot has already explained.
  expect(settled).toEqual(['bot']);
  expect(await bare).toMatch(/network/i);
});
