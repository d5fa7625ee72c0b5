/**
 * Card buttons carry only data the bot put there. An `adaptiveCard/action` invoke is just JSON a
 * client sends back; anyone able to post to the conversation can craft one. So the bot signs the
 * action data it puts on a card (HMAC-SHA256 over a canonical JSON) and refuses any invoke whose data
 * was changed, extended, trimmed or signed with another key.
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };

export interface ActionData {
  verb: string;
  command: string;
  [key: string]: JsonValue;
}

export type SignedAction = ActionData & { kid: string; sig: string };

type VerifyFailure = 'not-an-object' | 'missing-signature' | 'malformed' | 'too-large' | 'stale-key' | 'bad-signature';

export type VerifyResult = { ok: true; data: ActionData } | { ok: false; code: VerifyFailure; reason: string };

/** Signed data stays small: it rides on every button of every card. */
const MAX_ACTION_BYTES = 4096;
const MAX_DEPTH = 8;
const SIG = 'sig';
const KID = 'kid';

export interface SigningKey {
  key: Buffer;
  /** True when generated for this process: cards from before a restart can no longer be used. */
  ephemeral: boolean;
  /** Short public id of the key, put on each action so a stale card is told apart from tampering. */
  kid: string;
}

const MIN_SIGNING_KEY_LENGTH = 32;

/** Why ACTION_SIGNING_KEY is unusable, or undefined when it is fine (or unset). For config validation. */
export function signingKeyProblem(setting: string | undefined): string | undefined {
  if (setting === undefined || setting.trim() === '') return undefined;
  if (setting.trim().length < MIN_SIGNING_KEY_LENGTH) {
    return `ACTION_SIGNING_KEY must be at least ${MIN_SIGNING_KEY_LENGTH} characters (e.g. \`openssl rand -base64 48\`), got ${setting.trim().length}`;
  }
  return undefined;
}

/**
 * The key from ACTION_SIGNING_KEY, or a random one for this process. With a random key every
 * restart (and every other instance, when scaled out) refuses older cards' buttons, politely.
 */
export function signingKey(setting?: string): SigningKey {
  const problem = signingKeyProblem(setting);
  if (problem) throw new Error(problem);
  const trimmed = setting?.trim();
  const key = trimmed ? Buffer.from(trimmed, 'utf8') : randomBytes(32);
  return { key, ephemeral: !trimmed, kid: keyId(key) };
}

function keyId(key: Buffer): string {
  return createHmac('sha256', key).update('apim-triage action key id').digest('hex').slice(0, 8);
}

/** JSON with object keys sorted at every level, so the same data always gives the same bytes. */
export function canonicalJson(value: unknown, depth = 0): string {
  if (depth > MAX_DEPTH) throw new TypeError(`action data nests deeper than ${MAX_DEPTH} levels`);
  if (value === null || typeof value === 'boolean' || typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new TypeError('action data numbers must be finite');
    return JSON.stringify(value);
  }
  if (Array.isArray(value)) return `[${value.map((v) => canonicalJson(v, depth + 1)).join(',')}]`;
  if (typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype) {
    const obj = value as Record<string, unknown>;
    const keys = Object.keys(obj).sort();
    return `{${keys.map((k) => `${JSON.stringify(k)}:${canonicalJson(obj[k], depth + 1)}`).join(',')}}`;
  }
  throw new TypeError(`action data may hold only JSON values, not ${typeof value}`);
}

/** Accepts a prepared key, the ACTION_SIGNING_KEY text, or raw key bytes. */
export type SecretInput = SigningKey | string | Buffer;

function asKey(secret: SecretInput): SigningKey {
  if (Buffer.isBuffer(secret)) return { key: secret, ephemeral: false, kid: keyId(secret) };
  return typeof secret === 'string' ? signingKey(secret) : secret;
}

function mac(key: Buffer, body: Record<string, unknown>): Buffer {
  return createHmac('sha256', key).update(canonicalJson(body)).digest();
}

