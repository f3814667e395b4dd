/**
 * @module featurestore/online/redis/redis-online-store
 * The Redis online store (ioredis). Keys, under the configured prefix:
 * - `<prefix>:fg:<group>:r:<recordId>`: one string per record, `[eventTimeMs,expiresAtMs|null,softDeleted 0|1,{values}]`,
 *   so a read of any number of ids is one MGET and one JSON.parse per record;
 * - `<prefix>:fg:<group>:ids`: a sorted set of the group's record ids (all scores 0, so ordered by bytes);
 * - `<prefix>:groups`: the set of groups that have records, for `purgeExpired`.
 *
 * Why an id index rather than SCAN MATCH: ListRecords pages are then a `ZRANGE BYLEX` resuming strictly after
 * the last id returned, so every id comes exactly once, sorted like SQLite, at a cost proportional to the
 * page rather than to the whole keyspace; `dropGroup` walks the group's ids only. The price is a second copy
 * of each id in memory.
 *
 * Writes and deletes go through Lua scripts (EVALSHA, see redis-scripts.ts) that compare event times on
 * the server; a batch is sent as pipelined script calls of up to 1,000 writes each. Nothing interleaves with
 * a chunk, but Redis does not roll a script back: if one fails (say a foreign key of another type), the writes
 * before it stay applied, as do earlier chunks. Expiry is native (PXAT), and reads also filter on `now`. Group names must not
 * contain ':' (SageMaker names cannot), or their keys could meet another group's. Not for Redis Cluster: a
 * script touches keys of many slots.
 */
import { Redis } from 'ioredis';
import type { DeleteOutcome, OnlineRecord, OnlineWrite } from '../../model.js';
import type { ListRecordsPage, OnlineStore, OnlineStoreCapabilities } from '../online-store.js';
import { checkEventTime, checkMaxResults, checkWrites, decodeListToken, encodeListToken, toStoreError } from '../adapter-support.js';
import { DELETE_LUA, DROP_LUA, LISTABLE_LUA, PURGE_LUA, WRITE_LUA } from './redis-scripts.js';

const STORE = 'redis online store';
/** Writes per script call: amortises the call; Redis serves nothing else meanwhile (~3-6 ms here). */
const WRITE_CHUNK = 1000;
/** Ids per index walk in dropGroup and purgeExpired. */
const SCAN_CHUNK = 1000;

export interface RedisOnlineStoreOptions {
  /** Prefix of every key the store writes. */
  keyPrefix: string;
  /** A client to use (tests, shared connections); `close()` leaves it open. Otherwise one is created from `url`. */
  client?: Redis;
  url?: string;
}

type Script = (numKeys: number, keys: string[], args: (string | number)[]) => Promise<unknown>;

/** The script commands `defineCommand` adds to a client and to its pipelines. */
interface ScriptCommands {
  plumblineOnlineWrite: Script;
  plumblineOnlineDelete: Script;
  plumblineOnlineListable: Script;
  plumblineOnlinePurge: Script;
  plumblineOnlineDrop: Script;
}

type StoredRecord = [eventTimeMs: number, expiresAtMs: number | null, softDeleted: 0 | 1, values: Record<string, string>];

const OUTCOMES: readonly DeleteOutcome[] = ['absent', 'stale', 'deleted'];

export class RedisOnlineStore implements OnlineStore {
  readonly capabilities: OnlineStoreCapabilities = { ttl: 'native' };
  private readonly scripts: ScriptCommands;
  private readonly registryKey: string;
  /** ioredis's own `keyPrefix` option, which it prepends to every key it sends. */
  private readonly clientKeyPrefix: string;
  private closed = false;

  private constructor(
    private readonly client: Redis,
    private readonly owned: boolean,
    private readonly keyPrefix: string,
  ) {
    client.defineCommand('plumblineOnlineWrite', { lua: WRITE_LUA });
    client.defineCommand('plumblineOnlineDelete', { lua: DELETE_LUA });
    client.defineCommand('plumblineOnlineListable', { lua: LISTABLE_LUA, readOnly: true });
    client.defineCommand('plumblineOnlinePurge', { lua: PURGE_LUA });
    client.defineCommand('plumblineOnlineDrop', { lua: DROP_LUA });
    this.scripts = client as unknown as ScriptCommands;
    this.registryKey = `${keyPrefix}:groups`;
    this.clientKeyPrefix = String(client.options.keyPrefix ?? '');
  }

