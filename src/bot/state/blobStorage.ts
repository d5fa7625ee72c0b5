/**
 * botbuilder `Storage` over an Azure Blob container, for several instances sharing pins. One blob per key,
 * named as botbuilder-azure-blobs names them (so its containers keep working), JSON body, blob ETag as eTag.
 * Unlike botbuilder-azure-blobs it can create an item only if it does not exist yet (If-None-Match: *):
 * without that, two instances creating the same item at once would silently overwrite each other.
 */
import { text } from 'node:stream/consumers';
import { ContainerClient, RestError } from '@azure/storage-blob';
import type { Storage, StoreItems } from 'botbuilder';
import { EtagConflictError, NEW_ITEM_ETAG } from './fileStorage';

/** The blob name for a key, as botbuilder-azure-blobs' sanitizeBlobKey makes it (empty path segments dropped). */
export function blobNameForKey(key: string): string {
  if (!key) throw new Error('Storage keys must not be empty.');
  return encodeURIComponent(key.split('/').filter(Boolean).join('/')).slice(0, 1024);
}

const statusOf = (err: unknown): number | undefined => (err instanceof RestError ? err.statusCode : undefined);

export class BlobStorage implements Storage {
  private readonly container: ContainerClient;
  private ready: Promise<unknown> | undefined;

  constructor(connectionString: string, containerName: string) {
    if (!connectionString || !containerName) throw new Error('BlobStorage needs a connection string and a container.');
    this.container = new ContainerClient(connectionString, containerName);
  }

  async read(keys: string[]): Promise<StoreItems> {
    if (!Array.isArray(keys)) throw new ReferenceError('Keys are required when reading.');
    await this.ensureContainer();
    const out: StoreItems = {};
    await Promise.all(
      [...new Set(keys)].map(async (key) => {
        try {
          // One request gives body and ETag together, so the eTag is the one of the body read.
          const blob = await this.container.getBlobClient(blobNameForKey(key)).download();
          if (!blob.readableStreamBody) return;
          const item = (await text(blob.readableStreamBody)) || '{}';
          out[key] = { ...(JSON.parse(item) as Record<string, unknown>), eTag: blob.etag };
        } catch (err) {
          if (statusOf(err) !== 404) throw err;
        }
      }),
    );
    return out;
  }

  async write(changes: StoreItems): Promise<void> {
    if (!changes || typeof changes !== 'object') throw new ReferenceError('Changes are required when writing.');
    await this.ensureContainer();
    await Promise.all(
      Object.entries(changes).map(async ([key, value]) => {
        const { eTag, ...item } = value as Record<string, unknown> & { eTag?: string };
        const body = JSON.stringify(item);
        const conditions =
          eTag === NEW_ITEM_ETAG ? { ifNoneMatch: '*' } : eTag && eTag !== '*' ? { ifMatch: eTag } : {};
        try {
          await this.container.getBlockBlobClient(blobNameForKey(key)).upload(body, Buffer.byteLength(body), {
            conditions,
            blobHTTPHeaders: { blobContentType: 'application/json' },
          });
        } catch (err) {
          // 412: changed since read; 409: created by someone else since we saw it absent; 404: deleted since read.
          const status = statusOf(err);
          if (status === 412 || status === 409 || (status === 404 && conditions.ifMatch))
            throw new EtagConflictError(key);
          throw err;
        }
      }),
    );
  }

  async delete(keys: string[]): Promise<void> {
    if (!Array.isArray(keys)) throw new ReferenceError('Keys are required when deleting.');
    await this.ensureContainer();
    await Promise.all([...new Set(keys)].map((key) => this.container.deleteBlob(blobNameForKey(key)).catch(ignore404)));
  }

  private ensureContainer(): Promise<unknown> {
    this.ready ??= this.container.createIfNotExists().catch((err: unknown) => {
      this.ready = undefined; // try again next time (storage briefly unreachable at start-up)
      throw err;
    });
    return this.ready;
  }
}

function ignore404(err: unknown): void {
  if (statusOf(err) !== 404) throw err;
}
