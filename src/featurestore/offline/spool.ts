/**
 * @module featurestore/offline/spool
 * The durable buffer between single puts / delete markers and the offline store's Parquet files: a SQLite
 * file (WAL, synchronous=NORMAL) that several processes may share.
 *
 * Rows are moved out in batches. Claiming a batch pins a fixed id range of one group's rows (persisted, so a
 * retry after a crash sees exactly the same rows) and leases it to one flusher; the rows are deleted only
 * once their Parquet file is in the object store. A batch whose flusher failed or died is taken over as is.
 */
import { mkdirSync } from 'node:fs';
import { hostname } from 'node:os';
import { dirname } from 'node:path';
import { randomBytes } from 'node:crypto';
import Database from 'better-sqlite3';
import type { Clock } from '../../core/clock.js';
import type { OfflineGroup, OfflineRow } from '../model.js';

export interface SpooledRow extends OfflineRow {
  id: number;
}

export interface SpoolBatch {
  id: number;
  groupName: string;
  firstId: number;
  lastId: number;
  owner: string;
}

export interface SpoolOptions {
  clock: Clock;
  /** How long a claimed batch stays with its flusher before another may take it over. */
  leaseMs?: number;
}

const SCHEMA = `
CREATE TABLE IF NOT EXISTS spool_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS spool_groups (name TEXT PRIMARY KEY, info TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS spool_rows (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  group_name TEXT NOT NULL,
  batch_id INTEGER,
  event_ms REAL NOT NULL,
  write_ms REAL NOT NULL,
  api_ms REAL NOT NULL,
  is_deleted INTEGER NOT NULL,
  vals TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS spool_rows_by_group ON spool_rows (group_name, batch_id, id);
CREATE INDEX IF NOT EXISTS spool_rows_by_batch ON spool_rows (batch_id);
CREATE TABLE IF NOT EXISTS spool_batches (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  group_name TEXT NOT NULL,
  first_id INTEGER NOT NULL,
  last_id INTEGER NOT NULL,
  owner TEXT,
  lease_until REAL
);
`;

const HOST = hostname();

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Owners are `host:pid:nonce`; a lease held by a process of this host that no longer exists is void at once. */
function ownerIsGone(owner: string): boolean {
  const [host, pid] = owner.split(':');
  return host === HOST && Number(pid) !== process.pid && !processAlive(Number(pid));
}

export class Spool {
  /** Unique per spool file: part of every flushed file name, so a recreated spool never reuses a name. */
  readonly spoolId: string;
  private readonly db: Database.Database;
  private readonly clock: Clock;
  private readonly leaseMs: number;
  private closed = false;

  constructor(path: string, options: SpoolOptions) {
    mkdirSync(dirname(path), { recursive: true });
    this.db = new Database(path);
    this.db.pragma('busy_timeout = 10000');
    this.db.pragma('journal_mode = WAL');
    // NORMAL in WAL mode: a committed transaction survives the process being killed (not a power cut).
    this.db.pragma('synchronous = NORMAL');
    this.db.exec(SCHEMA);
    this.clock = options.clock;
    this.leaseMs = options.leaseMs ?? 5 * 60_000;
    this.db.prepare(`INSERT OR IGNORE INTO spool_meta (key, value) VALUES ('spool_id', ?)`).run(randomBytes(8).toString('hex'));
    this.spoolId = (this.db.prepare(`SELECT value FROM spool_meta WHERE key = 'spool_id'`).get() as { value: string }).value;
  }

  /** Stores rows durably; returns how many rows of the group wait for a flush (unbatched). */
  append(group: OfflineGroup, rows: OfflineRow[]): number {
    const upsertGroup = this.db.prepare(
      'INSERT INTO spool_groups (name, info) VALUES (?, ?) ON CONFLICT (name) DO UPDATE SET info = excluded.info',
    );
    const insert = this.db.prepare(
      'INSERT INTO spool_rows (group_name, event_ms, write_ms, api_ms, is_deleted, vals) VALUES (?, ?, ?, ?, ?, ?)',
    );
    return this.db
      .transaction(() => {
        upsertGroup.run(group.name, JSON.stringify(group));
        for (const r of rows) {
          insert.run(group.name, r.eventTimeMs, r.writeTimeMs, r.apiInvocationTimeMs, r.isDeleted ? 1 : 0, JSON.stringify(r.values));
        }
        return this.pendingCount(group.name);
      })
      .immediate();
  }

  /** Rows of a group not yet claimed by a batch. */
  pendingCount(groupName: string): number {
    const row = this.db.prepare('SELECT count(*) AS n FROM spool_rows WHERE group_name = ? AND batch_id IS NULL').get(groupName) as { n: number };
    return row.n;
  }

  /** Groups with rows waiting (unbatched, or in an unfinished batch). */
  groupsWithRows(): string[] {
    const rows = this.db.prepare('SELECT DISTINCT group_name AS name FROM spool_rows ORDER BY group_name').all() as { name: string }[];
    return rows.map((r) => r.name);
  }

