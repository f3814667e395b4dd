/**
 * Bulk ingest: 1,000,000 rows x 8 features into a fresh workspace with online + offline stores.
 *
 * Floor measured in the same run (floor.ts), the same work done directly with the same engines:
 * - better-sqlite3: the 1M rows as (record id, event time, JSON payload of SMFS value strings) in one
 *   transaction with a prepared statement, WAL + synchronous=NORMAL (the online store's settings);
 * - DuckDB (@duckdb/node-api): the same rows appended in 2048-row data chunks, then one COPY to one Parquet file.
 * plumbline's time is reported as a ratio of (sqlite + duckdb).
 */
import type { ColumnTable } from '../src/core/columns.js';
import { createPlatform } from '../src/index.js';
import {
  EVENT_TIME,
  FEATURE_DEFINITIONS,
  RECORD_ID,
  REDIS_URL,
  deleteRedisKeys,
  fmtInt,
  generateTable,
  IngestPhaseClock,
  newReport,
  processCpuSeconds,
  redisAvailable,
  redisServerCpuSeconds,
  round,
  tempWorkspace,
  timed,
  uniquePrefix,
  type BenchReport,
  type Benchmark,
  type Metric,
} from './common.js';
import { duckdbFloor, sqliteFloor } from './floor.js';

const ROWS = 1_000_000;
const TARGET_ROWS_PER_S = 200_000;
const REDIS_WORKERS = 4;
const GROUP = 'bench_ingest';

interface IngestRun {
  backend: 'sqlite' | 'redis';
  workers: number;
  openMs: number;
  ingestMs: number;
  closeMs: number;
  rowsPerS: number;
  written: number;
  rejected: number;
  onlineApplied: number | null;
  offlineFiles: number;
  ingestReportedSeconds: number;
  /** Phase estimates from the progress ticks, ms. */
  phases: { encodeMs?: number; offlineMs?: number; onlineMs?: number; onlineBatches: number };
  /** CPU seconds of the benchmark process during the ingest call (all threads). */
  processCpuS: number;
  /** CPU seconds of redis-server during the ingest call (Redis runs only). */
  redisCpuS: number | null;
}

async function plumblineIngest(table: ColumnTable, backend: 'sqlite' | 'redis', workers: number): Promise<IngestRun> {
  const ws = await tempWorkspace(`ingest-${backend}`);
  const prefix = uniquePrefix('ingest');
  try {
    const open = await timed(() =>
      createPlatform({
        home: ws.home,
        offlineFlushIntervalMs: 0,
        ...(backend === 'redis' ? { config: { onlineStore: `${REDIS_URL}?prefix=${prefix}` } } : {}),
      }),
    );
    const platform = open.value;
    try {
      await platform.featureStore.createFeatureGroup({
        featureGroupName: GROUP,
        recordIdentifierName: RECORD_ID,
        eventTimeFeatureName: EVENT_TIME,
        featureDefinitions: FEATURE_DEFINITIONS,
        enableOnlineStore: true,
      });
      const clock = new IngestPhaseClock(table.length, workers);
      const redisCpu0 = backend === 'redis' ? await redisServerCpuSeconds() : 0;
      const cpu0 = processCpuSeconds();
      const { ms, value: result } = await timed(() => platform.featureStore.ingest(GROUP, table, { workers, progress: clock.progress }));
      const processCpuS = processCpuSeconds() - cpu0;
      const redisCpuS = backend === 'redis' ? (await redisServerCpuSeconds()) - redisCpu0 : null;
      // Spot check: the last row is readable online with all 8 features.
      const last = await platform.featureStore.getRecord(GROUP, String(table.length - 1));
      if ((last.Record?.length ?? 0) !== FEATURE_DEFINITIONS.length) throw new Error(`getRecord after ingest returned ${JSON.stringify(last)}`);
      const closed = await timed(() => platform.close());
      return {
        backend,
        workers,
        openMs: round(open.ms),
        ingestMs: round(ms),
        closeMs: round(closed.ms),
        rowsPerS: Math.round(table.length / (ms / 1000)),
        written: result.written,
        rejected: result.rejected,
        onlineApplied: result.online?.applied ?? null,
        offlineFiles: result.offline?.files.length ?? 0,
        ingestReportedSeconds: round(result.seconds, 3),
        phases: Object.fromEntries(Object.entries(clock.phases()).map(([k, v]) => [k, round(v, 0)])) as IngestRun['phases'],
        processCpuS: round(processCpuS, 2),
        redisCpuS: redisCpuS === null ? null : round(redisCpuS, 2),
      };
    } finally {
      await platform.close();
    }
  } finally {
    await ws.remove();
    if (backend === 'redis') await deleteRedisKeys(prefix);
  }
}

