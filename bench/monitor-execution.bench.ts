/**
 * One data-quality monitoring execution over 100k captured records (the chapter's endpoint: 6 inputs + the
 * model's probability, CSV bodies in SageMaker's capture JSON Lines, 60 files of one minute each in one hour
 * folder): read the window, statistics with KLL sketches, every check against a baseline, plumbline's drift tests,
 * the HTML report and the three files, the catalog record and the metrics. Best of 3. Target: under 3 s.
 * Reference, same run: Python json + pandas/numpy parsing the same files and computing the same per-column
 * numbers (`bench/monitor_execution_ref.py` under /usr/bin/python3); the per-column sums must agree.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { fixedClock } from '../src/core/clock.js';
import { generateScholarship } from '../src/datasets/index.js';
import { createPlatform } from '../src/platform.js';
import { writeTable } from '../src/table/index.js';
import { fmtInt, median, newReport, round, tempWorkspace, timed, runReferenceScript, type BenchReport, type Benchmark } from './common.js';

const RECORDS = 100_000;
const FILES = 60;
const REPS = 3;
const GOAL_MS = 3000;
const PYTHON = process.env.MONITOR_REF_PYTHON ?? '/usr/bin/python3';
const REF_SCRIPT = join(dirname(fileURLToPath(import.meta.url)), 'monitor_execution_ref.py');
const INPUTS = ['sex', 'math', 'science', 'technology', 'random1', 'random2'];
const HOUR_START = Date.UTC(2026, 10, 26, 10);

interface RefResult {
  pandas: string;
  bestSeconds: number;
  records: number;
  sums: Record<string, number>;
  peakRssMb: number;
}

/** Writes RECORDS capture lines (SageMaker's format) into FILES files of the 10:00 hour folder. */
async function writeCapture(dir: string): Promise<void> {
  const t = generateScholarship({ rows: RECORDS, seed: 11 });
  const cols = INPUTS.map((n) => t.columns.find((c) => c.name === n)!.values as Float64Array);
  const folder = join(dir, 'ep', 'AllTraffic', '2026', '11', '26', '10');
  await mkdir(folder, { recursive: true });
  const perFile = Math.ceil(RECORDS / FILES);
  for (let f = 0; f < FILES; f++) {
    const lines: string[] = [];
    for (let i = f * perFile; i < Math.min(RECORDS, (f + 1) * perFile); i++) {
      const input = cols.map((c) => c[i]).join(',');
      const score = ((cols[1]![i]! + cols[2]![i]! + cols[3]![i]!) / 300).toFixed(6);
      const at = new Date(HOUR_START + Math.floor((i / RECORDS) * 3_600_000)).toISOString().replace(/\.\d{3}Z$/, 'Z');
      lines.push(
        JSON.stringify({
          captureData: {
            endpointInput: { observedContentType: 'text/csv', mode: 'INPUT', data: input, encoding: 'CSV' },
            endpointOutput: { observedContentType: 'text/csv; charset=utf-8', mode: 'OUTPUT', data: score, encoding: 'CSV' },
          },
          eventMetadata: { eventId: `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`, inferenceTime: at },
          eventVersion: '0',
        }),
      );
    }
    await writeFile(join(folder, `${String(f).padStart(2, '0')}-00-000-${f}.jsonl`), lines.join('\n') + '\n');
  }
}

