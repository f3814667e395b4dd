/**
 * SQL over the offline store: 1,000,000 rows ingested (offline store only) into a fresh workspace, then three
 * queries through `featureStore.query(sql)`, each run 5 times (median, after one untimed warm-up run):
 *   1. a filtered aggregate (`SELECT sex, avg(score) ... WHERE age >= 30 GROUP BY sex`),
 *   2. the recipe's training split (`... ORDER BY index ASC LIMIT 600`),
 *   3. the recipe's point-in-time query (`row_number() OVER (PARTITION BY index ORDER BY event_time DESC)`).
 * Floor: the same SQL in plain DuckDB (@duckdb/node-api, fresh in-memory instance) over `read_parquet` of every
 * Parquet file under the group's folder (a `**` glob, hive_partitioning = false), result materialized with
 * `runAndReadAll`; the ratio uses that. To show where the rest goes, plain DuckDB is also timed
 *   - streaming the result chunk by chunk without converting it (`stream` + `fetchChunk`, as runToTable reads),
 *   - with plumbline's result conversion to a ColumnTable (`runToTable` from src/table),
 *   - with the public API's conversion to JS values (`runAndReadAll` + `getColumnsJS()`).
 */
import { fileURLToPath } from 'node:url';
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import { createPlatform } from '../src/index.js';
import { runToTable } from '../src/table/duckdb-columns.js';
import {
  EVENT_TIME,
  FEATURE_DEFINITIONS,
  RECORD_ID,
  fmtInt,
  generateTable,
  median,
  newReport,
  round,
  tempWorkspace,
  timed,
  type BenchReport,
  type Benchmark,
} from './common.js';

const ROWS = 1_000_000;
const RUNS = 5;
const GROUP = 'bench_offline';
const TARGET_RATIO = 1.2;
const AS_OF = '2024-01-01 18:00:00';

interface QuerySpec {
  key: string;
  label: string;
  /** As a plumbline user writes it. */
  plumbline: string;
  /** The same query for plain DuckDB (identical but for the guard's documented event-time rewrite). */
  duckdb: string;
  /** false: a probe shown for diagnosis, not one of the targets. */
  target: boolean;
}

const pit = (predicate: string): string => `SELECT * FROM
    (SELECT *, row_number() OVER (PARTITION BY index
        ORDER BY event_time desc) AS row_num
        FROM ${GROUP}
        where ${predicate})
WHERE row_num = 1 and
NOT is_deleted`;

const QUERIES: QuerySpec[] = [
  {
    key: 'aggregate',
    label: 'filtered aggregate (GROUP BY sex)',
    plumbline: `SELECT sex, avg(score) AS avg_score, count(*) AS n FROM ${GROUP} WHERE age >= 30 GROUP BY sex ORDER BY sex`,
    duckdb: `SELECT sex, avg(score) AS avg_score, count(*) AS n FROM ${GROUP} WHERE age >= 30 GROUP BY sex ORDER BY sex`,
    target: true,
  },
  {
    key: 'order-limit',
    label: 'recipe: ORDER BY index LIMIT 600',
    plumbline: `SELECT sex, age, visits, score, amount, segment FROM ${GROUP} ORDER BY index ASC LIMIT 600`,
    duckdb: `SELECT sex, age, visits, score, amount, segment FROM ${GROUP} ORDER BY index ASC LIMIT 600`,
    target: true,
  },
  {
    key: 'point-in-time',
    label: 'point-in-time row_number() OVER (PARTITION BY index)',
    // plumbline's guard rewrites `<Fractional event time> <= timestamp '...'` to `<= epoch(timestamp '...')`.
    plumbline: pit(`event_time <= timestamp '${AS_OF}'`),
    duckdb: pit(`event_time <= epoch(timestamp '${AS_OF}')`),
    target: true,
  },
  {
    key: 'probe',
    label: 'probe: fixed cost per query (SELECT 1 ... LIMIT 1)',
    plumbline: `SELECT 1 AS one FROM ${GROUP} LIMIT 1`,
    duckdb: `SELECT 1 AS one FROM ${GROUP} LIMIT 1`,
    target: false,
  },
];

/** The timed variants, in the order they run within each round. */
const VARIANTS = ['plumbline', 'duckdb', 'duckdbStream', 'duckdbRunToTable', 'duckdbJS'] as const;
type Variant = (typeof VARIANTS)[number];

const VARIANT_LABELS: Record<Variant, string> = {
  plumbline: 'plumbline featureStore.query',
  duckdb: 'DuckDB runAndReadAll (floor)',
  duckdbStream: 'DuckDB stream + fetchChunk, no conversion',
  duckdbRunToTable: 'DuckDB + runToTable (ColumnTable)',
  duckdbJS: 'DuckDB runAndReadAll + getColumnsJS()',
};

interface QueryResultFigures {
  key: string;
  target: boolean;
  label: string;
  rows: number;
  /** Every timed run, ms. */
  runsMs: Record<Variant, number[]>;
  medianMs: Record<Variant, number>;
  /** plumbline median / DuckDB runAndReadAll median. */
  ratio: number;
}

async function streamOnly(conn: DuckDBConnection, sql: string): Promise<number> {
  const result = await conn.stream(sql);
  let rows = 0;
  for (;;) {
    const chunk = await result.fetchChunk();
    if (!chunk || chunk.rowCount === 0) break;
    rows += chunk.rowCount;
  }
  return rows;
}

