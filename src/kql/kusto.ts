/**
 * Bridge to Microsoft's Kusto parser (@kusto/language-service-next, a Bridge.NET build).
 * It is slow to load (~0.3 s) and to parse the first time (~0.8 s), so it loads lazily, once per process.
 * The Bridge objects are untyped here on purpose: the d.ts declares globals that do not fit CommonJS.
 */
import type { ColumnSchema, KqlType } from './types';

/* eslint-disable @typescript-eslint/no-explicit-any */
export type KNode = any;

interface KustoApi {
  Kusto: any;
  System: any;
}

let api: KustoApi | null = null;

function load(): KustoApi {
  if (api) return api;
  require('@kusto/language-service-next/bridge.js');
  require('@kusto/language-service-next');
  const g = globalThis as any;
  api = { Kusto: g.Kusto, System: g.System };
  return api;
}

const kindNames = new Map<number, string>();

/** SyntaxKind name of a node, e.g. "FilterOperator". */
export function kindOf(node: KNode): string {
  const k = node.Kind as number;
  let name = kindNames.get(k);
  if (name === undefined) {
    const { Kusto, System } = load();
    name = System.Enum.toString(Kusto.Language.Syntax.SyntaxKind, k) as string;
    kindNames.set(k, name);
  }
  return name;
}

/** Non-null children, in source order. */
export function children(node: KNode): KNode[] {
  const out: KNode[] = [];
  const n = node.ChildCount as number;
  for (let i = 0; i < n; i++) {
    const c = node.GetChild(i);
    if (c) out.push(c);
  }
  return out;
}

/** Children that are syntax nodes (not tokens), with List/SeparatedElement wrappers flattened. */
export function nodes(node: KNode): KNode[] {
  const out: KNode[] = [];
  for (const c of children(node)) {
    if (c.IsToken) continue;
    const k = kindOf(c);
    if (k === 'List' || k === 'SeparatedElement') out.push(...nodes(c));
    else out.push(c);
  }
  return out;
}

/** Token texts directly under a node (keywords like "desc", "nulls", "last"). */
export function tokens(node: KNode): string[] {
  const out: string[] = [];
  for (const c of children(node)) {
    if (c.IsToken) {
      if (c.Text) out.push(c.Text as string);
    } else {
      const k = kindOf(c);
      if (k === 'List' || k === 'SeparatedElement' || k === 'TokenName') out.push(...tokens(c));
    }
  }
  return out;
}

/** Full source text of a node, without trivia (comments and whitespace before it). */
export function textOf(node: KNode): string {
  return (node.ToString(0) as string).trim();
}

/** The identifier a NameReference / NameDeclaration names. */
export function simpleName(node: KNode): string {
  return node.SimpleName as string;
}

export function symbolKind(node: KNode): string | null {
  const sym = node.ReferencedSymbol;
  if (!sym) return null;
  const { Kusto, System } = load();
  return System.Enum.toString(Kusto.Language.Symbols.SymbolKind, sym.Kind) as string;
}

const SCALAR_TYPES = new Set<string>([
  'string',
  'long',
  'int',
  'real',
  'bool',
  'datetime',
  'timespan',
  'dynamic',
  'guid',
  'decimal',
]);

/** The scalar type the analyzer inferred for an expression node ('unknown' when it has none). */
export function scalarType(node: KNode): KqlType | 'unknown' {
  const t = node.ResultType;
  const name = t ? (t.Name as string) : '';
  return SCALAR_TYPES.has(name) ? (name as KqlType) : 'unknown';
}

/** The column list of a tabular node's inferred type, or null if it is not tabular. */
export function tableColumns(node: KNode): ColumnSchema[] | null {
  const t = node.ResultType;
  if (!t || !t.Columns) return null;
  const cols = t.Columns;
  const out: ColumnSchema[] = [];
  for (let i = 0; i < cols.Count; i++) {
    const c = cols.getItem(i);
    const tn = c.Type.Name as string;
    out.push({ name: c.Name as string, type: (SCALAR_TYPES.has(tn) ? tn : 'dynamic') as KqlType });
  }
  return out;
}

