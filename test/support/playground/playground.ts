/**
 * Starts and drives the Microsoft 365 Agents Playground (@microsoft/m365agentsplayground) headless:
 * used by `npm run playground` (scripts/playground.ts) and the end-to-end test.
 *
 * What the playground offers for driving it without a browser (read from its dist/index.js, 0.2.28):
 *   GET  /_internal/v1/config                              mock tenant, users, personal/group chat and team ids
 *   POST /_conversation/v1/conversations/<id>/messages     inject a user message ({from:{id}, text, textFormat})
 *   WS   /_ws_conversation/v1/conversations/stream         what its UI receives: {action: 'createMessage' |
 *        'updateMessage' | 'typing', actionConversationId, message: {messageId, from, text, attachments}}
 *        for every bot send and update (it buffers them while no client is connected).
 * It listens on all interfaces (no host option); everything here talks to it on 127.0.0.1.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as path from 'node:path';

/** The playground's CLI script (what node_modules/.bin/agentsplayground links to), from src or dist alike. */
export const PLAYGROUND_CLI = ((): string => {
  try {
    return path.join(path.dirname(require.resolve('@microsoft/m365agentsplayground/package.json')), 'cli.js');
  } catch {
    return path.resolve(__dirname, '../../../node_modules/@microsoft/m365agentsplayground/cli.js');
  }
})();

export function playgroundInstalled(): boolean {
  return fs.existsSync(PLAYGROUND_CLI);
}

/** A port that was free on 127.0.0.1 a moment ago (the OS picks it). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}

/** Polls `probe` until it returns a value (not undefined); fails with `what` after `timeoutMs`. */
export async function waitFor<T>(
  what: string,
  probe: () => T | undefined | Promise<T | undefined>,
  opts: { timeoutMs?: number; intervalMs?: number; abort?: () => string | undefined } = {},
): Promise<T> {
  const deadline = Date.now() + (opts.timeoutMs ?? 30_000);
  for (;;) {
    const stop = opts.abort?.();
    if (stop) throw new Error(`Gave up waiting for ${what}: ${stop}`);
    let v: T | undefined;
    try {
      v = await probe();
    } catch {
      v = undefined; // a probe that fails (not up yet) counts as "not yet"
    }
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, opts.intervalMs ?? 200));
  }
}

export async function getJson(url: string, timeoutMs = 5000): Promise<{ status: number; body: unknown }> {
  const res = await fetch(url, { signal: AbortSignal.timeout(timeoutMs) });
  const text = await res.text();
  let body: unknown = text;
  try {
    body = JSON.parse(text);
  } catch {
    // not JSON: keep the text
  }
  return { status: res.status, body };
}

async function postJson(url: string, payload: unknown, timeoutMs = 10_000): Promise<{ status: number; body: unknown }> {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(payload),
    signal: AbortSignal.timeout(timeoutMs),
  });
  const text = await res.text();
  let body: unknown = text;
  try {
    body = JSON.parse(text);
  } catch {
    // not JSON: keep the text
  }
  return { status: res.status, body };
}

/** Waits for a child to end; resolves its exit code (null when it was killed by a signal). */
export function exited(child: ChildProcess): Promise<number | null> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(child.exitCode);
  return new Promise((resolve) => child.once('exit', (code) => resolve(code)));
}

/** Sends SIGTERM to one child we started (by its pid), SIGKILL if it has not gone after `graceMs`. */
export async function stopChild(child: ChildProcess, graceMs = 5000): Promise<number | null> {
  if (child.exitCode !== null || child.signalCode !== null) return child.exitCode;
  const done = exited(child);
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
  try {
    return await done;
  } finally {
    clearTimeout(timer);
  }
}

export interface PlaygroundOptions {
  /** The bot's messaging endpoint, e.g. http://127.0.0.1:3978/api/messages. */
  botEndpoint: string;
  /** UI/connector port (-p). The playground falls back to a random port when it is taken. */
  port?: number;
  /** Where the playground writes its log (M365_AGENTS_PLAYGROUND_LOGFILE). */
  logFile: string;
  /** Let it open a browser (only sensible with a display); default: no browser. */
  openBrowser?: boolean;
  /** Receives the playground's stdout/stderr lines. */
  onOutput?: (line: string) => void;
  timeoutMs?: number;
}

export interface RunningPlayground {
  child: ChildProcess;
  /** The port it really listens on (from its "Listening on N" line). */
  port: number;
  /** Loopback base URL for API calls. */
  baseUrl: string;
  /** What a person opens in a browser. */
  uiUrl: string;
  logFile: string;
  stop(): Promise<number | null>;
}

