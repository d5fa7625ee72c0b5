/**
 * Parsing and semantic analysis with Microsoft's Kusto parser (loaded lazily by bridge.ts), with the
 * analyzed trees cached per query text and schema.
 */
import { kustoLanguage, type GlobalState, type KustoDiagnostic, type ReadOnlyList, type SyntaxNode } from './bridge';
import type { ColumnSchema } from './types';

export interface Diagnostic {
  code: string;
  message: string;
  severity: string;
  start: number;
  length: number;
}

function diagnosticsOf(list: ReadOnlyList<KustoDiagnostic>): Diagnostic[] {
  const out: Diagnostic[] = [];
  for (let i = 0; i < list.Count; i++) {
    const d = list.getItem(i);
    out.push({
      code: d.Code ?? '',
      message: d.Message ?? '',
      severity: d.Severity ?? '',
      start: d.Start,
      length: d.Length,
    });
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

const globalsCache = new Map<string, GlobalState>();

function schemaKey(tables: TableShape[]): string {
  return JSON.stringify(tables.map((t) => [t.name, t.columns.map((c) => c.name + ':' + c.type)]));
}

/** A GlobalState holding one database with these tables; cached by schema. */
function globalsFor(tables: TableShape[], key = schemaKey(tables)): GlobalState {
  let g = globalsCache.get(key);
  if (g) return g;
  const kusto = kustoLanguage();
  const S = kusto.Symbols;
  const syms = tables.map((t) => {
    const schema = '(' + t.columns.map((c) => `${quoteName(c.name)}:${c.type}`).join(', ') + ')';
    return new S.TableSymbol.$ctor7(t.name, schema, null);
  });
  g = kusto.GlobalState.Default.WithDatabase(new S.DatabaseSymbol.ctor('workspace', syms));
  if (globalsCache.size > 32) globalsCache.clear();
  globalsCache.set(key, g);
  return g;
}

export interface Parsed {
  root: SyntaxNode;
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
  const code = kustoLanguage().KustoCode.ParseAndAnalyze(text, globalsFor(tables, sk));
  const syntaxErrors = diagnosticsOf(code.GetSyntaxDiagnostics()).filter((d) => d.severity === 'Error');
  const parsed: Parsed = { root: code.Syntax, syntaxErrors, diagnostics: diagnosticsOf(code.GetDiagnostics()) };
  parseCache.set(key, parsed);
  if (parseCache.size > PARSE_CACHE_SIZE) parseCache.delete(parseCache.keys().next().value as string);
  return parsed;
}

/** Parse only (no schema): for syntax checks and walking operators. */
export function parseOnly(text: string): { root: SyntaxNode; syntaxErrors: Diagnostic[] } {
  const code = kustoLanguage().KustoCode.Parse(text);
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
