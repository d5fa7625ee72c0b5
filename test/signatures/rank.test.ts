import { rankFindings, scoreAggregate, shareOf, trendOf, type SignatureAggregate } from '../../src/signatures/rank';
import { signatureById } from '../../src/signatures/catalog';

function agg(id: string, over: Partial<SignatureAggregate>): SignatureAggregate {
  return {
    signature: signatureById(id),
    count: 10,
    previousCount: 10,
    responseCode: 500,
    backendResponseCode: null,
    errorReason: '',
    errorSource: '',
    sampleMessage: '',
    apis: ['orders-api'],
    backends: [],
    callers: 1,
    firstSeen: '2026-11-23T14:50:00.000Z',
    lastSeen: '2026-11-23T14:59:00.000Z',
    ...over,
  };
}
const ctx = {
  apiTotals: { 'payments-api': 540, 'orders-api': 600, 'inventory-api': 400, 'shipping-api': 450 },
  windowLength: '15m',
};

describe('ranking', () => {
  it('trend and share', () => {
    expect(trendOf(5, 0).trend).toBe('new');
    expect(trendOf(30, 10)).toEqual({ trend: 'growing', ratio: 3 });
    expect(trendOf(10, 9).trend).toBe('steady');
    expect(trendOf(2, 10).trend).toBe('shrinking');
    expect(shareOf(300, ['payments-api'], ctx.apiTotals)).toBeCloseTo(300 / 540);
    expect(shareOf(100, ['orders-api', 'inventory-api'], ctx.apiTotals)).toBeCloseTo(0.1);
    expect(shareOf(5, ['unknown-api'], ctx.apiTotals)).toBe(0);
  });

  it('orders the incident above steady background, and says why', () => {
    const findings = rankFindings(
      [
        agg('subscription-key-missing', { count: 3, previousCount: 3, responseCode: 401 }),
        agg('rate-limited', { count: 110, previousCount: 0, responseCode: 429, apis: ['inventory-api'], callers: 2 }),
        agg('backend-tls-rejected', {
          count: 500,
          previousCount: 0,
          apis: ['payments-api'],
          backends: ['payments-backend'],
          callers: 200,
          sampleUrl: 'https://x/?subscription-key=abc',
        }),
        agg('circuit-breaker-open', {
          count: 250,
          previousCount: 0,
          responseCode: 503,
          apis: ['shipping-api'],
          backends: ['shipping-backend'],
          callers: 140,
        }),
        agg('backend-connect-timeout', { count: 1, previousCount: 0, apis: ['orders-api'] }),
        agg('client-disconnected', { count: 0, previousCount: 4 }),
      ],
      ctx,
    );
    expect(findings.map((f) => f.signature)).toEqual([
      'backend-tls-rejected',
      'circuit-breaker-open',
      'rate-limited',
      'backend-connect-timeout',
      'subscription-key-missing',
    ]);
    expect(findings.map((f) => f.rank)).toEqual([1, 2, 3, 4, 5]);
    const tls = findings[0];
    expect(tls.why).toEqual([
      '93% of payments-api requests',
      'new: 0 in the previous 15m',
      '200 callers',
      'severity 5/5',
    ]);
    expect(tls.share).toBeCloseTo(500 / 540);
    expect(tls.sampleUrl).toBe('https://x/?subscription-key=[REDACTED]');
    expect(tls.next).toBe('tls on payments-api');
    expect(findings[1].next).toBe('breaker shipping-backend');
    expect(findings[1].fix.join(' ')).toContain('breaker shipping-backend');
    expect(findings[4].why).toContain('steady: 3 in the previous 15m');
  });

  it('growing beats steady at equal size; breadth phrases', () => {
    const grow = scoreAggregate(
      agg('backend-error', {
        count: 80,
        previousCount: 10,
        apis: ['orders-api', 'inventory-api'],
        backends: ['a', 'b'],
        callers: 3,
      }),
      ctx,
    );
    const steady = scoreAggregate(
      agg('backend-error', {
        count: 80,
        previousCount: 80,
        apis: ['orders-api', 'inventory-api'],
        backends: ['a', 'b'],
        callers: 3,
      }),
      ctx,
    );
    expect(grow.score).toBeGreaterThan(steady.score);
    expect(grow.why).toEqual([
      '8.0% of orders-api, inventory-api requests',
      'growing: 8.0× the previous 15m (10)',
      '2 APIs',
      '2 backends',
      '3 callers',
    ]);
  });

  it('fills placeholders, dropping "on {api}" when there is no API', () => {
    const [f] = rankFindings([agg('rate-limited', { apis: [], responseCode: 429 })], ctx);
    expect(f.next).toBe('why 429');
  });
});
