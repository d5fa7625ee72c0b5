/**
 * Which incident a generated workspace holds and what its APIs are called: the demo's own (contoso), or a
 * second workspace with other names and another incident (fabrikam), so tests can check that answers follow
 * the data rather than the demo.
 */
import { failed, type DemoEvent } from './catalog';
import { MESSAGES, INCIDENT_STREAMS, MISSCOPED_CALLERS, apiReq, type Stream } from './incident';
import { intBetween, pick } from './random';
import type { DemoChange } from './activity';

/**
 * A second, different incident for a second workspace ("fabrikam"): a backend answering 404 on one API, a
 * backend failing with 500s until its breaker opens on another, timeouts, a scoping miss and a policy
 * expression bug, on other APIs than the demo's, with other counts. Written with the demo's API ids; the
 * scenario's `rename` gives the workspace its own names.
 */
const FABRIKAM_STREAMS: Stream[] = [
  {
    signature: 'backend-error',
    startAgoMin: 13,
    endAgoMin: 1,
    count: 90,
    build: (r, t) => {
      const e = apiReq(r, 'catalog-api', t);
      return failed(e, {
        code: 404,
        backendCode: 404,
        reason: '',
        source: '',
        section: '',
        message: '',
        forwarded: true,
      });
    },
  },
  {
    signature: 'backend-error',
    startAgoMin: 14.5,
    endAgoMin: 7,
    count: 150,
    build: (r, t) =>
      failed(apiReq(r, 'orders-api', t), {
        code: 500,
        backendCode: 500,
        reason: '',
        source: '',
        section: '',
        message: '',
        forwarded: true,
        elapsed: intBetween(r, 300, 3000),
      }),
  },
  {
    signature: 'circuit-breaker-open',
    startAgoMin: 7,
    endAgoMin: 0,
    count: 200,
    build: (r, t) =>
      failed(apiReq(r, 'orders-api', t), {
        code: 503,
        reason: 'BackendUnavailable',
        source: 'forward-request',
        section: 'backend',
        message: 'Backend orders-backend is temporarily unavailable: CircuitBreaker rule orders-breaker tripped.',
        forwarded: true,
        elapsed: intBetween(r, 1, 4),
      }),
  },
  {
    signature: 'backend-timeout',
    startAgoMin: 12,
    endAgoMin: 0,
    count: 70,
    build: (r, t) =>
      failed(apiReq(r, 'customers-api', t), {
        code: 504,
        reason: 'Timeout',
        source: 'forward-request',
        section: 'backend',
        message: MESSAGES.backendTimeout,
        forwarded: true,
        elapsed: intBetween(r, 30_000, 30_040),
      }),
  },
  {
    signature: 'subscription-not-found',
    startAgoMin: 10,
    endAgoMin: 0,
    count: 60,
    build: (r, t) =>
      failed(apiReq(r, 'inventory-api', t, pick(r, MISSCOPED_CALLERS)), {
        code: 401,
        reason: 'SubscriptionKeyInvalid',
        source: 'authorization',
        section: 'inbound',
        message: MESSAGES.subscriptionNotFound,
      }),
  },
  {
    signature: 'policy-expression-failed',
    startAgoMin: 9,
    endAgoMin: 0,
    count: 30,
    build: (r, t) =>
      failed(apiReq(r, 'shipping-api', t), {
        code: 500,
        reason: 'ExpressionValueEvaluationFailure',
        source: 'set-header',
        section: 'inbound',
        message: MESSAGES.expressionFailed,
      }),
  },
];

/** Which incident a generated workspace holds, and what its APIs and backends are called. */
export interface DemoScenario {
  id: 'contoso' | 'fabrikam';
  /** Demo API and backend ids -> this workspace's (whole-word replacement); empty for the demo itself. */
  rename: Record<string, string>;
  incident: Stream[];
  /** Where the incident stands in for ordinary traffic (those requests are the failures instead). */
  suppressed: { apiId: string; startAgoMin: number }[];
  /** The control-plane write in the Activity log shortly before the incident begins (demo names; renamed too). */
  change: DemoChange;
}

export const SCENARIOS: Record<DemoScenario['id'], DemoScenario> = {
  contoso: {
    id: 'contoso',
    rename: {},
    incident: INCIDENT_STREAMS,
    suppressed: [
      { apiId: 'payments-api', startAgoMin: 12.5 },
      { apiId: 'shipping-api', startAgoMin: 9 },
    ],
    // Three minutes before the TLS rejections on payments-api begin (12.5 min before the end).
    change: { agoMin: 15.5, target: 'backends/payments-backend', verb: 'write', caller: 'alice@contoso.com' },
  },
  fabrikam: {
    id: 'fabrikam',
    rename: {
      'orders-api': 'bookings-api',
      'payments-api': 'billing-api',
      'inventory-api': 'stock-api',
      'customers-api': 'accounts-api',
      'shipping-api': 'delivery-api',
      'catalog-api': 'products-api',
      'legacy-api': 'mainframe-api',
      'orders-backend': 'bookings-svc',
      'orders-breaker': 'bookings-breaker',
      'payments-backend': 'billing-svc',
      'inventory-backend': 'stock-svc',
      'customers-backend': 'accounts-svc',
      'shipping-backend': 'delivery-svc',
      'catalog-backend': 'products-svc',
      'legacy-backend': 'mainframe-svc',
    },
    incident: FABRIKAM_STREAMS,
    suppressed: [{ apiId: 'orders-api', startAgoMin: 7 }],
    // Two minutes before catalog-api's backend starts answering 404 (13 min before the end).
    change: { agoMin: 15, target: 'backends/catalog-backend', verb: 'write', caller: 'dave@contoso.com' },
  },
};

/** Demo names in a text replaced by the scenario's (whole words). */
export function renameText(text: string, rename: Record<string, string>): string {
  const names = Object.keys(rename);
  if (names.length === 0) return text;
  // Names are plain [a-z-] ids, so they need no escaping.
  const re = new RegExp(`\\b(${names.join('|')})\\b`, 'g');
  return text.replace(re, (m) => rename[m] ?? m);
}

/** The scenario's names on one event (ids, backend URLs, messages that name a backend). */
export function renameEvent<E extends DemoEvent>(ev: E, rename: Record<string, string>): E {
  if (Object.keys(rename).length === 0) return ev;
  const swap = (text: string): string => renameText(text, rename);
  ev.apiId = swap(ev.apiId);
  ev.backendId = swap(ev.backendId);
  ev.backendUrl = swap(ev.backendUrl);
  ev.backendBase = swap(ev.backendBase);
  ev.lastErrorMessage = swap(ev.lastErrorMessage);
  return ev;
}
