/** Scalar functions, each compiled once to a closure over its compiled arguments. */
import { KqlError } from '../errors';
import { kindOf, nodes, scalarType, simpleName, textOf, type SyntaxNode } from '../syntax';
import { colIndex } from '../relation';
import { fromInput, toText } from '../values';
import { constant, type Compiled, type Ctx, type ExprType } from '../compile/context';
import { parseJson, parseUrl } from './dynamic';
import { DATETIME_FUNCTIONS } from './datetime';
import { CONVERSION_FUNCTIONS } from './conversions';
import { MATH_FUNCTIONS } from './math';
import { CALENDAR_FUNCTIONS } from './calendar';
import { TEXT_FUNCTIONS } from './text';
import { ARRAY_FUNCTIONS } from './arrays';
import { IPV4_FUNCTIONS } from './ipv4';
import { WINDOW_FUNCTIONS } from './window';
import { SERIES_FUNCTIONS } from './series';
import { isAggregateName } from '../aggregates';
import { callUserFunction } from './user';
import { emptinessTruth } from '../compile/truth';

export type CompileFn = (node: SyntaxNode, ctx: Ctx) => Compiled;
type Reader = (i: number) => unknown;
/** Builds the row closure from compiled arguments; `type` is Kusto's inferred result type. */
export type FunctionImpl = (args: Compiled[], type: ExprType, ctx: Ctx) => Reader;

const isEmpty = (v: unknown) => v === null || v === '';

const STRING_FUNCTIONS: Record<string, FunctionImpl> = {
  strcat: (args) => {
    const fs = args.map((a) => ({ f: a.fn, t: a.type }));
    return (i) => fs.map(({ f, t }) => toText(f(i), t)).join('');
  },
  strlen:
    ([a]) =>
    (i) =>
      toText(a.fn(i), a.type).length,
  tolower:
    ([a]) =>
    (i) =>
      toText(a.fn(i), a.type).toLowerCase(),
  toupper:
    ([a]) =>
    (i) =>
      toText(a.fn(i), a.type).toUpperCase(),
  substring:
    ([s, start, len]) =>
    (i) => {
      const text = toText(s.fn(i), s.type);
      const st = Math.max(0, Number(start.fn(i) ?? 0));
      const l = len ? len.fn(i) : null;
      return l === null ? text.slice(st) : text.substr(st, Math.max(0, Number(l)));
    },
  indexof:
    ([s, lookup]) =>
    (i) =>
      toText(s.fn(i), s.type).indexOf(toText(lookup.fn(i), lookup.type)),
  replace_string:
    ([s, lookup, rewrite]) =>
    (i) =>
      toText(s.fn(i), s.type)
        .split(toText(lookup.fn(i), lookup.type))
        .join(toText(rewrite.fn(i), rewrite.type)),
  split:
    ([s, delim, index]) =>
    (i) => {
      const parts = toText(s.fn(i), s.type).split(toText(delim.fn(i), delim.type));
      if (!index) return parts;
      const k = Number(index.fn(i));
      return k >= 0 && k < parts.length ? [parts[k]] : [];
    },
  extract: ([re, group, source], type) => {
    if (!re.constant)
      throw new KqlError('unsupported', 'extract() needs a constant regular expression in the embedded engine.');
    const regex = new RegExp(String(re.fn(0)));
    return (i) => {
      const m = regex.exec(toText(source.fn(i), source.type));
      const g = Number(group.fn(i));
      const v = m && m[g] !== undefined ? m[g] : null;
      return v === null
        ? type === 'string'
          ? ''
          : null
        : type === 'string'
          ? v
          : fromInput(v, type === 'unknown' ? 'string' : type);
    };
  },
  strcat_delim:
    ([delim, ...parts]) =>
    (i) =>
      parts.map((p) => toText(p.fn(i), p.type)).join(toText(delim.fn(i), delim.type)),
  parse_url:
    ([u]) =>
    (i) =>
      parseUrl(toText(u.fn(i), u.type)),
  trim: ([re, s]) => {
    const p = String(re.fn(0));
    const rx = new RegExp(`^(?:${p})+|(?:${p})+$`, 'g');
    return (i) => toText(s.fn(i), s.type).replace(rx, '');
  },
};

