/**
 * End to end through the Microsoft 365 Agents Playground: the real bot server (restify + CloudAdapter,
 * in this process, on 127.0.0.1, no MicrosoftAppId) and the real playground process as the Teams side.
 * A user message is injected through the playground's internal API; the bot's messages are read from
 * the conversation stream its web UI uses (see test/support/playground/playground.ts): the running
 * card first, then the same message updated in place with the answer card.
 * Skipped only when the playground package is not installed (it is a dev dependency).
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { createServer, type RunningServer } from '../../src/server';
import { loadConfig } from '../../src/config';
import { createTriage } from '../../src/triage';
import { cardToText } from '../../src/cards';
import {
  CONVERSATION_STREAM,
  freePort,
  playgroundConfig,
  playgroundInstalled,
  sendUserMessage,
  startPlayground,
  waitFor,
  type RunningPlayground,
  type StreamEvent,
} from '../support/playground/playground';
import { WsTextClient } from '../support/playground/wsClient';

const NOW = new Date('2026-11-23T14:30:00Z');
const CARD = 'application/vnd.microsoft.card.adaptive';

type Card = { body?: { type: string; text?: string }[] } & Record<string, unknown>;

function cardOf(e: StreamEvent): Card | undefined {
  return e.message?.attachments?.find((a) => a.contentType === CARD)?.content as Card | undefined;
}

function titleOf(card: Card): string {
  return String(card.body?.find((b) => b.type === 'TextBlock')?.text ?? '');
}

const suite = playgroundInstalled() ? describe : describe.skip;

suite('Agents Playground end to end', () => {
  let tmp: string;
  let bot: RunningServer;
  let playground: RunningPlayground;
  let stream: WsTextClient;
  let events: StreamEvent[];
  let chatId: string;
  let userId: string;
  const logLines: string[] = [];

  beforeAll(async () => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'apim-triage-playground-'));
    const config = loadConfig({ NODE_ENV: 'test', STATE_DIR: path.join(tmp, 'state') });
    const { triage } = createTriage(config, { now: NOW });
    const quiet = {
      info: (m: string) => logLines.push(m),
      warn: (m: string) => logLines.push(m),
      error: (m: string) => logLines.push(m),
    };
    bot = createServer({ config, triage, logger: quiet, now: () => NOW });
    const { port: botPort } = await bot.listen(0, '127.0.0.1');

    const wanted = await freePort();
    playground = await startPlayground({
      botEndpoint: `http://127.0.0.1:${botPort}/api/messages`,
      port: wanted,
      logFile: path.join(tmp, 'playground.log'),
      onOutput: (line) => logLines.push(line),
    });
    // It silently takes a random port when the wanted one is busy; the test must know which it got.
    expect(playground.port).toBe(wanted);

    stream = await WsTextClient.connect(`ws://127.0.0.1:${playground.port}${CONVERSATION_STREAM}`);
    events = [];
    stream.onMessage((text) => events.push(JSON.parse(text) as StreamEvent));
    ({ personalChatId: chatId, currentUserId: userId } = await playgroundConfig(playground.baseUrl));
  }, 60_000);

  afterAll(async () => {
    stream?.close();
    const code = await playground?.stop();
    await bot?.close();
    if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
    // SIGTERM ends it (exit code null for a signal, or 0 when it exits by itself); anything else is a crash.
    expect([0, null, undefined]).toContain(code);
  }, 30_000);

  /** The bot's messages in the personal chat after `from` (events index). */
  function botEvents(from: number): StreamEvent[] {
    return events.slice(from).filter((e) => e.actionConversationId === chatId && e.message?.from?.id !== userId);
  }

  it('answers "triage last 15m" with a running card that is replaced in place by the ranked answer', async () => {
    const start = events.length;
    await sendUserMessage(playground.baseUrl, chatId, userId, 'triage last 15m');

    const answer = await waitFor(
      'the triage answer on the conversation stream',
      () =>
        botEvents(start).find((e) => e.action === 'updateMessage' && titleOf(cardOf(e) ?? {}) === 'Triage, last 15m'),
      { timeoutMs: 45_000, abort: () => (stream.isClosed ? 'the conversation stream closed' : undefined) },
    );
    const created = botEvents(start).filter((e) => e.action === 'createMessage' && cardOf(e));
    // Ack-then-update: one card was posted (the running card) and that very message got the answer.
    expect(created).toHaveLength(1);
    expect(titleOf(cardOf(created[0])!)).toMatch(/^⏳ Running triage for the last 15 min/);
    expect(answer.message!.messageId).toBe(created[0].message!.messageId);

    const card = cardOf(answer)!;
    expect(card.type).toBe('AdaptiveCard');
    expect(card.version).toBe('1.5');
    const text = cardToText(card);
    // The demo incident, ranked: the TLS rejection on payments-api leads, the tripped breaker follows.
    expect(text).toContain('20 findings, 1,207 failed requests in the last 15m (2,791 requests)');
    const tls = text.indexOf('Backend certificate rejected by the gateway (TLS trust)');
    const breaker = text.indexOf('Circuit breaker open: gateway answered 503 without calling the backend');
    expect(tls).toBeGreaterThan(-1);
    expect(breaker).toBeGreaterThan(tls);
    expect(text).toContain('payments-api → payments-backend');
    expect(text).toContain('The remote certificate was rejected by the provided RemoteCertificateValidationCallback.');
    // Secrets in the demo URLs never reach the card.
    const json = JSON.stringify(card);
    expect(json).not.toMatch(/subscription-key=[0-9a-f]{32}/i);
    expect(json).not.toMatch(/eyJ[\w-]{5,}\.[\w-]{5,}\./);
  }, 60_000);

  it('answers an unknown command with help that names the problem and suggests the command meant', async () => {
    const start = events.length;
    await sendUserMessage(playground.baseUrl, chatId, userId, 'triqqe');
    const reply = await waitFor(
      'the help card',
      () => botEvents(start).find((e) => e.action === 'createMessage' && cardOf(e)),
      { timeoutMs: 20_000 },
    );
    const text = cardToText(cardOf(reply)!);
    expect(text).toContain('I don\'t know the command "triqqe".');
    expect(text).toContain('triage [window] [on <api>]');
    const actions = JSON.stringify(cardOf(reply)!.actions ?? cardOf(reply)!.body);
    expect(actions).toContain('"triage"');
  }, 30_000);
});
