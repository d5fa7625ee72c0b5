/** runQuery: parse with Kusto's parser, report its errors as KqlError, evaluate statements. */
import { KqlError, asKqlError, closestNames, lineAndColumn } from './errors';
import { declareFunction } from './functions/user';
import type { Diagnostic } from './kusto';
import { analyzeSharingLetLiterals } from './shape';
import { children, forEachNode, kindOf, nodes, simpleName, tableColumns, textOf, type SyntaxNode } from './syntax';
import type { Workspace } from './storage';
import type { Cell, ResultTable } from './types';
import { toCell } from './values';
import { evalScalar, evalTabular, type EvalState } from './pipeline';
import type { Relation } from './relation';

export interface RunOptions {
  /** The clock for now() and ago(). */
  now: Date;
}

export interface QueryResult {
  tables: ResultTable[];
  /** Rows actually read from base tables (after time-index pushdown). */
  rowsExamined: number;
}

/** Semantic diagnostics about names (unknown column, table, function...) as opposed to types. */
const NAME_MESSAGE = /does not refer to any known|unknown (table|column|function|database|cluster)|not found/i;

function diagnosticError(kind: 'syntax' | 'semantic', d: Diagnostic, text: string, suggestions?: string[]): KqlError {
  const { line, column } = lineAndColumn(text, d.start);
  const hint =
    suggestions && suggestions.length ? ` Did you mean ${suggestions.map((s) => `'${s}'`).join(' or ')}?` : '';
  return new KqlError(
    kind,
    `${kind === 'syntax' ? 'Syntax error' : 'Semantic error'} at line ${line}, column ${column}: ${d.code} ${d.message}${hint}`,
    {
      code: d.code,
      line,
      column,
      offset: d.start,
      ...(kind === 'semantic' ? { reason: NAME_MESSAGE.test(d.message) ? 'unknown-name' : 'type' } : {}),
      ...(suggestions ? { suggestions } : {}),
    },
  );
}

/** Every column name visible anywhere in the query plus table and let names: "did you mean" candidates. */
function knownNames(root: SyntaxNode, ws: Workspace): string[] {
  const names = new Set<string>(ws.tableNames());
  for (const t of ws.tableNames()) for (const c of ws.schemaOf(t)) names.add(c.name);
  forEachNode(root, (n) => {
    const cols = tableColumns(n);
    if (cols) for (const c of cols) names.add(c.name);
    if (kindOf(n) === 'NameDeclaration') names.add(simpleName(n));
  });
  return [...names];
}

/** The innermost node covering a text offset. */
function nodeAt(root: SyntaxNode, offset: number): SyntaxNode[] {
  const path: SyntaxNode[] = [];
  let n: SyntaxNode | null = root;
  while (n) {
    path.push(n);
    let next: SyntaxNode | null = null;
    for (const c of children(n)) {
      if (!c.IsToken && offset >= c.TextStart && offset < c.TextStart + c.Width) next = c;
    }
    n = next;
  }
  return path;
}

/**
 * The analyzer types count()'s argument as a predicate (KS107 "A value of type bool expected") for
 * count(Column), which Log Analytics runs (Microsoft's own samples: `summarize count(CorrelationId)`),
 * counting the rows where the value is not null. That diagnostic is not an error here.
 */
function isCountOfValue(root: SyntaxNode, d: Diagnostic): boolean {
  if (d.code !== 'KS107') return false;
  const path = nodeAt(root, d.start);
  const call = path.findLast((n) => kindOf(n) === 'FunctionCallExpression');
  if (!call) return false;
  const name = nodes(call)[0];
  return kindOf(name) === 'NameReference' && simpleName(name) === 'count' && nodes(call)[1] !== undefined;
}

function toTable(name: string, rel: Relation): ResultTable {
  const readers = rel.cols.map((c) => c.reader());
  const types = rel.schema.map((c) => c.type);
  const rows = new Array<Cell[]>(rel.n);
  for (let i = 0; i < rel.n; i++) rows[i] = readers.map((r, c) => toCell(r(i), types[c]));
  return { name, columns: rel.schema.map((c) => ({ name: c.name, type: c.type })), rows };
}

