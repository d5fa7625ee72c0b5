/**
 * Parsing and semantic analysis with Microsoft's Kusto parser (loaded lazily by bridge.ts), with the
 * analyzed trees cached per query text and schema.
 */
import {
  kustoLanguage,
  type GlobalState,
  type KustoCode,
  type KustoDiagnostic,
  type ReadOnlyList,
  type SyntaxNode,
} from './bridge';
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

/** The database every analysis resolves table names in. */
const DATABASE = 'workspace';

/** A table as Kusto's TableSymbol constructor takes it: its name and its schema text, e.g. "(A:string, ['b c']:long)". */
interface TableSymbolText {
  name: string;
  schema: string;
}

function symbolTexts(tables: TableShape[]): TableSymbolText[] {
  return tables.map((t) => ({
    name: t.name,
    schema: '(' + t.columns.map((c) => `${quoteName(c.name)}:${c.type}`).join(', ') + ')',
  }));
}

/** A GlobalState holding one database with these tables; cached by schema. */
function globalsFor(tables: TableShape[], key = schemaKey(tables)): GlobalState {
  let g = globalsCache.get(key);
  if (g) return g;
  const kusto = kustoLanguage();
  const S = kusto.Symbols;
  const syms = symbolTexts(tables).map((t) => new S.TableSymbol.$ctor7(t.name, t.schema, null));
  g = kusto.GlobalState.Default.WithDatabase(new S.DatabaseSymbol.ctor(DATABASE, syms));
  if (globalsCache.size > 32) globalsCache.clear();
  globalsCache.set(key, g);
  return g;
}

/**
 * One analysis as a process that has no module system can redo it (the CLI's parser snapshot): the query, the
 * tables as symbol texts, the database name, and the key this file looks it up by.
 */
export interface AnalysisRequest {
  key: string;
  text: string;
  database: string;
  tables: TableSymbolText[];
}

/**
 * Where a process started from the CLI's parser snapshot (src/cli/parserSnapshot.ts) finds the analyses made when
 * the snapshot was built, by AnalysisRequest.key. They were made by the same parser from the same query text and
 * schema, so they are the analyses this process would make.
 */
export const HELD_ANALYSES = '__apimTriageHeldAnalyses';

interface HeldAnalysis {
  code: KustoCode;
  request: AnalysisRequest;
}

function heldAnalyses(): Map<string, HeldAnalysis> | undefined {
  return (globalThis as { [HELD_ANALYSES]?: Map<string, HeldAnalysis> })[HELD_ANALYSES];
}

/** The analyses this process asked for, most recent last, and how many of them no snapshot held. */
const asked = new Map<string, AnalysisRequest>();
let analysedHere = 0;
const ASKED_LIMIT = 48;

function noteAsked(key: string, request: () => AnalysisRequest, held: boolean): void {
  if (!held) analysedHere++;
  const prior = asked.get(key);
  asked.delete(key);
  asked.set(key, prior ?? request());
  if (asked.size > ASKED_LIMIT) asked.delete(asked.keys().next().value as string);
}

/**
 * The analyses worth holding in the next parser snapshot: those this process asked for (most recent first), then
 * the rest of those its snapshot held, at most ASKED_LIMIT; `missed` counts the ones no snapshot held.
 */
export function analysesToHold(): { requests: AnalysisRequest[]; missed: number } {
  const out = new Map<string, AnalysisRequest>();
  for (const [key, r] of [...asked].reverse()) out.set(key, r);
  for (const [key, h] of heldAnalyses() ?? []) if (!out.has(key)) out.set(key, h.request);
  return { requests: [...out.values()].slice(0, ASKED_LIMIT), missed: analysedHere };
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
  const held = heldAnalyses()?.get(key);
  noteAsked(key, () => ({ key, text, database: DATABASE, tables: symbolTexts(tables) }), held !== undefined);
  const code = held?.code ?? kustoLanguage().KustoCode.ParseAndAnalyze(text, globalsFor(tables, sk));
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
