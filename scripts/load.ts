/**
 * Load figures for the bot's HTTP endpoint (NOT a test: it prints numbers, it asserts nothing).
 *
 *   npm run build && node dist/scripts/load.js [URL] [--users 50] [--duration 60] [--think 10]
 *                                              [--mode ok|slow|failing|throttling] [--json]
 *
 * Without URL it starts `node dist/src/server.js` itself (PORT = a free port, LOG_SOURCE=embedded, no
 * MicrosoftAppId) and reports the child's peak RSS. With URL (http://127.0.0.1:PORT/api/messages) it
 * drives a bot already running with authentication off. Either way replies go to a capture connector
 * on loopback that records when each command was acknowledged (first reply) and answered (the PUT
 * that replaces the running card). Each simulated user has its own personal chat and waits for its
 * answer, then `--think` seconds (default 10 s keeps a user under the bot's 6 commands/min limit; use
 * 0 to stress, and expect rate-limited replies, which are counted, not treated as errors).
 *
 * Modes (the log source's behaviour under load). Only `ok` runs today; the others need a fault hook in
 * the server, which does not exist yet. Each needs the spawned server to honour one setting:
 *   slow        LOAD_FAULT=slow:<ms>     every LogSource.query() waits <ms> first (answers queue up)
 *   failing     LOAD_FAULT=fail:<ratio>  that share of queries throws a Log Analytics 500 (error cards)
 *   throttling  LOAD_FAULT=throttle:<n>  more than n concurrent queries get a 429 with Retry-After
 * (a decorator around the LogSource in src/triage/sources.ts, active only when LOG_SOURCE=embedded).
 *
 * Bounded: users stop sending at the deadline, outstanding answers get a grace period (30 s), then
 * the script stops its child and exits. Loopback only.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const MODES = ['ok', 'slow', 'failing', 'throttling'] as const;
type Mode = (typeof MODES)[number];

interface Options {
  url?: string;
  users: number;
  durationS: number;
  thinkS: number;
  mode: Mode;
  json: boolean;
  graceS: number;
}

const COMMANDS = ['triage last 15m', 'why 401 on orders-api', 'tls last 1h', 'breakers last 30m', 'why 503 on shipping-api', 'apis last 1h'];

function usage(problem: string): never {
  process.stderr.write(
    `${problem}\nUsage: node dist/scripts/load.js [http://127.0.0.1:PORT/api/messages] [--users N(1-500)] [--duration S(1-600)] ` +
      `[--think S(0-120)] [--mode ${MODES.join('|')}] [--json]\n`,
  );
  process.exit(2);
}

function parseArgs(argv: string[]): Options {
  const o: Options = { users: 50, durationS: 60, thinkS: 10, mode: 'ok', json: false, graceS: 30 };
  const num = (name: string, v: string | undefined, min: number, max: number) => {
    const n = Number(v);
    if (v === undefined || !Number.isFinite(n) || n < min || n > max) usage(`${name} needs a number from ${min} to ${max}, got "${v ?? ''}"`);
    return n;
  };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--users') o.users = Math.floor(num(a, argv[++i], 1, 500));
    else if (a === '--duration') o.durationS = num(a, argv[++i], 1, 600);
    else if (a === '--think') o.thinkS = num(a, argv[++i], 0, 120);
    else if (a === '--mode') {
      const m = argv[++i];
      if (!MODES.includes(m as Mode)) usage(`--mode must be one of ${MODES.join(', ')}, got "${m ?? ''}"`);
      o.mode = m as Mode;
    } else if (a === '--json') o.json = true;
    else if (a === '--help' || a === '-h') usage('Load figures for the APIM Triage bot.');
    else if (!a.startsWith('--') && !o.url) o.url = a;
    else usage(`unknown argument "${a}"`);
  }
  if (o.url) {
    let u: URL;
    try {
      u = new URL(o.url);
    } catch {
      usage(`"${o.url}" is not a URL`);
    }
    if (u.protocol !== 'http:' || !['127.0.0.1', 'localhost', '[::1]'].includes(u.hostname)) usage('the bot URL must be http on loopback (127.0.0.1, localhost or [::1])');
  }
  if (o.mode !== 'ok' && o.url) usage(`--mode ${o.mode} needs the script to start the server itself (omit the URL)`);
  return o;
}

// ---------------------------------------------------------------------------------------------------
// Capture connector: records ack and answer times per command.

interface CommandRecord {
  user: number;
  activityId: string;
  conversationId: string;
  text: string;
  sentAt: number;
  httpStatus?: number;
  httpMs?: number;
  ackAt?: number;
  cardId?: string;
  answeredAt?: number;
  refused?: string;
  error?: string;
  done: () => void;
}

class Capture {
  private server?: Server;
  serviceUrl = '';
  readonly byActivity = new Map<string, CommandRecord>();
  readonly byCard = new Map<string, CommandRecord>();
  private seq = 0;

  async start(): Promise<void> {
    this.server = createServer((req, res) => this.handle(req, res));
    await new Promise<void>((r) => this.server!.listen(0, '127.0.0.1', r));
    this.serviceUrl = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/`;
  }

  stop(): Promise<void> {
    return new Promise((r) => (this.server ? this.server.close(() => r()) : r()));
  }

  private handle(req: IncomingMessage, res: ServerResponse): void {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const now = performance.now();
      const m = /^\/v3\/conversations\/([^/]+)\/activities(?:\/([^/?]+))?/.exec(req.url ?? '');
      let body: { type?: string; text?: string; replyToId?: string; attachments?: unknown[] } = {};
      try {
        body = JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}');
      } catch {
        /* recorded as an unknown call */
      }
      const target = m?.[2] ? decodeURIComponent(m[2]) : undefined;
      const id = `cap-${++this.seq}`;
      if (req.method === 'POST') {
        const rec = (target && this.byActivity.get(target)) || (body.replyToId ? this.byActivity.get(body.replyToId) : undefined);
        if (rec) {
          rec.ackAt ??= now;
          if (body.type === 'message' && body.attachments?.length && !rec.cardId) {
            rec.cardId = id;
            this.byCard.set(id, rec);
          } else if (body.type === 'message' && !body.attachments?.length && body.text) {
            // A plain-text reply instead of a card: the rate limit or an access refusal.
            rec.refused = body.text.slice(0, 120);
            rec.done();
          }
        }
      } else if (req.method === 'PUT' && target) {
        const rec = this.byCard.get(target);
        if (rec && rec.answeredAt === undefined) {
          rec.answeredAt = now;
          rec.done();
        }
      }
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ id }));
    });
  }
}

