/** @module storage  The object-store port and its adapters, chosen from the workspace config. */
import type { ObjectStoreConfig } from '../config/index.js';
import { FsObjectStore } from './fs/fs-object-store.js';
import type { ObjectStore } from './object-store.js';

export type { ObjectInfo, ObjectStore, ObjectStoreCapabilities } from './object-store.js';
export { FsObjectStore } from './fs/fs-object-store.js';
export { isUri, outputLocation, type OutputLocation, type OutputLocationOptions } from './output-location.js';

/** Opens the configured object store; the S3 client is loaded only when an s3:// store is configured. */
export async function openObjectStore(config: ObjectStoreConfig): Promise<ObjectStore> {
  if (config.type === 'file') return new FsObjectStore(config.root);
  const { S3ObjectStore } = await import('./s3/s3-object-store.js');
  return new S3ObjectStore(config);
}
