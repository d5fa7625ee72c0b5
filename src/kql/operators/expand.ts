/**
 * mv-expand's row expansion (the syntax is read in the operator adapter): each row repeats once per
 * element of the expanded arrays or bags, expanded in parallel.
 * Kusto (mv-expand operator page): a null value gives one row (null); an empty array or bag gives none;
 * arrays expanded together pad the shorter ones with null; non-expanded columns repeat.
 */
import { KqlError } from '../errors';
import { kindOf, nodes, simpleName, textOf, type SyntaxNode } from '../syntax';
import { compileExpr } from '../compile/expressions';
import { fromInput } from '../values';
import { ctxFor, outputSchema, type Env } from './env';
import type { Relation } from '../relation';
import type { ColumnSchema, KqlType } from '../types';
import { ArrayVec, type Vec } from '../vectors';
import type { Compiled } from '../compile/context';

export interface ExpandItem {
  /** Output column name (an input column's name replaces that column). */
  name: string;
  value: Compiled;
  /** dynamic, or the `to typeof(T)` type: elements that are not of it become null. */
  type: KqlType;
}

export interface ExpandOptions {
  /** kind=bag (default): a bag's entries expand as one-entry bags; kind=array: as [key, value] pairs. */
  kind: 'bag' | 'array';
  /** with_itemindex=Name: the element's 0-based position. */
  indexColumn: string | null;
  /** limit N: at most N rows per input row. */
  limit: number;
}

/** The elements one value expands to: null for "one null row", [] for none. */
function elements(v: unknown, kind: 'bag' | 'array'): unknown[] | null {
  if (v === null || v === undefined) return null;
  if (Array.isArray(v)) return v as unknown[];
  if (typeof v === 'object') {
    const entries = Object.entries(v as Record<string, unknown>);
    return kind === 'bag' ? entries.map(([k, x]) => ({ [k]: x })) : entries.map(([k, x]) => [k, x]);
  }
  return [v];
}

/** Cast-only typing of an element (`to typeof(long)`): values of another type become null. */
function castElement(v: unknown, type: KqlType): unknown {
  if (v === null || v === undefined) return null;
  switch (type) {
    case 'dynamic':
      return v;
    case 'string':
      return typeof v === 'string' ? v : null;
    case 'bool':
      return typeof v === 'boolean' ? v : null;
    case 'long':
    case 'int':
      return typeof v === 'number' && Number.isInteger(v) ? v : null;
    case 'real':
    case 'decimal':
      return typeof v === 'number' ? v : null;
    case 'datetime':
    case 'timespan':
    case 'guid':
      return typeof v === 'string' ? fromInput(v, type) : null; // they arrive as text in JSON
  }
}

export function mvExpand(input: Relation, items: ExpandItem[], opts: ExpandOptions, schema: ColumnSchema[]): Relation {
  const readers = items.map((it) => it.value.fn);
  const src: number[] = [];
  const expanded: unknown[][] = items.map(() => []);
  const index: number[] = [];
  for (let i = 0; i < input.n; i++) {
    const lists = readers.map((r) => elements(r(i), opts.kind));
    let rows = 0;
    for (const l of lists) rows = Math.max(rows, l === null ? 1 : l.length);
    rows = Math.min(rows, opts.limit);
    for (let j = 0; j < rows; j++) {
      src.push(i);
      index.push(j);
      for (let k = 0; k < items.length; k++) {
        const l = lists[k];
        expanded[k].push(l === null || j >= l.length ? null : castElement(l[j], items[k].type));
      }
    }
  }
  const idx = Int32Array.from(src);
  const shared = new Map<unknown, Int32Array>();
  const cols: Vec[] = schema.map((c) => {
    const item = items.findIndex((it) => it.name === c.name);
    if (item >= 0) return new ArrayVec(expanded[item]);
    if (c.name === opts.indexColumn) return new ArrayVec(index);
    const at = input.schema.findIndex((s) => s.name === c.name);
    return at >= 0 ? input.cols[at].take(idx, shared) : new ArrayVec(new Array<unknown>(idx.length).fill(null));
  });
  return { schema, cols, n: idx.length, ingest: null };
}

/** Options and items of an mv-expand (or mv-apply) clause list. */
export function readExpand(parts: SyntaxNode[], input: Relation, env: Env, schema: ColumnSchema[]) {
  const opts: ExpandOptions = { kind: 'bag', indexColumn: null, limit: 2147483647 };
  const items: ExpandItem[] = [];
  const ctx = ctxFor(input, env);
  const inputNames = new Set(input.schema.map((c) => c.name));
  for (const part of parts) {
    const k = kindOf(part);
    if (k === 'NamedParameter') {
      const [name, value] = nodes(part);
      const pname = textOf(name).toLowerCase();
      if (pname === 'with_itemindex') opts.indexColumn = simpleName(value);
      else if (pname === 'kind' || pname === 'bagexpansion')
        opts.kind = textOf(value).toLowerCase() === 'array' ? 'array' : 'bag';
      else
        throw new KqlError(
          'unsupported',
          `mv-expand parameter '${textOf(part)}' is not supported by the embedded KQL engine.`,
        );
    } else if (k === 'MvExpandExpression' || k === 'MvApplyExpression') {
      const [e] = nodes(part);
      let name: string;
      let body: SyntaxNode;
      if (kindOf(e) === 'SimpleNamedExpression') {
        name = simpleName(nodes(e)[0]);
        body = nodes(e)[1];
      } else if (kindOf(e) === 'NameReference') {
        name = simpleName(e);
        body = e;
      } else {
        // an unnamed expression gets the name the analyzer gave it (the first new column)
        name =
          schema.find((c) => !inputNames.has(c.name) && !items.some((it) => it.name === c.name))?.name ?? textOf(e);
        body = e;
      }
      const type = schema.find((c) => c.name === name)?.type ?? 'dynamic';
      items.push({ name, value: compileExpr(body, ctx), type });
    } else if (k === 'MvExpandRowLimitClause' || k === 'MvApplyRowLimitClause') {
      opts.limit = Number(compileExpr(nodes(part)[0], ctx).fn(0));
    }
  }
  return { opts, items };
}

export function mvExpandOp(op: SyntaxNode, input: Relation, env: Env): Relation {
  const schema = outputSchema(op);
  const { opts, items } = readExpand(nodes(op), input, env, schema);
  return mvExpand(input, items, opts, schema);
}
