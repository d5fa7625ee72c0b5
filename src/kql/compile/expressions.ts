/**
 * Compiles a Kusto expression node to a closure over row indexes, once per operator;
 * evaluation never walks the syntax tree per row.
 */
import { KqlError, closestNames } from '../errors';
import { kindOf, nodes, scalarType, simpleName, symbolKind, textOf, type SyntaxNode } from '../syntax';
import { colIndex } from '../relation';
import { parseLiteral, toText } from '../values';
import { arithmetic, notSupported, predicate, valuesEqual } from './operators';
import { constant, type Compiled, type Ctx, type ExprType } from './context';
import { callFunction } from '../functions/scalar';
import { hasTerm } from '../functions/strings';
import { accessDynamic } from '../functions/dynamic';
import { codesTruth, logicalTruth, numericTruth, termTruth } from './truth';

const LITERALS = new Set([
  'StringLiteralExpression',
  'LongLiteralExpression',
  'IntLiteralExpression',
  'RealLiteralExpression',
  'DecimalLiteralExpression',
  'BooleanLiteralExpression',
  'DateTimeLiteralExpression',
  'TimespanLiteralExpression',
  'GuidLiteralExpression',
  'NullLiteralExpression',
]);

/** Kusto's dynamic literals may quote strings with ' (and escape with \); JSON only with ". */
function dynamicToJson(text: string): string {
  let out = '';
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (ch === '"') {
      const end = closing(text, i, '"');
      out += text.slice(i, end + 1);
      i = end;
    } else if (ch === "'") {
      const end = closing(text, i, "'");
      out += JSON.stringify(text.slice(i + 1, end).replace(/\\(.)/g, '$1'));
      i = end;
    } else out += ch;
  }
  return out;
}

function closing(text: string, from: number, quote: string): number {
  for (let j = from + 1; j < text.length; j++) {
    if (text[j] === '\\') j++;
    else if (text[j] === quote) return j;
  }
  return text.length - 1;
}

function fold(c: Compiled): Compiled {
  // evaluate row-independent subtrees once
  return c.constant ? constant(c.fn(0), c.type) : c;
}

export function compileExpr(node: SyntaxNode, ctx: Ctx): Compiled {
  return fold(compileInner(node, ctx));
}

/** Reference to a column of the input, or to a scalar `let`. */
function compileName(node: SyntaxNode, ctx: Ctx): Compiled {
  const name = simpleName(node);
  const local = ctx.locals?.get(name);
  if (local) return local;
  const sk = symbolKind(node);
  if (sk !== 'Column') {
    const bound = ctx.scalars.get(name);
    if (bound) return constant(bound.value, bound.type);
  }
  const idx = colIndex(ctx.rel, name);
  if (idx >= 0)
    return {
      fn: ctx.rel.cols[idx].reader(),
      type: ctx.rel.schema[idx].type,
      constant: false,
      source: ctx.rel.cols[idx],
    };
  const bound = ctx.scalars.get(name);
  if (bound) return constant(bound.value, bound.type);
  const suggestions = closestNames(name, [...ctx.rel.schema.map((c) => c.name), ...ctx.scalars.keys()]);
  throw new KqlError(
    'semantic',
    `The name '${name}' does not refer to any known column or variable.` +
      (suggestions.length ? ` Did you mean ${suggestions.map((s) => `'${s}'`).join(' or ')}?` : ''),
    { suggestions },
  );
}

/** Right-hand list of in / !in / has_any: constants (dynamic arrays are expanded). */
function compileList(listNode: SyntaxNode, ctx: Ctx): unknown[] {
  const out: unknown[] = [];
  for (const e of nodes(listNode)) {
    const c = compileExpr(e, ctx);
    if (!c.constant) notSupported(`A non-constant list element in '${textOf(listNode)}'`);
    const v = c.fn(0);
    if (Array.isArray(v)) out.push(...(v as unknown[]));
    else out.push(v);
  }
  return out;
}

/** The key of a node in `ctx.replaced`: its place in the query text. */
export function positionKey(node: SyntaxNode): string {
  return `${node.TextStart}:${node.Width}`;
}

