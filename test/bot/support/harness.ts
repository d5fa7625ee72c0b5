/**
 * The bot as deployed, on 127.0.0.1: createServer (restify + CloudAdapter) with settings read by
 * loadConfig as at start-up (the action-signing key pinned), a capture connector as the Teams side, and the bot's own audit log captured, so tests read
 * "what ran" from the record the bot keeps for operators rather than from a test double.
 */
import { createServer, type CreateServerOptions, type RunningServer } from '../../../src/server';
import { loadConfig } from '../../../src/config';
import { silentLogger, type Triage } from '../../../src/bot/ports';
import { AuditLog, type AuditRecord } from '../../../src/bot/audit';
import { signAction, signingKey } from '../../../src/bot/actionData';
import { CaptureConnector } from '../../support/connector/captureConnector';
import { NOW } from './realTriage';

const KEY = 'test-signing-key-0123456789abcdef0123456789';

/** Card data as the bot puts it on its buttons: signed with the server's key. */
export const signed = (verb: string, command: string) => signAction({ verb, command }, signingKey(KEY));

export interface Bot {
  app: RunningServer;
  connector: CaptureConnector;
  url: string;
  /** Every audit line the bot wrote, parsed. */
  audit: AuditRecord[];
}

/** Commands that ran to an outcome (answer, error or timeout), in order. */
export function ran(bot: Bot): AuditRecord[] {
  return bot.audit.filter(
    (r) => r.event === 'command' && (r.outcome === 'answer' || r.outcome === 'error' || r.outcome === 'timeout'),
  );
}

const opened: Bot[] = [];

export type BotOptions = Partial<Omit<CreateServerOptions, 'triage' | 'config'>> & {
  /** Settings on top of the test defaults, as environment variables (e.g. RATE_LIMIT_USER_PER_MINUTE). */
  env?: Record<string, string>;
};

/** The settings every test bot starts from: the defaults, in test mode, with the signing key pinned. */
export function botConfig(env: Record<string, string> = {}) {
  return loadConfig({ NODE_ENV: 'test', ACTION_SIGNING_KEY: KEY, ...env });
}

/**
 * Starts a bot around the given triage. Closed by the next closeAll() (call it in afterEach), unless
 * `shared`: a bot that lives for a whole describe is closed with stopBot() in its afterAll.
 */
export async function startBot(triage: Triage, extra: BotOptions = {}, { shared = false } = {}): Promise<Bot> {
  const connector = await new CaptureConnector().start();
  const audit: AuditRecord[] = [];
  const { env, ...options } = extra;
  const app = createServer({
    config: botConfig(env),
    triage,
    logger: silentLogger,
    invokeWaitMs: 60_000,
    now: () => NOW,
    audit: new AuditLog({ sink: (line) => audit.push(JSON.parse(line) as AuditRecord) }),
    ...options,
  });
  const bot: Bot = { app, connector, audit, url: '' };
  if (!shared) opened.push(bot);
  const { port } = await app.listen(0, '127.0.0.1');
  bot.url = `http://127.0.0.1:${port}/api/messages`;
  return bot;
}

/** Waits for answers in flight to land, then closes the server and its connector. */
export async function stopBot(bot: Bot): Promise<void> {
  await bot.app.close();
  await bot.connector.stop();
}

/** Closes every per-test bot, even when a test failed, so jest cannot hang. */
export async function closeAll(): Promise<void> {
  for (const bot of opened.splice(0)) await stopBot(bot);
}