export interface Diagnostic {
  code: string;
  message: string;
  severity: string;
  start: number;
  length: number;
}

function diagnosticsOf(list: any): Diagnostic[] {
  const out: Diagnostic[] = [];
  for (let i = 0; i < list.Count; i++) {
    const d = list.getItem(i);
    out.push({ code: d.Code, message: d.Message, severity: d.Severity, start: d.Start, length: d.Length });
  }
  return out;
}

/** Kusto's own quoting for a name in a schema string, e.g. ['my col']. */
function quoteName(name: string): string {
  return /^[A-Za-z_][A-Za-z0-9_]*$/.test(name) ? name : `['${name.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}']`;
}

export interface TableShape {
  name: string;
  columns: ColumnSchema[];
}

const globalsCache = new Map<string, any>();

function schemaKey(tables: TableShape[]): string {
  return JSON.stringify(tables.map((t) => [t.name, t.columns.map((c) => c.name + ':' + c.type)]));
}

/** A GlobalState holding one database with these tables; cached by schema. */
function globalsFor(tables: TableShape[], key = schemaKey(tables)): any {
  let g = globalsCache.get(key);
  if (g) return g;
  const { Kusto } = load();
  const S = Kusto.Language.Symbols;
  const syms = tables.map((t) => {
    const schema = '(' + t.columns.map((c) => `${quoteName(c.name)}:${c.type}`).join(', ') + ')';
    return new S.TableSymbol.$ctor7(t.name, schema, null);
  });
  g = Kusto.Language.GlobalState.Default.WithDatabase(new S.DatabaseSymbol.ctor('workspace', syms));
  if (globalsCache.size > 32) globalsCache.clear();
  globalsCache.set(key, g);
  return g;
}

export interface Parsed {
  root: KNode;
  syntaxErrors: Diagnostic[];
  /** Every diagnostic of semantic analysis (includes syntax ones). */
  diagnostics: Diagnostic[];
}

/**
 * Recently analyzed queries. Semantic analysis costs ~10-40 ms, more than evaluating a recipe over a
 * 15-minute window, and the same recipe text runs again and again (pinned cards, re-runs). The
 * analyzed trees are immutable, so sharing them is safe.
 */
const parseCache = new Map<string, Parsed>();
const PARSE_CACHE_SIZE = 64;

/** Parse and analyze against the given tables. */
export function parseAndAnalyze(text: string, tables: TableShape[]): Parsed {
  const sk = schemaKey(tables);
  const key = sk + '\u0000' + text;
  const hit = parseCache.get(key);
  if (hit) {
    parseCache.delete(key); // refresh its LRU position
    parseCache.set(key, hit);
    return hit;
  }
  const { Kusto } = load();
  const code = Kusto.Language.KustoCode.ParseAndAnalyze(text, globalsFor(tables, sk));
  const syntaxErrors = diagnosticsOf(code.GetSyntaxDiagnostics()).filter((d) => d.severity === 'Error');
  const parsed = { root: code.Syntax, syntaxErrors, diagnostics: diagnosticsOf(code.GetDiagnostics()) };
  parseCache.set(key, parsed);
  if (parseCache.size > PARSE_CACHE_SIZE) parseCache.delete(parseCache.keys().next().value as string);
  return parsed;
}

/** Parse only (no schema): for syntax checks and walking operators. */
export function parseOnly(text: string): { root: KNode; syntaxErrors: Diagnostic[] } {
  const { Kusto } = load();
  const code = Kusto.Language.KustoCode.Parse(text);
  return {
    root: code.Syntax,
    syntaxErrors: diagnosticsOf(code.GetSyntaxDiagnostics()).filter((d) => d.severity === 'Error'),
  };
}

/**
 * Load the parser and run its one-time initialisation now (~1 s) rather than inside the first
 * query: call at server start, or in a test's beforeAll.
 */
export function preloadParser(): void {
  parseAndAnalyze('print 1', []);
}
