/**
 * The ranking rule, as the README states it:
 *   A finding scores 10 × its severity (1–5), plus up to 30 for its share of the affected API's traffic, up to
 *   25 for being new or 20 for growing against the previous window of equal length, or the baseline asked for (both scaled down below
 *   about 50 requests; −10 if shrinking), up to 10 for its volume, and 5 if the team can fix it (any fault but
 *   the client's).
 *   Findings are listed highest score first, the larger count first on a tie, and each one's reason names
 *   these terms.
 */
import type { Finding, Signature } from './types';
import { redactSecrets } from '../redact';

/** One signature's numbers for the window, as the recipes return them. */
/** One signature's counts as a recipe returns them: the Finding fields that come from the data. */
export type SignatureAggregate = { signature: Signature } & Pick<
  Finding,
  | 'count'
  | 'previousCount'
  | 'responseCode'
  | 'backendResponseCode'
  | 'errorReason'
  | 'errorSource'
  | 'sampleMessage'
  | 'sampleUrl'
  | 'apis'
  | 'backends'
  | 'callers'
  | 'firstSeen'
  | 'lastSeen'
>;

export interface RankContext {
  /** Requests per API in the current window (all outcomes), for share. */
  apiTotals: Record<string, number>;
  /** What the counts are compared with, for "new: 0 in the previous 15m" (src/commands/baseline.ts comparisonPhrase). */
  comparedWith: string;
}

export type Trend = 'new' | 'growing' | 'steady' | 'shrinking';

export function trendOf(count: number, previousCount: number): { trend: Trend; ratio: number } {
  if (previousCount <= 0) return { trend: 'new', ratio: Infinity };
  const ratio = count / previousCount;
  if (ratio >= 2) return { trend: 'growing', ratio };
  if (ratio <= 0.5) return { trend: 'shrinking', ratio };
  return { trend: 'steady', ratio };
}

/** Share of the affected APIs' requests: count / sum of those APIs' totals (0..1). */
export function shareOf(count: number, apis: string[], apiTotals: Record<string, number>): number {
  let total = 0;
  for (const api of apis) total += apiTotals[api] ?? 0;
  if (total <= 0) return 0;
  return Math.min(1, count / total);
}

const pct = (x: number): string =>
  x >= 0.995 ? '100%' : x >= 0.1 ? `${Math.round(x * 100)}%` : x >= 0.001 ? `${(x * 100).toFixed(1)}%` : '<0.1%';
/** "orders-api requests", "a, b and 3 more APIs' requests". */
const requestsOf = (apis: string[]): string =>
  apis.length <= 2
    ? `${apis.join(', ')} requests`
    : `${apis.slice(0, 2).join(', ')} and ${apis.length - 2} more ${apis.length === 3 ? "API's" : "APIs'"} requests`;

/** The team can act on anything but a client fault: the gateway, its policies, the backend and the network are theirs. */
function teamCanFix(sig: Signature): boolean {
  return sig.fault !== 'client';
}

const FAULT_WORDS: Record<Signature['fault'], string> = {
  client: 'client fault: the callers must fix it',
  'gateway-config': 'gateway configuration: your team can fix it',
  policy: 'APIM policy: your team can fix it',
  backend: 'backend: your team can fix it',
  network: 'network path to the backend: your team can fix it',
};

/** Bonus for a finding the team can fix (see the rule at the top of this file). */
const FIXABLE_BONUS = 5;

/**
 * The rule at the top of this file, term by term; `why` gets one phrase per term, in the order of the rule:
 * severity, share, trend, volume, who can fix it.
 */
export function scoreAggregate(
  agg: SignatureAggregate,
  ctx: RankContext,
): { share: number; score: number; why: string[] } {
  const share = shareOf(agg.count, agg.apis, ctx.apiTotals);
  const { trend, ratio } = trendOf(agg.count, agg.previousCount);
  const why: string[] = [];
  let score = agg.signature.severity * 10;
  why.push(`severity ${agg.signature.severity}/5`);

  score += share * 30;
  if (agg.apis.length > 0 && share > 0) why.push(`${pct(share)} of ${requestsOf(agg.apis)}`);

  // A single new event is not an incident: trend bonuses grow with volume and are full from ~50 requests.
  const volume = Math.min(1, Math.log10(1 + agg.count) / Math.log10(51));
  if (trend === 'new') {
    score += 25 * volume;
    why.push(`new: 0 in ${ctx.comparedWith}`);
  } else if (trend === 'growing') {
    score += Math.min(20, 8 + 4 * Math.log2(ratio)) * volume;
    why.push(
      `growing: ${ratio >= 10 ? Math.round(ratio) : ratio.toFixed(1)}× ${ctx.comparedWith} (${agg.previousCount})`,
    );
  } else if (trend === 'shrinking') {
    score -= 10;
    why.push(`shrinking: ${agg.previousCount} in ${ctx.comparedWith}`);
  } else {
    why.push(`steady: ${agg.previousCount} in ${ctx.comparedWith}`);
  }

  score += Math.min(10, 2 * Math.log10(1 + agg.count));
  why.push(`${agg.count.toLocaleString('en-US')} ${agg.count === 1 ? 'request' : 'requests'}`);

  if (teamCanFix(agg.signature)) score += FIXABLE_BONUS;
  why.push(FAULT_WORDS[agg.signature.fault]);
  return { share, score: Math.round(score * 10) / 10, why };
}

function fillNext(template: string, agg: SignatureAggregate): string {
  const api = agg.apis[0];
  const backend = agg.backends[0];
  let out = template;
  out = api ? out.replace(/\{api\}/g, api) : out.replace(/\s*(on|for)\s+\{api\}/g, '').replace(/\{api\}/g, '');
  out = out.replace(/\{backend\}/g, backend ?? '<backend>');
  out = out.replace(/\{status\}/g, agg.responseCode !== null ? String(agg.responseCode) : '500');
  return out.trim();
}

/** Highest score first; ties by count, then signature id for a stable order. */
export function rankFindings(aggs: SignatureAggregate[], ctx: RankContext): Finding[] {
  const scored = aggs
    .filter((a) => a.count > 0)
    .map((agg) => ({ agg, ...scoreAggregate(agg, ctx) }))
    .sort(
      (a, b) => b.score - a.score || b.agg.count - a.agg.count || a.agg.signature.id.localeCompare(b.agg.signature.id),
    );
  return scored.map(({ agg, share, score, why }, i) => {
    const sig = agg.signature;
    const finding: Finding = {
      rank: i + 1,
      signature: sig.id,
      title: sig.title,
      count: agg.count,
      previousCount: agg.previousCount,
      responseCode: agg.responseCode,
      backendResponseCode: agg.backendResponseCode,
      errorReason: agg.errorReason,
      errorSource: agg.errorSource,
      sampleMessage: redactSecrets(agg.sampleMessage),
      apis: agg.apis,
      backends: agg.backends,
      callers: agg.callers,
      firstSeen: agg.firstSeen,
      lastSeen: agg.lastSeen,
      fault: sig.fault,
      explanation: sig.meaning,
      causes: sig.causes,
      fix: sig.fix.map((f) => fillNext(f, agg)),
      next: fillNext(sig.next, agg),
      share,
      score,
      why,
    };
    if (agg.sampleUrl) finding.sampleUrl = redactSecrets(agg.sampleUrl);
    return finding;
  });
}
