/**
 * @module featurestore/online/online-store
 * The online-store port: the latest record per record id, by event time. Adapters: sqlite/ (embedded
 * default, WAL) and redis/; both pass `online-store.contract.ts`. Orchestration (validation, offline
 * writes, TTL computation) lives in the feature store's use cases, not here.
 *
 * Rules every adapter keeps:
 * - A write applies when there is no live record for the id, or its event time is >= the stored one
 *   (a soft-deleted record keeps its delete's event time for this comparison; an expired record counts as absent).
 * - A read never returns an expired record (expiresAtMs <= now) nor a soft-deleted one.
 * - A delete applies only when its event time is strictly later than the stored record's.
 */
import type { DeleteOutcome, OnlineRecord, OnlineWrite } from '../model.js';

export interface OnlineStoreCapabilities {
  /** How expiry happens: `native` (the engine drops keys itself) or `lazy` (filtered on read, purged by `purgeExpired`). */
  readonly ttl: 'native' | 'lazy';
}

export interface ListRecordsPage {
  recordIds: string[];
  nextToken?: string;
}

export interface OnlineStore {
  readonly capabilities: OnlineStoreCapabilities;
  /** Applies writes in order; returns one flag per write: 1 = applied, 0 = stale (older than the stored record). */
  writeBatch(group: string, writes: OnlineWrite[], nowMs: number): Promise<Uint8Array>;
  /** Reads records aligned with `recordIds`; undefined where absent, expired or soft-deleted. */
  readBatch(group: string, recordIds: string[], nowMs: number): Promise<(OnlineRecord | undefined)[]>;
  softDelete(group: string, recordId: string, eventTimeMs: number, nowMs: number): Promise<DeleteOutcome>;
  hardDelete(group: string, recordId: string, eventTimeMs: number, nowMs: number): Promise<DeleteOutcome>;
  /** Record ids in the store (sorted where the engine allows), paginated. */
  listRecords(group: string, options: { maxResults: number; nextToken?: string; includeSoftDeleted: boolean }, nowMs: number): Promise<ListRecordsPage>;
  /** Removes every record of a group. */
  dropGroup(group: string): Promise<void>;
  /** Physically removes expired records; returns how many. */
  purgeExpired(nowMs: number): Promise<number>;
  close(): Promise<void>;
}
