/**
 * Time-index pushdown: the leading `where` operators over a table scan (through a let view's
 * project/extend that pass TimeGenerated through unchanged) are searched for conjuncts like
 * `TimeGenerated > ago(15m)` or `TimeGenerated between (a .. b)` with constant bounds; the scan then
 * reads only that window. The where itself still runs, so this only skips rows that cannot match.
 */
import { kindOf, nodes, simpleName, type SyntaxNode } from './syntax';
import { compileExpr } from './compile/expressions';
import type { Relation } from './relation';
import type { ColumnSchema } from './types';
import type { EvalState } from './pipeline';

export interface TimeWindow {
  lo: number;
  loIncl: boolean;
  hi: number;
  hiIncl: boolean;
}

const TIME = 'TimeGenerated';

function isTimeRef(n: SyntaxNode): boolean {
  return kindOf(n) === 'NameReference' && simpleName(n) === TIME;
}

function constValue(n: SyntaxNode, columns: ColumnSchema[], st: EvalState): number | null {
  const empty: Relation = {
    schema: columns,
    cols: columns.map(() => ({
      length: 0,
      reader: () => () => null,
      take: () => {
        throw new Error('unused');
      },
    })),
    n: 0,
    ingest: null,
  };
  try {
    const c = compileExpr(n, { rel: empty, scalars: st.scalars, now: st.now });
    if (!c.constant) return null;
    const v = c.fn(0);
    return typeof v === 'number' ? v : null;
  } catch {
    return null;
  }
}

function conjuncts(n: SyntaxNode): SyntaxNode[] {
  const k = kindOf(n);
  if (k === 'AndExpression') return nodes(n).flatMap(conjuncts);
  if (k === 'ParenthesizedExpression') return conjuncts(nodes(n)[0]);
  return [n];
}

/** Whether an operator passes TimeGenerated through unchanged (so a later filter on it can move before it). */
function passesTime(op: SyntaxNode): boolean {
  switch (kindOf(op)) {
    case 'FilterOperator':
      return true;
    case 'ProjectOperator':
    case 'ExtendOperator':
      return (
        nodes(op).every((e) => {
          if (kindOf(e) === 'SimpleNamedExpression') return simpleName(nodes(e)[0]) !== TIME;
          return kindOf(op) === 'ProjectOperator' ? kindOf(e) === 'NameReference' : true;
        }) &&
        (kindOf(op) === 'ExtendOperator' || nodes(op).some(isTimeRef))
      );
    default:
      return false;
  }
}

export function timeWindow(ops: SyntaxNode[], columns: ColumnSchema[], st: EvalState): TimeWindow | null {
  const w: TimeWindow = { lo: -Infinity, loIncl: true, hi: Infinity, hiIncl: true };
  let found = false;
  const lower = (v: number, incl: boolean) => {
    if (v > w.lo || (v === w.lo && !incl)) {
      w.lo = v;
      w.loIncl = incl;
    }
    found = true;
  };
  const upper = (v: number, incl: boolean) => {
    if (v < w.hi || (v === w.hi && !incl)) {
      w.hi = v;
      w.hiIncl = incl;
    }
    found = true;
  };
  for (const op of ops) {
    if (!passesTime(op)) break;
    if (kindOf(op) !== 'FilterOperator') continue;
    for (const c of conjuncts(nodes(op)[0])) {
      const k = kindOf(c);
      if (k === 'BetweenExpression') {
        const [lhs, couple] = nodes(c);
        if (!isTimeRef(lhs)) continue;
        const [a, b] = nodes(couple);
        const lo = constValue(a, columns, st);
        let hi = constValue(b, columns, st);
        if (lo === null || hi === null) continue;
        if (kindOf(b) === 'TimespanLiteralExpression' || (b.ResultType && b.ResultType.Name === 'timespan'))
          hi = lo + hi;
        lower(lo, true);
        upper(hi, true);
        continue;
      }
      const parts = nodes(c);
      if (parts.length !== 2) continue;
      const [l, r] = parts;
      let op2 = k;
      let bound: SyntaxNode;
      if (isTimeRef(l)) bound = r;
      else if (isTimeRef(r)) {
        bound = l;
        const flip: Record<string, string> = {
          GreaterThanExpression: 'LessThanExpression',
          LessThanExpression: 'GreaterThanExpression',
          GreaterThanOrEqualExpression: 'LessThanOrEqualExpression',
          LessThanOrEqualExpression: 'GreaterThanOrEqualExpression',
          EqualExpression: 'EqualExpression',
        };
        op2 = flip[k] ?? '';
      } else continue;
      const v = constValue(bound, columns, st);
      if (v === null) continue;
      if (op2 === 'GreaterThanExpression') lower(v, false);
      else if (op2 === 'GreaterThanOrEqualExpression') lower(v, true);
      else if (op2 === 'LessThanExpression') upper(v, false);
      else if (op2 === 'LessThanOrEqualExpression') upper(v, true);
      else if (op2 === 'EqualExpression') {
        lower(v, true);
        upper(v, true);
      }
    }
  }
  return found ? w : null;
}
