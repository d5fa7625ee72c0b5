/**
 * The signature catalog: data, evaluated in order (first match wins), so specific rules come before
 * general ones (TLS before generic backend errors, "Subscription not found" before invalid key).
 * Strings are the exact ones Microsoft documents for gateway errors where it does; where the text is not
 * documented (breaker text, client-disconnect status) the rule matches loosely.
 */
import type { Signature } from './types';

export const SIGNATURES: Signature[] = [
  {
    id: 'backend-tls-rejected',
    title: 'Backend certificate rejected by the gateway (TLS trust)',
    fault: 'gateway-config',
    severity: 5,
    match: {
      messageContains: [
        'RemoteCertificateValidationCallback',
        'Could not establish trust relationship for the SSL/TLS secure channel',
      ],
    },
    meaning:
      'The backend presented a certificate, the gateway received it and rejected it in its TLS validation callback: the certificate chains to a CA the gateway does not trust (or its name does not match). The request never reached the backend application, so the client got a 500 with no backend status.',
    causes: [
      'Backend certificate issued by an internal or corporate CA that the gateway does not trust.',
      'Certificate rotated on the backend (new issuer or intermediate) without updating the gateway side.',
      'Host name in the backend URL does not match the certificate subject/SAN.',
    ],
    fix: [
      'Make the gateway trust the backend certificate: pin it with serverX509Names on the backend entity (v2 tiers) or upload its CA to the service CA certificate store (classic tiers).',
      'v2 tiers: the service-level CA certificate store is not consulted for backends; set tls.serverX509Names (name + issuer thumbprint) or the backend credentials certificate chain. Classic tiers: upload the root and intermediates.',
      'Check the chain the backend serves (openssl s_client -connect host:443 -showcerts) and make sure it includes the intermediates.',
      'Only as a short-lived diagnostic: validateCertificateChain/validateCertificateName false on the backend entity — never leave it in production.',
    ],
    next: 'tls on {api}',
  },
  {
    id: 'backend-tls-handshake-failed',
    title: 'TLS handshake with the backend broke (protocol level)',
    fault: 'network',
    severity: 4,
    // Reference text: "The handshake failed due to an unexpected packet format."; other SslStream handshake texts share the stem.
    match: { messageContains: ['handshake failed'] },
    meaning:
      'The TLS handshake started but broke at the protocol level. This is not a trust problem: most often the backend port does not speak TLS at all, or a device in between terminates or mangles the connection.',
    causes: [
      'Backend URL uses https:// against a port that serves plain HTTP.',
      'A proxy, firewall or load balancer in the path terminates or inspects TLS.',
      'TLS version or cipher mismatch between gateway and backend.',
    ],
    fix: [
      'Check the backend URL scheme and port (https only where the backend serves TLS).',
      'Test from inside the gateway network: openssl s_client -connect host:port.',
      'Review any TLS-inspecting appliance between the gateway and the backend.',
    ],
    next: 'tls on {api}',
  },
  {
    id: 'backend-connect-timeout',
    title: 'Backend did not accept the connection (TCP connect timeout)',
    fault: 'network',
    severity: 4,
    match: {
      messageContains: [
        'connected party did not properly respond',
        'connection timed out',
        'Unable to connect to the remote server',
      ],
    },
    meaning:
      'A TCP-level connect failure, not a TLS issue: the gateway could not open a connection to the backend in time. The backend is unreachable from the gateway or too slow to accept connections.',
    causes: [
      'Backend host down or not listening on the port.',
      'NSG, firewall or route blocks the gateway subnet (VNet-integrated gateways).',
      'DNS resolves to an address the gateway cannot reach (private endpoint, split-horizon DNS).',
      'Backend connection backlog exhausted under load.',
    ],
    fix: [
      'Check the backend is up and listening, from the gateway network (not from your laptop).',
      'Review NSG/firewall rules and DNS for the backend host from the gateway subnet.',
      'If the backend is overloaded, scale it out or add a circuit breaker so the gateway stops piling on.',
    ],
    next: 'why 500 on {api}',
  },
  {
    id: 'circuit-breaker-open',
    title: 'Circuit breaker open: gateway answered 503 without calling the backend',
    fault: 'backend',
    severity: 5,
    match: {
      responseCodes: [503],
      backend: 'none',
      anyOf: [
        { messageContains: ['CircuitBreaker', 'circuit breaker', 'temporarily unavailable'] },
        { reasonContains: ['CircuitBreaker', 'circuit breaker'] },
      ],
    },
    meaning:
      'A circuit breaker rule on the backend entity tripped after earlier failures and the gateway is now rejecting requests itself for the trip duration: BackendResponseCode is empty because nothing was sent to the backend.',
    causes: [
      'The backend really was failing (burst of 5xx, timeouts) and the breaker did its job.',
      'The failure condition is too tight (low count/percentage, short interval, or status ranges that include normal errors).',
      'Trip duration longer than the backend needs to recover; Retry-After honoured with a long value.',
    ],
    fix: [
      'Run "breaker {backend}" to see whether the backend was failing before the trip.',
      'If it was: fix the backend; the breaker closes after tripDuration.',
      'If not: loosen failureCondition (count/percentage/interval/statusCodeRanges) or shorten tripDuration on the backend entity.',
      'Consider a backend pool with a lower-priority fallback so a trip does not mean an outage.',
    ],
    next: 'breaker {backend}',
  },
  {
    id: 'client-disconnected',
    title: 'Client went away before the response was sent',
    fault: 'client',
    severity: 1,
    match: { anyOf: [{ reasons: ['ClientConnectionFailure'] }, { messageContains: ['ClientConnectionFailure'] }] },
    meaning:
      'The caller closed the connection: at transfer-response after the response had started ("A task was canceled"), at forward-request while the gateway was still waiting on the backend ("The operation was canceled"). The logged status may be the backend\'s, even 200.',
    causes: [
      'Client timeout shorter than the backend latency.',
      'User navigated away / mobile network drop.',
      'A load balancer in front of the gateway with a short idle timeout.',
    ],
    fix: [
      'If it happens at forward-request, compare client timeouts with backend latency (BackendTime).',
      'Usually harmless at a low steady rate; investigate only if it grows with latency.',
    ],
    next: 'triage on {api}',
  },
  {
    id: 'backend-timeout',
    title: 'Backend timed out (forward-request timeout)',
    fault: 'backend',
    severity: 4,
    match: { anyOf: [{ reasons: ['Timeout'] }, { messageContains: ['timed out after'] }] },
    meaning:
      'The gateway sent the request but the backend did not answer within the forward-request timeout, so the gateway gave up and returned an error (usually 500).',
    causes: [
      'Slow backend (dependency, lock, cold start).',
      'forward-request timeout set lower than the operation needs.',
    ],
    fix: [
      'Look at BackendTime for the API to see whether latency crept up before the timeouts.',
      'Fix the backend slowness, or raise the forward-request timeout if the operation is legitimately slow (default 300 s; above 240 s may not be honoured).',
    ],
    next: 'why 500 on {api}',
  },
  {
    id: 'subscription-key-missing',
    title: '401: no subscription key sent',
    fault: 'client',
    severity: 2,
    match: { anyOf: [{ reasons: ['SubscriptionKeyNotFound'] }, { messageContains: ['missing subscription key'] }] },
    meaning:
      '"Access denied due to missing subscription key": the request carried no Ocp-Apim-Subscription-Key header or subscription-key query parameter, so the gateway stopped at its built-in subscription check.',
    causes: [
      'Client bug or new client not sending the key.',
      'Request routed to an API that requires a subscription by mistake.',
      'A proxy stripping the header.',
    ],
    fix: [
      'Have the caller send Ocp-Apim-Subscription-Key (or the configured header name).',
      'If the API should be open, turn off "subscription required" on the API or product.',
    ],
    next: '401s on {api}',
  },
  {
    id: 'subscription-not-found',
    title: '401: key valid, but its subscription does not cover this API (product scoping)',
    fault: 'gateway-config',
    severity: 3,
    match: { messageContains: ['Subscription not found'] },
    meaning:
      '"Access denied. Reason: Subscription not found": the key maps to an APIM subscription, but that subscription is scoped to a product (or API) that does not include the API being called. The key is fine; the scoping is not. This is the silent product-scoping miss.',
    causes: [
      'API not added to the product the caller subscribed to.',
      'API moved between products, or a new API published without adding it to the product.',
      'Subscription scoped to a single API other than this one.',
    ],
    fix: [
      'Run "401s on {api}" and read ApimSubscriptionId on the rows: that is the APIM subscription (not the Azure subscription).',
      "Add the API to that subscription's product, or give the caller a subscription to a product that includes the API.",
    ],
    next: '401s on {api}',
  },
  {
    id: 'subscription-key-invalid',
    title: '401: subscription key not valid for an active subscription',
    fault: 'client',
    severity: 3,
    match: { anyOf: [{ messageContains: ['invalid subscription key'] }, { reasons: ['SubscriptionKeyInvalid'] }] },
    meaning:
      '"Access denied due to invalid subscription key": a key was sent but it does not match an active subscription here. Usually the wrong environment\'s key or a revoked/regenerated key.',
    causes: [
      'Prod key used against a dev gateway (or the reverse).',
      'Key regenerated or subscription suspended/cancelled.',
      'Key copied with extra characters.',
    ],
    fix: [
      'Check which environment the caller points at and which key it uses.',
      'Check the subscription state in APIM; regenerate and hand out the key if needed.',
    ],
    next: '401s on {api}',
  },
  {
    id: 'jwt-invalid',
    title: '401 from validate-jwt: token missing, expired or not accepted',
    fault: 'client',
    severity: 3,
    match: {
      anyOf: [
        { sources: ['validate-jwt', 'validate-azure-ad-token'] },
        {
          reasons: [
            'JwtInvalid',
            'TokenNotPresent',
            'TokenExpired',
            'TokenSignatureInvalid',
            'TokenAudienceNotAllowed',
            'TokenIssuerNotAllowed',
            'TokenSignatureKeyNotFound',
            'TokenClaimNotFound',
            'TokenClaimValueNotAllowed',
          ],
        },
        { messageContains: ['validate JWT', 'JWT not present', 'IDX10'] },
      ],
    },
    meaning:
      'The validate-jwt policy rejected the bearer token ("Unable to parse and validate JWT token", "IDX10223: Lifetime validation failed", ...). Policy ordering matters: when <validate-jwt> runs before the subscription-key check or <check-header>, a missing or bad token produces a 401 that looks like a subscription problem unless you read LastErrorMessage.',
    causes: [
      'Expired token (client not refreshing) or clock skew.',
      'Wrong audience/issuer (token for another app or tenant), signing key rotated (openid-config cached).',
      'Client sends no Authorization header, or a non-JWT value.',
    ],
    fix: [
      "Decode a failing token (jwt.ms) and compare aud/iss/exp with the policy's audiences and issuers.",
      'Make clients refresh tokens before expiry; allow a small clock-skew.',
      'Review inbound policy order: put validate-jwt where you want its 401 to win, and read LastErrorMessage before blaming the key.',
    ],
    next: '401s on {api}',
  },
  {
    id: 'ip-blocked',
    title: 'Caller IP refused by the ip-filter policy',
    fault: 'policy',
    severity: 2,
    match: {
      anyOf: [
        { reasons: ['CallerIpNotAllowed', 'CallerIpBlocked', 'FailedToParseCallerIP'] },
        { sources: ['ip-filter'] },
      ],
    },
    meaning:
      'The ip-filter policy rejected the caller\'s address ("Caller IP address ... is not allowed. Access denied.").',
    causes: [
      'Caller outside the allowed ranges (new egress IP, NAT change).',
      'Address seen by the gateway is a proxy/front door, not the client.',
    ],
    fix: [
      "Add the caller's egress range to the ip-filter allow list if it is legitimate.",
      'Behind a front door, filter on the forwarded address instead of the connection address.',
    ],
    next: 'why 403 on {api}',
  },
  {
    id: 'rate-limited',
    title: '429: rate limit policy exceeded',
    fault: 'policy',
    severity: 3,
    match: { anyOf: [{ reasons: ['RateLimitExceeded'] }, { sources: ['rate-limit', 'rate-limit-by-key'] }] },
    meaning:
      '"Rate limit is exceeded": a rate-limit policy counted more calls than allowed in its renewal period and answered 429 with Retry-After.',
    causes: [
      'Traffic spike or a retry storm from one caller.',
      'Limit set lower than real traffic needs.',
      'Key for rate-limit-by-key too coarse (many callers share one counter).',
    ],
    fix: [
      'Find the heavy callers (CallerIpAddress/ApimSubscriptionId) and make them honour Retry-After with backoff.',
      'Raise calls/renewal-period if the traffic is legitimate.',
    ],
    next: 'why 429 on {api}',
  },
  {
    id: 'quota-exceeded',
    title: '403: usage quota exhausted',
    fault: 'policy',
    severity: 3,
    match: {
      anyOf: [
        { reasons: ['QuotaExceeded'] },
        { sources: ['quota', 'quota-by-key'] },
        { messageContains: ['Out of call volume quota', 'Out of bandwidth quota'] },
      ],
    },
    meaning:
      '"Out of call volume quota": the caller used up its quota for the period; the message says when it is replenished.',
    causes: ['Caller on a product with a quota sized for less traffic.', 'Runaway client.'],
    fix: [
      'Move the caller to a product with a larger quota or raise the quota.',
      'Find the subscription with ApimSubscriptionId and check its usage.',
    ],
    next: 'why 403 on {api}',
  },
  {
    id: 'operation-not-found',
    title: '404: no operation matches the request',
    fault: 'client',
    severity: 2,
    match: {
      anyOf: [
        { reasons: ['OperationNotFound'] },
        { messageContains: ['Unable to match incoming request to an operation'] },
      ],
    },
    meaning:
      '"Unable to match incoming request to an operation": the URL path or the HTTP method does not match any operation of the API (APIM answers 404 even when only the method is wrong).',
    causes: [
      'Client calls a path or method that is not defined.',
      'Operation removed or renamed, or a new revision not made current.',
      'URL template mismatch (trailing slash, parameter).',
    ],
    fix: [
      "Compare the request Url and Method with the API's operations.",
      'Add the operation, or fix the client path.',
    ],
    next: 'why 404 on {api}',
  },
  {
    id: 'policy-expression-failed',
    title: '500: a policy expression threw',
    fault: 'policy',
    severity: 4,
    match: {
      anyOf: [
        { reasons: ['ExpressionValueEvaluationFailure', 'ExpressionValueValidationFailure'] },
        { messageContains: ['Expression evaluation failed', 'Expression value is invalid'] },
      ],
    },
    meaning:
      'A C# policy expression (LastErrorSource names the policy, e.g. set-header) failed at runtime, typically dereferencing a missing header, claim or body field.',
    causes: ['Expression assumes a header/claim/body that some requests lack.', 'Recent policy change.'],
    fix: [
      'Open the policy named in LastErrorSource (section in LastErrorSection) and guard the expression (?. / GetValueOrDefault).',
      'Check recent policy deployments.',
    ],
    next: 'why 500 on {api}',
  },
  {
    id: 'backend-error',
    title: 'Backend answered with an error (passed through)',
    fault: 'backend',
    severity: 3,
    match: { backend: 'same-as-gateway', minResponseCode: 400 },
    meaning:
      'ResponseCode equals BackendResponseCode: the backend produced this status and the gateway passed it on. The gateway is not the problem here.',
    causes: [
      'Backend bug, dependency failure, deployment or overload.',
      'For 4xx: client requests the backend rejects.',
    ],
    fix: [
      "Look at the backend's own logs and recent deployments for the window.",
      'Correlate with CorrelationId on the backend side.',
    ],
    next: 'why {status} on {api}',
  },
  {
    id: 'unclassified',
    title: 'Unrecognised gateway error',
    fault: 'gateway-config',
    severity: 2,
    match: {},
    meaning:
      'The gateway logged an error this catalog does not recognise; the sample message below is exactly what it said.',
    causes: ['See the sample message, LastErrorReason and LastErrorSource.'],
    fix: [
      'Read LastErrorReason/LastErrorSource and the message; add a signature to src/signatures/catalog.ts once understood.',
    ],
    next: 'why {status} on {api}',
  },
];

export const UNCLASSIFIED_ID = 'unclassified';

const byId = new Map(SIGNATURES.map((s) => [s.id, s]));

export function signatureById(id: string): Signature {
  return byId.get(id) ?? byId.get(UNCLASSIFIED_ID)!;
}
