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
  comparedWith: 'the previous 15m',
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
      'severity 5/5',
      '93% of payments-api requests',
      'new: 0 in the previous 15m',
      '500 requests',
      'gateway configuration: your team can fix it',
    ]);
    expect(tls.share).toBeCloseTo(500 / 540);
    expect(tls.sampleUrl).toBe('https://x/?subscription-key=[REDACTED]');
    expect(tls.next).toBe('tls on payments-api');
    expect(findings[1].next).toBe('breaker shipping-backend');
    expect(findings[1].fix.join(' ')).toContain('breaker shipping-backend');
    expect(findings[4].why).toContain('steady: 3 in the previous 15m');
  });

  it('growing beats steady at equal size', () => {
    const grow = scoreAggregate(agg('backend-error', { count: 80, previousCount: 10, apis: ['orders-api'] }), ctx);
    const steady = scoreAggregate(agg('backend-error', { count: 80, previousCount: 80, apis: ['orders-api'] }), ctx);
    expect(grow.score).toBeGreaterThan(steady.score);
    expect(grow.why).toEqual([
      'severity 3/5',
      '13% of orders-api requests',
      'growing: 8.0× the previous 15m (10)',
      '80 requests',
      'backend: your team can fix it',
    ]);
  });

  it('fills placeholders, dropping "on {api}" when there is no API', () => {
    const [f] = rankFindings([agg('rate-limited', { apis: [], responseCode: 429 })], ctx);
    expect(f.next).toBe('why 429');
  });
});

/**
 * The ranking rule as scenarios: for each pair, which finding must come first and the phrase of its `why`
 * that says so. Expectations are read off the rule (top of src/signatures/rank.ts), not computed by it.
 */
describe('ranking rule, scenario by scenario', () => {
  const totals = { 'big-api': 10_000, 'small-api': 200, 'orders-api': 640, 'mid-api': 1000 };
  type Case = { name: string; first: SignatureAggregate; second: SignatureAggregate; because: string };
  const A = (id: string, over: Partial<SignatureAggregate>) => agg(id, { apis: ['mid-api'], ...over });
  const CASES: Case[] = [
    {
      name: 'volume: same signature and share, more requests',
      first: A('backend-error', { count: 400, previousCount: 400, apis: ['big-api'] }),
      second: A('backend-error', { count: 8, previousCount: 8, apis: ['small-api'] }),
      because: '400 requests',
    },
    {
      name: 'share: half of an API beats 2% of a larger one at similar volume',
      first: A('backend-error', { count: 100, previousCount: 100, apis: ['small-api'] }),
      second: A('backend-error', { count: 200, previousCount: 200, apis: ['big-api'] }),
      because: '50% of small-api requests',
    },
    {
      name: 'novelty: new beats steady at equal size',
      first: A('rate-limited', { count: 60, previousCount: 0 }),
      second: A('rate-limited', { count: 60, previousCount: 55 }),
      because: 'new: 0 in the previous 15m',
    },
    {
      name: 'novelty: growing beats steady at equal size',
      first: A('backend-timeout', { count: 60, previousCount: 15 }),
      second: A('backend-timeout', { count: 60, previousCount: 60 }),
      because: 'growing: 4.0× the previous 15m (15)',
    },
    {
      name: 'novelty: steady beats shrinking',
      first: A('quota-exceeded', { count: 20, previousCount: 20 }),
      second: A('quota-exceeded', { count: 20, previousCount: 90 }),
      because: 'steady: 20 in the previous 15m',
    },
    {
      name: 'severity: an outage signature beats a lesser one at equal size',
      first: A('circuit-breaker-open', { count: 30, previousCount: 0 }),
      second: A('rate-limited', { count: 30, previousCount: 0 }),
      because: 'severity 5/5',
    },
    {
      name: 'severity: 5/5 at a small share still beats 3/5 at a larger share',
      first: A('backend-tls-rejected', { count: 50, previousCount: 0, apis: ['big-api'] }),
      second: A('rate-limited', { count: 200, previousCount: 0 }),
      because: 'severity 5/5',
    },
    {
      name: 'who can fix it: product scoping (120) above expired tokens (80) on orders-api',
      first: A('subscription-not-found', { count: 120, previousCount: 0, responseCode: 401, apis: ['orders-api'] }),
      second: A('jwt-invalid', { count: 80, previousCount: 0, responseCode: 401, apis: ['orders-api'] }),
      because: 'gateway configuration: your team can fix it',
    },
    {
      name: 'who can fix it: at equal everything, the team-fixable one first',
      first: A('subscription-not-found', { count: 40, previousCount: 40, responseCode: 401 }),
      second: A('subscription-key-invalid', { count: 40, previousCount: 40, responseCode: 401 }),
      because: 'gateway configuration: your team can fix it',
    },
    {
      name: 'a single new event does not outrank an incident',
      first: A('rate-limited', { count: 150, previousCount: 0 }),
      second: A('backend-connect-timeout', { count: 1, previousCount: 0 }),
      because: 'new: 0 in the previous 15m',
    },
    {
      name: 'steady background does not outrank a new failure of the same severity',
      first: A('operation-not-found', { count: 40, previousCount: 0, responseCode: 404 }),
      second: A('backend-error', { count: 4, previousCount: 4, responseCode: 404 }),
      because: 'new: 0 in the previous 15m',
    },
    {
      name: 'a client fault the team cannot fix still leads when it is the bigger, newer problem',
      first: A('jwt-invalid', { count: 300, previousCount: 0, responseCode: 401 }),
      second: A('subscription-not-found', { count: 5, previousCount: 5, responseCode: 401 }),
      because: '30% of mid-api requests',
    },
    {
      name: 'share capped at 100%: the larger count first',
      first: A('backend-error', { count: 2000, previousCount: 2000, apis: ['small-api'] }),
      second: A('backend-error', { count: 300, previousCount: 300, apis: ['small-api'] }),
      because: '100% of small-api requests',
    },
  ];

  it.each(CASES)('$name', ({ first, second, because }) => {
    const context = { apiTotals: totals, comparedWith: 'the previous 15m' };
    for (const input of [
      [first, second],
      [second, first],
    ]) {
      const ranked = rankFindings(input, context);
      expect(ranked.map((f) => f.count + ' ' + f.signature)).toEqual([
        first.count + ' ' + first.signature.id,
        second.count + ' ' + second.signature.id,
      ]);
      expect(ranked[0].why).toContain(because);
      // Every finding carries its reason, led by severity and ending with who can fix it.
      for (const f of ranked) {
        expect(f.why[0]).toMatch(/^severity \d\/5$/);
        expect(f.why[f.why.length - 1]).toMatch(/fix it$/);
      }
    }
  });
});
