/**
 * Window functions over a serialized row set (after serialize, order by, top...): prev(), next(),
 * row_number(), row_cumsum(). Each reads other rows of the operator's input by position.
 */
import type { Compiled, Ctx } from '../compile/context';
import type { FunctionImpl } from './scalar';

/** prev(expr, offset = 1, default = null) / next(...): the value `offset` rows before / after. */
const shifted =
  (direction: -1 | 1): FunctionImpl =>
  ([e, offset, dflt], _t, ctx) => {
    const k = offset ? Number(offset.fn(0)) : 1;
    const n = ctx.rel.n;
    const d = dflt ? dflt.fn : () => null;
    return (i) => {
      const j = i + direction * k;
      return j >= 0 && j < n ? e.fn(j) : d(i);
    };
  };

/** A running value over all rows, computed once on first use (rows may be read in any order). */
function running(
  step: (prev: number, i: number, restart: boolean) => number,
  start: number,
  restart: Compiled | undefined,
  ctx: Ctx,
): (i: number) => unknown {
  let values: Float64Array | null = null;
  const restartAt = restart ? restart.fn : null;
  return (i) => {
    if (!values) {
      values = new Float64Array(ctx.rel.n);
      let acc = start;
      for (let r = 0; r < values.length; r++) {
        const again = r === 0 || (restartAt ? restartAt(r) === true : false);
        acc = step(again ? start : acc, r, again);
        values[r] = acc;
      }
    }
    return values[i];
  };
}

export const WINDOW_FUNCTIONS: Record<string, FunctionImpl> = {
  prev: shifted(-1),
  next: shifted(1),
  row_number: ([first, restart], _t, ctx) => {
    const start = first ? Number(first.fn(0)) : 1;
    return running((prev, _i, again) => (again ? start : prev + 1), start, restart, ctx);
  },
  row_cumsum: ([term, restart], _t, ctx) => {
    const f = term.fn;
    const add = (prev: number, i: number) => {
      const v = f(i);
      return prev + (typeof v === 'number' ? v : 0);
    };
    return running(add, 0, restart, ctx);
  },
};
