/**
 * The words people use, as data: which intent a word points at, which status or status class it names,
 * and the words that carry no meaning for the bot. The grammar (slots.ts, intents.ts) only reads these
 * tables, so a new synonym is one line here.
 */
import type { Intent, StatusClass } from '../types';

/** What one word or phrase says about the request. A weak cue only hints: alone, it makes the bot ask. */
export interface Cue {
  intent?: Intent;
  weak?: boolean;
  status?: number;
  statusClass?: StatusClass;
  /** A greeting: help, when nothing else was asked. */
  greeting?: boolean;
}

const words = (intent: Intent, list: string, weak = false): [string, Cue][] =>
  list.split(' ').map((w) => [w, weak ? { intent, weak } : { intent }]);
const statusWords = (status: number, list: string): [string, Cue][] => list.split(' ').map((w) => [w, { status }]);

/** Single words. Typos of the strong intent words are forgiven (see FUZZY_TARGETS). */
export const WORDS = new Map<string, Cue>([
  ...words(
    'triage',
    'triage triaging overview summary status errors error erroring failures failure failing failed fail fails ' +
      'broken broke break breaking down outage outages incident incidents issues issue problems problem wrong fire ' +
      'health healthy check investigate diagnose going happening happened up doing look looks ok okay good fine things',
  ),
  ...words('why', 'why explain causing cause caused reason'),
  ...words('tls', 'tls ssl cert certs certificate certificates'),
  ...words('tls', 'handshake expired untrusted x509', true),
  ...words('auth401', 'auth authentication unauthorized unauthorised unauthenticated jwt'),
  ...words('auth401', 'key keys token tokens subscription', true),
  ...words('breakers', 'breakers circuits circuit-breakers'),
  ...words('breakers', 'circuit', true),
  ...words('breaker', 'breaker circuit-breaker'),
  ...words('apis', 'apis api'),
  ...words('help', 'help commands command usage manual'),
  ...words(
    'latency',
    'latency latencies slow slower slowest slowness sluggish laggy p50 p90 p95 p99 performance perf fast speed duration',
  ),
  ...words(
    'callers',
    'callers caller calling call clients consumers ips subscriptions sending using use hitting hammering gets receives',
  ),
  ...words(
    'changes',
    'changes change changed deploy deployed deploys deployment deployments release released rollout modified',
  ),
  ...words('compare', 'compare compared comparison versus vs baseline'),
  ...statusWords(504, 'timeout timeouts'),
  ...statusWords(429, 'throttled throttling throttle quota'),
  ...statusWords(503, 'unavailable'),
  ...statusWords(403, 'forbidden'),
  ...['hi', 'hello', 'hey', 'hiya', 'morning'].map((w): [string, Cue] => [w, { greeting: true }]),
]);

/** Several words that mean one thing; matched before single words, longest first. */
export const PHRASES: [string, Cue][] = (
  [
    ['internal server error', { status: 500 }],
    ['internal server errors', { status: 500 }],
    ['server error', { statusClass: '5xx' }],
    ['server errors', { statusClass: '5xx' }],
    ['client error', { statusClass: '4xx' }],
    ['client errors', { statusClass: '4xx' }],
    ['gateway timeout', { status: 504 }],
    ['gateway timeouts', { status: 504 }],
    ['timed out', { status: 504 }],
    ['bad gateway', { status: 502 }],
    ['service unavailable', { status: 503 }],
    ['not found', { status: 404 }],
    ['too many requests', { status: 429 }],
    ['rate limit', { status: 429 }],
    ['rate limits', { status: 429 }],
    ['rate limited', { status: 429 }],
    ['rate limiting', { status: 429 }],
    ['rate-limit', { status: 429 }],
    ['rate-limited', { status: 429 }],
    ['rate-limiting', { status: 429 }],
    ['circuit breaker', { intent: 'breaker' }],
    ['circuit breakers', { intent: 'breakers' }],
    ['response time', { intent: 'latency' }],
    ['response times', { intent: 'latency' }],
    ['what can you do', { intent: 'help' }],
    ['what do you do', { intent: 'help' }],
    ['how do i use', { intent: 'help' }],
    ['how does this work', { intent: 'help' }],
    ...['bad', 'invalid', 'wrong', 'missing', 'no', 'expired'].flatMap((adj): [string, Cue][] => [
      [`${adj} key`, { status: 401 }],
      [`${adj} keys`, { status: 401 }],
      [`${adj} token`, { status: 401 }],
    ]),
  ] satisfies [string, Cue][]
).sort((a, b) => b[0].split(' ').length - a[0].split(' ').length);

/** Words that only glue a sentence together. */
export const FILLER = new Set(
  (
    'pls please plz pl thx thanks thank ty bot i me my we us our you u your it its this that these those there here ' +
    'is are am was were be been being do does did have has had get getting got see seeing seen show showing ' +
    'give run can could would will should tell the a an any all some of with on for to in at from about and or so ' +
    'too very much many lots lot right now rn currently just still again quick quickly asap urgent what whats which ' +
    'who whos where when how hows requests request calls responses response trip trips tripped tripping open opened anything ' +
    'something someone somebody everything everyone more most top recent main biggest like kind http code codes ' +
    'status-codes rate same time today yesterday operations operation seems seem whats wat wut y r ur im me plse ' +
    'hmm um uh guys folks team hes shes they them their list seeing number numbers count counts come coming by ' +
    'where whose sure also across over config configuration policy policies backend backends else other'
  ).split(' '),
);

/** Words before an API or backend name: "errors on payments", "callers of orders-api". */
export const NAME_PREPOSITIONS = new Set(['on', 'for', 'against', 'with', 'of', 'at', 'in']);

/** Words before a name that are not part of it ("on the payments-api"). */
export const DETERMINERS = new Set(['the', 'a', 'an', 'my', 'our', 'your', 'this', 'that']);

/** Asking the bot to act, which it never does: it only reads logs. Only counted as the first word. */
export const ACTION_VERBS = new Set(
  'deploy redeploy restart reboot rollback delete remove scale create order buy update kill stop start disable enable shutdown purge reset rotate'.split(
    ' ',
  ),
);

/** Short words still worth forgiving a slip in; shorter ones ("use", "up") would match too much. */
const SHORT_TARGETS = new Set(['why', 'tls', 'help', 'apis', 'certs']);

/** Strong single words a typo may stand for. */
export const FUZZY_TARGETS: [string, Cue][] = [...WORDS.entries()].filter(
  ([w, c]) =>
    c.intent !== undefined &&
    !c.weak &&
    /^[a-z]+$/.test(w) &&
    !FILLER.has(w) &&
    (w.length >= 5 || SHORT_TARGETS.has(w)),
);