export function runQuery(ws: Workspace, kql: string, opts: RunOptions): QueryResult {
  try {
    return run(ws, kql, opts);
  } catch (e) {
    throw asKqlError(e).located(kql);
  }
}

function run(ws: Workspace, kql: string, opts: RunOptions): QueryResult {
  if (typeof kql !== 'string' || kql.trim() === '')
    throw new KqlError(
      'syntax',
      'The query is empty. Example: GatewayLogs | where TimeGenerated > ago(15m) | summarize count() by ApiId',
      { offset: 0 },
    );
  const now = opts?.now instanceof Date ? opts.now.getTime() : NaN;
  if (Number.isNaN(now)) throw new KqlError('runtime', 'runQuery needs opts.now (a valid Date) for now() and ago().');
  const shapes = ws.tableNames().map((n) => ({ name: n, columns: ws.schemaOf(n) }));
  const { parsed, text, letValues, queryOffset } = analyzeSharingLetLiterals(kql, shapes);
  if (parsed.syntaxErrors.length) throw diagnosticError('syntax', parsed.syntaxErrors[0], kql);
  const semantic = parsed.diagnostics.find((d) => d.severity === 'Error' && !isCountOfValue(parsed.root, d));
  if (semantic) {
    let suggestions: string[] | undefined;
    const m = /The name '([^']+)'/.exec(semantic.message);
    if (m) suggestions = closestNames(m[1], knownNames(parsed.root, ws));
    throw diagnosticError('semantic', semantic, kql, suggestions);
  }
  // A fuzzy union's unknown tables are warnings (KS205), not errors: the union leaves those legs out.
  const unresolved = parsed.diagnostics
    .filter((d) => d.code === 'KS205')
    .map((d) => ({ at: d.start, name: text.substr(d.start, d.length) }));
  const st: EvalState = {
    ws,
    views: new Map(),
    scalars: new Map(),
    functions: new Map(),
    now,
    rowsExamined: 0,
    unresolved,
  };
  const tables: ResultTable[] = [];
  for (const stmt of nodes(parsed.root)) {
    try {
      const k = kindOf(stmt);
      if (k === 'LetStatement') {
        const [decl, value] = nodes(stmt);
        const name = simpleName(decl);
        const literal = letValues.get(value.TextStart);
        if (literal) {
          st.views.delete(name);
          st.scalars.set(name, { value: literal.value, type: literal.type });
        } else if (kindOf(value) === 'FunctionDeclaration') {
          st.views.delete(name);
          st.functions.set(name, declareFunction(name, value));
        } else if (tableColumns(value)) st.views.set(name, { body: value, scope: new Map(st.views) });
        else {
          st.views.delete(name);
          st.scalars.set(name, evalScalar(value, st));
        }
      } else if (k === 'ExpressionStatement') {
        const expr = nodes(stmt)[0];
        if (!tableColumns(expr))
          throw new KqlError(
            'unsupported',
            `The statement '${textOf(stmt).slice(0, 60)}' is not a tabular query; to see a scalar value, use print (e.g. print x = 1 + 1).`,
          );
        const rel = evalTabular(expr, st);
        tables.push(toTable(tables.length === 0 ? 'PrimaryResult' : `Table_${tables.length}`, rel));
      } else if (k !== 'EndOfTextToken') {
        throw new KqlError(
          'unsupported',
          `The statement '${textOf(stmt).slice(0, 60)}' (${k}) is not supported by the embedded KQL engine.`,
        );
      }
    } catch (e) {
      throw asKqlError(e).at(stmt.TextStart).offsetIn(queryOffset);
    }
  }
  if (tables.length === 0)
    throw new KqlError('semantic', 'The query has no tabular expression to return (only let statements).', {
      offset: kql.length,
    });
  return { tables, rowsExamined: st.rowsExamined };
}
