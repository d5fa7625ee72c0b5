/**
 * The orchestrator: one command from text to answer, with no botbuilder in sight, so the bot, the CLI
 * and the tests all run the very same path.
 *   parse -> probe schema (cached) -> plan recipe KQL -> LogSource.query -> interpret (classify, rank) -> Answer
 * Every failure on the way becomes an ErrorAnswer that explains itself; nothing here throws at the caller.
 */
import type { Answer, ErrorAnswer, Freshness, HelpAnswer } from '../answer';
import type { Command, ParseContext, ParseOutcome } from '../commands/types';
import { parseCommand } from '../commands/parse';
import { resolveApi } from '../commands/apiNames';
import { commandText } from '../commands/text';
import { BASELINE_WORDS } from '../commands/baseline';
import { helpCommands } from '../commands/help';
import { planQuery, type PlannedQuery } from '../recipes/plan';
import { interpret, rowsOf, type Interpretation } from '../recipes/interpret';
import { changesFrom, relateChanges, type Change } from '../recipes/changes';
import { preludeFor } from '../schema/prelude';
import { PHYSICAL_SCHEMAS, type SchemaId } from '../schema/physical';
import { isMissingTables, SchemaProbeCache } from '../schema/probe';
import type { LogSource, QueryResult } from '../logs/source/logSource';
import { toErrorAnswer } from '../logs/source/errors';
import { explainSourceError } from '../logs/logAnalytics/explain';
import { ANSWER_TIMEOUT_MS } from '../timeouts';
import { FreshnessCache } from './freshness';

export interface TriageOptions {
  source: LogSource;
  /** Skip the probe and use this physical schema (setting SCHEMA_OVERRIDE). */
  schemaOverride?: SchemaId;
  /** Clock; pinned by the CLI's --now and by tests. */
  now?: () => Date;
  /** The longest a command may take before the user gets an explained timeout instead. */
  answerTimeoutMs?: number;
  /** Shown in error fixes: who the bot queries as ("the bot's managed identity"). */
  identity?: string;
}

export interface RunContext {
  requestedBy?: string;
  /** IANA zone of the person asking, for times in verdicts and summaries. */
  timeZone?: string;
  signal?: AbortSignal;
}

/** How long triage trusts that a workspace has no Activity log: routing one there takes effect within minutes. */
const ACTIVITY_RECHECK_MS = 10 * 60_000;

export class TriageService {
  private readonly probe: SchemaProbeCache;
  private readonly freshness = new FreshnessCache();
  /** Workspaces found without an Activity log, and when: triage skips its changes query there for a while. */
  private readonly activityMissingAt = new Map<string, number>();
  private readonly now: () => Date;
  private readonly answerTimeoutMs: number;

  constructor(private readonly options: TriageOptions) {
    this.now = options.now ?? (() => new Date());
    this.answerTimeoutMs = options.answerTimeoutMs ?? ANSWER_TIMEOUT_MS;
    this.probe = new SchemaProbeCache({ schemaOverride: options.schemaOverride });
  }

  get source(): LogSource {
    return this.options.source;
  }

  /** The clock commands are read against: real time, or the demo's/loaded file's anchor. */
  clock(): Date {
    return this.now();
  }

  parse(text: string, ctx: Partial<ParseContext> = {}): ParseOutcome {
    return parseCommand(text, { now: ctx.now ?? this.now(), timeZone: ctx.timeZone });
  }

  help(problem?: string, suggestions: string[] = []): HelpAnswer {
    return { type: 'help', problem, suggestions, commands: helpCommands() };
  }

  /** Runs a parsed command. Always resolves: an Answer, or an ErrorAnswer saying what went wrong and how to fix it. */
  async run(command: Command, ctx: RunContext = {}): Promise<Answer | ErrorAnswer> {
    const timeout = AbortSignal.timeout(this.answerTimeoutMs);
    const signal = ctx.signal ? AbortSignal.any([ctx.signal, timeout]) : timeout;
    let kql: string | undefined;
    try {
      const work = this.answer(command, ctx, signal, (k) => (kql = k));
      // A source that ignores the signal must still not keep the user waiting past the budget.
      return await Promise.race([work, abortedAnswer(signal)]);
    } catch (error) {
      if (timeout.aborted && !ctx.signal?.aborted) return this.timeoutAnswer(command, kql);
      const explained = explainSourceError(error, {
        workspace: this.source.info.workspace,
        identity: this.options.identity ?? 'DefaultAzureCredential',
        timeoutSeconds: Math.round(this.answerTimeoutMs / 1000),
      });
      return toErrorAnswer(explained, command, kql);
    }
  }

