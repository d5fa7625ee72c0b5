/**
 * The one error type every log source throws: a failure already explained for the operator (what happened,
 * why, how to fix it) and whether running the command again can help. The bot renders it as an error card.
 */
import type { Command } from '../../commands/types';
import type { ErrorAnswer } from '../../answer';

export interface LogSourceErrorInit {
  code: string;
  status?: number;
  retryable: boolean;
  title: string;
  what: string;
  cause: string;
  fix: string[];
  /** Milliseconds the service asked us to wait (Retry-After), when it said so. */
  retryAfterMs?: number;
}

export class LogSourceError extends Error {
  readonly code: string;
  readonly status?: number;
  readonly retryable: boolean;
  readonly title: string;
  readonly what: string;
  /** Why it happened, in plain words (the original exception is kept in `inner`). */
  override readonly cause: string;
  readonly fix: string[];
  readonly retryAfterMs?: number;
  /** The error we explained; non-enumerable so it never leaks into JSON or logs by accident. */
  declare readonly inner: unknown;

  constructor(init: LogSourceErrorInit, inner?: unknown) {
    super(`${init.title}: ${init.what}`);
    this.name = 'LogSourceError';
    this.code = init.code;
    if (init.status !== undefined) this.status = init.status;
    this.retryable = init.retryable;
    this.title = init.title;
    this.what = init.what;
    this.cause = init.cause;
    this.fix = init.fix;
    if (init.retryAfterMs !== undefined) this.retryAfterMs = init.retryAfterMs;
    Object.defineProperty(this, 'inner', { value: inner, enumerable: false });
  }
}

/** The card-ready form of a source error. */
export function toErrorAnswer(e: LogSourceError, command?: Command, kql?: string): ErrorAnswer {
  const answer: ErrorAnswer = {
    type: 'error',
    title: e.title,
    what: e.what,
    cause: e.cause,
    fix: [...e.fix],
    code: e.code,
    retryable: e.retryable,
  };
  if (command) answer.command = command;
  if (kql !== undefined) answer.kql = kql;
  return answer;
}
