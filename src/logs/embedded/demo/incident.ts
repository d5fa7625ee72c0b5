import { API_BY_ID, CALLERS, failed, ordinaryRequest, type Caller, type DemoEvent } from './catalog';
import { guid, intBetween, mulberry32, pick, type Rng } from './random';

/**
 * The demo incident (what the demo, the tests and the docs all rely on): five signatures that start inside the last 15 minutes, and a
 * dozen low, steady ones spread over the whole window. Counts are fixed (independent of background volume)
 * so tests elsewhere can assert against DEMO_INCIDENT instead of magic numbers.
 */

const MIN = 60_000;

export const MESSAGES = {
  tlsRejected: 'The remote certificate was rejected by the provided RemoteCertificateValidationCallback.',
  breakerOpen: 'Backend shipping-backend is temporarily unavailable: CircuitBreaker rule shipping-breaker tripped.',
  subscriptionNotFound: 'Access denied. Reason: Subscription not found',
  jwtExpired: 'IDX10223: Lifetime validation failed. The token is expired. Access denied.',
  jwtInvalid: 'Unable to parse and validate JWT token',
  rateLimited: 'Rate limit is exceeded. Try again in 12 seconds.',
  keyMissing:
    'Access denied due to missing subscription key. Make sure to include subscription key when making requests to this API.',
  keyInvalid:
    'Access denied due to invalid subscription key. Make sure to provide a valid key for an active subscription.',
  operationNotFound: 'Unable to match incoming request to an operation.',
  quotaExceeded: 'Out of call volume quota. Quota will be replenished in 02:14:10.',
  ipBlocked: 'Caller IP address 203.0.113.77 is not allowed. Access denied.',
  clientDisconnected: 'A task was canceled',
  connectTimeout:
    'A connection attempt failed because the connected party did not properly respond after a period of time, or established connection failed because connected host has failed to respond.',
  tlsHandshake: 'The handshake failed due to an unexpected packet format.',
  backendTimeout: 'Request to the backend timed out after 30 seconds.',
  expressionFailed: 'Expression evaluation failed. Object reference not set to an instance of an object.',
  invalidResponse: 'Backend returned an invalid HTTP response.',
} as const;

/** Callers dedicated to the incident (fixed, so the "2 subscriptions from 3 IPs" story is stable). */
const incidentRng = mulberry32(0x1ac1de47);
const MISSCOPED_SUBS = [guid(incidentRng), guid(incidentRng)];
export const MISSCOPED_CALLERS: Caller[] = [
  { ip: '198.51.100.23', subscriptionId: MISSCOPED_SUBS[0], productId: 'starter', region: 'East US' },
  { ip: '198.51.100.24', subscriptionId: MISSCOPED_SUBS[0], productId: 'starter', region: 'East US' },
  { ip: '192.0.2.145', subscriptionId: MISSCOPED_SUBS[1], productId: 'mobile-app', region: 'West Europe' },
];
const HAMMERING_CALLERS = CALLERS.filter((c) => c.productId === 'partner-gold').slice(0, 2);
const BLOCKED_CALLER: Caller = {
  ip: '203.0.113.77',
  subscriptionId: CALLERS[5].subscriptionId,
  productId: CALLERS[5].productId,
  region: 'East US',
};

/** One failure stream of an incident: what it is, when, how many, and how each request is built. */
export interface Stream {
  signature: string;
  /** Window as minutes before `now`: [startAgo, endAgo). */
  startAgoMin: number;
  endAgoMin: number;
  /** Fixed count for incident streams; per-hour rate for steady ones. */
  count?: number;
  perHour?: number;
  build(rng: Rng, time: number): DemoEvent;
}

export const apiReq = (rng: Rng, api: string, time: number, caller?: Caller) =>
  ordinaryRequest(rng, API_BY_ID[api], time, caller);

