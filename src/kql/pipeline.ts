/**
 * Tabular evaluation: flattens `source | op | op ...` (inlining tabular lets used as views), pushes
 * leading TimeGenerated predicates down to the table's time index, then runs the operators.
 */
import { KqlError, asKqlError } from './errors';
import { kindOf, nodes, simpleName, symbolKind, textOf, tokens, type SyntaxNode } from './syntax';
import type { Relation } from './relation';
import type { Workspace } from './storage';
import { NumVec } from './vectors';
import { compileExpr } from './compile/expressions';
import type { ScalarBinding } from './compile/context';
import type { Env } from './operators/env';
import { count, getschema, projectAway, projectOrExtend, projectRename, take, where } from './operators/basic';
import { summarize } from './operators/summarize';
import { sort, top } from './operators/sort';
import { distinct, join } from './operators/tables';
import { union } from './operators/union';
import { timeWindow } from './pushdown';
import { mvExpandOp } from './operators/expand';
import { makeSeriesOp } from './operators/series';
import { parseOp } from './operators/parse';
import { datatable, print, range } from './operators/sources';
import { topNestedOp } from './operators/topnested';
import { evaluate, projectReorder } from './operators/reshape';
import { mvApply } from './operators/apply';
import { lookup } from './operators/tables';
import { bindArguments, type UserFunction } from './functions/user';

/** Tabular lets: each body resolves names in the scope it was declared in (so `let T = T | ...` works). */
export type Views = Map<string, { body: SyntaxNode; scope: Views }>;

export interface EvalState {
  ws: Workspace;
  views: Views;
  scalars: Map<string, ScalarBinding>;
  now: number;
  rowsExamined: number;
  /** User-defined functions declared by `let` so far. */
  functions: Map<string, UserFunction>;
  /** Analyzer warnings KS205 (a fuzzy-union leg names no existing table): offset and name. */
  unresolved?: { at: number; name: string }[];
}

/** Flatten a pipe chain into its source and operators, inlining views. */
function flatten(node: SyntaxNode, views: Views): { source: SyntaxNode; ops: SyntaxNode[] } {
  const k = kindOf(node);
  if (k === 'PipeExpression') {
    const parts = nodes(node);
    const left = flatten(parts[0], views);
    left.ops.push(parts[parts.length - 1]);
    return left;
  }
  if (k === 'ParenthesizedExpression') return flatten(nodes(node)[0], views);
  const view = k === 'NameReference' ? views.get(simpleName(node)) : undefined;
  if (view) return flatten(view.body, view.scope);
  return { source: node, ops: [] };
}

function operatorName(op: SyntaxNode): string {
  const words = tokens(op);
  return words.length ? words[0] : kindOf(op);
}

export function evalTabular(node: SyntaxNode, st: EvalState): Relation {
  const { source, ops } = flatten(node, st.views);
  const env: Env = {
    scalars: st.scalars,
    now: st.now,
    evalTabular: (n) => evalTabular(n, st),
    evalTable: (name) => scan(name, [], st),
    tableNames: () => st.ws.tableNames(),
    unresolvedNames: (n) => {
      const from = n.TextStart;
      const to = from + n.Width;
      return (st.unresolved ?? []).filter((u) => u.at >= from && u.at < to);
    },
    functions: st.functions,
    applyOps: (list, input) => list.reduce((rel, op) => apply(op, rel, env), input),
  };
  let rel: Relation;
  try {
    rel = evalSource(source, ops, st, env);
  } catch (e) {
    throw asKqlError(e).at(source.TextStart);
  }
  for (const op of ops) {
    try {
      rel = apply(op, rel, env);
    } catch (e) {
      throw asKqlError(e).at(op.TextStart); // an operator's failure points at the operator
    }
  }
  return rel;
}

/** The rows a pipe starts from: a table (read through the time index), a union, a source operator, a call. */
function evalSource(source: SyntaxNode, ops: SyntaxNode[], st: EvalState, env: Env): Relation {
  const sk = kindOf(source);
  if (sk === 'NameReference') {
    const name = simpleName(source);
    if (!st.ws.hasTable(name)) {
      const kindName = symbolKind(source);
      throw new KqlError(
        'semantic',
        `'${name}' is not a table in this workspace${kindName && kindName !== 'Table' ? ` (it is a ${kindName.toLowerCase()})` : ''}. Tables: ${st.ws.tableNames().join(', ')}.`,
        { reason: 'unknown-name' },
      );
    }
    return scan(name, ops, st);
  } else if (sk === 'UnionOperator') {
    return union(source, null, env);
  } else if (sk === 'MaterializeExpression') {
    return evalTabular(nodes(source)[0], st); // materialize() only caches; the rows are the same
  } else if (sk === 'PrintOperator') {
    return print(source, env);
  } else if (sk === 'DataTableExpression') {
    return datatable(source, env);
  } else if (sk === 'RangeOperator') {
    return range(source, env);
  } else if (sk === 'FunctionCallExpression' && st.functions.has(simpleName(nodes(source)[0]))) {
    return callTabularFunction(source, st);
  } else {
    throw new KqlError(
      'unsupported',
      `'${textOf(source).slice(0, 60)}' is not supported as a query source by the embedded KQL engine (use a table name or a let view).`,
    );
  }
}

