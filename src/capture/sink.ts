/**
 * @module capture/sink
 * Where capture files go: a destination URI resolved to an object store and a key prefix. A destination inside
 * the workspace's object store (its URI, or a bare relative path) uses that store; a `file://` URI or an absolute
 * path elsewhere gets its own folder store; anything else is refused with a message naming the URI.
 */
import { fileURLToPath } from 'node:url';
import { invalid } from '../core/errors.js';
import { FsObjectStore, type ObjectStore } from '../storage/index.js';

export interface CaptureSink {
  /** The destination URI (no trailing slash). */
  readonly uri: string;
  readonly store: ObjectStore;
  /** Key prefix inside `store`, '' or ending with '/'. */
  readonly prefix: string;
}

export function resolveCaptureSink(objectStore: ObjectStore, destination: string): CaptureSink {
  const uri = destination.replace(/\/+$/, '');
  const key = objectStore.keyOf(uri);
  if (key !== undefined) return { uri: key === '' ? objectStore.rootUri : objectStore.uriOf(key), store: objectStore, prefix: key === '' ? '' : `${key}/` };
  if (uri.startsWith('file:')) return { uri, store: new FsObjectStore(fileURLToPath(uri)), prefix: '' };
  if (uri.startsWith('/')) return { uri, store: new FsObjectStore(uri), prefix: '' };
  throw invalid('DestinationS3Uri', destination, `a location inside the workspace's object store (${objectStore.rootUri}), a file:// URI or an absolute folder path`);
}
