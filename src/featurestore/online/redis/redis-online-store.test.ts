/**
 * @module featurestore/online/redis/redis-online-store.test
 * The online-store contract on Redis (REDIS_URL; skipped visibly without it), each store under its own key
 * prefix whose keys are deleted afterwards; plus client ownership, native expiry and failures.
 */
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serviceUrl, uniqueTestName } from '../../../../test/helpers/services.js';
import { isPlatformError } from '../../../core/errors.js';
import { openOnlineStore } from '../index.js';
import { runOnlineStoreContract } from '../online-store.contract.js';
import { RedisOnlineStore } from './redis-online-store.js';

const url = serviceUrl('redis');

async function deleteKeys(client: Redis, prefix: string): Promise<void> {
  // The prefix is ours (letters, digits, '_'), so it holds no glob characters.
  let cursor = '0';
  do {
    const [next, keys] = await client.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 1000);
    cursor = next;
    if (keys.length > 0) await client.unlink(...keys);
  } while (cursor !== '0');
}

async function keysOf(client: Redis, prefix: string): Promise<string[]> {
  const found: string[] = [];
  let cursor = '0';
  do {
    const [next, keys] = await client.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 1000);
    cursor = next;
    found.push(...keys);
  } while (cursor !== '0');
  return found.sort();
}

