/**
 * End to end over real HTTP with the real pieces: createTriage over the embedded engine and the
 * seeded demo workspace, the real server (restify + CloudAdapter), and a capture connector standing in
 * for Teams. Teams-shaped activities in, Bot Connector calls out.
 */
import { createServer, type RunningServer } from '../../src/server';
import { loadConfig } from '../../src/config';
import { createTriage } from '../../src/triage';
import { cardBytes, cardToText, CARD_BUDGET_BYTES } from '../../src/cards';
import { silentLogger, type Triage } from '../../src/bot/ports';
import { CaptureConnector, cardOf } from '../support/connector/captureConnector';
import { CHANNEL_THREAD, post, teamsMessage } from '../support/connector/teamsActivity';
import { validateCard } from '../cards/validateCard';

jest.setTimeout(120_000);

const NOW = new Date('2026-11-23T14:33:00Z');
const env = { DEMO_HOURS: '2' };

/** The real triage, with run() held at a gate so the test can look at the world before the answer exists. */
function gated(inner: Triage): Triage & { release(): void } {
  let open!: () => void;
  const gate = new Promise<void>((resolve) => (open = resolve));
  return {
    parse: (text, ctx) => inner.parse(text, ctx),
    help: (problem, suggestions) => inner.help(problem, suggestions),
    run: async (command, ctx) => {
      await gate;
      return inner.run(command, ctx);
    },
    release: () => open(),
  };
}

let realTriage: Triage;

beforeAll(() => {
  realTriage = createTriage(loadConfig(env), { now: NOW }).triage;
});

describe('a channel message, end to end', () => {
  let connector: CaptureConnector;
  let app: RunningServer;
  let url: string;
  const triage = gated({
    parse: (t, c) => realTriage.parse(t, c),
    help: (p, s) => realTriage.help(p, s),
    run: (c, x) => realTriage.run(c, x),
  });

  beforeAll(async () => {
    connector = await new CaptureConnector().start();
    app = createServer({ config: loadConfig(env), triage, logger: silentLogger, now: () => NOW });
    const { port } = await app.listen(0, '127.0.0.1');
    url = `http://127.0.0.1:${port}/api/messages`;
  });
  afterAll(async () => {
    triage.release();
    await app?.close();
    await connector?.stop();
  });

  test('"@APIM Triage triage last 15m": 200 first, typing + running card, then the same card becomes the answer', async () => {
    const activity = teamsMessage('triage last 15m', connector.serviceUrl);
    const res = await post(url, activity);
    expect(res.status).toBe(200);
    // The HTTP turn is over; the answer is still gated, so nothing has been updated yet.
    expect(connector.updates).toHaveLength(0);
    const [typing, running] = connector.sent;
    expect(typing.body.type).toBe('typing');
    expect(cardToText(cardOf(running)!)).toContain('Running triage for the last 15 min');
    expect(running.conversationId).toBe(CHANNEL_THREAD);
    expect(running.activityId).toBe(activity.id);

    triage.release();
    const update = await connector.waitForUpdate(running.id);
    await app.bot.idle();
    expect(update.conversationId).toBe(CHANNEL_THREAD);
    expect(update.body.id).toBe(running.id);

    const card = cardOf(update)!;
    expect(validateCard(card)).toEqual([]);
    expect(JSON.stringify(card)).not.toMatch(/\$\{/);
    expect(cardBytes(card)).toBeLessThan(CARD_BUDGET_BYTES);

    const text = cardToText(card);
    const rows = text.split('\n').filter((l) => /^\d+ \| /.test(l));
    expect(rows[0]).toMatch(
      /^1 \| .*certificate.* \/ payments-api → payments-backend · HTTP 500, backend not reached/i,
    );
    const top5 = rows.slice(0, 5).join('\n');
    expect(top5).toMatch(/shipping-api → shipping-backend · HTTP 503/);
    expect(top5).toMatch(/orders-api.*HTTP 401/);
    expect(text).toContain('Asked by Ada Lovelace');
    expect(text).toMatch(/Workspace demo|Workspace .*embedded engine/);
    expect(JSON.stringify(card)).not.toMatch(/subscription-key=[0-9a-f]{32}/i);
    // For the report: what the user sees.
    if (process.env.PRINT_CARD) console.log(text);
  });

  test('"hello" gets help; "triqqe" gets suggestions', async () => {
    let before = connector.sent.length;
    await post(url, teamsMessage('hello', connector.serviceUrl));
    const help = cardToText(cardOf(connector.sent[before])!);
    expect(help).toContain('APIM Triage: what you can ask me');
    expect(help).toContain('What you can ask');

    before = connector.sent.length;
    await post(url, teamsMessage('triqqe', connector.serviceUrl));
    const card = cardOf(connector.sent[before])!;
    expect(validateCard(card)).toEqual([]);
    expect(cardToText(card)).toContain('Did you mean:');
    expect(JSON.stringify(card)).toContain('"verb":"drill","command":"triage"');
  });
});

describe('authentication with an app id', () => {
  test('no token and a garbage token: 401, nothing reaches the connector', async () => {
    const quiet = jest.spyOn(console, 'error').mockImplementation(() => {});
    const connector = await new CaptureConnector().start();
    const config = loadConfig({
      ...env,
      MicrosoftAppId: '11111111-2222-3333-4444-555555555555',
      MicrosoftAppPassword: 'not-a-real-secret',
    });
    const app = createServer({ config, triage: realTriage, logger: silentLogger });
    try {
      const { port } = await app.listen(0, '127.0.0.1');
      const url = `http://127.0.0.1:${port}/api/messages`;
      const activity = teamsMessage('triage last 15m', connector.serviceUrl);
      expect((await post(url, activity)).status).toBe(401);
      expect((await post(url, activity, { authorization: 'Bearer garbage' })).status).toBe(401);
      expect(connector.calls).toHaveLength(0);
    } finally {
      await app.close();
      await connector.stop();
      quiet.mockRestore();
    }
  });
});
