/**
 * evaluate plugins that reshape rows: bag_unpack (a property bag's keys become columns) and pivot (a
 * column's values become columns). Their output columns depend on the data, so the schema is built here.
 */
import { runAggregate } from '../aggregates';
import { KqlError } from '../errors';
import { kindOf, nodes, scalarType, simpleName, textOf, type SyntaxNode } from '../syntax';
import { compileExpr } from '../compile/expressions';
import { pick } from './basic';
import { ctxFor, outputSchema, type Env } from './env';
import { parseJson } from '../functions/dynamic';
import { toText } from '../values';
import type { Compiled } from '../compile/context';
import type { Relation } from '../relation';
import type { ColumnSchema, KqlType } from '../types';
import { ArrayVec, type Vec } from '../vectors';

/** The narrowest type that holds every value of a new column (dynamic when they disagree). */
function inferType(values: unknown[]): KqlType {
  let t: KqlType | null = null;
  for (const v of values) {
    if (v === null || v === undefined) continue;
    const vt: KqlType =
      typeof v === 'string'
        ? 'string'
        : typeof v === 'boolean'
          ? 'bool'
          : typeof v === 'number'
            ? Number.isInteger(v)
              ? 'long'
              : 'real'
            : 'dynamic';
    if (t === null) t = vt;
    else if (t !== vt) t = (t === 'long' && vt === 'real') || (t === 'real' && vt === 'long') ? 'real' : 'dynamic';
  }
  return t ?? 'dynamic';
}

/** bag_unpack(Column [, prefix]): the other columns, then one column per key (first-seen order). */
function bagUnpack(input: Relation, column: string, prefix: string): Relation {
  const at = input.schema.findIndex((c) => c.name === column);
  const read = input.cols[at].reader();
  const keys: string[] = [];
  const seen = new Set<string>();
  const bags: (Record<string, unknown> | null)[] = new Array<Record<string, unknown> | null>(input.n);
  for (let i = 0; i < input.n; i++) {
    const v = parseJson(read(i));
    const b = v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : null;
    bags[i] = b;
    if (b)
      for (const k of Object.keys(b))
        if (!seen.has(k)) {
          seen.add(k);
          keys.push(k);
        }
  }
  const kept = input.schema.map((c, k) => ({ c, v: input.cols[k] })).filter((x) => x.c.name !== column);
  const taken = new Set(kept.map((x) => x.c.name));
  const schema: ColumnSchema[] = kept.map((x) => x.c);
  const cols: Vec[] = kept.map((x) => x.v);
  for (const k of keys) {
    const name = prefix + k;
    if (taken.has(name)) continue; // an existing column keeps its values (Kusto's default conflict rule)
    const values = bags.map((b) => (b && k in b ? b[k] : null));
    const type = inferType(values);
    schema.push({ name, type });
    cols.push(new ArrayVec(type === 'string' ? values.map((v) => v ?? '') : values));
  }
  return { schema, cols, n: input.n, ingest: null };
}

interface PivotSpec {
  column: Compiled;
  /** The aggregate of each cell (default count()). */
  fn: string;
  args: Compiled[];
  resultType: KqlType;
  keys: { name: string; c: Compiled; type: KqlType }[];
}

/** pivot: one row per distinct key combination, one column per value of the pivot column (sorted). */
function pivot(input: Relation, spec: PivotSpec): Relation {
  const keyReaders = spec.keys.map((k) => k.c.fn);
  const pivotRead = spec.column.fn;
  const rowOf = new Map<string, number>();
  const rowKeys: unknown[][] = [];
  const colOf = new Map<string, number>();
  const rowIds = new Int32Array(input.n);
  const colIds = new Int32Array(input.n);
  for (let i = 0; i < input.n; i++) {
    const kv = keyReaders.map((r) => r(i));
    const rk = JSON.stringify(kv);
    let r = rowOf.get(rk);
    if (r === undefined) {
      r = rowKeys.length;
      rowOf.set(rk, r);
      rowKeys.push(kv);
    }
    const name = toText(pivotRead(i), spec.column.type);
    let c = colOf.get(name);
    if (c === undefined) {
      c = colOf.size;
      colOf.set(name, c);
    }
    rowIds[i] = r;
    colIds[i] = c;
  }
  const R = rowKeys.length;
  const C = colOf.size;
  const gids = new Int32Array(input.n);
  for (let i = 0; i < input.n; i++) gids[i] = rowIds[i] * C + colIds[i];
  const [cells] = runAggregate(spec.fn, spec.args, gids, R * C);
  const names = [...colOf.keys()].sort();
  const schema: ColumnSchema[] = [
    ...spec.keys.map((k) => ({ name: k.name, type: k.type })),
    ...names.map((n) => ({ name: n, type: spec.resultType })),
  ];
  const zero = spec.fn === 'count' || spec.fn === 'countif' || spec.fn === 'dcount' || spec.fn === 'sum' ? 0 : null;
  const cols: Vec[] = [
    ...spec.keys.map((_, k) => new ArrayVec(rowKeys.map((kv) => kv[k]))),
    ...names.map((n) => {
      const c = colOf.get(n) as number;
      return new ArrayVec(Array.from({ length: R }, (_, r) => cells[r * C + c] ?? zero));
    }),
  ];
  return { schema, cols, n: R, ingest: null };
}

/** evaluate bag_unpack(...) / pivot(...); other plugins are refused by name. */
export function evaluate(op: SyntaxNode, input: Relation, env: Env): Relation {
  const call = nodes(op).find((n) => kindOf(n) === 'FunctionCallExpression');
  if (!call) throw new KqlError('unsupported', `'${textOf(op)}' is not supported by the embedded KQL engine.`);
  const [nameNode, list] = nodes(call);
  const plugin = simpleName(nameNode);
  const args = list ? nodes(list) : [];
  const ctx = ctxFor(input, env);
  if (plugin === 'bag_unpack') {
    if (kindOf(args[0]) !== 'NameReference')
      throw new KqlError('unsupported', `bag_unpack() needs a column name as its first argument (in '${textOf(op)}').`);
    const prefix = args[1] ? toText(compileExpr(args[1], ctx).fn(0), 'string') : '';
    return bagUnpack(input, simpleName(args[0]), prefix);
  }
  if (plugin === 'pivot') {
    const [column, agg, ...keys] = args;
    const isAgg = agg && kindOf(agg) === 'FunctionCallExpression';
    const [fname, fargs] = isAgg ? nodes(agg) : [];
    const keyNodes = isAgg || !agg ? keys : [agg, ...keys];
    const resultType = isAgg ? scalarType(agg) : 'long';
    return pivot(input, {
      column: compileExpr(column, ctx),
      fn: fname ? simpleName(fname) : 'count',
      args: fargs ? nodes(fargs).map((a) => compileExpr(a, ctx)) : [],
      resultType: resultType === 'unknown' ? 'dynamic' : resultType,
      keys: keyNodes.map((k) => {
        const c = compileExpr(k, ctx);
        return { name: simpleName(k), c, type: c.type === 'unknown' ? 'dynamic' : c.type };
      }),
    });
  }
  throw new KqlError(
    'unsupported',
    `The plugin 'evaluate ${plugin}()' is not supported by the embedded KQL engine (supported: bag_unpack, pivot).`,
  );
}

/** project-reorder: the analyzer's output order (named columns first, wildcards and asc/desc resolved). */
export function projectReorder(op: SyntaxNode, input: Relation): Relation {
  return pick(input, outputSchema(op));
}
