/**
 * botbuilder `Storage` over JSON files: one file per key under a directory, so pinned cards and
 * conversation references survive a restart without any Azure resource.
 * eTags: a write with no eTag or "*" wins; NEW_ITEM_ETAG succeeds only while the item does not exist; any
 * other eTag must match the stored one, and fails when the item has been deleted since it was read (as with
 * Azure Blob storage's conditional writes).
 * Read-compare-write is serialised per key inside this process; files are replaced atomically
 * (temp file + rename) so a crash never leaves half a JSON document.
 */
import { createHash, randomBytes } from 'node:crypto';
import { promises as fsp } from 'node:fs';
import * as path from 'node:path';
import type { Storage, StoreItems } from 'botbuilder';

const SUFFIX = '.json';

/**
 * File name for a key: distinct keys give distinct names even on case-insensitive filesystems, and no
 * name can contain a path separator, "..", or a reserved character.
 */
export function fileNameForKey(key: string): string {
  // encodeURIComponent leaves only [A-Za-z0-9-_.!~*'()]; escape the ones awkward in file names, then
  // mark capitals with "_" (and "_" itself as %5F) so "A" and "a" never share a file on macOS/Windows.
  const encoded = encodeURIComponent(key)
    .replace(/[!'()*~._]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`)
    .replace(/%[0-9A-F]{2}|[A-Z]/g, (m) => (m.length === 1 ? `_${m.toLowerCase()}` : m.toLowerCase()));
  // Names are limited to 255 bytes on common filesystems; long keys get a stable hashed tail.
  if (encoded.length <= 200) return encoded + SUFFIX;
  return `${encoded.slice(0, 150)}~${createHash('sha256').update(key).digest('hex')}${SUFFIX}`;
}

/**
 * The eTag to write with when the item was absent when read: the write succeeds only if it still is, so
 * two instances creating the same item at once cannot overwrite each other ("*" would).
 */
export const NEW_ITEM_ETAG = 'new-item';

export class EtagConflictError extends Error {
  constructor(readonly key: string) {
    super(`Storage: error writing "${key}" due to eTag conflict.`);
    this.name = 'EtagConflictError';
  }
}

interface Envelope {
  key: string;
  eTag: string;
  item: Record<string, unknown>;
}

export class FileStorage implements Storage {
  private readonly locks = new Map<string, Promise<unknown>>();
  private ready: Promise<void> | undefined;

  constructor(readonly directory: string) {
    if (!directory) throw new Error('FileStorage needs a directory (STATE_DIR).');
  }

  async read(keys: string[]): Promise<StoreItems> {
    if (!Array.isArray(keys)) throw new ReferenceError('Keys are required when reading.');
    const out: StoreItems = {};
    for (const key of new Set(keys)) {
      const env = await this.load(key);
      if (env) out[key] = { ...env.item, eTag: env.eTag };
    }
    return out;
  }

  async write(changes: StoreItems): Promise<void> {
    if (!changes || typeof changes !== 'object') throw new ReferenceError('Changes are required when writing.');
    await this.ensureDir();
    for (const [key, value] of Object.entries(changes)) {
      await this.withLock(key, async () => {
        const item = { ...(value as Record<string, unknown>) };
        const wanted = item.eTag as string | undefined;
        delete item.eTag;
        if (wanted === NEW_ITEM_ETAG) {
          if (await this.load(key)) throw new EtagConflictError(key);
        } else if (wanted && wanted !== '*') {
          const old = await this.load(key);
          // A specific eTag means "the version I read": if that item was deleted since, the write must not
          // resurrect it (Azure Blob answers 412 there too; MemoryStorage would let it through).
          if (!old || old.eTag !== wanted) throw new EtagConflictError(key);
        }
        const env: Envelope = { key, eTag: newEtag(), item };
        await this.atomicWrite(this.fileOf(key), JSON.stringify(env));
      });
    }
  }

  async delete(keys: string[]): Promise<void> {
    if (!Array.isArray(keys)) throw new ReferenceError('Keys are required when deleting.');
    for (const key of new Set(keys)) {
      await this.withLock(key, async () => {
        await fsp.rm(this.fileOf(key), { force: true });
      });
    }
  }

  private fileOf(key: string): string {
    return path.join(this.directory, fileNameForKey(key));
  }

  private async load(key: string): Promise<Envelope | undefined> {
    let text: string;
    try {
      text = await fsp.readFile(this.fileOf(key), 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw err;
    }
    const env = JSON.parse(text) as Envelope;
    // A hashed (long) file name could in theory be shared; the stored key settles it.
    return env.key === key ? env : undefined;
  }

  private ensureDir(): Promise<void> {
    this.ready ??= fsp.mkdir(this.directory, { recursive: true }).then(() => undefined);
    return this.ready;
  }

  private async atomicWrite(file: string, text: string): Promise<void> {
    const tmp = `${file}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
    try {
      await fsp.writeFile(tmp, text, 'utf8');
      await fsp.rename(tmp, file);
    } catch (err) {
      await fsp.rm(tmp, { force: true });
      throw err;
    }
  }

  /** Runs `fn` after every earlier operation on the same key has settled. */
  private withLock<T>(key: string, fn: () => Promise<T>): Promise<T> {
    const prev = this.locks.get(key) ?? Promise.resolve();
    const run = prev.then(fn, fn);
    const tail = run.catch(() => undefined);
    this.locks.set(key, tail);
    void tail.then(() => {
      if (this.locks.get(key) === tail) this.locks.delete(key);
    });
    return run;
  }
}

function newEtag(): string {
  return `${Date.now().toString(36)}-${randomBytes(6).toString('hex')}`;
}
