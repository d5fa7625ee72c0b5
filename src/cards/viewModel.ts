/**
 * Turns the plain-data replies (src/answer.ts) into template data for cards/*.json.
 * Every field a template binds is set here, always as a string, boolean or array: a missing field
 * would render as a literal "${...}" on the card.
 */
import type { Answer, ErrorAnswer, HelpAnswer } from '../answer';
import type { Command } from '../commands/types';
import { parseCommand } from '../commands/parse';
import { commandText as commandAgain } from '../commands/text';
import { fmtDuration, fmtFreshness, fmtInt, fmtWindow, humanWindowLabel, utcClock } from './format';
import { findingsModel, SHOWN_FINDINGS, topFindingVerdict, type FindingLimits } from './findings';
import { cardText, commandText, plainText } from './sanitize';
import { count } from '../words';
import { sectionModel } from './sections';
import { hasBars } from './barChart';
import { portalQueryLink, type PortalTarget } from './portalLink';
import { buttonRows, buttonTitle, type Button } from './buttons';

export interface RenderOptions {
  now: Date;
  timeZone?: string;
  portalLink?: string;
  /** Builds a per-answer "Open in Log Analytics" link when the answer came from this Log Analytics resource. */
  portal?: PortalTarget;
}

/** How much of an answer goes on the card; the renderer lowers these until the card fits its budget. */
export interface AnswerLimits extends FindingLimits {
  sectionRows: number;
  kqlChars: number;
}

/** Every finding gets its row by default; only a pathological answer (hundreds of signatures) loses rows. */
export const DEFAULT_LIMITS: AnswerLimits = { detailed: SHOWN_FINDINGS, brief: 500, sectionRows: 20, kqlChars: 6000 };

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

function windowLine(cmd: Command, timeZone?: string): string {
  return `${humanWindowLabel(cmd.window.label)} · ${fmtWindow(cmd.window.from, cmd.window.to, timeZone)}`;
}

export function answerModel(a: Answer, opts: RenderOptions, limits: AnswerLimits = DEFAULT_LIMITS) {
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
  footer.push(`${rows}query ${fmtDuration(a.stats.queryMs)} · ${count(a.stats.queries, 'query', 'queries')}`);
  footer.push(
    `${a.requestedBy ? `Asked by ${a.requestedBy}` : 'Asked'} at ${utcClock(a.askedAt ? new Date(a.askedAt) : opts.now, true)} UTC: "${commandText(a.command.text)}"`,
  );
  // A table is the card's main content only when nothing above it (findings, a chart) already tells the story.
  // One chart per answer keeps the card short: its timeline, else the first bar chart that can be labelled.
  const bars = a.sections.some((s) => s.chart?.kind === 'line') ? -1 : a.sections.findIndex(hasBars);
  const sections = a.sections.map((s, i) =>
    sectionModel(s, {
      maxRows: limits.sectionRows,
      id: `section-${i + 1}`,
      timeZone: opts.timeZone,
      tableFirst: a.findings.length === 0,
      barChart: i === bars,
    }),
  );
  const sectionRows = a.sections.some((s) => s.table.rows.length > 0);
  const verdict = a.verdict ?? (a.findings[0] ? topFindingVerdict(a.findings[0]) : '');
  const buttons: Button[] = (a.suggestions ?? [])
    .slice(0, 5)
    .map((s) => ({ title: buttonTitle(s), command: commandText(s) }));
  const top = a.findings[0]?.next ? commandText(a.findings[0].next) : '';
  if (top) buttons.push({ title: buttonTitle(`Next: ${top}`), command: top });
  const yesterday = yesterdayCommand(a.command, opts);
  if (yesterday) buttons.push({ title: 'Compare with yesterday', command: yesterday });
  return {
    title: cardText(a.title, 120),
    summary: cardText(a.summary, 300),
    windowLine: cardText(windowLine(a.command, opts.timeZone)),
    hasVerdict: verdict.length > 0,
    verdict: cardText(verdict, 400),
    hasNotes: notes.length > 0,
    notes: notes.slice(0, 6).map((n) => ({ text: cardText(n, 300) })),
    buttonRows: buttonRows(buttons),
    hasFindings: a.findings.length > 0,
    // Only when nothing else on the card speaks: a verdict or section rows already say what was found.
    showNoFindings: a.findings.length === 0 && !sectionRows && !a.verdict && !a.suggestions?.length,
    noFindings: 'No failures matched in this window.',
    ...findingsModel(a.findings, limits),
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

/**
 * The same question against the same window yesterday ("vs yesterday"), as a command the parser accepts (else no
 * button). Only triage and latency compare with a baseline; an answer already against yesterday has none.
 */
function yesterdayCommand(cmd: Command, opts: RenderOptions): string {
  if ((cmd.kind !== 'triage' && cmd.kind !== 'latency') || cmd.baseline === 'day') return '';
  const text = commandText(commandAgain({ ...cmd, baseline: 'day' }));
  return parseCommand(text, { now: opts.now, timeZone: opts.timeZone }).ok ? text : '';
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
    buttonRows: buttonRows(h.suggestions.slice(0, 5).map((s) => ({ title: buttonTitle(s), command: commandText(s) }))),
    commands: h.commands.slice(0, 16).map((c) => ({
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
