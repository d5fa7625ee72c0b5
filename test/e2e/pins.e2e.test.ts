/**
 * Live pinned cards through the real server: "pin triage last 15m every 5m" posts an answer the bot keeps
 * current; pins live in the state store, so a restarted server resumes refreshing the same card.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createServer, type RunningServer } from '../../src/server';
import { loadConfig } from '../../src/config';
import { createTriage } from '../../src/triage';
import { cardToText } from '../../src/cards';
import { silentLogger } from '../../src/bot/ports';
import { CaptureConnector, cardOf, type CapturedCall } from '../support/connector/captureConnector';
import { CHANNEL_THREAD, post, teamsMessage } from '../support/connector/teamsActivity';

jest.setTimeout(120_000);

const NOW = new Date('2026-11-23T14:33:00Z');
const triage = createTriage(loadConfig({ DEMO_HOURS: '2' }), { now: NOW }).triage;
let stateDir: string;
let connector: CaptureConnector;

beforeAll(async () => {
  stateDir = mkdtempSync(join(tmpdir(), 'apim-pins-'));
  connector = await new CaptureConnector().start();
});
afterAll(async () => {
  await connector.stop();
  rmSync(stateDir, { recursive: true, force: true });
});

async function start(pinClock?: () => number): Promise<{ app: RunningServer; url: string }> {
  const config = loadConfig({ DEMO_HOURS: '2', STATE_DIR: stateDir });
  const app = createServer({ config, triage, logger: silentLogger, now: () => NOW, pinClock });
  const { port } = await app.listen(0, '127.0.0.1');
  return { app, url: `http://127.0.0.1:${port}/api/messages` };
}

/** A plain message's text ('' for cards and typing). */
const textOf = (c: CapturedCall) => (typeof c.body.text === 'string' ? c.body.text : '');
const texts = () => connector.sent.filter((c) => typeof c.body.text === 'string').map(textOf);

test('pin, restart, resume on the same card, unpin', async () => {
  const first = await start();
  await post(first.url, teamsMessage('pin triage last 15m every 5m', connector.serviceUrl));
  const running = await connector.waitForSent(2);
  const answer = await connector.waitForUpdate(running.id);
  expect(cardToText(cardOf(answer)!)).toContain('Triage, last 15m');
  await connector.waitFor(
    (c) => c.method === 'POST' && textOf(c).startsWith('Live: the card above re-runs "triage last 15m" every 5 min'),
  );
  expect(await first.app.pins.list(CHANNEL_THREAD)).toEqual([
    expect.objectContaining({ activityId: running.id, commandText: 'triage last 15m', everyMs: 300_000 }),
  ]);
  await first.app.close();

  // A new process over the same state, six minutes later: the pin is still there, its refresh is due, and
  // the card is refreshed in place.
  const updatesBefore = connector.updates.length;
  const second = await start(() => Date.now() + 6 * 60_000);
  expect(await second.app.pins.resume()).toBe(1);
  const refreshed = await connector.waitFor(
    (c) => c.method === 'PUT' && c.activityId === running.id && connector.updates.indexOf(c) >= updatesBefore,
  );
  const text = cardToText(cardOf(refreshed)!);
  expect(text).toContain('Triage, last 15m');
  // The activity carries the user's zone (Europe/Berlin): the live footer speaks it.
  expect(text).toMatch(/Live: updated \d\d:\d\d Europe\/Berlin, every 5 min until \d\d:\d\d Europe\/Berlin/);

  await post(second.url, teamsMessage('unpin', connector.serviceUrl));
  await connector.waitFor(
    (c) => c.method === 'POST' && textOf(c).startsWith('Stopped live updates of "triage last 15m"'),
  );
  expect(await second.app.pins.list(CHANNEL_THREAD)).toEqual([]);
  expect(texts().some((t) => t.includes('Stopped live updates'))).toBe(true);
  await second.app.close();
});

test('"pin nonsense" gets help, and nothing is pinned', async () => {
  const { app, url } = await start();
  const before = connector.sent.length;
  await post(url, teamsMessage('pin nonsense', connector.serviceUrl));
  const reply = await connector.waitFor(
    (c) => c.method === 'POST' && connector.sent.indexOf(c) >= before && Boolean(cardOf(c)),
  );
  expect(cardToText(cardOf(reply)!)).toContain('nonsense');
  expect(await app.pins.list(CHANNEL_THREAD)).toEqual([]);
  await app.close();
});
