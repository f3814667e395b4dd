/**
 * @module storage/object-store
 * The object-store port: where offline-store Parquet files, exported datasets, reports and models live.
 * Keys are `/`-separated relative paths (no leading `/`, no `..`). Adapters: fs/ (default) and s3/;
 * both pass `object-store.contract.ts`.
 */
export interface ObjectInfo {
  key: string;
  size: number;
  /** Epoch milliseconds. */
  lastModified: number;
}

export interface ObjectStoreCapabilities {
  /** `localPath` returns the object's own file, not a cached copy. */
  readonly localFiles: boolean;
}

export interface ObjectStore {
  readonly capabilities: ObjectStoreCapabilities;
  /** The URI of the store's root, e.g. `file:///home/me/.plumbline/objects` or `s3://bucket/prefix`. */
  readonly rootUri: string;
  /** The URI of one key under the root. */
  uriOf(key: string): string;
  /** Resolves a URI (or a bare key) under this store's root back to its key; undefined when it is outside. */
  keyOf(uri: string): string | undefined;
  /** Writes an object atomically: readers see the old object or the new one, never a partial one. */
  put(key: string, body: Uint8Array | string): Promise<void>;
  /** Uploads a local file atomically. */
  putFile(key: string, localPath: string): Promise<void>;
  /** Reads an object; throws OBJECT_NOT_FOUND when absent. */
  get(key: string): Promise<Uint8Array>;
  exists(key: string): Promise<boolean>;
  /** Every object whose key starts with `prefix`, sorted by key. */
  list(prefix: string): Promise<ObjectInfo[]>;
  /** Deletes one object; deleting an absent key is not an error. */
  delete(key: string): Promise<void>;
  /** Deletes every object under `prefix`; returns how many. */
  deletePrefix(prefix: string): Promise<number>;
  /**
   * A local file path holding the object's bytes, for engines that read files (DuckDB). The fs adapter
   * returns the object's own path; s3 downloads into a cache keyed by size and modification time.
   */
  localPath(key: string): Promise<string>;
  close(): Promise<void>;
}

/** Rejects keys that could escape the root. */
export function checkKey(key: string): string {
  if (key.startsWith('/') || key.split('/').some((p) => p === '..' || p === '.') || key.includes('\\') || key.includes('\0')) {
    throw new Error(`invalid object key ${JSON.stringify(key)}`);
  }
  return key;
}
