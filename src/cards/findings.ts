/**
 * Findings -> what the first screen of a card shows: the top few rows (each expandable to cause and fix),
 * single-request findings said once in an "also seen" line, and the rest behind a "Show N more" toggle.
 * A reader in an outage should see what to do without scrolling.
 */
import type { Finding } from '../signatures/types';
import { fmtInt, fmtPercent, utcClock } from './format';
import { cardText, commandText, plainText } from './sanitize';
import { count } from '../words';
import { buttonTitle } from './buttons';

/** Findings drawn on the first screen; the rest wait behind "Show N more". */
export const SHOWN_FINDINGS = 5;

const FAULT_LABEL: Record<string, string> = {
  client: 'client fault',
  'gateway-config': 'gateway configuration',
  policy: 'APIM policy',
  backend: 'backend fault',
  network: 'network',
};

function codes(f: Finding): string {
  const gw = f.responseCode === null ? 'no status' : `HTTP ${f.responseCode}`;
  const be = f.backendResponseCode === null ? 'backend not reached' : `backend ${f.backendResponseCode}`;
  return `${gw}, ${be}`;
}

function trend(f: Finding): string {
  if (f.previousCount === 0) return 'new';
  if (f.count >= f.previousCount * 2) return `up from ${fmtInt(f.previousCount)}`;
  return `was ${fmtInt(f.previousCount)}`;
}

function seen(f: Finding): string {
  const a = new Date(f.firstSeen);
  const b = new Date(f.lastSeen);
  if (Number.isNaN(a.getTime()) || Number.isNaN(b.getTime())) return '–';
  // One moment is not a range ("14:29:55 – 14:29:55").
  if (utcClock(a, true) === utcClock(b, true)) return `${utcClock(a, true)} UTC`;
  return `${utcClock(a, true)} – ${utcClock(b, true)} UTC`;
}

function list(items: string[], max = 3): string {
  const shown = items.slice(0, max).join(', ');
  return items.length > max ? `${shown} +${items.length - max}` : shown;
}

/** "payments-api → payments-backend" (or "any API"). */
function apisAndBackends(f: Finding): string {
  const apis = f.apis.length ? list(f.apis) : 'any API';
  return f.backends.length ? `${apis} → ${list(f.backends)}` : apis;
}

function route(f: Finding): string {
  return cardText(`${apisAndBackends(f)} · ${codes(f)} · ${FAULT_LABEL[f.fault] ?? f.fault}`);
}

/** The one-line row every shown finding gets. */
function findingRow(f: Finding, index: number) {
  return {
    hasDetail: false,
    detailId: `finding-${f.rank}`,
    rank: String(f.rank),
    title: cardText(f.title, 120),
    color: f.previousCount === 0 && index < 3 ? 'Attention' : 'Default',
    route: route(f),
    count: fmtInt(f.count),
    trend: trend(f),
  };
}

/** The row plus the expandable details. */
function findingModel(f: Finding, index: number) {
  // Status and share are on the row and in the "Ranked" line already.
  const facts = [
    { name: 'Error', value: cardText(`${f.errorReason || 'none'} (source: ${f.errorSource || 'none'})`, 160) },
    { name: 'Seen', value: seen(f) },
    { name: 'Callers', value: fmtInt(f.callers) },
  ];
  if (f.sampleUrl) facts.push({ name: 'Sample URL', value: cardText(f.sampleUrl, 200) });
  if (f.related?.length) facts.push({ name: 'Related', value: cardText(f.related.join(' '), 300) });
  const next = f.next ? commandText(f.next) : '';
  return {
    ...findingRow(f, index),
    hasDetail: true,
    explanation: cardText(f.explanation, 600),
    hasWhy: f.why.length > 0,
    why: cardText(`Ranked #${f.rank}: ${f.why.join('; ')}`, 300),
    facts,
    hasSample: Boolean(f.sampleMessage),
    sample: plainText(f.sampleMessage, 300),
    hasCauses: f.causes.length > 0,
    causes: f.causes.slice(0, 3).map((c) => ({ text: cardText(c, 240) })),
    hasFix: f.fix.length > 0,
    fix: f.fix.slice(0, 4).map((t, i) => ({ n: String(i + 1), text: cardText(t, 300) })),
    hasNext: next.length > 0,
    next,
    nextTitle: buttonTitle(`Next: ${next}`),
  };
}

