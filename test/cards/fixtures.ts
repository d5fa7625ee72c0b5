/** Replies shaped like real triage output for the demo incident (DEMO_INCIDENT), for card tests. */
import type { Answer, ErrorAnswer, HelpAnswer } from '../../src/answer';
import type { Command } from '../../src/commands/types';
import type { Finding } from '../../src/signatures/types';

export const NOW = new Date('2026-11-23T14:33:00Z');

export const triageCommand: Command = {
  kind: 'triage',
  window: { from: new Date('2026-11-23T14:18:00Z'), to: NOW, label: 'last 15m' },
  text: 'triage last 15m',
};

function finding(p: Partial<Finding> & Pick<Finding, 'rank' | 'signature' | 'title' | 'count'>): Finding {
  return {
    previousCount: 0,
    responseCode: 500,
    backendResponseCode: null,
    errorReason: 'BackendConnectionFailure',
    errorSource: 'forward-request',
    sampleMessage: '',
    apis: [],
    backends: [],
    callers: 3,
    firstSeen: '2026-11-23T14:19:02Z',
    lastSeen: '2026-11-23T14:32:41Z',
    fault: 'backend',
    explanation: '',
    causes: [],
    fix: [],
    next: '',
    share: 0.1,
    score: 1,
    why: [],
    ...p,
  };
}

const demoFindings: Finding[] = [
  finding({
    rank: 1,
    signature: 'backend-tls-rejected',
    title: 'Backend TLS certificate rejected',
    count: 1204,
    apis: ['payments-api'],
    backends: ['payments-backend'],
    sampleMessage: 'The remote certificate was rejected by the provided RemoteCertificateValidationCallback.',
    sampleUrl: 'https://apim.contoso.net/payments/charge?subscription-key=0123456789abcdef0123456789abcdef',
    callers: 14,
    share: 0.42,
    explanation:
      'The gateway opened a TLS connection to the backend and refused the certificate the backend presented, so the request never reached it.',
    causes: [
      'Backend certificate expired or was renewed with a different chain',
      'Certificate name does not match the backend host (payments.corp.contoso.local)',
      'Private CA not uploaded to APIM',
    ],
    fix: [
      'Check the certificate on https://payments.corp.contoso.local (expiry, SAN, chain)',
      'Upload the issuing CA to APIM (CA certificates) or fix the chain on the backend',
      'Only as a stopgap: set validateCertificateChain=false on the backend entity',
    ],
    next: 'tls last 1h',
    why: ['42% of payments-api requests', 'new in this window', 'severity 5'],
  }),
  finding({
    rank: 2,
    signature: 'circuit-breaker-open',
    title: 'Circuit breaker open',
    count: 611,
    responseCode: 503,
    errorReason: 'BackendUnavailable',
    apis: ['shipping-api'],
    backends: ['shipping-backend'],
    sampleMessage: 'Backend shipping-backend is temporarily unavailable: CircuitBreaker rule shipping-breaker tripped.',
    share: 0.31,
    explanation:
      'APIM stopped sending requests to the backend because its circuit-breaker rule tripped after repeated failures.',
    causes: ['A burst of backend 500s tripped rule shipping-breaker'],
    fix: [
      'Look at what the backend returned before the trip',
      'Fix the backend; the breaker closes after its trip duration',
    ],
    next: 'breaker shipping-backend',
    why: ['31% of shipping-api requests', 'new in this window'],
  }),
  finding({
    rank: 3,
    signature: 'subscription-not-found',
    title: 'Subscription not found (401)',
    count: 388,
    responseCode: 401,
    errorReason: 'SubscriptionKeyInvalid',
    errorSource: 'authorization',
    fault: 'client',
    apis: ['orders-api'],
    sampleMessage: 'Access denied. Reason: Subscription not found',
    explanation: 'Callers sent a subscription key APIM does not know for this API, usually a product scoping problem.',
    causes: ['Key belongs to a product that does not include orders-api'],
    fix: ["Add orders-api to the callers' product, or give them a key for the right product"],
    next: 'why 401 on orders-api',
    why: ['12% of orders-api requests', 'new in this window'],
  }),
  finding({
    rank: 4,
    signature: 'jwt-invalid',
    title: 'JWT validation failed',
    count: 240,
    responseCode: 401,
    errorReason: 'TokenExpired',
    errorSource: 'validate-jwt',
    fault: 'client',
    apis: ['orders-api'],
    sampleMessage:
      'IDX10223: Lifetime validation failed. The token is expired. Access denied. Authorization: Bearer eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiIxMjMifQ.c2lnbmF0dXJl',
    explanation: 'The validate-jwt policy rejected the bearer token.',
    causes: ['Expired tokens', 'Wrong audience'],
    fix: ['Have callers refresh tokens'],
    next: 'why 401 on orders-api',
    why: ['8% of orders-api requests'],
  }),
  finding({
    rank: 5,
    signature: 'rate-limited',
    title: 'Rate limit exceeded (429) with *markdown* and ${injected}',
    count: 120,
    previousCount: 40,
    responseCode: 429,
    errorReason: 'RateLimitExceeded',
    errorSource: 'rate-limit',
    fault: 'policy',
    apis: ['inventory-api'],
    sampleMessage: 'Rate limit is exceeded. Try again in 12 seconds. <at>Everyone</at> [click](https://evil.example)',
    explanation: 'The rate-limit policy throttled callers.',
    causes: ['A caller is retrying in a tight loop'],
    fix: ['Find the caller by subscription', 'Raise the limit if the traffic is legitimate'],
    next: 'why 429 on inventory-api',
    why: ['4% of inventory-api requests', 'growing (x3)'],
  }),
];

