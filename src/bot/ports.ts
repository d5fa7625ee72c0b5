/**
 * What the Teams host needs from the rest of the app, as plain interfaces, so src/bot/ and src/server.ts
 * stay the only places that know botbuilder and the host can be tested with any Triage.
 */
import type { Answer, ErrorAnswer, HelpAnswer } from '../answer';
import type { Command, ParseOutcome } from '../commands/types';

interface TriageRunContext {
  /** Display name of the person who asked; shown on the card footer and in the audit log. */
  requestedBy?: string;
  /** The workspace the access policy granted (WORKSPACE_MAP); the triage hub routes to its source. */
  workspaceId?: string;
  /** IANA zone of the asker, for times in verdicts. */
  timeZone?: string;
  /** Aborted when the bot gives up on the answer. */
  signal?: AbortSignal;
}

/** The orchestrator (src/triage): text -> Command -> Answer. */
export interface Triage {
  parse(text: string, ctx: { now: Date; timeZone?: string }): ParseOutcome;
  run(command: Command, ctx: TriageRunContext): Promise<Answer | ErrorAnswer>;
  help(problem?: string, suggestions?: string[]): HelpAnswer;
}

/** Structured logger; fields must never hold secrets (callers redact). */
export interface Logger {
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
}

/** One JSON line per event on stdout/stderr: easy to grep locally and to ship from a container. */
export function jsonLogger(stream: { write(s: string): unknown } = process.stdout): Logger {
  const line = (level: string, message: string, fields?: Record<string, unknown>) => {
    stream.write(JSON.stringify({ time: new Date().toISOString(), level, message, ...fields }) + '\n');
  };
  return {
    info: (m, f) => line('info', m, f),
    warn: (m, f) => line('warn', m, f),
    error: (m, f) => line('error', m, f),
  };
}

/** Swallows everything; for tests that assert on behaviour, not logs. */
export const silentLogger: Logger = { info() {}, warn() {}, error() {} };
