/**
 * The one boundary with Microsoft's Kusto parser (@kusto/language-service-next, a Bridge.NET build).
 *
 * The package declares its classes as global namespaces (`Kusto.Language...`, `System`, `Bridge`). Pulling
 * those declarations into the program would make the `Kusto` global look available in every file, although
 * it exists only after the lazy load below. So this file declares, structurally, just the members the engine
 * reads; the names and member types mirror the package's own declarations (Kusto.Language.Syntax.SyntaxNode,
 * Kusto.Language.Symbols.TypeSymbol, Kusto.Language.KustoCode, ...). Everything else in src/kql uses these
 * types; only `load()` touches the untyped globals.
 */

/** System.Collections.Generic.IReadOnlyList as the bridge exposes it. */
export interface ReadOnlyList<T> {
  readonly Count: number;
  getItem(index: number): T;
}

/** Kusto.Language.Symbols.Symbol: a name the analyzer resolved (table, column, variable, function, type...). */
interface KustoSymbol {
  readonly Name: string | null;
  /** A Kusto.Language.Symbols.SymbolKind value. */
  readonly Kind: number;
}

/** Kusto.Language.Symbols.TypeSymbol (ScalarSymbol, TableSymbol, ...). */
interface TypeSymbol extends KustoSymbol {
  /** TableSymbol.Columns: present on tabular types only. */
  readonly Columns?: ReadOnlyList<ColumnSymbol>;
}

/** Kusto.Language.Symbols.ColumnSymbol. */
interface ColumnSymbol extends KustoSymbol {
  readonly Type: TypeSymbol | null;
}

/** Kusto.Language.Syntax.IncludeTrivia: which comments and whitespace ToString keeps. */
export const IncludeTrivia = { All: 0, Interior: 1, Minimal: 2, SingleLine: 3 } as const;
type IncludeTriviaValue = (typeof IncludeTrivia)[keyof typeof IncludeTrivia];

/** Members Kusto.Language.Syntax.SyntaxElement gives both nodes and tokens. */
interface SyntaxElementBase {
  /** A Kusto.Language.Syntax.SyntaxKind value. */
  readonly Kind: number;
  readonly Parent: SyntaxNode | null;
  /** Offset of the first character after leading trivia. */
  readonly TextStart: number;
  /** Length without leading trivia. */
  readonly Width: number;
  ToString(includeTrivia: IncludeTriviaValue): string | null;
}

/** Kusto.Language.Syntax.SyntaxToken: a keyword, identifier, literal or punctuation. */
interface SyntaxToken extends SyntaxElementBase {
  readonly IsToken: true;
  readonly Text: string | null;
}

/**
 * Kusto.Language.Syntax.SyntaxNode. Members that only some subclasses declare are optional: on other
 * nodes the property is simply absent at run time, and the helpers in syntax.ts treat that as "none".
 */
export interface SyntaxNode extends SyntaxElementBase {
  readonly IsToken: false;
  readonly ChildCount: number;
  /** null for an optional child that is absent. */
  GetChild(index: number): SyntaxElement | null;
  /** The symbol a name or call resolved to (null when none). */
  readonly ReferencedSymbol: KustoSymbol | null;
  /** Expression.ResultType: the type the analyzer inferred. */
  readonly ResultType?: TypeSymbol | null;
  /** NameReference / NameDeclaration / Name nodes: the identifier without brackets or quotes. */
  readonly SimpleName?: string | null;
}

export type SyntaxElement = SyntaxNode | SyntaxToken;

/** Kusto.Language.Diagnostic. */
export interface KustoDiagnostic {
  readonly Code: string | null;
  readonly Message: string | null;
  /** "Error", "Warning", ... */
  readonly Severity: string | null;
  readonly Start: number;
  readonly Length: number;
}

/** Kusto.Language.KustoCode: a parsed (and maybe analyzed) query. */
export interface KustoCode {
  readonly Syntax: SyntaxNode;
  GetSyntaxDiagnostics(): ReadOnlyList<KustoDiagnostic>;
  GetDiagnostics(): ReadOnlyList<KustoDiagnostic>;
}

/** Kusto.Language.GlobalState: the databases, tables and functions names resolve against. */
export interface GlobalState {
  WithDatabase(database: DatabaseSymbol): GlobalState;
}

/** Kusto.Language.Symbols.TableSymbol as constructed from a schema string. */
interface TableSymbol extends TypeSymbol {
  readonly Columns: ReadOnlyList<ColumnSymbol>;
}

/** Kusto.Language.Symbols.DatabaseSymbol. */
type DatabaseSymbol = KustoSymbol;

/** A Bridge.NET enum type; only handed back to System.Enum.toString. */
interface BridgeEnum {
  readonly $kind: 'enum';
}

/** The globals the two scripts define, narrowed to the entry points the engine calls. */
interface KustoGlobals {
  Kusto: {
    Language: {
      KustoCode: {
        Parse(text: string): KustoCode;
        ParseAndAnalyze(text: string, globals: GlobalState): KustoCode;
      };
      GlobalState: { Default: GlobalState };
      Symbols: {
        /** TableSymbol(name, "(Col:type, ...)", description) */
        TableSymbol: { $ctor7: new (name: string, schema: string, description: string | null) => TableSymbol };
        DatabaseSymbol: { ctor: new (name: string, tables: TableSymbol[]) => DatabaseSymbol };
        SymbolKind: BridgeEnum;
      };
      Syntax: { SyntaxKind: BridgeEnum };
    };
  };
  System: { Enum: { toString(enumType: BridgeEnum, value: number): string } };
}

type KustoApi = KustoGlobals['Kusto']['Language'];

let loaded: KustoGlobals | null = null;

/** Load the parser on first use (~0.3 s, ~150 MB): only queries on the embedded engine need it. */
function load(): KustoGlobals {
  if (loaded) return loaded;
  // The one cast: the scripts assign these globals; their shape is declared above.
  const g = globalThis as Partial<KustoGlobals>;
  // A process started from the CLI's parser snapshot (src/cli/parserSnapshot.ts) has them already.
  if (!g.Kusto || !g.System) {
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- lazy on purpose (see above); the scripts only define globals
    require('@kusto/language-service-next/bridge.js');
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- as above
    require('@kusto/language-service-next');
  }
  if (!g.Kusto || !g.System)
    throw new Error('@kusto/language-service-next did not define the Kusto and System globals.');
  loaded = { Kusto: g.Kusto, System: g.System };
  return loaded;
}

/** Kusto.Language, loaded on first use. */
export function kustoLanguage(): KustoApi {
  return load().Kusto.Language;
}

/** The name of a SyntaxKind value, e.g. "FilterOperator". */
export function syntaxKindName(kind: number): string {
  const { Kusto, System } = load();
  return System.Enum.toString(Kusto.Language.Syntax.SyntaxKind, kind);
}

/** The name of a SymbolKind value, e.g. "Column", "Table", "Variable". */
export function symbolKindName(kind: number): string {
  const { Kusto, System } = load();
  return System.Enum.toString(Kusto.Language.Symbols.SymbolKind, kind);
}
