/**
 * mv-expand's row expansion (the syntax is read in the operator adapter): each row repeats once per
 * element of the expanded arrays or bags, expanded in parallel.
 * Kusto (mv-expand operator page): a null value gives one row (null); an empty array or bag gives none;
 * arrays expanded together pad the shorter ones with null; non-expanded columns repeat.
 */
import { fromInput } from '../values';
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