export const INCIDENT_STREAMS: Stream[] = [
  {
    signature: 'backend-tls-rejected',
    startAgoMin: 12.5,
    endAgoMin: 0,
    count: 500,
    build: (r, t) =>
      failed(apiReq(r, 'payments-api', t), {
        code: 500,
        reason: 'BackendConnectionFailure',
        source: 'forward-request',
        section: 'backend',
        message: MESSAGES.tlsRejected,
        forwarded: true,
        elapsed: intBetween(r, 18, 60),
      }),
  },
  {
    // The burst that trips the breaker: the backend itself answers 500.
    signature: 'backend-error',
    startAgoMin: 14,
    endAgoMin: 9,
    count: 120,
    build: (r, t) => {
      const e = apiReq(r, 'shipping-api', t);
      e.responseCode = 500;
      e.backendResponseCode = 500;
      e.backendId = 'shipping-backend';
      e.backendUrl ||= 'https://shipping-backend/shipments';
      e.backendTime = intBetween(r, 800, 4000);
      e.totalTime = e.backendTime + 6;
      e.cache = 'none';
      return e;
    },
  },
  {
    signature: 'circuit-breaker-open',
    startAgoMin: 9,
    endAgoMin: 0,
    count: 250,
    build: (r, t) =>
      failed(apiReq(r, 'shipping-api', t), {
        code: 503,
        reason: 'BackendUnavailable',
        source: 'forward-request',
        section: 'backend',
        message: MESSAGES.breakerOpen,
        forwarded: true,
        elapsed: intBetween(r, 1, 4),
      }),
  },
  {
    signature: 'subscription-not-found',
    startAgoMin: 11,
    endAgoMin: 0,
    count: 120,
    build: (r, t) =>
      failed(apiReq(r, 'orders-api', t, pick(r, MISSCOPED_CALLERS)), {
        code: 401,
        reason: 'SubscriptionKeyInvalid',
        source: 'authorization',
        section: 'inbound',
        message: MESSAGES.subscriptionNotFound,
      }),
  },
  {
    signature: 'jwt-invalid',
    startAgoMin: 10,
    endAgoMin: 0,
    count: 80,
    build: (r, t) => {
      const expired = r() < 0.6;
      return failed(apiReq(r, 'orders-api', t), {
        code: 401,
        reason: expired ? 'TokenExpired' : 'JwtInvalid',
        source: 'validate-jwt',
        section: 'inbound',
        message: expired ? MESSAGES.jwtExpired : MESSAGES.jwtInvalid,
      });
    },
  },
  {
    signature: 'rate-limited',
    startAgoMin: 8,
    endAgoMin: 0,
    count: 110,
    build: (r, t) =>
      failed(apiReq(r, 'inventory-api', t, pick(r, HAMMERING_CALLERS)), {
        code: 429,
        reason: 'RateLimitExceeded',
        source: 'rate-limit',
        section: 'inbound',
        message: MESSAGES.rateLimited,
      }),
  },
];

