/**
 * @module featurestore/offline/duckdb-io
 * The table helpers this folder uses from `table/` (ColumnTable <-> DuckDB, SQL quoting), re-exported from one
 * place so the offline store depends on their module layout in a single line each.
 */
export { insertTable } from '../../table/duckdb-write.js';
export { runToTable } from '../../table/duckdb-read.js';
export { quoteIdent, quoteLiteral } from '../../table/sql-quote.js';
