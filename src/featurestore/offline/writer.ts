/**
 * @module featurestore/offline/writer
 * Staged rows to hour-partitioned Parquet objects. Rows sit in a DuckDB table; one `COPY ... PARTITION_BY`
 * writes every hour's file into a local temporary folder, and each file is uploaded with `putFile` (atomic)
 * under the SMFS layout. Two entry points build the staging table: `writeSpooledRows` (strings from the
 * spool, converted by SQL) and `writeFeatureColumns` (already typed columns from bulk ingest).
 */
import { mkdir, readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { DuckDBConnection } from '@duckdb/node-api';
import type { Column, ColumnTable } from '../../core/columns.js';
import { ValidationError } from '../../core/errors.js';
import type { ObjectStore } from '../../storage/object-store.js';
import type { OfflineGroup } from '../model.js';
import { insertTable, quoteIdent, quoteLiteral } from '../../table/duckdb-columns.js';
import { HOUR_MS, objectKey, randomSuffix, sqlTypeOf } from './layout.js';
import type { SpooledRow } from './spool.js';

export interface WriteTarget {
  conn: DuckDBConnection;
  objectStore: ObjectStore;
  tempDir: string;
  group: OfflineGroup;
}

const UPLOAD_CONCURRENCY = 8;
let stagingCounter = 0;

/**
 * Writes the staged relation `source` as one Parquet object per event-time hour. `select` yields the offline
 * schema in order; `eventMs` is the SQL expression of each row's event time in epoch ms. `suffix(hour)` names
 * the files. Returns the keys written.
 */
async function writePartitioned(
  target: WriteTarget,
  source: string,
  select: string[],
  eventMs: string,
  suffix: (hour: number) => string,
): Promise<string[]> {
  const { conn, objectStore, tempDir, group } = target;
  const hourExpr = `CAST(floor(${eventMs} / ${HOUR_MS}) AS BIGINT)`;
  const stats = await conn.runAndReadAll(`SELECT ${hourExpr} AS h, max(${eventMs})::DOUBLE AS latest FROM ${source} GROUP BY 1 ORDER BY 1`);
  const latest = new Map<number, number>();
  for (const [h, l] of stats.getRows()) latest.set(Number(h), Number(l));
  if (latest.size === 0) return [];

  const dir = join(tempDir, `write-${randomSuffix()}`);
  await mkdir(dir, { recursive: true });
  try {
    const files = new Map<number, string>();
    if (latest.size === 1) {
      const [hour] = latest.keys() as IterableIterator<number>;
      const file = join(dir, 'part.parquet');
      await conn.run(`COPY (SELECT ${select.join(', ')} FROM ${source}) TO ${quoteLiteral(file)} (FORMAT parquet)`);
      files.set(hour, file);
    } else {
      // Sorting by hour keeps each partition in (almost always) one file; the rare split is merged below.
      await conn.run(
        `COPY (SELECT ${select.join(', ')}, ${hourExpr} AS __hour FROM ${source} ORDER BY __hour) ` +
          `TO ${quoteLiteral(dir)} (FORMAT parquet, PARTITION_BY (__hour))`,
      );
      for (const entry of await readdir(dir)) {
        const m = /^__hour=(-?\d+)$/.exec(entry);
        if (!m) continue;
        const hour = Number(m[1]);
        const partDir = join(dir, entry);
        const parts = (await readdir(partDir)).filter((f) => f.endsWith('.parquet')).map((f) => join(partDir, f));
        if (parts.length === 1) {
          files.set(hour, parts[0]!);
        } else if (parts.length > 1) {
          const merged = join(partDir, 'merged.parquet.tmp');
          const list = parts.map(quoteLiteral).join(', ');
          await conn.run(`COPY (SELECT * FROM read_parquet([${list}], hive_partitioning = false)) TO ${quoteLiteral(merged)} (FORMAT parquet)`);
          files.set(hour, merged);
        }
      }
    }
    const uploads = [...files].map(([hour, file]) => ({ file, key: objectKey(group.dataPrefix, hour, latest.get(hour)!, suffix(hour)) }));
    for (let i = 0; i < uploads.length; i += UPLOAD_CONCURRENCY) {
      await Promise.all(uploads.slice(i, i + UPLOAD_CONCURRENCY).map((u) => objectStore.putFile(u.key, u.file)));
    }
    return uploads.map((u) => u.key);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

const timestampFromMs = (ms: string): string => `epoch_ms(CAST(${ms} AS BIGINT))`;

/**
 * Writes spooled rows (values as SMFS strings). Conversion is a safety net: the facade validated values
 * before spooling, and anything that still does not convert becomes null instead of failing the batch.
 */
export async function writeSpooledRows(target: WriteTarget, rows: SpooledRow[], suffix: string): Promise<string[]> {
  if (rows.length === 0) return [];
  const defs = target.group.definitions;
  const n = rows.length;
  const columns: Column[] = defs.map((d) => ({ name: d.FeatureName, type: 'string', values: rows.map((r) => r.values[d.FeatureName] ?? null) }));
  const event = new Float64Array(n);
  const write = new Float64Array(n);
  const api = new Float64Array(n);
  const deleted = new Uint8Array(n);
  rows.forEach((r, i) => {
    event[i] = r.eventTimeMs;
    write[i] = r.writeTimeMs;
    api[i] = r.apiInvocationTimeMs;
    deleted[i] = r.isDeleted ? 1 : 0;
  });
  columns.push(
    { name: '__event_ms', type: 'float', values: event },
    { name: '__write_ms', type: 'float', values: write },
    { name: '__api_ms', type: 'float', values: api },
    { name: '__is_deleted', type: 'bool', values: deleted, valid: new Uint8Array(n).fill(1) },
  );
  const staging = `__offline_spool_${++stagingCounter}`;
  await insertTable(target.conn, staging, { length: n, columns }, { temporary: true });
  try {
    const select = defs.map((d) => {
      const col = quoteIdent(d.FeatureName);
      if (d.FeatureType === 'Integral') {
        // TRY_CAST alone would round '1.5' to 2; only whole decimal numbers are integers.
        return `CASE WHEN regexp_full_match(${col}, '\\s*[+-]?[0-9]+\\s*') THEN TRY_CAST(${col} AS BIGINT) END AS ${col}`;
      }
      if (d.FeatureType === 'Fractional') return `TRY_CAST(${col} AS DOUBLE) AS ${col}`;
      return col;
    });
    select.push(
      `${timestampFromMs('__write_ms')} AS write_time`,
      `${timestampFromMs('__api_ms')} AS api_invocation_time`,
      '__is_deleted AS is_deleted',
    );
    return await writePartitioned(target, `temp.main.${quoteIdent(staging)}`, select, '__event_ms', () => suffix);
  } finally {
    await target.conn.run(`DROP TABLE IF EXISTS temp.main.${quoteIdent(staging)}`).catch(() => undefined);
  }
}

const NATURAL_SQL_TYPE: Record<Column['type'], string> = { int: 'BIGINT', float: 'DOUBLE', bool: 'BOOLEAN', timestamp: 'TIMESTAMP', string: 'VARCHAR' };

export interface ColumnsMeta {
  eventTimeMs: Float64Array;
  writeTimeMs: number;
  apiInvocationTimeMs: number;
}

/**
 * Writes validated feature columns (named as the definitions; missing definitions are all null) with
 * `is_deleted = false`. Integral columns may be `int` or `string` (exact decimals beyond 2^53).
 */
export async function writeFeatureColumns(target: WriteTarget, table: ColumnTable, meta: ColumnsMeta): Promise<string[]> {
  const n = table.length;
  if (n === 0) return [];
  if (meta.eventTimeMs.length < n) {
    throw new ValidationError([{ path: 'meta.eventTimeMs', message: `got ${meta.eventTimeMs.length} event times, expected ${n} (one per row)` }]);
  }
  for (let i = 0; i < n; i++) {
    if (!Number.isFinite(meta.eventTimeMs[i]!)) {
      throw new ValidationError([{ path: `meta.eventTimeMs[${i}]`, message: `got ${meta.eventTimeMs[i]}, expected an epoch-millisecond time` }]);
    }
  }
  for (const [field, v] of [['writeTimeMs', meta.writeTimeMs], ['apiInvocationTimeMs', meta.apiInvocationTimeMs]] as const) {
    if (!Number.isFinite(v)) throw new ValidationError([{ path: `meta.${field}`, message: `got ${v}, expected an epoch-millisecond time` }]);
  }
  const byName = new Map(table.columns.map((c) => [c.name, c]));
  const defs = target.group.definitions;
  const known = new Set(defs.map((d) => d.FeatureName));
  const unknown = table.columns.filter((c) => !known.has(c.name)).map((c) => c.name);
  if (unknown.length > 0) {
    throw new ValidationError([{ path: 'table.columns', message: `${unknown.join(', ')} ${unknown.length === 1 ? 'is not a feature' : 'are not features'} of feature group "${target.group.name}"` }]);
  }
  const present = defs.map((d) => byName.get(d.FeatureName)).filter((c): c is Column => c !== undefined);
  const staged: ColumnTable = {
    length: n,
    columns: [...present, { name: '__event_ms', type: 'float', values: n === meta.eventTimeMs.length ? meta.eventTimeMs : meta.eventTimeMs.subarray(0, n) }],
  };
  const staging = `__offline_ingest_${++stagingCounter}`;
  await insertTable(target.conn, staging, staged, { temporary: true });
  try {
    const select = defs.map((d) => {
      const col = quoteIdent(d.FeatureName);
      const want = sqlTypeOf(d.FeatureType);
      const c = byName.get(d.FeatureName);
      if (c === undefined) return `CAST(NULL AS ${want}) AS ${col}`;
      return NATURAL_SQL_TYPE[c.type] === want ? col : `TRY_CAST(${col} AS ${want}) AS ${col}`;
    });
    select.push(
      `${timestampFromMs(String(Math.round(meta.writeTimeMs)))} AS write_time`,
      `${timestampFromMs(String(Math.round(meta.apiInvocationTimeMs)))} AS api_invocation_time`,
      'false AS is_deleted',
    );
    return await writePartitioned(target, `temp.main.${quoteIdent(staging)}`, select, '__event_ms', () => randomSuffix());
  } finally {
    await target.conn.run(`DROP TABLE IF EXISTS temp.main.${quoteIdent(staging)}`).catch(() => undefined);
  }
}
