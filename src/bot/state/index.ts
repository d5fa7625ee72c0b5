/** Where bot state lives: JSON files under STATE_DIR by default, Azure Blob storage when configured. */
import type { Storage } from 'botbuilder';
import { BlobStorage } from './blobStorage';
import { FileStorage } from './fileStorage';

export { FileStorage, EtagConflictError, fileNameForKey, NEW_ITEM_ETAG } from './fileStorage';

export interface StateConfig {
  stateDir: string;
  /** STATE_BLOB_CONNECTION_STRING + STATE_BLOB_CONTAINER; both or neither. */
  blob?: { connectionString: string; container: string };
}

export function createStorage(config: StateConfig): Storage {
  if (config.blob) {
    const { connectionString, container } = config.blob;
    if (!connectionString || !container) {
      throw new Error(
        'Blob state needs both STATE_BLOB_CONNECTION_STRING and STATE_BLOB_CONTAINER (or neither, for files under STATE_DIR).',
      );
    }
    return new BlobStorage(connectionString, container);
  }
  return new FileStorage(config.stateDir);
}

/** A short description for the start-up log (never the connection string). */
export function describeStorage(config: StateConfig): string {
  return config.blob ? `azure blob container "${config.blob.container}"` : `files under ${config.stateDir}`;
}