  /** Opens a store on `options.client`, or connects a new client to `options.url` (failing fast if Redis is unreachable). */
  static async open(options: RedisOnlineStoreOptions): Promise<RedisOnlineStore> {
    if (options.client) return new RedisOnlineStore(options.client, false, options.keyPrefix);
    if (!options.url) throw toStoreError(STORE, 'open', new Error('neither a client nor a url was given'));
    const client = new Redis(options.url, { lazyConnect: true, maxRetriesPerRequest: 3 });
    // Failures reach callers as rejected commands; without a listener ioredis would also print each one.
    client.on('error', () => {});
    try {
      await client.connect();
    } catch (e) {
      client.disconnect();
      throw toStoreError(STORE, `open ${redactUrl(options.url)}`, e);
    }
    return new RedisOnlineStore(client, true, options.keyPrefix);
  }

  async writeBatch(group: string, writes: OnlineWrite[], nowMs: number): Promise<Uint8Array> {
    checkWrites(writes);
    const flags = new Uint8Array(writes.length);
    if (writes.length === 0) return flags;
    try {
      if (writes.length <= WRITE_CHUNK) {
        readFlags((await this.writeChunk(this.scripts, group, writes, 0, writes.length, nowMs)) as string, flags, 0);
        return flags;
      }
      const pipeline = this.client.pipeline();
      const commands = pipeline as unknown as ScriptCommands;
      for (let start = 0; start < writes.length; start += WRITE_CHUNK) {
        void this.writeChunk(commands, group, writes, start, Math.min(writes.length, start + WRITE_CHUNK), nowMs);
      }
      const results = await pipeline.exec();
      if (results === null) throw new Error('the pipeline was discarded');
      for (let c = 0; c < results.length; c++) {
        const [error, reply] = results[c]!;
        if (error) throw error;
        readFlags(reply as string, flags, c * WRITE_CHUNK);
      }
      return flags;
    } catch (e) {
      throw toStoreError(STORE, `writeBatch ${group}`, e);
    }
  }

  async readBatch(group: string, recordIds: string[], nowMs: number): Promise<(OnlineRecord | undefined)[]> {
    if (recordIds.length === 0) return [];
    const prefix = this.recordPrefix(group);
    const keys = new Array<string>(recordIds.length);
    for (let i = 0; i < recordIds.length; i++) keys[i] = prefix + recordIds[i];
    try {
      const stored = await this.client.mget(keys);
      const out = new Array<OnlineRecord | undefined>(recordIds.length);
      for (let i = 0; i < recordIds.length; i++) out[i] = decodeRecord(recordIds[i]!, stored[i], nowMs);
      return out;
    } catch (e) {
      throw toStoreError(STORE, `readBatch ${group}`, e);
    }
  }

  softDelete(group: string, recordId: string, eventTimeMs: number, nowMs: number): Promise<DeleteOutcome> {
    return this.delete(group, recordId, eventTimeMs, nowMs, false);
  }

  hardDelete(group: string, recordId: string, eventTimeMs: number, nowMs: number): Promise<DeleteOutcome> {
    return this.delete(group, recordId, eventTimeMs, nowMs, true);
  }

  async listRecords(group: string, options: { maxResults: number; nextToken?: string; includeSoftDeleted: boolean }, nowMs: number): Promise<ListRecordsPage> {
    checkMaxResults(options.maxResults);
    let from = options.nextToken === undefined ? '-' : `(${decodeListToken(options.nextToken)}`;
    const index = this.indexKey(group);
    const prefix = this.recordPrefix(group);
    const include = options.includeSoftDeleted ? '1' : '0';
    const recordIds: string[] = [];
    try {
      // Dead ids (expired, soft-deleted, or already dropped by Redis) are skipped, so a page may take a few rounds.
      for (;;) {
        const want = options.maxResults - recordIds.length;
        // One id more than wanted tells whether anything follows, so the last page carries no token.
        const ids = await this.client.zrangebylex(index, from, '+', 'LIMIT', 0, want + 1);
        const checked = ids.length > want ? ids.slice(0, want) : ids;
        if (checked.length > 0) {
          const keys = checked.map((id) => prefix + id);
          const listable = (await this.scripts.plumblineOnlineListable(keys.length, keys, [nowMs, include])) as string;
          for (let i = 0; i < checked.length; i++) if (listable.charCodeAt(i) === 49) recordIds.push(checked[i]!);
        }
        if (ids.length <= want) return { recordIds };
        const last = checked[checked.length - 1]!;
        if (recordIds.length === options.maxResults) return { recordIds, nextToken: encodeListToken(last) };
        from = `(${last}`;
      }
    } catch (e) {
      throw toStoreError(STORE, `listRecords ${group}`, e);
    }
  }

