/**
 * Bias metrics on 1M rows: all 21 Clarify metrics with one binary facet (30% in d) and a group variable of 20
 * string values, from a table in memory (masks, group codes and every kernel included).
 * Target: the 20 count-based metrics (pre + post, FT excluded) in under 1 s wall time, best of 5.
 * Reported separately: FT (k-d tree kNN over 3 numeric features), bootstrap intervals (1000 replicates)
 * and the heap the run adds. Reference, same run: pandas/numpy computing 8 of the metrics (CI, DPL, CDDL, DPPL, DI,
 * RD, AD, CDDPL) from a DataFrame in memory (`bench/bias_ref.py` under /usr/bin/python3), with the values
 * checked equal to plumbline's, and FT with scikit-learn's KNeighborsClassifier as smclarify runs it.
 */
import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ColumnTable } from '../src/core/columns.js';
import { createRandom } from '../src/core/random.js';
import { POST_TRAINING_METRICS, postTrainingBias, preTrainingBias, resolveGroups, type BiasConfig, type MetricResult, type PostTrainingMetric } from '../src/bias/index.js';
import { fmtInt, median, newReport, round, tempWorkspace, timed, type BenchReport, type Benchmark } from './common.js';

const ROWS = 1_000_000;
const GROUPS = 20;
const REPS = 5;
const GOAL_MS = 1000;
const PYTHON = process.env.BIAS_REF_PYTHON ?? '/usr/bin/python3';
const REF_SCRIPT = join(dirname(fileURLToPath(import.meta.url)), 'bias_ref.py');
const COUNTED_POST = POST_TRAINING_METRICS.filter((m): m is Exclude<PostTrainingMetric, 'FT'> => m !== 'FT');
const REF_METRICS = ['CI', 'DPL', 'CDDL', 'DPPL', 'DI', 'RD', 'AD', 'CDDPL'];

function makeData(rows: number): { table: ColumnTable; d: Uint8Array; y: Uint8Array; p: Uint8Array; grp: string[]; x: Float64Array } {
  const r = createRandom(2024);
  const sex = new Float64Array(rows), label = new Float64Array(rows), pred = new Float64Array(rows);
  const x1 = new Float64Array(rows), x2 = new Float64Array(rows), x3 = new Float64Array(rows);
  const grp: string[] = new Array(rows);
  const d = new Uint8Array(rows), y = new Uint8Array(rows), p = new Uint8Array(rows);
  const names = Array.from({ length: GROUPS }, (_, i) => `g${String(i).padStart(2, '0')}`);
  for (let i = 0; i < rows; i++) {
    const g = r.int(0, GROUPS - 1);
    grp[i] = names[g]!;
    sex[i] = r.next() < 0.3 ? 0 : 1;
    x1[i] = r.next();
    x2[i] = r.next() * 10;
    x3[i] = r.int(0, 50);
    label[i] = r.next() < 0.3 + 0.2 * sex[i]! + 0.01 * g ? 1 : 0;
    pred[i] = x1[i]! * 0.5 + label[i]! * 0.4 + sex[i]! * 0.15 > 0.55 ? 1 : 0;
    d[i] = sex[i] === 0 ? 1 : 0;
    y[i] = label[i]!;
    p[i] = pred[i]!;
  }
  const x = new Float64Array(rows * 3);
  for (let i = 0; i < rows; i++) {
    x[i * 3] = x1[i]!;
    x[i * 3 + 1] = x2[i]!;
    x[i * 3 + 2] = x3[i]!;
  }
  const table: ColumnTable = {
    length: rows,
    columns: [
      { name: 'sex', type: 'int', values: sex },
      { name: 'grp', type: 'string', values: grp },
      { name: 'x1', type: 'float', values: x1 },
      { name: 'x2', type: 'float', values: x2 },
      { name: 'x3', type: 'int', values: x3 },
      { name: 'approved', type: 'int', values: label },
      { name: 'pred', type: 'int', values: pred },
    ],
  };
  return { table, d, y, p, grp, x };
}

interface RefResult {
  pandas: string;
  numpy: string;
  values: Record<string, number>;
  bestSeconds: number;
  ft: { sklearn: string; value: number; seconds: number } | { unavailable: string };
  peakRssMb: number;
}

