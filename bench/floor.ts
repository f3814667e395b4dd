/**
 * The floors the benchmarks compare plumbline with: the same work done directly with the same engines.
 * - `sqliteFloor`: better-sqlite3 inserting (record id, event time, JSON payload of SMFS value strings) in one
 *   transaction with a prepared statement, WAL + synchronous=NORMAL (the online store's settings);
 * - `duckdbFloor`: @duckdb/node-api appending the rows in 2048-row data chunks, then one COPY to one Parquet file;
 * - `redisBenchmarkFloor`: `redis-benchmark -t get -c 1 -P 1 --csv` (one client, no pipelining).
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { DuckDBDataChunk, DuckDBInstance } from '@duckdb/node-api';
import Database from 'better-sqlite3';
import type { ColumnTable } from '../src/core/columns.js';
import { EVENT_TIME, FEATURE_DEFINITIONS, RECORD_ID, numericColumn, timed } from './common.js';

/** SMFS value strings of one row, as the online store keeps them (JSON of feature name -> string). */
function payloadOf(table: ColumnTable, i: number): string {
  const values: Record<string, string> = {};
  for (const c of table.columns) {
    const v = c.values[i];
    if (v !== null && v !== undefined) values[c.name] = String(v);
  }
  return JSON.stringify(values);
}

export async function sqliteFloor(table: ColumnTable, dir: string): Promise<number> {
  const db = new Database(join(dir, 'floor.db'));
  try {
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = NORMAL');
    db.exec('CREATE TABLE records (record_id TEXT PRIMARY KEY, event_time_ms REAL NOT NULL, payload TEXT NOT NULL) WITHOUT ROWID');
    const insert = db.prepare<[string, number, string]>('INSERT INTO records (record_id, event_time_ms, payload) VALUES (?, ?, ?)');
    const ids = numericColumn(table, RECORD_ID);
    const times = numericColumn(table, EVENT_TIME);
    const { ms } = await timed(() => {
      db.transaction(() => {
        for (let i = 0; i < table.length; i++) insert.run(String(ids[i]), times[i]! * 1000, payloadOf(table, i));
      })();
    });
    const count = (db.prepare('SELECT count(*) AS n FROM records').get() as { n: number }).n;
    if (count !== table.length) throw new Error(`sqlite floor wrote ${count} rows, expected ${table.length}`);
    return ms;
  } finally {
    db.close();
  }
}

export async function duckdbFloor(table: ColumnTable, dir: string): Promise<number> {
  const instance = await DuckDBInstance.create(':memory:');
  const conn = await instance.connect();
  try {
    const file = join(dir, 'floor.parquet');
    const { ms } = await timed(async () => {
      // Integral columns are appended as DOUBLE (no BigInt per value) and cast to BIGINT by the COPY.
      const ddl = table.columns.map((c) => `"${c.name}" ${c.type === 'string' ? 'VARCHAR' : 'DOUBLE'}`).join(', ');
      await conn.run(`CREATE TABLE staging (${ddl})`);
      const appender = await conn.createAppender('staging');
      const types = table.columns.map((_, i) => appender.columnType(i));
      for (let start = 0; start < table.length; start += 2048) {
        const n = Math.min(2048, table.length - start);
        const chunk = DuckDBDataChunk.create(types, n);
        table.columns.forEach((c, ci) => {
          const vector = chunk.getColumnVector(ci);
          const values = c.values;
          for (let i = 0; i < n; i++) vector.setItem(i, values[start + i] as number | string | null);
          vector.flush();
        });
        appender.appendDataChunk(chunk);
      }
      appender.flushSync();
      appender.closeSync();
      const select = FEATURE_DEFINITIONS.map((d) => (d.FeatureType === 'Integral' ? `CAST("${d.FeatureName}" AS BIGINT) AS "${d.FeatureName}"` : `"${d.FeatureName}"`));
      await conn.run(`COPY (SELECT ${select.join(', ')} FROM staging) TO '${file.replace(/'/g, "''")}' (FORMAT parquet)`);
    });
    const count = Number((await conn.runAndReadAll(`SELECT count(*) FROM read_parquet('${file.replace(/'/g, "''")}')`)).getRows()[0]![0]);
    if (count !== table.length) throw new Error(`duckdb floor wrote ${count} rows, expected ${table.length}`);
    return ms;
  } finally {
    conn.closeSync();
    instance.closeSync();
  }
}

export function redisBenchmarkArgs(requests: number): string[] {
  return ['-h', '127.0.0.1', '-p', '6379', '-t', 'get', '-n', String(requests), '-c', '1', '-P', '1', '--csv'];
}

export interface RedisBenchmarkFloor {
  command: string;
  rps: number;
  avgUs: number;
  p50Us: number;
  p95Us?: number;
  p99Us: number;
  maxUs?: number;
  raw: string;
}

/** Runs redis-benchmark (CSV output; falls back to `-q --precision 3`, which prints p50 only). */
export function redisBenchmarkFloor(requests = 100_000): RedisBenchmarkFloor {
  const args = redisBenchmarkArgs(requests);
  const run = spawnSync('redis-benchmark', args, { encoding: 'utf8', timeout: 120_000 });
  if (run.error) throw new Error(`redis-benchmark failed to start: ${run.error.message}`);
  if (run.status !== 0) throw new Error(`redis-benchmark exited with ${run.status}: ${run.stderr}`);
  const lines = run.stdout.trim().split('\n').map((l) => l.trim()).filter((l) => l.startsWith('"'));
  const parse = (l: string): string[] => l.split(',').map((x) => x.replace(/^"|"$/g, ''));
  const header = lines.length > 0 ? parse(lines[0]!) : [];
  const row = lines.map(parse).find((r) => r[0] === 'GET');
  const at = (name: string): number | undefined => {
    const i = header.indexOf(name);
    return i >= 0 && row ? Number(row[i]) * 1000 : undefined;
  };
  const p50 = at('p50_latency_ms');
  const p99 = at('p99_latency_ms');
  if (row === undefined || p50 === undefined || p99 === undefined) throw new Error(`could not parse redis-benchmark output:\n${run.stdout}`);
  return {
    command: `redis-benchmark ${args.join(' ')}`,
    rps: Number(row[header.indexOf('rps')]),
    avgUs: at('avg_latency_ms') ?? NaN,
    p50Us: p50,
    ...(at('p95_latency_ms') !== undefined ? { p95Us: at('p95_latency_ms')! } : {}),
    p99Us: p99,
    ...(at('max_latency_ms') !== undefined ? { maxUs: at('max_latency_ms')! } : {}),
    raw: run.stdout.trim(),
  };
}
