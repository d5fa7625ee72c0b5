/**
 * The state stores several instances share, run for real: Azure Blob storage (against Azurite) and the file
 * store. Both follow one eTag contract, and the first pin of a conversation made by two instances at once
 * keeps both pins (with "*" for "absent when read", the later write used to erase the earlier pin).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Storage } from 'botbuilder';
import { EtagConflictError, FileStorage, NEW_ITEM_ETAG, createStorage } from '../../../src/bot/state';
import { BlobStorage, blobNameForKey } from '../../../src/bot/state/blobStorage';
import { PinStore, type PinRecord } from '../../../src/bot/pins/pinStore';
import { startAzurite, type Azurite } from '../../support/azurite';

jest.setTimeout(120_000);

let azurite: Azurite;
let dir: string;
let containers = 0;
beforeAll(async () => {
  azurite = await startAzurite();
  dir = mkdtempSync(path.join(os.tmpdir(), 'shared-state-'));
});
afterAll(async () => {
  await azurite?.stop();
  rmSync(dir, { recursive: true, force: true });
});

/**
 * Two "instances": separate clients over one container. The file store is for one process (it serialises
 * per key in memory), so its two users share one FileStorage.
 */
const stores: Record<string, () => [Storage, Storage]> = {
  blob: () => {
    const container = `state${++containers}`;
    return [
      createStorage({ stateDir: '', blob: { connectionString: azurite.connectionString, container } }),
      new BlobStorage(azurite.connectionString, container),
    ];
  },
  file: () => {
    const shared = new FileStorage(path.join(dir, String(++containers)));
    return [shared, shared];
  },
};

const pin = (activityId: string): PinRecord => ({
  conversationId: '19:new@thread.tacv2',
  ref: { conversation: { id: '19:new@thread.tacv2', isGroup: true, conversationType: 'channel', name: '' } },
  activityId,
  commandText: 'triage last 15m',
  everyMs: 300_000,
  untilMs: Date.now() + 3_600_000,
  pinnedAt: Date.now(),
});

describe.each(Object.keys(stores))('%s storage', (kind) => {
  test('read, write, delete, and the eTag contract', async () => {
    const [a, b] = stores[kind]();
    const key = 'pins/19:x@thread.tacv2';
    const get = async (s: Storage) => (await s.read([key]))[key] as { n?: number; eTag?: string } | undefined;
    expect(await a.read(['pins/missing'])).toEqual({});
    await a.write({ [key]: { n: 1 } });
    const first = await get(b);
    expect(first).toMatchObject({ n: 1 });
    expect(typeof first?.eTag).toBe('string');
    await b.write({ [key]: { n: 2, eTag: first?.eTag } });
    // The other instance still holds the old eTag: its write is refused, not lost silently.
    await expect(a.write({ [key]: { n: 3, eTag: first?.eTag } })).rejects.toBeInstanceOf(EtagConflictError);
    // Create-only: refused while the item exists, accepted once it is gone.
    await expect(a.write({ [key]: { n: 4, eTag: NEW_ITEM_ETAG } })).rejects.toBeInstanceOf(EtagConflictError);
    expect(await get(a)).toMatchObject({ n: 2 });
    await a.delete([key, 'pins/never-there']);
    await a.write({ [key]: { n: 5, eTag: NEW_ITEM_ETAG } });
    expect(await get(b)).toMatchObject({ n: 5 });
  });

  test('two creations at once: exactly one wins', async () => {
    const [a, b] = stores[kind]();
    const results = await Promise.allSettled([
      a.write({ race: { by: 'a', eTag: NEW_ITEM_ETAG } }),
      b.write({ race: { by: 'b', eTag: NEW_ITEM_ETAG } }),
    ]);
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    const loser = results.find((r) => r.status === 'rejected');
    expect(loser?.status === 'rejected' && loser.reason).toBeInstanceOf(EtagConflictError);
  });

  test("a conversation's first pin, made by two instances at once, keeps both pins", async () => {
    for (let round = 0; round < 5; round++) {
      const [a, b] = stores[kind]();
      const [one, two] = [new PinStore(a), new PinStore(b)];
      await Promise.all([
        one.update('19:new@thread.tacv2', (pins) => [...pins, pin('1')]),
        two.update('19:new@thread.tacv2', (pins) => [...pins, pin('2')]),
      ]);
      expect((await one.pinsOf('19:new@thread.tacv2')).map((p) => p.activityId).sort()).toEqual(['1', '2']);
      expect(await two.conversations()).toEqual(['19:new@thread.tacv2']);
    }
  });
});

test('blob names are the ones botbuilder-azure-blobs used, so existing containers keep working', () => {
  expect(blobNameForKey('pins/19:abc@thread.tacv2')).toBe('pins%2F19%3Aabc%40thread.tacv2');
  expect(blobNameForKey('pins//_index')).toBe('pins%2F_index');
});