export const benchmark: Benchmark = {
  name: 'offline-sql',
  description: `featureStore.query over ${fmtInt(ROWS)} offline rows (3 queries x ${RUNS}, median) vs plain DuckDB read_parquet on the same files`,
  async run(log): Promise<BenchReport> {
    const report = newReport();
    const ws = await tempWorkspace('offline-sql');
    let plain: { instance: DuckDBInstance; conn: DuckDBConnection } | undefined;
    try {
      const platform = await createPlatform({ home: ws.home, offlineFlushIntervalMs: 0 });
      try {
        const fs = platform.featureStore;
        await fs.createFeatureGroup({
          featureGroupName: GROUP,
          recordIdentifierName: RECORD_ID,
          eventTimeFeatureName: EVENT_TIME,
          featureDefinitions: FEATURE_DEFINITIONS,
          enableOnlineStore: false,
        });
        const ingest = await timed(() => fs.ingest(GROUP, generateTable(ROWS)));
        log(`ingested ${fmtInt(ROWS)} rows (offline only) in ${ingest.ms.toFixed(0)} ms, ${ingest.value.offline?.files.length ?? 0} Parquet files`);
        const description = await fs.describeFeatureGroup(GROUP);
        const folder = fileURLToPath(description.OfflineStoreConfig!.S3StorageConfig.ResolvedOutputS3Uri);
        const glob = `${folder.replace(/\/+$/, '')}/**/*.parquet`;

        const instance = await DuckDBInstance.create(':memory:');
        const conn = await instance.connect();
        plain = { instance, conn };
        await conn.run(`CREATE VIEW ${GROUP} AS SELECT * FROM read_parquet('${glob.replace(/'/g, "''")}', hive_partitioning = false)`);

        const results: QueryResultFigures[] = [];
        for (const q of QUERIES) {
          // One untimed warm-up each (page cache, DuckDB's metadata caches), then alternate the sides.
          const warmP = await fs.query(q.plumbline);
          const warmD = await conn.runAndReadAll(q.duckdb);
          if (warmP.table.length !== warmD.currentRowCount) {
            throw new Error(`${q.key}: plumbline returned ${warmP.table.length} rows, plain DuckDB ${warmD.currentRowCount}`);
          }
          const run: Record<Variant, () => Promise<unknown>> = {
            plumbline: () => fs.query(q.plumbline),
            duckdb: () => conn.runAndReadAll(q.duckdb),
            duckdbStream: () => streamOnly(conn, q.duckdb),
            duckdbRunToTable: () => runToTable(conn, q.duckdb),
            duckdbJS: async () => (await conn.runAndReadAll(q.duckdb)).getColumnsJS(),
          };
          const runsMs = Object.fromEntries(VARIANTS.map((v) => [v, [] as number[]])) as Record<Variant, number[]>;
          // Rounds alternate the variants, so drift on a shared machine hits them alike.
          for (let k = 0; k < RUNS; k++) for (const v of VARIANTS) runsMs[v].push(round((await timed(run[v])).ms));
          const medianMs = Object.fromEntries(VARIANTS.map((v) => [v, round(median(runsMs[v]))])) as Record<Variant, number>;
          const fig: QueryResultFigures = { key: q.key, target: q.target, label: q.label, rows: warmP.table.length, runsMs, medianMs, ratio: round(medianMs.plumbline / medianMs.duckdb, 3) };
          results.push(fig);
          log(`${q.key}: ${VARIANTS.map((v) => `${v} ${medianMs[v].toFixed(1)} ms`).join(', ')}; ratio ${fig.ratio.toFixed(2)}x; ${fmtInt(fig.rows)} rows`);
        }

        report.metrics.push(
          { label: 'setup: ingest 1M rows (offline only)', value: round(ingest.ms, 0), unit: 'ms', note: `${ingest.value.offline?.files.length ?? 0} files` },
        );
        for (const r of results) {
          for (const v of VARIANTS) {
            report.metrics.push({ label: `${r.key}: ${VARIANT_LABELS[v]}`, value: round(r.medianMs[v], 1), unit: 'ms', ...(v === 'plumbline' ? { note: `median of ${RUNS}, ${fmtInt(r.rows)} rows` } : {}) });
          }
          report.metrics.push({ label: `${r.key}: plumbline / DuckDB runAndReadAll`, value: round(r.ratio, 2), unit: 'x' });
          if (r.target) report.targets.push({ label: `${r.label}`, goal: `<= ${TARGET_RATIO}x plain DuckDB`, actual: round(r.ratio, 2), unit: 'x', pass: r.ratio <= TARGET_RATIO });
        }
        report.notes.push(
          `Plain DuckDB reads read_parquet('<ResolvedOutputS3Uri folder>/**/*.parquet', hive_partitioning = false) through a view of the same name, so SELECT * returns the same columns as plumbline's view (no year/month/day/hour).`,
          `The point-in-time query is given to plumbline as written in the recipe (event_time <= timestamp '${AS_OF}'); plain DuckDB gets the guard's documented rewrite (event_time <= epoch(timestamp '...')).`,
        );
        report.details = { rows: ROWS, runs: RUNS, folder, files: ingest.value.offline?.files.length ?? 0, ingestMs: round(ingest.ms), queries: QUERIES, results };
      } finally {
        await platform.close();
      }
    } finally {
      if (plain) {
        plain.conn.closeSync();
        plain.instance.closeSync();
      }
      await ws.remove();
    }
    return report;
  },
};
