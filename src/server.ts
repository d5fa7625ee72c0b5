/**
 * HTTP host: restify + botbuilder CloudAdapter. Routes POST /api/messages (the Bot Framework endpoint)
 * and GET /healthz. `npm start` runs main(), which reads settings, builds the triage and serves.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { AddressInfo } from 'node:net';
import * as restify from 'restify';
import { CloudAdapter, ConfigurationBotFrameworkAuthentication, type TurnContext } from 'botbuilder';
import { TriageBot, describe, type TriageBotOptions } from './bot/triageBot';
import { signingKey } from './bot/actionData';
import { StrictStatusAuthentication } from './bot/strictAuth';
import { adapterDeliver, PinManager, pinRender } from './bot/pins';
import { createStorage, describeStorage } from './bot/state';
import { RateLimiter } from './bot/rateLimit';
import { jsonLogger, type Logger, type ServerConfig, type Triage } from './bot/ports';
import type { AppConfig } from './config';

/** Either the lead's AppConfig (nested `bot`) or the flat settings the server needs. */
export type ServerSettingsInput = ServerConfig | AppConfig;

export interface CreateServerOptions {
  config: ServerSettingsInput;
  triage: Triage;
  logger?: Logger;
  /** Shown on /healthz: 'embedded' or 'log-analytics'. Read from an AppConfig when not given. */
  sourceKind?: string;
  /** Longest an answer may take before the card says so (default: config answerTimeoutSeconds + 5 s, else 120 s). */
  answerTimeoutMs?: number;
  /** How long a card action waits for its answer before answering "running" (default 8 s). */
  invokeWaitMs?: number;
  portalLink?: string;
  now?: () => Date;
  /** Overrides AppConfig.actionSigningKey (tests pin it to sign their own card actions). */
  actionSigningKey?: string;
  /** Overrides for the bot's guards (access policy, rate limiter, audit log, command length). */
  guards?: Pick<TriageBotOptions, 'access' | 'rateLimiter' | 'audit' | 'maxCommandLength'>;
  /** Where pinned cards are kept (default: files under STATE_DIR, or Azure Blob when configured). */
  stateDir?: string;
  /** The wall clock pins are scheduled on (tests move it forward instead of waiting minutes). */
  pinClock?: () => number;
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
  close(graceMs?: number): Promise<void>;
}

export class StartupError extends Error {}

interface Settings {
  port: number;
  appId: string;
  appPassword: string;
  appType: string;
  tenantId: string;
  nodeEnv: string;
}

function settingsOf(c: ServerSettingsInput): Settings {
  if ('bot' in c) {
    return {
      port: c.port,
      appId: c.bot.appId ?? '',
      appPassword: c.bot.appPassword ?? '',
      appType: c.bot.appType,
      tenantId: c.bot.tenantId ?? '',
      nodeEnv: c.nodeEnv,
    };
  }
  return {
    port: c.port,
    appId: c.microsoftAppId ?? '',
    appPassword: c.microsoftAppPassword ?? '',
    appType: c.microsoftAppType || 'MultiTenant',
    tenantId: c.microsoftAppTenantId ?? '',
    nodeEnv: c.nodeEnv ?? 'development',
  };
}

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
  const s = settingsOf(opts.config);
  const logger = opts.logger ?? jsonLogger();
  if (!s.appId && s.nodeEnv === 'production') {
    // With no app id CloudAdapter skips every token check: in production that is an open endpoint.
    throw new StartupError(
      'Refusing to start: NODE_ENV=production but MicrosoftAppId is not set, so anyone could post to /api/messages. ' +
        'Set MicrosoftAppId, MicrosoftAppPassword (or MicrosoftAppType=UserAssignedMSI) and MicrosoftAppTenantId from the Azure Bot registration.',
    );
  }
  if (!s.appId) {
    logger.warn(
      '!!! AUTHENTICATION DISABLED: MicrosoftAppId is not set, so /api/messages accepts requests WITHOUT a Bot Framework token. ' +
        'Fine for local testing (Agents Playground, tests); never expose this port. Set MicrosoftAppId to turn checks on. !!!',
      { authenticated: false },
    );
  }

  const auth = new ConfigurationBotFrameworkAuthentication({
    MicrosoftAppId: s.appId,
    MicrosoftAppPassword: s.appPassword,
    MicrosoftAppType: s.appType,
    MicrosoftAppTenantId: s.tenantId,
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

  const appConfig = 'bot' in opts.config ? opts.config : undefined;
  const answerTimeoutMs = opts.answerTimeoutMs ?? (appConfig ? appConfig.answerTimeoutSeconds * 1000 + 5000 : 120_000);
  const stateConfig = { stateDir: opts.stateDir ?? appConfig?.stateDir ?? '.data', blob: appConfig?.stateBlob };
  const pins: PinManager = new PinManager({
    storage: createStorage(stateConfig),
    clock: opts.pinClock,
    deliver: adapterDeliver(adapter, s.appId),
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
    appId: s.appId,
    logger,
    now: opts.now,
    answerTimeoutMs,
    invokeWaitMs: opts.invokeWaitMs,
    portalLink: opts.portalLink,
    portal: appConfig?.portal,
    access: appConfig?.access,
    signingKey: signingKey(opts.actionSigningKey ?? appConfig?.actionSigningKey),
    rateLimiter: appConfig ? new RateLimiter(appConfig.rateLimits) : undefined,
    maxCommandLength: appConfig?.maxCommandLength,
    pins,
    ...opts.guards,
  });

  const sourceKind = opts.sourceKind ?? appConfig?.logs.kind ?? 'unknown';
  const version = packageVersion();
  const startedAt = Date.now();

  const server = restify.createServer({ name: 'apim-triage' });
  server.use(restify.plugins.bodyParser({ mapParams: false }));
  let draining = false;
  server.post('/api/messages', async (req: restify.Request, res: restify.Response) => {
    if (draining) {
      // Stopping: take no new turns, so the platform retries them on another (or the restarted) instance.
      res.header('Retry-After', '30');
      res.send(503, { error: 'shutting down' });
      return;
    }
    await adapter.process(req, res, (ctx) => bot.run(ctx));
  });
  server.get('/healthz', (_req: restify.Request, res: restify.Response, next: restify.Next) => {
    res.send(draining ? 503 : 200, {
      status: draining ? 'draining' : 'ok',
      version,
      logSource: sourceKind,
      authenticated: Boolean(s.appId),
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
    listen(port = s.port, host?: string) {
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
    // Loaded lazily so tests can build a server around any Triage without the engine and data modules.
    const { loadConfig, loadDotEnv } = require('./config') as typeof import('./config');
    if (env === process.env) loadDotEnv();
    const config = loadConfig(env);
    const { createTriage } = require('./triage') as typeof import('./triage');
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
      const { preloadParser } = require('./kql') as typeof import('./kql');
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