/** Text cut at a word boundary with an ellipsis, so a one-line summary stays one line's worth. */
function clip(text: string, max: number): string {
  if (text.length <= max) return text;
  const cut = text.slice(0, max - 1);
  return `${cut.slice(0, Math.max(cut.lastIndexOf(' '), max / 2))}…`;
}

/** A first fix longer than this is left to the finding's details: the verdict stays one sentence read at a glance. */
const VERDICT_FIX_CHARS = 180;

/**
 * "Do this now" from the top finding when the recipe has no verdict of its own, as one sentence read whole:
 * what failed, where, how much of that API's traffic, and the first fix.
 */
export function topFindingVerdict(f: Finding): string {
  const fix = f.fix[0]?.replace(/\.$/, '') ?? '';
  const action =
    fix && fix.length <= VERDICT_FIX_CHARS
      ? `: ${fix[0].toLowerCase()}${fix.slice(1)}`
      : `; select #${f.rank} below for cause and fix`;
  return `${f.title} on ${apisAndBackends(f)} (${fmtPercent(f.share)} of its requests)${action}.`;
}

/** How many of each kind of finding the card shows; the renderer lowers them until the card fits. */
export interface FindingLimits {
  /** Shown findings whose row expands to explanation, causes, fix and next command. */
  detailed: number;
  /** Rows behind "Show N more" (one line each). */
  brief: number;
}

/**
 * Shown: the first SHOWN_FINDINGS findings, leaving single-request ones aside when there are more findings than
 * fit (they are named in one "also seen" line). Behind the toggle: every other finding, in rank order.
 */
export function findingsModel(findings: Finding[], limits: FindingLimits) {
  const crowded = findings.length > SHOWN_FINDINGS;
  const single = crowded ? findings.filter((f) => f.count === 1) : [];
  const rest = findings.filter((f) => !single.includes(f));
  const top = rest.slice(0, SHOWN_FINDINGS);
  // Behind the toggle: everything not shown, single requests included (the "also seen" line only names them).
  const rank = (fs: Finding[]) => [...fs].sort((a, b) => a.rank - b.rank);
  const after = rank([...rest.slice(top.length), ...single]);
  const more = after.slice(0, limits.brief);
  const hidden = after.length - more.length;
  const alsoSeen = single.map((f) => `${f.apis[0] ?? 'any API'} ${f.responseCode ?? 'no status'}`);
  const detailed = Math.min(limits.detailed, top.length);
  return {
    findings: top.map((f, i) => (i < detailed ? findingModel(f, i) : findingRow(f, i))),
    hasMoreFindings: more.length > 0,
    moreFindingsTitle: `Show ${fmtInt(more.length)} more`,
    // One text line each (a row's ColumnSet costs ~1 KB of JSON): rank, title, where, count and trend.
    moreFindings: more.map((f) => ({
      line: cardText(`${f.rank}. ${f.title} · ${apisAndBackends(f)} · ${fmtInt(f.count)} (${trend(f)})`, 240),
    })),
    hasAlsoSeen: single.length > 0,
    alsoSeen: cardText(clip(`Also seen, one request each: ${alsoSeen.join(' · ')}`, 300), 300),
    // Teams users have no CLI: say what is missing; "Show KQL" / "Full KQL" give the query that finds them all.
    hasHidden: hidden > 0,
    hidden: hidden > 0 ? `and ${count(hidden, 'more signature')} not shown` : '',
  };
}
