/**
 * Three bot instances (real servers over HTTP, as createServer builds them) sharing one Azure Blob
 * container in Azurite, with one capture connector as Teams. Pins made through any instance are refreshed
 * once per period in all, and keep being refreshed when any one instance goes away. Pin time runs 30 times
 * faster than the wall clock (a one-minute period passes in two seconds); HTTP, storage and races are real.
 */
import { createServer, type RunningServer } from '../../src/server';
import { loadConfig } from '../../src/config';
import { createTriage } from '../../src/triage';
import { silentLogger } from '../../src/bot/ports';
import { CaptureConnector, type CapturedCall } from '../support/connector/captureConnector';
import { post, teamsMessage } from '../support/connector/teamsActivity';
import { startAzurite, type Azurite } from '../support/azurite';

jest.setTimeout(240_000);

const SPEED = 30;
const M = 60_000;
const NOW = new Date('2026-11-23T14:33:00Z');

let azurite: Azurite;
let connector: CaptureConnector;
beforeAll(async () => {
  [azurite, connector] = await Promise.all([startAzurite(), new CaptureConnector().start()]);
});
afterAll(async () => {
  await connector?.stop();
  await azurite?.stop();
});

test('three instances: every pin refreshed once per period, surviving the loss of any instance', async () => {
  const start = Date.now();
  const clock = () => start + (Date.now() - start) * SPEED;
  const wait = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms / SPEED));
  const config = loadConfig({
    DEMO_HOURS: '1',
    STATE_BLOB_CONNECTION_STRING: azurite.connectionString,
    STATE_BLOB_CONTAINER: 'instances',
    INSTANCE_COUNT: '3',
  });
  const triage = createTriage(config, { now: NOW }).triage;
  const apps: RunningServer[] = [];
  const urls: string[] = [];
  for (let i = 0; i < 3; i++) {
    const app = createServer({
      config,
      triage,
      logger: silentLogger,
      now: () => NOW,
      pinClock: clock,
      pinTimer: (fn, ms) => setTimeout(fn, ms / SPEED),
    });
    const { port } = await app.listen(0, '127.0.0.1');
    apps.push(app);
    urls.push(`http://127.0.0.1:${port}/api/messages`);
  }
  await Promise.all(apps.map((a) => a.pins.resume()));

  // When each card update reached "Teams", on the pin clock.
  const updatedAt = new Map<CapturedCall, number>();
  void connector.waitFor((c) => {
    updatedAt.set(c, clock());
    return false;
  });

  // Three conversations, each pinned through a different instance.
  const cards: string[] = [];
  for (let i = 0; i < 3; i++) {
    const conversation = { id: `19:chan${i}@thread.tacv2`, conversationType: 'channel', isGroup: true, tenantId: 't' };
    const before = connector.sent.length;
    await post(urls[i], teamsMessage('pin apis every 1m', connector.serviceUrl, { conversation }));
    const running = await connector.waitFor(
      (c) => c.method === 'POST' && connector.sent.indexOf(c) >= before && Boolean(c.body.attachments),
    );
    cards.push(running.id);
  }

  await wait(4 * M);
  const lostAt = clock();
  await apps[1].close(0);
  await wait(5 * M);
  const end = clock();
  await Promise.all([apps[0].close(0), apps[2].close(0)]);

  const refreshes = (id: string) =>
    [...updatedAt.entries()]
      .filter(([c]) => c.method === 'PUT' && c.activityId === id)
      .map(([, at]) => at)
      .sort((a, b) => a - b);
  for (const id of cards) {
    const times = refreshes(id);
    // The first update is the answer itself; refreshes follow once per period and never twice in one.
    for (let k = 2; k < times.length; k++) expect(times[k] - times[k - 1]).toBeGreaterThanOrEqual(M - 2_000);
    expect(times.filter((t) => t < lostAt).length).toBeGreaterThanOrEqual(3);
    expect(times.filter((t) => t > lostAt + 2 * M).length).toBeGreaterThanOrEqual(1);
    expect(times.length).toBeLessThanOrEqual(Math.ceil((end - start) / M) + 1);
  }
  process.stdout.write(
    `[instances] refreshes per card over ${Math.round((end - start) / M)} min (instance 1 lost at minute ${Math.round((lostAt - start) / M)}): ${cards.map((id) => refreshes(id).length - 1).join(', ')}\n`,
  );
});