  async dropGroup(group: string): Promise<void> {
    const index = this.indexKey(group);
    const prefix = this.recordPrefix(group);
    try {
      // Always from the start of the index: each round removes what it read. Runs once even when empty,
      // so the group also leaves the registry.
      for (;;) {
        const ids = await this.client.zrange(index, 0, String(SCAN_CHUNK - 1));
        await this.scripts.plumblineOnlineDrop(2 + ids.length, [this.registryKey, index, ...ids.map((id) => prefix + id)], [group, ...ids]);
        if (ids.length < SCAN_CHUNK) return;
      }
    } catch (e) {
      throw toStoreError(STORE, `dropGroup ${group}`, e);
    }
  }

  /** Redis expires keys itself at their PXAT; this removes records already expired by `nowMs` and tidies the id indexes. */
  async purgeExpired(nowMs: number): Promise<number> {
    try {
      let removed = 0;
      for (const group of await this.client.smembers(this.registryKey)) {
        const index = this.indexKey(group);
        const prefix = this.recordPrefix(group);
        let from = '-';
        for (;;) {
          const ids = await this.client.zrangebylex(index, from, '+', 'LIMIT', 0, SCAN_CHUNK);
          const keys = [this.registryKey, index, ...ids.map((id) => prefix + id)];
          removed += (await this.scripts.plumblineOnlinePurge(keys.length, keys, [nowMs, group, ...ids])) as number;
          if (ids.length < SCAN_CHUNK) break;
          from = `(${ids[ids.length - 1]!}`;
        }
      }
      return removed;
    } catch (e) {
      throw toStoreError(STORE, 'purgeExpired', e);
    }
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    if (!this.owned) return;
    try {
      await this.client.quit();
    } catch {
      this.client.disconnect();
    }
  }

  private async delete(group: string, recordId: string, eventTimeMs: number, nowMs: number, hard: boolean): Promise<DeleteOutcome> {
    checkEventTime(eventTimeMs);
    try {
      const keys = [this.indexKey(group), this.recordPrefix(group) + recordId];
      const outcome = (await this.scripts.plumblineOnlineDelete(2, keys, [nowMs, String(eventTimeMs), hard ? '1' : '0', recordId])) as number;
      return OUTCOMES[outcome]!;
    } catch (e) {
      throw toStoreError(STORE, `${hard ? 'hardDelete' : 'softDelete'} ${group}`, e);
    }
  }

  private writeChunk(target: ScriptCommands, group: string, writes: OnlineWrite[], start: number, end: number, now: number): Promise<unknown> {
    const prefix = this.recordPrefix(group);
    const keys = new Array<string>(2 + end - start);
    const args = new Array<string | number>(3 + end - start);
    keys[0] = this.registryKey;
    keys[1] = this.indexKey(group);
    args[0] = now;
    args[1] = group;
    // The script cuts record ids out of the keys (as Redis sees them, after any client-side key prefix).
    args[2] = Buffer.byteLength(this.clientKeyPrefix + prefix);
    for (let i = start, k = 2; i < end; i++, k++) {
      const w = writes[i]!;
      keys[k] = prefix + w.recordId;
      // Number-to-string is the JSON spelling of a finite number, so the header parses in Lua and in JSON.
      args[k + 1] = `[${w.eventTimeMs},${w.expiresAtMs === null ? 'null' : w.expiresAtMs},0,${JSON.stringify(w.values)}]`;
    }
    return target.plumblineOnlineWrite(keys.length, keys, args);
  }

  private recordPrefix(group: string): string {
    return `${this.keyPrefix}:fg:${group}:r:`;
  }

  private indexKey(group: string): string {
    return `${this.keyPrefix}:fg:${group}:ids`;
  }
}

function decodeRecord(recordId: string, text: string | null | undefined, now: number): OnlineRecord | undefined {
  if (text === null || text === undefined) return undefined;
  const r = JSON.parse(text) as StoredRecord;
  if (r[2] === 1 || (r[1] !== null && r[1] <= now)) return undefined;
  return { recordId, eventTimeMs: r[0], values: r[3], expiresAtMs: r[1], softDeleted: false };
}

function readFlags(reply: string, flags: Uint8Array, offset: number): void {
  for (let i = 0; i < reply.length; i++) flags[offset + i] = reply.charCodeAt(i) - 48;
}

function redactUrl(url: string): string {
  return url.replace(/\/\/[^@/]*@/, '//***@');
}
