/**
 * Teams throttles bots (HTTP 429 with Retry-After on sends and updates). A throttled acknowledgement or
 * answer must be retried after the wait Teams asks for, not lost.
 */
import { cardOf } from '../support/connector/captureConnector';
import { post, teamsMessage } from '../support/connector/teamsActivity';
import { cardToText } from '../../src/cards';
import { FaultyConnectorFront } from './support/connectorFaults';
import { embeddedTriage } from './support/realTriage';
import { closeAll, startBot } from './support/harness';

jest.setTimeout(60_000);
afterEach(closeAll);

const throttled = (method: 'POST' | 'PUT') => ({
  method,
  status: 429,
  headers: { 'Retry-After': '1' },
  body: { error: { code: 'Throttled', message: 'Too many requests' } },
});

test('a throttled answer update is retried after Retry-After and lands on the same card', async () => {
  const bot = await startBot(embeddedTriage());
  const front = await new FaultyConnectorFront(bot.connector).start();
  try {
    front.failNext(throttled('PUT'));
    await post(bot.url, teamsMessage('triage last 15m', front.serviceUrl));
    const running = await bot.connector.waitForSent(2);
    const update = await bot.connector.waitForUpdate(running.id);
    expect(front.refused).toEqual([expect.objectContaining({ method: 'PUT', status: 429 })]);
    expect(cardToText(cardOf(update)!)).toContain('Triage, last 15m');
    // The retry came no sooner than Teams asked (a lower bound: a slow machine only makes it later).
    const retry = front.forwarded.find((f) => f.method === 'PUT')!;
    expect(retry.at - front.refused[0].at).toBeGreaterThanOrEqual(900);
  } finally {
    await front.stop();
  }
});

test('a throttled acknowledgement is retried too', async () => {
  const bot = await startBot(embeddedTriage());
  const front = await new FaultyConnectorFront(bot.connector).start();
  try {
    front.failNext(throttled('POST'));
    const res = await post(bot.url, teamsMessage('apis', front.serviceUrl));
    expect(res.status).toBe(200);
    const running = await bot.connector.waitForSent(2);
    await bot.connector.waitForUpdate(running.id);
    expect(front.refused).toEqual([expect.objectContaining({ method: 'POST', status: 429 })]);
  } finally {
    await front.stop();
  }
});
