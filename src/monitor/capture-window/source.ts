/**
 * @module monitor/capture-window/source
 * Where capture files are read from: the workspace's object store (a `file://` or `s3://` URI under its
 * root, or a bare key) or a plain local folder. Both list keys relative to the destination.
 */
import { readdir, readFile, stat } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { invalid } from '../../core/errors.js';
import type { ObjectStore } from '../../storage/index.js';

export interface CaptureSource {
  /** Human-readable location, for messages. */
  readonly location: string;
  /** Keys (relative to the destination, `/`-separated) under `prefix`, sorted. */
  list(prefix: string): Promise<string[]>;
  read(key: string): Promise<string>;
  /**
   * Names of the folders directly under `prefix` (a folder, ending with `/` or empty); undefined when the
   * source cannot tell without listing everything below.
   */
  folders?(prefix: string): Promise<string[] | undefined>;
}

/**
 * Opens a capture destination: a URI inside the object store (`objectStore.uriOf(...)`), a bare key of the
 * object store, or a local folder path / `file://` URI outside it.
 */
export function captureSource(destination: string, objectStore?: ObjectStore): CaptureSource {
  const trimmed = destination.replace(/\/+$/, '');
  const key = objectStore?.keyOf(trimmed);
  if (objectStore && key !== undefined) return objectStoreSource(objectStore, key, key === '' ? objectStore.rootUri : objectStore.uriOf(key));
  if (/^file:\/\//i.test(trimmed)) return folderSource(fileURLToPath(trimmed));
  if (trimmed.startsWith('/')) return folderSource(trimmed);
  throw invalid('captureDestination', destination, `a location inside the object store${objectStore ? ` ${objectStore.rootUri}` : ''}, a file:// URI or an absolute folder path`);
}

function objectStoreSource(store: ObjectStore, base: string, location: string): CaptureSource {
  const root = base === '' ? '' : `${base}/`;
  return {
    location,
    async list(prefix) {
      const infos = await store.list(root + prefix);
      return infos.map((i) => i.key.slice(root.length)).sort();
    },
    async read(key) {
      return Buffer.from(await store.get(root + key)).toString('utf8');
    },
    async folders(prefix) {
      // Only a file-backed store can list one level; others return undefined (the caller lists everything).
      if (!/^file:\/\//i.test(store.rootUri)) return undefined;
      const key = (root + prefix).replace(/\/+$/, '');
      return childFolders(fileURLToPath(key === '' ? store.rootUri : store.uriOf(key)));
    },
  };
}

function folderSource(dir: string): CaptureSource {
  return {
    location: dir,
    async list(prefix) {
      const out: string[] = [];
      // Walk only the folder the prefix names (prefixes here always end at a folder boundary or are empty).
      const start = prefix.includes('/') ? prefix.slice(0, prefix.lastIndexOf('/')) : '';
      await walk(join(dir, start), out, dir);
      return out.filter((k) => k.startsWith(prefix)).sort();
    },
    async read(key) {
      return readFile(join(dir, key), 'utf8');
    },
    async folders(prefix) {
      return childFolders(join(dir, prefix));
    },
  };
}

async function childFolders(folder: string): Promise<string[]> {
  try {
    const entries = await readdir(folder, { withFileTypes: true });
    return entries.filter((e) => e.isDirectory()).map((e) => e.name).sort();
  } catch {
    return [];
  }
}

async function walk(folder: string, out: string[], root: string): Promise<void> {
  let entries;
  try {
    if (!(await stat(folder)).isDirectory()) return;
    entries = await readdir(folder, { withFileTypes: true });
  } catch {
    return;
  }
  for (const e of entries) {
    const p = join(folder, e.name);
    if (e.isDirectory()) await walk(p, out, root);
    else if (e.isFile()) out.push(relative(root, p).split(sep).join('/'));
  }
}
