/**
 * @module featurestore/offline/offline-store
 * The offline store: SMFS-layout Parquet files in the object store, a durable SQLite spool in front of them
 * for single puts and delete markers, a bulk path for ingest, and DuckDB over it all for user SQL (guarded),
 * exports and trusted sessions. One in-memory DuckDB instance per store, hardened at start: external access
 * off, file access limited to the object store's folder(s) and `tempDir`, configuration locked.
 */
import { mkdir, rm } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import type { Clock } from '../../core/clock.js';
import type { ColumnTable } from '../../core/columns.js';
import { invalid, isPlatformError, PlatformError } from '../../core/errors.js';
import { checkKey, type ObjectInfo, type ObjectStore } from '../../storage/object-store.js';
import type { OfflineGroup, OfflineRow } from '../model.js';
import { insertTable, quoteLiteral, runToTable } from '../../table/duckdb-columns.js';
import { guardQuery } from './guard.js';
import { deterministicSuffix, randomSuffix } from './layout.js';
import type { OfflineSession, QueryResult } from './offline-session.js';
import { Spool } from './spool.js';
import { listDataFiles, registerViews, type FileSchemaCache } from './views.js';
import { writeFeatureColumns, writeSpooledRows, type ColumnsMeta, type WriteTarget } from './writer.js';

export interface OfflineStoreOptions {
  objectStore: ObjectStore;
  /** The SQLite spool file (shared by every process of the workspace). */
  spoolPath: string;
  clock: Clock;
  /** Spooled rows of one group that trigger a flush of that group. Default 10,000. */
  flushRows?: number;
  /** Period of the background flush; 0 disables it. Default 5,000 ms. */
  flushIntervalMs?: number;
  /** Local scratch folder for Parquet files before upload and for exports. */
  tempDir: string;
  /**
   * More folders DuckDB may read, e.g. the download cache of a remote object store. A local (file://)
   * object store's root and `tempDir` are always allowed.
   */
  readableDirs?: string[];
  /** Receives errors of background flushes (the rows stay spooled and are retried). */
  onError?: (error: unknown) => void;
}

export type ExportFormat = 'csv' | 'parquet' | 'jsonl';

export interface ExportOptions {
  format: ExportFormat;
  /** CSV only; default true. */
  header?: boolean;
  /** Object key of the export. */
  key: string;
}

/** Rows per spool batch, i.e. the most rows one flushed file set holds. */
const MAX_BATCH_ROWS = 100_000;

/** DuckDB's message, first line only (later lines are hints and candidate lists). */
function firstLine(e: unknown): string {
  return (e instanceof Error ? e.message : String(e)).split('\n')[0]!;
}

/** Maps an engine error to QUERY_FAILED, or QUERY_REJECTED for what the sandbox refused. */
function queryError(e: unknown): unknown {
  if (isPlatformError(e)) return e;
  const message = firstLine(e);
  const code = /^Permission Error/.test(message) ? 'QUERY_REJECTED' : 'QUERY_FAILED';
  return new PlatformError(code, message, { cause: e });
}

export class OfflineStore {
  private readonly objectStore: ObjectStore;
  private readonly spool: Spool;
  private readonly tempDir: string;
  private readonly readableDirs: string[];
  private readonly flushRows: number;
  private readonly onError: (error: unknown) => void;
  private readonly schemaCache: FileSchemaCache = new Map();
  /** Flushes running in this process per group: later flushes (and queries) wait for them. */
  private readonly inflight = new Map<string, Promise<number>>();
  private instance?: Promise<DuckDBInstance>;
  private timer?: NodeJS.Timeout;
  private timerBusy = false;
  private closed = false;

  constructor(options: OfflineStoreOptions) {
    this.objectStore = options.objectStore;
    this.tempDir = resolve(options.tempDir);
    this.flushRows = options.flushRows ?? 10_000;
    if (!Number.isInteger(this.flushRows) || this.flushRows < 1) throw invalid('flushRows', options.flushRows, 'an integer >= 1');
    const interval = options.flushIntervalMs ?? 5_000;
    if (!Number.isFinite(interval) || interval < 0) throw invalid('flushIntervalMs', options.flushIntervalMs, 'a number of milliseconds >= 0');
    this.onError = options.onError ?? (() => undefined);
    const root = this.objectStore.capabilities.localFiles && this.objectStore.rootUri.startsWith('file:') ? [fileURLToPath(this.objectStore.rootUri)] : [];
    this.readableDirs = [...root, ...(options.readableDirs ?? [])].map((d) => resolve(d));
    this.spool = new Spool(options.spoolPath, { clock: options.clock });
    if (interval > 0) {
      this.timer = setInterval(() => this.backgroundFlush(), interval);
      this.timer.unref();
    }
  }

