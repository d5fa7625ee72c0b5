/**
 * What the bot (and the CLI) says back for one command: plain data that the cards room turns into an
 * Adaptive Card and the CLI prints as JSON. Produced by src/triage.ts.
 */
import type { Command } from './commands/types';
import type { Finding } from './signatures/types';
import type { ResultTable } from './kql/types';

interface SourceInfo {
  kind: 'embedded' | 'log-analytics';
  /** Workspace id or name shown on cards ("demo", a file name, a workspace GUID). */
  workspace: string;
  /** Physical schema the normalized view was built over. */
  schema: string;
}

export interface Freshness {
  /** Newest TimeGenerated that has been ingested, ISO. */
  completeTo: string;
  /** Median ingestion delay seen for the newest rows, minutes. */
  lagMinutes: number;
}

/** A table that is not a list of findings (APIs seen, breaker timeline, 401 drill-down). */
export interface AnswerSection {
  title: string;
  table: ResultTable;
  /** Optional chart hint for the cards room. */
  chart?: { kind: 'bar' | 'line'; x: string; y: string; series?: string };
}

export interface Answer {
  type: 'answer';
  command: Command;
  /** "Triage, last 15m" */
  title: string;
  /** One-line summary at the top of the card ("3 failure signatures, 1,204 failed requests"). */
  summary: string;
  findings: Finding[];
  sections: AnswerSection[];
  /** A recipe's conclusion, e.g. the breaker verdict. */
  verdict?: string;
  /** The exact KQL text that was run (the primary query). */
  kql: string;
  /** Things the user must know: clamped window, partial data, logs behind, no gateway logs. */
  notes: string[];
  /** Commands offered as buttons (the APIs a misspelled name may mean); each parses and runs as shown. */
  suggestions?: string[];
  source: SourceInfo;
  freshness?: Freshness;
  stats: { rowsExamined?: number; queryMs: number; queries: number };
  requestedBy?: string;
  /** When it was asked, by the wall clock (ISO): not the log clock, which a demo or a loaded file pins. */
  askedAt?: string;
}

/** Help, or a parse error with suggestions. */
export interface HelpAnswer {
  type: 'help';
  /** Set when the text was not understood. */
  problem?: string;
  suggestions: string[];
  /** Command name -> description + examples. */
  commands: { usage: string; description: string; examples: string[] }[];
}

/** Something went wrong running the command, explained in the terms of the bot's own setup. */
export interface ErrorAnswer {
  type: 'error';
  command?: Command;
  /** "Log Analytics refused the bot's identity" */
  title: string;
  /** What happened, in plain words. */
  what: string;
  cause: string;
  fix: string[];
  /** Short machine code for audit/tests: 'InsufficientAccessError', 'Throttled', 'SyntaxError', ... */
  code: string;
  /** Retry makes sense (429, 5xx, timeouts). */
  retryable: boolean;
  kql?: string;
}

export type BotReply = Answer | HelpAnswer | ErrorAnswer;
