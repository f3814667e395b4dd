/**
 * @module featurestore/offline/offline-session
 * A trusted DuckDB session over the offline store: every group passed in is a SQL view named by its
 * table names, with the offline schema (feature columns in definition order, then `write_time`
 * TIMESTAMP, `api_invocation_time` TIMESTAMP, `is_deleted` BOOLEAN). Internal callers (the dataset
 * builder) run generated SQL here; user SQL goes through the read-only guard instead.
 */
import type { DuckDBConnection } from '@duckdb/node-api';
import type { ColumnTable } from '../../core/columns.js';

export interface QueryResult {
  table: ColumnTable;
  /** DuckDB type of each column, e.g. BIGINT, DOUBLE, VARCHAR, TIMESTAMP, BOOLEAN. */
  sqlTypes: string[];
}

export interface OfflineSession {
  readonly connection: DuckDBConnection;
  /** Loads a column table as a temporary table (for entity rows of a point-in-time join). */
  registerTable(name: string, table: ColumnTable): Promise<void>;
  run(sql: string): Promise<QueryResult>;
}
