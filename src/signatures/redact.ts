/**
 * Secret redaction for anything shown to people (cards, CLI, logs): sample URLs and messages carry
 * subscription keys, SAS signatures, function codes and tokens more often than anyone would like.
 */

export const REDACTED = '[REDACTED]';

/** Query parameters whose values are secrets (matched case-insensitively, also URL-encoded `%5F`-free forms). */
const SECRET_PARAMS = [
  'subscription-key',
  'subscription_key',
  'sig',
  'code',
  'access_token',
  'id_token',
  'refresh_token',
  'api-key',
  'api_key',
  'apikey',
  'key',
  'token',
  'client_secret',
  'password',
];

// name=value inside a query string (after ? or &, or ;): the value runs to the next & # or whitespace/quote.
const PARAM_RE = new RegExp(
  `([?&;]|&amp;)(${SECRET_PARAMS.map((p) => p.replace(/[-_]/g, '[-_]')).join('|')})=([^&#\\s"'<>]*)`,
  'gi',
);

// Header values: "Ocp-Apim-Subscription-Key: abc", "Authorization: Bearer xyz", also JSON-ish "name":"value".
const HEADER_RE =
  /\b(Ocp-Apim-Subscription-Key|Authorization|Proxy-Authorization|api-key|x-api-key|x-functions-key)("?\s*[:=]\s*"?)((?:Bearer|Basic|SharedAccessSignature)\s+)?([^\s",;&]+)/gi;

// Three base64url segments, the first starting like a JSON object header ("eyJ") — a JWT wherever it appears.
const JWT_RE = /\beyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]*/g;

/** Replace secret values with [REDACTED]; everything else is left as it was. */
export function redactSecrets(text: string): string {
  if (!text) return text;
  return text
    .replace(JWT_RE, REDACTED)
    .replace(PARAM_RE, (_m, sep: string, name: string, value: string) => `${sep}${name}=${value ? REDACTED : ''}`)
    .replace(HEADER_RE, (_m, name: string, sep: string, scheme: string | undefined, value: string) =>
      value === REDACTED ? `${name}${sep}${scheme ?? ''}${value}` : `${name}${sep}${scheme ?? ''}${REDACTED}`,
    );
}
