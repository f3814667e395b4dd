/**
 * @module table/duckdb-columns
 * The bridge between DuckDB and ColumnTable, for every module that queries DuckDB (files, offline store):
 * results to typed arrays without one object per row, tables in through the appender, and SQL quoting.
 */
export { runToTable } from './duckdb-read.js';
export { insertTable } from './duckdb-write.js';
export { quoteIdent, quoteLiteral } from './sql-quote.js';
