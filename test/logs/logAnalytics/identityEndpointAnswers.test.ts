/**
 * The fail-fast guard in front of a managed identity credential lets a working endpoint's token through:
 * the real @azure/identity credential against a local endpoint speaking the App Service protocol.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ManagedIdentityCredential } from '@azure/identity';
import { failFastWhenRefused } from '../../../src/logs/logAnalytics/identityEndpoint';

const NAMES = ['IDENTITY_ENDPOINT', 'IDENTITY_HEADER', 'MSI_ENDPOINT', 'MSI_SECRET', 'AZURE_CLIENT_ID'] as const;
const saved = Object.fromEntries(NAMES.map((n) => [n, process.env[n]]));
let server: Server;
const requests: string[] = [];

beforeAll(async () => {
  // GET ?resource=...&api-version=2019-08-01 with X-IDENTITY-HEADER, answered with a token.
  server = createServer((req, res) => {
    requests.push(String(req.headers['x-identity-header']));
    const resource = new URL(req.url ?? '/', 'http://x').searchParams.get('resource');
    res.setHeader('content-type', 'application/json');
    res.end(
      JSON.stringify({
        access_token: 'aaa.bbb.ccc',
        expires_on: String(Math.floor(Date.now() / 1000) + 3600),
        resource,
        token_type: 'Bearer',
      }),
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  for (const n of NAMES) delete process.env[n];
  process.env.IDENTITY_ENDPOINT = `http://127.0.0.1:${(server.address() as AddressInfo).port}/msi/token`;
  process.env.IDENTITY_HEADER = 'identity-header-value';
});
afterAll(async () => {
  for (const n of NAMES) {
    if (saved[n] === undefined) delete process.env[n];
    else process.env[n] = saved[n];
  }
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

test('an endpoint that accepts connections still gives its token through the guard', async () => {
  const credential = failFastWhenRefused(new ManagedIdentityCredential(), process.env.IDENTITY_ENDPOINT!);
  const token = await credential.getToken('https://api.loganalytics.io/.default');
  expect(token?.token).toBe('aaa.bbb.ccc');
  expect(requests).toEqual(['identity-header-value']);
});
