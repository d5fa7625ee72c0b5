/**
 * Pins over the real wire: a botbuilder CloudAdapter (auth disabled, as in local runs) delivers through
 * continueConversationAsync + updateActivity to the capture connector, which records the HTTP calls.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { CloudAdapter, ConfigurationBotFrameworkAuthentication, type ConversationReference } from 'botbuilder';
import { CaptureConnector, cardOf } from '../../support/connector/captureConnector';
import { CHANNEL_THREAD, BOT } from '../../support/connector/teamsActivity';
import { FileStorage } from '../../../src/bot/state';
import { PinManager, adapterDeliver, liveFooter, withFooter } from '../../../src/bot/pins';
import { cardAttachment } from '../../../src/cards/render';

let connector: CaptureConnector;
let dir: string;
beforeEach(async () => {
  connector = await new CaptureConnector().start();
  dir = mkdtempSync(path.join(os.tmpdir(), 'pins-http-'));
});
afterEach(async () => {
  await connector.stop();
  rmSync(dir, { recursive: true, force: true });
});

function setup() {
  const adapter = new CloudAdapter(
    new ConfigurationBotFrameworkAuthentication({
      MicrosoftAppId: '',
      MicrosoftAppPassword: '',
      MicrosoftAppType: 'MultiTenant',
      MicrosoftAppTenantId: '',
    }),
  );
  const ref: Partial<ConversationReference> = {
    channelId: 'msteams',
    serviceUrl: connector.serviceUrl,
    conversation: { id: CHANNEL_THREAD, isGroup: true, conversationType: 'channel', name: '' },
    bot: BOT,
  };
  let n = 0;
  const clock = { now: Date.parse('2026-11-23T14:32:00Z') };
  const manager = new PinManager({
    storage: new FileStorage(dir),
    deliver: adapterDeliver(adapter, ''),
    clock: () => clock.now,
    jitterMs: 0,
    render: (text, pin, phase) =>
      Promise.resolve(
        withFooter(
          { type: 'AdaptiveCard', version: '1.5', body: [{ type: 'TextBlock', text: `${text} #${++n}` }] },
          liveFooter(pin, clock.now, phase),
        ),
      ),
  });
  return { adapter, ref, manager, clock };
}

test('a refresh arrives as PUT /v3/conversations/<conv>/activities/<id> with the new card', async () => {
  const { adapter, ref, manager, clock } = setup();
  // What triageBot does: post the first card, keep the id the connector gave it.
  let activityId = '';
  await adapter.continueConversationAsync('', ref, async (ctx) => {
    const sent = await ctx.sendActivity({
      type: 'message',
      attachments: [cardAttachment({ type: 'AdaptiveCard', version: '1.5', body: [] })],
    });
    activityId = sent!.id;
  });
  expect(activityId).toBe('captured-1');

  jest.useFakeTimers({ doNotFake: ['setImmediate', 'nextTick', 'queueMicrotask'] });
  try {
    await manager.pin({
      conversationId: CHANNEL_THREAD,
      ref,
      activityId,
      commandText: 'triage last 15m',
      everyMs: 5 * 60_000,
      untilMs: clock.now + 4 * 3600_000,
    });
    clock.now += 5 * 60_000;
    await jest.advanceTimersByTimeAsync(5 * 60_000);
  } finally {
    jest.useRealTimers();
  }
  const put = await connector.waitForUpdate(activityId);
  await manager.idle();
  expect(put.conversationId).toBe(CHANNEL_THREAD);
  expect(put.body.id).toBe(activityId);
  const card = cardOf(put)!;
  expect(card.body).toEqual([
    { type: 'TextBlock', text: 'triage last 15m #1' },
    expect.objectContaining({ type: 'TextBlock', text: 'Live: updated 14:37 UTC, every 5 min until 18:32 UTC' }),
  ]);
  await manager.stop();
});

test('the connector answering 404 to the update drops the pin', async () => {
  const { ref, manager, clock } = setup();
  connector.failUpdates = true;
  jest.useFakeTimers({ doNotFake: ['setImmediate', 'nextTick', 'queueMicrotask'] });
  try {
    await manager.pin({
      conversationId: CHANNEL_THREAD,
      ref,
      activityId: 'gone-1',
      commandText: 'tls',
      everyMs: 60_000,
      untilMs: clock.now + 3600_000,
    });
    clock.now += 60_000;
    await jest.advanceTimersByTimeAsync(60_000);
    await connector.waitForUpdate('gone-1');
    await manager.idle();
  } finally {
    jest.useRealTimers();
  }
  expect(await manager.list(CHANNEL_THREAD)).toEqual([]);
  expect(manager.scheduled).toBe(0);
});
