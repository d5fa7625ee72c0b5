/**
 * One person sending 200 commands in 10 s: the bot runs what the per-user budget allows and posts one
 * "try again in N s" notice per refusal window, not one per message (a notice per message is itself a
 * flood, and Teams throttles the bot for it).
 */
import { RateLimiter } from '../../src/bot/rateLimit';
import { post, teamsMessage } from '../support/connector/teamsActivity';
import { embeddedTriage } from './support/realTriage';
import type { CapturedCall } from '../support/connector/captureConnector';
import { closeAll, ran, startBot } from './support/harness';

const isNotice = (c: CapturedCall) => typeof c.body.text === 'string' && /try again in \d+ s/i.test(c.body.text);

jest.setTimeout(120_000);
afterEach(closeAll);

test('200 messages in 10 s from one user get at most one refusal notice per window', async () => {
  let t = 1_700_000_000_000;
  const perMinute = 6;
  const bot = await startBot(embeddedTriage(), {
    guards: {
      rateLimiter: new RateLimiter({ perUserPerMinute: perMinute, perConversationPerMinute: 1000, now: () => t }),
    },
  });
  const { connector, url, app } = bot;
  for (let i = 0; i < 200; i++) {
    const res = await post(url, teamsMessage('apis', connector.serviceUrl));
    expect(res.status).toBe(200);
    t += 50; // 200 messages over 10 s
  }
  await app.bot.idle();
  const notices = connector.sent.filter(isNotice);
  // The budget is a burst of 6, then one more every 10 s; the last message comes at 9.95 s, before that
  // token. So 6 commands run and the 194 refusals form one window: one notice, not 194.
  expect(ran(bot)).toHaveLength(perMinute);
  expect(notices).toHaveLength(1);
  // Every refusal is still in the audit log, the silent ones marked as such.
  const limited = bot.audit.filter((r) => r.event === 'rate-limited');
  expect(limited).toHaveLength(200 - perMinute);
  expect(limited.filter((r) => !r.detail?.startsWith('silent'))).toHaveLength(1);
});

test('after the limit lifts, the next refusal is announced again', async () => {
  let t = 1_700_000_000_000;
  const bot = await startBot(embeddedTriage(), {
    guards: { rateLimiter: new RateLimiter({ perUserPerMinute: 1, perConversationPerMinute: 1000, now: () => t }) },
  });
  const { connector, url, app } = bot;
  const notices = () => connector.sent.filter(isNotice).length;
  await post(url, teamsMessage('apis', connector.serviceUrl)); // runs
  await post(url, teamsMessage('apis', connector.serviceUrl)); // refused: notice
  await post(url, teamsMessage('apis', connector.serviceUrl)); // refused: silent
  expect(notices()).toBe(1);
  t += 60_000; // the limit lifts
  await post(url, teamsMessage('apis', connector.serviceUrl)); // runs
  await post(url, teamsMessage('apis', connector.serviceUrl)); // refused: a new window, a new notice
  await app.bot.idle();
  expect(notices()).toBe(2);
  expect(ran(bot)).toHaveLength(2);
});
