import { guid, hex, intBetween, latency, mulberry32, pick, pickWeighted, fakeJwt, base64url, type Rng } from './random';

/**
 * The demo tenant: APIs, operations, backends and callers of a fictional contoso-apim instance, and the
 * builder of one ordinary (successful or backend-4xx) request. Schema-neutral: see mapping.ts for columns.
 */

const GATEWAY_HOST = 'https://contoso-apim.azure-api.net';
export const AZURE_SUBSCRIPTION = '6f1d2c3b-8a4e-4f7a-9c2d-1e5b7a9c3d42';
export const RESOURCE_GROUP = 'rg-apim-prod';
export const SERVICE_NAME = 'contoso-apim';
export const WORKSPACE_TENANT_ID = 'b3e9d1a7-5c2f-4e8b-a6d4-0f7c9e2b1a53';
export const RESOURCE_ID = `/subscriptions/${AZURE_SUBSCRIPTION}/resourceGroups/${RESOURCE_GROUP}/providers/Microsoft.ApiManagement/service/${SERVICE_NAME}`;

/** One request as the gateway saw it, in logical terms (empty string = not set, null = no value). */
export interface DemoEvent {
  time: number;
  apiId: string;
  operationId: string;
  method: string;
  url: string;
  responseCode: number;
  backendResponseCode: number | null;
  backendId: string;
  backendUrl: string;
  /** Base URL of the backend entity (scheme + host), kept even when the request was not forwarded. */
  backendBase: string;
  backendMethod: string;
  lastErrorReason: string;
  lastErrorMessage: string;
  lastErrorSource: string;
  lastErrorSection: string;
  lastErrorElapsed: number | null;
  callerIp: string;
  apimSubscriptionId: string;
  productId: string;
  correlationId: string;
  region: string;
  totalTime: number;
  backendTime: number | null;
  clientTime: number;
  requestSize: number;
  responseSize: number;
  cache: string;
  clientProtocol: string;
  clientTlsVersion: string;
}

interface OpDef {
  id: string;
  method: string;
  weight: number;
  status: number;
  medianMs: number;
  /** Gateway path and query, and the path the backend gets. */
  path(rng: Rng): { path: string; query: string; backendPath: string };
}

export interface ApiDef {
  id: string;
  weight: number;
  backendId: string;
  backendBase: string;
  ops: OpDef[];
}

const id5 = (rng: Rng) => String(intBetween(rng, 10000, 99999));
const WORDS = ['chair', 'lamp', 'desk', 'monitor', 'kettle', 'backpack', 'headphones', 'blender', 'tent', 'bike'];

function op(
  id: string,
  method: string,
  weight: number,
  status: number,
  medianMs: number,
  path: (rng: Rng) => { path: string; query?: string; backendPath: string },
): OpDef {
  return { id, method, weight, status, medianMs, path: (rng) => ({ query: '', ...path(rng) }) };
}