function phaseMetrics(label: string, run: IngestRun): Metric[] {
  const out: Metric[] = [];
  const p = run.phases;
  if (p.encodeMs !== undefined) out.push({ label: `  ${label}: validate + encode`, value: p.encodeMs, unit: 'ms' });
  if (p.offlineMs !== undefined) out.push({ label: `  ${label}: offline Parquet write (≈)`, value: p.offlineMs, unit: 'ms' });
  if (p.onlineMs !== undefined) out.push({ label: `  ${label}: online writes (≈, ${p.onlineBatches} batches)`, value: p.onlineMs, unit: 'ms' });
  out.push({ label: `  ${label}: CPU of this process (all threads)`, value: run.processCpuS, unit: 's' });
  if (run.redisCpuS !== null) out.push({ label: `  ${label}: CPU of redis-server`, value: run.redisCpuS, unit: 's' });
  return out;
}

export const benchmark: Benchmark = {
  name: 'ingest',
  description: `featureStore.ingest of ${fmtInt(ROWS)} rows x 8 features (online + offline), vs better-sqlite3 + DuckDB doing the same writes directly`,
  async run(log): Promise<BenchReport> {
    const report = newReport();
    const gen = await timed(() => generateTable(ROWS));
    const table = gen.value;
    log(`generated ${fmtInt(ROWS)} rows in ${gen.ms.toFixed(0)} ms`);

    const floorDir = await tempWorkspace('ingest-floor');
    let sqliteMs: number;
    let duckdbMs: number;
    try {
      sqliteMs = await sqliteFloor(table, floorDir.home);
      log(`floor: better-sqlite3 1M inserts (JSON payload, one transaction, WAL) ${sqliteMs.toFixed(0)} ms`);
      duckdbMs = await duckdbFloor(table, floorDir.home);
      log(`floor: DuckDB appender + COPY to one Parquet file ${duckdbMs.toFixed(0)} ms`);
    } finally {
      await floorDir.remove();
    }
    const floorMs = sqliteMs + duckdbMs;

    const sqlite = await plumblineIngest(table, 'sqlite', 1);
    log(`plumbline (SQLite online + Parquet offline): ${sqlite.ingestMs.toFixed(0)} ms, ${fmtInt(sqlite.rowsPerS)} rows/s`);

    let redis: IngestRun | undefined;
    if (await redisAvailable()) {
      redis = await plumblineIngest(table, 'redis', REDIS_WORKERS);
      log(`plumbline (Redis online, workers=${REDIS_WORKERS} + Parquet offline): ${redis.ingestMs.toFixed(0)} ms, ${fmtInt(redis.rowsPerS)} rows/s`);
    } else {
      report.notes.push(`Redis at ${REDIS_URL} is not reachable: the Redis run was skipped.`);
    }

    const ratio = sqlite.ingestMs / floorMs;
    report.metrics.push(
      { label: 'data generation (1M rows, seeded)', value: round(gen.ms, 0), unit: 'ms' },
      { label: 'floor: better-sqlite3 insert 1M (id, time, JSON)', value: round(sqliteMs, 0), unit: 'ms' },
      { label: 'floor: DuckDB append + COPY to 1 Parquet file', value: round(duckdbMs, 0), unit: 'ms' },
      { label: 'floor: total', value: round(floorMs, 0), unit: 'ms', note: `${fmtInt(ROWS / (floorMs / 1000))} rows/s` },
      { label: 'plumbline ingest, SQLite online (wall)', value: round(sqlite.ingestMs, 0), unit: 'ms' },
      { label: 'plumbline ingest, SQLite online', value: sqlite.rowsPerS, unit: 'rows/s' },
      { label: 'plumbline / floor', value: round(ratio, 2), unit: 'x' },
      ...phaseMetrics('SQLite run', sqlite),
    );
    if (redis) {
      report.metrics.push(
        { label: `plumbline ingest, Redis online, workers=${REDIS_WORKERS} (wall)`, value: round(redis.ingestMs, 0), unit: 'ms' },
        { label: `plumbline ingest, Redis online, workers=${REDIS_WORKERS}`, value: redis.rowsPerS, unit: 'rows/s' },
        ...phaseMetrics('Redis run', redis),
      );
    }
    report.targets.push({
      label: 'ingest throughput (SQLite online, embedded default)',
      goal: `>= ${fmtInt(TARGET_ROWS_PER_S)} rows/s`,
      actual: sqlite.rowsPerS,
      unit: 'rows/s',
      pass: sqlite.rowsPerS >= TARGET_ROWS_PER_S,
    });
    if (redis) {
      report.targets.push({
        label: 'ingest throughput (Redis online)',
        goal: `>= ${fmtInt(TARGET_ROWS_PER_S)} rows/s`,
        actual: redis.rowsPerS,
        unit: 'rows/s',
        pass: redis.rowsPerS >= TARGET_ROWS_PER_S,
      });
    }
    report.notes.push(
      `Event times spread over 24 h, so plumbline writes ${sqlite.offlineFiles} hourly Parquet files (plus write_time, api_invocation_time, is_deleted); the DuckDB floor writes 1 file with the 8 features.`,
    );
    report.details = { rows: ROWS, features: FEATURE_DEFINITIONS, generationMs: round(gen.ms), floor: { sqliteMs: round(sqliteMs), duckdbMs: round(duckdbMs), totalMs: round(floorMs) }, sqlite, redis: redis ?? null, ratioToFloor: round(ratio, 3) };
    return report;
  },
};
