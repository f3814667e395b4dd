/**
 * @module featurestore/offline/views
 * Feature groups as SQL: each group becomes a TEMP view (one per table name) over its Parquet files with the
 * group's current offline schema. Views are per connection, so concurrent calls never see each other's.
 */
import type { DuckDBConnection } from '@duckdb/node-api';
import { ValidationError } from '../../core/errors.js';
import type { ObjectInfo, ObjectStore } from '../../storage/object-store.js';
import type { OfflineGroup } from '../model.js';
import { quoteIdent, quoteLiteral } from '../../table/duckdb-columns.js';
import { dataListPrefix, isDataFile, offlineSchema } from './layout.js';

/** Column names per Parquet file, keyed by object key + size + mtime (files are immutable once written). */
export type FileSchemaCache = Map<string, Set<string>>;

const CACHE_LIMIT = 100_000;

export async function listDataFiles(objectStore: ObjectStore, group: OfflineGroup): Promise<ObjectInfo[]> {
  return (await objectStore.list(dataListPrefix(group))).filter((o) => isDataFile(o.key));
}

/** The view body for one group. Columns no file has yet (added by a later definition) read as typed NULLs. */
async function viewSql(conn: DuckDBConnection, objectStore: ObjectStore, group: OfflineGroup, cache: FileSchemaCache): Promise<string> {
  const schema = offlineSchema(group);
  const files = await listDataFiles(objectStore, group);
  if (files.length === 0) {
    return `SELECT ${schema.map((c) => `CAST(NULL AS ${c.sqlType}) AS ${quoteIdent(c.name)}`).join(', ')} WHERE false`;
  }
  const paths = await Promise.all(files.map((f) => objectStore.localPath(f.key)));
  const cacheKeys = files.map((f) => `${f.key}\u0000${f.size}\u0000${f.lastModified}`);
  const unknown = paths.filter((_, i) => !cache.has(cacheKeys[i]!));
  if (unknown.length > 0) {
    const found = new Map<string, Set<string>>(unknown.map((p) => [p, new Set()]));
    const reader = await conn.runAndReadAll(`SELECT file_name, name FROM parquet_schema([${unknown.map(quoteLiteral).join(', ')}])`);
    for (const [file, name] of reader.getRows()) found.get(String(file))?.add(String(name));
    if (cache.size > CACHE_LIMIT) cache.clear();
    paths.forEach((p, i) => {
      const cols = found.get(p);
      if (cols !== undefined) cache.set(cacheKeys[i]!, cols);
    });
  }
  const present = new Set<string>();
  for (const k of cacheKeys) for (const c of cache.get(k) ?? []) present.add(c);
  const select = schema.map((c) =>
    present.has(c.name)
      ? `CAST(${quoteIdent(c.name)} AS ${c.sqlType}) AS ${quoteIdent(c.name)}`
      : `CAST(NULL AS ${c.sqlType}) AS ${quoteIdent(c.name)}`,
  );
  return (
    `SELECT ${select.join(', ')} FROM read_parquet([${paths.map(quoteLiteral).join(', ')}], ` +
    'union_by_name = true, hive_partitioning = false)'
  );
}

/** Table name (lower case, as DuckDB compares identifiers) -> group, refusing a name two groups claim. */
export function tablesOf(groups: OfflineGroup[]): Map<string, OfflineGroup> {
  const tables = new Map<string, OfflineGroup>();
  for (const g of groups) {
    for (const name of g.tableNames.length > 0 ? g.tableNames : [g.name]) {
      const key = name.toLowerCase();
      const other = tables.get(key);
      if (other !== undefined && other.name !== g.name) {
        throw new ValidationError([{ path: 'groups', message: `table name "${name}" is claimed by feature groups "${other.name}" and "${g.name}"` }]);
      }
      tables.set(key, g);
    }
  }
  return tables;
}

/** Creates the TEMP views of every group on the connection. */
export async function registerViews(conn: DuckDBConnection, objectStore: ObjectStore, groups: OfflineGroup[], cache: FileSchemaCache): Promise<void> {
  tablesOf(groups);
  for (const g of groups) {
    const body = await viewSql(conn, objectStore, g, cache);
    const names = [...new Map((g.tableNames.length > 0 ? g.tableNames : [g.name]).map((n) => [n.toLowerCase(), n])).values()];
    await conn.run(`CREATE OR REPLACE TEMP VIEW ${quoteIdent(names[0]!)} AS ${body}`);
    // Further names alias the first view, so the files are bound once.
    for (const name of names.slice(1)) await conn.run(`CREATE OR REPLACE TEMP VIEW ${quoteIdent(name)} AS SELECT * FROM ${quoteIdent(names[0]!)}`);
  }
}