const STEADY_STREAMS: Omit<Stream, 'startAgoMin' | 'endAgoMin'>[] = [
  {
    signature: 'subscription-key-missing',
    perHour: 4,
    build: (r, t) =>
      failed(apiReq(r, pick(r, ['orders-api', 'catalog-api', 'customers-api']), t), {
        code: 401,
        reason: 'SubscriptionKeyNotFound',
        source: 'authorization',
        section: 'inbound',
        message: MESSAGES.keyMissing,
      }),
  },
  {
    signature: 'subscription-key-invalid',
    perHour: 3,
    build: (r, t) =>
      failed(apiReq(r, pick(r, ['orders-api', 'inventory-api']), t), {
        code: 401,
        reason: 'SubscriptionKeyInvalid',
        source: 'authorization',
        section: 'inbound',
        message: MESSAGES.keyInvalid,
      }),
  },
  {
    signature: 'operation-not-found',
    perHour: 4,
    build: (r, t) =>
      failed(apiReq(r, pick(r, ['catalog-api', 'orders-api', 'customers-api']), t), {
        code: 404,
        reason: 'OperationNotFound',
        source: 'configuration',
        section: 'inbound',
        message: MESSAGES.operationNotFound,
      }),
  },
  {
    signature: 'quota-exceeded',
    perHour: 2,
    build: (r, t) =>
      failed(apiReq(r, 'catalog-api', t), {
        code: 403,
        reason: 'QuotaExceeded',
        source: 'quota',
        section: 'inbound',
        message: MESSAGES.quotaExceeded,
      }),
  },
  {
    signature: 'ip-blocked',
    perHour: 2,
    build: (r, t) =>
      failed(apiReq(r, 'customers-api', t, BLOCKED_CALLER), {
        code: 403,
        reason: 'CallerIpNotAllowed',
        source: 'ip-filter',
        section: 'inbound',
        message: MESSAGES.ipBlocked,
      }),
  },
  {
    signature: 'client-disconnected',
    perHour: 4,
    build: (r, t) =>
      failed(apiReq(r, pick(r, ['catalog-api', 'orders-api']), t), {
        code: 200,
        backendCode: 200,
        reason: 'ClientConnectionFailure',
        source: 'transfer-response',
        section: 'outbound',
        message: MESSAGES.clientDisconnected,
        forwarded: true,
        elapsed: intBetween(r, 200, 2500),
      }),
  },
  {
    signature: 'backend-connect-timeout',
    perHour: 2,
    build: (r, t) =>
      failed(apiReq(r, 'legacy-api', t), {
        code: 500,
        reason: 'BackendConnectionFailure',
        source: 'forward-request',
        section: 'backend',
        message: MESSAGES.connectTimeout,
        forwarded: true,
        elapsed: intBetween(r, 20_000, 21_100),
      }),
  },
  {
    signature: 'backend-tls-handshake-failed',
    perHour: 1,
    build: (r, t) =>
      failed(apiReq(r, 'legacy-api', t), {
        code: 500,
        reason: 'BackendConnectionFailure',
        source: 'forward-request',
        section: 'backend',
        message: MESSAGES.tlsHandshake,
        forwarded: true,
        elapsed: intBetween(r, 5, 40),
      }),
  },
  {
    signature: 'backend-timeout',
    perHour: 1.5,
    build: (r, t) =>
      failed(apiReq(r, 'catalog-api', t), {
        code: 500,
        reason: 'Timeout',
        source: 'forward-request',
        section: 'backend',
        message: MESSAGES.backendTimeout,
        forwarded: true,
        elapsed: intBetween(r, 30_000, 30_040),
      }),
  },
  {
    signature: 'policy-expression-failed',
    perHour: 1.5,
    build: (r, t) =>
      failed(apiReq(r, 'customers-api', t), {
        code: 500,
        reason: 'ExpressionValueEvaluationFailure',
        source: 'set-header',
        section: 'inbound',
        message: MESSAGES.expressionFailed,
      }),
  },
  {
    signature: 'backend-error',
    perHour: 6,
    build: (r, t) => {
      const e = apiReq(r, pick(r, ['orders-api', 'catalog-api', 'customers-api', 'inventory-api']), t);
      const code = r() < 0.6 ? 500 : 502;
      const f = failed(e, {
        code,
        backendCode: code,
        reason: '',
        source: '',
        section: '',
        message: '',
        forwarded: true,
        elapsed: intBetween(r, 40, 900),
      });
      f.lastErrorElapsed = null;
      return f;
    },
  },
  {
    signature: 'unclassified',
    perHour: 1,
    build: (r, t) =>
      failed(apiReq(r, 'legacy-api', t), {
        code: 502,
        reason: 'BackendResponseInvalid',
        source: 'forward-request',
        section: 'backend',
        message: MESSAGES.invalidResponse,
        forwarded: true,
        elapsed: intBetween(r, 100, 800),
      }),
  },
];

/** What each signature's rows look like (for assertions elsewhere; the builders above produce exactly this). */
interface SignatureShape {
  apis: string[];
  responseCode: number | number[];
  /** null: never reached the backend; 'same': the backend's own code. */
  backendResponseCode: null | 'same';
  reason: string | string[];
  source: string;
  messages: string[];
}