  /** Our own time budget ran out: worth another try, with a narrower window if it keeps happening. */
  private timeoutAnswer(command: Command, kql?: string): ErrorAnswer {
    const seconds = Math.round(this.answerTimeoutMs / 1000);
    return {
      type: 'error',
      command,
      code: 'Timeout',
      title: 'The query took too long',
      what: `"${command.text}" had no answer after ${seconds} s, so the bot stopped waiting and cancelled the query.`,
      cause: `The log source (${this.source.info.workspace}) is slow or busy right now, or the window covers a lot of traffic.`,
      fix: [
        'Try again in a minute: Log Analytics queues queries when it is busy.',
        'Try a shorter window, for example "triage last 15m".',
      ],
      retryable: true,
      kql,
    };
  }

  private async answer(
    asked: Command,
    ctx: RunContext,
    signal: AbortSignal,
    onKql: (kql: string) => void,
  ): Promise<Answer | ErrorAnswer> {
    const started = Date.now();
    let command = alignToMinute(asked);
    const probed = await this.probe.get(this.source, { from: command.window.from, to: command.window.to }, signal);
    if (probed.schema === null && probed.partial) {
      // Not knowing is not the same as "no logs": say Log Analytics answered in part, and that a retry helps.
      return {
        type: 'error',
        command,
        code: 'PartialResults',
        title: 'Log Analytics answered only in part',
        what: 'While the bot checked which gateway log tables this workspace has, Log Analytics returned partial results, so it cannot tell whether gateway logs are there.',
        cause: 'The workspace or Log Analytics is busy, or a query limit was reached on part of the data.',
        fix: ['Try again in a minute.', 'If it keeps happening, set the schema override so the bot skips this check.'],
        retryable: true,
      };
    }
    if (probed.schema === null) {
      return {
        type: 'error',
        command,
        code: 'NoGatewayLogs',
        title: 'No API Management gateway logs in this workspace',
        what: probed.explanation,
        cause:
          'The APIM diagnostic setting does not route GatewayLogs to the workspace the bot queries, or no request has been logged yet.',
        fix: probed.fix,
        retryable: false,
      };
    }
    const schema = probed.schema;
    // Triage places its new findings against the control-plane changes before them, from a second query.
    const changes = command.kind === 'triage' ? this.recentChanges(command, schema, signal) : undefined;
    let run = await this.runRecipe(command, schema, ctx, signal, onKql);
    let queries = changes ? 2 : 1;
    const nameNotes: string[] = [];
    if (
      command.api &&
      run.out.apisSeen &&
      !run.out.apisSeen.some((a) => a.toLowerCase() === command.api!.toLowerCase())
    ) {
      // No traffic under that name: resolve it the way a person would, against the APIs the window has.
      const known = await this.knownApis(command, schema, signal);
      queries += 1;
      if (known === undefined) {
        nameNotes.push(`No requests for API "${command.api}" in this window: check the name with "apis".`);
      } else {
        const resolved = resolveApi(command.api, known);
        if (resolved.kind === 'unknown')
          return this.unknownApiAnswer(command, resolved.candidates, known, run, schema, queries, started, ctx);
        const typed = command.api;
        command = { ...command, api: resolved.api };
        run = await this.runRecipe(command, schema, ctx, signal, onKql);
        queries += 1;
        nameNotes.push(`Showing ${resolved.api}; you typed ${typed}.`);
      }
    }
    const { plan, result, out } = run;
    const notes = [...nameNotes, ...out.notes];
    const changeNote = changes ? relateChanges(out.findings, await changes) : undefined;
    if (changeNote) notes.push(changeNote);
    if (probed.partial)
      notes.push(
        'Log Analytics returned partial results while the bot checked the log tables; the answer may be incomplete.',
      );
    addPartialNote(result, notes);
    const freshness = await run.freshness;
    if (freshness && new Date(freshness.completeTo) < command.window.to) {
      const missing = Math.round((command.window.to.getTime() - new Date(freshness.completeTo).getTime()) / 60000);
      if (missing >= 1) {
        notes.push(
          `Logs are complete to ${hhmm(freshness.completeTo)} UTC, about ${freshness.lagMinutes} min behind: the newest ${missing} min of the window may be missing.`,
        );
      }
    }
    return {
      type: 'answer',
      command,
      title: titleOf(command),
      summary: out.summary,
      findings: out.findings,
      sections: out.sections,
      verdict: out.verdict,
      kql: plan.kql,
      notes,
      source: { kind: this.source.info.kind, workspace: this.source.info.workspace, schema },
      freshness,
      stats: { rowsExamined: result.stats.rowsExamined, queryMs: Date.now() - started, queries },
      requestedBy: ctx.requestedBy,
      askedAt: new Date(started).toISOString(),
    };
  }

