/**
 * @module catalog/postgres/postgres-catalog
 * The shared catalog for teams: table `resources` inside the configured schema, so several workspaces
 * can live in one database. Duplicates are detected by `INSERT ... ON CONFLICT DO NOTHING` and optimistic
 * updates by `UPDATE ... WHERE version = $n`, each one statement, so no explicit transactions are needed.
 */
import pg from 'pg';
import type { Catalog, CatalogEntry } from '../catalog.js';
import { alreadyExists, checkNow, encodeDoc, entryNotFound, toStoreError, versionConflict } from '../adapter-support.js';

const STORE = 'postgres catalog';

export interface PostgresCatalogOptions {
  url: string;
  schema: string;
  /** Default 10. */
  poolSize?: number;
  /** How long to wait for a connection before failing. Default 10000 ms. */
  connectTimeoutMs?: number;
}

interface Row {
  kind: string;
  name: string;
  doc: string;
  created_at: string;
  updated_at: string;
  version: number;
}

const COLUMNS = 'kind, name, doc, created_at, updated_at, version';

export class PostgresCatalog implements Catalog {
  private readonly table: string;
  private closed = false;

  private constructor(
    private readonly pool: pg.Pool,
    schema: string,
  ) {
    this.table = `${quoteIdent(schema)}.resources`;
  }

  /** Connects and creates the schema and table when missing. */
  static async open(options: PostgresCatalogOptions): Promise<PostgresCatalog> {
    const pool = new pg.Pool({
      connectionString: options.url,
      max: options.poolSize ?? 10,
      connectionTimeoutMillis: options.connectTimeoutMs ?? 10_000,
    });
    // A dropped idle connection is replaced on the next query, which then reports its own error; without a
    // listener the pool's 'error' event would crash the process.
    pool.on('error', () => {});
    try {
      await ensureTable(pool, options.schema);
    } catch (e) {
      await pool.end().catch(() => {});
      throw toStoreError(STORE, `open ${describeUrl(options.url)} schema "${options.schema}"`, e);
    }
    return new PostgresCatalog(pool, options.schema);
  }

  async create<T>(kind: string, name: string, doc: T, now: number): Promise<CatalogEntry<T>> {
    return this.run(`create ${kind} "${name}"`, async () => {
      checkNow(now);
      const text = encodeDoc(doc);
      const result = await this.pool.query(
        `INSERT INTO ${this.table} (${COLUMNS}) VALUES ($1, $2, $3, $4, $4, 1) ON CONFLICT (kind, name) DO NOTHING`,
        [kind, name, text, now],
      );
      if (result.rowCount === 0) throw alreadyExists(kind, name);
      return { kind, name, doc: JSON.parse(text) as T, createdAt: now, updatedAt: now, version: 1 };
    });
  }

  async get<T>(kind: string, name: string): Promise<CatalogEntry<T> | undefined> {
    return this.run(`get ${kind} "${name}"`, async () => {
      const result = await this.pool.query<Row>(`SELECT ${COLUMNS} FROM ${this.table} WHERE kind = $1 AND name = $2`, [kind, name]);
      return result.rows[0] && toEntry<T>(result.rows[0]);
    });
  }

  async update<T>(kind: string, name: string, doc: T, now: number, expectedVersion?: number): Promise<CatalogEntry<T>> {
    return this.run(`update ${kind} "${name}"`, async () => {
      checkNow(now);
      const text = encodeDoc(doc);
      const result = await this.pool.query<Pick<Row, 'created_at' | 'version'>>(
        `UPDATE ${this.table} SET doc = $3, updated_at = $4, version = version + 1
         WHERE kind = $1 AND name = $2 AND ($5::integer IS NULL OR version = $5)
         RETURNING created_at, version`,
        [kind, name, text, now, expectedVersion ?? null],
      );
      const row = result.rows[0];
      if (row) return { kind, name, doc: JSON.parse(text) as T, createdAt: Number(row.created_at), updatedAt: now, version: row.version };
      const current = await this.pool.query<{ version: number }>(`SELECT version FROM ${this.table} WHERE kind = $1 AND name = $2`, [kind, name]);
      if (current.rows.length === 0) throw entryNotFound(kind, name);
      throw versionConflict(kind, name, expectedVersion!, current.rows[0]!.version);
    });
  }

  async delete(kind: string, name: string): Promise<boolean> {
    return this.run(`delete ${kind} "${name}"`, async () => {
      const result = await this.pool.query(`DELETE FROM ${this.table} WHERE kind = $1 AND name = $2`, [kind, name]);
      return (result.rowCount ?? 0) > 0;
    });
  }

  async list<T>(kind: string): Promise<CatalogEntry<T>[]> {
    return this.run(`list ${kind}`, async () => {
      const result = await this.pool.query<Row>(`SELECT ${COLUMNS} FROM ${this.table} WHERE kind = $1 ORDER BY name`, [kind]);
      return result.rows.map((row) => toEntry<T>(row));
    });
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.pool.end();
  }

  private async run<R>(operation: string, fn: () => Promise<R>): Promise<R> {
    try {
      return await fn();
    } catch (e) {
      throw toStoreError(STORE, operation, e);
    }
  }
}

async function ensureTable(pool: pg.Pool, schema: string): Promise<void> {
  const table = `${quoteIdent(schema)}.resources`;
  // Checking first lets a role with only DML rights open a catalog whose table an administrator created.
  const existing = await pool.query<{ t: string | null }>('SELECT to_regclass($1) AS t', [table]);
  if (existing.rows[0]?.t) return;
  const client = await pool.connect();
  let failure: unknown;
  try {
    await client.query('BEGIN');
    // Concurrent CREATE ... IF NOT EXISTS can still fail with a unique violation in the system catalogs,
    // so processes opening a fresh schema at the same time take turns.
    await client.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`plumbline.catalog:${schema}`]);
    await client.query(`CREATE SCHEMA IF NOT EXISTS ${quoteIdent(schema)}`);
    // TEXT rather than JSONB: the document comes back exactly as written (key order, duplicate keys, \u0000).
    // COLLATE "C": names sort by code point whatever the database locale, like SQLite, and the key serves ORDER BY.
    await client.query(`CREATE TABLE IF NOT EXISTS ${table} (
      kind TEXT COLLATE "C" NOT NULL,
      name TEXT COLLATE "C" NOT NULL,
      doc TEXT NOT NULL,
      created_at BIGINT NOT NULL,
      updated_at BIGINT NOT NULL,
      version INTEGER NOT NULL,
      PRIMARY KEY (kind, name)
    )`);
    await client.query('COMMIT');
  } catch (e) {
    failure = e;
    await client.query('ROLLBACK').catch(() => {});
    throw e;
  } finally {
    client.release(failure instanceof Error ? failure : undefined);
  }
}

function quoteIdent(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

/** The URL without credentials or parameters, for error messages. */
function describeUrl(url: string): string {
  try {
    const u = new URL(url);
    return `${u.protocol}//${u.host}${u.pathname}`;
  } catch {
    return 'postgres (unparsable URL)';
  }
}

function toEntry<T>(row: Row): CatalogEntry<T> {
  return {
    kind: row.kind,
    name: row.name,
    doc: JSON.parse(row.doc) as T,
    // BIGINT arrives as a string; epoch milliseconds are far below 2^53.
    createdAt: Number(row.created_at),
    updatedAt: Number(row.updated_at),
    version: row.version,
  };
}
