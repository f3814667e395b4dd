/**
 * @module catalog/sqlite/sqlite-catalog
 * The default catalog: one SQLite file (or ':memory:'). WAL lets readers run beside the writer, and the
 * busy timeout makes a second process wait for the write lock instead of failing with SQLITE_BUSY, so the
 * CLI and a server can share one workspace. Every change is a single statement, hence atomic on its own.
 */
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import type { Catalog, CatalogEntry } from '../catalog.js';
import { alreadyExists, checkNow, encodeDoc, entryNotFound, toStoreError, versionConflict } from '../adapter-support.js';

const STORE = 'sqlite catalog';

export interface SqliteCatalogOptions {
  /** How long a write waits for another connection's lock. Default 5000 ms. */
  busyTimeoutMs?: number;
}

interface Row {
  kind: string;
  name: string;
  doc: string;
  created_at: number;
  updated_at: number;
  version: number;
}

const COLUMNS = 'kind, name, doc, created_at, updated_at, version';

export class SqliteCatalog implements Catalog {
  private readonly insertStmt;
  private readonly selectStmt;
  private readonly versionStmt;
  private readonly updateStmt;
  private readonly deleteStmt;
  private readonly listStmt;

  private constructor(private readonly db: Database.Database) {
    this.insertStmt = db.prepare<[string, string, string, number, number]>(
      `INSERT INTO resources (${COLUMNS}) VALUES (?, ?, ?, ?, ?, 1) ON CONFLICT (kind, name) DO NOTHING`,
    );
    this.selectStmt = db.prepare<[string, string], Row>(`SELECT ${COLUMNS} FROM resources WHERE kind = ? AND name = ?`);
    this.versionStmt = db.prepare<[string, string], { version: number }>('SELECT version FROM resources WHERE kind = ? AND name = ?');
    this.updateStmt = db.prepare<[string, number, string, string, number | null, number | null], Pick<Row, 'created_at' | 'version'>>(
      `UPDATE resources SET doc = ?, updated_at = ?, version = version + 1
       WHERE kind = ? AND name = ? AND (? IS NULL OR version = ?)
       RETURNING created_at, version`,
    );
    this.deleteStmt = db.prepare<[string, string]>('DELETE FROM resources WHERE kind = ? AND name = ?');
    this.listStmt = db.prepare<[string], Row>(`SELECT ${COLUMNS} FROM resources WHERE kind = ? ORDER BY name`);
  }

  /** Opens (and creates, with its parent folders) the catalog file at `path`, or an in-memory one for ':memory:'. */
  static async open(path: string, options: SqliteCatalogOptions = {}): Promise<SqliteCatalog> {
    let db: Database.Database | undefined;
    try {
      if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
      db = new Database(path, { timeout: options.busyTimeoutMs ?? 5000 });
      db.pragma('journal_mode = WAL');
      db.exec(`CREATE TABLE IF NOT EXISTS resources (
        kind TEXT NOT NULL,
        name TEXT NOT NULL,
        doc TEXT NOT NULL,
        created_at INTEGER NOT NULL,
        updated_at INTEGER NOT NULL,
        version INTEGER NOT NULL,
        PRIMARY KEY (kind, name)
      )`);
      return new SqliteCatalog(db);
    } catch (e) {
      db?.close();
      throw toStoreError(STORE, `open ${path}`, e);
    }
  }

  async create<T>(kind: string, name: string, doc: T, now: number): Promise<CatalogEntry<T>> {
    return this.run(`create ${kind} "${name}"`, () => {
      checkNow(now);
      const text = encodeDoc(doc);
      if (this.insertStmt.run(kind, name, text, now, now).changes === 0) throw alreadyExists(kind, name);
      return { kind, name, doc: JSON.parse(text) as T, createdAt: now, updatedAt: now, version: 1 };
    });
  }

  async get<T>(kind: string, name: string): Promise<CatalogEntry<T> | undefined> {
    return this.run(`get ${kind} "${name}"`, () => {
      const row = this.selectStmt.get(kind, name);
      return row && toEntry<T>(row);
    });
  }

  async update<T>(kind: string, name: string, doc: T, now: number, expectedVersion?: number): Promise<CatalogEntry<T>> {
    return this.run(`update ${kind} "${name}"`, () => {
      checkNow(now);
      const text = encodeDoc(doc);
      const expected = expectedVersion ?? null;
      const row = this.updateStmt.get(text, now, kind, name, expected, expected);
      if (row) return { kind, name, doc: JSON.parse(text) as T, createdAt: row.created_at, updatedAt: now, version: row.version };
      const current = this.versionStmt.get(kind, name);
      if (!current) throw entryNotFound(kind, name);
      throw versionConflict(kind, name, expectedVersion!, current.version);
    });
  }

  async delete(kind: string, name: string): Promise<boolean> {
    return this.run(`delete ${kind} "${name}"`, () => this.deleteStmt.run(kind, name).changes > 0);
  }

  async list<T>(kind: string): Promise<CatalogEntry<T>[]> {
    return this.run(`list ${kind}`, () => this.listStmt.all(kind).map((row) => toEntry<T>(row)));
  }

  async close(): Promise<void> {
    if (this.db.open) this.db.close();
  }

  private run<R>(operation: string, fn: () => R): R {
    try {
      return fn();
    } catch (e) {
      throw toStoreError(STORE, operation, e);
    }
  }
}

function toEntry<T>(row: Row): CatalogEntry<T> {
  return {
    kind: row.kind,
    name: row.name,
    doc: JSON.parse(row.doc) as T,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    version: row.version,
  };
}
