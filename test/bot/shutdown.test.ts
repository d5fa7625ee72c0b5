/**
 * Graceful shutdown (SIGTERM path): the server stops taking turns, lets answers in flight land within a
 * grace period, and cancels the rest with a card that says the bot restarted. Real orchestrator over
 * the real Azure SDK source; the local Log Analytics service holds queries to make them "slow".
 */
import { cardOf } from '../support/connector/captureConnector';
import { post, teamsMessage } from '../support/connector/teamsActivity';
import { cardToText } from '../../src/cards';
import type { LaService } from '../support/laService/server';
import { isProbeQuery, logAnalyticsTriage, startLogAnalytics } from './support/realTriage';
import { ran, startBot } from './support/harness';

jest.setTimeout(60_000);

let svc: LaService;
beforeAll(async () => {
  svc = await startLogAnalytics();
});
afterAll(() => svc.close());
beforeEach(() => svc.reset());

test('a slow answer in flight at shutdown is cancelled with an explained card; new turns get 503', async () => {
  const bot = await startBot(logAnalyticsTriage(svc));
  const { connector, url, app } = bot;
  svc.hold();
  await post(url, teamsMessage('triage last 15m', connector.serviceUrl));
  const running = await connector.waitForSent(2);
  await svc.waitFor(isProbeQuery);

  const closing = app.close(50);
  // While draining, the endpoint takes no new turn, and health says so (a load balancer stops routing).
  const refused = await post(url, teamsMessage('triage last 15m', connector.serviceUrl));
  expect(refused.status).toBe(503);

  await closing;
  const update = await connector.waitForUpdate(running.id);
  const text = cardToText(cardOf(update)!);
  expect(text).toContain('The bot restarted before this answer was ready');
  expect(text).toContain('type the command again');
  expect(ran(bot)).toEqual([expect.objectContaining({ outcome: 'error', errorCode: 'ShuttingDown' })]);
  svc.release();
  await connector.stop();
});

test('answers that finish within the grace period are delivered normally before the server closes', async () => {
  const bot = await startBot(logAnalyticsTriage(svc));
  const { connector, url, app } = bot;
  svc.hold();
  await post(url, teamsMessage('apis', connector.serviceUrl));
  const running = await connector.waitForSent(2);
  await svc.waitFor(isProbeQuery);

  const closing = app.close(30_000);
  svc.release();
  await closing;
  const text = cardToText(cardOf(await connector.waitForUpdate(running.id))!);
  expect(text).toContain('APIs');
  expect(text).not.toContain('restarted');
  expect(ran(bot)).toEqual([expect.objectContaining({ outcome: 'answer' })]);
  await connector.stop();
});