  /** Plans and runs the command's recipe, with the freshness check alongside, and reads the result. */
  private async runRecipe(
    command: Command,
    schema: SchemaId,
    ctx: RunContext,
    signal: AbortSignal,
    onKql: (kql: string) => void,
  ): Promise<RecipeRun> {
    const plan = planQuery(command, preludeFor(schema));
    onKql(plan.kql);
    const table = PHYSICAL_SCHEMAS[schema].table;
    // How far behind the gateway logs are says nothing of the Activity log, whose rows are sparse writes.
    const freshness =
      command.kind === 'changes'
        ? Promise.resolve(undefined)
        : this.freshness.get(this.source, table, this.now(), signal);
    let result: QueryResult;
    let activityMissing = false;
    try {
      result = await this.source.query({ kql: plan.kql, timespan: plan.timespan, signal });
    } catch (error) {
      // A workspace without the Activity log gets told how to route it there, not an error.
      if (command.kind !== 'changes' || !isMissingTables(error)) throw error;
      result = { tables: [], stats: { rowsExamined: 0, elapsedMs: 0 } };
      activityMissing = true;
    }
    if (command.kind === 'changes') this.noteActivityLog(!activityMissing);
    const out = interpret(command, plan.recipe, result.tables, { timeZone: ctx.timeZone, activityMissing });
    return { plan, result, out, freshness };
  }

  /** The control-plane changes in the window and the hour before; none when the Activity log cannot be read. */
  private async recentChanges(command: Command, schema: SchemaId, signal: AbortSignal): Promise<Change[]> {
    const missingAt = this.activityMissingAt.get(this.source.info.workspace);
    if (missingAt !== undefined && Date.now() - missingAt < ACTIVITY_RECHECK_MS) return [];
    const plan = planQuery({ ...command, kind: 'changes', baseline: undefined }, preludeFor(schema));
    try {
      // Optional like the freshness note: never retried, so a throttled workspace gets no more requests for it.
      const result = await this.source.query({ kql: plan.kql, timespan: plan.timespan, signal, optional: true });
      this.noteActivityLog(true);
      return changesFrom(rowsOf(result.tables[0]));
    } catch (error) {
      // The answer is triage; a missing or unreadable Activity log only means no line about changes.
      if (isMissingTables(error)) this.noteActivityLog(false);
      return [];
    }
  }

  /** Remembers whether this workspace has an Activity log, so triage does not ask for a missing one every time. */
  private noteActivityLog(present: boolean): void {
    if (present) this.activityMissingAt.delete(this.source.info.workspace);
    else this.activityMissingAt.set(this.source.info.workspace, Date.now());
  }

  /**
   * The name matches no API of the window, or several equally: say exactly that, with the candidates (or the
   * busiest APIs) as commands to press, instead of an empty answer that reads like an all-clear.
   */
  private async unknownApiAnswer(
    command: Command,
    candidates: string[],
    known: string[],
    run: RecipeRun,
    schema: SchemaId,
    queries: number,
    started: number,
    ctx: RunContext,
  ): Promise<Answer> {
    const offered = candidates.length > 0 ? candidates : known.slice(0, 5);
    const notes = [...(command.window.note ? [command.window.note] : [])];
    if (candidates.length > 1) notes.push(`Several APIs are close to "${command.api}": pick one below.`);
    else if (candidates.length === 1) notes.push(`Did you mean ${candidates[0]}? Press it below.`);
    else if (known.length === 0) notes.push('No API sent traffic in this window.');
    else notes.push(`APIs with traffic in this window: ${known.slice(0, 10).join(', ')}.`);
    return {
      type: 'answer',
      command,
      title: titleOf(command),
      summary: `No API named "${command.api}" sent traffic in the ${command.window.label}.`,
      findings: [],
      sections: [],
      kql: run.plan.kql,
      notes,
      suggestions: offered.map((api) => commandText({ ...command, api })),
      source: { kind: this.source.info.kind, workspace: this.source.info.workspace, schema },
      freshness: await run.freshness,
      stats: { rowsExamined: run.result.stats.rowsExamined, queryMs: Date.now() - started, queries },
      requestedBy: ctx.requestedBy,
      askedAt: new Date(started).toISOString(),
    };
  }

