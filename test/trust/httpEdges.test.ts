/**
 * Hostile HTTP input on POST /api/messages, over real HTTP: the size limit holds while reading, a request
 * without a token is refused before its body is read, each malformed request gets its own 4xx (never a 5xx,
 * never a logged TypeError), and a fast-check fuzzer finds no request that breaks those rules.
 */
import * as http from 'node:http';
import fc from 'fast-check';
import type { Logger } from '../../src/bot/ports';
import { MAX_ACTIVITY_BYTES } from '../../src/bot/activityRequest';
import { teamsMessage } from '../support/connector/teamsActivity';
import { embeddedTriage } from '../bot/support/realTriage';
import { closeAll, startBot, type Bot } from '../bot/support/harness';

jest.setTimeout(180_000);
afterEach(closeAll);

/** Errors the server logged (a TypeError in a turn is a bug even when the status looks fine). */
function recordingLogger(): { logger: Logger; errors: string[] } {
  const errors: string[] = [];
  return {
    errors,
    logger: { info() {}, warn() {}, error: (m, f) => errors.push(`${m} ${JSON.stringify(f ?? {})}`) },
  };
}

interface RawResponse {
  status: number;
  body: string;
}

/**
 * One request with full control over headers and body: a Buffer, or chunks streamed one by one (`null` ends
 * the body; `undefined` stalls it: nothing more is sent and the body never ends).
 */
function request(
  url: string,
  opts: {
    method?: string;
    headers?: Record<string, string>;
    body?: Buffer | string;
    chunks?: () => Buffer | null | undefined;
  },
): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method: opts.method ?? 'POST', headers: opts.headers }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      res.on('error', reject);
    });
    // The server may answer and close before the whole body is sent: that is the point.
    req.on('error', (err: NodeJS.ErrnoException) => {
      if (err.code !== 'EPIPE' && err.code !== 'ECONNRESET') reject(err);
    });
    if (opts.chunks) {
      const pump = () => {
        for (;;) {
          if (req.destroyed) return;
          const c = opts.chunks!();
          if (c === undefined) return;
          if (c === null) return void req.end();
          if (!req.write(c)) return void req.once('drain', pump);
        }
      };
      pump();
    } else {
      req.end(opts.body);
    }
  });
}

const json = { 'content-type': 'application/json' };

async function bot(extra: Parameters<typeof startBot>[1] = {}): Promise<Bot & { errors: string[] }> {
  const { logger, errors } = recordingLogger();
  const b = await startBot(embeddedTriage(), { logger, ...extra });
  return Object.assign(b, { errors });
}

describe('each malformed request gets its own 4xx', () => {
  test.each([
    ['an activity without type', json, () => ({ ...teamsMessage('help', 'http://127.0.0.1:9'), type: undefined }), 400],
    ['an XML body', { 'content-type': 'application/xml' }, () => '<activity type="message"/>', 415],
    ['a form-encoded body', { 'content-type': 'application/x-www-form-urlencoded' }, () => 'type=message&text=hi', 415],
    [
      'an activity without a conversation',
      json,
      () => ({ ...teamsMessage('help', 'http://127.0.0.1:9'), conversation: undefined }),
      400,
    ],
    ['not JSON', json, () => '{"type": "message",', 400],
    ['a JSON array', json, () => [teamsMessage('help', 'http://127.0.0.1:9')], 400],
    ['text that is not a string', json, () => ({ ...teamsMessage('help', 'http://127.0.0.1:9'), text: { a: 1 } }), 400],
    ['no content type', {}, () => JSON.stringify(teamsMessage('help', 'http://127.0.0.1:9')), 415],
  ])('%s', async (_name, headers, make, status) => {
    const b = await bot();
    const made = make();
    const body = typeof made === 'string' ? made : JSON.stringify(made);
    const res = await request(b.url, { headers, body });
    expect(res.status).toBe(status);
    expect(res.body).toMatch(/[a-z]/i); // a sentence saying why
    await b.app.bot.idle();
    expect(b.errors).toEqual([]);
    expect(b.connector.sent).toEqual([]);
  });
});

describe('size and authentication are checked before the body is kept', () => {
  test('a declared oversized body is refused with 413 without being read', async () => {
    const b = await bot();
    let sent = 0;
    const res = await request(b.url, {
      headers: { ...json, 'content-length': String(50 * 1024 * 1024) },
      chunks: () => (sent++ < 1 ? Buffer.alloc(1024, 32) : undefined),
    });
    expect(res.status).toBe(413);
  });

  test('a streamed (chunked) body is cut off at the limit with 413, and memory stays bounded', async () => {
    const b = await bot();
    const chunk = Buffer.alloc(64 * 1024, 32);
    const total = 50 * 1024 * 1024;
    global.gc?.();
    const before = process.memoryUsage();
    let sent = 0;
    let healthMs = 0;
    const health = (async () => {
      const t = Date.now();
      const r = await fetch(b.url.replace('/api/messages', '/healthz'));
      healthMs = Date.now() - t;
      return r.status;
    })();
    const res = await request(b.url, {
      headers: { ...json, 'transfer-encoding': 'chunked' },
      chunks: () => (sent < total ? ((sent += chunk.length), chunk) : null),
    });
    const after = process.memoryUsage();
    expect(res.status).toBe(413);
    expect(await health).toBe(200);
    // The server stopped reading long before 50 MB arrived, and kept at most the limit.
    expect(sent).toBeLessThan(total);
    const grewMb = (after.rss - before.rss) / 1024 / 1024;
    expect(grewMb).toBeLessThan(48);
    process.stdout.write(
      `[http edges] 50 MB streamed body: refused with 413 after ${(sent / 1024 / 1024).toFixed(1)} MB sent; ` +
        `RSS ${(before.rss / 1048576).toFixed(0)} -> ${(after.rss / 1048576).toFixed(0)} MB; ` +
        `/healthz during the upload answered in ${healthMs} ms\n`,
    );
  });

  test('with authentication on, a request without a token gets 401 before its body is read', async () => {
    const b = await bot({
      env: { MicrosoftAppId: '11111111-2222-3333-4444-555555555555', MicrosoftAppPassword: 'not-a-real-secret' },
    });
    // 50 MB declared, 1 KB sent: an answer can only come if the server did not wait for the body.
    let sent = 0;
    const res = await request(b.url, {
      headers: { ...json, 'content-length': String(50 * 1024 * 1024) },
      chunks: () => (sent++ < 1 ? Buffer.alloc(1024, 32) : undefined),
    });
    expect(res.status).toBe(401);
  });
});

