/**
 * Recipe result rows -> what the answer says: ranked findings, section tables, a verdict and a summary.
 * Every string that came from the logs is redacted here, before it can reach a card or the CLI.
 */
import { cellNumber } from '../kql/cells';
import type { AnswerSection } from '../answer';
import type { Command } from '../commands/types';
import type { Cell, ResultTable } from '../kql/types';
import { comparisonNote, comparisonPhrase } from '../commands/baseline';
import { windowText } from '../commands/text';
import { defaultWindow } from '../commands/window';
import { signatureById } from '../signatures/catalog';
import { rankFindings, type SignatureAggregate } from '../signatures/rank';
import { redactSecrets } from '../redact';
import type { Finding } from '../signatures/types';
import { getRecipe, type Recipe } from './catalog';
import { breakerVerdict, whyVerdict } from './verdicts';
import { count } from '../words';
import { readLatency } from './latency';
import { readCallers } from './callers';
import { changesFrom, readChanges } from './changes';

export interface InterpretOptions {
  /** IANA zone for times in verdicts and summaries (UTC otherwise). */
  timeZone?: string;
  /** The changes recipe found no AzureActivity table: say how to route the Activity log there. */
  activityMissing?: boolean;
}

export interface Interpretation {
  findings: Finding[];
  sections: AnswerSection[];
  verdict?: string;
  summary: string;
  notes: string[];
  /** APIs with requests in the window (finding recipes only): tells an unknown API name from a quiet one. */
  apisSeen?: string[];
}

type Row = Record<string, Cell>;

/** A result table's rows as objects keyed by column name. */
export function rowsOf(table: ResultTable | undefined): Row[] {
  if (!table) return [];
  return table.rows.map((r) => {
    const o: Row = {};
    table.columns.forEach((c, i) => (o[c.name] = r[i] ?? null));
    return o;
  });
}

const num = cellNumber;
export const str = (c: Cell | undefined): string =>
  c === null || c === undefined
    ? ''
    : c instanceof Date
      ? c.toISOString()
      : typeof c === 'object'
        ? JSON.stringify(c)
        : String(c);
const iso = (c: Cell | undefined): string => {
  if (c instanceof Date) return c.toISOString();
  if (typeof c === 'string' && c) {
    const d = new Date(c);
    return Number.isNaN(d.getTime()) ? c : d.toISOString();
  }
  return '';
};

function list(c: Cell | undefined): string[] {
  let v: unknown = c;
  if (typeof v === 'string') {
    try {
      v = JSON.parse(v);
    } catch {
      v = [v];
    }
  }
  if (!Array.isArray(v)) return [];
  return [...new Set(v.filter((x) => x !== null && x !== undefined && x !== '').map((x) => String(x)))].sort();
}

const n = (x: number): string => x.toLocaleString('en-US');

/** What the failing requests of a findings recipe are, for a count of them: "requests answered 500". */
function failuresOf(recipe: string, command: Command, x: number): string {
  const req = x === 1 ? 'request' : 'requests';
  switch (recipe) {
    case 'why':
    case 'auth401':
      return `${req} answered ${command.status ?? 401}`;
    case 'statusclass':
      return `${req} answered ${command.statusClass ?? '5xx'}`;
    case 'tls':
      return `backend TLS or connect ${x === 1 ? 'failure' : 'failures'}`;
    case 'breakers':
      return `${req} short-circuited by a breaker`;
    default:
      return `failed ${req}`;
  }
}

/** The headline of a findings answer: how many findings, how many failures, out of how many requests. */
function findingsSummary(
  recipe: string,
  command: Command,
  findings: number,
  total: number,
  requests: number,
  where: string,
): string {
  const window = `in the ${command.window.label}`;
  if (findings > 0)
    return `${count(findings, 'finding')}, ${n(total)} ${failuresOf(recipe, command, total)}${where} ${window} (${count(requests, 'request')})`;
  if (requests === 0) return `No gateway requests logged${where} ${window}`;
  return `No ${failuresOf(recipe, command, 0)}${where} ${window} (${count(requests, 'request')})`;
}

/** An empty window in a workspace that has gateway logs (the schema probe found them, or they were configured). */
const QUIET_WINDOW =
  'No gateway requests were logged in this window, though the workspace has gateway logs: logs arrive 3-10 minutes late, so try a longer window (e.g. "last 1h").';

/** A baseline with no requests at all: the workspace does not reach back that far, or the traffic was not there. */
const EMPTY_BASELINE =
  'No gateway requests were logged in the compared window, so everything reads as new: the workspace may not keep logs that far back (check its retention), or the APIs had no traffic then.';

