/**
 * @module monitor/locations
 * Reading monitoring files at a location given as an object-store URI (`file://…` or `s3://…` under the
 * workspace's root) or a local path / `file://` URI outside the store. Writing goes through storage's
 * `outputLocation`.
 */
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { invalid, NotFoundError } from '../core/errors.js';
import { isUri, type ObjectStore } from '../storage/index.js';

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
