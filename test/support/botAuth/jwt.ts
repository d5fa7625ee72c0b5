/**
 * Signs Bot Framework-style tokens with node:crypto (RS256 = RSASSA-PKCS1-v1_5 over SHA-256), so tests
 * can present the bot with exactly the token a channel would send, or a deliberately broken one.
 */
import { createSign, generateKeyPairSync, randomUUID, type KeyObject } from 'node:crypto';

export interface SigningKeyPair {
  kid: string;
  privateKey: KeyObject;
  /** Public key as a JWK, with the Bot Framework's `endorsements` extension. */
  jwk: { kty: string; n: string; e: string; kid: string; use: 'sig'; alg: 'RS256'; endorsements: string[] };
}

export function newKeyPair(endorsements: string[] = ['msteams'], kid: string = randomUUID()): SigningKeyPair {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const pub = publicKey.export({ format: 'jwk' }) as { kty: string; n: string; e: string };
  return { kid, privateKey, jwk: { kty: pub.kty, n: pub.n, e: pub.e, kid, use: 'sig', alg: 'RS256', endorsements } };
}

const b64u = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');

/** header.payload.signature, base64url, signed with `key` but naming `kid` (which may be another key's). */
export function signJwt(payload: Record<string, unknown>, key: KeyObject, kid: string): string {
  const head = `${b64u({ alg: 'RS256', typ: 'JWT', kid, x5t: kid })}.${b64u(payload)}`;
  const signature = createSign('RSA-SHA256').update(head).sign(key).toString('base64url');
  return `${head}.${signature}`;
}

/** Claims of a valid channel token for `appId`, as Azure Bot Service issues them. */
export function channelClaims(
  appId: string,
  serviceUrl: string,
  nowSeconds = Math.floor(Date.now() / 1000),
): Record<string, unknown> {
  return {
    serviceurl: serviceUrl,
    nbf: nowSeconds - 60,
    exp: nowSeconds + 3600,
    iss: 'https://api.botframework.com',
    aud: appId,
  };
}
