/**
 * @module table/sql-quote
 * Quoting for SQL text built from names and paths. DuckDB strings are standard SQL: a backslash is an ordinary
 * character, only the quote itself needs doubling.
 */

/** Quotes an identifier for DuckDB SQL ("a""b"). */
export function quoteIdent(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

/** Quotes a string literal ('it''s'). */
export function quoteLiteral(value: string): string {
  return `'${value.replaceAll("'", "''")}'`;
}
