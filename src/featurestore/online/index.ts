/**
 * @module featurestore/online
 * The online store: the port, and `openOnlineStore` choosing an adapter from the workspace config.
 * The Redis adapter (and ioredis) is imported only when a workspace asks for it.
 */
import type { OnlineStoreConfig } from '../../config/workspace-config.js';
import type { OnlineStore } from './online-store.js';
import { SqliteOnlineStore } from './sqlite/sqlite-online-store.js';

export type { ListRecordsPage, OnlineStore, OnlineStoreCapabilities } from './online-store.js';
export type { DeleteOutcome, OnlineRecord, OnlineWrite } from '../model.js';
export { SqliteOnlineStore, type SqliteOnlineStoreOptions } from './sqlite/sqlite-online-store.js';
export type { RedisOnlineStore, RedisOnlineStoreOptions } from './redis/redis-online-store.js';

export async function openOnlineStore(config: OnlineStoreConfig): Promise<OnlineStore> {
  switch (config.type) {
    case 'sqlite':
      return SqliteOnlineStore.open(config.path);
    case 'redis': {
      const { RedisOnlineStore } = await import('./redis/redis-online-store.js');
      return RedisOnlineStore.open({ url: config.url, keyPrefix: config.keyPrefix });
    }
  }
}
