/**
 * One person sending 200 commands at once: the bot runs what the per-user budget allows and posts one
 * "try again in N s" notice per refusal window, not one per message (a notice per message is itself a
 * flood, and Teams throttles the bot for it). When the window ends is covered in test/trust/rateLimit.test.ts.
 */
import { cardAction, invokeReply, post, teamsMessage } from '../support/connector/teamsActivity';
import { embeddedTriage } from './support/realTriage';
import type { CapturedCall } from '../support/connector/captureConnector';
import { closeAll, ran, signed, startBot } from './support/harness';

const isNotice = (c: CapturedCall) => typeof c.body.text === 'string' && /try again in \d+ s/i.test(c.body.text);

jest.setTimeout(180_000);
afterEach(closeAll);

test('200 messages in a row from one user get one refusal notice, not 199', async () => {
  // One command a minute: the 199 that follow the first all fall in the first refusal's window.
  const bot = await startBot(embeddedTriage(), {
    env: { RATE_LIMIT_USER_PER_MINUTE: '1', RATE_LIMIT_CONVERSATION_PER_MINUTE: '6000' },
  });
  const { connector, url, app } = bot;
  for (let i = 0; i < 200; i++) {
    const res = await post(url, teamsMessage('apis', connector.serviceUrl));
    expect(res.status).toBe(200);
  }
  await app.bot.idle();
  expect(ran(bot)).toHaveLength(1);
  expect(connector.sent.filter(isNotice)).toHaveLength(1);
  // Every refusal is still in the audit log, the silent ones marked as such.
  const limited = bot.audit.filter((r) => r.event === 'rate-limited');
  expect(limited).toHaveLength(199);
  expect(limited.filter((r) => !r.detail?.startsWith('silent'))).toHaveLength(1);
});

test('a button pressed while the bot is silent answers with the limit itself, not "see the message below"', async () => {
  const bot = await startBot(embeddedTriage(), {
    env: { RATE_LIMIT_USER_PER_MINUTE: '1', RATE_LIMIT_CONVERSATION_PER_MINUTE: '6000' },
  });
  const { connector, url, app } = bot;
  const serviceUrl = connector.serviceUrl;
  // The minute's one command, then a second message: the window's notice is posted, once.
  await post(url, teamsMessage('apis', serviceUrl));
  await post(url, teamsMessage('apis', serviceUrl));
  await app.bot.idle();
  expect(connector.sent.filter(isNotice)).toHaveLength(1);
  const posted = connector.sent.length;

  // Drill (Action.Execute): nothing more is posted, so the private answer must carry the limit itself.
  const drill = await post(url, cardAction('drill', signed('drill', 'why 401 on orders-api'), serviceUrl, 'answer-1'));
  const drillNote = invokeReply<string>(drill).value;
  expect(drillNote).not.toMatch(/below/i);
  expect(drillNote).toMatch(/try again in \d+ s/i);
  // Refresh pressed on a client without Universal Actions (Action.Submit): no invoke answer, and no post.
  const submit = teamsMessage('', serviceUrl, { value: signed('refresh', 'apis'), replyToId: 'answer-1' });
  delete submit.text;
  expect((await post(url, submit)).status).toBe(200);
  await app.bot.idle();
  expect(connector.sent.length).toBe(posted);
  expect(ran(bot)).toHaveLength(1);
});

test('a button that meets the limit first gets the notice posted, and its answer points at it', async () => {
  const bot = await startBot(embeddedTriage(), {
    env: { RATE_LIMIT_USER_PER_MINUTE: '1', RATE_LIMIT_CONVERSATION_PER_MINUTE: '6000' },
  });
  const { connector, url, app } = bot;
  await post(url, teamsMessage('apis', connector.serviceUrl));
  await app.bot.idle();
  const drill = await post(
    url,
    cardAction('drill', signed('drill', 'why 401 on orders-api'), connector.serviceUrl, 'answer-1'),
  );
  await app.bot.idle();
  expect(invokeReply<string>(drill).value).toMatch(/see the message below/i);
  expect(connector.sent.filter(isNotice)).toHaveLength(1);
});
