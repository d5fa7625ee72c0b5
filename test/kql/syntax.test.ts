/**
 * The typed view of the parser's tree (src/kql/bridge.ts declares it structurally): the members it
 * declares exist at run time with the declared types, and the walking helpers read them correctly.
 * Expected values are written out by hand from the query text.
 */
import { parseAndAnalyze, parseOnly } from '../../src/kql/kusto';
import {
  children,
  forEachNode,
  kindOf,
  nodes,
  scalarType,
  simpleName,
  symbolKind,
  tableColumns,
  textOf,
  tokens,
  type SyntaxNode,
} from '../../src/kql/syntax';
import { cols } from './helpers';

const tables = [{ name: 'Logs', columns: cols('TimeGenerated:datetime, ApiId:string, Code:long') }];
const query = 'Logs | where Code >= 500 | summarize n = count() by ApiId | sort by n desc nulls first';

function allNodes(root: SyntaxNode): SyntaxNode[] {
  const out: SyntaxNode[] = [];
  forEachNode(root, (n) => out.push(n));
  return out;
}

function firstOfKind(root: SyntaxNode, kind: string): SyntaxNode {
  const found = allNodes(root).find((n) => kindOf(n) === kind);
  if (!found) throw new Error(`no ${kind} in the tree`);
  return found;
}

describe('the parser tree matches the declared shape', () => {
  const { root } = parseAndAnalyze(query, tables);

  test('every node and token has the declared members and member types', () => {
    let tokenCount = 0;
    for (const n of allNodes(root)) {
      expect(n.IsToken).toBe(false);
      expect(typeof n.Kind).toBe('number');
      expect(typeof n.ChildCount).toBe('number');
      expect(typeof n.TextStart).toBe('number');
      expect(typeof n.Width).toBe('number');
      expect(typeof n.ToString(0)).toBe('string');
      for (const c of children(n)) {
        expect(c.Parent).toBe(n);
        if (c.IsToken) {
          tokenCount++;
          expect(typeof c.Text).toBe('string');
        }
      }
    }
    expect(tokenCount).toBeGreaterThan(10);
  });

  test('the root has no parent; offsets are positions in the query text', () => {
    expect(root.Parent).toBeNull();
    const filter = firstOfKind(root, 'FilterOperator');
    expect(query.substr(filter.TextStart, filter.Width)).toBe('where Code >= 500');
  });
});

describe('walking helpers', () => {
  const { root } = parseAndAnalyze(query, tables);

  test('forEachNode visits parents before children, in source order', () => {
    const operators = allNodes(root)
      .map(kindOf)
      .filter((k) => k.endsWith('Operator'));
    // the pipe chain nests to the left (the outermost pipe ends with sort), so pre-order is source order
    expect(operators).toEqual(['FilterOperator', 'SummarizeOperator', 'SortOperator']);
  });

  test('nodes() flattens List and SeparatedElement wrappers and skips tokens', () => {
    const summarize = firstOfKind(root, 'SummarizeOperator');
    expect(nodes(summarize).map(kindOf)).toEqual(['SimpleNamedExpression', 'SummarizeByClause']);
    const by = nodes(summarize)[1];
    expect(nodes(by).map((n) => simpleName(n))).toEqual(['ApiId']);
  });

  test('tokens() lists the keywords of a sort clause', () => {
    const ordered = firstOfKind(root, 'OrderedExpression');
    const [, clause] = nodes(ordered);
    expect(tokens(ordered)).toEqual([]);
    expect(tokens(clause)).toEqual(['desc']);
    const nullsClause = nodes(clause)[0];
    expect(tokens(nullsClause)).toEqual(['nulls', 'first']);
  });

  test('textOf, simpleName and symbolKind', () => {
    const filter = firstOfKind(root, 'FilterOperator');
    expect(textOf(filter)).toBe('where Code >= 500');
    const [cmp] = nodes(filter);
    const [code, literal] = nodes(cmp);
    expect(simpleName(code)).toBe('Code');
    expect(symbolKind(code)).toBe('Column');
    expect(simpleName(literal)).toBe('');
    expect(symbolKind(literal)).toBeNull();
    const source = firstOfKind(root, 'NameReference');
    expect(simpleName(source)).toBe('Logs');
    expect(symbolKind(source)).toBe('Table');
  });

  test('scalarType and tableColumns come from the analyzer', () => {
    const filter = firstOfKind(root, 'FilterOperator');
    const [cmp] = nodes(filter);
    const [code, literal] = nodes(cmp);
    expect(scalarType(cmp)).toBe('bool');
    expect(scalarType(code)).toBe('long');
    expect(scalarType(literal)).toBe('long');
    expect(tableColumns(cmp)).toBeNull();
    expect(tableColumns(firstOfKind(root, 'SummarizeOperator'))).toEqual([
      { name: 'ApiId', type: 'string' },
      { name: 'n', type: 'long' },
    ]);
    expect(tableColumns(filter)).toEqual(tables[0].columns);
  });

  test('nodes without an analyzer type read as unknown / not tabular', () => {
    const { root: parsedOnly } = parseOnly('Logs | where Code >= 500');
    const cmp = nodes(firstOfKind(parsedOnly, 'FilterOperator'))[0];
    expect(scalarType(cmp)).toBe('unknown');
    expect(scalarType(parsedOnly)).toBe('unknown');
    expect(tableColumns(parsedOnly)).toBeNull();
  });
});
