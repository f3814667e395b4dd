/**
 * @module featurestore/dataset-export
 * Running and writing datasets: `Dataset` is the dataset builder bound to a feature store, so `toTable()`
 * and `toFile(uri)` need no session. Files inside the object store (s3://, file:// under its root) are
 * uploaded there atomically; other paths are written as local files.
 */
import { randomUUID } from 'node:crypto';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { ColumnTable } from '../core/columns.js';
import { writeTable, type WriteFormat } from '../table/index.js';
import type { ObjectStore } from '../storage/object-store.js';
import { DatasetBuilder, type DatasetOptions, type EntityRows } from './dataset/index.js';
import type { OfflineGroup } from './model.js';
import type { OfflineSession } from './offline/offline-session.js';

export interface DatasetFileOptions {
  format?: WriteFormat;
  header?: boolean;
}

export interface DatasetRunner {
  /** Runs any builder's query in a session holding the groups it names. */
  run(builder: DatasetBuilder): Promise<ColumnTable>;
  write(builder: DatasetBuilder, uri: string, options?: DatasetFileOptions): Promise<{ uri: string; rows: number }>;
}

export class Dataset extends DatasetBuilder {
  constructor(
    base: OfflineGroup | EntityRows,
    options: DatasetOptions,
    private readonly runner: DatasetRunner,
  ) {
    super(base, options);
  }

  /** Runs the dataset query and returns its rows as columns. */
  override async toTable(session?: OfflineSession): Promise<ColumnTable> {
    return session ? super.toTable(session) : this.runner.run(this);
  }

  /** Writes the dataset to an object-store location or a local file (format from the option or the extension). */
  toFile(uri: string, options: DatasetFileOptions = {}): Promise<{ uri: string; rows: number }> {
    return this.runner.write(this, uri, options);
  }
}

/** Writes a table to `uri`: into the object store when the URI points inside it, else to a local path. */
export async function writeTableTo(table: ColumnTable, uri: string, objectStore: ObjectStore, tempDir: string, options: DatasetFileOptions = {}): Promise<{ uri: string; rows: number }> {
  const format = options.format ?? (/\.parquet$/i.test(uri) ? 'parquet' : /\.(jsonl|ndjson)$/i.test(uri) ? 'jsonl' : 'csv');
  const write = { format, ...(options.header !== undefined ? { header: options.header } : {}) };
  const key = /^[a-z][a-z0-9+.-]*:\/\//i.test(uri) ? objectStore.keyOf(uri) : undefined;
  if (key === undefined || key === '') {
    await writeTable(table, uri, write);
    return { uri, rows: table.length };
  }
  const local = join(tempDir, `export-${randomUUID()}.${format}`);
  try {
    await writeTable(table, local, write);
    await objectStore.putFile(key, local);
  } finally {
    await rm(local, { force: true });
  }
  return { uri: objectStore.uriOf(key), rows: table.length };
}
