/**
 * The command-line face:
 *   apim-triage ask "<chat text>" [--logs FILE] [--table NAME] [--now ISO] [--json]
 *   apim-triage kql "<query>"     [--logs FILE] [--table NAME] [--now ISO] [--json]
 * It runs exactly what the bot runs, on the embedded engine (demo workspace or an exported log file) or,
 * when the environment configures it and no --logs is given, on Azure Log Analytics.
 */
import { parseArgs } from 'node:util';
import type { BotReply } from '../answer';
import type * as Cards from '../cards';
import { ConfigError, loadConfig, loadDotEnv, type AppConfig } from '../config';
import { createTriage } from '../triage';
import { privateSnapshotDir } from '../logs/embedded/privateDir';
import { snapshotEnabled } from './parserSnapshot';
import { replyToText, tableToJson, tableToText } from './format';
import { explainSourceError } from '../logs/logAnalytics/explain';

const USAGE = `Usage:
  apim-triage ask "<chat text>" [--logs FILE] [--table NAME] [--now ISO] [--json]
      What the bot would answer, e.g.  apim-triage ask "triage last 15m"
  apim-triage kql "<query>" [--logs FILE] [--table NAME] [--now ISO] [--json]
      Run raw KQL on the embedded engine, e.g.  apim-triage kql "ApiManagementGatewayLogs | count"

Options:
  --logs FILE    triage an exported log file (CSV, JSON array or NDJSON) instead of the demo workspace
  --table NAME   the table a loaded file becomes (default: AzureDiagnostics or ApiManagementGatewayLogs, from its columns)
  --now ISO      pin now()/ago() (e.g. 2026-11-23T14:30:00Z); default: the demo ends now, a file at its newest row
  --schema S     demo workspace schema: resource-specific | azure-diagnostics | azure-diagnostics-seed
  --json         machine-readable output
  --timezone TZ  IANA time zone for times typed in the command (default UTC)`;

class UsageError extends Error {}

interface CliOptions {
  logs?: string;
  table?: string;
  now?: Date;
  schema?: string;
  json: boolean;
  timezone?: string;
}

function parseCli(argv: string[]): { verb: string; text: string; options: CliOptions } {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      logs: { type: 'string' },
      table: { type: 'string' },
      now: { type: 'string' },
      schema: { type: 'string' },
      timezone: { type: 'string' },
      json: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help || positionals.length === 0) throw new UsageError('');
  const [verb, ...rest] = positionals;
  if (verb !== 'ask' && verb !== 'kql') throw new UsageError(`Unknown command "${verb}": use "ask" or "kql".`);
  const text = rest.join(' ').trim();
  if (text === '')
    throw new UsageError(`"${verb}" needs ${verb === 'ask' ? 'the chat text' : 'a KQL query'} in quotes.`);
  let now: Date | undefined;
  if (values.now !== undefined) {
    now = new Date(values.now);
    if (Number.isNaN(now.getTime()))
      throw new UsageError(`--now "${values.now}" is not a date; use ISO 8601 like 2026-11-23T14:30:00Z.`);
  }
  return {
    verb,
    text,
    options: {
      logs: values.logs,
      table: values.table,
      now,
      schema: values.schema,
      json: values.json ?? false,
      timezone: values.timezone,
    },
  };
}

function configFor(options: CliOptions): AppConfig {
  const env: NodeJS.ProcessEnv = { ...process.env };
  if (options.logs !== undefined) {
    env.LOG_SOURCE = 'embedded';
    env.LOG_FILE = options.logs;
    if (options.table) env.LOG_FILE_TABLE = options.table;
  }
  if (options.schema !== undefined) env.DEMO_SCHEMA = options.schema;
  return loadConfig(env);
}

function commandJson(reply: BotReply) {
  const command = reply.type === 'help' ? undefined : reply.command;
  if (!command) return null;
  return {
    kind: command.kind,
    text: command.text,
    window: {
      from: command.window.from.toISOString(),
      to: command.window.to.toISOString(),
      label: command.window.label,
      note: command.window.note,
    },
    api: command.api ?? null,
    status: command.status ?? null,
    backend: command.backend ?? null,
    at: command.at?.toISOString() ?? null,
  };
}

