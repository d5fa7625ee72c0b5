/** Kusto-parser services for other rooms: diagnostics against a schema, and the operator list of a query. */
import { lineAndColumn } from './errors';
import { parseAndAnalyze, parseOnly } from './kusto';
import { forEachNode, kindOf } from './syntax';
import type { ColumnSchema } from './types';

export interface AnalyzerDiagnostic {
  code: string;
  message: string;
  severity: string;
  line: number;
  column: number;
}

/** Syntax and semantic diagnostics (Kusto's own codes and messages) against the given tables. */
export function analyzeQuery(kql: string, tables: { name: string; columns: ColumnSchema[] }[]): AnalyzerDiagnostic[] {
  const parsed = parseAndAnalyze(kql, tables);
  return parsed.diagnostics.map((d) => ({
    code: d.code,
    message: d.message,
    severity: d.severity,
    ...lineAndColumn(kql, d.start),
  }));
}

/** Syntax kinds of the query operators in source order, e.g. ["FilterOperator", "SummarizeOperator"]. */
export function queryOperators(kql: string): string[] {
  const { root } = parseOnly(kql);
  const found: { kind: string; at: number }[] = [];
  forEachNode(root, (n) => {
    const k = kindOf(n);
    if (k.endsWith('Operator')) found.push({ kind: k, at: n.TextStart });
  });
  return found.sort((a, b) => a.at - b.at).map((f) => f.kind);
}
