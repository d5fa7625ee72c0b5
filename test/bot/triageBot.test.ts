/**
 * The Teams host over real HTTP: createServer + CloudAdapter on 127.0.0.1, a capture connector as the
 * serviceUrl, and a scripted Triage (real parser and help text; prepared answers that tests can hold).
 */
import { createServer, type RunningServer } from '../../src/server';
import { cardBytes, cardToText, CARD_BUDGET_BYTES } from '../../src/cards';
import { silentLogger, type Logger } from '../../src/bot/ports';
import { CaptureConnector, cardOf } from '../support/connector/captureConnector';
import { BOT, CHANNEL_THREAD, cardAction, post, teamsMessage } from '../support/connector/teamsActivity';
import { ScriptedTriage } from './scriptedTriage';
import { signAction, signingKey } from '../../src/bot/actionData';
import { openAccessPolicy } from '../../src/bot/access';
import { RateLimiter } from '../../src/bot/rateLimit';
import { bigAnswer, demoAnswer, demoError } from '../cards/fixtures';
import { validateCard } from '../cards/validateCard';

const flatConfig = { port: 0, nodeEnv: 'test' };
const KEY = 'test-signing-key-0123456789abcdef0123456789';
/** Card data as the bot puts it on its buttons: signed with the server's key. */
const signed = (verb: string, command: string) => signAction({ verb, command }, signingKey(KEY));

const opened: { app: RunningServer; connector: CaptureConnector; triage: ScriptedTriage }[] = [];

/** Servers are closed after each test even when it fails, so a failure cannot leave jest hanging. */
async function start(triage: ScriptedTriage, extra: Partial<Parameters<typeof createServer>[0]> = {}) {
  const connector = await new CaptureConnector().start();
  const app = createServer({ config: flatConfig, triage, logger: silentLogger, invokeWaitMs: 2000, actionSigningKey: KEY, ...extra });
  opened.push({ app, connector, triage });
  const { port } = await app.listen(0, '127.0.0.1');
  return { connector, app, url: `http://127.0.0.1:${port}/api/messages` };
}

async function closeAll(): Promise<void> {
  for (const { app, connector, triage } of opened.splice(0)) {
    triage.release();
    await app.close();
    await connector.stop();
  }
}

afterEach(closeAll);