export function signAction(data: ActionData, secretInput: SecretInput): SignedAction {
  const secret = asKey(secretInput);
  if (typeof data.verb !== 'string' || data.verb === '' || typeof data.command !== 'string') {
    throw new TypeError('action data needs a non-empty string "verb" and a string "command"');
  }
  if (SIG in data || KID in data) throw new TypeError('action data may not set "sig" or "kid" itself');
  const body = { ...data, [KID]: secret.kid };
  const bytes = Buffer.byteLength(canonicalJson(body));
  if (bytes > MAX_ACTION_BYTES) throw new RangeError(`action data is ${bytes} bytes; the limit is ${MAX_ACTION_BYTES}`);
  return { ...body, [SIG]: mac(secret.key, body).toString('base64url') };
}

const STALE_MESSAGE =
  'This card is from before I was restarted, so its buttons no longer work. ' +
  'Type the command again (or use the card menu to refresh) and I will answer with a fresh card.';
const TAMPERED_MESSAGE =
  'I could not verify this button: its data was not written by me. Type the command instead, e.g. "triage last 15m".';

function fail(code: VerifyFailure, reason: string): VerifyResult {
  return { ok: false, code, reason };
}

export function verifyAction(value: unknown, secretInput: SecretInput): VerifyResult {
  const secret = asKey(secretInput);
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    return fail('not-an-object', TAMPERED_MESSAGE);
  }
  const { [SIG]: sig, ...body } = value as Record<string, unknown>;
  if (typeof sig !== 'string' || sig === '') return fail('missing-signature', TAMPERED_MESSAGE);

  let canonical: string;
  try {
    canonical = canonicalJson(body);
  } catch {
    return fail('malformed', TAMPERED_MESSAGE);
  }
  if (Buffer.byteLength(canonical) > MAX_ACTION_BYTES) return fail('too-large', TAMPERED_MESSAGE);

  const expected = createHmac('sha256', secret.key).update(canonical).digest();
  const given = Buffer.from(sig, 'base64url');
  // Length first: timingSafeEqual needs equal lengths, and a length mismatch reveals nothing secret.
  const signatureOk = given.length === expected.length && timingSafeEqual(given, expected);
  if (!signatureOk) {
    // A well-formed action signed under another key id is a card from before a restart, not an attack.
    const kid = body[KID];
    if (typeof kid === 'string' && kid !== secret.kid && /^[0-9a-f]{8}$/.test(kid))
      return fail('stale-key', STALE_MESSAGE);
    return fail('bad-signature', TAMPERED_MESSAGE);
  }
  const { [KID]: _kid, ...data } = body;
  if (typeof data.verb !== 'string' || data.verb === '' || typeof data.command !== 'string') {
    return fail('malformed', TAMPERED_MESSAGE);
  }
  return { ok: true, data: data as ActionData };
}

const SIGNED_ACTION_TYPES = new Set(['Action.Execute', 'Action.Submit']);

/**
 * Returns a copy of an Adaptive Card with every Action.Execute/Action.Submit `data` that carries a
 * {verb, command} signed (also inside `refresh`, `fallback`, ShowCard bodies and so on). Cards stay
 * template-built elsewhere; the bot signs them just before sending.
 */
export function signCardActions<T>(card: T, secret: SecretInput): T {
  const key = asKey(secret);
  const walk = (node: unknown, depth: number): unknown => {
    if (depth > 64 || node === null || typeof node !== 'object') return node;
    if (Array.isArray(node)) return node.map((n) => walk(n, depth + 1));
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(node as Record<string, unknown>)) out[k] = walk(v, depth + 1);
    const data = out.data as Record<string, unknown> | undefined;
    if (
      typeof out.type === 'string' &&
      SIGNED_ACTION_TYPES.has(out.type) &&
      data !== null &&
      typeof data === 'object' &&
      typeof data.verb === 'string' &&
      typeof data.command === 'string' &&
      !(SIG in data)
    ) {
      out.data = signAction(data as ActionData, key);
    }
    return out;
  };
  return walk(card, 0) as T;
}

/**
 * Checks an invoke's action: the data must verify, and the invoke's own verb (Action.Execute sends it
 * beside the data) must be the one that was signed.
 */
export function verifyCardAction(verb: unknown, data: unknown, secret: SecretInput): VerifyResult {
  const result = verifyAction(data, secret);
  if (!result.ok) return result;
  if (verb !== undefined && verb !== null && verb !== '' && verb !== result.data.verb)
    return fail('bad-signature', TAMPERED_MESSAGE);
  return result;
}
