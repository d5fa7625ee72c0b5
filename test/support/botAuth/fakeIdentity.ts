/**
 * Loopback stand-ins for the two identity services a Bot Framework bot talks to:
 *  - the Bot Framework OpenID metadata + JWKS that inbound channel tokens are checked against;
 *  - the Entra (AAD) token endpoint the bot asks for its outbound token (client credentials).
 * Plain http on 127.0.0.1; every request is recorded so tests can assert what was asked.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { SigningKeyPair } from './jwt';

interface TokenRequest {
  path: string;
  form: Record<string, string>;
}

export interface FakeIdentity {
  baseUrl: string;
  /** Use as ToBotFromChannelOpenIdMetadataUrl. */
  openIdMetadataUrl: string;
  /** Access token handed out by the token endpoint (what the connector must then receive). */
  accessToken: string;
  tokenRequests: TokenRequest[];
  requests: string[];
  close(): Promise<void>;
}

export async function startFakeIdentity(
  keys: SigningKeyPair[],
  accessToken = 'outbound-access-token-for-tests',
): Promise<FakeIdentity> {
  const tokenRequests: TokenRequest[] = [];
  const requests: string[] = [];
  let baseUrl = '';

  const json = (res: ServerResponse, status: number, body: unknown) => {
    res.writeHead(status, { 'content-type': 'application/json' });
    res.end(JSON.stringify(body));
  };

  const server: Server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const url = new URL(req.url ?? '/', baseUrl);
      requests.push(`${req.method} ${url.pathname}`);
      const path = url.pathname;
      if (path === '/v1/.well-known/openidconfiguration') {
        return json(res, 200, {
          issuer: 'https://api.botframework.com',
          authorization_endpoint: 'https://invalid.botframework.com',
          jwks_uri: `${baseUrl}/v1/.well-known/keys`,
          id_token_signing_alg_values_supported: ['RS256'],
          token_endpoint_auth_methods_supported: ['private_key_jwt'],
        });
      }
      if (path === '/v1/.well-known/keys') return json(res, 200, { keys: keys.map((k) => k.jwk) });
      // Entra endpoints, reached through the MSAL network client that maps login.microsoftonline.com here.
      const aad = /^\/([^/]+)\/v2\.0\/\.well-known\/openid-configuration$/.exec(path);
      if (aad) {
        const tenant = aad[1];
        const login = 'https://login.microsoftonline.com';
        return json(res, 200, {
          token_endpoint: `${login}/${tenant}/oauth2/v2.0/token`,
          authorization_endpoint: `${login}/${tenant}/oauth2/v2.0/authorize`,
          end_session_endpoint: `${login}/${tenant}/oauth2/v2.0/logout`,
          issuer: `${login}/${tenant}/v2.0`,
          jwks_uri: `${login}/${tenant}/discovery/v2.0/keys`,
          response_types_supported: ['code', 'id_token', 'token'],
        });
      }
      if (/^\/[^/]+\/oauth2\/v2\.0\/token$/.test(path) && req.method === 'POST') {
        const form = Object.fromEntries(new URLSearchParams(Buffer.concat(chunks).toString('utf8')));
        tokenRequests.push({ path, form });
        return json(res, 200, {
          token_type: 'Bearer',
          expires_in: 3599,
          ext_expires_in: 3599,
          access_token: accessToken,
        });
      }
      json(res, 404, { error: 'not_found', path });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    baseUrl,
    openIdMetadataUrl: `${baseUrl}/v1/.well-known/openidconfiguration`,
    accessToken,
    tokenRequests,
    requests,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
