/**
 * Every way a log query can fail, explained in the terms of the bot's own setup (its identity, its
 * workspace): the Log Analytics query API's documented error responses, Entra ID token errors, network
 * and TLS faults, and cancellation. Anything a source throws ends up here as one LogSourceError.
 */
import { LogSourceError, type LogSourceErrorInit } from '../source/errors';
import { redactSecrets, truncate } from '../../redact';
import { gather, innerDetail, type ExplainContext, type Facts } from './errorFacts';

const TLS_CODES =
  /^(CERT_|DEPTH_ZERO_SELF_SIGNED_CERT|SELF_SIGNED_CERT_IN_CHAIN|UNABLE_TO_(VERIFY|GET)_|ERR_TLS_|ERR_SSL_|ERR_OSSL_)/;
const NET_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ECONNABORTED',
  'EAI_AGAIN',
  'UND_ERR_SOCKET',
]);

/** Turns anything a log query threw into a LogSourceError with a fix the operator can act on. */
export function explainSourceError(err: unknown, ctx: ExplainContext): LogSourceError {
  if (err instanceof LogSourceError) return err;
  const f = gather(err, ctx);
  const init = explainFacts(f, ctx);
  if (f.retryAfterMs !== undefined && init.retryAfterMs === undefined) init.retryAfterMs = f.retryAfterMs;
  return new LogSourceError(init, err);
}

const RBAC_DELAY =
  'New role assignments can take up to an hour to take effect; a 403 right after granting is expected.';

/** "the bot's identity (managed identity 1234…)", or the label itself when it already says whose it is. */
function theIdentity(who: string): string {
  return /^the\b/i.test(who) ? who : `the bot's identity (${who})`;
}

const capitalise = (s: string): string => s.charAt(0).toUpperCase() + s.slice(1);

