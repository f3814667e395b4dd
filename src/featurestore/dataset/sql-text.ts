/**
 * @module featurestore/dataset/sql-text
 * Safe SQL text for the dataset query: quoted identifiers and literals, and the event-time
 * normalisation every table goes through (integer epoch microseconds, so String and Fractional event
 * times compare exactly with each other).
 */

import { quoteLiteral } from '../../table/sql-quote.js';

export { quoteIdent, quoteLiteral } from '../../table/sql-quote.js';

/** A DuckDB TIMESTAMP literal (naive UTC, the offline store's write_time type) for an epoch-ms time. */
export function timestampLiteral(ms: number): string {
  return `TIMESTAMP ${quoteLiteral(new Date(ms).toISOString().replace('Z', ''))}`;
}

/** Epoch milliseconds as the integer microseconds that `eventTimeMicros` produces. */
export function msToMicros(ms: number): number {
  return Math.round(ms * 1000);
}

/**
 * SQL for a group's event time as BIGINT epoch microseconds. Fractional event times are unix seconds
 * (rounded to the microsecond so that 1700000000.123 equals "2023-11-14T22:13:20.123Z");
 * String ones are ISO-8601 read as TIMESTAMPTZ so explicit offsets count (SMFS itself only writes `Z`).
 * Malformed strings become NULL rather than failing the whole query.
 */
export function eventTimeMicros(columnSql: string, type: 'String' | 'Fractional'): string {
  return type === 'Fractional'
    ? `CAST(round(CAST(${columnSql} AS DOUBLE) * 1000000) AS BIGINT)`
    : `epoch_us(TRY_CAST(${columnSql} AS TIMESTAMPTZ))`;
}

/** SQL for an entity table's helper column (epoch ms, DOUBLE) as BIGINT epoch microseconds. */
export function entityEventTimeMicros(columnSql: string): string {
  return `CAST(round(CAST(${columnSql} AS DOUBLE) * 1000) AS BIGINT)`;
}