// ---------------------------------------------------------------------------------------------------
// The bot under test.

interface Bot {
  url: string;
  child?: ChildProcess;
  peakRssKb(): number | undefined;
  stop(): Promise<void>;
}

async function freePort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const port = (s.address() as AddressInfo).port;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

function readStatusKb(pid: number, field: 'VmRSS' | 'VmHWM'): number | undefined {
  try {
    const m = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) : undefined;
  } catch {
    return undefined;
  }
}

async function startBot(o: Options): Promise<Bot> {
  if (o.url) return { url: o.url, peakRssKb: () => undefined, stop: async () => undefined };
  const entry = resolve(__dirname, '..', 'src', 'server.js');
  if (!existsSync(entry)) usage(`${entry} not found: run \`npm run build\` first`);
  const port = await freePort();
  const stateDir = mkdtempSync(join(tmpdir(), 'apim-triage-load-'));
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    ...(process.env.NODE_PATH ? { NODE_PATH: process.env.NODE_PATH } : {}),
    NODE_ENV: 'development',
    PORT: String(port),
    LOG_SOURCE: 'embedded',
    MicrosoftAppId: '',
    STATE_DIR: stateDir,
    ...(o.mode === 'slow' ? { LOAD_FAULT: 'slow:2000' } : o.mode === 'failing' ? { LOAD_FAULT: 'fail:0.3' } : o.mode === 'throttling' ? { LOAD_FAULT: 'throttle:5' } : {}),
  };
  const child = spawn(process.execPath, [entry], { env, cwd: process.cwd(), stdio: ['ignore', 'ignore', 'pipe'] });
  const stderrTail: string[] = [];
  child.stderr?.on('data', (c: Buffer) => {
    stderrTail.push(c.toString('utf8'));
    if (stderrTail.length > 20) stderrTail.shift();
  });
  let sampledPeak = 0;
  const sampler = setInterval(() => {
    const kb = child.pid ? readStatusKb(child.pid, 'VmRSS') : undefined;
    if (kb && kb > sampledPeak) sampledPeak = kb;
  }, 200);
  let exited = false;
  child.once('exit', () => (exited = true));

  const health = `http://127.0.0.1:${port}/healthz`;
  const readyBy = Date.now() + 90_000;
  for (;;) {
    if (exited) {
      clearInterval(sampler);
      throw new Error(`the bot exited during start-up:\n${stderrTail.join('').slice(-2000)}`);
    }
    try {
      if ((await fetch(health)).ok) break;
    } catch {
      /* not listening yet */
    }
    if (Date.now() > readyBy) {
      clearInterval(sampler);
      child.kill('SIGKILL');
      throw new Error('the bot did not answer /healthz within 90 s');
    }
    await sleep(250);
  }
  let hwm: number | undefined;
  return {
    url: `http://127.0.0.1:${port}/api/messages`,
    child,
    peakRssKb: () => Math.max(hwm ?? 0, (child.pid && readStatusKb(child.pid, 'VmHWM')) || 0, sampledPeak) || undefined,
    async stop() {
      hwm = child.pid ? readStatusKb(child.pid, 'VmHWM') : undefined;
      clearInterval(sampler);
      if (!exited) {
        child.kill('SIGTERM');
        const killBy = Date.now() + 10_000;
        while (!exited && Date.now() < killBy) await sleep(100);
        if (!exited) child.kill('SIGKILL');
      }
      rmSync(stateDir, { recursive: true, force: true });
    },
  };
}

