/**
 * What a failed log query says about itself, read from whatever shape it came in: the SDK's RestError, the
 * raw response body (the SDK drops fields such as innererror.line), an Entra ID token error, or a Node
 * network error. explain.ts turns these facts into advice.
 */
import { redactSecrets } from '../../redact';

/** Who a bearer token says the caller is: what an administrator needs to grant it a role. */
export interface TokenIdentity {
  clientId?: string;
  objectId?: string;
  tenantId?: string;
}

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * The ids in an access token's claims (appid/azp, oid, tid), read without verifying the token: they only
 * name the identity in an explanation, and only values shaped like GUIDs are kept.
 */
export function identityFromToken(authorization: string | undefined): TokenIdentity | undefined {
  const m = /^Bearer\s+[\w-]+\.([\w-]+)\.[\w-]*$/i.exec(authorization ?? '');
  if (!m) return undefined;
  let claims: Record<string, unknown>;
  try {
    claims = JSON.parse(Buffer.from(m[1], 'base64url').toString('utf8')) as Record<string, unknown>;
  } catch {
    return undefined;
  }
  const guid = (v: unknown) => (typeof v === 'string' && GUID.test(v) ? v : undefined);
  const found: TokenIdentity = {
    clientId: guid(claims.appid) ?? guid(claims.azp),
    objectId: guid(claims.oid),
    tenantId: guid(claims.tid),
  };
  return found.clientId || found.objectId ? found : undefined;
}

/** "<label> (client id …, object id … in tenant …)": the configured label plus the ids the token carried. */
export function nameIdentity(label: string, token: TokenIdentity | undefined): string {
  if (!token) return label;
  const ids = [
    token.clientId && `client id ${token.clientId}`,
    token.objectId && `object id ${token.objectId}`,
    token.tenantId && `tenant ${token.tenantId}`,
  ].filter(Boolean);
  return `${label} (${ids.join(', ')})`;
}

/** What the HTTP layer saw for the failed call (recorded by a pipeline policy, see logAnalyticsSource). */
export interface RecordedResponse {
  status: number;
  /** The ids the request's access token carried (never the token), for naming the identity. */
  token?: TokenIdentity;
  /** Raw body text (capped); the SDK drops fields such as innererror.line, so we read it ourselves. */
  body?: string;
  retryAfter?: string;
}

export interface ExplainContext {
  /** Workspace id or APIM resource id the bot queries. */
  workspace: string;
  /** How the bot authenticates, e.g. "managed identity 1234-..." (never a secret). */
  identity: string;
  response?: RecordedResponse;
  /** The bot's own answer time limit, for explaining a cancellation. */
  timeoutSeconds?: number;
  /** The managed identity endpoint this host announces (IDENTITY_ENDPOINT or MSI_ENDPOINT), when it has one. */
  identityEndpoint?: string;
}

export interface OneApiError {
  code?: string;
  message?: string;
  innererror?: OneApiError;
  line?: number;
  pos?: number;
  token?: string;
}

export interface Facts {
  status?: number;
  /** Parsed OneAPI `error` object, when the body had one. */
  api?: OneApiError;
  /** Token endpoint shape: {error:'invalid_grant', error_description, error_codes}. */
  grant?: { error: string; description: string; codes: number[] };
  errCode?: string;
  name: string;
  message: string;
  retryAfterMs?: number;
}

function parseJson(text: string | undefined): unknown {
  if (!text) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function asRecord(v: unknown): Record<string, unknown> | undefined {
  return v && typeof v === 'object' ? (v as Record<string, unknown>) : undefined;
}

/** Retry-After is either delay-seconds or an HTTP-date. */
export function parseRetryAfter(value: string | null | undefined, now = Date.now()): number | undefined {
  if (!value) return undefined;
  const v = value.trim();
  if (/^\d+(\.\d+)?$/.test(v)) return Math.round(Number(v) * 1000);
  const at = Date.parse(v);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

function readBody(body: unknown, facts: Facts): void {
  const rec = asRecord(body);
  if (!rec) return;
  if (typeof rec.error === 'string') {
    const codes = Array.isArray(rec.error_codes)
      ? rec.error_codes.filter((c): c is number => typeof c === 'number')
      : [];
    facts.grant = {
      error: rec.error,
      description: typeof rec.error_description === 'string' ? rec.error_description : '',
      codes,
    };
  } else if (asRecord(rec.error)?.code) {
    facts.api = rec.error as OneApiError;
  }
}

export function gather(err: unknown, ctx: ExplainContext): Facts {
  const e = asRecord(err) ?? {};
  const facts: Facts = {
    name: typeof e.name === 'string' ? e.name : typeof err,
    message: err instanceof Error ? err.message : String(err),
    errCode: typeof e.code === 'string' ? e.code : undefined,
  };
  const status = ctx.response?.status ?? (typeof e.statusCode === 'number' ? e.statusCode : undefined);
  if (status !== undefined) facts.status = status;
  readBody(parseJson(ctx.response?.body), facts);
  if (!facts.api && !facts.grant) readBody(asRecord(e.details), facts);
  // @azure/identity AuthenticationError keeps the token endpoint's answer in errorResponse.
  const idResp = asRecord(e.errorResponse);
  if (!facts.grant && idResp && typeof idResp.error === 'string') {
    facts.grant = {
      error: idResp.error,
      description: typeof idResp.errorDescription === 'string' ? idResp.errorDescription : '',
      codes: Array.isArray(idResp.errorCodes) ? (idResp.errorCodes as number[]) : [],
    };
  }
  const headers = asRecord(asRecord(e.response)?.headers);
  const retryAfter =
    ctx.response?.retryAfter ??
    (typeof headers?.get === 'function'
      ? (headers.get as (n: string) => string | undefined).call(headers, 'retry-after')
      : undefined);
  const ms = parseRetryAfter(retryAfter);
  if (ms !== undefined) facts.retryAfterMs = ms;
  return facts;
}

/** The deepest innererror message plus line/position, e.g. "Query could not be parsed at 'wher' on line [1,19]". */
export function innerDetail(api: OneApiError | undefined): {
  text: string;
  line?: number;
  pos?: number;
  code?: string;
} {
  let node = api?.innererror;
  let text = '';
  let line: number | undefined;
  let pos: number | undefined;
  let code: string | undefined;
  while (node) {
    code ??= node.code;
    if (node.message) text = node.message;
    if (typeof node.line === 'number') line = node.line;
    if (typeof node.pos === 'number') pos = node.pos;
    node = node.innererror;
  }
  return { text: redactSecrets(text), line, pos, code };
}
