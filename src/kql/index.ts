/** The embedded KQL engine: public API. */
export { Workspace, type TableInput } from './storage';
export { runQuery, type RunOptions, type QueryResult } from './engine';
export { KqlError, type KqlErrorKind } from './errors';
export { analyzeQuery, queryOperators, type AnalyzerDiagnostic } from './analyze';
export { preloadParser } from './kusto';
export { SCALAR_FUNCTION_NAMES } from './functions/scalar';
export { AGGREGATE_NAMES } from './aggregates';
export type { Cell, ColumnSchema, KqlType, ResultTable } from './types';