function explainFacts(f: Facts, ctx: ExplainContext): LogSourceErrorInit {
  const ws = ctx.workspace;
  const who = ctx.identity;
  const api = f.api;
  const apiCode = api?.code;
  const apiMsg = redactSecrets(api?.message ?? '');

  if (f.name === 'AbortError' || f.errCode === 'ABORT_ERR') {
    return {
      code: 'Aborted',
      retryable: false,
      title: 'The query was cancelled',
      what: `The bot stopped waiting for the log query${ctx.timeoutSeconds ? ` after ${ctx.timeoutSeconds} s` : ''} before it answered.`,
      cause: "The command was cancelled or ran past the bot's time limit.",
      fix: ['Run the command again, or narrow the time window so the query finishes sooner.'],
    };
  }
  if (f.name === 'IdentityEndpointRefusedError') {
    const port = portOf(f.message);
    return {
      code: 'IdentityEndpointRefused',
      retryable: false,
      title: "The host's managed identity endpoint refused the connection",
      what: `No token for ${who}: ${ctx.identityEndpoint ?? 'the managed identity endpoint'} refused the connection.`,
      cause: `${f.message.replace(/\.$/, '')}: nothing accepts connections on ${port} there, so the platform's identity service is down or restarting, or the endpoint setting names the wrong port.`,
      fix: [
        `Check that the identity endpoint listens on ${port}: on App Service or Functions, restart the app (which restarts the platform's identity endpoint) and run the command again.`,
        `IDENTITY_ENDPOINT and MSI_ENDPOINT are set by the platform; if one was set by hand (it names ${ctx.identityEndpoint ?? 'the endpoint above'}), remove it or correct its port.`,
      ],
    };
  }
  if (f.name === 'CredentialUnavailableError' || f.name === 'AggregateAuthenticationError') {
    if (ctx.identityEndpoint) {
      // The host has a managed identity: advising to enable one would send the reader the wrong way.
      return {
        code: 'IdentityEndpointFailed',
        retryable: true,
        title: "The host's managed identity endpoint did not give the bot a token",
        what: `No token for ${who} from the managed identity endpoint ${ctx.identityEndpoint}.`,
        cause: truncate(redactSecrets(f.message), 400) || 'The endpoint refused or did not answer.',
        fix: [
          `The managed identity is configured (the host sets ${ctx.identityEndpoint}), but its endpoint refused or failed: run the command again in a minute; if it persists, restart the app, which restarts the platform's identity endpoint.`,
          'If the identity is user-assigned, check that AZURE_CLIENT_ID is the client id of an identity assigned to this app.',
        ],
      };
    }
    return {
      code: 'CredentialUnavailable',
      retryable: false,
      title: 'The bot has no Azure credential',
      what: `No credential could sign in as ${who}.`,
      cause:
        truncate(redactSecrets(f.message), 400) || 'None of the configured sign-in methods is available on this host.',
      fix: [
        "On Azure, enable a managed identity on the bot's host and set AZURE_CLIENT_ID if it is user-assigned.",
        'Elsewhere, set AZURE_TENANT_ID, AZURE_CLIENT_ID and AZURE_CLIENT_SECRET for an app registration, or run `az login` for local use.',
        'Or unset LOG_ANALYTICS_WORKSPACE_ID and APIM_RESOURCE_ID to use the embedded demo workspace.',
      ],
    };
  }
  if (f.name === 'AuthenticationRequiredError') {
    return {
      code: 'AuthenticationRequired',
      retryable: false,
      title: "The bot's Azure sign-in needs a person",
      what: `Signing in as ${who} requires interactive authentication, which a bot cannot do.`,
      cause: 'The credential chain fell through to an interactive or expired user sign-in.',
      fix: [
        'Use a managed identity or an app registration (client id + secret) for the bot instead of a user sign-in.',
      ],
    };
  }
  if (f.grant) return explainGrant(f.grant, ws, who, f.status);

  const s = f.status;
  if (s === 400) {
    const inner = innerDetail(api);
    const where =
      inner.line !== undefined
        ? ` (line ${inner.line}${inner.pos !== undefined ? `, position ${inner.pos}` : ''})`
        : '';
    if (inner.code === 'SyntaxError' || inner.code === 'SemanticError') {
      return {
        code: inner.code,
        status: s,
        retryable: false,
        title:
          inner.code === 'SyntaxError' ? 'Log Analytics could not parse the query' : 'Log Analytics rejected the query',
        what: `${inner.text || apiMsg}${where}`,
        cause:
          inner.code === 'SyntaxError'
            ? 'The KQL text is malformed (a typo, stray punctuation or an unclosed bracket).'
            : `The query names a table, column or function that workspace ${ws} does not have (the gateway logs may use another schema).`,
        fix: [
          where
            ? `Check the recipe text at line ${inner.line}${inner.pos !== undefined ? `, position ${inner.pos}` : ''}; run it with \`apim-triage kql\` to see the same error locally.`
            : 'Run the query with `apim-triage kql` to see where it fails; the service did not say.',
          'If a column is unknown, check which gateway-log schema the workspace has (resource-specific or AzureDiagnostics) and set the schema override.',
        ],
      };
    }
    return {
      code: apiCode ?? 'BadArgumentError',
      status: s,
      retryable: false,
      title: 'Log Analytics rejected the request',
      what: [apiMsg, inner.text].filter(Boolean).join(': ') || 'The request had invalid properties.',
      cause: 'The query or its time span is not valid for the service.',
      fix: ['Check the query text and the time window; run the query with `apim-triage kql` to compare.'],
    };
  }
  if (s === 401) {
    return {
      code: apiCode ?? 'AuthenticationFailed',
      status: s,
      retryable: false,
      title: 'Log Analytics did not receive a sign-in',
      what: apiMsg || 'The request had no valid Authorization header.',
      cause: `The bot sent no bearer token for ${who} (a proxy may strip the Authorization header).`,
      fix: [
        `Check that the bot's credential (${who}) can get a token for https://api.loganalytics.io.`,
        'If an outbound proxy sits between the bot and Azure, make sure it forwards the Authorization header.',
      ],
    };
  }
  if (s === 403 && apiCode === 'InvalidAuthenticationTokenAudience') {
    return {
      code: apiCode,
      status: s,
      retryable: false,
      title: "The bot's token is for the wrong API",
      what: apiMsg,
      cause:
        'The token was issued for a different audience than the endpoint the bot calls (for example an ARM token sent to the Log Analytics API, or the reverse).',
      fix: [
        'Use the endpoint that matches the token: https://api.loganalytics.io/v1 with the Log Analytics scope (the default).',
        'For a sovereign cloud set LOG_ANALYTICS_ENDPOINT (with /v1) so the bot also requests the matching scope, e.g. https://api.loganalytics.us/v1.',
      ],
    };
  }
  if (s === 403 && apiCode === 'InvalidAuthenticationToken') {
    return {
      code: apiCode,
      status: s,
      retryable: false,
      title: "Log Analytics rejected the bot's token",
      what: apiMsg || 'The access token is invalid.',
      cause: `The token for ${who} is malformed, or was issued by a different tenant than the workspace's.`,
      fix: [
        'Check that AZURE_TENANT_ID is the tenant that owns the workspace.',
        'If a token is supplied by hand or by a proxy, make sure it is passed through unchanged.',
      ],
    };
  }
  if (s === 403 && apiCode === 'InsufficientAccessError') {
    if (innerDetail(api).code === 'UnauthorizedClient') {
      return {
        code: 'UnauthorizedClient',
        status: s,
        retryable: false,
        title: "The bot's app is not authorized on this workspace",
        what: redactSecrets(innerDetail(api).text || apiMsg),
        cause: `The service principal ${who} has no role on ${ws} (or the workspace only accepts resource-context access).`,
        fix: [
          `Grant Log Analytics Reader (or Monitoring Reader) to ${who} on workspace ${ws}, or on the APIM resource and set APIM_RESOURCE_ID to query in resource context.`,
          RBAC_DELAY,
        ],
      };
    }
    return {
      code: apiCode,
      status: s,
      retryable: false,
      title: 'The bot may not read this workspace',
      what: apiMsg,
      cause: `${capitalise(theIdentity(who))} has no read role on ${ws}.`,
      fix: [
        `Grant Log Analytics Reader to ${theIdentity(who)} on workspace ${ws}.`,
        RBAC_DELAY,
        'Check that LOG_ANALYTICS_WORKSPACE_ID is the workspace (customer) id of the workspace that receives the APIM gateway logs.',
      ],
    };
  }
  if (s === 404) {
    return {
      code: apiCode ?? 'PathNotFoundError',
      status: s,
      retryable: false,
      title: 'Log Analytics does not know this workspace',
      what: apiMsg || 'The requested path does not exist.',
      cause: `The workspace id or endpoint is wrong: the bot asked for ${ws}.`,
      fix: [
        'LOG_ANALYTICS_WORKSPACE_ID must be the Workspace ID (a GUID from the workspace Overview page), not its name or ARM resource id.',
        'APIM_RESOURCE_ID must be the full APIM resource id (/subscriptions/.../providers/Microsoft.ApiManagement/service/<name>).',
        'If LOG_ANALYTICS_ENDPOINT is set, it must end with /v1 (e.g. https://api.loganalytics.io/v1).',
      ],
    };
  }
  if (s === 429) {
    return {
      code: 'Throttled',
      status: s,
      retryable: true,
      title: 'Log Analytics is throttling the bot',
      what: `Too many queries from ${who}${f.retryAfterMs !== undefined ? `; the service asked to wait ${Math.ceil(f.retryAfterMs / 1000)} s` : ''}.`,
      cause:
        'Log Analytics allows 5 concurrent queries and 200 requests per 30 s per identity; other tools using the same identity count too.',
      fix: [
        'Wait a minute and run the command again; pinned cards refresh less often under load.',
        'Lower MAX_CONCURRENT_QUERIES if other tools share this identity.',
      ],
    };
  }
  if (s === 504 || apiCode === 'GatewayTimeout' || /timed? ?out|exceeded the allowed (time|limits)/i.test(apiMsg)) {
    return {
      code: 'QueryTimeout',
      status: s,
      retryable: true,
      title: 'The query took too long',
      what: apiMsg || 'Log Analytics stopped the query before it finished.',
      cause: "The query ran past the server timeout (Prefer: wait) or the service's own limit.",
      fix: [
        'Use a shorter time window (e.g. last 15m instead of last 24h).',
        'Raise QUERY_TIMEOUT_SECONDS (max 600) if long windows are needed.',
      ],
    };
  }
  if (s !== undefined && s >= 500) {
    return {
      code: s === 503 ? 'ServiceUnavailable' : 'ServiceError',
      status: s,
      retryable: true,
      title: 'Log Analytics had an internal error',
      what: apiMsg || `The service answered HTTP ${s}.`,
      cause: 'A temporary failure inside Azure Monitor.',
      fix: [
        'Run the command again in a minute; check Azure status for Azure Monitor in the workspace region if it persists.',
      ],
    };
  }
  if (s === 204) {
    return {
      code: 'NoData',
      status: s,
      retryable: false,
      title: 'The workspace has no data',
      what: `Log Analytics answered 204 No Content for ${ws}.`,
      cause:
        'The workspace has no data at all: APIM diagnostic settings are not sending GatewayLogs here, or the workspace is new (first data can take up to 2 hours).',
      fix: [
        'In the APIM instance, add a diagnostic setting that sends the GatewayLogs category to this workspace.',
        'Check that LOG_ANALYTICS_WORKSPACE_ID is the workspace the diagnostic setting points to.',
      ],
    };
  }
  if (s === 200 || (f.name === 'TypeError' && /reading '(map|tables)'/.test(f.message))) {
    return {
      code: 'EmptyResponse',
      status: 200,
      retryable: false,
      title: 'Log Analytics returned an empty answer',
      what: 'The service answered 200 with no tables.',
      cause:
        'Log Analytics does this when the request lost its JSON body or Content-Type on the way (typically a proxy rewriting requests).',
      fix: [
        'Check any outbound proxy between the bot and Azure: it must forward the POST body and the Content-Type: application/json header.',
      ],
    };
  }
  if (s !== undefined && s >= 400) {
    return {
      code: apiCode ?? `Http${s}`,
      status: s,
      retryable: false,
      title: `Log Analytics refused the request (HTTP ${s})`,
      what: apiMsg || redactSecrets(f.message),
      cause: 'An error the bot has no specific explanation for.',
      fix: ["Check the bot's Log Analytics settings; the service message above says what it objected to."],
    };
  }
  const code = f.errCode ?? '';
  if (TLS_CODES.test(code) || /certificate|self[- ]signed|TLS|SSL/i.test(f.message)) {
    return {
      code: 'TlsError',
      retryable: false,
      title: 'The bot does not trust the Log Analytics certificate',
      what: `${code ? `${code}: ` : ''}${redactSecrets(f.message)}`,
      cause:
        'Something between the bot and Azure presents a certificate the bot does not trust (a TLS-inspecting proxy, or a wrong endpoint).',
      fix: [
        'If your network inspects TLS, give Node the proxy CA with NODE_EXTRA_CA_CERTS=/path/ca.pem at start.',
        'Check LOG_ANALYTICS_ENDPOINT points at the real Log Analytics API.',
      ],
    };
  }
  if (code === 'ENOTFOUND') {
    return {
      code: 'EndpointNotFound',
      retryable: false,
      title: 'The Log Analytics endpoint does not resolve',
      what: redactSecrets(f.message),
      cause: 'DNS has no address for the endpoint host: a typo in LOG_ANALYTICS_ENDPOINT or no DNS from the bot host.',
      fix: ['Check LOG_ANALYTICS_ENDPOINT (default https://api.loganalytics.io/v1) and that the host can resolve it.'],
    };
  }
  if (NET_CODES.has(code) || /socket hang up|network|connect/i.test(f.message)) {
    return {
      code: 'NetworkError',
      retryable: true,
      title: 'The bot could not reach Log Analytics',
      what: `${code ? `${code}: ` : ''}${redactSecrets(f.message)}`,
      cause: 'The connection failed or dropped (firewall, proxy, outbound rules or a transient network fault).',
      fix: [
        `Run the command again; if it keeps failing, check that the bot host may open connections to ${portOf(f.message)} of the Log Analytics endpoint (outbound rules, proxy).`,
      ],
    };
  }
  return {
    code: 'UnexpectedError',
    retryable: false,
    title: 'The log query failed unexpectedly',
    what: truncate(redactSecrets(f.message), 400),
    cause: 'An error the bot does not recognise.',
    fix: ['Run the command again; if it persists, report it with the time and command shown on this card.'],
  };
}

