/**
 * What a failed log query says about itself, read from whatever shape it came in: the SDK's RestError, the
 * raw response body (the SDK drops fields such as innererror.line), an Entra ID token error, or a Node
 * network error. explain.ts turns these facts into advice.
 */

/** What the HTTP layer saw for the failed call (recorded by a pipeline policy, see logAnalyticsSource). */
export interface RecordedResponse {
  status: number;
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
}

const JWT = /eyJ[\w-]{5,}\.[\w-]{5,}\.[\w-]*/g;
const SECRET_PARAM = /\b(bearer\s+|access_token=|client_secret=|refresh_token=|code=|sig=|key=|token=)[^\s&"',]+/gi;

/** Removes tokens and secrets from service text before it reaches a card or a log. */
export function scrub(text: string): string {
  return text.replace(JWT, '[redacted token]').replace(SECRET_PARAM, (_m, p: string) => `${p}[redacted]`);
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
  return { text: scrub(text), line, pos, code };
}
