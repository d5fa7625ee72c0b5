/** Signatures are data: a match rule plus everything a person needs to act on the match. */

type Fault = 'client' | 'gateway-config' | 'policy' | 'backend' | 'network';

/** All present conditions must hold; string comparisons are case-insensitive. */
export interface MatchRule {
  responseCodes?: number[];
  /** LastErrorReason equals one of these. */
  reasons?: string[];
  /** LastErrorSource equals one of these. */
  sources?: string[];
  /** LastErrorMessage contains any of these substrings. */
  messageContains?: string[];
  /** Backend response code state: absent (never reached), equal to the gateway's code, or any. */
  backend?: 'none' | 'same-as-gateway';
  /** ResponseCode at least this (e.g. 400 for "any failure"). */
  minResponseCode?: number;
  /** LastErrorReason contains any of these substrings (for reasons that are UNCONFIRMED). */
  reasonContains?: string[];
  /** At least one of these sub-rules must hold as well (OR of alternatives; each is an AND as above). */
  anyOf?: MatchRule[];
}

export interface Signature {
  id: string;
  title: string;
  fault: Fault;
  /** 1 (cosmetic) .. 5 (outage for everyone on the API). */
  severity: number;
  /** Evaluated in catalog order; the first signature whose rule matches wins. */
  match: MatchRule;
  /** What the gateway is telling you. */
  meaning: string;
  causes: string[];
  fix: string[];
  /** The next command to run in the bot (may contain {api}, {backend}, {status} placeholders). */
  next: string;
}

/** One ranked line of an answer. Field names are part of the CLI's --json contract: rename none. */
export interface Finding {
  rank: number;
  signature: string;
  title: string;
  count: number;
  /** Count in the previous window of equal length (for new/growing). */
  previousCount: number;
  responseCode: number | null;
  backendResponseCode: number | null;
  errorReason: string;
  errorSource: string;
  /** A representative LastErrorMessage, redacted. */
  sampleMessage: string;
  /** A representative request URL, redacted. */
  sampleUrl?: string;
  apis: string[];
  backends: string[];
  callers: number;
  firstSeen: string;
  lastSeen: string;
  fault: Fault;
  explanation: string;
  causes: string[];
  fix: string[];
  next: string;
  /** Share of the affected APIs' requests in the window, 0..1. */
  share: number;
  score: number;
  /** Why it ranks where it does, in short phrases ("42% of orders-api requests", "new in this window"). */
  why: string[];
  /** Other findings of the same story ("these backend 500s tripped the breaker, see #2"); absent when none. */
  related?: string[];
}
