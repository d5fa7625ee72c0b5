/**
 * `npm run playground`: the bot and the Microsoft 365 Agents Playground (a local Teams-like chat) together.
 *   1. Uses the bot already answering on http://127.0.0.1:$PORT/healthz (default 3978), or starts
 *      `node dist/src/server.js` with authentication off (no MicrosoftAppId: the playground sends no token).
 *   2. Starts the playground against it (msteams channel, telemetry off; no browser unless a DISPLAY is
 *      set), logging to a temp dir, and prints the URL to open.
 *   3. Ctrl-C stops both. If either ends on its own, the other is stopped and its exit code is ours.
 * Environment: PORT (bot), PLAYGROUND_PORT (UI, default 56150; the playground picks another if it is taken).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import {
  exited,
  getJson,
  playgroundInstalled,
  PLAYGROUND_CLI,
  startPlayground,
  stopChild,
  waitFor,
  type RunningPlayground,
} from '../test/support/playground/playground';

const ROOT = path.resolve(__dirname, __dirname.includes(`${path.sep}dist${path.sep}`) ? '../..' : '..');

function say(line: string): void {
  process.stdout.write(`[playground] ${line}\n`);
}

function portFrom(name: string, value: string | undefined, fallback: number): number {
  if (value === undefined || value === '') return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > 65535) throw new Error(`${name}=${value} is not a port number (1-65535).`);
  return n;
}

interface Health {
  status?: string;
  authenticated?: boolean;
  logSource?: string;
}

async function health(port: number): Promise<Health | undefined> {
  try {
    const { status, body } = await getJson(`http://127.0.0.1:${port}/healthz`, 2000);
    return status === 200 && typeof body === 'object' && body !== null ? body : undefined;
  } catch {
    return undefined;
  }
}

/** Starts the compiled server with authentication off; resolves once /healthz answers. */
async function startBot(port: number): Promise<ChildProcess> {
  const server = path.join(ROOT, 'dist', 'src', 'server.js');
  if (!fs.existsSync(server))
    throw new Error(`${path.relative(process.cwd(), server)} is missing: build first (npm run build).`);
  // Empty, not absent: loadDotEnv never overrides a variable that is set, so a .env MicrosoftAppId cannot sneak in.
  const env = {
    ...process.env,
    PORT: String(port),
    MicrosoftAppId: '',
    MicrosoftAppPassword: '',
    NODE_ENV: process.env.NODE_ENV === 'production' ? 'development' : (process.env.NODE_ENV ?? 'development'),
  };
  const child = spawn(process.execPath, [server], { cwd: ROOT, env, stdio: ['ignore', 'inherit', 'inherit'] });
  let ended: string | undefined;
  child.once(
    'exit',
    (code, signal) => (ended = `the bot exited (${signal ?? `code ${code}`}) before it answered /healthz`),
  );
  await waitFor(`the bot on http://127.0.0.1:${port}/healthz`, () => health(port), {
    timeoutMs: 60_000,
    intervalMs: 250,
    abort: () => ended,
  });
  return child;
}

export async function main(): Promise<number> {
  const botPort = portFrom('PORT', process.env.PORT, 3978);
  const uiPort = portFrom('PLAYGROUND_PORT', process.env.PLAYGROUND_PORT, 56150);
  if (!playgroundInstalled()) {
    process.stderr.write(
      `The Agents Playground is not installed (${PLAYGROUND_CLI}). Run npm ci (it is a dev dependency).\n`,
    );
    return 1;
  }

  let bot: ChildProcess | undefined;
  let playground: RunningPlayground | undefined;
  let stopping = false;
  const stopAll = async () => {
    stopping = true;
    const codes = await Promise.all([playground ? playground.stop() : null, bot ? stopChild(bot) : null]);
    return codes;
  };
  // Registered before anything starts, so Ctrl-C during start-up still cleans up what was started.
  let interrupted: ((signal: string) => void) | undefined;
  const interruptedP = new Promise<string>((resolve) => (interrupted = resolve));
  for (const sig of ['SIGINT', 'SIGTERM'] as const) process.on(sig, () => interrupted?.(sig));

  try {
    const existing = await health(botPort);
    if (existing) {
      say(`Using the bot already running on port ${botPort} (log source: ${existing.logSource ?? 'unknown'}).`);
      if (existing.authenticated) {
        say(
          'Warning: that bot checks Bot Framework tokens (MicrosoftAppId is set); the playground sends none, so its messages will get 401. Stop it or use another PORT.',
        );
      }
    } else {
      say(`Starting the bot on port ${botPort} (authentication off, local use only)...`);
      bot = await Promise.race([
        startBot(botPort),
        interruptedP.then((s) => Promise.reject(new Error(`interrupted by ${s}`))),
      ]);
    }

    const logDir = fs.mkdtempSync(path.join(os.tmpdir(), 'apim-triage-playground-'));
    const logFile = path.join(logDir, 'm365agentsplayground.log');
    const openBrowser = Boolean(process.env.DISPLAY);
    playground = await startPlayground({
      botEndpoint: `http://127.0.0.1:${botPort}/api/messages`,
      port: uiPort,
      logFile,
      openBrowser,
    });
    if (playground.port !== uiPort) say(`Port ${uiPort} was taken; the playground chose ${playground.port}.`);
    say(`Agents Playground: ${playground.uiUrl}   (bot: http://127.0.0.1:${botPort}/api/messages, log: ${logFile})`);
    say(
      `Type e.g. "triage last 15m" in the chat. Ctrl-C stops ${bot ? 'both' : 'the playground (the bot you started keeps running)'}.`,
    );

    const pg = playground;
    const outcome = await Promise.race([
      interruptedP.then((signal) => ({ who: 'user', signal, code: 0 })),
      exited(pg.child).then((code) => ({ who: 'playground', signal: '', code })),
      ...(bot ? [exited(bot).then((code) => ({ who: 'bot', signal: '', code }))] : []),
    ]);
    if (outcome.who === 'user') {
      say(`${outcome.signal}: stopping...`);
      await stopAll();
      return 0;
    }
    say(`The ${outcome.who} stopped (exit code ${outcome.code ?? 'signal'}); stopping the rest.`);
    await stopAll();
    return outcome.code ?? 1;
  } catch (err) {
    if (!stopping) await stopAll();
    process.stderr.write(`[playground] ${err instanceof Error ? err.message : String(err)}\n`);
    return 1;
  }
}

if (require.main === module) {
  void main().then((code) => process.exit(code));
}
