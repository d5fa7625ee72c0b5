/**
 * Card buttons arrive two ways: an `adaptiveCard/action` invoke (Action.Execute) or a message carrying the
 * same data in `value` (Action.Submit, older clients). Over the real server and CloudAdapter, each verb
 * must have the same effect through both, and tampered data must be refused through both.
 */
import { cardToText } from '../../src/cards';
import { kqlHash } from '../../src/bot/audit';
import { ACTION_VERBS, type ActionVerb } from '../../src/bot/activity';
import type { TriageHub } from '../../src/triage';
import { cardOf, type CapturedCall } from '../support/connector/captureConnector';
import { cardAction, invokeReply, post, teamsMessage } from '../support/connector/teamsActivity';
import { ran, signed, startBot, stopBot, type Bot } from './support/harness';
import { embeddedTriage } from './support/realTriage';

// The first query in a process pays for loading Microsoft's KQL parser; nothing here is timed.
jest.setTimeout(60_000);

type Entry = 'invoke' | 'submit';
const ENTRIES: Entry[] = ['invoke', 'submit'];

/** Presses a button whose data is `data`, on the message `cardId`, the way the given client would. */
async function press(bot: Bot, entry: Entry, verb: string, data: unknown, cardId: string) {
  const serviceUrl = bot.connector.serviceUrl;
  if (entry === 'invoke') return post(bot.url, cardAction(verb, data, serviceUrl, cardId));
  const message = teamsMessage('', serviceUrl, { value: data, replyToId: cardId });
  delete message.text;
  return post(bot.url, message);
}

/** The last version of message `id` the bot wrote, as text. */
function latest(bot: Bot, id: string): string {
  const writes = bot.connector.calls.filter((c) => c.id === id && cardOf(c));
  return cardToText(cardOf(writes.at(-1)!)!);
}

/** Cards the bot posted as new messages since call number `since`. */
const postedCards = (bot: Bot, since: number): CapturedCall[] =>
  bot.connector.sent.filter((c) => c.seq > since && cardOf(c));

/** The text of a card's monospace runs: where the KQL card puts the query. */
function monospaceText(card: Record<string, unknown>): string {
  const body = card.body as { inlines?: { text: string; fontType?: string }[] }[];
  return body
    .flatMap((block) => block.inlines ?? [])
    .filter((run) => run.fontType === 'Monospace')
    .map((run) => run.text)
    .join('');
}

const lastSeq = (bot: Bot) => bot.connector.calls.at(-1)?.seq ?? 0;

let hub: TriageHub;
let bot: Bot;
beforeAll(async () => {
  hub = embeddedTriage();
  bot = await startBot(hub, {}, { shared: true });
  // An answer to drill into, refresh and read the KQL of.
  await post(bot.url, teamsMessage('triage last 15m', bot.connector.serviceUrl));
  await bot.app.bot.idle();
});
afterAll(() => stopBot(bot));

/** What each verb does, whichever way the button arrived. */
const effects: Record<ActionVerb, (entry: Entry) => Promise<void>> = {
  async drill(entry) {
    const runs = ran(bot).length;
    const since = lastSeq(bot);
    const res = await press(bot, entry, 'drill', signed('drill', 'why 401 on orders-api'), 'answer-1');
    expect(res.status).toBe(200);
    await bot.app.bot.idle();
    // A new card in the thread, first "running", then replaced by the answer to the drilled command.
    const [running] = postedCards(bot, since);
    expect(cardToText(cardOf(running)!)).toContain('why 401 on orders-api');
    expect(latest(bot, running.id)).toMatch(/orders-api/);
    expect(latest(bot, running.id)).not.toContain('Running');
    expect(
      ran(bot)
        .slice(runs)
        .map((r) => r.what),
    ).toEqual([expect.objectContaining({ kind: 'why', text: 'why 401 on orders-api' })]);
  },

  async refresh(entry) {
    const cardId = `pressed-${entry}`;
    const runs = ran(bot).length;
    const res = await press(bot, entry, 'refresh', signed('refresh', 'triage last 15m'), cardId);
    expect(res.status).toBe(200);
    await bot.app.bot.idle();
    // The pressed card's own message now holds a fresh answer to the same command.
    expect(latest(bot, cardId)).toMatch(/payments-api/);
    expect(latest(bot, cardId)).toContain('triage last 15m');
    expect(
      ran(bot)
        .slice(runs)
        .map((r) => r.what.text),
    ).toEqual(['triage last 15m']);
  },

  async showKql(entry) {
    const runs = ran(bot).length;
    const since = lastSeq(bot);
    const res = await press(bot, entry, 'showKql', signed('showKql', 'triage last 15m'), 'answer-1');
    expect(res.status).toBe(200);
    await bot.app.bot.idle();
    // The invoke answers with the card; Action.Submit has no response, so the card is a new message.
    const card = entry === 'invoke' ? invokeReply(res).value : cardOf(postedCards(bot, since)[0])!;
    expect(cardToText(card)).toContain('KQL for "triage last 15m"');
    // The query shown is the one the audit log recorded for the last answer (by its hash).
    const answered = ran(bot).findLast((r) => r.what.text === 'triage last 15m')!;
    expect(kqlHash(monospaceText(card))).toBe(answered.what.kqlHash);
    // Read from the last answer, not run again.
    expect(ran(bot)).toHaveLength(runs);
  },
};

test('every verb has an expected effect below', () => {
  expect(Object.keys(effects).sort()).toEqual([...ACTION_VERBS].sort());
});

describe.each(ENTRIES)('through %s', (entry) => {
  test.each([...ACTION_VERBS])('%s', (verb) => effects[verb](entry));

  test('tampered data is refused and nothing runs', async () => {
    const runs = ran(bot).length;
    const since = lastSeq(bot);
    const tampered = { ...signed('refresh', 'triage last 15m'), command: 'triage last 24h' };
    const res = await press(bot, entry, 'refresh', tampered, 'answer-1');
    await bot.app.bot.idle();
    const said =
      entry === 'invoke'
        ? invokeReply<{ message: string }>(res).value.message
        : String(bot.connector.sent.filter((c) => c.seq > since)[0].body.text);
    expect(said).toMatch(/This card action was refused: I could not verify this button/);
    expect(ran(bot)).toHaveLength(runs);
  });
});
