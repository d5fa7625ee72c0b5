/**
 * make-series (the syntax is read in the operator adapter): per group, each aggregate becomes an array with
 * one element per `step` of the axis from `from` (inclusive) to `to` (exclusive); a bin without rows holds
 * the aggregate's default (0 unless `default=` says otherwise). Without from/to the series spans the bins
 * that have data. The axis column is the array of bin starts.
 */
import { runAggregate } from '../aggregates';
import { KqlError } from '../errors';
import { kindOf, nodes, simpleName, textOf, type SyntaxNode } from '../syntax';
import { compileExpr } from '../compile/expressions';
import { constant } from '../compile/context';
import { ctxFor, outputSchema, type Env } from './env';
import { formatDateTime, formatTimespan } from '../values';
import type { Compiled, ExprType } from '../compile/context';
import type { Relation } from '../relation';
import type { ColumnSchema } from '../types';
import { ArrayVec, type Vec } from '../vectors';

interface SeriesAggregate {
  name: string;
  fn: string;
  args: Compiled[];
  default: unknown;
}

interface SeriesSpec {
  aggregates: SeriesAggregate[];
  axis: { name: string; c: Compiled };
  from: number | null;
  to: number | null;
  step: number;
  keys: { name: string; c: Compiled }[];
}

/** Values inside a dynamic array carry Kusto's JSON forms (datetimes and timespans as text). */
function dynamicValue(v: unknown, type: ExprType): unknown {
  if (typeof v !== 'number') return v;
  if (type === 'datetime') return formatDateTime(v);
  if (type === 'timespan') return formatTimespan(v);
  return v;
}

function makeSeries(input: Relation, spec: SeriesSpec, schema: ColumnSchema[]): Relation {
  const axis = spec.axis.c.fn;
  const step = spec.step;
  let lo = spec.from;
  let hi = spec.to;
  if (lo === null || hi === null) {
    let min = Infinity;
    let max = -Infinity;
    for (let i = 0; i < input.n; i++) {
      const v = axis(i);
      if (typeof v !== 'number') continue;
      if (v < min) min = v;
      if (v > max) max = v;
    }
    if (lo === null) lo = min === Infinity ? 0 : Math.floor(min / step) * step;
    if (hi === null) hi = max === -Infinity ? lo : lo + (Math.floor((max - lo) / step) + 1) * step;
  }
  const bins = Math.max(0, Math.ceil((hi - lo) / step));
  // group ids by key values, in order of first occurrence among rows inside the range
  const keyReaders = spec.keys.map((k) => k.c.fn);
  const groupOf = new Map<string, number>();
  const groupKeys: unknown[][] = [];
  const gids = new Int32Array(input.n);
  for (let i = 0; i < input.n; i++) {
    const v = axis(i);
    if (typeof v !== 'number' || v < lo || v >= hi) {
      gids[i] = -1;
      continue;
    }
    const kv = keyReaders.map((r) => r(i));
    const k = JSON.stringify(kv);
    let g = groupOf.get(k);
    if (g === undefined) {
      g = groupKeys.length;
      groupOf.set(k, g);
      groupKeys.push(kv);
    }
    gids[i] = g * bins + Math.floor((v - lo) / step);
  }
  const G = groupKeys.length;
  const cells = G * bins;
  // rows outside the range go to one extra cell that is dropped
  for (let i = 0; i < input.n; i++) if (gids[i] < 0) gids[i] = cells;
  const filled = new Uint8Array(cells + 1);
  for (let i = 0; i < input.n; i++) filled[gids[i]] = 1;
  const series = spec.aggregates.map((a) => {
    const [values] = runAggregate(a.fn, a.args, gids, cells + 1);
    const type = a.fn === 'count' || a.fn === 'countif' || a.fn === 'dcount' ? 'long' : (a.args[0]?.type ?? 'long');
    return groupKeys.map((_, g) => {
      const arr = new Array<unknown>(bins);
      for (let b = 0; b < bins; b++) {
        const c = g * bins + b;
        arr[b] = filled[c] ? dynamicValue(values[c], type) : a.default;
      }
      return arr;
    });
  });
  const axisType = spec.axis.c.type;
  const axisValues = Array.from({ length: bins }, (_, b) => dynamicValue(lo + b * step, axisType));
  const cols: Vec[] = schema.map((c) => {
    const key = spec.keys.findIndex((k) => k.name === c.name);
    if (key >= 0) return new ArrayVec(groupKeys.map((kv) => kv[key]));
    const agg = spec.aggregates.findIndex((a) => a.name === c.name);
    if (agg >= 0) return new ArrayVec(series[agg]);
    if (c.name === spec.axis.name) return new ArrayVec(groupKeys.map(() => axisValues));
    return new ArrayVec(new Array<unknown>(G).fill(null));
  });
  return { schema, cols, n: G, ingest: null };
}

