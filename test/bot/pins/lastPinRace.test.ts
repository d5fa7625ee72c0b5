/**
 * The last pin of a conversation ending while another instance pins, over Azure Blob storage (Azurite).
 * Two instances are two clients of one container; a storage wrapper holds one instance right after a read
 * while the other makes its whole change, so each interleaving happens every run instead of by chance.
 * No pin may be lost, none may come back, and the index that start-up resumes from must list every
 * conversation that still has pins.
 */
import type { Storage, StoreItems } from 'botbuilder';
import { BlobStorage } from '../../../src/bot/state/blobStorage';
import { INDEX_KEY, PinStore, conversationKey, type PinRecord } from '../../../src/bot/pins/pinStore';
import { startAzurite, type Azurite } from '../../support/azurite';

jest.setTimeout(120_000);

const CONV = '19:race@thread.tacv2';
const KEY = conversationKey(CONV);
let azurite: Azurite;
let containers = 0;
beforeAll(async () => {
  azurite = await startAzurite();
});
afterAll(() => azurite?.stop());

/** Storage that, after its next read of `key`, runs `between` before handing the read back. */
class Interleaved implements Storage {
  private readonly holds: { key: string; between: () => Promise<unknown> }[] = [];
  constructor(private readonly inner: Storage) {}

  afterNextRead(key: string, between: () => Promise<unknown>): void {
    this.holds.push({ key, between });
  }

  async read(keys: string[]): Promise<StoreItems> {
    const items = await this.inner.read(keys);
    const i = this.holds.findIndex((h) => keys.includes(h.key));
    if (i >= 0) await this.holds.splice(i, 1)[0].between();
    return items;
  }

  write(changes: StoreItems): Promise<void> {
    return this.inner.write(changes);
  }

  delete(keys: string[]): Promise<void> {
    return this.inner.delete(keys);
  }
}

const pin = (activityId: string): PinRecord => ({
  conversationId: CONV,
  ref: { conversation: { id: CONV, isGroup: true, conversationType: 'channel', name: '' } },
  activityId,
  commandText: 'triage last 15m',
  everyMs: 300_000,
  untilMs: Date.now() + 3_600_000,
  pinnedAt: Date.now(),
});

/** Instance A (held by the test) and instance B, over one fresh container; A already has pin "1". */
async function twoInstances() {
  const container = `race${++containers}`;
  const held = new Interleaved(new BlobStorage(azurite.connectionString, container));
  const a = new PinStore(held);
  const b = new PinStore(new BlobStorage(azurite.connectionString, container));
  await a.update(CONV, (pins) => [...pins, pin('1')]);
  const ids = async () => (await b.pinsOf(CONV)).map((p) => p.activityId).sort();
  return { held, a, b, ids };
}

const add = (id: string) => (pins: PinRecord[]) => [...pins, pin(id)];
const without = (id: string) => (pins: PinRecord[]) => pins.filter((p) => p.activityId !== id);

test('the last pin ends while another instance pins: the new pin is kept and listed', async () => {
  const { held, a, b, ids } = await twoInstances();
  // A has read ["1"] and is about to store "no pins"; B pins "2" in between.
  held.afterNextRead(KEY, () => b.update(CONV, add('2')));
  await a.update(CONV, without('1'));
  expect(await ids()).toEqual(['2']);
  expect(await b.conversations()).toEqual([CONV]);
});

test("the last pin ends, and another instance's first pin lands while the index is updated: still listed", async () => {
  const { held, a, b, ids } = await twoInstances();
  // A stored "no pins" and has read the index to drop the conversation; B pins "2" (and sees it listed).
  held.afterNextRead(INDEX_KEY, () => b.update(CONV, add('2')));
  await a.update(CONV, without('1'));
  expect(await ids()).toEqual(['2']);
  // Start-up resumes pins from the index: a conversation missing there would never refresh again.
  expect(await b.conversations()).toEqual([CONV]);
});

test('a pin made from a read taken before the last pin ended does not bring the ended pin back', async () => {
  const { a, b, ids } = await twoInstances();
  const heldB = new Interleaved(new BlobStorage(azurite.connectionString, `race${containers}`));
  // B has read ["1"] and will store ["1", "2"]; A ends "1" in between.
  heldB.afterNextRead(KEY, () => a.update(CONV, without('1')));
  await new PinStore(heldB).update(CONV, add('2'));
  expect(await ids()).toEqual(['2']);
  expect(await b.conversations()).toEqual([CONV]);
});

test('"unpin all" while another instance pins: what it reports is exactly what it ended', async () => {
  const { held, a, b, ids } = await twoInstances();
  held.afterNextRead(KEY, () => b.update(CONV, add('2')));
  const removed = (await a.remove(CONV)).map((p) => p.activityId).sort();
  const left = await ids();
  // Every pin is either reported ended or still there, never both, never neither.
  expect([...removed, ...left].sort()).toEqual(['1', '2']);
  expect(await b.conversations()).toEqual(left.length ? [CONV] : []);
});