describe('messages: ack, then update in place', () => {
  let connector: CaptureConnector;
  let app: RunningServer;
  let url: string;
  const triage = new ScriptedTriage(() => demoAnswer);

  beforeAll(async () => {
    ({ connector, app, url } = await start(triage));
    opened.pop(); // lives for the whole describe; closed in afterAll
  });
  afterAll(async () => {
    triage.release();
    await app.close();
    await connector.stop();
  });

  test('HTTP 200, typing and the running card all come before the answer, which replaces that card', async () => {
    triage.hold();
    const activity = teamsMessage('triage last 15m', connector.serviceUrl);
    const res = await post(url, activity);
    expect(res.status).toBe(200);

    // The turn has ended and the answer is still held: only the acknowledgement exists.
    const [typing, running] = connector.sent;
    expect(connector.sent).toHaveLength(2);
    expect(connector.updates).toHaveLength(0);
    expect(typing.body.type).toBe('typing');
    expect(cardToText(cardOf(running)!)).toMatch(/^⏳ Running triage for the last 15 min…\ntriage last 15m/);
    // Replies go to the thread the command came from.
    for (const c of [typing, running]) {
      expect(c.conversationId).toBe(CHANNEL_THREAD);
      expect(c.activityId).toBe(activity.id);
    }
    expect(triage.runs.at(-1)!.command.text).toBe('triage last 15m');
    expect(triage.runs.at(-1)!.ctx.requestedBy).toBe('Ada Lovelace');
    expect(triage.runs.at(-1)!.ctx.signal).toBeInstanceOf(AbortSignal);

    triage.release();
    const update = await connector.waitForUpdate(running.id);
    await app.bot.idle();
    expect(update.conversationId).toBe(CHANNEL_THREAD);
    expect(update.body.id).toBe(running.id);
    const text = cardToText(cardOf(update)!);
    expect(text).toContain('1 | Backend TLS certificate rejected / payments-api → payments-backend');
    expect(text).toMatch(/UTC \(\d\d:\d\d–\d\d:\d\d Europe\/Berlin\)/);
    expect(text).toContain('Asked by Ada Lovelace');
    expect(connector.updates).toHaveLength(1);
  });

  test('"hello" gets the help card, never silence', async () => {
    const before = connector.sent.length;
    expect((await post(url, teamsMessage('hello', connector.serviceUrl))).status).toBe(200);
    const sent = connector.sent.slice(before);
    expect(sent).toHaveLength(1);
    const text = cardToText(cardOf(sent[0])!);
    expect(text).toContain("I didn't understand that");
    expect(text).toContain('triage');
  });

  test('a bare mention gets the help card with every command', async () => {
    const before = connector.sent.length;
    await post(url, teamsMessage('', connector.serviceUrl));
    const text = cardToText(cardOf(connector.sent[before])!);
    expect(text).toContain('APIM Triage: what you can ask me');
  });

  test('"triaje" gets suggestions as buttons that run the suggested command', async () => {
    const before = connector.sent.length;
    await post(url, teamsMessage('triaje', connector.serviceUrl));
    const card = cardOf(connector.sent[before])!;
    const json = JSON.stringify(card);
    expect(cardToText(card)).toContain('Did you mean:');
    expect(json).toMatch(/"verb":"drill","command":"triage[^"]*"/);
  });

  test('only the bot mention is stripped; leftover <at> tags are removed too', async () => {
    const before = triage.runs.length;
    const a = teamsMessage('why 401 on orders-api <at>Bob</at>', connector.serviceUrl);
    await post(url, a);
    await app.bot.idle();
    expect(triage.runs[before].command.text).toBe('why 401 on orders-api');
  });
});

describe('deadlines and failures', () => {
  test('an answer that never comes ends in an explained timeout on the same card', async () => {
    const triage = new ScriptedTriage(() => demoAnswer);
    const { connector, app, url } = await start(triage, { answerTimeoutMs: 50 });
    triage.hang();
    await post(url, teamsMessage('triage last 15m', connector.serviceUrl));
    const running = await connector.waitForSent(2);
    const update = await connector.waitForUpdate(running.id);
    const text = cardToText(cardOf(update)!);
    expect(text).toContain('The query took too long');
    expect(text).toContain('Try a shorter window');
    expect(triage.runs[0].ctx.signal!.aborted).toBe(true);
  });

  test('an ErrorAnswer is shown as an error card with a retry button', async () => {
    const triage = new ScriptedTriage(() => demoError);
    const { connector, app, url } = await start(triage);
    await post(url, teamsMessage('triage last 15m', connector.serviceUrl));
    const running = await connector.waitForSent(2);
    const update = await connector.waitForUpdate(running.id);
    expect(cardToText(cardOf(update)!)).toContain("Log Analytics refused the bot's identity");
    expect(JSON.stringify(cardOf(update))).toContain('"verb":"refresh","command":"triage last 15m"');
  });

  test('if Teams refuses the in-place update, the answer is posted as a new message in the thread', async () => {
    const triage = new ScriptedTriage(() => demoAnswer);
    const { connector, app, url } = await start(triage);
    connector.failUpdates = true;
    await post(url, teamsMessage('triage last 15m', connector.serviceUrl));
    await app.bot.idle();
    expect(connector.updates).toHaveLength(1);
    const last = connector.sent.at(-1)!;
    expect(last.conversationId).toBe(CHANNEL_THREAD);
    expect(cardToText(cardOf(last)!)).toContain('1 | Backend TLS certificate rejected');
  });

  test('a 300-signature answer still arrives as a valid, signed card under 40 KB', async () => {
    const triage = new ScriptedTriage(() => bigAnswer(300));
    const { connector, app, url } = await start(triage);
    await post(url, teamsMessage('triage last 15m', connector.serviceUrl));
    await app.bot.idle();
    const card = cardOf(connector.updates.at(-1)!)!;
    expect(validateCard(card)).toEqual([]);
    expect(cardBytes(card)).toBeLessThan(CARD_BUDGET_BYTES);
    expect(JSON.stringify(card)).toContain('"sig":');
    expect(cardToText(card)).toMatch(/and \d+ more signatures/);
  });

  test('a crash inside the turn: plain apology in chat, no stack, details only in the log', async () => {
    const lines: string[] = [];
    const logger: Logger = { info() {}, warn() {}, error: (m, f) => lines.push(m + JSON.stringify(f)) };
    const triage = new ScriptedTriage(() => demoAnswer);
    triage.parse = () => {
      throw new Error('boom at https://x/y?subscription-key=0123456789abcdef0123456789abcdef');
    };
    const { connector, app, url } = await start(triage, { logger });
    const res = await post(url, teamsMessage('triage last 15m', connector.serviceUrl));
    // onTurnError handled it, so the HTTP request itself succeeds.
    expect(res.status).toBe(200);
    const msg = connector.sent.at(-1)!.body.text as string;
    expect(msg).toMatch(/^Sorry, something went wrong while handling that message\./);
    expect(msg).not.toMatch(/boom|at Object|\.ts:/);
    expect(lines.join('\n')).toContain('boom');
    expect(lines.join('\n')).not.toContain('0123456789abcdef0123456789abcdef');
  });
});

