/**
 * Baseline on 1M rows x 7 columns (the chapter's scholarship columns, header CSV): `suggestBaseline` end to end
 * (DuckDB CSV read, statistics with Deequ's KLL sketches, suggested constraints, both files written in the
 * container's text form), best of 3. Target: under 3 s. Also: statistics of the table already in memory, and
 * merging the statistics of 10 parts. Reference, same run: pandas/numpy reading the same CSV and computing the
 * same numbers (counts, sum, mean, std, min, max, 10 buckets, exact deciles instead of a sketch) with
 * `bench/monitor_baseline_ref.py` under /usr/bin/python3; the sums and means are checked equal.
 */
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { sliceTable, type ColumnTable } from '../src/core/columns.js';
import { generateScholarship } from '../src/datasets/index.js';
import { computeStatistics, mergeStatistics, suggestBaseline } from '../src/monitor/baseline/index.js';
import { FsObjectStore } from '../src/storage/index.js';
import { writeTable } from '../src/table/index.js';
import { fmtInt, median, newReport, round, tempWorkspace, timed, runReferenceScript, type BenchReport, type Benchmark } from './common.js';

const ROWS = 1_000_000;
const REPS = 3;
const GOAL_MS = 3000;
const PYTHON = process.env.MONITOR_REF_PYTHON ?? '/usr/bin/python3';
const REF_SCRIPT = join(dirname(fileURLToPath(import.meta.url)), 'monitor_baseline_ref.py');
const COLUMNS = ['approved', 'sex', 'math', 'science', 'technology', 'random1', 'random2'];

interface RefResult {
  pandas: string;
  numpy: string;
  bestSeconds: number;
  bestStatsSeconds: number;
  values: Record<string, { num_present: number; sum: number; mean: number; std_dev: number; min: number; max: number }>;
  peakRssMb: number;
}

export const benchmark: Benchmark = {
  name: 'monitor-baseline',
  description: `Model Monitor baseline (statistics.json + constraints.json) of ${fmtInt(ROWS)} rows x ${COLUMNS.length} columns from CSV; vs pandas/numpy`,
  async run(log): Promise<BenchReport> {
    const report = newReport();
    const ws = await tempWorkspace('monitor-baseline');
    try {
      const t = generateScholarship({ rows: ROWS });
      const table: ColumnTable = { length: t.length, columns: t.columns.filter((c) => COLUMNS.includes(c.name)) };
      const csv = join(ws.home, 'training_data.csv');
      await writeTable(table, csv);
      log(`wrote ${fmtInt(ROWS)} x ${COLUMNS.length} CSV`);

      log(`reference: ${PYTHON} ${REF_SCRIPT} ...`);
      const ref = await runReferenceScript<RefResult>(PYTHON, REF_SCRIPT, [csv, String(REPS)]);
      if (ref.result) log(`pandas ${ref.result.pandas}: read + statistics best ${(ref.result.bestSeconds * 1000).toFixed(0)} ms (statistics alone ${(ref.result.bestStatsSeconds * 1000).toFixed(0)} ms)`);
      else log(`reference skipped: ${ref.unavailable}`);

      const store = new FsObjectStore(join(ws.home, 'objects'));
      const heap0 = process.memoryUsage();
      const runs: number[] = [];
      let last: Awaited<ReturnType<typeof suggestBaseline>> | undefined;
      let heapPeakMb = 0;
      for (let rep = 0; rep < REPS; rep++) {
        const r = await timed(() => suggestBaseline({ objectStore: store }, { dataset: csv, output: join(ws.home, `out-${rep}`) }));
        runs.push(r.ms);
        last = r.value;
        const m = process.memoryUsage();
        heapPeakMb = Math.max(heapPeakMb, (m.heapUsed + m.arrayBuffers - heap0.heapUsed - heap0.arrayBuffers) / 2 ** 20);
      }
      const best = Math.min(...runs);
      log(`suggestBaseline from CSV: best ${best.toFixed(0)} ms, median ${median(runs).toFixed(0)} ms`);

      const inMemory: number[] = [];
      for (let rep = 0; rep < REPS; rep++) inMemory.push((await timed(() => computeStatistics(table))).ms);
      const parts = Array.from({ length: 10 }, (_, i) => computeStatistics(sliceTable(table, (i * ROWS) / 10, ((i + 1) * ROWS) / 10)));
      const merge = await timed(() => mergeStatistics(parts));
      log(`computeStatistics in memory: best ${Math.min(...inMemory).toFixed(0)} ms; merge of 10 parts: ${merge.ms.toFixed(1)} ms`);

      if (ref.result && last) {
        for (const f of last.statistics.features) {
          const e = ref.result.values[f.name]!;
          const n = f.numerical_statistics!;
          if (n.sum !== e.sum || Math.abs(n.mean - e.mean) > 1e-9 || Math.abs(n.std_dev - e.std_dev) > 1e-9 || n.min !== e.min || n.max !== e.max) {
            throw new Error(`statistics of ${f.name} differ from pandas: ${JSON.stringify(n)} vs ${JSON.stringify(e)}`);
          }
        }
        report.notes.push('sum, mean, population std, min and max of every column equal pandas/numpy (std within 1e-9)');
      }

      report.metrics.push({ label: 'suggestBaseline (CSV -> files), best', value: round(best, 0), unit: 'ms', note: `median ${median(runs).toFixed(0)} ms of ${REPS}` });
      report.metrics.push({ label: 'computeStatistics (table in memory)', value: round(Math.min(...inMemory), 0), unit: 'ms' });
      report.metrics.push({ label: 'mergeStatistics (10 parts)', value: round(merge.ms, 1), unit: 'ms' });
      report.metrics.push({ label: 'heap + array buffers added (peak)', value: round(heapPeakMb, 0), unit: 'MB' });
      if (ref.result) {
        report.metrics.push({ label: 'pandas read_csv + statistics, best', value: round(ref.result.bestSeconds * 1000, 0), unit: 'ms' });
        report.metrics.push({ label: 'pandas statistics alone, best', value: round(ref.result.bestStatsSeconds * 1000, 0), unit: 'ms' });
        report.metrics.push({ label: 'plumbline / pandas (end to end)', value: round(best / (ref.result.bestSeconds * 1000), 2), unit: 'x' });
        report.metrics.push({ label: 'pandas process peak RSS', value: round(ref.result.peakRssMb, 0), unit: 'MB' });
      }
      report.targets.push({ label: 'baseline of 1M x 7 from CSV', goal: `< ${GOAL_MS} ms`, actual: round(best, 0), unit: 'ms', pass: best < GOAL_MS });
      report.details = { runs, inMemory, mergeMs: merge.ms, reference: ref.result ?? ref.unavailable };
      return report;
    } finally {
      await ws.remove();
    }
  },
};
