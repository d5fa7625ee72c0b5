/**
 * The managed identity endpoint a host announces (App Service and Functions: IDENTITY_ENDPOINT; older hosts:
 * MSI_ENDPOINT), and a guard for credentials that use it. When that endpoint refuses connections, the SDK
 * retries for seconds and then reports only "Network unreachable", per query of a command. One TCP connect
 * before asking for a token (the token policy asks only when its cached token runs out) says "refused"
 * at once and names the host and port, so the explanation can point at the endpoint that is down.
 */
import { connect } from 'node:net';
import type { AccessToken, GetTokenOptions, TokenCredential } from '@azure/core-auth';

/** Where this host serves managed identity tokens, when it says so. */
export function managedIdentityEndpoint(env: NodeJS.ProcessEnv = process.env): string | undefined {
  return env.IDENTITY_ENDPOINT || env.MSI_ENDPOINT || undefined;
}

/** The configured identity endpoint refused the connection: nothing listens at `hostPort`. */
class IdentityEndpointRefusedError extends Error {
  override readonly name = 'IdentityEndpointRefusedError';
  readonly code = 'ECONNREFUSED';

  constructor(readonly hostPort: string) {
    // explain.ts reads the port from this text ("host:port"), like any refused connection's message.
    super(`The managed identity endpoint at ${hostPort} refused the connection.`);
  }
}

/** Longest wait for the connect; past it the endpoint is not refusing, so the credential gets its turn. */
const PROBE_TIMEOUT_MS = 1_000;

function hostAndPort(endpoint: string): { host: string; port: number } | undefined {
  let url: URL;
  try {
    url = new URL(endpoint);
  } catch {
    return undefined;
  }
  const port = url.port ? Number(url.port) : url.protocol === 'https:' ? 443 : 80;
  return { host: url.hostname.replace(/^\[|\]$/g, ''), port };
}

/** True only when the connection was refused; any other outcome is left to the credential to report. */
function refuses(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host, port });
    const done = (refused: boolean) => {
      socket.destroy();
      resolve(refused);
    };
    socket.setTimeout(PROBE_TIMEOUT_MS, () => done(false));
    socket.once('connect', () => done(false));
    socket.once('error', (err: NodeJS.ErrnoException) => done(err.code === 'ECONNREFUSED'));
  });
}

/** `inner`, failing at once with IdentityEndpointRefusedError when the endpoint at `endpoint` refuses. */
export function failFastWhenRefused(inner: TokenCredential, endpoint: string): TokenCredential {
  const target = hostAndPort(endpoint);
  if (!target) return inner;
  const shown = `${target.host.includes(':') ? `[${target.host}]` : target.host}:${target.port}`;
  return {
    async getToken(scopes: string | string[], options?: GetTokenOptions): Promise<AccessToken | null> {
      if (await refuses(target.host, target.port)) throw new IdentityEndpointRefusedError(shown);
      return inner.getToken(scopes, options);
    },
  };
}
