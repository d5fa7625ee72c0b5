import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { FileStorage, fileNameForKey, createStorage, EtagConflictError } from '../../../src/bot/state';

/** What these tests store (small objects), with the eTag the store adds. */
interface Item {
  eTag?: string;
  v?: number;
  n?: number;
  i?: number;
}

const readAll = async (s: FileStorage, keys: string[]) => (await s.read(keys)) as Record<string, Item>;

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'filestorage-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('FileStorage', () => {
  test('write then read returns the item with an eTag; missing keys are absent', async () => {
    const s = new FileStorage(dir);
    await s.write({ a: { n: 1, nested: { list: [1, 2] } } });
    const got = await readAll(s, ['a', 'missing']);
    expect(Object.keys(got)).toEqual(['a']);
    expect(got.a).toMatchObject({ n: 1, nested: { list: [1, 2] } });
    expect(typeof got.a.eTag).toBe('string');
  });

  test('eTag semantics: MemoryStorage, except a stale eTag never resurrects a deleted item', async () => {
    const s = new FileStorage(dir);
    await s.write({ k: { v: 1 } });
    const first = (await readAll(s, ['k'])).k;
    await s.write({ k: { v: 2, eTag: first.eTag } }); // matching eTag: accepted
    const second = (await readAll(s, ['k'])).k;
    expect(second.v).toBe(2);
    expect(second.eTag).not.toBe(first.eTag);
    await expect(s.write({ k: { v: 3, eTag: first.eTag } })).rejects.toBeInstanceOf(EtagConflictError); // stale
    expect((await readAll(s, ['k'])).k.v).toBe(2);
    await s.write({ k: { v: 4, eTag: '*' } }); // "*": last write wins
    await s.write({ k: { v: 5 } }); // no eTag: last write wins
    expect((await readAll(s, ['k'])).k.v).toBe(5);
    // An eTag names a version that was read; if the item is gone since, writing it back would undo the
    // delete (a pin unpinned while it refreshed would come back). Blob storage refuses this with 412.
    const read = (await readAll(s, ['k'])).k;
    await s.delete(['k']);
    await expect(s.write({ k: { v: 6, eTag: read.eTag } })).rejects.toBeInstanceOf(EtagConflictError);
    expect((await readAll(s, ['k'])).k).toBeUndefined();
    await s.write({ fresh: { v: 1, eTag: '*' } }); // nothing stored yet: "*" creates it
    expect((await readAll(s, ['fresh'])).fresh.v).toBe(1);
  });

  test('concurrent eTag writers: exactly one wins per round', async () => {
    const s = new FileStorage(dir);
    await s.write({ counter: { n: 0 } });
    const base = (await readAll(s, ['counter'])).counter;
    const results = await Promise.allSettled(
      Array.from({ length: 10 }, (_, i) => s.write({ counter: { n: i + 1, eTag: base.eTag } })),
    );
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    expect(results.filter((r) => r.status === 'rejected')).toHaveLength(9);
  });

  test('concurrent read-modify-write with retry loses no increment', async () => {
    const s = new FileStorage(dir);
    const inc = async () => {
      for (;;) {
        const cur = (await readAll(s, ['c'])).c as { n: number; eTag: string } | undefined;
        try {
          await s.write({ c: { n: (cur?.n ?? 0) + 1, eTag: cur?.eTag ?? '*' } });
          return;
        } catch (err) {
          if (!(err instanceof EtagConflictError)) throw err;
        }
      }
    };
    await s.write({ c: { n: 0 } });
    await Promise.all(Array.from({ length: 20 }, inc));
    expect((await readAll(s, ['c'])).c.n).toBe(20);
  });

  test('odd keys are stored safely, one file each, and never escape the directory', async () => {
    const s = new FileStorage(dir);
    const keys = [
      'pins/19:abc@thread.tacv2;messageid=123',
      '../../etc/passwd',
      'a/b\\c',
      'CON',
      '.',
      '..',
      'ünïcødé ✓',
      'x'.repeat(500),
      'x'.repeat(499) + 'y',
      'A',
      'a',
    ];
    for (const [i, key] of keys.entries()) await s.write({ [key]: { i } });
    const got = await readAll(s, keys);
    for (const [i, key] of keys.entries()) expect(got[key].i).toBe(i);
    const files = readdirSync(dir);
    expect(files).toHaveLength(keys.length);
    for (const f of files) {
      expect(f).toMatch(/^[a-z0-9%_~-]+\.json$/);
      expect(Buffer.byteLength(f)).toBeLessThanOrEqual(255);
    }
    // Case-insensitive filesystems (macOS, Windows) must not merge "A" and "a".
    expect(fileNameForKey('A').toLowerCase()).not.toBe(fileNameForKey('a').toLowerCase());
    expect(fileNameForKey('pins/19:ab')).toBe('pins%2f19%3aab.json');
  });

  test('delete removes keys; deleting a missing key is fine; no temp files remain', async () => {
    const s = new FileStorage(dir);
    await s.write({ a: { v: 1 }, b: { v: 2 } });
    await s.delete(['a', 'never-existed']);
    expect(Object.keys(await readAll(s, ['a', 'b']))).toEqual(['b']);
    expect(readdirSync(dir).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });

  test('survives a new instance (restart) with the same eTag', async () => {
    const sub = path.join(dir, 'nested', 'state'); // created on first write
    const a = new FileStorage(sub);
    await a.write({ 'pins/conv': { pins: [{ id: 1 }] } });
    const before = (await readAll(a, ['pins/conv']))['pins/conv'];
    const b = new FileStorage(sub);
    const after = (await readAll(b, ['pins/conv']))['pins/conv'];
    expect(after).toEqual(before);
    await b.write({ 'pins/conv': { pins: [], eTag: after.eTag } });
    await expect(a.write({ 'pins/conv': { pins: [1], eTag: before.eTag } })).rejects.toThrow(/eTag conflict/);
  });

  test('bad arguments give clear errors', async () => {
    expect(() => new FileStorage('')).toThrow(/STATE_DIR/);
    await expect(new FileStorage(dir).read(undefined as unknown as string[])).rejects.toThrow(/Keys are required/);
  });
});

describe('createStorage', () => {
  test('files by default', () => {
    const s = createStorage({ stateDir: dir });
    expect(s).toBeInstanceOf(FileStorage);
    expect((s as FileStorage).directory).toBe(dir);
  });
  test('blob storage when configured (no network at construction)', () => {
    const s = createStorage({
      stateDir: dir,
      blob: {
        connectionString:
          'DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=a2V5;BlobEndpoint=http://127.0.0.1:1/devstoreaccount1;',
        container: 'bot-state',
      },
    });
    expect(s.constructor.name).toBe('BlobStorage');
  });
  test('half a blob configuration is refused', () => {
    expect(() => createStorage({ stateDir: dir, blob: { connectionString: '', container: 'x' } })).toThrow(
      /STATE_BLOB_CONNECTION_STRING and STATE_BLOB_CONTAINER/,
    );
  });
});
