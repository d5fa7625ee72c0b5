/**
 * Three instances sharing pins through Azure Blob storage (Azurite): each pin is refreshed by exactly one of
 * them per period, and when one dies (mid-refresh, claim held) the others carry on. Time runs 30 times faster
 * than the wall clock so periods of a minute pass in two seconds; the storage and its races are real.
 */
import { PinManager, type PinPhase, type PinRecord } from '../../../src/bot/pins/pinManager';
import { BlobStorage } from '../../../src/bot/state/blobStorage';
import { startAzurite, type Azurite } from '../../support/azurite';

jest.setTimeout(180_000);

const SPEED = 30;
const M = 60_000;
let azurite: Azurite;
beforeAll(async () => {
  azurite = await startAzurite();
});
afterAll(() => azurite?.stop());

interface Delivery {
  by: number;
  activityId: string;
  at: number;
}

function fastTime() {
  const start = Date.now();
  const t0 = Date.parse('2026-11-23T14:30:00Z');
  return {
    clock: () => t0 + (Date.now() - start) * SPEED,
    setTimer: (fn: () => void, ms: number) => setTimeout(fn, ms / SPEED),
    wait: (ms: number) => new Promise((resolve) => setTimeout(resolve, ms / SPEED)),
  };
}

function instances(container: string, time: ReturnType<typeof fastTime>, deliveries: Delivery[]) {
  const dead = [false, false, false];
  const managers = [0, 1, 2].map(
    (i) =>
      new PinManager({
        storage: new BlobStorage(azurite.connectionString, container),
        clock: time.clock,
        setTimer: time.setTimer,
        instanceId: `instance-${i}`,
        rescanMs: M,
        claimHoldMs: 2 * M,
        maxConcurrent: 4,
        render: async (text: string, _pin: PinRecord, phase: PinPhase) => {
          // A dead instance never finishes what it started: its claim stays behind until it expires.
          if (dead[i]) await new Promise(() => {});
          return { text, phase };
        },
        deliver: async (_ref, activityId) => {
          if (dead[i]) await new Promise(() => {});
          deliveries.push({ by: i, activityId, at: time.clock() });
        },
      }),
  );
  return {
    managers,
    kill: async (i: number) => {
      dead[i] = true;
      await managers[i].stop(0);
    },
  };
}

const pinInput = (conversationId: string, activityId: string, now: number) => ({
  conversationId,
  activityId,
  ref: { conversation: { id: conversationId, isGroup: true, conversationType: 'channel', name: '' } },
  commandText: 'triage last 15m',
  everyMs: M,
  untilMs: now + 60 * M,
});

// The three losses are independent (a container and three instances each) and mostly wait: run them side by side.
test.concurrent.each([0, 1, 2])(
  'every pin refreshed once per period, surviving the loss of instance %i',
  async (victim) => {
    const time = fastTime();
    const deliveries: Delivery[] = [];
    const { managers, kill } = instances(`claims${victim}`, time, deliveries);
    // Instance 0 takes the pins (as the one that got the "pin" messages); all three resume.
    const ids = ['a1', 'a2', 'b1', 'b2'];
    for (const id of ids)
      await managers[0].pin(pinInput(id.startsWith('a') ? '19:a@thread.tacv2' : 'chat-b', id, time.clock()));
    await Promise.all(managers.map((m) => m.resume()));

    await time.wait(4 * M);
    const killedAt = time.clock();
    await kill(victim);
    await time.wait(6 * M);
    const end = time.clock();
    await Promise.all(managers.map((m) => m.stop(0)));

    for (const id of ids) {
      const times = deliveries.filter((d) => d.activityId === id).map((d) => d.at);
      // Never twice in one period (allowing the two seconds of clock skew a claim tolerates).
      for (let k = 1; k < times.length; k++) expect(times[k] - times[k - 1]).toBeGreaterThanOrEqual(M - 2_000);
      // And never forgotten: refreshed before the loss, and again after it (once the dead claim expired).
      expect(times.some((t) => t < killedAt)).toBe(true);
      expect(times.filter((t) => t > killedAt + 2 * M).length).toBeGreaterThanOrEqual(1);
      expect(times.length).toBeGreaterThanOrEqual(5);
      expect(times.length).toBeLessThanOrEqual(Math.ceil((end - Date.parse('2026-11-23T14:30:00Z')) / M));
    }
    // The work is shared, not done by one instance per pin forever.
    expect(new Set(deliveries.map((d) => d.by)).size).toBeGreaterThan(1);
    // The dead instance delivered nothing after it died.
    expect(deliveries.filter((d) => d.by === victim && d.at > killedAt)).toEqual([]);
  },
);