export const demoAnswer: Answer = {
  type: 'answer',
  command: triageCommand,
  title: 'Triage, last 15m',
  summary: '5 failure signatures, 2,563 failed requests out of 9,870',
  findings: demoFindings,
  sections: [
    {
      title: 'APIs in the window',
      table: {
        name: 'apis',
        columns: [
          { name: 'ApiId', type: 'string' },
          { name: 'Requests', type: 'long' },
          { name: 'Failed', type: 'long' },
          { name: 'LastSeen', type: 'datetime' },
        ],
        rows: [
          ['payments-api', 2870, 1204, new Date('2026-11-23T14:32:41Z')],
          ['shipping-api', 1950, 611, new Date('2026-11-23T14:32:40Z')],
          ['orders-api', 3200, 628, new Date('2026-11-23T14:32:39Z')],
          ['inventory_api*', 1850, null, new Date('2026-11-23T14:32:12Z')],
        ],
      },
    },
  ],
  kql: 'let GatewayLogs = ApiManagementGatewayLogs\n| project TimeGenerated, ApiId, ResponseCode, BackendResponseCode, LastErrorReason, LastErrorSource, LastErrorMessage;\nGatewayLogs\n| where TimeGenerated > ago(15m)\n| where ResponseCode >= 400 or isnotempty(LastErrorReason)\n| summarize count_ = count() by ResponseCode, LastErrorReason, LastErrorSource\n| order by count_ desc',
  notes: ['Logs are about 6 min behind: the newest minutes of this window may be missing.'],
  source: { kind: 'embedded', workspace: 'demo', schema: 'resource-specific' },
  freshness: { completeTo: '2026-11-23T14:27:00Z', lagMinutes: 5.5 },
  stats: { rowsExamined: 182340, queryMs: 84, queries: 2 },
  requestedBy: 'Ada Lovelace',
};

/** 300 findings with long texts: the size-budget case. */
export function bigAnswer(n = 300): Answer {
  const findings = Array.from({ length: n }, (_, i) =>
    finding({
      ...demoFindings[i % demoFindings.length],
      rank: i + 1,
      signature: `sig-${i + 1}`,
      title: `Signature ${i + 1}: ${demoFindings[i % demoFindings.length].title}`,
      count: 5000 - i,
      apis: [`api-${i}`, 'orders-api', 'payments-api', 'shipping-api'],
      explanation: 'x'.repeat(500),
      causes: ['a'.repeat(200), 'b'.repeat(200), 'c'.repeat(200)],
      fix: ['d'.repeat(250), 'e'.repeat(250), 'f'.repeat(250)],
    }),
  );
  const rows = Array.from({ length: 400 }, (_, i) => [`api-${i}`, i * 10, i, new Date(NOW.getTime() - i * 1000)]);
  return {
    ...demoAnswer,
    findings,
    summary: `${n} failure signatures`,
    sections: [{ ...demoAnswer.sections[0], table: { ...demoAnswer.sections[0].table, rows } }],
    kql: demoAnswer.kql + '\n' + '// padding\n'.repeat(1500),
  };
}

export const demoError: ErrorAnswer = {
  type: 'error',
  command: triageCommand,
  title: "Log Analytics refused the bot's identity",
  what: 'The query was sent, but Log Analytics answered 403 InsufficientAccessError.',
  cause: 'The bot identity has no Log Analytics Reader role on workspace 1234.',
  fix: [
    'Grant the managed identity "Log Analytics Reader" on the workspace',
    'Wait a few minutes for the role assignment to apply, then press Try again',
  ],
  code: 'InsufficientAccessError',
  retryable: true,
  kql: demoAnswer.kql,
};

export const demoHelp: HelpAnswer = {
  type: 'help',
  problem: 'I did not recognise "triaje".',
  suggestions: ['triage last 15m', 'triage last 1h'],
  commands: [
    {
      usage: 'triage [last <n>m|h]',
      description: 'Rank the failure signatures in the window.',
      examples: ['triage last 15m', 'triage last 2h'],
    },
    {
      usage: 'why <status> [on <api>]',
      description: 'Who produced that status code.',
      examples: ['why 401 on orders-api'],
    },
    { usage: 'help', description: 'This card.', examples: [] },
  ],
};
