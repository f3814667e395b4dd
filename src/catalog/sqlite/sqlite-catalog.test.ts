/** @module catalog/sqlite/sqlite-catalog.test  The catalog contract on a SQLite file and in memory, plus sharing the file between processes. */
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { isPlatformError } from '../../core/errors.js';
import { runCatalogContract } from '../catalog.contract.js';
import { SqliteCatalog } from './sqlite-catalog.js';

const dirs: string[] = [];
async function tempDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'pl-catalog-'));
  dirs.push(dir);
  return dir;
}
afterEach(async () => {
  await Promise.all(dirs.splice(0).map((d) => rm(d, { recursive: true, force: true })));
});

runCatalogContract({
  name: 'SqliteCatalog (file)',
  create: async () => {
    // A missing parent folder on purpose: open() must create it.
    const dir = await mkdtemp(join(tmpdir(), 'pl-catalog-'));
    const path = join(dir, 'nested', 'deeper', 'catalog.db');
    const catalog = await SqliteCatalog.open(path);
    const cleanup = async () => {
      await catalog.close();
      await rm(dir, { recursive: true, force: true });
    };
    return { catalog, reopen: () => SqliteCatalog.open(path), cleanup };
  },
});

runCatalogContract({
  name: 'SqliteCatalog (:memory:)',
  create: async () => {
    const catalog = await SqliteCatalog.open(':memory:');
    return { catalog, cleanup: () => catalog.close() };
  },
  skip: [{ test: 'data survives close and reopen', reason: 'an in-memory database ends with its connection' }],
});

describe('SqliteCatalog file', () => {
  it('uses WAL so readers and a writer can work at once', async () => {
    const path = join(await tempDir(), 'catalog.db');
    const catalog = await SqliteCatalog.open(path);
    await catalog.create('k', 'n', {}, 1);
    const raw = new Database(path, { readonly: true });
    try {
      expect(raw.pragma('journal_mode', { simple: true })).toBe('wal');
    } finally {
      raw.close();
      await catalog.close();
    }
  });

  it('reports a file it cannot open as STORE_UNAVAILABLE naming the store and the path', async () => {
    const dir = await tempDir();
    await writeFile(join(dir, 'a-file'), '');
    const path = join(dir, 'a-file', 'catalog.db');
    const error: unknown = await SqliteCatalog.open(path).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(isPlatformError(error) && error.code).toBe('STORE_UNAVAILABLE');
    expect((error as Error).message).toContain('sqlite catalog open');
    expect((error as Error).message).toContain(path);
  });

  it('is shared by two processes: no lost updates, no SQLITE_BUSY', async () => {
    const path = join(await tempDir(), 'shared.db');
    const setup = await SqliteCatalog.open(path);
    await setup.create('counter', 'shared', { n: 0 }, 1);
    await setup.close();

    const perProcess = 300;
    const moduleUrl = new URL('./sqlite-catalog.ts', import.meta.url).href;
    // Each process registers, waits for the other (so they really overlap), then creates entries and
    // increments one shared counter with read / update(expectedVersion) / retry on CONFLICT. With this many
    // writes, a zero busy timeout fails with SQLITE_BUSY and an update ignoring the version loses increments.
    const script = `
      const { SqliteCatalog } = await import(${JSON.stringify(moduleUrl)});
      const id = process.env.PL_ID, n = ${perProcess};
      const c = await SqliteCatalog.open(${JSON.stringify(path)});
      await c.create('ready', id, {}, Date.now());
      while ((await c.list('ready')).length < 2) await new Promise((r) => setImmediate(r));
      for (let i = 0; i < n; i++) {
        await c.create('item', id + '-' + i, { i }, Date.now());
        for (;;) {
          const e = await c.get('counter', 'shared');
          try { await c.update('counter', 'shared', { n: e.doc.n + 1 }, Date.now(), e.version); break; }
          catch (err) { if (err.code !== 'CONFLICT') throw err; }
        }
      }
      await c.close();
    `;
    const run = (id: string) =>
      promisify(execFile)(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
        env: { ...process.env, PL_ID: id },
        timeout: 60_000,
      });
    await Promise.all([run('p1'), run('p2')]);

    const catalog = await SqliteCatalog.open(path);
    try {
      const counter = await catalog.get<{ n: number }>('counter', 'shared');
      expect(counter).toMatchObject({ doc: { n: 2 * perProcess }, version: 2 * perProcess + 1 });
      expect(await catalog.list('item')).toHaveLength(2 * perProcess);
    } finally {
      await catalog.close();
    }
  });
});
