/**
 * Wraps the server's Bot Framework authentication (src/server.ts).
 * botbuilder 4.23.3's JwtTokenExtractor rethrows jsonwebtoken's own errors (bad signature under a
 * known key id, "not before" in the future, malformed claims) instead of an AuthenticationError, so
 * CloudAdapter answers a forged token with 500 (and logs it as a server fault) instead of 401.
 * This wrapper keeps every SDK check and only corrects the status of those refusals.
 */
import {
  AuthenticationError,
  BotFrameworkAuthentication,
  type AuthenticateRequestResult,
  type BotFrameworkClient,
  type ClaimsIdentity,
  type ConnectorFactory,
  type UserTokenClient,
} from 'botframework-connector';
import type { Activity } from 'botbuilder';

const JWT_LIBRARY_ERRORS = new Set(['JsonWebTokenError', 'NotBeforeError', 'TokenExpiredError']);

function asUnauthorized(err: unknown): never {
  if (err instanceof AuthenticationError) throw err;
  const name = (err as { name?: unknown } | null)?.name;
  if (typeof name === 'string' && JWT_LIBRARY_ERRORS.has(name)) {
    throw new AuthenticationError(`Unauthorized. ${(err as Error).message}`, 401);
  }
  throw err;
}

export class StrictStatusAuthentication extends BotFrameworkAuthentication {
  constructor(private readonly inner: BotFrameworkAuthentication) {
    super();
  }

  override authenticateRequest(activity: Activity, authHeader: string): Promise<AuthenticateRequestResult> {
    return this.inner.authenticateRequest(activity, authHeader).catch(asUnauthorized);
  }

  override authenticateStreamingRequest(
    authHeader: string,
    channelIdHeader: string,
  ): Promise<AuthenticateRequestResult> {
    return this.inner.authenticateStreamingRequest(authHeader, channelIdHeader).catch(asUnauthorized);
  }

  override authenticateChannelRequest(authHeader: string): Promise<ClaimsIdentity> {
    return this.inner.authenticateChannelRequest(authHeader).catch(asUnauthorized);
  }

  override createConnectorFactory(claimsIdentity: ClaimsIdentity): ConnectorFactory {
    return this.inner.createConnectorFactory(claimsIdentity);
  }

  override createUserTokenClient(claimsIdentity: ClaimsIdentity): Promise<UserTokenClient> {
    return this.inner.createUserTokenClient(claimsIdentity);
  }

  override createBotFrameworkClient(): BotFrameworkClient {
    return this.inner.createBotFrameworkClient();
  }

  override getOriginatingAudience(): string {
    return this.inner.getOriginatingAudience();
  }
}