/** Read a base table, only the rows whose TimeGenerated can satisfy the leading time predicates. */
function scan(name: string, ops: SyntaxNode[], st: EvalState): Relation {
  const t = st.ws.table(name);
  let from = 0;
  let to = t.rowCount;
  if (t.timeColumn >= 0) {
    const w = timeWindow(ops, t.columns, st);
    if (w) [from, to] = t.timeRange(w.lo, w.loIncl, w.hi, w.hiIncl);
  }
  st.rowsExamined += to - from;
  return {
    schema: t.columns,
    cols: t.columns.map((_, c) => t.vector(c, from, to)),
    n: to - from,
    ingest: t.ingestion ? new NumVec(t.ingestion, null, from, to - from) : null,
  };
}

function apply(op: SyntaxNode, rel: Relation, env: Env): Relation {
  switch (kindOf(op)) {
    case 'FilterOperator':
      return where(op, rel, env);
    case 'ProjectOperator':
      return projectOrExtend(op, rel, env, false);
    case 'ExtendOperator':
      return projectOrExtend(op, rel, env, true);
    case 'ProjectAwayOperator':
      return projectAway(op, rel);
    case 'ProjectRenameOperator':
      return projectRename(op, rel);
    case 'SummarizeOperator':
      return summarize(op, rel, env);
    case 'SortOperator':
      return sort(op, rel, env);
    case 'TopOperator':
      return top(op, rel, env);
    case 'TakeOperator':
      return take(op, rel, env);
    case 'DistinctOperator':
      return distinct(op, rel);
    case 'CountOperator':
      return count(rel);
    case 'UnionOperator':
      return union(op, rel, env);
    case 'JoinOperator':
      return join(op, rel, env);
    case 'GetSchemaOperator':
      return getschema(rel);
    case 'RenderOperator':
    case 'AsOperator': // names the rows for later reference; the rows are unchanged
      return rel; // charts are a client concern; the data is the answer
    case 'SerializeOperator':
      return nodes(op).length ? projectOrExtend(op, rel, env, true) : rel; // rows already have an order
    case 'MvExpandOperator':
      return mvExpandOp(op, rel, env);
    case 'MvApplyOperator':
      return mvApply(op, rel, env);
    case 'MakeSeriesOperator':
      return makeSeriesOp(op, rel, env);
    case 'ParseOperator':
      return parseOp(op, rel, env, false);
    case 'ParseWhereOperator':
      return parseOp(op, rel, env, true);
    case 'TopNestedOperator':
      return topNestedOp(op, rel, env);
    case 'ProjectReorderOperator':
      return projectReorder(op, rel);
    case 'EvaluateOperator':
      return evaluate(op, rel, env);
    case 'LookupOperator':
      return lookup(op, rel, env);
    default:
      throw new KqlError(
        'unsupported',
        `The query operator '${operatorName(op)}' is not supported by the embedded KQL engine. Supported: where, project, project-away, project-rename, project-reorder, extend, summarize, order/sort, take/limit, top, top-nested, distinct, count, union, join, lookup, mv-expand, mv-apply, make-series, parse, parse-where, serialize, as, evaluate (bag_unpack, pivot), getschema, render.`,
      );
  }
}

/** A tabular user function as a source: its body with the arguments bound as constants. */
function callTabularFunction(call: SyntaxNode, st: EvalState): Relation {
  const [nameNode, list] = nodes(call);
  const f = st.functions.get(simpleName(nameNode)) as UserFunction;
  const bound = bindArguments(f, list ? nodes(list) : [], (a) => evalScalar(a, st));
  const scalars = new Map(st.scalars);
  for (const [k, v] of bound) scalars.set(k, v);
  const views = new Map(st.views);
  for (const k of bound.keys()) views.delete(k);
  const inner: EvalState = { ...st, scalars, views };
  const rel = evalTabular(f.body, inner);
  st.rowsExamined = inner.rowsExamined;
  return rel;
}

/** Evaluate a constant scalar expression (let x = ...). */
export function evalScalar(node: SyntaxNode, st: EvalState): ScalarBinding {
  const empty: Relation = { schema: [], cols: [], n: 0, ingest: null };
  const c = compileExpr(node, {
    rel: empty,
    scalars: st.scalars,
    now: st.now,
    evalTabular: (n) => evalTabular(n, st),
    functions: st.functions,
  });
  if (!c.constant)
    throw new KqlError('unsupported', `let value '${textOf(node)}' must be a constant in the embedded KQL engine.`);
  return { value: c.fn(0), type: c.type };
}