/** A backend as people name it: the id, or the host of a BackendUrl (path and query dropped, so no secrets). */
export function backendName(value: string): string {
  const m = /^[a-z][a-z0-9+.-]*:\/\/(?:[^@/?#]*@)?([^/?#:]+)/i.exec(value);
  return m ? m[1] : redactSecrets(value);
}

/** What makes two finding rows the same cause: the recipes' grouping columns (see causeApiKql). */
function causeKey(r: Row): string {
  return [str(r.Signature), str(r.ResponseCode), str(r.BackendResponseCode), str(r.CauseApi)].join('|');
}

/** Findings rows (Kind finding/previous/api) -> ranked findings plus API totals. */
function findingsFrom(
  rows: Row[],
  comparedWith: string,
): { findings: Finding[]; apiTotals: Record<string, number>; apiFailures: Record<string, number> } {
  const previous = new Map<string, number>();
  const apiTotals: Record<string, number> = {};
  const apiFailures: Record<string, number> = {};
  const current: Row[] = [];
  for (const r of rows) {
    const kind = str(r.Kind);
    if (kind === 'previous') previous.set(causeKey(r), (previous.get(causeKey(r)) ?? 0) + (num(r.PreviousCount) ?? 0));
    else if (kind === 'api') {
      apiTotals[str(r.ApiId)] = (apiTotals[str(r.ApiId)] ?? 0) + (num(r.Requests) ?? 0);
      apiFailures[str(r.ApiId)] = (apiFailures[str(r.ApiId)] ?? 0) + (num(r.Failures) ?? 0);
    } else if (kind === 'finding') current.push(r);
  }
  const aggs: SignatureAggregate[] = current.map((r) => ({
    signature: signatureById(str(r.Signature)),
    count: num(r.Count) ?? 0,
    previousCount: previous.get(causeKey(r)) ?? 0,
    responseCode: num(r.ResponseCode),
    backendResponseCode: num(r.BackendResponseCode),
    // Every reason and source of the group, not the latest row's: the finding is labelled by all its rows.
    errorReason: list(r.Reasons).join(', '),
    errorSource: list(r.Sources).join(', '),
    sampleMessage: str(r.LastErrorMessage),
    sampleUrl: str(r.Url) || undefined,
    apis: list(r.Apis),
    backends: [...new Set(list(r.Backends).map(backendName))].sort(),
    callers: num(r.Callers) ?? 0,
    firstSeen: iso(r.FirstSeen),
    lastSeen: iso(r.TimeGenerated ?? r.LastSeen),
  }));
  const findings = rankFindings(aggs, { apiTotals, comparedWith });
  linkBreakers(findings);
  return { findings, apiTotals, apiFailures };
}

const hm = (isoTime: string): string => isoTime.slice(11, 16);

/**
 * A breaker opens because its backend failed: link each open breaker to the backend failures on the same
 * backend that began before it, both ways, so the card tells the story instead of two unrelated lines.
 */
function linkBreakers(findings: Finding[]): void {
  for (const breaker of findings.filter((f) => f.signature === 'circuit-breaker-open')) {
    const causes = findings.filter(
      (f) =>
        f !== breaker &&
        (f.fault === 'backend' || f.fault === 'network') &&
        (f.responseCode ?? 0) >= 500 &&
        f.firstSeen !== '' &&
        f.firstSeen <= breaker.firstSeen &&
        f.backends.some((b) => breaker.backends.includes(b)),
    );
    for (const cause of causes) {
      const backend = cause.backends.find((b) => breaker.backends.includes(b))!;
      const codes = cause.backendResponseCode !== null ? `backend ${cause.backendResponseCode}s` : 'failures';
      (breaker.related ??= []).push(
        `Follows #${cause.rank}: ${n(cause.count)} ${codes} on ${backend} from ${hm(cause.firstSeen)} UTC tripped this breaker.`,
      );
      (cause.related ??= []).push(
        `These ${codes} tripped the circuit breaker on ${backend}: see #${breaker.rank}, open from ${hm(breaker.firstSeen)} UTC.`,
      );
    }
  }
}

/** Section rows: the declared columns, strings redacted, sorted for reading. */
function sectionFrom(
  recipeSection: Recipe['sections'][number],
  table: ResultTable,
  rows: Row[],
  hasKind: boolean,
): AnswerSection {
  const picked = hasKind ? rows.filter((r) => str(r.Kind) === recipeSection.kind) : rows;
  const columns = recipeSection.columns.map((name) => ({
    name,
    type: table.columns.find((c) => c.name === name)?.type ?? 'string',
  }));
  let out = picked.map((r) =>
    columns.map(({ name, type }): Cell => {
      const v = r[name] ?? null;
      if (typeof v === 'string' && name === 'Backend') return backendName(v);
      if (typeof v === 'string' && (type === 'string' || type === 'dynamic')) return redactSecrets(v);
      if (type === 'real' && typeof v === 'number') return Math.round(v * 100) / 100;
      return v;
    }),
  );
  const yIdx = recipeSection.chart ? columns.findIndex((c) => c.name === recipeSection.chart!.y) : -1;
  // Union legs come back in no promised order: largest first for bar sections and count tables.
  const countIdx = yIdx >= 0 ? yIdx : columns.findIndex((c) => c.name === 'Requests');
  if (recipeSection.chart?.kind !== 'line' && countIdx >= 0)
    out = out.sort((a, b) => (num(b[countIdx]) ?? 0) - (num(a[countIdx]) ?? 0));
  if (recipeSection.chart?.kind === 'line') {
    const xIdx = columns.findIndex((c) => c.name === recipeSection.chart!.x);
    if (xIdx >= 0) out = out.sort((a, b) => iso(a[xIdx]).localeCompare(iso(b[xIdx])));
  }
  const section: AnswerSection = {
    title: recipeSection.title,
    table: { name: recipeSection.kind, columns, rows: out },
  };
  if (recipeSection.chart) section.chart = { ...recipeSection.chart };
  return section;
}

const FINDING_RECIPES = new Set(['triage', 'why', 'tls', 'auth401', 'breakers', 'statusclass']);

export function interpret(
  command: Command,
  recipe: Recipe | string,
  tables: ResultTable[],
  opts: InterpretOptions = {},
): Interpretation {
  const r = typeof recipe === 'string' ? getRecipe(recipe) : recipe;
  const table = tables[0] ?? { name: 'PrimaryResult', columns: [], rows: [] };
  const rows = rowsOf(table);
  const hasKind = table.columns.some((c) => c.name === 'Kind');
  const notes: string[] = [];
  if (command.window.note) notes.push(command.window.note);
  const comparedWith = comparisonPhrase(command);
  const compared = comparisonNote(command, opts.timeZone);
  if (compared) notes.push(compared);
  const where = command.api ? ` on ${command.api}` : '';
  let findings: Finding[] = [];
  let verdict: string | undefined;
  let summary = '';
  let apisSeen: string[] | undefined;

  if (FINDING_RECIPES.has(r.name)) {
    const f = findingsFrom(rows, comparedWith);
    findings = f.findings;
    // A next step from a card about another window than the default looks at that same window.
    if (command.window.label !== defaultWindow(command.window.to).label)
      for (const x of findings) if (x.next) x.next = `${x.next} ${windowText(command)}`;
    const total = findings.reduce((s, x) => s + x.count, 0);
    const requests = Object.values(f.apiTotals).reduce((s, x) => s + x, 0);
    apisSeen = Object.keys(f.apiTotals);
    summary = findingsSummary(r.name, command, findings.length, total, requests, where);
    // No requests at all is not an all-clear: the window is quiet, or its logs have not arrived yet.
    if (requests === 0) notes.push(QUIET_WINDOW);
    const baseRow = rows.find((x) => str(x.Kind) === 'baseline');
    if (command.baseline && baseRow && (num(baseRow.Requests) ?? 0) === 0) notes.push(EMPTY_BASELINE);
    if (r.name === 'why')
      verdict = whyVerdict(
        command.status ?? 0,
        rows.filter((x) => str(x.Kind) === 'producers'),
      );
    if (r.name === 'statusclass')
      verdict = whyVerdict(
        command.statusClass ?? '5xx',
        rows.filter((x) => str(x.Kind) === 'producers'),
      );
    if (r.name === 'breakers' && findings.length === 0) verdict = 'No tripped circuit breakers in the window.';
    if (r.name === 'tls' && findings.length === 0)
      verdict = 'No backend TLS rejections, connect timeouts or handshake failures in the window.';
  } else if (r.name === 'apis') {
    const requests = rows.reduce((s, x) => s + (num(x.Requests) ?? 0), 0);
    const failures = rows.reduce((s, x) => s + (num(x.Failures) ?? 0), 0);
    summary = rows.length
      ? `${count(rows.length, 'API')}, ${count(requests, 'request')}, ${n(failures)} failed in the ${command.window.label}`
      : `No gateway requests logged in the ${command.window.label}`;
    if (!rows.length) notes.push(QUIET_WINDOW);
  } else if (r.name === 'latency') {
    const l = readLatency(command, rows, comparedWith);
    summary = l.summary;
    verdict = l.verdict;
    apisSeen = l.apisSeen;
    if (!l.verdict) notes.push(QUIET_WINDOW);
    else if (command.baseline && l.baselineRequests === 0) notes.push(EMPTY_BASELINE);
  } else if (r.name === 'callers') {
    const c = readCallers(command, rows);
    summary = c.summary;
    verdict = c.verdict;
    apisSeen = c.apisSeen;
    if (c.apisSeen.length === 0) notes.push(QUIET_WINDOW);
  } else if (r.name === 'changes') {
    const c = readChanges(command, changesFrom(rows), opts.activityMissing ?? false);
    summary = c.summary;
    verdict = c.verdict;
    notes.push(...c.notes);
  } else if (r.name === 'breaker') {
    const b = breakerVerdict(command, rows, opts.timeZone);
    verdict = b.verdict;
    summary = b.summary;
  }

  const sections = r.sections.map((s) => sectionFrom(s, table, rows, hasKind));
  return { findings, sections, ...(verdict ? { verdict } : {}), summary, notes, ...(apisSeen ? { apisSeen } : {}) };
}
