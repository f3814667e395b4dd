/**
 * @module table/write-table
 * Writes a ColumnTable to a local CSV, Parquet or JSON Lines file through DuckDB, atomically: DuckDB writes a
 * temp file beside the target, which is then renamed over it, so readers never see a half-written file.
 * `tableToCsv` formats small tables in JS with the same rules, byte for byte (see `csv-format`).
 */
import { randomBytes } from 'node:crypto';
import { mkdir, rename, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import type { ColumnTable } from '../core/columns.js';
import { invalid } from '../core/errors.js';
import { formatColumn, quoteCsvField } from './csv-format.js';
import { insertTable } from './duckdb-write.js';
import { withLocalDuckDB } from './local-duckdb.js';
import { quoteIdent, quoteLiteral } from './sql-quote.js';

export type WriteFormat = 'csv' | 'parquet' | 'jsonl';

export interface WriteTableOptions {
  /** Defaults from the extension: .csv (.csv.gz), .parquet, .jsonl/.ndjson. */
  format?: WriteFormat;
  /** CSV only: write the column names first. Default true. */
  header?: boolean;
}

const WRITE_FORMATS: readonly WriteFormat[] = ['csv', 'parquet', 'jsonl'];

function writeFormatFromPath(path: string): WriteFormat | undefined {
  const name = path.toLowerCase().replace(/\.gz$/, '');
  if (name.endsWith('.csv')) return 'csv';
  if (name.endsWith('.parquet') || name.endsWith('.pq')) return 'parquet';
  if (name.endsWith('.jsonl') || name.endsWith('.ndjson')) return 'jsonl';
  return undefined;
}

function checkTable(table: ColumnTable): void {
  if (table.columns.length === 0) throw invalid('table.columns', [], 'at least one column');
}

function copyOptions(format: WriteFormat, header: boolean, gzip: boolean): string {
  const compression = gzip ? ", COMPRESSION 'gzip'" : '';
  switch (format) {
    case 'csv':
      return `FORMAT csv, HEADER ${header}, DELIMITER ','${compression}`;
    case 'parquet':
      return 'FORMAT parquet';
    case 'jsonl':
      return `FORMAT json${compression}`;
  }
}

/** Writes `table` to `target` (.csv, .parquet, .jsonl), replacing it atomically. Creates missing parent folders. */
export async function writeTable(table: ColumnTable, target: string, options: WriteTableOptions = {}): Promise<void> {
  if (typeof target !== 'string' || target.length === 0) throw invalid('target', target, 'a local file path');
  if (options.format !== undefined && !WRITE_FORMATS.includes(options.format)) {
    throw invalid('format', options.format, `one of ${WRITE_FORMATS.join(', ')}`);
  }
  const format = options.format ?? writeFormatFromPath(target);
  if (format === undefined) throw invalid('target', target, 'a file ending in .csv, .parquet, .jsonl or .ndjson, or an explicit `format`');
  if (options.header !== undefined && typeof options.header !== 'boolean') throw invalid('header', options.header, 'true or false');
  checkTable(table);

  const dir = dirname(target);
  await mkdir(dir, { recursive: true });
  const temp = join(dir, `.${basename(target)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
  const gzip = /\.gz$/i.test(target);
  try {
    await withLocalDuckDB(async (conn) => {
      const name = `__plumbline_write_${randomBytes(4).toString('hex')}`;
      await insertTable(conn, name, table, { temporary: true });
      try {
        await conn.run(`COPY temp.main.${quoteIdent(name)} TO ${quoteLiteral(temp)} (${copyOptions(format, options.header ?? true, gzip)})`);
      } finally {
        await conn.run(`DROP TABLE IF EXISTS temp.main.${quoteIdent(name)}`);
      }
    });
    await rename(temp, target);
  } catch (e) {
    await rm(temp, { force: true });
    throw e;
  }
}

/** The CSV text of a (small) table, for printing: the same bytes `writeTable` writes to a .csv file. */
export function tableToCsv(table: ColumnTable, options: { header?: boolean } = {}): string {
  checkTable(table);
  const n = table.length;
  const cells = table.columns.map((c) => formatColumn(c, n));
  const lines: string[] = [];
  if (options.header ?? true) lines.push(table.columns.map((c) => quoteCsvField(c.name)).join(','));
  const width = cells.length;
  for (let i = 0; i < n; i++) {
    let line = cells[0]![i]!;
    for (let c = 1; c < width; c++) line += ',' + cells[c]![i]!;
    lines.push(line);
  }
  return lines.length === 0 ? '' : lines.join('\n') + '\n';
}
