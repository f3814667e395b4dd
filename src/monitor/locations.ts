/**
 * @module monitor/locations
 * Reading and writing monitoring files at a location given as an object-store URI (`file://…` or `s3://…`
 * under the workspace's root) or a local path / `file://` URI outside the store (relative paths: from the
 * current directory, as the baseline writer does).
 */
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { invalid, NotFoundError } from '../core/errors.js';
import type { ObjectStore } from '../storage/index.js';

export interface Location {
  /** The URI of `name` under this location. */
  uriOf(name: string): string;
  write(name: string, body: string): Promise<string>;
}

/** An output folder: inside the object store when it resolves there, else a local folder. */
export function outputLocation(store: ObjectStore, base: string): Location {
  const trimmed = base.replace(/\/+$/, '');
  const key = isUri(trimmed) ? store.keyOf(trimmed) : undefined;
  if (key !== undefined) {
    const prefix = key === '' ? '' : `${key}/`;
    return {
      uriOf: (name) => store.uriOf(prefix + name),
      async write(name, body) {
        await store.put(prefix + name, body);
        return store.uriOf(prefix + name);
      },
    };
  }
  if (isUri(trimmed) && !/^file:\/\//i.test(trimmed)) throw invalid('output', base, `a location inside the object store ${store.rootUri}, a file:// URI or a local folder`);
  const dir = resolve(/^file:\/\//i.test(trimmed) ? fileURLToPath(trimmed) : trimmed);
  return {
    uriOf: (name) => pathToFileURL(join(dir, name)).href,
    async write(name, body) {
      const p = join(dir, name);
      await mkdir(dirname(p), { recursive: true });
      await writeFile(p, body);
      return pathToFileURL(p).href;
    },
  };
}

/** Reads a text file at a URI inside the store, a `file://` URI or a local path. */
export async function readText(store: ObjectStore, location: string, field: string): Promise<string> {
  const key = isUri(location) ? store.keyOf(location) : undefined;
  try {
    if (key !== undefined && key !== '') return Buffer.from(await store.get(key)).toString('utf8');
    const path = /^file:\/\//i.test(location) ? fileURLToPath(location) : location;
    return await readFile(path, 'utf8');
  } catch (e) {
    if ((e as { code?: string }).code === 'ENOENT' || (e as { code?: string }).code === 'OBJECT_NOT_FOUND') {
      throw new NotFoundError('file', location, 'OBJECT_NOT_FOUND', `${field}: no file at ${location}`);
    }
    throw e;
  }
}

export async function readJson(store: ObjectStore, location: string, field: string): Promise<unknown> {
  const text = await readText(store, location, field);
  try {
    return JSON.parse(text);
  } catch (e) {
    throw invalid(field, location, `a JSON file (${(e as Error).message})`);
  }
}

function isUri(s: string): boolean {
  return /^[a-z][a-z0-9+.-]*:\/\//i.test(s);
}