/** "port 8443" from "connect ECONNREFUSED 127.0.0.1:8443"; the HTTPS port when the message names none. */
function portOf(message: string): string {
  const m = /(?:\d{1,3}(?:\.\d{1,3}){3}|\]|[a-z0-9-]+(?:\.[a-z0-9-]+)+):(\d{1,5})\b/i.exec(message);
  return `port ${m ? m[1] : '443'}${m ? '' : ' (HTTPS)'}`;
}

function explainGrant(
  g: { error: string; description: string; codes: number[] },
  ws: string,
  who: string,
  status?: number,
): LogSourceErrorInit {
  const desc = truncate(redactSecrets(g.description), 400);
  const has = (c: number) => g.codes.includes(c) || new RegExp(`AADSTS${c}\\b`).test(desc);
  const base = { status, retryable: false as const };
  if (has(7000215) || has(7000222)) {
    return {
      ...base,
      code: 'InvalidClientSecret',
      title: "The bot's client secret is wrong or expired",
      what: desc,
      cause: `Entra ID rejected the secret of ${who}.`,
      fix: [
        'Create a new client secret for the app registration and update AZURE_CLIENT_SECRET (the secret value, not its id).',
      ],
    };
  }
  if (has(700016) || has(90002)) {
    return {
      ...base,
      code: 'AppNotFound',
      title: "The bot's app registration was not found",
      what: desc,
      cause: `The client id or tenant of ${who} does not exist in that tenant.`,
      fix: ['Check AZURE_TENANT_ID and AZURE_CLIENT_ID.'],
    };
  }
  if (has(70008) || has(70002) || g.error === 'invalid_grant') {
    return {
      ...base,
      code: 'InvalidGrant',
      title: "The bot's sign-in grant was refused",
      what: desc || g.error,
      cause:
        'The authorization code or refresh token used to sign in is expired or was already used; user sign-ins expire, which is why a bot should not depend on one.',
      fix: [
        `Use a managed identity or an app registration with a client secret for the bot (currently ${who}), not a user sign-in.`,
        'For local use, run `az login` again.',
      ],
    };
  }
  return {
    ...base,
    code: 'TokenRequestFailed',
    title: 'The bot could not get a token',
    what: desc || g.error,
    cause: `Entra ID refused to issue a token for ${who} to read ${ws}.`,
    fix: ["Check the bot's credential settings (LOG_ANALYTICS_* variables) and the Entra sign-in logs for the app."],
  };
}
