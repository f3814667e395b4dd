/**
 * @module table/read-table
 * Reads a local CSV, Parquet or JSON file into a ColumnTable through DuckDB, with column types auto-detected.
 */
import { open, stat } from 'node:fs/promises';
import type { Column, ColumnTable } from '../core/columns.js';
import { NotFoundError, ValidationError, invalid, isPlatformError } from '../core/errors.js';
import { runToTable } from './duckdb-read.js';
import { withLocalDuckDB } from './local-duckdb.js';
import { quoteLiteral } from './sql-quote.js';

export type ReadFormat = 'csv' | 'parquet' | 'jsonl' | 'json';

export interface ReadTableOptions {
  /** Defaults from the extension: .csv, .parquet, .jsonl/.ndjson, .json (a trailing .gz is allowed). */
  format?: ReadFormat;
  /** CSV only: whether the first line holds column names. Detected when not given. */
  header?: boolean;
  /** CSV only: names for the columns of a header-less file (implies `header: false`). */
  columns?: string[];
}

const READ_FORMATS: readonly ReadFormat[] = ['csv', 'parquet', 'jsonl', 'json'];

const FORMAT_LABELS: Record<ReadFormat, string> = {
  csv: 'CSV',
  parquet: 'Parquet',
  jsonl: 'JSON Lines',
  json: 'JSON (an array of objects or JSON Lines)',
};

/** The format a file name implies, or undefined. */
export function formatFromPath(path: string): ReadFormat | undefined {
  const name = path.toLowerCase().replace(/\.(gz|gzip|zst)$/, '');
  if (name.endsWith('.csv')) return 'csv';
  if (name.endsWith('.parquet') || name.endsWith('.pq')) return 'parquet';
  if (name.endsWith('.jsonl') || name.endsWith('.ndjson')) return 'jsonl';
  if (name.endsWith('.json')) return 'json';
  return undefined;
}

function unreadable(path: string, format: ReadFormat, why: string): ValidationError {
  return new ValidationError([{ path: 'source', message: `could not read "${path}" as ${FORMAT_LABELS[format]}: ${why}` }], { path, format });
}

function checkOptions(source: unknown, options: ReadTableOptions): void {
  if (typeof source !== 'string' || source.length === 0) throw invalid('source', source, 'a local file path');
  if (/^[a-z][a-z0-9+.-]+:\/\//i.test(source)) throw invalid('source', source, 'a local file path (URLs are not read here)');
  if (options.format !== undefined && !READ_FORMATS.includes(options.format)) {
    throw invalid('format', options.format, `one of ${READ_FORMATS.join(', ')}`);
  }
  if (options.header !== undefined && typeof options.header !== 'boolean') throw invalid('header', options.header, 'true or false');
  const columns = options.columns;
  if (columns !== undefined) {
    if (!Array.isArray(columns) || columns.some((c) => typeof c !== 'string' || c.length === 0)) {
      throw invalid('columns', columns, 'an array of non-empty column names');
    }
    if (new Set(columns).size !== columns.length) throw invalid('columns', columns, 'column names without repeats');
    if (options.header === true) throw invalid('header', true, 'false or nothing when `columns` names a header-less file');
  }
}

/** Fails with NOT_FOUND for a missing path and a ValidationError for a directory or an empty file. */
async function checkFile(path: string, format: ReadFormat): Promise<void> {
  let size: number;
  try {
    const info = await stat(path);
    if (!info.isFile()) throw invalid('source', path, 'a file, not a directory');
    size = info.size;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') throw new NotFoundError('file', path, 'NOT_FOUND', `file "${path}" not found`);
    throw e;
  }
  if (size === 0) throw unreadable(path, format, 'the file is empty');
  if (size <= 4096) {
    const handle = await open(path, 'r');
    try {
      const { buffer, bytesRead } = await handle.read(Buffer.alloc(size), 0, size, 0);
      if (buffer.toString('utf8', 0, bytesRead).trim() === '') throw unreadable(path, format, 'the file holds only whitespace');
    } finally {
      await handle.close();
    }
  }
}

function readSql(path: string, format: ReadFormat, header: boolean | undefined): string {
  const file = quoteLiteral(path);
  switch (format) {
    case 'csv':
      return `SELECT * FROM read_csv(${file}, auto_detect = true${header === undefined ? '' : `, header = ${header}`})`;
    case 'parquet':
      return `SELECT * FROM read_parquet(${file})`;
    case 'jsonl':
      return `SELECT * FROM read_json(${file}, format = 'newline_delimited')`;
    case 'json':
      return `SELECT * FROM read_json(${file}, format = 'auto')`;
  }
}

function renamed(table: ColumnTable, names: string[]): ColumnTable {
  return { length: table.length, columns: table.columns.map((c, i): Column => ({ ...c, name: names[i]! })) };
}

/**
 * Reads a local CSV, Parquet, JSON Lines or JSON file. Header-less CSV columns are named `_c0, _c1, ...` unless
 * `columns` names them. A missing file fails with code NOT_FOUND; an empty or unparsable one with a
 * ValidationError naming the file and the format expected.
 */
export async function readTable(source: string, options: ReadTableOptions = {}): Promise<ColumnTable> {
  checkOptions(source, options);
  const format = options.format ?? formatFromPath(source);
  if (format === undefined) {
    throw invalid('source', source, 'a file ending in .csv, .parquet, .jsonl, .ndjson or .json, or an explicit `format`');
  }
  if (options.columns !== undefined && format !== 'csv') throw invalid('columns', options.columns, 'nothing: `columns` names CSV columns only');
  await checkFile(source, format);
  return withLocalDuckDB(async (conn) => {
    try {
      let header = options.columns !== undefined ? false : options.header;
      if (format === 'csv' && header === undefined) {
        // Decide the header first: DuckDB names header-less columns column0.., which we rename.
        const sniff = await conn.runAndReadAll(`SELECT HasHeader FROM sniff_csv(${quoteLiteral(source)})`);
        header = sniff.getRows()[0]?.[0] === true;
      }
      const { table } = await runToTable(conn, readSql(source, format, header));
      if (format !== 'csv' || header) return table;
      const names = options.columns ?? table.columns.map((_, i) => `_c${i}`);
      if (names.length !== table.columns.length) {
        throw invalid('columns', options.columns, `${table.columns.length} names (the file "${source}" has ${table.columns.length} columns)`);
      }
      return renamed(table, names);
    } catch (e) {
      if (isPlatformError(e)) throw e;
      const message = e instanceof Error ? e.message.split('\n')[0]! : String(e);
      throw unreadable(source, format, message);
    }
  });
}