const LOGIC_FUNCTIONS: Record<string, FunctionImpl> = {
  not:
    ([a]) =>
    (i) => {
      const v = a.fn(i);
      return v === null ? null : !v;
    },
  iff:
    ([c, a, b]) =>
    (i) =>
      c.fn(i) === true ? a.fn(i) : b.fn(i),
  case: (args) => {
    const pairs: [Reader, Reader][] = [];
    for (let k = 0; k + 1 < args.length; k += 2) pairs.push([args[k].fn, args[k + 1].fn]);
    const otherwise = args[args.length - 1].fn;
    return (i) => {
      for (const [c, v] of pairs) if (c(i) === true) return v(i);
      return otherwise(i);
    };
  },
  coalesce: (args) => (i) => {
    for (const a of args) {
      const v = a.fn(i);
      if (!isEmpty(v)) return v;
    }
    return args[0].type === 'string' ? '' : null;
  },
  isempty:
    ([a]) =>
    (i) =>
      isEmpty(a.fn(i)),
  isnotempty:
    ([a]) =>
    (i) =>
      !isEmpty(a.fn(i)),
  isnull:
    ([a]) =>
    (i) =>
      a.fn(i) === null,
  isnotnull:
    ([a]) =>
    (i) =>
      a.fn(i) !== null,
  parse_json:
    ([a]) =>
    (i) =>
      parseJson(a.fn(i)),
  todynamic:
    ([a]) =>
    (i) =>
      parseJson(a.fn(i)),
  bag_pack: (args) => (i) => {
    const bag: Record<string, unknown> = {};
    for (let k = 0; k + 1 < args.length; k += 2) bag[toText(args[k].fn(i), args[k].type)] = args[k + 1].fn(i);
    return bag;
  },
  array_length:
    ([a]) =>
    (i) => {
      const v = parseJson(a.fn(i));
      return Array.isArray(v) ? v.length : null;
    },
  abs:
    ([a]) =>
    (i) => {
      const v = a.fn(i);
      return typeof v === 'number' ? Math.abs(v) : null;
    },
  round:
    ([a, d]) =>
    (i) => {
      const v = a.fn(i);
      const p = d ? Number(d.fn(i)) : 0;
      return typeof v === 'number' ? Math.round(v * 10 ** p) / 10 ** p : null;
    },
  max_of: (args) => (i) => {
    const vs = args.map((a) => a.fn(i)).filter((v) => v !== null) as number[];
    return vs.length ? vs.reduce((x, y) => (y > x ? y : x)) : null;
  },
  min_of: (args) => (i) => {
    const vs = args.map((a) => a.fn(i)).filter((v) => v !== null) as number[];
    return vs.length ? vs.reduce((x, y) => (y < x ? y : x)) : null;
  },
};

const FUNCTIONS: Record<string, FunctionImpl> = {
  ...STRING_FUNCTIONS,
  ...LOGIC_FUNCTIONS,
  ...DATETIME_FUNCTIONS,
  ...CONVERSION_FUNCTIONS,
  ...MATH_FUNCTIONS,
  ...CALENDAR_FUNCTIONS,
  ...TEXT_FUNCTIONS,
  ...ARRAY_FUNCTIONS,
  ...IPV4_FUNCTIONS,
  ...WINDOW_FUNCTIONS,
  ...SERIES_FUNCTIONS,
};
FUNCTIONS.iif = FUNCTIONS.iff;
FUNCTIONS.pack = FUNCTIONS.bag_pack;

export function callFunction(node: SyntaxNode, ctx: Ctx, compile: CompileFn): Compiled {
  const [nameNode, argList] = nodes(node);
  const name = simpleName(nameNode);
  const argNodes = argList ? nodes(argList) : [];
  const type = scalarType(node);
  if (name === 'column_ifexists') {
    const colName = textOf(argNodes[0]).replace(/^["']|["']$/g, '');
    const idx = colIndex(ctx.rel, colName);
    if (idx >= 0) return { fn: ctx.rel.cols[idx].reader(), type: ctx.rel.schema[idx].type, constant: false };
    return compile(argNodes[1], ctx);
  }
  if (name === 'ingestion_time') {
    const v = ctx.rel.ingest;
    if (!v) return constant(null, 'datetime');
    const r = v.reader();
    return { fn: r, type: 'datetime', constant: false };
  }
  const user = ctx.functions?.get(name);
  if (user) return callUserFunction(user, argNodes, ctx, compile);
  const impl = FUNCTIONS[name];
  if (!impl) {
    if (isAggregateName(name)) {
      throw new KqlError(
        'semantic',
        `The aggregate function '${name}()' can only be used in summarize (or as the aggregate of top-nested/make-series).`,
      );
    }
    throw new KqlError(
      'unsupported',
      `The function '${name}()' is not supported by the embedded KQL engine (in '${textOf(node)}').`,
      { offset: node.TextStart },
    );
  }
  if (kindOf(nameNode) !== 'NameReference' && kindOf(nameNode) !== 'BracketedName') {
    throw new KqlError('unsupported', `The call '${textOf(node)}' is not supported by the embedded KQL engine.`);
  }
  const args = argNodes.map((a) => compile(a, ctx));
  const fn = impl(args, type, ctx);
  const passthrough = args.length > 0 && fn === args[0].fn && args[0].source;
  // window functions read other rows: never constant, even without arguments
  const fixed = !(name in WINDOW_FUNCTIONS) && args.every((a) => a.constant);
  const truth =
    !fixed && (name === 'isempty' || name === 'isnotempty') ? emptinessTruth(args[0].source, name === 'isempty') : null;
  return { fn, type, constant: fixed, ...(passthrough ? { source: args[0].source } : {}), ...(truth ? { truth } : {}) };
}