describe('card actions (adaptiveCard/action invokes)', () => {
  let connector: CaptureConnector;
  let app: RunningServer;
  let url: string;
  const triage = new ScriptedTriage(() => demoAnswer);

  beforeAll(async () => {
    ({ connector, app, url } = await start(triage));
    opened.pop(); // lives for the whole describe; closed in afterAll
  });
  afterAll(async () => {
    await app.close();
    await connector.stop();
  });

  test('refresh re-runs the command, returns the new card and updates the message for everyone', async () => {
    const res = await post(url, cardAction('refresh', signed('refresh', 'triage last 15m'), connector.serviceUrl, 'card-7'));
    expect(res.status).toBe(200);
    const body = JSON.parse(res.body);
    expect(body.statusCode).toBe(200);
    expect(body.type).toBe('application/vnd.microsoft.card.adaptive');
    expect(cardToText(body.value)).toContain('1 | Backend TLS certificate rejected');
    const update = await connector.waitForUpdate('card-7');
    expect(cardToText(cardOf(update)!)).toContain('1 | Backend TLS certificate rejected');
    expect(triage.runs.at(-1)!.command.text).toBe('triage last 15m');
  });

  test('a slow refresh answers the invoke with the running card and updates the message later', async () => {
    const slow = new ScriptedTriage(() => demoAnswer);
    const s = await start(slow, { invokeWaitMs: 10 });
    slow.hold();
    const res = await post(s.url, cardAction('refresh', signed('refresh', 'triage last 15m'), s.connector.serviceUrl, 'card-9'));
    expect(cardToText(JSON.parse(res.body).value)).toContain('Running triage');
    expect(s.connector.updates).toHaveLength(0);
    slow.release();
    const update = await s.connector.waitForUpdate('card-9');
    expect(cardToText(cardOf(update)!)).toContain('Backend TLS certificate rejected');
  });

  test('drill posts a new running card in the thread and replaces it with the answer', async () => {
    const before = connector.sent.length;
    const res = await post(url, cardAction('drill', signed('drill', 'why 401 on orders-api'), connector.serviceUrl, 'card-7'));
    const body = JSON.parse(res.body);
    expect(body.type).toBe('application/vnd.microsoft.activity.message');
    expect(body.value).toContain('why 401 on orders-api');
    const running = connector.sent.slice(before).find((c) => cardOf(c));
    expect(cardToText(cardOf(running!)!)).toContain('Running the 401 breakdown');
    await connector.waitForUpdate(running!.id);
    expect(triage.runs.at(-1)!.command).toMatchObject({ status: 401, api: 'orders-api' });
  });

  test('showKql returns the exact query of the last answer', async () => {
    const res = await post(url, cardAction('showKql', signed('showKql', 'triage last 15m'), connector.serviceUrl, 'card-7'));
    const body = JSON.parse(res.body);
    expect(body.type).toBe('application/vnd.microsoft.card.adaptive');
    expect(cardToText(body.value)).toContain(demoAnswer.kql);
  });

  test('unsigned, tampered, unknown-verb and malformed data are refused with 400, nothing runs', async () => {
    const runs = triage.runs.length;
    const tampered = { ...signed('refresh', 'triage last 15m'), command: 'triage last 24h' };
    for (const [verb, data] of [
      ['refresh', { verb: 'refresh', command: 'triage last 15m' }],
      ['refresh', tampered],
      ['deleteEverything', signed('deleteEverything', 'triage')],
      ['refresh', signed('refresh', '')],
      ['refresh', signed('refresh', 'x'.repeat(300))],
      ['drill', signed('refresh', 'triage last 15m')],
      ['refresh', 'just a string'],
    ] as const) {
      const res = await post(url, cardAction(verb, data, connector.serviceUrl, 'card-7'));
      const body = JSON.parse(res.body);
      expect(res.status).toBe(400);
      expect(body).toMatchObject({ statusCode: 400, type: 'application/vnd.microsoft.error' });
      expect(body.value.message).toMatch(/card action/);
    }
    expect(triage.runs.length).toBe(runs);
  });

  test('a button taken from a delivered card works: the bot signs what it sends', async () => {
    await post(url, teamsMessage('triage last 15m', connector.serviceUrl));
    await app.bot.idle();
    const card = cardOf(connector.updates.at(-1)!)!;
    const refresh = (card.actions as { verb?: string; data?: Record<string, unknown> }[]).find((a) => a.verb === 'refresh')!;
    expect(Object.keys(refresh.data!).sort()).toEqual(['command', 'kid', 'sig', 'verb']);
    const res = await post(url, cardAction('refresh', refresh.data, connector.serviceUrl, 'card-11'));
    expect(JSON.parse(res.body).type).toBe('application/vnd.microsoft.card.adaptive');
  });

  test('command text that does not parse gets the help card, not a query', async () => {
    const runs = triage.runs.length;
    const res = await post(url, cardAction('refresh', signed('refresh', 'drop table GatewayLogs'), connector.serviceUrl, 'card-7'));
    const body = JSON.parse(res.body);
    expect(cardToText(body.value)).toContain("I didn't understand that");
    expect(triage.runs.length).toBe(runs);
  });

  test('Action.Submit fallback (a message with value) runs the command too', async () => {
    const before = connector.sent.length;
    const m = teamsMessage('', connector.serviceUrl, { value: signed('drill', 'tls last 1h'), replyToId: 'card-7' });
    delete m.text;
    await post(url, m);
    await app.bot.idle();
    expect(triage.runs.at(-1)!.command.kind).toBe('tls');
    expect(connector.sent.length).toBe(before + 2);
  });
});

