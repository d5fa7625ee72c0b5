/** Help content: lives next to the grammar so the two change together. Used for HelpAnswer. */
import type { CommandKind } from './types';
import type { HelpAnswer } from '../answer';

export interface CommandHelp {
  kind: CommandKind;
  usage: string;
  description: string;
  examples: string[];
}

export const COMMAND_HELP: CommandHelp[] = [
  {
    kind: 'triage',
    usage: 'triage [window] [on <api>]',
    description:
      'Ranks the failure signatures of the window (default last 15m) against the previous window of equal length: what broke, who is at fault, how to fix it.',
    examples: ['triage', 'triage last 30m', 'triage since 14:30', 'triage 2h on payments-api'],
  },
  {
    kind: 'why',
    usage: 'why <status> [on <api>] [window]',
    description:
      'Explains one HTTP status: how many came from the backend (ResponseCode = BackendResponseCode), from gateway configuration or a policy (by LastErrorSource), or from the client.',
    examples: ['why 500', 'why 401 on orders-api', 'why 503 on shipping-api last 1h'],
  },
  {
    kind: 'tls',
    usage: 'tls [window] [on <api>]',
    description:
      'Backend TLS rejections (untrusted backend certificate) by API and backend, told apart from TCP connect timeouts and broken TLS handshakes.',
    examples: ['tls', 'certs last 24h', 'tls on payments-api'],
  },
  {
    kind: 'auth401',
    usage: '401s [window] [on <api>]',
    description:
      'Breaks 401s down by reason and message (missing key, invalid key, subscription not in the product, JWT) and lists the callers and APIM subscriptions of product-scoping misses.',
    examples: ['401s', '401s on orders-api', '401 since 09:00'],
  },
  {
    kind: 'breakers',
    usage: 'breakers [window] [on <api>]',
    description:
      'Tripped circuit breakers (503s the gateway answered without calling the backend), by API and backend.',
    examples: ['breakers', 'breakers last 1h'],
  },
  {
    kind: 'breaker',
    usage: 'breaker <backend> [at <time>]',
    description:
      'What happened to one backend in the 10 minutes before its breaker tripped (30 s bins by gateway and backend status), and whether the breaker did its job or is set too tight.',
    examples: [
      'breaker shipping-backend',
      'breaker shipping-backend at 14:32',
      'breaker payments.corp.contoso.local since 13:00',
    ],
  },
  {
    kind: 'apis',
    usage: 'apis [window]',
    description: 'APIs seen in the window with requests, failures and failure rate.',
    examples: ['apis', 'apis last 1h'],
  },
  {
    kind: 'statusClass',
    usage: '5xx | 4xx [on <api>] [window]',
    description:
      'The failures of one status class, ranked like triage, and who produced them: the gateway itself, a policy, the backend (it answered that status), or the client.',
    examples: ['5xx', '4xx on orders-api last 1h', 'why 5xx on shipping-api'],
  },
  {
    kind: 'latency',
    usage: 'latency [on <api>] [window]',
    description:
      'p50/p95/p99 of total time by API and operation, split into backend time and gateway time (total minus backend: policies and client transfer), the slowest operations, and the change against the previous window.',
    examples: ['latency', 'latency on payments-api last 1h', 'latency vs last week', 'slow requests on shipping-api'],
  },
  {
    kind: 'triage',
    usage: 'triage | latency [window] vs yesterday | vs last week',
    description:
      'Compares the window with the same window a day or a week earlier instead of the one just before it: which failures are new since yesterday, how p95 moved against last week.',
    examples: ['compare with yesterday', 'triage last 1h vs last week', 'triage on payments-api vs yesterday'],
  },
  {
    kind: 'callers',
    usage: 'callers of <signature> [on <api>] [window]',
    description:
      'The caller IPs and the APIM subscriptions and products behind one failure signature, so their owners can be contacted.',
    examples: [
      'callers of subscription-key-invalid',
      'who is calling orders-api with a bad key',
      'callers of rate-limited on inventory-api',
    ],
  },
  {
    kind: 'changes',
    usage: 'what changed [window] [on <api>]',
    description:
      'Control-plane writes to API Management (policies, backends, certificates, APIs, products, subscriptions, named values) in the window and the hour before, who made them and when, from the Activity log (AzureActivity). Triage says when a new failure began minutes after one.',
    examples: ['what changed', 'what changed last 2h', 'what changed on orders-api since 09:00'],
  },
  {
    kind: 'help',
    usage: 'help',
    description:
      'This list. Windows: 15m, 1h, 2d, "last 30 minutes", "past hour", "since 14:30", "between 14:00 and 14:30" (your Teams time zone, else UTC; at most 7 days).',
    examples: ['help'],
  },
];

/** Live cards wrap any command above; their grammar is the Teams host's (src/bot/pins/pinCommand.ts). */
export const LIVE_CARD_HELP = {
  usage: 'pin <command> [every 5m] [for 4h | until 18:00]   ·   unpin [all]   ·   pins',
  description:
    'Posts the answer as a live card that re-runs the command on a schedule (default every 5 min for 4 h) and updates itself in place; pin the message in Teams to keep it in view.',
  examples: ['pin triage last 15m every 5m', 'pin breakers for 2h', 'unpin'],
};

/** The `commands` array of a HelpAnswer. */
export function helpCommands(): { usage: string; description: string; examples: string[] }[] {
  const all = [
    ...COMMAND_HELP.filter((c) => c.kind !== 'help'),
    LIVE_CARD_HELP,
    ...COMMAND_HELP.filter((c) => c.kind === 'help'),
  ];
  return all.map(({ usage, description, examples }) => ({ usage, description, examples: [...examples] }));
}

/** The reply to "help", or to text that did not parse (problem + closest commands). */
export function helpAnswer(parseError?: { error: string; suggestions: string[] }): HelpAnswer {
  const answer: HelpAnswer = {
    type: 'help',
    suggestions: parseError ? [...parseError.suggestions] : [],
    commands: helpCommands(),
  };
  if (parseError) answer.problem = parseError.error;
  return answer;
}
