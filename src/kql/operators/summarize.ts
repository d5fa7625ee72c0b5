/**
 * summarize aggs by keys. Output columns: the by-keys, then the aggregates (arg_max and friends
 * expand to several), named and typed exactly as Kusto's analyzer says. Groups appear in order of
 * first occurrence.
 */
import { KqlError } from '../errors';
import { kindOf, nodes, scalarType, simpleName, textOf, type SyntaxNode } from '../syntax';
import { compileExpr, positionKey } from '../compile/expressions';
import { isAggregateName, runAggregate } from '../aggregates';
import { colIndex, type Relation } from '../relation';
import { ArrayVec, NumVec, type Vec } from '../vectors';
import { scratchF64, scratchI32 } from '../scratch';
import { ctxFor, outputSchema, type Env } from './env';
import type { Compiled, Ctx } from '../compile/context';

const DENSE_LIMIT = 1 << 22;

/** Per-key dense ids: codes of interned strings when available, else a value map. */
const NUMERIC = new Set(['long', 'int', 'real', 'datetime', 'timespan', 'decimal']);

/** One grouping key: its compiled expression plus what lets it skip per-row closures. */
export interface KeySpec {
  c: Compiled;
  /** The stored vector when the key is a plain column (interned strings give codes directly). */
  source: Vec | null;
  /** Grid step of the values (bin() size), 1 otherwise. */
  step: number;
  /** The key values precomputed from storage (plain numeric column or bin() of one), NaN = null. */
  values: Float64Array | null;
  /** Position among the keys: names its scratch buffers. */
  slot: number;
}

/**
 * Numeric keys that are multiples of `step` within a modest range (status codes, bin() times) get
 * ids from a direct-indexed slot table instead of a hash map: the common case, and much faster.
 */