  private async knownApis(command: Command, schema: SchemaId, signal: AbortSignal): Promise<string[] | undefined> {
    const apisCommand: Command = { kind: 'apis', window: command.window, text: 'apis' };
    const plan = planQuery(apisCommand, preludeFor(schema));
    try {
      const result = await this.source.query({ kql: plan.kql, timespan: plan.timespan, signal });
      const t = result.tables[0];
      if (!t) return undefined;
      const col = t.columns.findIndex((c) => c.name === 'ApiId');
      return col < 0
        ? undefined
        : t.rows.map((r) => r[col]).filter((v): v is string => typeof v === 'string' && v !== '');
    } catch {
      return undefined;
    }
  }
}

interface RecipeRun {
  plan: PlannedQuery;
  result: QueryResult;
  out: Interpretation;
  freshness: Promise<Freshness | undefined>;
}

/**
 * Windows ending "now" end on the next whole minute, so that the same command from several people in
 * the same minute is the same KQL text: the result cache and single-flight then serve them with one
 * query, and the parse cache hits. A window with a fixed start ("since 14:30")
 * keeps its start; a relative one ("last 15m") keeps its length.
 */
export function alignToMinute(command: Command): Command {
  const MINUTE = 60_000;
  const { from, to } = command.window;
  if (to.getTime() % MINUTE === 0) return command;
  const alignedTo = Math.ceil(to.getTime() / MINUTE) * MINUTE;
  const shift = from.getTime() % MINUTE === 0 ? 0 : alignedTo - to.getTime();
  return { ...command, window: { ...command.window, from: new Date(from.getTime() + shift), to: new Date(alignedTo) } };
}

function addPartialNote(result: QueryResult, notes: string[]): void {
  if (result.partialError) {
    notes.push(
      `Log Analytics returned partial results (${result.partialError.code}): ${result.partialError.message}. Counts may be low.`,
    );
  }
}

const TITLES: Record<Command['kind'], string> = {
  triage: 'Triage',
  why: 'Why',
  tls: 'Backend TLS',
  auth401: '401 breakdown',
  breakers: 'Circuit breakers',
  breaker: 'Breaker timeline',
  apis: 'APIs',
  statusClass: 'Failures',
  latency: 'Latency',
  callers: 'Callers',
  changes: 'What changed',
  help: 'Help',
};

function titleOf(command: Command): string {
  const subject =
    command.kind === 'why'
      ? `Why ${command.status ?? ''}${command.api ? ` on ${command.api}` : ''}`
      : command.kind === 'statusClass'
        ? `${command.statusClass ?? ''} responses${command.api ? ` on ${command.api}` : ''}`
        : command.kind === 'callers'
          ? `Callers: ${(command.signatures ?? []).join(', ')}${command.api ? ` on ${command.api}` : ''}`
          : command.kind === 'breaker'
            ? `Breaker timeline: ${command.backend ?? ''}`
            : `${TITLES[command.kind]}${command.api ? ` on ${command.api}` : ''}`;
  const vs = command.baseline ? ` vs ${BASELINE_WORDS[command.baseline]}` : '';
  return `${subject}, ${command.window.label}${vs}`;
}

function hhmm(iso: string): string {
  return iso.slice(11, 16);
}

function abortedAnswer(signal: AbortSignal): Promise<never> {
  return new Promise((_, reject) => {
    // eslint-disable-next-line @typescript-eslint/prefer-promise-reject-errors -- the abort reason is passed on as given
    const fail = () => reject(signal.reason ?? new DOMException('The operation was aborted', 'AbortError'));
    if (signal.aborted) fail();
    else signal.addEventListener('abort', fail, { once: true });
  });
}