function compileInner(node: SyntaxNode, ctx: Ctx): Compiled {
  const done = ctx.replaced?.get(positionKey(node));
  if (done) return done;
  const kind = kindOf(node);
  const type = scalarType(node);
  if (LITERALS.has(kind)) return constant(parseLiteral(kind, textOf(node)), type);
  switch (kind) {
    case 'ParenthesizedExpression':
      return compileInner(nodes(node)[0], ctx);
    case 'NameReference':
    case 'BracketedName':
      return compileName(node, ctx);
    case 'DynamicExpression': {
      const text = textOf(node)
        .replace(/^dynamic\s*\(/i, '')
        .replace(/\)$/, '')
        .trim();
      let v: unknown;
      try {
        v = text === 'null' ? null : JSON.parse(dynamicToJson(text));
      } catch {
        notSupported(`The dynamic literal '${textOf(node)}'`);
      }
      return constant(v, 'dynamic');
    }
    case 'AndExpression':
    case 'OrExpression': {
      const [l, r] = nodes(node).map((n) => compileExpr(n, ctx));
      const a = l.fn;
      const b = r.fn;
      const truth = logicalTruth(kind === 'AndExpression', l, r) ?? undefined;
      if (kind === 'AndExpression')
        return {
          type: 'bool',
          constant: l.constant && r.constant,
          truth,
          fn: (i) => {
            const x = a(i);
            if (x === false) return false;
            const y = b(i);
            if (y === false) return false;
            return x === null || y === null ? null : true;
          },
        };
      return {
        type: 'bool',
        constant: l.constant && r.constant,
        truth,
        fn: (i) => {
          const x = a(i);
          if (x === true) return true;
          const y = b(i);
          if (y === true) return true;
          return x === null || y === null ? null : false;
        },
      };
    }
    case 'UnaryMinusExpression':
    case 'UnaryPlusExpression': {
      const e = compileExpr(nodes(node)[0], ctx);
      const f = e.fn;
      if (kind === 'UnaryPlusExpression') return e;
      return {
        type: e.type,
        constant: e.constant,
        fn: (i) => {
          const v = f(i);
          return typeof v === 'number' ? -v : null;
        },
      };
    }
    case 'InExpression':
    case 'NotInExpression':
    case 'InCsExpression':
    case 'NotInCsExpression':
    case 'HasAnyExpression':
    case 'HasAllExpression':
      return compileMembership(kind, node, ctx);
    case 'BetweenExpression':
    case 'NotBetweenExpression':
      return compileBetween(kind, node, ctx);
    case 'FunctionCallExpression':
      return callFunction(node, ctx, compileExpr);
    case 'ToScalarExpression': {
      // the first column of the first row of a subquery, evaluated once
      if (!ctx.evalTabular) notSupported(`toscalar() here ('${textOf(node)}')`);
      const sub = ctx.evalTabular(nodes(node)[0]);
      return constant(sub.n > 0 && sub.cols.length > 0 ? sub.cols[0].reader()(0) : null, sub.schema[0]?.type ?? type);
    }
    case 'ElementExpression': {
      const [base, bracket] = nodes(node);
      const b = compileExpr(base, ctx);
      const k = compileExpr(nodes(bracket)[0], ctx);
      const bf = b.fn;
      const kf = k.fn;
      return { type, constant: b.constant && k.constant, fn: (i) => accessDynamic(bf(i), kf(i)) };
    }
    case 'PathExpression': {
      const [base, member] = nodes(node);
      const b = compileExpr(base, ctx);
      const key = simpleName(member);
      const bf = b.fn;
      return { type, constant: b.constant, fn: (i) => accessDynamic(bf(i), key) };
    }
    default:
      return compileBinary(kind, node, ctx, type);
  }
}

function compileBinary(kind: string, node: SyntaxNode, ctx: Ctx, type: ExprType): Compiled {
  const parts = nodes(node);
  if (parts.length !== 2) notSupported(`The expression '${textOf(node)}' (${kind})`);
  const l = compileExpr(parts[0], ctx);
  const r = compileExpr(parts[1], ctx);
  const op = predicate(kind, l.type, r.type) ?? arithmetic(kind, l, r, type);
  if (!op) notSupported(`The operator in '${textOf(node)}' (${kind})`);
  const a = l.fn;
  const b = r.fn;
  const isConst = l.constant && r.constant;
  const codes = r.constant && l.source?.codes?.();
  if (codes && type === 'bool') {
    // a predicate on an interned string column: evaluate once per distinct value, not per row
    const rv = b(0);
    const { read, dict } = codes;
    const memo = new Int8Array(dict.length).fill(-1); // -1 unknown, 0 false, 1 true, 2 null
    return {
      type,
      constant: false,
      truth: codesTruth(l.source, (s) => op(s, rv)) ?? undefined,
      fn: (i) => {
        const c = read(i);
        let m = memo[c];
        if (m < 0) {
          const v = op(dict[c], rv);
          m = memo[c] = v === null ? 2 : v ? 1 : 0;
        }
        return m === 2 ? null : m === 1;
      },
    };
  }
  if (r.constant) {
    const rv = b(0);
    const truth = isConst ? null : (numericTruth(kind, l.source, rv) ?? termTruth(kind, l.source, rv));
    return { type, constant: isConst, fn: (i) => op(a(i), rv), ...(truth ? { truth } : {}) };
  }
  return { type, constant: isConst, fn: (i) => op(a(i), b(i)) };
}