export const benchmark: Benchmark = {
  name: 'monitor-execution',
  description: `one monitoring execution over ${fmtInt(RECORDS)} captured records (checks, drift, report, files); vs json + pandas`,
  async run(log): Promise<BenchReport> {
    const report = newReport();
    const ws = await tempWorkspace('monitor-execution');
    try {
      const captureDir = join(ws.home, 'capture');
      await writeCapture(captureDir);
      const train = generateScholarship({ rows: 1000, seed: 42 });
      const csv = join(ws.home, 'training_data.csv');
      await writeTable({ length: train.length, columns: train.columns.filter((c) => ['approved', ...INPUTS].includes(c.name)) }, csv);
      log(`wrote ${fmtInt(RECORDS)} capture records in ${FILES} files`);

      log(`reference: ${PYTHON} ${REF_SCRIPT} ...`);
      const ref = await runReferenceScript<RefResult>(PYTHON, REF_SCRIPT, [captureDir, String(REPS)]);
      if (ref.result) log(`json + pandas ${ref.result.pandas}: best ${(ref.result.bestSeconds * 1000).toFixed(0)} ms for ${fmtInt(ref.result.records)} records`);
      else log(`reference skipped: ${ref.unavailable}`);

      const clock = fixedClock(HOUR_START + 3_600_000 + 5000);
      const platform = await createPlatform({ home: join(ws.home, 'ws'), clock, offlineFlushIntervalMs: 0, purgeIntervalMs: 0 });
      try {
        const baseline = await platform.monitor.suggestBaseline({ dataset: csv, output: join(ws.home, 'baseline') });
        await platform.monitor.createMonitoringSchedule({
          monitorScheduleName: 'bench',
          endpointInput: 'ep',
          captureDestination: captureDir,
          statistics: baseline.files.statistics,
          constraints: baseline.files.constraints,
          outputS3Uri: join(ws.home, 'reports'),
          columnMapping: 'position',
        });
        const heap0 = process.memoryUsage();
        let heapPeakMb = 0;
        const runs: number[] = [];
        let last;
        for (let rep = 0; rep < REPS; rep++) {
          clock.advance(1);
          const r = await timed(() => platform.monitor.runMonitoringSchedule('bench', { start: HOUR_START, end: HOUR_START + 3_600_000 }));
          runs.push(r.ms);
          last = r.value;
          const m = process.memoryUsage();
          heapPeakMb = Math.max(heapPeakMb, (m.heapUsed + m.arrayBuffers - heap0.heapUsed - heap0.arrayBuffers) / 2 ** 20);
        }
        if (!last || last.RecordsAnalysed !== RECORDS) throw new Error(`the execution analysed ${last?.RecordsAnalysed} records, expected ${RECORDS}: ${last?.FailureReason ?? ''}`);
        const best = Math.min(...runs);
        log(`execution: best ${best.toFixed(0)} ms, median ${median(runs).toFixed(0)} ms; ${last.MonitoringExecutionStatus}, ${last.ViolationCount} violation(s)`);
        if (ref.result) {
          const stats = await platform.monitor.latestMonitoringStatistics('bench');
          const features = (stats!.body as { features: { name: string; numerical_statistics?: { sum: number } }[] }).features;
          features.forEach((f, i) => {
            const expected = ref.result!.sums[String(i)];
            if (expected === undefined || Math.abs(f.numerical_statistics!.sum - expected) > 1e-6 * Math.max(1, Math.abs(expected))) {
              throw new Error(`sum of ${f.name} differs from pandas: ${f.numerical_statistics?.sum} vs ${expected}`);
            }
          });
          report.notes.push('per-column sums of the execution statistics equal json + pandas');
        }
        report.metrics.push({ label: 'execution (100k records), best', value: round(best, 0), unit: 'ms', note: `median ${median(runs).toFixed(0)} ms of ${REPS}` });
        report.metrics.push({ label: 'records per second', value: round(RECORDS / (best / 1000), 0), unit: 'rec/s' });
        report.metrics.push({ label: 'heap + array buffers added (peak)', value: round(heapPeakMb, 0), unit: 'MB' });
        if (ref.result) {
          report.metrics.push({ label: 'json + pandas (parse + statistics), best', value: round(ref.result.bestSeconds * 1000, 0), unit: 'ms' });
          report.metrics.push({ label: 'plumbline / pandas', value: round(best / (ref.result.bestSeconds * 1000), 2), unit: 'x' });
          report.metrics.push({ label: 'pandas process peak RSS', value: round(ref.result.peakRssMb, 0), unit: 'MB' });
        }
        report.targets.push({ label: 'execution over 100k captured records', goal: `< ${GOAL_MS} ms`, actual: round(best, 0), unit: 'ms', pass: best < GOAL_MS });
        report.details = { runs, reference: ref.result ?? ref.unavailable, status: last.MonitoringExecutionStatus, violations: last.ViolationCount };
      } finally {
        await platform.close();
      }
      return report;
    } finally {
      await ws.remove();
    }
  },
};
