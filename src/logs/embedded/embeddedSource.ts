/**
 * LogSource over the embedded KQL engine: the demo workspace, a loaded log export, or tests.
 * Runs the very KQL text that would go to Log Analytics; engine errors become LogSourceErrors.
 */
import { KqlError, runQuery, type Workspace } from '../../kql';
import type { LogSource, QueryRequest, QueryResult } from '../source/logSource';
import { LogSourceError } from '../source/errors';
import { abortedError } from '../resilience/retry';

export interface EmbeddedSourceOptions {
  /** Shown on cards ("demo", a file name). Default "demo". */
  name?: string;
  /** The engine's now() / ago() anchor; pinned by --now for reproducible answers. */
  now?: () => Date;
}

export class EmbeddedSource implements LogSource {
  readonly info: { kind: 'embedded'; workspace: string };
  private readonly now: () => Date;

  constructor(
    readonly workspace: Workspace,
    opts: EmbeddedSourceOptions = {},
  ) {
    this.info = { kind: 'embedded', workspace: opts.name ?? 'demo' };
    this.now = opts.now ?? (() => new Date());
  }

  query(request: QueryRequest): Promise<QueryResult> {
    // The engine is synchronous and cannot be interrupted, so cancellation is honoured before it starts.
    if (request.signal?.aborted) return Promise.reject(abortedError());
    const started = performance.now();
    try {
      const out = runQuery(this.workspace, request.kql, { now: this.now() });
      return Promise.resolve({
        tables: out.tables,
        stats: { elapsedMs: performance.now() - started, rowsExamined: out.rowsExamined },
      });
    } catch (err) {
      return Promise.reject(
        explainEngineError(err, this.info.workspace, { kql: request.kql, tables: this.workspace.tableNames() }),
      );
    }
  }
}

const KIND_CODES: Record<KqlError['kind'], string> = {
  syntax: 'SyntaxError',
  semantic: 'SemanticError',
  unsupported: 'UnsupportedError',
  runtime: 'RuntimeError',
};

/** What the session that ran the query offers: a recipe's normalized GatewayLogs view, or raw tables. */
export interface EngineSession {
  kql: string;
  tables: string[];
}

/** Where to look for the right names: the view a recipe defines, else the tables this workspace has. */
function namesHint(session: EngineSession | undefined): string {
  if (!session || /\blet\s+GatewayLogs\s*=/.test(session.kql))
    return 'Check the names against the normalized GatewayLogs view (or the physical table the query reads).';
  return `Check the names against the tables of this workspace (${session.tables.join(', ')}) and their columns; \`<table> | getschema\` lists them.`;
}

/** Engine failures in the same words as the service's, with line/column so the recipe can be fixed. */
export function explainEngineError(err: unknown, workspace: string, session?: EngineSession): LogSourceError {
  if (err instanceof LogSourceError) return err;
  if (!(err instanceof KqlError)) {
    return new LogSourceError(
      {
        code: 'EngineError',
        retryable: false,
        title: 'The embedded engine failed',
        what: err instanceof Error ? err.message : String(err),
        cause: 'An internal error in the embedded KQL engine.',
        fix: ['Run the same query with `apim-triage kql` to reproduce it, and report it with the query text.'],
      },
      err,
    );
  }
  const at =
    err.line !== undefined ? ` (line ${err.line}${err.column !== undefined ? `, column ${err.column}` : ''})` : '';
  const hints = err.suggestions?.length ? [`Did you mean: ${err.suggestions.join(', ')}?`] : [];
  const typeError = err.kind === 'semantic' && err.reason === 'type';
  const byKind: Record<KqlError['kind'], { title: string; cause: string; fix: string[] }> = {
    syntax: {
      title: 'The query could not be parsed',
      cause: 'The KQL text is malformed (a typo, stray punctuation or an unclosed bracket).',
      fix: [...hints, 'Fix the query at the position shown; Log Analytics would reject it the same way.'],
    },
    semantic: typeError
      ? {
          title: 'The query combines values of types that do not fit',
          cause:
            'An operator or function received a value of a type it does not take (for example a string compared with a datetime); Log Analytics rejects it the same way.',
          fix: [
            ...hints,
            'Convert the value first (tostring(), tolong(), todouble(), todatetime()) or compare it with a value of its own type.',
          ],
        }
      : {
          title: 'The query names something the workspace does not have',
          cause: `A table, column or function in the query does not exist in workspace ${workspace}.`,
          fix: [...hints, namesHint(session)],
        },
    unsupported: {
      title: 'The embedded engine does not support this query',
      cause:
        'The query uses an operator or function the embedded engine does not implement (Log Analytics would run it).',
      fix: [
        ...hints,
        'Rewrite the query with supported operators, or run it against Log Analytics (set LOG_ANALYTICS_WORKSPACE_ID).',
      ],
    },
    runtime: {
      title: 'The query failed while running',
      cause: 'A value could not be computed (for example a bad conversion or a result that is too large).',
      fix: [...hints, 'Narrow the time window or check the expressions the message names.'],
    },
  };
  const d = byKind[err.kind];
  return new LogSourceError(
    {
      code: KIND_CODES[err.kind],
      retryable: false,
      title: d.title,
      what: `${err.message}${at}`,
      cause: d.cause,
      fix: d.fix,
    },
    err,
  );
}