// ---- fuzzing ------------------------------------------------------------------------------------------------

/** What the rules say the status must be, computed from the request alone (not by the code under test). */
function expectedStatus(contentType: string, body: string, size: number): number {
  if (!/^application\/json\s*(;|$)/i.test(contentType)) return 415;
  if (size > MAX_ACTIVITY_BYTES) return 413;
  let v: unknown;
  try {
    v = JSON.parse(body);
  } catch {
    return 400;
  }
  const o = v as Record<string, unknown> | null;
  if (typeof o !== 'object' || o === null || Array.isArray(o)) return 400;
  if (typeof o.type !== 'string' || !o.type.trim()) return 400;
  const conv = o.conversation as Record<string, unknown> | null | undefined;
  if (typeof conv !== 'object' || conv === null || Array.isArray(conv) || typeof conv.id !== 'string' || !conv.id)
    return 400;
  if (typeof o.serviceUrl !== 'string' || !/^https?:\/\/\S+$/i.test(o.serviceUrl)) return 400;
  const strings = ['id', 'channelId', 'text', 'textFormat', 'name', 'replyToId', 'locale', 'localTimezone'];
  const more = ['timestamp', 'localTimestamp'];
  for (const f of [...strings, ...more]) if (o[f] != null && typeof o[f] !== 'string') return 400;
  for (const f of ['from', 'recipient', 'channelData'])
    if (o[f] != null && (typeof o[f] !== 'object' || Array.isArray(o[f]))) return 400;
  for (const f of ['entities', 'attachments', 'membersAdded', 'membersRemoved']) {
    if (o[f] == null) continue;
    if (!Array.isArray(o[f])) return 400;
    if (!(o[f] as unknown[]).every((x) => typeof x === 'object' && x !== null && !Array.isArray(x))) return 400;
  }
  return 200;
}

test('fuzz: every request gets the status its shape calls for; no 5xx, no logged error', async () => {
  const b = await bot();
  const serviceUrl = b.connector.serviceUrl;
  const valid = teamsMessage('help', serviceUrl);
  const anyValue = fc.oneof(
    fc.string(),
    fc.integer(),
    fc.boolean(),
    fc.constant(null),
    fc.array(fc.string(), { maxLength: 3 }),
    fc.dictionary(fc.string({ maxLength: 5 }), fc.string(), { maxKeys: 3 }),
  );
  const fields = Object.keys(valid).concat(['value', 'membersAdded', 'membersRemoved', 'attachments']);
  // Start from a valid activity and break it: drop fields, give them other types, change the type.
  const mutated = fc
    .tuple(
      fc.subarray(fields),
      fc.dictionary(fc.constantFrom(...fields), anyValue, { maxKeys: 3 }),
      fc.constantFrom('message', 'typing', 'event', 'messageReaction', 'installationUpdate', '', 'x'),
    )
    .map(([drop, replace, type]) => {
      const a: Record<string, unknown> = { ...valid, type, text: 'help' };
      for (const f of drop) delete a[f];
      return JSON.stringify({ ...a, ...replace });
    });
  const body = fc.oneof(
    { weight: 6, arbitrary: mutated },
    { weight: 1, arbitrary: fc.json() },
    { weight: 1, arbitrary: fc.string() },
    { weight: 1, arbitrary: fc.constantFrom('', '{}', '[]', 'null', '"x"', '{"type":"message"}', '{'.repeat(5000)) },
  );
  const contentType = fc.oneof(
    { weight: 8, arbitrary: fc.constant('application/json') },
    { weight: 1, arbitrary: fc.constant('application/json; charset=utf-8') },
    {
      weight: 2,
      arbitrary: fc.constantFrom(
        'text/plain',
        'application/xml',
        'application/x-www-form-urlencoded',
        'multipart/form-data',
      ),
    },
  );
  const counts = new Map<number, number>();
  await fc.assert(
    fc.asyncProperty(contentType, body, async (type, text) => {
      const res = await request(b.url, { headers: { 'content-type': type }, body: text });
      counts.set(res.status, (counts.get(res.status) ?? 0) + 1);
      expect(res.status).toBe(expectedStatus(type, text, Buffer.byteLength(text)));
    }),
    { numRuns: 400 },
  );
  await b.app.bot.idle();
  expect(b.errors).toEqual([]);
  process.stdout.write(`[http edges] fuzz: 400 requests, statuses ${JSON.stringify(Object.fromEntries(counts))}\n`);
});