  /** Spools rows durably; flushes the group once `flushRows` rows wait. */
  async append(group: OfflineGroup, rows: OfflineRow[]): Promise<void> {
    this.assertOpen();
    if (rows.length === 0) return;
    const pending = this.spool.append(group, rows);
    // A flush running for the group keeps claiming until the spool is empty, so it normally takes these rows
    // too (else the timer or the next trigger does); chaining another flush would only add small files.
    if (pending >= this.flushRows && !this.inflight.has(group.name)) {
      // The rows are committed: a failed flush is reported and retried, not the put's failure.
      await this.flush([group.name]).catch((e: unknown) => this.onError(e));
    }
  }

  /** Moves spooled rows of the groups (default: all) into Parquet. Returns the rows flushed. */
  async flush(groupNames?: string[]): Promise<number> {
    this.assertOpen();
    let total = 0;
    for (const name of groupNames ?? this.spool.groupsWithRows()) total += await this.flushGroup(name);
    return total;
  }

  /** Writes validated feature columns straight to Parquet (bulk ingest). Returns the object keys written. */
  async writeColumns(group: OfflineGroup, table: ColumnTable, meta: ColumnsMeta): Promise<string[]> {
    this.assertOpen();
    return this.withConnection((conn) => writeFeatureColumns(this.target(conn, group), table, meta));
  }

  /** Runs user SQL (one guarded SELECT) over the groups' tables. */
  async query(sql: string, groups: OfflineGroup[]): Promise<QueryResult> {
    this.assertOpen();
    return this.withConnection(async (conn) => {
      const safe = await guardQuery(conn, sql, groups);
      await this.prepareViews(conn, groups);
      try {
        return await runToTable(conn, safe);
      } catch (e) {
        throw queryError(e);
      }
    });
  }

  /** Runs user SQL (guarded like `query`) and stores the result as an object. */
  async exportQuery(sql: string, groups: OfflineGroup[], options: ExportOptions): Promise<{ key: string; uri: string; rows: number }> {
    this.assertOpen();
    const formats: Record<ExportFormat, string> = {
      csv: `FORMAT csv, HEADER ${options.header === false ? 'false' : 'true'}`,
      parquet: 'FORMAT parquet',
      jsonl: 'FORMAT json',
    };
    if (!Object.hasOwn(formats, options.format)) throw invalid('format', options.format, 'one of csv, parquet, jsonl');
    try {
      checkKey(options.key);
    } catch {
      throw invalid('key', options.key, 'a relative object key without "..", "." or "\\" parts');
    }
    const file = join(this.tempDir, `export-${randomSuffix()}.${options.format}`);
    await mkdir(this.tempDir, { recursive: true });
    try {
      const rows = await this.withConnection(async (conn) => {
        const safe = (await guardQuery(conn, sql, groups)).replace(/[\s;]+$/, '');
        await this.prepareViews(conn, groups);
        try {
          // The newlines keep a trailing `--` comment of the query from swallowing the closing parenthesis.
          const result = await conn.runAndReadAll(`COPY (\n${safe}\n) TO ${quoteLiteral(file)} (${formats[options.format]})`);
          return Number(result.getRows()[0]?.[0] ?? 0);
        } catch (e) {
          throw queryError(e);
        }
      });
      await this.objectStore.putFile(options.key, file);
      return { key: options.key, uri: this.objectStore.uriOf(options.key), rows };
    } finally {
      await rm(file, { force: true });
    }
  }

  /** A trusted session (no guard) with the groups' views registered; the connection lives for `fn` only. */
  async session<T>(groups: OfflineGroup[], fn: (s: OfflineSession) => Promise<T>): Promise<T> {
    this.assertOpen();
    return this.withConnection(async (conn) => {
      await this.prepareViews(conn, groups);
      const session: OfflineSession = {
        connection: conn,
        registerTable: (name, table) => insertTable(conn, name, table, { temporary: true }),
        run: async (sql) => {
          try {
            return await runToTable(conn, sql);
          } catch (e) {
            throw queryError(e);
          }
        },
      };
      return fn(session);
    });
  }

  /** The group's Parquet objects. */
  async listFiles(group: OfflineGroup): Promise<ObjectInfo[]> {
    return listDataFiles(this.objectStore, group);
  }