(url ? describe : describe.skip)('RedisOnlineStore', () => {
  let client: Redis;
  beforeAll(async () => {
    client = new Redis(url!, { lazyConnect: true });
    await client.connect();
  });
  afterAll(async () => {
    await client?.quit();
  });

  runOnlineStoreContract({
    name: 'RedisOnlineStore (shared client)',
    create: async () => {
      const keyPrefix = uniqueTestName('pl_online');
      const store = await RedisOnlineStore.open({ client, keyPrefix });
      return {
        store,
        cleanup: async () => {
          await store.close();
          await deleteKeys(client, keyPrefix);
        },
      };
    },
  });

  const w = (recordId: string, eventTimeMs: number, expiresAtMs: number | null = null) => ({ recordId, eventTimeMs, values: { v: String(eventTimeMs) }, expiresAtMs });

  it('lays out keys as documented and leaves nothing behind after dropGroup', async () => {
    const keyPrefix = uniqueTestName('pl_online');
    const store = await RedisOnlineStore.open({ client, keyPrefix });
    try {
      await store.writeBatch('users', [w('a:1', 10), w('b', 20)], Date.now());
      expect(await keysOf(client, keyPrefix)).toEqual([`${keyPrefix}:fg:users:ids`, `${keyPrefix}:fg:users:r:a:1`, `${keyPrefix}:fg:users:r:b`, `${keyPrefix}:groups`]);
      expect(await client.get(`${keyPrefix}:fg:users:r:a:1`)).toBe('[10,null,0,{"v":"10"}]');
      await store.dropGroup('users');
      expect(await keysOf(client, keyPrefix)).toEqual([]);
    } finally {
      await store.close();
      await deleteKeys(client, keyPrefix);
    }
  });

  it('sets a native expiry at expiresAtMs, keeps it through a soft delete, and deletes records written already expired', async () => {
    const keyPrefix = uniqueTestName('pl_online');
    const store = await RedisOnlineStore.open({ client, keyPrefix });
    const key = (id: string) => `${keyPrefix}:fg:users:r:${id}`;
    try {
      const now = Date.now();
      await store.writeBatch('users', [w('ttl', 1, now + 60_000.4), w('forever', 1), w('dead', 1, now - 1)], now);
      expect(await client.pexpiretime(key('ttl'))).toBe(now + 60_001);
      expect(await client.pexpiretime(key('forever'))).toBe(-1);
      expect(await client.exists(key('dead'))).toBe(0);
      await store.softDelete('users', 'ttl', 2, now);
      expect(await client.pexpiretime(key('ttl'))).toBe(now + 60_001);

      // Redis itself drops a key whose time has come; the index entry it leaves is tidied by purgeExpired.
      await store.writeBatch('users', [w('soon', 1, Date.now() + 30)], now);
      await new Promise((resolve) => setTimeout(resolve, 80));
      expect(await store.readBatch('users', ['soon'], now)).toEqual([undefined]);
      expect(await client.zscore(`${keyPrefix}:fg:users:ids`, 'soon')).not.toBeNull();
      expect(await store.purgeExpired(Date.now())).toBe(0);
      expect(await client.zscore(`${keyPrefix}:fg:users:ids`, 'soon')).toBeNull();
      expect((await store.listRecords('users', { maxResults: 10, includeSoftDeleted: true }, Date.now())).recordIds).toEqual(['forever', 'ttl']);
    } finally {
      await store.close();
      await deleteKeys(client, keyPrefix);
    }
  });

  it('works through a client with its own keyPrefix option', async () => {
    const keyPrefix = uniqueTestName('pl_online');
    const prefixed = new Redis(url!, { keyPrefix: `${keyPrefix}:client:ключ:` });
    const store = await RedisOnlineStore.open({ client: prefixed, keyPrefix: 'store' });
    try {
      await store.writeBatch('users', [w('b', 1), w('a', 1), w('dead', 1, 1)], Date.now());
      expect((await store.listRecords('users', { maxResults: 10, includeSoftDeleted: true }, Date.now())).recordIds).toEqual(['a', 'b']);
      expect((await store.readBatch('users', ['a'], Date.now()))[0]?.values).toEqual({ v: '1' });
      expect(await client.exists(`${keyPrefix}:client:ключ:store:fg:users:r:a`)).toBe(1);
      await store.dropGroup('users');
      expect(await keysOf(client, keyPrefix)).toEqual([]);
    } finally {
      await store.close();
      prefixed.disconnect();
      await deleteKeys(client, keyPrefix);
    }
  });

  it('close() quits a client it created but leaves an injected one open', async () => {
    const keyPrefix = uniqueTestName('pl_online');
    const injected = await RedisOnlineStore.open({ client, keyPrefix });
    await injected.close();
    expect(await client.ping()).toBe('PONG');

    const own = await openOnlineStore({ type: 'redis', url: url!, keyPrefix });
    expect(own).toBeInstanceOf(RedisOnlineStore);
    expect(own.capabilities.ttl).toBe('native');
    await own.writeBatch('users', [w('a', 1)], Date.now());
    expect((await own.readBatch('users', ['a'], Date.now()))[0]?.values).toEqual({ v: '1' });
    await own.close();
    await own.close();
    const error = await own.readBatch('users', ['a'], Date.now()).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(isPlatformError(error) && error.code).toBe('STORE_UNAVAILABLE');
    await deleteKeys(client, keyPrefix);
  });

  it('fails fast with a StoreError when Redis is unreachable', async () => {
    const started = Date.now();
    const error = await RedisOnlineStore.open({ url: 'redis://127.0.0.1:1', keyPrefix: 'unused' }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(isPlatformError(error) && error.code).toBe('STORE_UNAVAILABLE');
    expect((error as Error).message).toMatch(/redis online store open redis:\/\/127\.0\.0\.1:1/);
    expect(Date.now() - started).toBeLessThan(5000);
  });

  it('wraps a command failure in a StoreError naming the operation', async () => {
    const keyPrefix = uniqueTestName('pl_online');
    const store = await RedisOnlineStore.open({ client, keyPrefix });
    try {
      // A foreign value of the wrong type under a record key.
      await client.hset(`${keyPrefix}:fg:users:r:x`, 'f', 'v');
      const attempts = [() => store.writeBatch('users', [w('x', 1)], Date.now()), () => store.softDelete('users', 'x', 1, Date.now()), () => store.hardDelete('users', 'x', 1, Date.now())];
      for (const attempt of attempts) {
        const error = await attempt().then(
          () => undefined,
          (e: unknown) => e,
        );
        expect(isPlatformError(error) && error.code).toBe('STORE_UNAVAILABLE');
        expect((error as Error).message).toMatch(/^redis online store (writeBatch|softDelete|hardDelete) users failed: WRONGTYPE/);
      }
      // Past the first pipelined chunk too, without unhandled rejections from the other chunks.
      const many = Array.from({ length: 2500 }, (_, i) => w(i === 1700 ? 'x' : `ok${i}`, 1));
      const error = await store.writeBatch('users', many, Date.now()).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(isPlatformError(error) && error.code).toBe('STORE_UNAVAILABLE');
      // MGET answers nil for a key of another type: a read sees no record rather than failing.
      await client.set(`${keyPrefix}:fg:users:r:garbled`, 'not a record');
      const garbled = await store.readBatch('users', ['garbled'], Date.now()).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(isPlatformError(garbled) && garbled.code).toBe('STORE_UNAVAILABLE');
      expect(await store.readBatch('users', ['x'], Date.now())).toEqual([undefined]);
    } finally {
      await store.close();
      await deleteKeys(client, keyPrefix);
    }
  });
});
