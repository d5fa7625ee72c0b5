/**
 * Turns the plain-data replies (src/answer.ts) into template data for cards/*.json.
 * Every field a template binds is set here, always as a string, boolean or array: a missing field
 * would render as a literal "${...}" on the card.
 */
import type { Answer, ErrorAnswer, HelpAnswer } from '../answer';
import type { Command } from '../commands/types';
import type { Finding } from '../signatures/types';
import { fmtDuration, fmtFreshness, fmtInt, fmtPercent, fmtWindow, humanWindowLabel, utcClock } from './format';
import { cardText, commandText, plainText } from './sanitize';
import { count } from '../words';
import { sectionModel } from './sections';
import { portalQueryLink, type PortalTarget } from './portalLink';

export interface RenderOptions {
  now: Date;
  timeZone?: string;
  portalLink?: string;
  /** Builds a per-answer "Open in Log Analytics" link when the answer came from this Log Analytics resource. */
  portal?: PortalTarget;
}

/** How much of an answer goes on the card; the renderer lowers these until the card fits its budget. */
export interface AnswerLimits {
  /** Top findings whose row expands to explanation, causes, fix and next command. */
  detailed: number;
  /** Findings after those, shown as their one-line row only (title, APIs → backends, status, count, trend). */
  brief: number;
  sectionRows: number;
  kqlChars: number;
}

/** Every finding gets its row by default; only a pathological answer (hundreds of signatures) loses rows. */
export const DEFAULT_LIMITS: AnswerLimits = { detailed: 10, brief: 500, sectionRows: 20, kqlChars: 6000 };

const FAULT_LABEL: Record<string, string> = {
  client: 'client fault',
  'gateway-config': 'gateway configuration',
  policy: 'APIM policy',
  backend: 'backend fault',
  network: 'network',
};

const KIND_LABEL: Record<string, string> = {
  triage: 'triage',
  why: 'the status breakdown',
  tls: 'the backend TLS check',
  auth401: 'the 401 breakdown',
  breakers: 'the circuit-breaker check',
  breaker: 'the breaker timeline',
  apis: 'the API list',
  help: 'help',
};

function kindLabel(cmd: Command): string {
  if ((cmd.kind === 'why' || cmd.kind === 'auth401') && cmd.status) return `the ${cmd.status} breakdown`;
  return KIND_LABEL[cmd.kind] ?? cmd.kind;
}

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

function route(f: Finding): string {
  const apis = f.apis.length ? list(f.apis) : 'any API';
  const backends = f.backends.length ? ` → ${list(f.backends)}` : '';
  return cardText(`${apis}${backends} · ${codes(f)} · ${FAULT_LABEL[f.fault] ?? f.fault}`);
}

/** The one-line row every shown finding gets. */
function findingRow(f: Finding, index: number) {
  return {
    hasDetail: false,
    detailId: `finding-${index + 1}`,
    rank: String(f.rank),
    title: cardText(f.title, 120),
    color: f.previousCount === 0 && index < 3 ? 'Attention' : 'Default',
    route: route(f),
    count: fmtInt(f.count),
    trend: trend(f),
  };
}

/** The row plus the expandable details (top findings only). */
function findingModel(f: Finding, index: number) {
  const facts = [
    { name: 'Error', value: cardText(`${f.errorReason || 'none'} (source: ${f.errorSource || 'none'})`, 160) },
    { name: 'Status', value: cardText(codes(f)) },
    { name: 'Seen', value: seen(f) },
    { name: 'Share', value: `${fmtPercent(f.share)} of the affected API traffic` },
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
    causes: f.causes.slice(0, 6).map((c) => ({ text: cardText(c, 240) })),
    hasFix: f.fix.length > 0,
    fix: f.fix.slice(0, 6).map((t, i) => ({ n: String(i + 1), text: cardText(t, 300) })),
    hasNext: next.length > 0,
    next,
    nextTitle: plainText(`Next: ${next}`, 60),
  };
}

function windowLine(cmd: Command, timeZone?: string): string {
  return `${humanWindowLabel(cmd.window.label)} · ${fmtWindow(cmd.window.from, cmd.window.to, timeZone)}`;
}

