/** order/sort by and top: KQL defaults are desc; desc puts nulls last, asc puts nulls first. */
import { kindOf, nodes, tokens, type SyntaxNode } from '../syntax';
import { compileExpr } from '../compile/expressions';
import { compareValues } from '../values';
import { takeRows, type Relation } from '../relation';
import { ctxFor, type Env } from './env';
import { timeOrder } from '../storage';

interface SortKey {
  values: unknown[];
  desc: boolean;
  nullsFirst: boolean;
}

function sortKeys(exprs: SyntaxNode[], input: Relation, env: Env): SortKey[] {
  const ctx = ctxFor(input, env);
  return exprs.map((e) => {
    let body = e;
    let desc = true;
    let nullsFirst: boolean | null = null;
    if (kindOf(e) === 'OrderedExpression') {
      const [inner, clause] = nodes(e);
      body = inner;
      const words = clause
        ? tokens(clause)
            .concat(...nodes(clause).map(tokens))
            .map((w) => w.toLowerCase())
        : [];
      if (words.includes('asc')) desc = false;
      if (words.includes('first')) nullsFirst = true;
      if (words.includes('last')) nullsFirst = false;
    }
    const f = compileExpr(body, ctx).fn;
    const values = new Array<unknown>(input.n);
    for (let i = 0; i < input.n; i++) values[i] = f(i);
    return { values, desc, nullsFirst: nullsFirst ?? !desc };
  });
}

/** One numeric key (times, counts): a native typed-array sort via timeOrder, ~10x a comparator sort. */
function numericOrder(k: SortKey, n: number): Int32Array | null {
  const vals = new Float64Array(n);
  let nulls = 0;
  for (let i = 0; i < n; i++) {
    const v = k.values[i];
    if (typeof v === 'number') vals[i] = k.desc ? -v : v;
    else if (v === null || v === undefined) {
      vals[i] = NaN;
      nulls++;
    } else return null;
  }
  const perm = timeOrder(vals); // stable, nulls last
  if (!k.nullsFirst || nulls === 0) return perm;
  const out = new Int32Array(n);
  out.set(perm.subarray(n - nulls), 0);
  out.set(perm.subarray(0, n - nulls), nulls);
  return out;
}

function order(keys: SortKey[], n: number): Int32Array {
  if (keys.length === 1 && n > 64) {
    const fast = numericOrder(keys[0], n);
    if (fast) return fast;
  }
  const idx = Array.from({ length: n }, (_, i) => i);
  idx.sort((a, b) => {
    for (const k of keys) {
      const x = k.values[a];
      const y = k.values[b];
      const xn = x === null || x === undefined;
      const yn = y === null || y === undefined;
      if (xn || yn) {
        if (xn && yn) continue;
        return xn === k.nullsFirst ? -1 : 1;
      }
      const c = compareValues(x, y);
      if (c !== 0) return k.desc ? -c : c;
    }
    return a - b; // stable
  });
  return Int32Array.from(idx);
}

export function sort(op: SyntaxNode, input: Relation, env: Env): Relation {
  const exprs = nodes(op);
  return takeRows(input, order(sortKeys(exprs, input, env), input.n));
}

export function top(op: SyntaxNode, input: Relation, env: Env): Relation {
  const [countExpr, ...exprs] = nodes(op);
  const n = Math.max(0, Number(compileExpr(countExpr, ctxFor(input, env)).fn(0) ?? 0));
  const idx = order(sortKeys(exprs, input, env), input.n);
  return takeRows(input, idx.subarray(0, Math.min(n, idx.length)));
}