const SHAPES: Record<string, SignatureShape> = {
  'backend-tls-rejected': {
    apis: ['payments-api'],
    responseCode: 500,
    backendResponseCode: null,
    reason: 'BackendConnectionFailure',
    source: 'forward-request',
    messages: [MESSAGES.tlsRejected],
  },
  'circuit-breaker-open': {
    apis: ['shipping-api'],
    responseCode: 503,
    backendResponseCode: null,
    reason: 'BackendUnavailable',
    source: 'forward-request',
    messages: [MESSAGES.breakerOpen],
  },
  'subscription-not-found': {
    apis: ['orders-api'],
    responseCode: 401,
    backendResponseCode: null,
    reason: 'SubscriptionKeyInvalid',
    source: 'authorization',
    messages: [MESSAGES.subscriptionNotFound],
  },
  'jwt-invalid': {
    apis: ['orders-api'],
    responseCode: 401,
    backendResponseCode: null,
    reason: ['TokenExpired', 'JwtInvalid'],
    source: 'validate-jwt',
    messages: [MESSAGES.jwtExpired, MESSAGES.jwtInvalid],
  },
  'rate-limited': {
    apis: ['inventory-api'],
    responseCode: 429,
    backendResponseCode: null,
    reason: 'RateLimitExceeded',
    source: 'rate-limit',
    messages: [MESSAGES.rateLimited],
  },
  'subscription-key-missing': {
    apis: ['orders-api', 'catalog-api', 'customers-api'],
    responseCode: 401,
    backendResponseCode: null,
    reason: 'SubscriptionKeyNotFound',
    source: 'authorization',
    messages: [MESSAGES.keyMissing],
  },
  'subscription-key-invalid': {
    apis: ['orders-api', 'inventory-api'],
    responseCode: 401,
    backendResponseCode: null,
    reason: 'SubscriptionKeyInvalid',
    source: 'authorization',
    messages: [MESSAGES.keyInvalid],
  },
  'operation-not-found': {
    apis: ['catalog-api', 'orders-api', 'customers-api'],
    responseCode: 404,
    backendResponseCode: null,
    reason: 'OperationNotFound',
    source: 'configuration',
    messages: [MESSAGES.operationNotFound],
  },
  'quota-exceeded': {
    apis: ['catalog-api'],
    responseCode: 403,
    backendResponseCode: null,
    reason: 'QuotaExceeded',
    source: 'quota',
    messages: [MESSAGES.quotaExceeded],
  },
  'ip-blocked': {
    apis: ['customers-api'],
    responseCode: 403,
    backendResponseCode: null,
    reason: 'CallerIpNotAllowed',
    source: 'ip-filter',
    messages: [MESSAGES.ipBlocked],
  },
  'client-disconnected': {
    apis: ['catalog-api', 'orders-api'],
    responseCode: 200,
    backendResponseCode: 'same',
    reason: 'ClientConnectionFailure',
    source: 'transfer-response',
    messages: [MESSAGES.clientDisconnected],
  },
  'backend-connect-timeout': {
    apis: ['legacy-api'],
    responseCode: 500,
    backendResponseCode: null,
    reason: 'BackendConnectionFailure',
    source: 'forward-request',
    messages: [MESSAGES.connectTimeout],
  },
  'backend-tls-handshake-failed': {
    apis: ['legacy-api'],
    responseCode: 500,
    backendResponseCode: null,
    reason: 'BackendConnectionFailure',
    source: 'forward-request',
    messages: [MESSAGES.tlsHandshake],
  },
  'backend-timeout': {
    apis: ['catalog-api'],
    responseCode: 500,
    backendResponseCode: null,
    reason: 'Timeout',
    source: 'forward-request',
    messages: [MESSAGES.backendTimeout],
  },
  'policy-expression-failed': {
    apis: ['customers-api'],
    responseCode: 500,
    backendResponseCode: null,
    reason: 'ExpressionValueEvaluationFailure',
    source: 'set-header',
    messages: [MESSAGES.expressionFailed],
  },
  // Steady background errors on four APIs, plus the shipping burst (500s) before the breaker trips.
  'backend-error': {
    apis: ['orders-api', 'catalog-api', 'customers-api', 'inventory-api', 'shipping-api'],
    responseCode: [500, 502],
    backendResponseCode: 'same',
    reason: '',
    source: '',
    messages: [''],
  },
  unclassified: {
    apis: ['legacy-api'],
    responseCode: 502,
    backendResponseCode: null,
    reason: 'BackendResponseInvalid',
    source: 'forward-request',
    messages: [MESSAGES.invalidResponse],
  },
};

