/**
 * Command -> the exact KQL to run: the schema's prelude (let GatewayLogs = ...;), the recipe's
 * parameters as `let` statements with escaped literals, then the recipe body. User text only ever
 * enters as a literal produced by src/recipes/literals.ts.
 */
import type { Command, CommandKind, StatusClass } from '../commands/types';
import type { TimeWindow } from '../logs/source/logSource';
import { NAME_TOKEN } from '../commands/parse';
import { baselineProblem, comparisonWindow } from '../commands/baseline';
import { causeApiKql, classifierKql } from '../signatures/classify';
import { getRecipe, type Recipe } from './catalog';
import { kqlBool, kqlDatetime, kqlLong, kqlString, kqlTimespan } from './literals';

export const RECIPE_FOR: Record<Exclude<CommandKind, 'help'>, string> = {
  triage: 'triage',
  why: 'why',
  tls: 'tls',
  auth401: 'auth401',
  breakers: 'breakers',
  breaker: 'breaker',
  apis: 'apis',
  statusClass: 'statusclass',
  latency: 'latency',
  callers: 'callers',
  changes: 'changes',
};

/** "What changed" looks this far before the window too: a change lands before the failures it causes. */
const CHANGES_LOOKBACK_MS = 60 * 60_000;

/** The breaker recipe looks this far back from the trip: long enough to hold the failures that tripped it. */
const BEFORE_TRIP_MS = 10 * 60_000;
const AFTER_TRIP_MS = 60_000;

export class PlanError extends Error {}

export interface PlannedQuery {
  recipe: string;
  kql: string;
  timespan: TimeWindow;
}

export type ParamValue =
  | { type: 'datetime'; value: Date }
  | { type: 'string'; value: string }
  | { type: 'long'; value: number }
  | { type: 'bool'; value: boolean }
  /** Milliseconds. */
  | { type: 'timespan'; value: number };

/** Bin sizes a person reads easily; the chart bin is the smallest of these that keeps a window to at most CHART_MAX_BINS bins. */
const NICE_BINS_MS = [10, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 10800, 21600, 43200, 86400].map(
  (s) => s * 1000,
);
/** Windows are not aligned to bins, so a window of N bins can touch N + 1: aim for 18 to stay within 20. */
export const CHART_MAX_BINS = 20;

/** The bin for "failures over the window": about window/15, rounded up to a readable unit, at most 20 bins. */
export function chartBinMs(windowMs: number): number {
  const target = windowMs / (CHART_MAX_BINS - 2);
  return NICE_BINS_MS.find((b) => b >= target) ?? Math.ceil(target / 86_400_000) * 86_400_000;
}

/** The lowest status of a class: 500 for "5xx". */
function classLow(statusClass: StatusClass): number {
  return Number(statusClass[0]) * 100;
}

