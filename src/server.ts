/**
 * HTTP host: restify + botbuilder CloudAdapter. Routes POST /api/messages (the Bot Framework endpoint)
 * and GET /healthz. `npm start` runs main(), which reads settings, builds the triage and serves.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as restify from 'restify';
import { CloudAdapter, ConfigurationBotFrameworkAuthentication, type TurnContext } from 'botbuilder';
import { TriageBot, describe, type TriageBotOptions } from './bot/triageBot';
import { signingKey } from './bot/actionData';
import { StrictStatusAuthentication } from './bot/strictAuth';
import { adapterDeliver, claimHoldFor, PinManager, pinRender } from './bot/pins';
import { createStorage, describeStorage } from './bot/state';
import { RateLimiter } from './bot/rateLimit';
import { readActivity } from './bot/activityRequest';
import { botWaitMs } from './timeouts';
import { jsonLogger, type Logger, type Triage } from './bot/ports';
import { loadConfig, loadDotEnv, type AppConfig } from './config';
import { createTriage } from './triage';
import { preloadParser } from './kql';

export interface CreateServerOptions {
  /** Every setting, as loadConfig reads it from the environment. */
  config: AppConfig;
  triage: Triage;
  logger?: Logger;
  /** Longest an answer may take before the card says so (default: ANSWER_TIMEOUT_SECONDS + 5 s). */
  answerTimeoutMs?: number;
  /** How long a card action waits for its answer before answering "running" (default 8 s). */
  invokeWaitMs?: number;
  /** The clock commands are read against (the demo stops it where its traffic ends). */
  now?: () => Date;
  /** An audit log of the caller's own, instead of one line per event through the logger. */
  audit?: TriageBotOptions['audit'];
  /** The wall clock pins are scheduled on (tests move it forward instead of waiting minutes). */
  pinClock?: () => number;
  /** Starts the pins' timers; tests pass one that runs at their clock's pace. Default setTimeout. */
  pinTimer?: (fn: () => void, delayMs: number) => NodeJS.Timeout;
}

export interface RunningServer {
  server: restify.Server;
  adapter: CloudAdapter;
  bot: TriageBot;
  /** Pinned cards kept current; resume() them once listening. */
  pins: PinManager;
  listen(port?: number, host?: string): Promise<{ port: number; url: string }>;
  /**
   * Graceful stop: refuse new turns (503), let answers in flight land for up to `graceMs` (default 20 s),
   * cancel the rest with a "restarted" card, then close the listener. Bounded in time.
   */
  close: (graceMs?: number) => Promise<void>;
}

export class StartupError extends Error {}

export function packageVersion(): string {
  let dir = __dirname;
  for (let i = 0; i < 4; i++) {
    const p = path.join(dir, 'package.json');
    if (fs.existsSync(p)) return (JSON.parse(fs.readFileSync(p, 'utf8')) as { version?: string }).version ?? 'unknown';
    dir = path.dirname(dir);
  }
  return 'unknown';
}