export interface SpecialEvent {
  signature: string;
  event: DemoEvent;
}

/**
 * Every incident and steady event, time-ordered. Small (a few thousand) regardless of volume; the
 * generator merges it with the streamed background minute by minute.
 */
export function specialEvents(
  seed: number,
  now: number,
  hours: number,
  incident: Stream[] = INCIDENT_STREAMS,
): SpecialEvent[] {
  const out: SpecialEvent[] = [];
  const start = now - Math.round(hours * 60 * MIN);
  const all: Stream[] = [
    ...incident,
    ...STEADY_STREAMS.map((s) => ({
      ...s,
      startAgoMin: hours * 60,
      endAgoMin: 0,
      count: Math.round((s.perHour ?? 0) * hours),
    })),
  ];
  all.forEach((s, si) => {
    const rng = mulberry32((seed * 7919 + si * 104_729) >>> 0);
    const from = Math.max(start, now - Math.round(s.startAgoMin * MIN));
    const to = now - Math.round(s.endAgoMin * MIN);
    const n = s.count ?? 0;
    for (let i = 0; i < n; i++) {
      // Evenly spaced with jitter: steady streams stay steady, incident streams fill their window.
      // The offset is floored, not the sum: a whole-millisecond shift of `now` then shifts every time exactly.
      const t = from + Math.floor(((i + 0.1 + 0.8 * rng()) / n) * (to - from));
      out.push({ signature: s.signature, event: s.build(rng, t) });
    }
  });
  out.sort((a, b) => a.event.time - b.event.time);
  return out;
}

/** Description of the incident for assertions elsewhere (approximate for rates; exact for counts). */
export const DEMO_INCIDENT = {
  defaultSeed: 42,
  apis: ['orders-api', 'payments-api', 'inventory-api', 'customers-api', 'shipping-api', 'catalog-api', 'legacy-api'],
  backends: [
    'orders-backend',
    'payments-backend',
    'inventory-backend',
    'customers-backend',
    'shipping-backend',
    'catalog-backend',
    'legacy-backend',
  ],
  paymentsBackendUrl: 'https://payments.corp.contoso.local',
  /** New in the last 15 minutes, in descending count order. */
  newSignatures: INCIDENT_STREAMS.filter((s) => s.signature !== 'backend-error')
    .map((s) => ({
      id: s.signature,
      count: s.count as number,
      startAgoMin: s.startAgoMin,
      ...SHAPES[s.signature],
    }))
    .sort((a, b) => b.count - a.count),
  tls: {
    signature: 'backend-tls-rejected',
    api: 'payments-api',
    backend: 'payments-backend',
    count: 500,
    startAgoMin: 12.5,
    message: MESSAGES.tlsRejected,
  },
  breaker: {
    signature: 'circuit-breaker-open',
    api: 'shipping-api',
    backend: 'shipping-backend',
    backendUrl: 'https://shipping-backend',
    burstCount: 120,
    burstStartAgoMin: 14,
    tripAgoMin: 9,
    count: 250,
    message: MESSAGES.breakerOpen,
  },
  subscriptionNotFound: {
    signature: 'subscription-not-found',
    api: 'orders-api',
    count: 120,
    callerIps: MISSCOPED_CALLERS.map((c) => c.ip),
    subscriptionIds: MISSCOPED_SUBS,
  },
  jwt: { signature: 'jwt-invalid', api: 'orders-api', count: 80 },
  rateLimited: {
    signature: 'rate-limited',
    api: 'inventory-api',
    count: 110,
    callerIps: HAMMERING_CALLERS.map((c) => c.ip),
  },
  /** Spread over the whole window; count = round(perHour * hours). */
  steady: STEADY_STREAMS.map((s) => ({ id: s.signature, perHour: s.perHour as number, ...SHAPES[s.signature] })),
  shapes: SHAPES,
  messages: MESSAGES,
} as const;