/** Every parameter any recipe may declare, computed from the command. */
export function parameterValues(command: Command): { values: Record<string, ParamValue>; timespan: TimeWindow } {
  const from = command.window.from;
  let to = command.window.to;
  const len = to.getTime() - from.getTime();
  if (!(len > 0)) throw new PlanError('the command window is empty');
  const prevFrom = new Date(from.getTime() - len);
  const problem = baselineProblem(command);
  if (problem) throw new PlanError(problem);
  const base = comparisonWindow(command);
  const changesFrom = new Date(from.getTime() - CHANGES_LOOKBACK_MS);
  const at = command.at;
  if (at && at.getTime() + AFTER_TRIP_MS > to.getTime()) to = new Date(at.getTime() + AFTER_TRIP_MS);
  const lookFrom = new Date(Math.min(from.getTime(), at ? at.getTime() : from.getTime()) - BEFORE_TRIP_MS);
  const api = command.api ?? '';
  if (api && !NAME_TOKEN.test(api)) throw new PlanError(`"${api}" is not a valid API name`);
  const backend = command.backend ?? '';
  if (backend && !NAME_TOKEN.test(backend)) throw new PlanError(`"${backend}" is not a valid backend name`);
  const values: Record<string, ParamValue> = {
    _from: { type: 'datetime', value: from },
    _to: { type: 'datetime', value: to },
    _prevFrom: { type: 'datetime', value: prevFrom },
    _baseFrom: { type: 'datetime', value: base.from },
    _baseTo: { type: 'datetime', value: base.to },
    _lookFrom: { type: 'datetime', value: lookFrom },
    _api: { type: 'string', value: api },
    _backend: { type: 'string', value: backend },
    _at: { type: 'datetime', value: at ?? to },
    _useAt: { type: 'bool', value: Boolean(at) },
    _bin: { type: 'timespan', value: chartBinMs(len) },
    _changesFrom: { type: 'datetime', value: changesFrom },
  };
  if (command.status !== undefined) values._status = { type: 'long', value: command.status };
  if (command.statusClass !== undefined) values._classLow = { type: 'long', value: classLow(command.statusClass) };
  if (command.signatures !== undefined) {
    const bad = command.signatures.find((s) => !NAME_TOKEN.test(s));
    if (bad !== undefined) throw new PlanError(`"${bad}" is not a valid signature id`);
    values._signatures = { type: 'string', value: `,${command.signatures.join(',')},` };
  }
  // apis and callers look at the current window only; the others compare it with the previous one or a baseline.
  const timespanFrom =
    command.kind === 'breaker'
      ? lookFrom
      : command.kind === 'changes'
        ? changesFrom
        : command.kind === 'apis' || command.kind === 'callers'
          ? from
          : new Date(Math.min(prevFrom.getTime(), base.from.getTime()));
  return { values, timespan: { from: timespanFrom, to } };
}

function literal(p: ParamValue): string {
  switch (p.type) {
    case 'datetime':
      return kqlDatetime(p.value);
    case 'string':
      return kqlString(p.value);
    case 'long':
      return kqlLong(p.value);
    case 'bool':
      return kqlBool(p.value);
    case 'timespan':
      return kqlTimespan(p.value);
  }
}

/** The `let` lines for a recipe's declared parameters. */
function parameterLets(recipe: Recipe, values: Record<string, ParamValue>): string {
  return recipe.params
    .map((p) => {
      const v = values[p.name];
      if (!v) throw new PlanError(`recipe ${recipe.name} needs ${p.name}, which this command does not provide`);
      if (v.type !== p.type)
        throw new PlanError(`recipe ${recipe.name} declares ${p.name} as ${p.type}, the planner has a ${v.type}`);
      return `let ${p.name} = ${literal(v)};`;
    })
    .join('\n');
}

/** Recipe body with the classifier (and the cause-API grouping expression built on it) filled in. */
function renderBody(recipe: Recipe): string {
  if (!recipe.usesClassifier) return recipe.body;
  const body = recipe.body.split('$causeApi').join(causeApiKql());
  // Indent the case(...) arms under the line that uses it, so the shown KQL stays readable.
  return body
    .split('\n')
    .map((line) => {
      if (!line.includes('$classifier')) return line;
      const indent = /^\s*/.exec(line)![0];
      return line.split('$classifier').join(classifierKql().split('\n').join(`\n${indent}    `));
    })
    .join('\n');
}

/** prelude (for recipes over GatewayLogs) + `// recipe: name` + parameter lets + body: the text that is run and shown. */
export function composeQuery(recipe: Recipe, values: Record<string, ParamValue>, prelude: string): string {
  // A recipe over another table (changes reads AzureActivity) runs and is shown without the gateway view.
  let head = /\bGatewayLogs\b/.test(recipe.body) ? prelude.trim() : '';
  if (head && !head.endsWith(';')) head += ';'; // the prelude's let must be terminated before our lets
  const parts = [head, `// recipe: ${recipe.name}`, parameterLets(recipe, values), renderBody(recipe)].filter(
    (s) => s.length > 0,
  );
  return parts.join('\n');
}

export function planQuery(command: Command, prelude: string): PlannedQuery {
  if (command.kind === 'help') throw new PlanError('help has no query');
  const recipe = getRecipe(RECIPE_FOR[command.kind]);
  const { values, timespan } = parameterValues(command);
  return { recipe: recipe.name, kql: composeQuery(recipe, values, prelude), timespan };
}