function denseNumericIds(vals: Float64Array, step: number, ids: Int32Array): { ids: Int32Array; card: number } | null {
  const n = vals.length;
  let lo = Infinity;
  let hi = -Infinity;
  for (let i = 0; i < n; i++) {
    const v = vals[i];
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  if (lo === Infinity) lo = hi = 0;
  const range = (hi - lo) / step;
  if (!(range < DENSE_LIMIT)) return null;
  const slots = scratchI32('dense', Math.floor(range) + 2).fill(-1); // last slot: null
  const nullSlot = slots.length - 1;
  let card = 0;
  for (let i = 0; i < n; i++) {
    const v = vals[i];
    let s: number;
    if (v !== v) s = nullSlot;
    else {
      s = (v - lo) / step;
      if (s !== Math.floor(s)) return null; // not on the grid: fall back to the map
    }
    let id = slots[s];
    if (id < 0) id = slots[s] = card++;
    ids[i] = id;
  }
  return { ids, card: Math.max(1, card) };
}

function numericValues(k: KeySpec, n: number): Float64Array | null {
  if (k.values) return k.values;
  if (!NUMERIC.has(k.c.type)) return null;
  const vals = scratchF64('key' + k.slot, n);
  const f = k.c.fn;
  for (let i = 0; i < n; i++) {
    const v = f(i);
    if (typeof v === 'number') vals[i] = v;
    else if (v === null) vals[i] = NaN;
    else return null;
  }
  return vals;
}

/** Describe a by-expression: plain stored column, bin()/floor() of one with a constant step, or other. */
export function keySpec(
  expr: SyntaxNode,
  c: Compiled,
  input: Relation,
  ctx: ReturnType<typeof ctxFor>,
  slot: number,
): KeySpec {
  const column = (e: SyntaxNode): Vec | null => {
    const at = kindOf(e) === 'NameReference' ? colIndex(input, simpleName(e)) : -1;
    return at >= 0 ? input.cols[at] : null;
  };
  const source = column(expr);
  if (source)
    return {
      c,
      source,
      step: 1,
      values: source instanceof NumVec ? source.numbers(scratchF64('key' + slot, input.n)) : null,
      slot,
    };
  if (kindOf(expr) === 'FunctionCallExpression' && !c.constant) {
    const [nameNode, args] = nodes(expr);
    const argNodes = args ? nodes(args) : [];
    if (['bin', 'floor'].includes(simpleName(nameNode)) && argNodes.length === 2) {
      const size = compileExpr(argNodes[1], ctx);
      const step = size.constant ? size.fn(0) : null;
      if (typeof step === 'number' && step > 0) {
        const col = column(argNodes[0]);
        let values: Float64Array | null = null;
        if (col instanceof NumVec) {
          values = col.numbers(scratchF64('key' + slot, input.n));
          for (let i = 0; i < values.length; i++) values[i] = Math.floor(values[i] / step) * step;
        }
        return { c, source: null, step, values, slot };
      }
    }
  }
  return { c, source: null, step: 1, values: null, slot };
}

function keyIds(k: KeySpec, n: number): { ids: Int32Array; card: number } {
  const ids = scratchI32('ids' + k.slot, n);
  const codes = k.source?.codes?.();
  if (codes) return { ids: codes.array(), card: codes.cardinality };
  const vals = numericValues(k, n);
  if (vals) {
    const dense = denseNumericIds(vals, k.step, ids);
    if (dense) return dense;
  }
  const f = k.c.fn;
  const map = new Map<unknown, number>();
  for (let i = 0; i < n; i++) {
    let v = f(i);
    if (v !== null && typeof v === 'object') v = JSON.stringify(v);
    let id = map.get(v);
    if (id === undefined) {
      id = map.size;
      map.set(v, id);
    }
    ids[i] = id;
  }
  return { ids, card: Math.max(1, map.size) };
}

/** Group id per row (0..G-1, in order of first occurrence) and the first row of each group. */
export function groupRows(keys: KeySpec[], n: number): { gids: Int32Array; G: number; first: number[] } {
  const gids = scratchI32('gids', n);
  const first: number[] = [];
  if (keys.length === 0) return { gids: gids.fill(0), G: 1, first: [0] };
  const parts = keys.map((k) => keyIds(k, n));
  let product = 1;
  for (const p of parts) product *= p.card;
  const combined = (i: number) => {
    let x = 0;
    for (const p of parts) x = x * p.card + p.ids[i];
    return x;
  };
  if (product <= DENSE_LIMIT) {
    // fold the keys into one mixed-radix number per row, column by column (no per-row closures)
    const x = scratchF64('combined', n).fill(0);
    for (const p of parts) {
      const ids = p.ids;
      const card = p.card;
      for (let i = 0; i < n; i++) x[i] = x[i] * card + ids[i];
    }
    const slot = scratchI32('slots', product).fill(-1);
    for (let i = 0; i < n; i++) {
      const xi = x[i];
      let g = slot[xi];
      if (g < 0) {
        g = slot[xi] = first.length;
        first.push(i);
      }
      gids[i] = g;
    }
  } else {
    const map = new Map<number | string, number>();
    const exact = product < Number.MAX_SAFE_INTEGER;
    for (let i = 0; i < n; i++) {
      const x = exact ? combined(i) : parts.map((p) => p.ids[i]).join(',');
      let g = map.get(x);
      if (g === undefined) {
        g = first.length;
        map.set(x, g);
        first.push(i);
      }
      gids[i] = g;
    }
  }
  return { gids, G: first.length, first };
}

interface AggCall {
  name: string;
  args: Compiled[];
}

/** One output column of summarize: a plain aggregate call, or an expression over aggregate calls. */
type AggColumn = { call: AggCall } | { body: SyntaxNode; inner: { node: SyntaxNode; call: AggCall }[] };

function isAggregateCall(n: SyntaxNode): boolean {
  return kindOf(n) === 'FunctionCallExpression' && isAggregateName(simpleName(nodes(n)[0]));
}

/** The aggregate calls inside an expression (not looking inside them). */
function aggregateCalls(n: SyntaxNode): SyntaxNode[] {
  if (isAggregateCall(n)) return [n];
  return nodes(n).flatMap(aggregateCalls);
}

/** The values of one column per group. */
function aggregateColumn(c: AggColumn, gids: Int32Array, G: number, ctx: Ctx): unknown[][] {
  if ('call' in c) return runAggregate(c.call.name, c.call.args, gids, G);
  // each inner call becomes a per-group column; the expression then runs once per group
  const replaced = new Map<string, Compiled>();
  for (const { node, call } of c.inner) {
    const [values] = runAggregate(call.name, call.args, gids, G);
    const type = scalarType(node);
    replaced.set(positionKey(node), { fn: (g) => values[g], type, constant: false });
  }
  const groups: Relation = { schema: [], cols: [], n: G, ingest: null };
  const expr = compileExpr(c.body, { ...ctx, rel: groups, replaced });
  return [Array.from({ length: G }, (_, g) => expr.fn(g))];
}

/** Columns `*` stands for in arg_max(x, *): all input columns but x and the plain by-columns. */
function starColumns(input: Relation, first: SyntaxNode, byExprs: SyntaxNode[]): string[] {
  const exclude = new Set<string>();
  if (kindOf(first) === 'NameReference') exclude.add(simpleName(first));
  for (const b of byExprs) if (kindOf(b) === 'NameReference') exclude.add(simpleName(b));
  return input.schema.map((c) => c.name).filter((n) => !exclude.has(n));
}

export function summarize(op: SyntaxNode, input: Relation, env: Env): Relation {
  const schema = outputSchema(op);
  const all = nodes(op);
  const byClause = all.find((x) => kindOf(x) === 'SummarizeByClause');
  const aggExprs = all.filter((x) => kindOf(x) !== 'SummarizeByClause');
  const byExprs = byClause ? nodes(byClause).map((e) => (kindOf(e) === 'SimpleNamedExpression' ? nodes(e)[1] : e)) : [];
  const ctx = ctxFor(input, env);
  const keys = byExprs.map((e) => compileExpr(e, ctx));

  const compileCall = (call: SyntaxNode): AggCall => {
    const fname = simpleName(nodes(call)[0]);
    const argNodes = nodes(call)[1] ? nodes(nodes(call)[1]) : [];
    const args: Compiled[] = [];
    for (const a of argNodes) {
      if (kindOf(a) === 'StarExpression') {
        for (const name of starColumns(input, argNodes[0], byExprs)) {
          const at = colIndex(input, name);
          args.push({ fn: input.cols[at].reader(), type: input.schema[at].type, constant: false });
        }
      } else args.push(compileExpr(a, ctx));
    }
    return { name: fname, args };
  };
  // a column is one aggregate call, or an expression over aggregate calls (and constants)
  const columns: AggColumn[] = aggExprs.map((e) => {
    const body = kindOf(e) === 'SimpleNamedExpression' ? nodes(e)[1] : e;
    if (isAggregateCall(body)) return { call: compileCall(body) };
    const inner = aggregateCalls(body);
    return { body, inner: inner.map((n) => ({ node: n, call: compileCall(n) })) };
  });

  const specs = byExprs.map((e, j) => keySpec(e, keys[j], input, ctx, j));
  const { gids, G, first } = groupRows(specs, input.n);
  const out: unknown[][] = keys.map((k) => first.map((r) => (input.n === 0 ? null : k.fn(r))));
  const empty = input.n === 0 && keys.length > 0;
  if (!empty) for (const c of columns) out.push(...aggregateColumn(c, gids, G, ctx));
  if (empty) return { schema, cols: schema.map(() => new ArrayVec([])), n: 0, ingest: null };
  if (out.length !== schema.length) {
    throw new KqlError(
      'unsupported',
      `The summarize '${textOf(op)}' produces a column layout the embedded engine cannot reproduce.`,
    );
  }
  return { schema, cols: out.map((v) => new ArrayVec(v)), n: G, ingest: null };
}