export function createServer(opts: CreateServerOptions): RunningServer {
  const { config } = opts;
  const appId = config.bot.appId ?? '';
  const logger = opts.logger ?? jsonLogger();
  if (!appId && config.production) {
    // With no app id CloudAdapter skips every token check: in production that is an open endpoint.
    throw new StartupError(
      'Refusing to start: NODE_ENV=production but MicrosoftAppId is not set, so anyone could post to /api/messages. ' +
        'Set MicrosoftAppId, MicrosoftAppPassword (or MicrosoftAppType=UserAssignedMSI) and MicrosoftAppTenantId from the Azure Bot registration.',
    );
  }
  if (!appId) {
    logger.warn(
      '!!! AUTHENTICATION DISABLED: MicrosoftAppId is not set, so /api/messages accepts requests WITHOUT a Bot Framework token. ' +
        'Fine for local testing (Agents Playground, tests); never expose this port. Set MicrosoftAppId to turn checks on. !!!',
      { authenticated: false },
    );
  }

  const auth = new ConfigurationBotFrameworkAuthentication({
    MicrosoftAppId: appId,
    MicrosoftAppPassword: config.bot.appPassword ?? '',
    MicrosoftAppType: config.bot.appType,
    MicrosoftAppTenantId: config.bot.tenantId ?? '',
  });
  // The SDK answers some forged tokens with 500; the wrapper keeps every check and makes them 401.
  const adapter = new CloudAdapter(new StrictStatusAuthentication(auth));
  adapter.onTurnError = async (ctx: TurnContext, error: Error) => {
    const reference = ctx.activity?.id ?? 'unknown';
    logger.error('turn failed', { error: describe(error), activityType: ctx.activity?.type, reference });
    if (ctx.activity?.type !== 'message') return;
    try {
      await ctx.sendActivity(
        `Sorry, something went wrong while handling that message. Please try again in a moment; if it keeps happening, tell whoever runs the bot (reference ${reference}).`,
      );
    } catch (sendErr) {
      logger.error('could not tell the user about a failed turn', { error: describe(sendErr), reference });
    }
  };

  // The triage gives up at ANSWER_TIMEOUT_SECONDS and says so; the bot's own deadline is the backstop.
  const answerTimeoutMs = opts.answerTimeoutMs ?? botWaitMs(config.answerTimeoutSeconds * 1000);
  const stateConfig = { stateDir: config.stateDir, blob: config.stateBlob };
  const pins: PinManager = new PinManager({
    storage: createStorage(stateConfig),
    clock: opts.pinClock,
    setTimer: opts.pinTimer,
    claimHoldMs: claimHoldFor(answerTimeoutMs),
    deliver: adapterDeliver(adapter, appId),
    logger,
    render: pinRender({
      triage: opts.triage,
      logger,
      timeoutMs: answerTimeoutMs,
      clock: () => (opts.now ? opts.now() : new Date()).getTime(),
      wallClock: opts.pinClock ?? Date.now,
      // `bot` exists by the time a pin refreshes: the first refresh is scheduled after start-up.
      renderCard: (reply, pin) => bot.renderPinCard(reply, pin.timeZone),
    }),
  });
  logger.info('pinned cards kept in ' + describeStorage(stateConfig));

  const bot: TriageBot = new TriageBot({
    triage: opts.triage,
    adapter,
    appId,
    logger,
    now: opts.now,
    answerTimeoutMs,
    invokeWaitMs: opts.invokeWaitMs,
    portal: config.portal,
    access: config.access,
    signingKey: signingKey(config.actionSigningKey),
    rateLimiter: new RateLimiter(config.rateLimits),
    maxCommandLength: config.maxCommandLength,
    audit: opts.audit,
    pins,
  });

  const version = packageVersion();
  const startedAt = Date.now();

  const server = restify.createServer({ name: 'apim-triage' });
  // No body parser: /api/messages reads its own body, bounded while reading and after the token check.
  let draining = false;
  server.post('/api/messages', async (req: restify.Request, res: restify.Response) => {
    if (draining) {
      // Stopping: take no new turns, so the platform retries them on another (or the restarted) instance.
      res.header('Retry-After', '30');
      res.send(503, { error: 'shutting down' });
      return;
    }
    const read = await readActivity(req, { requireBearer: Boolean(appId) });
    if (!read.ok) {
      // The rest of a refused body is never read: close the connection rather than drain it.
      res.header('Connection', 'close');
      res.send(read.status, { error: read.message });
      return;
    }
    (req as restify.Request & { body: unknown }).body = read.activity;
    await adapter.process(req, res, (ctx) => bot.run(ctx));
  });
  server.get('/healthz', (_req: restify.Request, res: restify.Response, next: restify.Next) => {
    res.send(draining ? 503 : 200, {
      status: draining ? 'draining' : 'ok',
      version,
      logSource: config.logs.kind,
      authenticated: Boolean(appId),
      uptimeSeconds: Math.round((Date.now() - startedAt) / 1000),
      answersInFlight: bot.inFlight,
    });
    return next();
  });

  return {
    server,
    adapter,
    bot,
    pins,
    listen(port = config.port, host?: string) {
      return new Promise((resolve, reject) => {
        server.once('error', reject);
        const done = () => {
          const a = server.address();
          const shownHost = host ?? 'localhost';
          resolve({ port: a.port, url: `http://${shownHost}:${a.port}` });
        };
        if (host) server.listen(port, host, done);
        else server.listen(port, done);
      });
    },
    async close(graceMs = 20_000) {
      draining = true;
      // Let answers already promised to users land (or end them with an explained card) before going away.
      const [{ finished, cancelled }] = await Promise.all([bot.drain(graceMs), pins.stop(Math.min(graceMs, 5_000))]);
      if (finished + cancelled > 0) logger.info('answers in flight at shutdown', { finished, cancelled });
      await new Promise<void>((resolve) => {
        const timer = setTimeout(() => {
          // Keep-alive connections would hold close() open; nothing more is owed to them.
          server.server.closeAllConnections?.();
          resolve();
        }, 2_000);
        timer.unref();
        server.close(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    },
  };
}

/** `npm start`: settings -> triage -> server. Returns the exit code on a start-up failure. */
export async function main(
  env: NodeJS.ProcessEnv = process.env,
  logger: Logger = jsonLogger(),
): Promise<RunningServer | number> {
  const stderrLogger = jsonLogger(process.stderr);
  try {
    if (env === process.env) loadDotEnv();
    const config = loadConfig(env);
    const { triage, description } = createTriage(config);
    // The demo's clock stops where its traffic ends, so "last 15m" keeps finding the incident.
    const app = createServer({ config, triage, logger, now: () => triage.clock() });
    const { url } = await app.listen(config.port);
    const resumed = await app.pins.resume();
    if (resumed > 0) logger.info('pinned cards resumed', { count: resumed });
    logger.info('APIM Triage bot listening', {
      url: `${url}/api/messages`,
      health: `${url}/healthz`,
      logs: description,
      version: packageVersion(),
    });
    if (config.logs.kind === 'embedded') {
      // The Kusto parser takes a second or two to start: pay it now rather than on the first user's command.
      setImmediate(() => preloadParser());
    }
    const closeServer = app.close;
    const stop = (signal: NodeJS.Signals) => {
      logger.info('shutting down: no new turns; finishing answers in flight', { signal });
      // Bounded whatever happens: the platform kills the container soon after SIGTERM anyway.
      setTimeout(() => process.exit(1), 30_000).unref();
      void app.close().then(() => process.exit(0));
    };
    process.once('SIGTERM', stop);
    process.once('SIGINT', stop);
    app.close = async () => {
      process.off('SIGTERM', stop);
      process.off('SIGINT', stop);
      await closeServer();
    };
    return app;
  } catch (err) {
    // ConfigError and StartupError messages are written for people; anything else gets name + message only.
    const known = err instanceof StartupError || (err instanceof Error && err.name === 'ConfigError');
    stderrLogger.error(known ? err.message : `Failed to start: ${describe(err)}`);
    return 1;
  }
}

if (require.main === module) {
  void main().then((r) => {
    if (typeof r === 'number') process.exit(r);
  });
}
