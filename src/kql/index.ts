/** The embedded KQL engine: public API. */
export { Workspace, type TableInput } from './storage';
export { runQuery } from './engine';
export { KqlError, type KqlErrorKind } from './errors';
export { analyzeQuery, queryOperators } from './analyze';
export { preloadParser } from './kusto';
