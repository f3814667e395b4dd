/**
 * @module storage/object-store.contract
 * The behaviour every ObjectStore adapter must show, as a vitest suite. An adapter's test file calls
 * `runObjectStoreContract` with a factory that opens a fresh, empty store for each test.
 */
import { randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ObjectStore } from './object-store.js';

export interface ObjectStoreContractOptions {
  name: string;
  create: () => Promise<{ store: ObjectStore; cleanup: () => Promise<void> }>;
  /** Tests this adapter cannot pass, by exact title, each with the reason. */
  skip?: { test: string; reason: string }[];
}

const text = (bytes: Uint8Array): string => new TextDecoder().decode(bytes);
/** Adapters may return a Buffer; compare as plain Uint8Array. */
const plain = (bytes: Uint8Array): Uint8Array => new Uint8Array(bytes);
const ALL_BYTES = Uint8Array.from({ length: 256 }, (_, i) => i);

export function runObjectStoreContract({ name, create, skip = [] }: ObjectStoreContractOptions): void {
  describe(`ObjectStore contract: ${name}`, () => {
    let store: ObjectStore;
    let cleanup: () => Promise<void>;
    beforeEach(async () => {
      ({ store, cleanup } = await create());
    });
    afterEach(async () => {
      await cleanup();
    });

    const titles = new Set<string>();
    const test = (title: string, fn: () => Promise<void>): void => {
      titles.add(title);
      const skipped = skip.find((s) => s.test === title);
      if (skipped) it.skip(`${title} (skipped: ${skipped.reason})`, fn);
      else it(title, fn);
    };

    test('round trips binary data with all 256 byte values', async () => {
      await store.put('bin/all-bytes', ALL_BYTES);
      expect(plain(await store.get('bin/all-bytes'))).toEqual(ALL_BYTES);
    });

    test('round trips strings as UTF-8', async () => {
      await store.put('text.txt', 'héllo ✓ 🚀');
      expect(text(await store.get('text.txt'))).toBe('héllo ✓ 🚀');
    });

    test('round trips empty objects', async () => {
      await store.put('empty-string', '');
      await store.put('empty-bytes', new Uint8Array(0));
      expect((await store.get('empty-string')).byteLength).toBe(0);
      expect((await store.get('empty-bytes')).byteLength).toBe(0);
      expect((await store.list('empty')).map((o) => o.size)).toEqual([0, 0]);
    });

    test('overwrites an object, longer then shorter', async () => {
      await store.put('k', 'short');
      await store.put('k', 'a much longer body');
      await store.put('k', 'tiny');
      expect(text(await store.get('k'))).toBe('tiny');
    });

    test('get of a missing key throws OBJECT_NOT_FOUND', async () => {
      await store.put('dir/child', 'x');
      await expect(store.get('missing')).rejects.toMatchObject({ code: 'OBJECT_NOT_FOUND' });
      await expect(store.get('dir')).rejects.toMatchObject({ code: 'OBJECT_NOT_FOUND' });
    });

    test('exists is true only for objects', async () => {
      await store.put('dir/child', 'x');
      expect(await store.exists('dir/child')).toBe(true);
      expect(await store.exists('dir')).toBe(false);
      expect(await store.exists('missing')).toBe(false);
    });

    test('lists by a prefix that ends mid-name', async () => {
      for (const k of ['dat', 'data/part-1', 'data/part-2', 'database/x', 'other/y']) await store.put(k, k);
      expect((await store.list('dat')).map((o) => o.key)).toEqual(['dat', 'data/part-1', 'data/part-2', 'database/x']);
      expect((await store.list('data/part-1')).map((o) => o.key)).toEqual(['data/part-1']);
    });

    test('lists by a folder prefix, including nested keys', async () => {
      for (const k of ['data/a', 'data/sub/b', 'data/sub/deeper/c', 'database/x']) await store.put(k, k);
      expect((await store.list('data/')).map((o) => o.key)).toEqual(['data/a', 'data/sub/b', 'data/sub/deeper/c']);
      expect(await store.list('nothing/')).toEqual([]);
    });

    test('lists everything sorted by key, with sizes and times', async () => {
      const before = Date.now();
      for (const k of ['b/2/z', 'a0', 'b/10', 'a/b', 'b/1', 'a-b']) await store.put(k, 'x'.repeat(k.length));
      const listed = await store.list('');
      expect(listed.map((o) => o.key)).toEqual(['a-b', 'a/b', 'a0', 'b/1', 'b/10', 'b/2/z']);
      for (const o of listed) {
        expect(o.size).toBe(o.key.length);
        expect(Math.abs(o.lastModified - before)).toBeLessThan(5 * 60_000);
      }
    });

    test('list shows no temporary files, even during a write', async () => {
      await store.put('small', 'x');
      let done = false;
      const writing = store.put('big', randomBytes(8 << 20)).finally(() => (done = true));
      const seen = new Set<string>();
      while (!done) for (const o of await store.list('')) seen.add(`${o.key}:${o.size}`);
      await writing;
      expect([...seen].filter((s) => s !== 'small:1' && s !== `big:${8 << 20}`)).toEqual([]);
      expect((await store.list('')).map((o) => o.key)).toEqual(['big', 'small']);
    });

    test('delete removes an object; deleting an absent key is fine', async () => {
      await store.put('gone', 'x');
      await store.delete('gone');
      await store.delete('gone');
      await store.delete('never/was');
      expect(await store.exists('gone')).toBe(false);
      await store.put('folder/kept', 'x');
      await store.delete('folder');
      expect(await store.exists('folder/kept')).toBe(true);
    });

    test('deletePrefix deletes what list shows and counts it', async () => {
      for (const k of ['x/1', 'x/2', 'x/y/3', 'xy', 'z']) await store.put(k, k);
      expect(await store.deletePrefix('x/')).toBe(3);
      expect((await store.list('')).map((o) => o.key)).toEqual(['xy', 'z']);
      expect(await store.deletePrefix('x/')).toBe(0);
    });

    test('a folder emptied by deletion can become a key', async () => {
      await store.put('f/1', 'x');
      await store.deletePrefix('f/');
      await store.put('g/1', 'x');
      await store.delete('g/1');
      await store.put('f', 'now a file');
      await store.put('g', 'this too');
      expect(text(await store.get('f'))).toBe('now a file');
      expect(text(await store.get('g'))).toBe('this too');
    });

    test('putFile uploads a local file', async () => {
      const dir = await mkdtemp(join(tmpdir(), 'plumbline-contract-'));
      try {
        const body = randomBytes(100_000);
        await writeFile(join(dir, 'upload.bin'), body);
        await store.putFile('up/loaded.bin', join(dir, 'upload.bin'));
        expect(plain(await store.get('up/loaded.bin'))).toEqual(plain(body));
      } finally {
        await rm(dir, { recursive: true, force: true });
      }
    });

    test("localPath gives a readable file with the object's bytes, also after an overwrite", async () => {
      await store.put('local/file.bin', ALL_BYTES);
      expect(plain(await readFile(await store.localPath('local/file.bin')))).toEqual(ALL_BYTES);
      // Same size, so only the content tells the versions apart.
      await store.put('local/file.bin', ALL_BYTES.slice().reverse());
      expect(plain(await readFile(await store.localPath('local/file.bin')))).toEqual(ALL_BYTES.slice().reverse());
    });

    test('localPath of a missing key throws OBJECT_NOT_FOUND', async () => {
      await expect(store.localPath('missing.bin')).rejects.toMatchObject({ code: 'OBJECT_NOT_FOUND' });
    });

    test('uriOf and keyOf round trip', async () => {
      for (const key of ['a', 'dir/sub/part-0.parquet', 'with space/ünï.txt', '..dots/x']) {
        const uri = store.uriOf(key);
        expect(uri.startsWith(`${store.rootUri}/`)).toBe(true);
        expect(store.keyOf(uri)).toBe(key);
        expect(store.keyOf(key)).toBe(key);
      }
    });

    test('keyOf of a URI outside the root is undefined', async () => {
      expect(store.keyOf(`${store.rootUri}-sibling/x`)).toBeUndefined();
      expect(store.keyOf('https://example.com/x')).toBeUndefined();
      expect(store.keyOf('s3://elsewhere/x')).toBeUndefined();
      expect(store.keyOf('file:///elsewhere/x')).toBeUndefined();
      expect(store.keyOf('../x')).toBeUndefined();
    });

    test('rejects keys that could escape the root', async () => {
      for (const key of ['../x', '/abs', 'a/../../x']) {
        expect(() => store.uriOf(key)).toThrow(/invalid object key/);
        await expect(store.put(key, 'x')).rejects.toThrow(/invalid object key/);
        await expect(store.get(key)).rejects.toThrow(/invalid object key/);
        await expect(store.delete(key)).rejects.toThrow(/invalid object key/);
      }
    });

    test('concurrent puts to distinct keys all land', async () => {
      const keys = Array.from({ length: 40 }, (_, i) => `many/${String(i).padStart(2, '0')}`);
      await Promise.all(keys.map((k) => store.put(k, k)));
      expect((await store.list('many/')).map((o) => o.key)).toEqual(keys);
      for (const k of keys) expect(text(await store.get(k))).toBe(k);
    });

    test('after put resolves, get returns the full bytes', async () => {
      const body = randomBytes(8 << 20);
      await store.put('atomic/big', body);
      expect(Buffer.from(await store.get('atomic/big')).equals(body)).toBe(true);
      expect((await store.list('atomic/'))[0]!.size).toBe(body.byteLength);
    });

    for (const s of skip) {
      if (!titles.has(s.test)) throw new Error(`${name}: skip names no contract test: ${JSON.stringify(s.test)}`);
    }
  });
}
