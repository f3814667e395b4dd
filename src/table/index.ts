/**
 * @module table
 * Tables in and out of files and DuckDB: readTable / writeTable for local files, tableToCsv for printing,
 * runToTable / insertTable for modules that query DuckDB directly.
 */
export { readTable, formatFromPath, type ReadFormat, type ReadTableOptions } from './read-table.js';
export { writeTable, tableToCsv, type WriteFormat, type WriteTableOptions } from './write-table.js';
export { runToTable, insertTable, quoteIdent, quoteLiteral } from './duckdb-columns.js';
export { DEFAULT_SQL_TYPES } from './duckdb-write.js';
