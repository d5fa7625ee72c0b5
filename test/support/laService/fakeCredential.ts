import type { AccessToken, TokenCredential } from '@azure/core-auth';

/** A real TokenCredential that hands out a fixed token (the test service accepts exactly this one). */
export class StaticTokenCredential implements TokenCredential {
  readonly scopesSeen: string[] = [];
  constructor(readonly token = 'la-test-token-0001') {}
  getToken(scopes: string | string[]): Promise<AccessToken> {
    this.scopesSeen.push(...(Array.isArray(scopes) ? scopes : [scopes]));
    return Promise.resolve({ token: this.token, expiresOnTimestamp: Date.now() + 3600_000 });
  }
}

/** A credential whose token request fails the way @azure/identity reports it. */
export class FailingCredential implements TokenCredential {
  constructor(private readonly make: () => Error) {}
  getToken(): Promise<AccessToken | null> {
    return Promise.reject(this.make());
  }
}
