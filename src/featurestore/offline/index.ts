/**
 * @module featurestore/offline
 * The offline store: SMFS-layout Parquet files, a durable spool, guarded SQL and trusted sessions over DuckDB.
 */
export { OfflineStore, type ExportFormat, type ExportOptions, type OfflineStoreOptions } from './offline-store.js';
export type { OfflineSession, QueryResult } from './offline-session.js';
export type { ColumnsMeta } from './writer.js';
export { offlineSchema, partitionPath, compactTimestamp, SYSTEM_COLUMNS, type OfflineColumn } from './layout.js';
