/**
 * @module featurestore/online/sqlite/sqlite-online-store.test
 * The online-store contract on a SQLite file and in memory, plus what only a file shows: data survives a
 * reopen, two connections share it, and the pragmas hold.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { isPlatformError } from '../../../core/errors.js';
import { openOnlineStore } from '../index.js';
import { runOnlineStoreContract } from '../online-store.contract.js';
import { SqliteOnlineStore } from './sqlite-online-store.js';

const dirs: string[] = [];
async function tempDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'pl-online-'));
  dirs.push(dir);
  return dir;
}
afterEach(async () => {
  await Promise.all(dirs.splice(0).map((d) => rm(d, { recursive: true, force: true })));
});

runOnlineStoreContract({
  name: 'SqliteOnlineStore (file)',
  create: async () => {
    // A missing parent folder on purpose: open() must create it.
    const dir = await mkdtemp(join(tmpdir(), 'pl-online-'));
    const store = await SqliteOnlineStore.open(join(dir, 'nested', 'online.db'));
    return {
      store,
      cleanup: async () => {
        await store.close();
        await rm(dir, { recursive: true, force: true });
      },
    };
  },
});

runOnlineStoreContract({
  name: 'SqliteOnlineStore (:memory:)',
  create: async () => {
    const store = await SqliteOnlineStore.open(':memory:');
    return { store, cleanup: () => store.close() };
  },
});

describe('SqliteOnlineStore on a file', () => {
  const w = (recordId: string, eventTimeMs: number) => ({ recordId, eventTimeMs, values: { v: String(eventTimeMs) }, expiresAtMs: null });

  it('keeps records across close and reopen, with WAL, synchronous=NORMAL and 16 KiB pages', async () => {
    const path = join(await tempDir(), 'online.db');
    const first = await SqliteOnlineStore.open(path);
    await first.writeBatch('users', [w('a', 1), w('b', 2)], 0);
    await first.softDelete('users', 'b', 3, 0);
    await first.close();
    await first.close();

    const again = await SqliteOnlineStore.open(path);
    try {
      expect(await again.readBatch('users', ['a', 'b'], 0)).toEqual([{ recordId: 'a', eventTimeMs: 1, values: { v: '1' }, expiresAtMs: null, softDeleted: false }, undefined]);
      expect((await again.listRecords('users', { maxResults: 10, includeSoftDeleted: true }, 0)).recordIds).toEqual(['a', 'b']);
      const db = (again as unknown as { db: import('better-sqlite3').Database }).db;
      expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
      expect(db.pragma('synchronous', { simple: true })).toBe(1);
      expect(db.pragma('page_size', { simple: true })).toBe(16384);
    } finally {
      await again.close();
    }
  });

  it('lets two connections on one file see each other\'s writes and keep the event-time rule', async () => {
    const path = join(await tempDir(), 'online.db');
    const [one, two] = [await SqliteOnlineStore.open(path), await SqliteOnlineStore.open(path)];
    try {
      await one.writeBatch('users', [w('a', 10)], 0);
      expect([...(await two.writeBatch('users', [w('a', 5), w('b', 1)], 0))]).toEqual([0, 1]);
      expect((await one.readBatch('users', ['a', 'b'], 0)).map((r) => r?.eventTimeMs)).toEqual([10, 1]);
      expect(await one.hardDelete('users', 'b', 2, 0)).toBe('deleted');
      expect(await two.readBatch('users', ['b'], 0)).toEqual([undefined]);
    } finally {
      await one.close();
      await two.close();
    }
  });

  it('wraps driver failures in a StoreError naming the operation', async () => {
    const store = await SqliteOnlineStore.open(':memory:');
    await store.close();
    const error = await store.readBatch('users', ['a'], 0).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(isPlatformError(error) && error.code).toBe('STORE_UNAVAILABLE');
    expect((error as Error).message).toContain('readBatch users');

    const dir = await tempDir();
    const opening = await SqliteOnlineStore.open(join(dir, 'x', '\u0000bad')).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(isPlatformError(opening) && opening.code).toBe('STORE_UNAVAILABLE');
  });

  it('is what openOnlineStore opens for a sqlite config', async () => {
    const store = await openOnlineStore({ type: 'sqlite', path: ':memory:' });
    try {
      expect(store).toBeInstanceOf(SqliteOnlineStore);
      expect(store.capabilities.ttl).toBe('lazy');
    } finally {
      await store.close();
    }
  });
});
