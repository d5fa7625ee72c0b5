/** What a chat message asks for, after parsing. Plain data: no botbuilder, no KQL. */

export type CommandKind =
  | 'triage' // failures by status, reason and source, each pointing at the recipe that applies
  | 'why' // why <status> [on <api>]: who produced that status code
  | 'tls' // backend TLS rejection (alias: certs)
  | 'auth401' // 401 breakdown (401s, "why 401" without an api)
  | 'breakers' // tripped circuit breakers
  | 'breaker' // breakers drill-down: timeline before a trip of one backend
  | 'apis' // APIs seen in the window
  | 'statusClass' // 5xx / 4xx [on <api>]: the failures of one status class, by who produced them
  | 'latency' // latency [on <api>]: p50/p95/p99 of TotalTime, backend time vs gateway time
  | 'callers' // callers of <signature> [on <api>]: caller IPs and APIM subscriptions behind one signature
  | 'changes' // what changed [window]: control-plane writes to API Management (AzureActivity)
  | 'help';

export type StatusClass = '4xx' | '5xx';

/** "vs yesterday", "vs last week": compare with the same window a day or a week earlier. */
export type Baseline = 'day' | 'week';

export interface CommandWindow {
  from: Date;
  to: Date;
  /** How the user said it, normalised: "last 15m", "since 14:30 UTC", ... */
  label: string;
  /** Set when the requested window was clamped or adjusted; shown on the card. */
  note?: string;
}

export interface Command {
  kind: CommandKind;
  window: CommandWindow;
  api?: string;
  status?: number;
  /** `5xx`, `4xx`: the status class of a statusClass command. */
  statusClass?: StatusClass;
  /** `callers of <signature>`: the signature ids whose callers are listed (a phrase like "bad key" names several). */
  signatures?: string[];
  backend?: string;
  /** `breaker <backend> at <time>`: the trip time to look before. */
  at?: Date;
  /** triage and latency: compare with the same window a day or a week earlier instead of the previous window. */
  baseline?: Baseline;
  /** The text as typed (after mention stripping), for audit and cards. */
  text: string;
}

/** What people ask about: the commands above, and a comparison (triage or latency against a baseline). */
export type Intent = CommandKind | 'compare';

export type ParseOutcome =
  | { ok: true; command: Command }
  | {
      ok: false;
      /** What was wrong, in one sentence a person can act on. */
      error: string;
      /** Closest valid commands, as the user could type them. */
      suggestions: string[];
    };

/** Context the parser needs that is not in the text. */
export interface ParseContext {
  now: Date;
  /** IANA zone from the Teams activity (`entities[].timezone`), when known; times are UTC otherwise. */
  timeZone?: string;
}
