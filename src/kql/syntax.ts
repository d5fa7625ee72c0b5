/**
 * Typed helpers for walking the parser's syntax tree (the node types are declared in bridge.ts).
 * They run while an operator compiles, never per row.
 */
import { IncludeTrivia, symbolKindName, syntaxKindName, type SyntaxElement, type SyntaxNode } from './bridge';
import { KQL_TYPES, type ColumnSchema, type KqlType } from './types';

export type { SyntaxNode } from './bridge';

const kindNames = new Map<number, string>();

/** SyntaxKind name of a node or token, e.g. "FilterOperator". */
export function kindOf(node: SyntaxElement): string {
  const k = node.Kind;
  let name = kindNames.get(k);
  if (name === undefined) {
    name = syntaxKindName(k);
    kindNames.set(k, name);
  }
  return name;
}

/** Non-null children (nodes and tokens), in source order. */
export function children(node: SyntaxNode): SyntaxElement[] {
  const out: SyntaxElement[] = [];
  const n = node.ChildCount;
  for (let i = 0; i < n; i++) {
    const c = node.GetChild(i);
    if (c) out.push(c);
  }
  return out;
}

/** List and SeparatedElement only group their items: callers want the items. */
function isWrapper(kind: string): boolean {
  return kind === 'List' || kind === 'SeparatedElement';
}

/** Children that are syntax nodes (not tokens), with List/SeparatedElement wrappers flattened. */
export function nodes(node: SyntaxNode): SyntaxNode[] {
  const out: SyntaxNode[] = [];
  for (const c of children(node)) {
    if (c.IsToken) continue;
    if (isWrapper(kindOf(c))) out.push(...nodes(c));
    else out.push(c);
  }
  return out;
}

/** Token texts directly under a node (keywords like "desc", "nulls", "last"). */
export function tokens(node: SyntaxNode): string[] {
  const out: string[] = [];
  for (const c of children(node)) {
    if (c.IsToken) {
      if (c.Text) out.push(c.Text);
    } else {
      const k = kindOf(c);
      if (isWrapper(k) || k === 'TokenName') out.push(...tokens(c));
    }
  }
  return out;
}

/** Every syntax node under root (root included), parents before children, in source order. */
export function forEachNode(root: SyntaxNode, visit: (node: SyntaxNode) => void): void {
  visit(root);
  for (const c of children(root)) if (!c.IsToken) forEachNode(c, visit);
}

/**
 * Source text of a node without its leading trivia: a comment just before a node belongs to the node's
 * first token, and must not become part of a literal's or a keyword's text. Comments inside are kept.
 */
export function textOf(node: SyntaxElement): string {
  // A token, or a node of one token (most literals and names): its text, without ToString's costly walk.
  const token = node.IsToken ? node : node.ChildCount === 1 ? node.GetChild(0) : null;
  if (token?.IsToken) return token.Text ?? '';
  return (node.ToString(IncludeTrivia.Interior) ?? '').trim();
}

/** The identifier a NameReference / NameDeclaration names ('' for other nodes). */
export function simpleName(node: SyntaxNode): string {
  return node.SimpleName ?? '';
}

/** SymbolKind name of what a name resolved to ("Column", "Table", "Variable"...), or null if unresolved. */
export function symbolKind(node: SyntaxNode): string | null {
  const sym = node.ReferencedSymbol;
  return sym ? symbolKindName(sym.Kind) : null;
}

const SCALAR_TYPES: ReadonlySet<string> = new Set<KqlType>(KQL_TYPES);

function isScalarType(name: string): name is KqlType {
  return SCALAR_TYPES.has(name);
}

/** The scalar type the analyzer inferred for an expression node ('unknown' when it has none). */
export function scalarType(node: SyntaxNode): KqlType | 'unknown' {
  const name = node.ResultType?.Name ?? '';
  return isScalarType(name) ? name : 'unknown';
}

/** The column list of a tabular node's inferred type, or null if it is not tabular. */
export function tableColumns(node: SyntaxNode): ColumnSchema[] | null {
  const cols = node.ResultType?.Columns;
  if (!cols) return null;
  const out: ColumnSchema[] = [];
  for (let i = 0; i < cols.Count; i++) {
    const c = cols.getItem(i);
    const tn = c.Type?.Name ?? '';
    out.push({ name: c.Name ?? '', type: isScalarType(tn) ? tn : 'dynamic' });
  }
  return out;
}
