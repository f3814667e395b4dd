/**
 * @module table/duckdb-write
 * ColumnTable to a DuckDB table through the appender, one 2048-row data chunk at a time. Numeric columns are
 * written straight into the chunk's typed arrays (64-bit values as two 32-bit halves, so no BigInt per value).
 * A column whose declared SQL type has no direct writer (say DECIMAL(10,2), DATE or INTEGER) is appended to a
 * staging table in its natural type and converted by a SQL CAST, so DuckDB's own casting rules apply.
 */
import {
  DuckDBDataChunk,
  DuckDBTimestampMillisecondsValue,
  DuckDBTimestampTZValue,
  DuckDBTimestampValue,
  DuckDBTypeId,
  type DuckDBAppender,
  type DuckDBConnection,
  type DuckDBType,
  type DuckDBValue,
  type DuckDBVector,
} from '@duckdb/node-api';
import type { Column, ColumnTable, ColumnType } from '../core/columns.js';
import { invalid } from '../core/errors.js';
import { rawBoolBytes, rawInt64Pairs, rawItems } from './duckdb-raw.js';
import { quoteIdent } from './sql-quote.js';

const CHUNK_ROWS = 2048;
const TWO_32 = 4294967296;
const TWO_63 = 9223372036854775808;
const INT64_MAX = 9223372036854775807n;

/** The SQL type each column type gets unless `sqlTypes` says otherwise. */
export const DEFAULT_SQL_TYPES: Readonly<Record<ColumnType, string>> = {
  int: 'BIGINT',
  float: 'DOUBLE',
  bool: 'BOOLEAN',
  timestamp: 'TIMESTAMP',
  string: 'VARCHAR',
};