  hasRows(groupName: string): boolean {
    return this.db.prepare('SELECT 1 FROM spool_rows WHERE group_name = ? LIMIT 1').get(groupName) !== undefined;
  }

  /** The group info stored with the latest append. */
  groupInfo(groupName: string): OfflineGroup | undefined {
    const row = this.db.prepare('SELECT info FROM spool_groups WHERE name = ?').get(groupName) as { info: string } | undefined;
    return row === undefined ? undefined : (JSON.parse(row.info) as OfflineGroup);
  }

  /**
   * Leases the next batch of a group: an unfinished batch whose lease is free, expired or held by a dead
   * process first (same rows as before), else a new one of up to `maxRows` unbatched rows.
   */
  claim(groupName: string, maxRows: number, owner = `${HOST}:${process.pid}:${randomBytes(6).toString('hex')}`): SpoolBatch | undefined {
    return this.db
      .transaction((): SpoolBatch | undefined => {
        const now = this.clock.now();
        const lease = now + this.leaseMs;
        const open = this.db
          .prepare('SELECT id, first_id, last_id, owner, lease_until FROM spool_batches WHERE group_name = ? ORDER BY id')
          .all(groupName) as { id: number; first_id: number; last_id: number; owner: string | null; lease_until: number | null }[];
        for (const b of open) {
          if (b.owner === null || (b.lease_until ?? 0) < now || ownerIsGone(b.owner)) {
            this.db.prepare('UPDATE spool_batches SET owner = ?, lease_until = ? WHERE id = ?').run(owner, lease, b.id);
            return { id: b.id, groupName, firstId: b.first_id, lastId: b.last_id, owner };
          }
        }
        const range = this.db
          .prepare(
            `SELECT min(id) AS first, max(id) AS last FROM (
               SELECT id FROM spool_rows WHERE group_name = ? AND batch_id IS NULL ORDER BY id LIMIT ?)`,
          )
          .get(groupName, maxRows) as { first: number | null; last: number | null };
        if (range.first === null || range.last === null) return undefined;
        const id = Number(
          this.db
            .prepare('INSERT INTO spool_batches (group_name, first_id, last_id, owner, lease_until) VALUES (?, ?, ?, ?, ?)')
            .run(groupName, range.first, range.last, owner, lease).lastInsertRowid,
        );
        this.db
          .prepare('UPDATE spool_rows SET batch_id = ? WHERE group_name = ? AND batch_id IS NULL AND id BETWEEN ? AND ?')
          .run(id, groupName, range.first, range.last);
        return { id, groupName, firstId: range.first, lastId: range.last, owner };
      })
      .immediate();
  }

  rows(batch: SpoolBatch): SpooledRow[] {
    const rows = this.db
      .prepare('SELECT id, event_ms, write_ms, api_ms, is_deleted, vals FROM spool_rows WHERE batch_id = ? ORDER BY id')
      .all(batch.id) as { id: number; event_ms: number; write_ms: number; api_ms: number; is_deleted: number; vals: string }[];
    return rows.map((r) => ({
      id: r.id,
      values: JSON.parse(r.vals) as Record<string, string>,
      eventTimeMs: r.event_ms,
      writeTimeMs: r.write_ms,
      apiInvocationTimeMs: r.api_ms,
      isDeleted: r.is_deleted === 1,
    }));
  }

  /** The batch's file is in the object store: forget its rows. False when the lease was lost meanwhile. */
  complete(batch: SpoolBatch): boolean {
    return this.db
      .transaction(() => {
        const held = this.db.prepare('SELECT 1 FROM spool_batches WHERE id = ? AND owner = ?').get(batch.id, batch.owner) !== undefined;
        // Whoever took the batch over writes the same object and deletes the rows itself.
        if (!held) return false;
        this.db.prepare('DELETE FROM spool_rows WHERE batch_id = ?').run(batch.id);
        this.db.prepare('DELETE FROM spool_batches WHERE id = ?').run(batch.id);
        return true;
      })
      .immediate();
  }

  /** Gives a batch back after a failure; it keeps its rows so the retry writes the same file. */
  release(batch: SpoolBatch): void {
    this.db.prepare('UPDATE spool_batches SET owner = NULL, lease_until = NULL WHERE id = ? AND owner = ?').run(batch.id, batch.owner);
  }

  /** Forgets every spooled row of a group (the group was deleted). Returns how many rows. */
  drop(groupName: string): number {
    return this.db
      .transaction(() => {
        const n = this.db.prepare('DELETE FROM spool_rows WHERE group_name = ?').run(groupName).changes;
        this.db.prepare('DELETE FROM spool_batches WHERE group_name = ?').run(groupName);
        this.db.prepare('DELETE FROM spool_groups WHERE name = ?').run(groupName);
        return n;
      })
      .immediate();
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.db.close();
  }
}