export const APIS: ApiDef[] = [
  {
    id: 'orders-api',
    weight: 24,
    backendId: 'orders-backend',
    backendBase: 'https://orders-backend',
    ops: [
      op('get-order', 'GET', 45, 200, 60, (r) => {
        const n = id5(r);
        return { path: `/orders/v1/orders/${n}`, backendPath: `/api/orders/${n}` };
      }),
      op('list-orders', 'GET', 25, 200, 120, (r) => {
        const p = intBetween(r, 1, 9);
        return {
          path: '/orders/v1/orders',
          query: `?status=open&page=${p}`,
          backendPath: `/api/orders?status=open&page=${p}`,
        };
      }),
      op('create-order', 'POST', 20, 201, 180, () => ({ path: '/orders/v1/orders', backendPath: '/api/orders' })),
      op('cancel-order', 'POST', 10, 200, 140, (r) => {
        const n = id5(r);
        return { path: `/orders/v1/orders/${n}/cancel`, backendPath: `/api/orders/${n}/cancel` };
      }),
    ],
  },
  {
    id: 'payments-api',
    weight: 12,
    backendId: 'payments-backend',
    backendBase: 'https://payments.corp.contoso.local',
    ops: [
      op('create-payment', 'POST', 45, 201, 250, () => ({
        path: '/payments/v2/payments',
        backendPath: '/v2/payments',
      })),
      op('get-payment', 'GET', 40, 200, 70, (r) => {
        const p = `pay_${hex(r, 12)}`;
        return { path: `/payments/v2/payments/${p}`, backendPath: `/v2/payments/${p}` };
      }),
      op('create-refund', 'POST', 15, 201, 300, () => ({ path: '/payments/v2/refunds', backendPath: '/v2/refunds' })),
    ],
  },
  {
    id: 'inventory-api',
    weight: 16,
    backendId: 'inventory-backend',
    backendBase: 'https://inventory-backend',
    ops: [
      op('get-stock', 'GET', 60, 200, 40, (r) => {
        const s = `SKU-${id5(r)}`;
        return { path: `/inventory/v1/items/${s}/stock`, backendPath: `/stock/${s}` };
      }),
      op('reserve-stock', 'POST', 30, 201, 90, (r) => {
        const s = `SKU-${id5(r)}`;
        return { path: `/inventory/v1/items/${s}/reservations`, backendPath: `/stock/${s}/reservations` };
      }),
      op('list-warehouses', 'GET', 10, 200, 30, () => ({
        path: '/inventory/v1/warehouses',
        backendPath: '/warehouses',
      })),
    ],
  },
  {
    id: 'customers-api',
    weight: 14,
    backendId: 'customers-backend',
    backendBase: 'https://customers-backend',
    ops: [
      op('get-customer', 'GET', 55, 200, 50, (r) => {
        const c = `C${intBetween(r, 100000, 999999)}`;
        return { path: `/customers/v1/customers/${c}`, backendPath: `/api/customers/${c}` };
      }),
      op('update-customer', 'PATCH', 20, 204, 110, (r) => {
        const c = `C${intBetween(r, 100000, 999999)}`;
        return { path: `/customers/v1/customers/${c}`, backendPath: `/api/customers/${c}` };
      }),
      op('search-customers', 'GET', 25, 200, 160, (r) => {
        const q = `?segment=${pick(r, ['retail', 'business', 'partner'])}&page=${intBetween(r, 1, 5)}`;
        return { path: '/customers/v1/customers', query: q, backendPath: `/api/customers${q}` };
      }),
    ],
  },
  {
    id: 'shipping-api',
    weight: 10,
    backendId: 'shipping-backend',
    backendBase: 'https://shipping-backend',
    ops: [
      op('create-shipment', 'POST', 35, 201, 220, () => ({
        path: '/shipping/v1/shipments',
        backendPath: '/shipments',
      })),
      op('get-tracking', 'GET', 45, 200, 80, (r) => {
        const s = `SHP${intBetween(r, 10000000, 99999999)}`;
        return { path: `/shipping/v1/shipments/${s}/tracking`, backendPath: `/shipments/${s}/tracking` };
      }),
      op('get-rates', 'GET', 20, 200, 150, (r) => {
        const q = `?from=${pick(r, ['US', 'DE', 'NL'])}&to=${pick(r, ['US', 'FR', 'GB', 'CA'])}&weightKg=${intBetween(r, 1, 30)}`;
        return { path: '/shipping/v1/rates', query: q, backendPath: `/rates${q}` };
      }),
    ],
  },
  {
    id: 'catalog-api',
    weight: 20,
    backendId: 'catalog-backend',
    backendBase: 'https://catalog-backend',
    ops: [
      op('search-products', 'GET', 40, 200, 90, (r) => {
        const q = `?q=${pick(r, WORDS)}&page=${intBetween(r, 1, 4)}`;
        return { path: '/catalog/v1/products', query: q, backendPath: `/products${q}` };
      }),
      op('get-product', 'GET', 50, 200, 35, (r) => {
        const n = id5(r);
        return { path: `/catalog/v1/products/${n}`, backendPath: `/products/${n}` };
      }),
      // Image links are SAS URLs: the `sig` value is a secret the cards must redact.
      op('get-product-image', 'GET', 10, 200, 45, (r) => {
        const n = id5(r);
        const q = `?sv=2024-08-04&se=2026-12-01T00%3A00%3A00Z&sr=b&sp=r&sig=${base64url(r, 43)}%3D`;
        return { path: `/catalog/v1/products/${n}/image`, query: q, backendPath: `/images/${n}.jpg${q}` };
      }),
    ],
  },
  {
    id: 'legacy-api',
    weight: 4,
    backendId: 'legacy-backend',
    backendBase: 'https://legacy-backend',
    ops: [
      op('order-service', 'POST', 80, 200, 600, () => ({
        path: '/legacy/soap/OrderService.svc',
        backendPath: '/OrderService.svc',
      })),
      // Function-style key in the query string (`code=`): another secret shape.
      op('daily-report', 'GET', 20, 200, 900, (r) => {
        const q = `?code=${base64url(r, 54)}==`;
        return { path: '/legacy/reports/daily', query: q, backendPath: `/reports/daily${q}` };
      }),
    ],
  },
];

export const API_BY_ID: Record<string, ApiDef> = Object.fromEntries(APIS.map((a) => [a.id, a]));

export interface Caller {
  ip: string;
  subscriptionId: string;
  productId: string;
  region: string;
}

const PRODUCTS = ['starter', 'unlimited', 'partner-gold', 'mobile-app', 'internal-tools'];
const REGIONS = ['East US', 'West Europe'];