function logTail(file: string, chars = 1500): string {
  try {
    const text = fs.readFileSync(file, 'utf8');
    return text.slice(-chars);
  } catch {
    return '(no log file)';
  }
}

/** Starts the playground for the msteams channel and waits until its internal API answers. */
export async function startPlayground(opts: PlaygroundOptions): Promise<RunningPlayground> {
  if (!playgroundInstalled())
    throw new Error(`The Agents Playground is not installed (${PLAYGROUND_CLI}); run npm ci.`);
  fs.mkdirSync(path.dirname(opts.logFile), { recursive: true });
  const args = [PLAYGROUND_CLI, '-e', opts.botEndpoint, '-c', 'msteams', '--dt'];
  if (opts.port !== undefined) args.push('-p', String(opts.port));
  const env: NodeJS.ProcessEnv = { ...process.env, M365_AGENTS_PLAYGROUND_LOGFILE: opts.logFile };
  // On a box without a display it would try xdg-open and exit 1 right after start.
  if (opts.openBrowser) delete env.TEAMSAPPTESTER_BROWSER;
  else env.TEAMSAPPTESTER_BROWSER = 'none';
  const child = spawn(process.execPath, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });

  let listening: number | undefined;
  let exitNote: string | undefined;
  child.once(
    'exit',
    (code, signal) =>
      (exitNote = `the playground exited (${signal ?? `code ${code}`}); its log ends with:\n${logTail(opts.logFile)}`),
  );
  const onLine = (line: string) => {
    const m = /Listening on (\d+)/.exec(line);
    if (m) listening = Number(m[1]);
    opts.onOutput?.(line);
  };
  for (const stream of [child.stdout, child.stderr]) {
    let pending = '';
    stream?.setEncoding('utf8');
    stream?.on('data', (chunk: string) => {
      pending += chunk;
      const lines = pending.split('\n');
      pending = lines.pop() ?? '';
      lines.forEach(onLine);
    });
  }

  try {
    const port = await waitFor('the playground to listen', () => listening, {
      timeoutMs: opts.timeoutMs ?? 30_000,
      abort: () => exitNote,
    });
    const baseUrl = `http://127.0.0.1:${port}`;
    await waitFor(
      'the playground API (/_internal/v1/config)',
      async () => ((await getJson(`${baseUrl}/_internal/v1/config`)).status === 200 ? true : undefined),
      { timeoutMs: opts.timeoutMs ?? 30_000, abort: () => exitNote },
    );
    return {
      child,
      port,
      baseUrl,
      uiUrl: `http://localhost:${port}`,
      logFile: opts.logFile,
      stop: () => stopChild(child),
    };
  } catch (err) {
    await stopChild(child);
    throw err;
  }
}

export interface PlaygroundConfig {
  currentUserId: string;
  personalChatId: string;
}

export async function playgroundConfig(baseUrl: string): Promise<PlaygroundConfig> {
  const { status, body } = await getJson(`${baseUrl}/_internal/v1/config`);
  const cfg = (body as { config?: { currentUser?: { id?: string }; personalChat?: { id?: string } } }).config;
  if (status !== 200 || !cfg?.currentUser?.id || !cfg.personalChat?.id) {
    throw new Error(`Unexpected /_internal/v1/config answer (HTTP ${status}): ${JSON.stringify(body).slice(0, 300)}`);
  }
  return { currentUserId: cfg.currentUser.id, personalChatId: cfg.personalChat.id };
}

/** Types `text` into a conversation as the mock user; returns the message id the playground gave it. */
export async function sendUserMessage(
  baseUrl: string,
  conversationId: string,
  userId: string,
  text: string,
): Promise<string> {
  const { status, body } = await postJson(
    `${baseUrl}/_conversation/v1/conversations/${encodeURIComponent(conversationId)}/messages`,
    {
      from: { id: userId },
      text,
      textFormat: 'plain',
    },
  );
  const id = (body as { messageId?: string }).messageId;
  if (status !== 200 || !id)
    throw new Error(`The playground refused the message (HTTP ${status}): ${JSON.stringify(body).slice(0, 300)}`);
  return id;
}

/** One event of the conversation stream. */
export interface StreamEvent {
  /** createMessage, updateMessage, typing, ... */
  action: string;
  actionConversationId: string;
  message?: {
    messageId: string;
    from?: { id: string };
    text?: string;
    attachments?: { contentType: string; content: unknown }[];
  };
}

export const CONVERSATION_STREAM = '/_ws_conversation/v1/conversations/stream';