// ---------------------------------------------------------------------------------------------------

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

function activityFor(rec: CommandRecord, serviceUrl: string, user: number) {
  return {
    type: 'message',
    id: rec.activityId,
    timestamp: new Date().toISOString(),
    channelId: 'msteams',
    serviceUrl,
    text: rec.text,
    locale: 'en-US',
    from: { id: `29:load-user-${user}`, name: `Load User ${user}`, aadObjectId: `00000000-0000-4000-8000-${String(user).padStart(12, '0')}` },
    recipient: { id: '28:apim-triage', name: 'APIM Triage' },
    conversation: { id: rec.conversationId, conversationType: 'personal', tenantId: 'load-tenant' },
    channelData: { tenant: { id: 'load-tenant' } },
    entities: [{ type: 'clientInfo', locale: 'en-US', timezone: 'UTC' }],
  };
}

async function runUser(user: number, o: Options, bot: Bot, cap: Capture, deadline: number, hardStop: number, out: CommandRecord[]): Promise<void> {
  let n = 0;
  // Stagger starts over the first second so the first burst is not one instant.
  await sleep(Math.floor((user / o.users) * 1000));
  while (performance.now() < deadline) {
    n += 1;
    let finish: () => void = () => undefined;
    const finished = new Promise<void>((r) => (finish = r));
    const rec: CommandRecord = {
      user,
      activityId: `load-${user}-${n}`,
      conversationId: `a:load-user-${user}`,
      text: COMMANDS[(user + n) % COMMANDS.length]!,
      sentAt: performance.now(),
      done: () => finish(),
    };
    cap.byActivity.set(rec.activityId, rec);
    out.push(rec);
    try {
      const res = await fetch(bot.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(activityFor(rec, cap.serviceUrl, user)),
        signal: AbortSignal.timeout(Math.max(1000, Math.floor(hardStop - performance.now()))),
      });
      rec.httpStatus = res.status;
      rec.httpMs = performance.now() - rec.sentAt;
      await res.arrayBuffer();
      if (res.status !== 200) {
        rec.error = `HTTP ${res.status}`;
        rec.done();
      }
    } catch (err) {
      rec.error = err instanceof Error ? `${err.name}: ${err.message.slice(0, 80)}` : 'request failed';
      rec.done();
    }
    const left = hardStop - performance.now();
    let timer: NodeJS.Timeout | undefined;
    const timedOut = await Promise.race([
      finished.then(() => false),
      new Promise<boolean>((r) => (timer = setTimeout(() => r(true), Math.max(0, left)))),
    ]);
    clearTimeout(timer);
    if (timedOut) {
      rec.error ??= 'no answer before the script stopped';
      return;
    }
    // Think time, but never past the deadline (so the run ends on time and throughput is not diluted).
    if (o.thinkS > 0) await sleep(Math.max(0, Math.min(o.thinkS * 1000 * (0.5 + Math.random()), deadline - performance.now())));
  }
}