  /** Forgets the spooled rows of a deleted group. Returns how many rows were dropped. */
  async dropSpool(groupName: string): Promise<number> {
    this.assertOpen();
    await this.inflight.get(groupName)?.catch(() => undefined);
    return this.spool.drop(groupName);
  }

  /** Flushes everything, then stops the timer and closes DuckDB and the spool. */
  async close(): Promise<void> {
    if (this.closed) return;
    if (this.timer !== undefined) clearInterval(this.timer);
    try {
      await this.flush();
    } finally {
      this.closed = true;
      await Promise.allSettled([...this.inflight.values()]);
      if (this.instance !== undefined) {
        const db = await this.instance.catch(() => undefined);
        db?.closeSync();
      }
      this.spool.close();
    }
  }

  // --- internals ------------------------------------------------------------------------------------------------

  private assertOpen(): void {
    if (this.closed) throw new PlatformError('INTERNAL', 'the offline store is closed');
  }

  private target(conn: DuckDBConnection, group: OfflineGroup): WriteTarget {
    return { conn, objectStore: this.objectStore, tempDir: this.tempDir, group };
  }

  private backgroundFlush(): void {
    if (this.timerBusy || this.closed) return;
    this.timerBusy = true;
    this.flush()
      .catch((e: unknown) => this.onError(e))
      .finally(() => {
        this.timerBusy = false;
      });
  }

  /** Spooled rows first (so a put is queryable at once), then the views. */
  private async prepareViews(conn: DuckDBConnection, groups: OfflineGroup[]): Promise<void> {
    await this.flush(groups.map((g) => g.name));
    try {
      await registerViews(conn, this.objectStore, groups, this.schemaCache);
    } catch (e) {
      throw queryError(e);
    }
  }

  /** One flush per group at a time in this process; other processes are kept apart by the spool's leases. */
  private flushGroup(name: string): Promise<number> {
    const before = this.inflight.get(name);
    const run = (async () => {
      await before?.catch(() => undefined);
      return this.drainGroup(name);
    })();
    this.inflight.set(name, run);
    const clear = (): void => {
      if (this.inflight.get(name) === run) this.inflight.delete(name);
    };
    run.then(clear, clear);
    return run;
  }

  private async drainGroup(name: string): Promise<number> {
    if (!this.spool.hasRows(name)) return 0;
    const group = this.spool.groupInfo(name);
    if (group === undefined) return 0;
    let total = 0;
    for (;;) {
      const batch = this.spool.claim(name, MAX_BATCH_ROWS);
      if (batch === undefined) return total;
      try {
        const rows = this.spool.rows(batch);
        // Same rows, same name: a flush retried after an upload whose rows were not yet deleted rewrites the object.
        const suffix = deterministicSuffix(this.spool.spoolId, name, batch.firstId, batch.lastId);
        await this.withConnection((conn) => writeSpooledRows(this.target(conn, group), rows, suffix));
        if (this.spool.complete(batch)) total += rows.length;
      } catch (e) {
        this.spool.release(batch);
        throw e;
      }
    }
  }

  private async withConnection<T>(fn: (conn: DuckDBConnection) => Promise<T>): Promise<T> {
    const db = await this.duckdb();
    const conn = await db.connect();
    try {
      return await fn(conn);
    } finally {
      conn.closeSync();
    }
  }

  private duckdb(): Promise<DuckDBInstance> {
    this.instance ??= this.openDuckDB();
    return this.instance;
  }

  private async openDuckDB(): Promise<DuckDBInstance> {
    await mkdir(this.tempDir, { recursive: true });
    const db = await DuckDBInstance.create(':memory:');
    const conn = await db.connect();
    try {
      const allowed = [...this.readableDirs, this.tempDir].map(quoteLiteral).join(', ');
      await conn.run(`SET temp_directory = ${quoteLiteral(join(this.tempDir, 'duckdb-spill'))}`);
      await conn.run('SET autoinstall_known_extensions = false');
      await conn.run('SET autoload_known_extensions = false');
      // Parquet files are immutable once written: keep their footers between queries.
      await conn.run('SET parquet_metadata_cache = true');
      await conn.run(`SET allowed_directories = [${allowed}]`);
      await conn.run('SET enable_external_access = false');
      await conn.run('SET lock_configuration = true');
    } catch (e) {
      conn.closeSync();
      db.closeSync();
      throw e;
    }
    conn.closeSync();
    return db;
  }
}
