/** @module storage/output-location.test  Outputs land in the object store, a local folder or a file:// folder. */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { FsObjectStore, outputLocation } from './index.js';

const dir = mkdtempSync(join(tmpdir(), 'plumbline-output-'));
const store = new FsObjectStore(join(dir, 'objects'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('outputLocation', () => {
  it('writes under an object-store URI and answers with object URIs', async () => {
    const location = outputLocation(store, store.uriOf('runs/one/'));
    const uri = await location.write('sub/analysis.json', '{}');
    expect(uri).toBe(store.uriOf('runs/one/sub/analysis.json'));
    expect(Buffer.from(await store.get('runs/one/sub/analysis.json')).toString()).toBe('{}');
  });

  it('writes to a local folder, addressed as paths or file:// URIs', async () => {
    const folder = join(dir, 'local');
    expect(await outputLocation(store, folder, { localAs: 'path' }).write('a.txt', 'A')).toBe(join(folder, 'a.txt'));
    expect(await outputLocation(store, pathToFileURL(folder).href).write('b.txt', 'B')).toBe(pathToFileURL(join(folder, 'b.txt')).href);
    expect(readFileSync(join(folder, 'a.txt'), 'utf8') + readFileSync(join(folder, 'b.txt'), 'utf8')).toBe('AB');
  });

  it('refuses a URI outside the store, naming the field', () => {
    expect(() => outputLocation(store, 's3://elsewhere/x', { field: 'dataConfig.outputPath' })).toThrow(/^dataConfig\.outputPath: got "s3:\/\/elsewhere\/x", expected a location inside the object store/);
  });
});