function replyJson(reply: BotReply, card: object) {
  const base = { type: reply.type, command: commandJson(reply), card };
  if (reply.type === 'answer') {
    return {
      ...base,
      title: reply.title,
      summary: reply.summary,
      findings: reply.findings,
      sections: reply.sections.map((s) => ({ title: s.title, ...tableToJson(s.table) })),
      verdict: reply.verdict ?? null,
      notes: reply.notes,
      suggestions: reply.suggestions ?? [],
      kql: reply.kql,
      source: reply.source,
      freshness: reply.freshness ?? null,
      stats: reply.stats,
    };
  }
  if (reply.type === 'error') {
    const { type: _t, command: _c, ...error } = reply;
    return { ...base, findings: [], kql: reply.kql ?? null, error };
  }
  return { ...base, findings: [], kql: null, help: reply };
}

/** Where the demo's stored copy is kept: beside the parser snapshot, and off with it. */
function demoCopyDir(): string | null {
  return snapshotEnabled() ? privateSnapshotDir() : null;
}

async function ask(text: string, options: CliOptions): Promise<number> {
  // The demo is read from this hour's stored copy instead of generated again (an exact copy: storedDemo.ts).
  const { triage } = createTriage(configFor(options), { now: options.now, demoCopyDir: demoCopyDir() });
  const now = options.now ?? new Date();
  const parsed = triage.parse(text, { timeZone: options.timezone });
  let reply: BotReply;
  if (!parsed.ok) reply = triage.help(parsed.error, parsed.suggestions);
  else if (parsed.command.kind === 'help') reply = triage.help();
  else reply = await triage.run(parsed.command, { requestedBy: 'cli' });
  if (options.json) {
    // Only --json shows the card; the card templating library takes a noticeable part of a second to load.
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- lazy on purpose (see above)
    const { renderReply } = require('../cards') as typeof Cards;
    const card = renderReply(reply, { now, timeZone: options.timezone });
    process.stdout.write(`${JSON.stringify(replyJson(reply, card), null, 2)}\n`);
  } else process.stdout.write(`${replyToText(reply)}\n`);
  return reply.type === 'error' ? 1 : reply.type === 'help' && reply.problem ? 2 : 0;
}

async function kql(query: string, options: CliOptions): Promise<number> {
  const config = configFor(options);
  const { triage } = createTriage(config, { now: options.now, demoCopyDir: demoCopyDir() });
  const window = { from: new Date(0), to: options.now ?? new Date() };
  try {
    const result = await triage.source.query({ kql: query, timespan: window });
    const table = result.tables[0] ?? { name: 'PrimaryResult', columns: [], rows: [] };
    process.stdout.write(options.json ? `${JSON.stringify(tableToJson(table))}\n` : `${tableToText(table)}\n`);
    return 0;
  } catch (error) {
    const e = explainSourceError(error, { workspace: triage.source.info.workspace, identity: 'the local user' });
    if (options.json)
      process.stdout.write(
        `${JSON.stringify({ error: { code: e.code, title: e.title, message: e.what, fix: e.fix } })}\n`,
      );
    else process.stderr.write(`${e.title}\n${e.what}\n${e.fix.map((f) => `  - ${f}`).join('\n')}\n`);
    return 1;
  }
}

export async function main(argv = process.argv.slice(2)): Promise<number> {
  let json = false;
  try {
    loadDotEnv();
    const { verb, text, options } = parseCli(argv);
    json = options.json;
    return verb === 'ask' ? await ask(text, options) : await kql(text, options);
  } catch (error) {
    if (error instanceof UsageError) {
      process.stderr.write(`${error.message ? `${error.message}\n\n` : ''}${USAGE}\n`);
      return error.message ? 2 : 0;
    }
    if (error instanceof ConfigError) {
      process.stderr.write(`${error.message}\n`);
      // A script reading --json output gets the error in the same shape as every other failure.
      if (json) {
        const fix = ['Correct the settings listed (environment or .env); .env.sample describes every setting.'];
        const body = {
          code: 'ConfigError',
          title: 'The settings are not valid',
          message: error.message,
          problems: error.problems,
          fix,
        };
        process.stdout.write(`${JSON.stringify({ error: body })}\n`);
      }
      return 2;
    }
    // Argument errors from node:util and file errors are the user's to fix: say what, not where in our code.
    const message = error instanceof Error ? error.message : String(error);
    process.stderr.write(`apim-triage: ${message}\n`);
    return 2;
  }
}

if (require.main === module) {
  void main().then((code) => {
    process.exitCode = code;
  });
}
