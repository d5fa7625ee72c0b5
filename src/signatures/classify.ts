/**
 * Classification: the same catalog rules evaluated in TypeScript (classify) and compiled to a KQL
 * case(...) (classifierKql) so Log Analytics can group by signature server-side
 * (only aggregates travel back, never raw rows).
 * Both read a rule identically: AND of the present conditions; case-insensitive text comparisons.
 */
import { SIGNATURES, UNCLASSIFIED_ID, signatureById } from './catalog';
import type { MatchRule, Signature } from './types';
import { kqlLong, kqlString } from '../recipes/literals';

export interface ClassifiableRow {
  responseCode: number | null | undefined;
  backendResponseCode: number | null | undefined;
  reason: string | null | undefined;
  source: string | null | undefined;
  message: string | null | undefined;
}

const lower = (s: string | null | undefined): string => (s ?? '').toLowerCase();
const present = (n: number | null | undefined): n is number => typeof n === 'number' && Number.isFinite(n);

export function matches(rule: MatchRule, row: ClassifiableRow): boolean {
  if (rule.responseCodes && !(present(row.responseCode) && rule.responseCodes.includes(row.responseCode))) return false;
  if (rule.minResponseCode !== undefined && !(present(row.responseCode) && row.responseCode >= rule.minResponseCode))
    return false;
  if (rule.backend === 'none' && present(row.backendResponseCode)) return false;
  if (
    rule.backend === 'same-as-gateway' &&
    !(present(row.backendResponseCode) && row.backendResponseCode === row.responseCode)
  )
    return false;
  if (rule.reasons && !rule.reasons.some((r) => r.toLowerCase() === lower(row.reason))) return false;
  if (rule.sources && !rule.sources.some((s) => s.toLowerCase() === lower(row.source))) return false;
  if (rule.messageContains && !rule.messageContains.some((m) => lower(row.message).includes(m.toLowerCase())))
    return false;
  if (rule.reasonContains && !rule.reasonContains.some((m) => lower(row.reason).includes(m.toLowerCase())))
    return false;
  if (rule.anyOf && !rule.anyOf.some((sub) => matches(sub, row))) return false;
  return true;
}

/** The first catalog signature whose rule matches; `unclassified` when none does. */
export function classify(row: ClassifiableRow): Signature {
  for (const sig of SIGNATURES) if (matches(sig.match, row)) return sig;
  return signatureById(UNCLASSIFIED_ID);
}

function orOf(parts: string[]): string {
  return parts.length === 1 ? parts[0] : `(${parts.join(' or ')})`;
}

/** One rule as a KQL boolean over GatewayLogs columns; `true` for the empty rule. */
export function ruleKql(rule: MatchRule): string {
  const c: string[] = [];
  if (rule.responseCodes) c.push(orOf(rule.responseCodes.map((code) => `ResponseCode == ${kqlLong(code)}`)));
  if (rule.minResponseCode !== undefined) c.push(`ResponseCode >= ${kqlLong(rule.minResponseCode)}`);
  if (rule.backend === 'none') c.push('isnull(BackendResponseCode)');
  if (rule.backend === 'same-as-gateway') c.push('BackendResponseCode == ResponseCode');
  if (rule.reasons) c.push(orOf(rule.reasons.map((r) => `LastErrorReason =~ ${kqlString(r)}`)));
  if (rule.sources) c.push(orOf(rule.sources.map((s) => `LastErrorSource =~ ${kqlString(s)}`)));
  if (rule.messageContains) c.push(orOf(rule.messageContains.map((m) => `LastErrorMessage contains ${kqlString(m)}`)));
  if (rule.reasonContains) c.push(orOf(rule.reasonContains.map((m) => `LastErrorReason contains ${kqlString(m)}`)));
  if (rule.anyOf) c.push(orOf(rule.anyOf.map((sub) => ruleKql(sub))));
  if (c.length === 0) return 'true';
  return c.length === 1 ? c[0] : `(${c.join(' and ')})`;
}

/**
 * The catalog as one KQL expression yielding the signature id, e.g. used as
 * `| extend Signature = <classifierKql()>`. Catalog order is preserved, so the first match wins as in classify().
 */
export function classifierKql(): string {
  const arms: string[] = [];
  for (const sig of SIGNATURES) {
    if (sig.id === UNCLASSIFIED_ID) continue;
    arms.push(`    ${ruleKql(sig.match)}, ${kqlString(sig.id)}`);
  }
  return `case(\n${arms.join(',\n')},\n    ${kqlString(UNCLASSIFIED_ID)})`;
}

/**
 * Whether the API tells two causes of one signature apart. A backend, a policy or a gateway setting belongs
 * to an API, so the same signature on two APIs is two things to fix; a client fault (missing key, expired
 * token) is the caller's, whichever API it calls.
 */
function apiDistinguishes(sig: Signature): boolean {
  return sig.fault !== 'client';
}

/**
 * KQL for the CauseApi grouping column, given a Signature column: the ApiId where the API tells causes apart
 * (apiDistinguishes), "" otherwise. Recipes group findings by Signature, ResponseCode, BackendResponseCode and
 * CauseApi, so a finding is one cause and its status codes are those of every row, not of a sample row.
 */
export function causeApiKql(): string {
  const ids = SIGNATURES.filter(apiDistinguishes).map((s) => kqlString(s.id));
  return `iff(Signature in (${ids.join(', ')}), ApiId, "")`;
}
