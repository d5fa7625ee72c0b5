/**
 * top-nested (the clauses are read in the operator adapter): a hierarchy of top-N groups. Each level keeps
 * the N groups of its key with the largest (or smallest) aggregate inside each group of the level above;
 * `with others = V` adds one group V that aggregates the rest (its lower levels stay empty).
 * Output: per level, the key column and the aggregate column; rows in hierarchy order.
 */
import { runAggregate } from '../aggregates';
import { KqlError } from '../errors';
import { kindOf, nodes, simpleName, textOf, tokens, type SyntaxNode } from '../syntax';
import { compileExpr } from '../compile/expressions';
import { ctxFor, outputSchema, type Env } from './env';
import { compareValues } from '../values';
import type { Compiled } from '../compile/context';
import type { Relation } from '../relation';
import type { ColumnSchema } from '../types';
import { ArrayVec } from '../vectors';

interface NestLevel {
  /** Groups to keep; null keeps them all. */
  n: number | null;
  key: Compiled;
  fn: string;
  args: Compiled[];
  asc: boolean;
  /** The `with others` value, when given. */
  others?: unknown;
}

function aggregate(level: NestLevel, rows: number[], groupOf: Int32Array, groups: number, n: number): unknown[] {
  const gids = new Int32Array(n).fill(groups); // rows outside this subset go to a dropped extra group
  for (const i of rows) gids[i] = groupOf[i];
  const [values] = runAggregate(level.fn, level.args, gids, groups + 1);
  return values.slice(0, groups);
}

function topNested(input: Relation, levels: NestLevel[], schema: ColumnSchema[]): Relation {
  const out: unknown[][] = [];
  const groupOf = new Int32Array(input.n);
  const walk = (rows: number[], depth: number, prefix: unknown[]) => {
    if (depth === levels.length) {
      out.push(prefix);
      return;
    }
    const level = levels[depth];
    const read = level.key.fn;
    const ids = new Map<string, number>();
    const keys: unknown[] = [];
    const members: number[][] = [];
    for (const i of rows) {
      const v = read(i);
      const k = typeof v === 'object' && v !== null ? JSON.stringify(v) : `${typeof v}:${String(v)}`;
      let g = ids.get(k);
      if (g === undefined) {
        g = keys.length;
        ids.set(k, g);
        keys.push(v);
        members.push([]);
      }
      groupOf[i] = g;
      members[g].push(i);
    }
    const values = aggregate(level, rows, groupOf, keys.length, input.n);
    const order = keys.map((_, g) => g);
    order.sort((a, b) => {
      const x = values[a];
      const y = values[b];
      if (x === null) return y === null ? a - b : 1;
      if (y === null) return -1;
      return (level.asc ? compareValues(x, y) : compareValues(y, x)) || a - b;
    });
    const kept = level.n === null ? order : order.slice(0, level.n);
    for (const g of kept) walk(members[g], depth + 1, [...prefix, keys[g], values[g]]);
    if (level.others !== undefined && kept.length < order.length) {
      const rest = order.slice(kept.length).flatMap((g) => members[g]);
      for (const i of rest) groupOf[i] = 0;
      const [other] = aggregate(level, rest, groupOf, 1, input.n);
      const blanks = new Array<unknown>(2 * (levels.length - depth - 1)).fill(null);
      out.push([...prefix, level.others, other, ...blanks]);
    }
  };
  walk(
    Array.from({ length: input.n }, (_, i) => i),
    0,
    [],
  );
  const cols = schema.map((_, c) => new ArrayVec(out.map((r) => r[c] ?? null)));
  return { schema, cols, n: out.length, ingest: null };
}

/** top-nested clauses: `top-nested [N] of Key [with others = V] by Aggregate [asc|desc]`, comma-separated. */
export function topNestedOp(op: SyntaxNode, input: Relation, env: Env): Relation {
  const schema = outputSchema(op);
  const ctx = ctxFor(input, env);
  const levels: NestLevel[] = nodes(op).map((clause) => {
    let n: number | null = null;
    let key: SyntaxNode | null = null;
    let others: unknown;
    let agg: SyntaxNode | null = null;
    let asc = false;
    for (const part of nodes(clause)) {
      const k = kindOf(part);
      if (k === 'TopNestedWithOthersClause') others = compileExpr(nodes(part)[0], ctx).fn(0);
      else if (!key && n === null && !agg && /Literal/.test(k) && k !== 'StringLiteralExpression')
        n = Number(compileExpr(part, ctx).fn(0));
      else if (!key) key = part;
      else agg = part;
    }
    if (agg && kindOf(agg) === 'OrderedExpression') {
      asc = tokens(nodes(agg)[1] ?? agg).some((t) => t.toLowerCase() === 'asc');
      agg = nodes(agg)[0];
    }
    if (agg && kindOf(agg) === 'SimpleNamedExpression') agg = nodes(agg)[1];
    if (!key || !agg || kindOf(agg) !== 'FunctionCallExpression')
      throw new KqlError(
        'unsupported',
        `top-nested clause '${textOf(clause)}' is not supported by the embedded KQL engine.`,
      );
    const keyExpr = kindOf(key) === 'SimpleNamedExpression' ? nodes(key)[1] : key;
    const [fname, list] = nodes(agg);
    return {
      n,
      key: compileExpr(keyExpr, ctx),
      fn: simpleName(fname),
      args: (list ? nodes(list) : []).map((a) => compileExpr(a, ctx)),
      asc,
      ...(others !== undefined ? { others } : {}),
    };
  });
  return topNested(input, levels, schema);
}