/** Fixed population of callers; independent of the run seed so ids stay recognisable across demos. */
function makeCallers(): { callers: Caller[]; subscriptions: string[] } {
  const rng = mulberry32(0xc0ffee);
  const subscriptions = Array.from({ length: 12 }, () => guid(rng));
  const prefixes = ['20.81', '52.168', '40.114', '13.92', '104.45', '98.137', '73.222', '10.20'];
  const callers: Caller[] = [];
  for (let i = 0; i < 240; i++) {
    const s = i % subscriptions.length;
    callers.push({
      ip: `${pick(rng, prefixes)}.${intBetween(rng, 0, 255)}.${intBetween(rng, 1, 254)}`,
      subscriptionId: subscriptions[s],
      productId: PRODUCTS[s % PRODUCTS.length],
      region: REGIONS[i % 5 < 3 ? 0 : 1],
    });
  }
  return { callers, subscriptions };
}

export const { callers: CALLERS } = makeCallers();

/** Builds one ordinary request: success, or (rarely) a 4xx the backend itself returned. */
export function ordinaryRequest(
  rng: Rng,
  api: ApiDef,
  time: number,
  caller: Caller = pick(rng, CALLERS),
  opDef?: OpDef,
): DemoEvent {
  const o =
    opDef ??
    pickWeighted(
      rng,
      api.ops,
      api.ops.map((x) => x.weight),
    );
  const p = o.path(rng);
  let query = p.query;
  // Some clients put the subscription key in the query string instead of the header (a secret in Url).
  if (rng() < 0.03) query += `${query ? '&' : '?'}subscription-key=${hex(rng, 32)}`;
  // A few browser clients pass their bearer token in the query string.
  if (api.id === 'customers-api' && rng() < 0.01) query += `${query ? '&' : '?'}access_token=${fakeJwt(rng)}`;
  let status = o.status;
  const r = rng();
  if (r < 0.01) status = 404;
  else if (r < 0.013) status = o.method === 'GET' ? 404 : 400;
  const cacheHit = api.id === 'catalog-api' && o.id === 'get-product' && status === 200 && rng() < 0.2;
  const backendTime = cacheHit ? null : latency(rng, o.medianMs);
  const overhead = intBetween(rng, 2, 14);
  const clientTime = intBetween(rng, 0, 6);
  return {
    time,
    apiId: api.id,
    operationId: o.id,
    method: o.method,
    url: `${GATEWAY_HOST}${p.path}${query}`,
    responseCode: status,
    backendResponseCode: cacheHit ? null : status,
    backendId: cacheHit ? '' : api.backendId,
    backendUrl: cacheHit ? '' : `${api.backendBase}${p.backendPath}`,
    backendBase: api.backendBase,
    backendMethod: cacheHit ? '' : o.method,
    lastErrorReason: '',
    lastErrorMessage: '',
    lastErrorSource: '',
    lastErrorSection: '',
    lastErrorElapsed: null,
    callerIp: caller.ip,
    apimSubscriptionId: caller.subscriptionId,
    productId: caller.productId,
    correlationId: guid(rng),
    region: caller.region,
    totalTime: (backendTime ?? 0) + overhead + clientTime,
    backendTime,
    clientTime,
    requestSize: o.method === 'GET' ? intBetween(rng, 350, 900) : intBetween(rng, 900, 4200),
    responseSize: status === 204 ? 180 : intBetween(rng, 400, 9000),
    cache: cacheHit ? 'hit' : api.id === 'catalog-api' && o.id === 'get-product' ? 'miss' : 'none',
    clientProtocol: rng() < 0.35 ? 'HTTP/2' : 'HTTP/1.1',
    clientTlsVersion: rng() < 0.7 ? '1.3' : '1.2',
  };
}

/** Turns a request into one the gateway failed with a lastError (never reached the backend unless `forwarded`). */
export function failed(
  ev: DemoEvent,
  f: {
    code: number;
    backendCode?: number | null;
    reason: string;
    source: string;
    section: string;
    message: string;
    forwarded?: boolean;
    elapsed?: number;
  },
): DemoEvent {
  const forwarded = f.forwarded ?? false;
  ev.responseCode = f.code;
  if (forwarded && ev.backendId === '') {
    // A cache hit was drawn for this request; a forwarded failure must name its backend.
    const api = API_BY_ID[ev.apiId];
    ev.backendId = api.backendId;
    ev.backendUrl = `${api.backendBase}${new URL(ev.url).pathname.replace(/^\/[^/]+\/v\d+/, '')}`;
    ev.backendMethod = ev.method;
  }
  ev.backendResponseCode = f.backendCode ?? null;
  if (!forwarded) {
    ev.backendId = '';
    ev.backendUrl = '';
    ev.backendMethod = '';
    ev.backendTime = null;
    ev.totalTime = ev.clientTime + (f.elapsed ?? 3);
  } else if (f.elapsed !== undefined) {
    ev.backendTime = f.backendCode == null ? 0 : f.elapsed;
    ev.totalTime = f.elapsed + ev.clientTime + 2;
  }
  ev.cache = 'none';
  ev.lastErrorReason = f.reason;
  ev.lastErrorSource = f.source;
  ev.lastErrorSection = f.section;
  ev.lastErrorMessage = f.message;
  ev.lastErrorElapsed = f.elapsed ?? ev.totalTime - ev.clientTime;
  ev.responseSize = 120 + ev.lastErrorMessage.length;
  return ev;
}
