/**
 * @module storage/output-location
 * Where a job writes its named output files: under an object-store URI (`file://…` or `s3://…` inside the
 * workspace's store) or in a local folder (a path or a `file://` URI outside the store; relative paths resolve
 * from the current directory). Bias, explainability and monitoring outputs all go through it.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { invalid } from '../core/errors.js';
import type { ObjectStore } from './object-store.js';

export interface OutputLocation {
  /** The address of `name` under this location. */
  uriOf(name: string): string;
  /** Writes `name` (it may contain `/`) and returns its address. */
  write(name: string, body: string | Uint8Array): Promise<string>;
}

export interface OutputLocationOptions {
  /** How local files are addressed: as `file://` URIs (default) or as plain paths. */
  localAs?: 'file-uri' | 'path';
  /** The field named in the error for a URI outside the store (default `output`). */
  field?: string;
}

export function outputLocation(store: ObjectStore, base: string, options: OutputLocationOptions = {}): OutputLocation {
  const trimmed = base.replace(/\/+$/, '');
  const uri = isUri(trimmed);
  const key = uri ? store.keyOf(trimmed) : undefined;
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
  if (uri && !/^file:\/\//i.test(trimmed)) throw invalid(options.field ?? 'output', base, `a location inside the object store ${store.rootUri}, a file:// URI or a local folder`);
  const dir = resolve(/^file:\/\//i.test(trimmed) ? fileURLToPath(trimmed) : trimmed);
  const address = (path: string) => (options.localAs === 'path' ? path : pathToFileURL(path).href);
  return {
    uriOf: (name) => address(join(dir, name)),
    async write(name, body) {
      const path = join(dir, name);
      await mkdir(dirname(path), { recursive: true });
      await writeFile(path, body);
      return address(path);
    },
  };
}

export function isUri(text: string): boolean {
  return /^[a-z][a-z0-9+.-]*:\/\//i.test(text);
}
