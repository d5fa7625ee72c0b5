/** Dynamic arrays and property bags: building, slicing, set operations, keys. */
import { compareValues } from '../values';
import type { FunctionImpl } from './scalar';
import { parseJson } from './dynamic';

const arr = (v: unknown): unknown[] | null => {
  const x = parseJson(v);
  return Array.isArray(x) ? x : null;
};
const bag = (v: unknown): Record<string, unknown> | null => {
  const x = parseJson(v);
  return x !== null && typeof x === 'object' && !Array.isArray(x) ? (x as Record<string, unknown>) : null;
};
/** Equality of dynamic elements (numbers, strings, nested values). */
const key = (v: unknown) => (typeof v === 'object' && v !== null ? JSON.stringify(v) : `${typeof v}:${String(v)}`);

function setOf(args: { fn: (i: number) => unknown }[], i: number): unknown[][] | null {
  const lists = args.map((a) => arr(a.fn(i)));
  return lists.every((l) => l !== null) ? lists : null;
}

function distinct(values: unknown[]): unknown[] {
  const seen = new Set<string>();
  return values.filter((v) => {
    const k = key(v);
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}

export const ARRAY_FUNCTIONS: Record<string, FunctionImpl> = {
  pack_array: (args) => (i) => args.map((a) => a.fn(i)),
  array_concat: (args) => (i) => {
    const lists = setOf(args, i);
    return lists ? lists.flat() : null;
  },
  array_slice:
    ([a, start, end]) =>
    (i) => {
      const l = arr(a.fn(i));
      if (!l) return null;
      const norm = (v: unknown) => {
        const n = Number(v);
        return n < 0 ? l.length + n : n;
      };
      return l.slice(Math.max(0, norm(start.fn(i))), norm(end.fn(i)) + 1); // end is inclusive
    },
  array_reverse:
    ([a]) =>
    (i) => {
      const l = arr(a.fn(i));
      return l ? [...l].reverse() : null;
    },
  array_sum:
    ([a]) =>
    (i) => {
      const l = arr(a.fn(i));
      if (!l) return null;
      let s = 0;
      for (const x of l) if (typeof x === 'number') s += x;
      return s;
    },
  array_index_of:
    ([a, v]) =>
    (i) => {
      const l = arr(a.fn(i));
      if (!l) return null;
      const k = key(v.fn(i));
      return l.findIndex((x) => key(x) === k);
    },
  array_sort_asc:
    ([a]) =>
    (i) => {
      const l = arr(a.fn(i));
      return l ? [...l].sort((x, y) => (x === null ? 1 : y === null ? -1 : compareValues(x, y))) : null;
    },
  array_sort_desc:
    ([a]) =>
    (i) => {
      const l = arr(a.fn(i));
      return l ? [...l].sort((x, y) => (x === null ? 1 : y === null ? -1 : compareValues(y, x))) : null;
    },
  set_has_element:
    ([a, v]) =>
    (i) => {
      const l = arr(a.fn(i));
      if (!l) return null;
      const k = key(v.fn(i));
      return l.some((x) => key(x) === k);
    },
  set_union: (args) => (i) => {
    const lists = setOf(args, i);
    return lists ? distinct(lists.flat()) : null;
  },
  set_intersect: (args) => (i) => {
    const lists = setOf(args, i);
    if (!lists) return null;
    const rest = lists.slice(1).map((l) => new Set(l.map(key)));
    return distinct(lists[0]).filter((v) => rest.every((s) => s.has(key(v))));
  },
  set_difference: (args) => (i) => {
    const lists = setOf(args, i);
    if (!lists) return null;
    const rest = new Set(lists.slice(1).flat().map(key));
    return distinct(lists[0]).filter((v) => !rest.has(key(v)));
  },
  bag_keys:
    ([b]) =>
    (i) => {
      const o = bag(b.fn(i));
      return o ? Object.keys(o) : null;
    },
  bag_merge: (args) => (i) => {
    const out: Record<string, unknown> = {};
    for (const a of args) {
      const o = bag(a.fn(i));
      if (o) for (const k of Object.keys(o)) if (!(k in out)) out[k] = o[k]; // the first bag wins
    }
    return out;
  },
  bag_remove_keys:
    ([b, keys]) =>
    (i) => {
      const o = bag(b.fn(i));
      const ks = arr(keys.fn(i));
      if (!o) return null;
      const drop = new Set((ks ?? []).map(String));
      return Object.fromEntries(Object.entries(o).filter(([k]) => !drop.has(k)));
    },
  bag_has_key:
    ([b, k]) =>
    (i) => {
      const o = bag(b.fn(i));
      return o ? String(k.fn(i)) in o : false;
    },
};