function compileMembership(kind: string, node: SyntaxNode, ctx: Ctx): Compiled {
  const [lhs, list] = nodes(node);
  if (kindOf(list) !== 'ExpressionList') notSupported(`'${textOf(node)}' with a tabular right-hand side`);
  const l = compileExpr(lhs, ctx);
  const f = l.fn;
  const items = compileList(list, ctx);
  const lt = l.type;
  const text = (v: unknown) => (typeof v === 'string' ? v : toText(v, lt));
  switch (kind) {
    case 'InExpression':
    case 'NotInExpression': {
      const neg = kind === 'NotInExpression';
      const set = new Set(items.filter((x) => typeof x === 'string' || typeof x === 'number'));
      const others = items.filter((x) => !(typeof x === 'string' || typeof x === 'number'));
      return {
        type: 'bool',
        constant: l.constant,
        fn: (i) => {
          const v = f(i);
          if (v === null) return neg ? true : false;
          const hit =
            set.has(v as string | number) ||
            others.some((o) => o !== null && valuesEqual(v, o)) ||
            (typeof v !== 'string' && typeof v !== 'number'
              ? false
              : items.some((o) => typeof o !== typeof v && o !== null && valuesEqual(v, o)));
          return neg ? !hit : hit;
        },
      };
    }
    case 'InCsExpression':
    case 'NotInCsExpression': {
      // in~ / !in~ : case-insensitive membership
      const neg = kind === 'NotInCsExpression';
      const set = new Set(items.map((x) => toText(x, 'unknown').toLowerCase()));
      return {
        type: 'bool',
        constant: l.constant,
        fn: (i) => {
          const hit = set.has(text(f(i)).toLowerCase());
          return neg ? !hit : hit;
        },
      };
    }
    case 'HasAnyExpression': {
      const needles = items.map((x) => toText(x, 'unknown'));
      return {
        type: 'bool',
        constant: l.constant,
        fn: (i) => {
          const s = text(f(i));
          return needles.some((n) => hasTerm(s, n));
        },
      };
    }
    default: {
      const needles = items.map((x) => toText(x, 'unknown'));
      return {
        type: 'bool',
        constant: l.constant,
        fn: (i) => {
          const s = text(f(i));
          return needles.every((n) => hasTerm(s, n));
        },
      };
    }
  }
}

function compileBetween(kind: string, node: SyntaxNode, ctx: Ctx): Compiled {
  const [lhs, couple] = nodes(node);
  const [loN, hiN] = nodes(couple);
  const l = compileExpr(lhs, ctx);
  const lo = compileExpr(loN, ctx);
  const hi = compileExpr(hiN, ctx);
  const neg = kind === 'NotBetweenExpression';
  const f = l.fn;
  const lf = lo.fn;
  // `x between (datetime .. timespan)` means the upper bound is lower + timespan
  const hiIsOffset = (l.type === 'datetime' || lo.type === 'datetime') && hi.type === 'timespan';
  const hf = hiIsOffset
    ? (i: number) => {
        const a = lf(i);
        const b = hi.fn(i);
        return typeof a === 'number' && typeof b === 'number' ? a + b : null;
      }
    : hi.fn;
  return {
    type: 'bool',
    constant: l.constant && lo.constant && hi.constant,
    fn: (i) => {
      const v = f(i);
      const a = lf(i);
      const b = hf(i);
      if (v === null || a === null || b === null) return null;
      const inside = (v as number) >= (a as number) && (v as number) <= (b as number);
      return neg ? !inside : inside;
    },
  };
}