describe('guards: access, rate limits, input length', () => {
  test('a tenant outside the allow-list is refused politely and nothing runs', async () => {
    const triage = new ScriptedTriage(() => demoAnswer);
    const { connector, url } = await start(triage, { guards: { access: openAccessPolicy({ allowedTenants: ['other-tenant'] }) } });
    await post(url, teamsMessage('triage last 15m', connector.serviceUrl));
    expect(connector.sent).toHaveLength(1);
    expect(connector.sent[0].body.text).toMatch(/^Sorry, I can't run that here\..*ALLOWED_TENANTS/);
    expect(triage.runs).toHaveLength(0);
  });

  test('a user over the per-minute budget is told when to retry; help still works', async () => {
    const triage = new ScriptedTriage(() => demoAnswer);
    const { connector, app, url } = await start(triage, { guards: { rateLimiter: new RateLimiter({ perUserPerMinute: 1 }) } });
    await post(url, teamsMessage('triage last 15m', connector.serviceUrl));
    await app.bot.idle();
    const before = connector.sent.length;
    await post(url, teamsMessage('triage last 1h', connector.serviceUrl));
    expect(connector.sent.slice(before).map((c) => c.body.type)).toEqual(['message']);
    expect(String(connector.sent[before].body.text)).toMatch(/try again in \d+ s/i);
    await post(url, teamsMessage('help', connector.serviceUrl));
    expect(cardToText(cardOf(connector.sent.at(-1)!)!)).toContain('What you can ask');
    expect(triage.runs).toHaveLength(1);
  });

  test('an over-long message is refused with the limit and an example', async () => {
    const triage = new ScriptedTriage(() => demoAnswer);
    const { connector, url } = await start(triage, { guards: { maxCommandLength: 50 } });
    await post(url, teamsMessage('triage last 15m ' + 'x'.repeat(100), connector.serviceUrl));
    expect(String(connector.sent[0].body.text)).toMatch(/commands are at most 50.*triage last 15m/);
    expect(triage.runs).toHaveLength(0);
  });
});

describe('authentication and health', () => {
  test('with MicrosoftAppId set: no token and a garbage token both get 401 and nothing runs', async () => {
    // CloudAdapter prints the AuthenticationError itself; keep the test output readable.
    const quiet = jest.spyOn(console, 'error').mockImplementation(() => {});
    const triage = new ScriptedTriage(() => demoAnswer);
    const { connector, app, url } = await start(triage, {
      config: { port: 0, nodeEnv: 'test', microsoftAppId: '11111111-2222-3333-4444-555555555555', microsoftAppPassword: 'not-a-real-secret' },
    });
    const activity = teamsMessage('triage last 15m', connector.serviceUrl);
    expect((await post(url, activity)).status).toBe(401);
    expect((await post(url, activity, { authorization: 'Bearer garbage.not.ajwt' })).status).toBe(401);
    expect((await post(url, activity, { authorization: 'Basic Zm9vOmJhcg==' })).status).toBe(401);
    expect(triage.runs).toHaveLength(0);
    expect(connector.calls).toHaveLength(0);
    quiet.mockRestore();
  });

  test('/healthz reports status, version, log source and uptime', async () => {
    const triage = new ScriptedTriage(() => demoAnswer);
    const { connector, app, url } = await start(triage, { sourceKind: 'embedded' });
    const res = await fetch(url.replace('/api/messages', '/healthz'));
    const body = (await res.json()) as Record<string, unknown>;
    expect(res.status).toBe(200);
    expect(body).toMatchObject({ status: 'ok', version: '0.1.0', logSource: 'embedded', authenticated: false, answersInFlight: 0 });
    expect(typeof body.uptimeSeconds).toBe('number');
  });

  test('unauthenticated mode says so loudly in the log', () => {
    const warnings: string[] = [];
    createServer({ config: flatConfig, triage: new ScriptedTriage(() => demoAnswer), logger: { ...silentLogger, warn: (m) => warnings.push(m) } });
    expect(warnings.join('\n')).toMatch(/AUTHENTICATION DISABLED/);
  });

  test('production without MicrosoftAppId refuses to start with a clear message', () => {
    expect(() => createServer({ config: { port: 0, nodeEnv: 'production' }, triage: new ScriptedTriage(() => demoAnswer), logger: silentLogger })).toThrow(
      /Refusing to start: NODE_ENV=production but MicrosoftAppId is not set/,
    );
  });
});

void BOT;