export function answerModel(a: Answer, opts: RenderOptions, limits: AnswerLimits = DEFAULT_LIMITS) {
  const detailed = a.findings.slice(0, limits.detailed);
  const brief = a.findings.slice(detailed.length, detailed.length + limits.brief);
  const hidden = a.findings.length - detailed.length - brief.length;
  const notes = [...a.notes];
  if (a.command.window.note && !notes.includes(a.command.window.note)) notes.unshift(a.command.window.note);
  const kqlTrimmed = a.kql.length > limits.kqlChars;
  const footer: string[] = [`Window ${fmtWindow(a.command.window.from, a.command.window.to, opts.timeZone)}`];
  if (a.freshness) {
    const fresh = fmtFreshness(a.freshness.completeTo, a.freshness.lagMinutes, opts.now);
    if (fresh) footer.push(fresh);
  }
  footer.push(
    `Workspace ${a.source.workspace} (${a.source.kind === 'embedded' ? 'embedded engine' : 'Log Analytics'}), ${a.source.schema} schema`,
  );
  const rows = a.stats.rowsExamined !== undefined ? `${fmtInt(a.stats.rowsExamined)} rows examined · ` : '';
  footer.push(
    `${rows}query ${fmtDuration(a.stats.queryMs)} · ${a.stats.queries} ${a.stats.queries === 1 ? 'query' : 'queries'}`,
  );
  footer.push(
    `${a.requestedBy ? `Asked by ${a.requestedBy}` : 'Asked'} at ${utcClock(a.askedAt ? new Date(a.askedAt) : opts.now, true)} UTC: "${commandText(a.command.text)}"`,
  );
  // Teams users have no CLI: say what is missing; "Show KQL" / "Full KQL" give the query that finds them all.
  const more = hidden > 0 ? `and ${count(hidden, 'more signature')} not shown` : '';
  const sections = a.sections.map((s) => sectionModel(s, limits.sectionRows));
  const sectionRows = a.sections.some((s) => s.table.rows.length > 0);
  return {
    title: cardText(a.title, 120),
    summary: cardText(a.summary, 300),
    windowLine: cardText(windowLine(a.command, opts.timeZone)),
    hasVerdict: Boolean(a.verdict),
    verdict: cardText(a.verdict ?? '', 400),
    hasNotes: notes.length > 0,
    notes: notes.slice(0, 6).map((n) => ({ text: cardText(n, 300) })),
    hasSuggestions: (a.suggestions?.length ?? 0) > 0,
    suggestions: (a.suggestions ?? []).slice(0, 5).map((s) => ({ title: plainText(s, 60), command: commandText(s) })),
    hasFindings: a.findings.length > 0,
    // Only when nothing else on the card speaks: a verdict or section rows already say what was found.
    showNoFindings: a.findings.length === 0 && !sectionRows && !a.verdict && !a.suggestions?.length,
    noFindings: 'No failures matched in this window.',
    findings: [...detailed.map(findingModel), ...brief.map((f, i) => findingRow(f, detailed.length + i))],
    hasMore: more.length > 0,
    more,
    sections,
    kqlHeading: kqlTrimmed
      ? `KQL (first ${fmtInt(limits.kqlChars)} characters; "Full KQL" shows all)`
      : 'KQL that produced this answer',
    kql: plainText(kqlTrimmed ? a.kql.slice(0, limits.kqlChars) + '\n…' : a.kql, limits.kqlChars + 2),
    kqlTrimmed,
    footer: footer.map((t) => ({ text: cardText(t, 300) })),
    command: commandText(a.command.text),
    ...portalModel(a, opts),
  };
}

function portalModel(a: Answer, opts: RenderOptions): { hasPortalLink: boolean; portalLink: string } {
  const applies =
    opts.portal &&
    a.source.kind === 'log-analytics' &&
    (!opts.portal.workspaceId || opts.portal.workspaceId === a.source.workspace);
  const link = applies
    ? portalQueryLink(opts.portal!, a.kql, a.command.window.from, a.command.window.to)
    : opts.portalLink;
  const ok = Boolean(link && /^https:\/\//.test(link));
  return { hasPortalLink: ok, portalLink: ok ? link! : '' };
}

export function errorModel(e: ErrorAnswer, opts: RenderOptions) {
  const command = e.command ? commandText(e.command.text) : '';
  return {
    title: cardText(e.title, 160),
    what: cardText(e.what, 600),
    hasCause: Boolean(e.cause),
    cause: cardText(e.cause ? `Cause: ${e.cause}` : '', 600),
    hasFix: e.fix.length > 0,
    fix: e.fix.slice(0, 8).map((t, i) => ({ n: String(i + 1), text: cardText(t, 400) })),
    hasKql: Boolean(e.kql),
    kql: plainText(e.kql ?? '', 6000),
    canRetry: e.retryable && command.length > 0,
    command,
    footer: cardText(
      `Code ${e.code}${e.retryable ? ' · safe to retry' : ''} · ${utcClock(opts.now, true)} UTC${command ? ` · "${command}"` : ''}`,
    ),
  };
}

export function helpModel(h: HelpAnswer) {
  return {
    heading: h.problem ? "I didn't understand that" : 'APIM Triage: what you can ask me',
    hasProblem: Boolean(h.problem),
    problem: cardText(h.problem ?? '', 400),
    hasSuggestions: h.suggestions.length > 0,
    suggestions: h.suggestions.slice(0, 5).map((s) => ({ title: plainText(s, 60), command: commandText(s) })),
    commands: h.commands.slice(0, 12).map((c) => ({
      usage: plainText(c.usage, 120),
      description: cardText(c.description, 300),
      hasExamples: c.examples.length > 0,
      examples: cardText(`e.g. ${c.examples.slice(0, 3).join(' · ')}`, 300),
    })),
    footer: 'Mention me with a command, for example: @APIM Triage "triage last 15m"',
  };
}

export function runningModel(cmd: Command, now: Date) {
  const label = cmd.window.label.trim();
  const when = /^last\b/i.test(label) ? `for the ${humanWindowLabel(label)}` : humanWindowLabel(label);
  return {
    heading: cardText(`⏳ Running ${kindLabel(cmd)} ${when}…`),
    commandText: plainText(commandText(cmd.text), 200),
    detail: `Started ${utcClock(now, true)} UTC. This card is replaced by the answer when it is ready.`,
  };
}