function pct(values: number[], p: number): number | undefined {
  if (values.length === 0) return undefined;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

function summarise(o: Options, records: CommandRecord[], elapsedS: number, peakRssKb: number | undefined) {
  const answered = records.filter((r) => r.answeredAt !== undefined);
  const acked = records.filter((r) => r.ackAt !== undefined);
  const ack = acked.map((r) => r.ackAt! - r.sentAt);
  const answer = answered.map((r) => r.answeredAt! - r.sentAt);
  const http = records.filter((r) => r.httpMs !== undefined).map((r) => r.httpMs!);
  const errors = new Map<string, number>();
  for (const r of records) if (r.error && r.answeredAt === undefined) errors.set(r.error, (errors.get(r.error) ?? 0) + 1);
  const stat = (v: number[]) => ({ p50: round(pct(v, 50)), p90: round(pct(v, 90)), p99: round(pct(v, 99)), max: round(pct(v, 100)) });
  const byCommand: Record<string, { answered: number; msToAnswerP50?: number; msToAnswerP99?: number }> = {};
  for (const text of COMMANDS) {
    const v = answered.filter((r) => r.text === text).map((r) => r.answeredAt! - r.sentAt);
    byCommand[text] = { answered: v.length, msToAnswerP50: round(pct(v, 50)), msToAnswerP99: round(pct(v, 99)) };
  }
  return {
    mode: o.mode,
    users: o.users,
    durationS: o.durationS,
    thinkS: o.thinkS,
    elapsedS: round(elapsedS),
    sent: records.length,
    acknowledged: acked.length,
    answered: answered.length,
    refusedOrRateLimited: records.filter((r) => r.refused).length,
    errors: Object.fromEntries(errors),
    throughputAnswersPerS: round(answered.length / elapsedS, 2),
    msToAck: stat(ack),
    msToAnswer: stat(answer),
    msHttpTurn: stat(http),
    botPeakRssMb: peakRssKb ? round(peakRssKb / 1024, 1) : undefined,
    byCommand,
  };
}

function round(v: number | undefined, digits = 0): number | undefined {
  if (v === undefined) return undefined;
  const f = 10 ** digits;
  return Math.round(v * f) / f;
}

function print(s: ReturnType<typeof summarise>): void {
  const row = (name: string, v: { p50?: number; p90?: number; p99?: number; max?: number }) =>
    `  ${name.padEnd(18)} p50 ${String(v.p50 ?? '-').padStart(6)}  p90 ${String(v.p90 ?? '-').padStart(6)}  p99 ${String(v.p99 ?? '-').padStart(6)}  max ${String(v.max ?? '-').padStart(6)}`;
  const lines = [
    `APIM Triage load: ${s.users} users, ${s.durationS} s, think ${s.thinkS} s, mode ${s.mode} (ran ${s.elapsedS} s)`,
    `  commands sent ${s.sent}, acknowledged ${s.acknowledged}, answered ${s.answered}, refused/rate-limited ${s.refusedOrRateLimited}`,
    `  throughput ${s.throughputAnswersPerS} answers/s`,
    row('ms to ack', s.msToAck),
    row('ms to answer', s.msToAnswer),
    row('ms HTTP turn', s.msHttpTurn),
    ...Object.entries(s.byCommand).map(
      ([text, v]) => `    ${JSON.stringify(text).padEnd(26)} answered ${String(v.answered).padStart(4)}  ms to answer p50 ${v.msToAnswerP50 ?? '-'}  p99 ${v.msToAnswerP99 ?? '-'}`,
    ),
    `  errors ${Object.keys(s.errors).length ? JSON.stringify(s.errors) : 'none'}`,
    `  bot peak RSS ${s.botPeakRssMb !== undefined ? `${s.botPeakRssMb} MB` : 'n/a (bot not started by this script)'}`,
  ];
  process.stdout.write(lines.join('\n') + '\n');
}

async function main(): Promise<void> {
  const o = parseArgs(process.argv.slice(2));
  if (o.mode !== 'ok') {
    process.stderr.write(
      `--mode ${o.mode} needs the server to honour LOAD_FAULT (see the header of scripts/load.ts); it does not yet, so the figures would be those of mode ok. Stopping.\n`,
    );
    process.exit(2);
  }
  const cap = new Capture();
  await cap.start();
  let bot: Bot | undefined;
  try {
    bot = await startBot(o);
    const started = performance.now();
    const deadline = started + o.durationS * 1000;
    const hardStop = deadline + o.graceS * 1000;
    const records: CommandRecord[] = [];
    await Promise.all(Array.from({ length: o.users }, (_, i) => runUser(i + 1, o, bot!, cap, deadline, hardStop, records)));
    const elapsedS = (performance.now() - started) / 1000;
    const peak = bot.peakRssKb();
    const summary = summarise(o, records, elapsedS, peak);
    if (o.json) process.stdout.write(JSON.stringify(summary) + '\n');
    else print(summary);
  } finally {
    await bot?.stop();
    await cap.stop();
  }
}

main().catch((err) => {
  process.stderr.write(`load: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
