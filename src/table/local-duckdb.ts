/**
 * @module table/local-duckdb
 * One in-memory DuckDB instance per process for file reads and writes, with a fresh connection per call:
 * connections are cheap, and separate ones keep concurrent calls from sharing temp tables or a transaction.
 */
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';

let instance: Promise<DuckDBInstance> | undefined;

/** Runs `fn` on a new connection to the shared in-memory instance and closes it afterwards. */
export async function withLocalDuckDB<T>(fn: (conn: DuckDBConnection) => Promise<T>): Promise<T> {
  instance ??= DuckDBInstance.create(':memory:').catch((e: unknown) => {
    instance = undefined;
    throw e;
  });
  const conn = await (await instance).connect();
  try {
    return await fn(conn);
  } finally {
    conn.closeSync();
  }
}