/** The aggregate call of an expression: its name and argument nodes (count() has none). */
function aggregateCall(e: SyntaxNode): { fn: string; args: SyntaxNode[] } {
  if (kindOf(e) !== 'FunctionCallExpression')
    throw new KqlError('unsupported', `make-series needs an aggregate call per column (got '${textOf(e)}').`);
  const [name, list] = nodes(e);
  return { fn: simpleName(name), args: list ? nodes(list) : [] };
}

export function makeSeriesOp(op: SyntaxNode, input: Relation, env: Env): Relation {
  const schema = outputSchema(op);
  const ctx = ctxFor(input, env);
  const constantOf = (n: SyntaxNode) => compileExpr(n, ctx).fn(0);
  const spec: SeriesSpec = {
    aggregates: [],
    axis: { name: '', c: constant(null, 'unknown') },
    from: null,
    to: null,
    step: 0,
    keys: [],
  };
  // output columns: the by-keys, the aggregates, the axis; unnamed ones take the analyzer's names
  const generated = schema.map((c) => c.name);
  const keyCount = nodes(op)
    .filter((p) => kindOf(p) === 'MakeSeriesByClause')
    .reduce((n, p) => n + nodes(p).length, 0);
  for (const part of nodes(op)) {
    const k = kindOf(part);
    if (k === 'MakeSeriesExpression') {
      const [e, dflt] = nodes(part);
      const named = kindOf(e) === 'SimpleNamedExpression';
      const call = aggregateCall(named ? nodes(e)[1] : e);
      const name = named ? simpleName(nodes(e)[0]) : (generated[keyCount + spec.aggregates.length] ?? call.fn);
      spec.aggregates.push({
        name,
        fn: call.fn,
        args: call.args.map((a) => compileExpr(a, ctx)),
        default: dflt ? constantOf(nodes(dflt)[0]) : 0,
      });
    } else if (k === 'MakeSeriesOnClause') {
      const axis = nodes(part)[0];
      spec.axis = {
        name: kindOf(axis) === 'NameReference' ? simpleName(axis) : textOf(axis),
        c: compileExpr(axis, ctx),
      };
    } else if (k === 'MakeSeriesFromToStepClause' || k === 'MakeSeriesInRangeClause') {
      for (const clause of nodes(part)) {
        const ck = kindOf(clause);
        const v = constantOf(nodes(clause)[0]);
        if (ck === 'MakeSeriesFromClause') spec.from = v as number;
        else if (ck === 'MakeSeriesToClause') spec.to = v as number;
        else if (ck === 'MakeSeriesStepClause') spec.step = v as number;
      }
    } else if (k === 'MakeSeriesByClause') {
      for (const key of nodes(part)) {
        const named = kindOf(key) === 'SimpleNamedExpression';
        const body = named ? nodes(key)[1] : key;
        const name = named
          ? simpleName(nodes(key)[0])
          : kindOf(key) === 'NameReference'
            ? simpleName(key)
            : generated[spec.keys.length];
        spec.keys.push({ name, c: compileExpr(body, ctx) });
      }
    } else if (k === 'NamedParameter' && !textOf(nodes(part)[0]).startsWith('hint.')) {
      throw new KqlError(
        'unsupported',
        `make-series parameter '${textOf(part)}' is not supported by the embedded KQL engine.`,
      );
    }
  }
  if (!(spec.step > 0)) throw new KqlError('semantic', `make-series needs a positive step (in '${textOf(op)}').`);
  return makeSeries(input, spec, schema);
}