function runReference(dir: string): Promise<{ result?: RefResult; unavailable?: string; wallMs: number }> {
  return new Promise((resolve) => {
    const t0 = performance.now();
    const child = spawn(PYTHON, [REF_SCRIPT, dir, String(REPS)], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (b: Buffer) => (out += b.toString()));
    child.stderr.on('data', (b: Buffer) => (err += b.toString()));
    child.on('error', (e) => resolve({ unavailable: `cannot run ${PYTHON}: ${e.message}`, wallMs: performance.now() - t0 }));
    child.on('close', (code) => {
      const wallMs = performance.now() - t0;
      if (code !== 0) return resolve({ unavailable: `${PYTHON} ${REF_SCRIPT} exited with ${code}: ${err.trim().slice(-500)}`, wallMs });
      resolve({ result: JSON.parse(out.trim().split('\n').pop()!) as RefResult, wallMs });
    });
  });
}

function byName(results: MetricResult[]): Record<string, number | null> {
  return Object.fromEntries(results.map((m) => [m.name, m.value]));
}

export const benchmark: Benchmark = {
  name: 'bias',
  description: `Clarify bias metrics on ${fmtInt(ROWS)} rows (binary facet, group variable of ${GROUPS} values): all 20 count-based metrics, FT, bootstrap; vs pandas/numpy`,
  async run(log): Promise<BenchReport> {
    const report = newReport();
    const ws = await tempWorkspace('bias');
    try {
      const gen = await timed(() => makeData(ROWS));
      const { table, d, y, p, grp, x } = gen.value;
      log(`generated ${fmtInt(ROWS)} rows in ${gen.ms.toFixed(0)} ms`);
      writeFileSync(join(ws.home, 'd.u8'), d);
      writeFileSync(join(ws.home, 'y.u8'), y);
      writeFileSync(join(ws.home, 'p.u8'), p);
      writeFileSync(join(ws.home, 'grp.txt'), grp.join('\n'));
      writeFileSync(join(ws.home, 'x.f64'), x);

      log(`reference: ${PYTHON} ${REF_SCRIPT} ...`);
      const ref = await runReference(ws.home);
      if (ref.result) log(`pandas ${ref.result.pandas}: ${REF_METRICS.length} metrics in ${(ref.result.bestSeconds * 1000).toFixed(0)} ms (best of ${REPS})`);
      else log(`reference skipped: ${ref.unavailable}`);

      const config: BiasConfig = { facets: [{ name: 'sex', values: [0] }], label: { name: 'approved', values: [1] }, predictedLabel: 'pred', groupVariable: 'grp', featureColumns: ['x1', 'x2', 'x3'] };
      const heap0 = process.memoryUsage().heapUsed + process.memoryUsage().arrayBuffers;
      const all: number[] = [];
      const resolveMs: number[] = [];
      let pre: MetricResult[] = [];
      let post: MetricResult[] = [];
      let heapPeak = 0;
      for (let rep = 0; rep < REPS; rep++) {
        const t0 = performance.now();
        const groups = resolveGroups(table, config);
        const t1 = performance.now();
        pre = preTrainingBias(table, config, { groups, methods: 'all' }).facets[0]!.reports[0]!.metrics;
        post = postTrainingBias(table, config, { groups, methods: COUNTED_POST }).facets[0]!.reports[0]!.metrics;
        all.push(performance.now() - t0);
        resolveMs.push(t1 - t0);
        const m = process.memoryUsage();
        heapPeak = Math.max(heapPeak, m.heapUsed + m.arrayBuffers - heap0);
      }
      const best = Math.min(...all);
      log(`20 metrics: best ${best.toFixed(0)} ms, median ${median(all).toFixed(0)} ms (of which masks + group codes: best ${Math.min(...resolveMs).toFixed(0)} ms)`);
      const failed = [...pre, ...post].filter((m) => m.value === null);
      if (failed.length > 0) throw new Error(`metrics failed: ${failed.map((m) => `${m.name}: ${m.error}`).join('; ')}`);

      const subset = await timed(() => {
        const groups = resolveGroups(table, config);
        preTrainingBias(table, config, { groups, methods: ['CI', 'DPL', 'CDDL'] });
        postTrainingBias(table, config, { groups, methods: ['DPPL', 'DI', 'RD', 'AD', 'CDDPL'] });
      });

      const ft = await timed(() => postTrainingBias(table, config, { methods: ['FT'] }).facets[0]!.reports[0]!.metrics[0]!);
      log(`FT: ${ft.value.value} in ${(ft.ms / 1000).toFixed(2)} s`);
      const boot = await timed(() => {
        const groups = resolveGroups(table, config);
        const b = { level: 0.95, samples: 1000, seed: 0 };
        preTrainingBias(table, config, { groups, methods: 'all', bootstrap: b });
        return postTrainingBias(table, config, { groups, methods: COUNTED_POST, bootstrap: b }).facets[0]!.reports[0]!.metrics;
      });
      const di = boot.value.find((m) => m.name === 'DI')!;
      log(`20 metrics with 95% bootstrap intervals (1000 replicates): ${boot.ms.toFixed(0)} ms; DI ${di.value?.toFixed(4)} [${di.confidenceInterval?.map((v) => v.toFixed(4)).join(', ')}]`);

      report.metrics.push(
        { label: '20 metrics (pre + post, no FT), best', value: round(best, 0), unit: 'ms', note: `median ${round(median(all), 0)} ms of ${REPS}` },
        { label: 'of which masks + group codes', value: round(Math.min(...resolveMs), 0), unit: 'ms', note: `best; median ${round(median(resolveMs), 0)} ms` },
        { label: `plumbline, the ${REF_METRICS.length} reference metrics`, value: round(subset.ms, 0), unit: 'ms' },
        { label: 'FT (kNN, 3 features)', value: round(ft.ms / 1000, 2), unit: 's', note: `${fmtInt(table.length - d.reduce((s, v) => s + v, 0))} a points, ${fmtInt(d.reduce((s, v) => s + v, 0))} d queries` },
        { label: '20 metrics + 95% bootstrap (1000 replicates)', value: round(boot.ms, 0), unit: 'ms' },
        { label: 'heap + array buffers added by a run', value: round(heapPeak / 2 ** 20, 0), unit: 'MB', note: 'process peak RSS below includes the 1M-row table' },
      );
      report.targets.push({ label: '20 bias metrics on 1M rows (FT excluded)', goal: `< ${GOAL_MS} ms`, actual: round(best, 0), unit: 'ms', pass: best < GOAL_MS });

      if (ref.result) {
        const ours = { ...byName(pre), ...byName(post) };
        const mismatched = REF_METRICS.filter((m) => Math.abs((ours[m] ?? NaN) - ref.result!.values[m]!) > 1e-9);
        if (mismatched.length > 0) throw new Error(`values differ from pandas: ${mismatched.map((m) => `${m} ${ours[m]} vs ${ref.result!.values[m]}`).join('; ')}`);
        const refMs = ref.result.bestSeconds * 1000;
        report.metrics.push(
          { label: `pandas/numpy, ${REF_METRICS.length} metrics, best`, value: round(refMs, 0), unit: 'ms', note: `pandas ${ref.result.pandas}, numpy ${ref.result.numpy}` },
          { label: `speed plumbline / pandas (${REF_METRICS.length} metrics)`, value: round(refMs / subset.ms, 2), unit: 'x', note: '>1 = plumbline faster' },
          { label: 'speed plumbline all 20 / pandas 8', value: round(refMs / best, 2), unit: 'x' },
          { label: 'pandas process peak RSS', value: round(ref.result.peakRssMb, 0), unit: 'MB' },
        );
        report.notes.push(`The ${REF_METRICS.length} reference metrics agree with pandas/numpy to 1e-9.`);
        const skFt = ref.result.ft;
        if ('value' in skFt) {
          report.metrics.push(
            { label: 'FT with scikit-learn KNeighborsClassifier', value: round(skFt.seconds, 2), unit: 's', note: `sklearn ${skFt.sklearn}, fit + predict` },
            { label: 'FT speed plumbline / scikit-learn', value: round(skFt.seconds / (ft.ms / 1000), 2), unit: 'x', note: '>1 = plumbline faster' },
          );
          report.notes.push(`FT: plumbline ${ft.value.value} vs scikit-learn ${skFt.value}${Math.abs((ft.value.value ?? NaN) - skFt.value) <= 1e-12 ? ' (equal)' : ' (DIFFERENT)'}.`);
        } else report.notes.push(`FT reference skipped: ${skFt.unavailable}`);
      } else report.notes.push(`pandas reference skipped: ${ref.unavailable}`);
      report.notes.push('Times start from a table in memory (reading the file is the table module benchmark). Bootstrap replicates resample cell counts (Poisson), so their cost does not grow with the row count.');
      report.details = { rows: ROWS, groups: GROUPS, reps: REPS, allMs: all, resolveMs, ftMs: ft.ms, bootstrapMs: boot.ms, reference: ref.result ?? ref.unavailable };
      return report;
    } finally {
      await ws.remove();
    }
  },
};
