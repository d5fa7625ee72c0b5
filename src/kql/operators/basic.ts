/** Row-preserving and column-shaping operators: where, project*, extend, take, distinct, count, getschema. */
import { KqlError } from '../errors';
import { kindOf, nodes, simpleName, textOf, type SyntaxNode } from '../syntax';
import { colIndex, takeRows, type Relation } from '../relation';
import { compileExpr } from '../compile/expressions';
import { ArrayVec, ConstVec } from '../vectors';
import { scratchI32 } from '../scratch';
import { selectTrue } from '../compile/truth';
import { analyzerInputNames, ctxFor, materialize, outputSchema, type Env } from './env';
import type { ColumnSchema } from '../types';

export function where(op: SyntaxNode, input: Relation, env: Env): Relation {
  const pred = compileExpr(nodes(op)[0], ctxFor(input, env));
  let keep: Int32Array;
  let k = 0;
  if (pred.truth && !pred.constant) ({ rows: keep, count: k } = selectTrue(pred.truth, input.n));
  else {
    const f = pred.fn;
    keep = scratchI32('where', input.n);
    for (let i = 0; i < input.n; i++) if (f(i) === true) keep[k++] = i;
  }
  if (k === input.n) return input;
  return takeRows(input, keep.slice(0, k));
}

/**
 * project / extend: expressions evaluate left to right and may use columns defined earlier in the
 * same operator; names and types come from Kusto's inferred output schema.
 */
export function projectOrExtend(op: SyntaxNode, input: Relation, env: Env, extend: boolean): Relation {
  const exprs = nodes(op);
  const inputNames = new Set(input.schema.map((c) => c.name));
  const explicit = new Set(
    exprs.map((e) =>
      kindOf(e) === 'SimpleNamedExpression'
        ? simpleName(nodes(e)[0])
        : kindOf(e) === 'NameReference'
          ? simpleName(e)
          : '',
    ),
  );
  const carried = extend ? analyzerInputNames(op) : new Set<string>();
  // extend passes input columns through: ones the analyzer expected but a union left out are not there
  const schema = outputSchema(op).filter(
    (c) => !(extend && carried.has(c.name) && !inputNames.has(c.name) && !explicit.has(c.name)),
  );
  // names Kusto generated for unnamed computed expressions (Column1, ...), in order
  const generated = schema
    .map((c) => c.name)
    .filter((n) => !explicit.has(n) && !(extend && (inputNames.has(n) || carried.has(n))));
  const work: Relation = { schema: [...input.schema], cols: [...input.cols], n: input.n, ingest: input.ingest };
  for (const e of exprs) {
    let name: string;
    let body: SyntaxNode;
    if (kindOf(e) === 'SimpleNamedExpression') {
      [, body] = nodes(e);
      name = simpleName(nodes(e)[0]);
    } else {
      body = e;
      name = kindOf(e) === 'NameReference' ? simpleName(e) : (generated.shift() ?? textOf(e));
    }
    if (kindOf(body) === 'TupleExpression')
      throw new KqlError('unsupported', `Tuple assignment '${textOf(e)}' is not supported by the embedded KQL engine.`);
    let vec;
    let type = schema.find((c) => c.name === name)?.type;
    if (kindOf(body) === 'NameReference' && colIndex(work, simpleName(body)) >= 0) {
      const idx = colIndex(work, simpleName(body));
      vec = work.cols[idx]; // plain column: reuse storage, no copy
      type = type ?? work.schema[idx].type;
    } else {
      const c = compileExpr(body, ctxFor(work, env));
      vec = c.constant ? new ConstVec(c.fn(0), work.n) : (c.source ?? materialize(c, work.n));
      type = type ?? (c.type === 'unknown' ? 'dynamic' : c.type);
    }
    const at = colIndex(work, name);
    const col: ColumnSchema = { name, type };
    if (at >= 0) {
      work.schema[at] = col;
      work.cols[at] = vec;
    } else {
      work.schema.push(col);
      work.cols.push(vec);
    }
  }
  return pick(work, schema);
}

/** Select the columns of `schema` (by name) from a relation, in that order. */
export function pick(rel: Relation, schema: ColumnSchema[]): Relation {
  const cols = schema.map((c) => {
    const i = colIndex(rel, c.name);
    if (i < 0) throw new KqlError('semantic', `Column '${c.name}' was expected but not produced.`);
    return rel.cols[i];
  });
  return { schema, cols, n: rel.n, ingest: rel.ingest };
}

export function projectAway(op: SyntaxNode, input: Relation): Relation {
  // project-away only removes: an expected column the input lacks was left out upstream (see union)
  return pick(
    input,
    outputSchema(op).filter((c) => colIndex(input, c.name) >= 0),
  );
}

export function projectRename(op: SyntaxNode, input: Relation): Relation {
  const schema = [...input.schema];
  for (const e of nodes(op)) {
    const [decl, ref] = nodes(e);
    const i = colIndex(input, simpleName(ref));
    if (i < 0) throw new KqlError('semantic', `project-rename: no column '${simpleName(ref)}'.`);
    schema[i] = { name: simpleName(decl), type: schema[i].type };
  }
  return { ...input, schema };
}

/** take / limit: the first N rows (Kusto: an arbitrary N; here the first N in current order). */
/** The row count of take/limit/top: a constant expression, at most the input's rows. */
export function takeCount(countExpr: SyntaxNode, input: Relation, env: Env): number {
  const c = compileExpr(countExpr, ctxFor(input, env));
  return Math.max(0, Math.min(input.n, Number(c.fn(0) ?? 0)));
}

export function take(op: SyntaxNode, input: Relation, env: Env): Relation {
  const n = takeCount(nodes(op)[0], input, env);
  if (n >= input.n) return input;
  const idx = new Int32Array(n);
  for (let i = 0; i < n; i++) idx[i] = i;
  return takeRows(input, idx);
}

export function count(input: Relation): Relation {
  return { schema: [{ name: 'Count', type: 'long' }], cols: [new ArrayVec([input.n])], n: 1, ingest: null };
}

/** getschema: one row per column, as Kusto returns it. */
export function getschema(input: Relation): Relation {
  const dataType: Record<string, string> = {
    string: 'System.String',
    long: 'System.Int64',
    int: 'System.Int32',
    real: 'System.Double',
    bool: 'System.SByte',
    datetime: 'System.DateTime',
    timespan: 'System.TimeSpan',
    dynamic: 'System.Object',
    guid: 'System.Guid',
    decimal: 'System.Data.SqlTypes.SqlDecimal',
  };
  const s = input.schema;
  return {
    schema: [
      { name: 'ColumnName', type: 'string' },
      { name: 'ColumnOrdinal', type: 'long' },
      { name: 'DataType', type: 'string' },
      { name: 'ColumnType', type: 'string' },
    ],
    cols: [
      new ArrayVec(s.map((c) => c.name)),
      new ArrayVec(s.map((_, i) => i)),
      new ArrayVec(s.map((c) => dataType[c.type] ?? 'System.Object')),
      new ArrayVec(s.map((c) => c.type)),
    ],
    n: s.length,
    ingest: null,
  };
}
