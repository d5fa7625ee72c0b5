/**
 * The one secret redactor. Sample URLs, service messages, exceptions and pasted commands carry subscription
 * keys, SAS signatures, function codes, tokens and connection strings more often than anyone would like;
 * everything shown to people or written to a log (cards, CLI, logs, audit lines, error explanations) goes
 * through `redactSecrets`. What counts as a secret is listed once, in SECRET_SHAPES.
 */

export const REDACTED = '[REDACTED]';

/** Every shape of secret the bot knows. Names are matched case-insensitively; "-" and "_" are interchangeable. */
export const SECRET_SHAPES = {
  /** `name=value` in a query string, form body or free text. */
  queryKeys: [
    'sig',
    'code',
    'key',
    'token',
    'access_token',
    'id_token',
    'refresh_token',
    'client_secret',
    'client_assertion',
    'password',
    'subscription-key',
    'api-key',
    'apikey',
    'x-functions-key',
  ],
  /** `Name: value` (or `Name=value`, or `"Name":"value"`) for headers, optionally with an auth scheme. */
  headers: [
    'Authorization',
    'Proxy-Authorization',
    'Ocp-Apim-Subscription-Key',
    'subscription-key',
    'x-functions-key',
    'api-key',
    'x-api-key',
  ],
  /** Schemes whose credential follows after a space, wherever they appear ("Bearer eyJ…", "Basic dXNl…"). */
  schemes: ['Bearer', 'Basic', 'SharedAccessSignature'],
  /** `Name=value;` fields of Azure connection strings (value runs to the next ";"). */
  connectionStringKeys: ['AccountKey', 'SharedAccessKey', 'SharedAccessSignature', 'Password', 'Pwd', 'ClientSecret'],
} as const;

/** `-` and `_` interchangeable ("subscription_key"), other characters literal. */
function namePattern(names: readonly string[]): string {
  return names
    .map((n) => n.replace(/[.*+?^${}()|[\]\\]/g, '\\$&').replace(/[-_]/g, '[-_]'))
    .sort((a, b) => b.length - a.length)
    .join('|');
}

// Not preceded by a letter, digit, "-" or "_": "statuscode=" and "monkey=" are not secrets.
const NOT_IN_NAME = '(?<![A-Za-z0-9_-])';

/** Three base64url segments, the first starting like a JSON object header ("eyJ"): a JWT wherever it appears. */
const JWT = /eyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]*/g;

// Only where a connection string's field can start (text start, ";", space, quote): "?password=" is a query.
const CONNECTION_FIELD = new RegExp(
  `(?<=^|[;\\s"'])(${namePattern(SECRET_SHAPES.connectionStringKeys)})(\\s*=\\s*)([^;"'\\s]+)`,
  'gi',
);

const HEADER = new RegExp(
  `${NOT_IN_NAME}(${namePattern(SECRET_SHAPES.headers)})("?\\s*[:=]\\s*"?)(?:(${namePattern(SECRET_SHAPES.schemes)})\\s+)?([^\\s",;&]+)`,
  'gi',
);

// Query values run to the next separator; "&amp;" is how an HTML-escaped URL separates them.
const QUERY = new RegExp(`${NOT_IN_NAME}(${namePattern(SECRET_SHAPES.queryKeys)})(=|"\\s*:\\s*")([^&#\\s"'<>]+)`, 'gi');

const SCHEME = new RegExp(`\\b(${namePattern(SECRET_SHAPES.schemes)})(\\s+)([\\w.~+/=%&:-]{8,})`, 'gi');

/** Runs that look like keys on their own: 32+ hex digits, or 40+ mixed letters and digits. */
const KEY_LIKE = /\b[A-Fa-f0-9]{32,}\b|\b(?=[A-Za-z0-9+_-]*\d)(?=[A-Za-z0-9+_-]*[A-Za-z])[A-Za-z0-9+_-]{40,}={0,2}/g;

const keep = (value: string) => value.startsWith(REDACTED);

/** After "Basic " or "Bearer ": a credential has a digit, a symbol or an inner capital; "authentication" has none. */
const credentialLike = (value: string) => /[0-9._~+/=%&:-]/.test(value) || /[A-Z]/.test(value.slice(1));

export interface RedactOptions {
  /**
   * Also redact bare key-like runs (long hex or long mixed letters and digits) that no name introduces.
   * For text people type (a key pasted into chat); off for service text, where such runs are request ids.
   */
  bareKeys?: boolean;
}

/** Replaces every secret value with [REDACTED]; everything else is left as it was. Idempotent. */
export function redactSecrets(text: string, options: RedactOptions = {}): string {
  if (!text) return text;
  let s = text
    .replace(JWT, REDACTED)
    .replace(CONNECTION_FIELD, (m, name: string, sep: string, value: string) =>
      keep(value) ? m : `${name}${sep}${REDACTED}`,
    )
    .replace(HEADER, (m, name: string, sep: string, scheme: string | undefined, value: string) =>
      keep(value) ? m : `${name}${sep}${scheme ? `${scheme} ` : ''}${REDACTED}`,
    )
    .replace(QUERY, (m, name: string, sep: string, value: string) => (keep(value) ? m : `${name}${sep}${REDACTED}`))
    .replace(SCHEME, (m, scheme: string, space: string, value: string) =>
      keep(value) || !credentialLike(value) ? m : `${scheme}${space}${REDACTED}`,
    );
  if (options.bareKeys) s = s.replace(KEY_LIKE, REDACTED);
  return s;
}

/** Error text for logs and cards: name and message only (stacks can carry request data), secrets redacted. */
export function errorText(err: unknown, max = 500): string {
  return truncate(redactSecrets(err instanceof Error ? `${err.name}: ${err.message}` : String(err)), max);
}

/** Caps `text` at `max` characters, cutting at a word boundary when one is near, and marks the cut with "…". */
export function truncate(text: string, max: number): string {
  if (text.length <= max) return text;
  const room = Math.max(0, max - 1);
  const cut = text.slice(0, room);
  const space = cut.search(/\s\S*$/);
  // Break at the last space when it keeps most of the text; a single long token is cut where it must be.
  return (space >= room * 0.6 ? cut.slice(0, space) : cut).trimEnd() + '…';
}