/** Type names, arrays, DECIMAL(p,s), STRUCT("a" INT), TIMESTAMP WITH TIME ZONE; never `;` or comments. */
const SQL_TYPE_PATTERN = /^[A-Za-z_][A-Za-z0-9_ ,()"[\]]*$/;

/** Writes rows `[start, start + n)` of a column into a chunk vector of `n` items. */
type Writer = (vector: DuckDBVector, start: number, n: number) => void;

function float64Writer(values: Float64Array, ctor: abstract new (length: number) => Float64Array | Float32Array): Writer {
  return (vector, start, n) => {
    const items = rawItems(vector, ctor, n);
    if (items !== undefined) items.set(values.subarray(start, start + n));
    for (let i = 0; i < n; i++) {
      const v = values[start + i]!;
      if (v !== v) vector.setItem(i, null);
      else if (items === undefined) vector.setItem(i, v);
    }
  };
}

/**
 * 64-bit integer targets: `scale` source units per target tick (1000 for ms to micros). `strict` refuses
 * fractions (an `int` column holding 1.5 is a bug upstream); otherwise values round like a CAST would.
 */
function int64Writer(
  column: Column & { values: Float64Array },
  scale: number,
  strict: boolean,
  wrap: ((ticks: bigint) => DuckDBValue) | undefined,
): Writer {
  const values = column.values;
  const timestamp = wrap !== undefined;
  const expected = timestamp ? 'a timestamp within DuckDB range' : 'an integer within the BIGINT range';
  return (vector, start, n) => {
    const pairs = rawInt64Pairs(vector, n, false);
    for (let i = 0; i < n; i++) {
      const v = values[start + i]!;
      if (v !== v) {
        vector.setItem(i, null);
        continue;
      }
      let t = v * scale;
      if (timestamp && (t === Infinity || t === -Infinity)) {
        // DuckDB's timestamp 'infinity' / '-infinity'.
        if (pairs !== undefined) {
          pairs[2 * i] = t > 0 ? -1 : 1;
          pairs[2 * i + 1] = t > 0 ? 2147483647 : -2147483648;
        } else vector.setItem(i, wrap(t > 0 ? INT64_MAX : -INT64_MAX));
        continue;
      }
      if (!Number.isInteger(t)) {
        if (strict || !Number.isFinite(t)) throw invalid(`${column.name}[${start + i}]`, v, expected);
        t = Math.round(t);
      }
      if (t >= TWO_63 || t < -TWO_63) throw invalid(`${column.name}[${start + i}]`, v, expected);
      if (pairs !== undefined) {
        const hi = Math.floor(t / TWO_32);
        pairs[2 * i] = (t - hi * TWO_32) | 0;
        pairs[2 * i + 1] = hi;
      } else {
        const big = BigInt(t);
        vector.setItem(i, wrap === undefined ? big : wrap(big));
      }
    }
  };
}

function boolWriter(column: Column & { type: 'bool' }): Writer {
  const { values, valid } = column;
  return (vector, start, n) => {
    const bytes = rawBoolBytes(vector, n);
    for (let i = 0; i < n; i++) {
      const ok = valid[start + i] === 1;
      if (!ok) vector.setItem(i, null);
      else if (bytes !== undefined) bytes[i] = values[start + i] === 0 ? 0 : 1;
      else vector.setItem(i, values[start + i] !== 0);
    }
  };
}

function stringWriter(values: readonly (string | null)[]): Writer {
  return (vector, start, n) => {
    for (let i = 0; i < n; i++) vector.setItem(i, values[start + i] ?? null);
  };
}

/** A writer that fills `target` from `column` without SQL, or undefined when a CAST is needed. */
function directWriter(column: Column, target: DuckDBType): Writer | undefined {
  const id = target.typeId;
  if (column.type === 'bool') return id === DuckDBTypeId.BOOLEAN ? boolWriter(column) : undefined;
  if (column.type === 'string') return id === DuckDBTypeId.VARCHAR ? stringWriter(column.values) : undefined;
  const strict = column.type === 'int';
  switch (id) {
    case DuckDBTypeId.DOUBLE:
      return float64Writer(column.values, Float64Array);
    case DuckDBTypeId.FLOAT:
      return float64Writer(column.values, Float32Array);
    case DuckDBTypeId.BIGINT:
      return int64Writer(column, 1, strict, undefined);
    case DuckDBTypeId.TIMESTAMP:
      return int64Writer(column, 1000, false, (t) => new DuckDBTimestampValue(t));
    case DuckDBTypeId.TIMESTAMP_TZ:
      return int64Writer(column, 1000, false, (t) => new DuckDBTimestampTZValue(t));
    case DuckDBTypeId.TIMESTAMP_MS:
      return int64Writer(column, 1, false, (t) => new DuckDBTimestampMillisecondsValue(t));
    default:
      return undefined;
  }
}

/** What a column is appended as before a CAST: number columns bound for a time type are epoch ms. */
function stagingType(column: Column, target: DuckDBType): string {
  const numeric = column.type === 'int' || column.type === 'float' || column.type === 'timestamp';
  const timeLike =
    target.typeId === DuckDBTypeId.DATE ||
    target.typeId === DuckDBTypeId.TIME ||
    target.typeId === DuckDBTypeId.TIMESTAMP_S ||
    target.typeId === DuckDBTypeId.TIMESTAMP_NS;
  return numeric && timeLike ? 'TIMESTAMP' : DEFAULT_SQL_TYPES[column.type];
}

function appendChunks(appender: DuckDBAppender, types: DuckDBType[], writers: Writer[], length: number): void {
  for (let start = 0; start < length; start += CHUNK_ROWS) {
    const n = Math.min(CHUNK_ROWS, length - start);
    const chunk = DuckDBDataChunk.create(types, n);
    for (let c = 0; c < writers.length; c++) {
      const vector = chunk.getColumnVector(c);
      writers[c]!(vector, start, n);
      vector.flush();
    }
    appender.appendDataChunk(chunk);
  }
  appender.flushSync();
}

/** The fully qualified name of the table to create: unqualified names would resolve to a same-named TEMP table. */
async function qualifiedName(conn: DuckDBConnection, name: string, temporary: boolean): Promise<{ catalog: string; schema: string; sql: string }> {
  let catalog = 'temp';
  let schema = 'main';
  if (!temporary) {
    const reader = await conn.runAndReadAll('SELECT current_database(), current_schema()');
    [catalog, schema] = reader.getRows()[0] as [string, string];
  }
  return { catalog, schema, sql: `${quoteIdent(catalog)}.${quoteIdent(schema)}.${quoteIdent(name)}` };
}

function checkTable(name: string, table: ColumnTable, sqlTypes: Record<string, string>): void {
  if (typeof name !== 'string' || name.length === 0) throw invalid('name', name, 'a non-empty table name');
  if (table.columns.length === 0) throw invalid('table.columns', [], 'at least one column');
  const seen = new Set<string>();
  table.columns.forEach((c, i) => {
    const key = c.name.toLowerCase();
    if (seen.has(key)) throw invalid(`table.columns[${i}].name`, c.name, 'a column name not already used (names are case-insensitive in SQL)');
    seen.add(key);
    if (c.values.length < table.length) {
      throw invalid(`table.columns[${i}].values`, `${c.values.length} values`, `${table.length} values (table.length)`);
    }
  });
  for (const [column, type] of Object.entries(sqlTypes)) {
    if (!table.columns.some((c) => c.name === column)) {
      throw invalid(`sqlTypes.${column}`, column, `the name of a column in the table (${table.columns.map((c) => c.name).join(', ')})`);
    }
    if (typeof type !== 'string' || !SQL_TYPE_PATTERN.test(type)) {
      throw invalid(`sqlTypes.${column}`, type, 'a DuckDB type name such as BIGINT, DECIMAL(10,2) or TIMESTAMP WITH TIME ZONE');
    }
  }
}

let stagingCounter = 0;

/**
 * Creates (or replaces) a table `name` on the connection from a ColumnTable and fills it with DuckDB's appender
 * (appendDataChunk in chunks of 2048 rows). Column SQL types default from the column type: int->BIGINT,
 * float->DOUBLE, bool->BOOLEAN, timestamp->TIMESTAMP (epoch ms), string->VARCHAR; `sqlTypes` overrides per
 * column name. `temporary` makes it a TEMP table. Number columns written to a time type are read as epoch ms.
 * On failure the half-filled table is dropped.
 */
export async function insertTable(
  conn: DuckDBConnection,
  name: string,
  table: ColumnTable,
  options: { sqlTypes?: Record<string, string>; temporary?: boolean } = {},
): Promise<void> {
  const sqlTypes = options.sqlTypes ?? {};
  const temporary = options.temporary === true;
  checkTable(name, table, sqlTypes);
  const declared = table.columns.map((c) => sqlTypes[c.name] ?? DEFAULT_SQL_TYPES[c.type]);
  const target = await qualifiedName(conn, name, temporary);
  const columnsDdl = (types: string[]) => table.columns.map((c, i) => `${quoteIdent(c.name)} ${types[i]}`).join(', ');
  await conn.run(`CREATE OR REPLACE ${temporary ? 'TEMP ' : ''}TABLE ${target.sql} (${columnsDdl(declared)})`);

  let stage: string | undefined;
  try {
    const appender = await conn.createAppender(name, target.schema, target.catalog);
    const targetTypes = table.columns.map((_, c) => appender.columnType(c));
    const writers = table.columns.map((c, i) => directWriter(c, targetTypes[i]!));
    if (writers.every((w) => w !== undefined)) {
      try {
        appendChunks(appender, targetTypes, writers as Writer[], table.length);
      } finally {
        appender.closeSync();
      }
      return;
    }
    appender.closeSync();

    stage = `__plumbline_stage_${++stagingCounter}`;
    const stagingTypes = table.columns.map((c, i) => (writers[i] === undefined ? stagingType(c, targetTypes[i]!) : targetTypes[i]!.toString()));
    await conn.run(`CREATE OR REPLACE TEMP TABLE ${quoteIdent(stage)} (${columnsDdl(stagingTypes)})`);
    const stageAppender = await conn.createAppender(stage, 'main', 'temp');
    try {
      const types = table.columns.map((_, c) => stageAppender.columnType(c));
      appendChunks(stageAppender, types, table.columns.map((c, i) => directWriter(c, types[i]!)!), table.length);
    } finally {
      stageAppender.closeSync();
    }
    const select = table.columns
      .map((c, i) => (writers[i] === undefined ? `CAST(${quoteIdent(c.name)} AS ${declared[i]})` : quoteIdent(c.name)))
      .join(', ');
    await conn.run(`INSERT INTO ${target.sql} SELECT ${select} FROM temp.main.${quoteIdent(stage)}`);
  } catch (e) {
    await conn.run(`DROP TABLE IF EXISTS ${target.sql}`).catch(() => undefined);
    throw e;
  } finally {
    if (stage !== undefined) await conn.run(`DROP TABLE IF EXISTS temp.main.${quoteIdent(stage)}`).catch(() => undefined);
  }
}
