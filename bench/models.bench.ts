/**
 * Gradient-boosted trees: training and batch prediction of plumbline's GBT against XGBoost 1.7 (hist), same run.
 *
 * Data: a seeded 1M x 20 binary data set plus 200k test rows (12 Gaussian, 4 small-integer, 4 uniform 0..100
 * features; a non-linear logit with noise), written as float32 files to a temp dir for the Python side.
 * Training: binary:logistic, max_depth 8, eta 0.1, min_child_weight 4, 2 threads (BENCH_MODEL_THREADS=1: one, both tools), BENCH_MODEL_ROUNDS rounds
 * (default 100 so the benchmark stays under ~2 minutes; 500 for the full-length comparison). No per-round metrics.
 * Both test AUCs are computed here with the same function from each side's test probabilities.
 * Prediction: probabilities for the 1M training rows, plumbline `predictAsync` (2 workers, float64 input) vs
 * XGBoost `inplace_predict` (nthread=2, float32 numpy input), each with its own model, best of 3.
 * XGBoost runs in `bench/xgboost_ref.py` under /usr/bin/python3 (Debian's, with xgboost; $XGBOOST_PYTHON overrides),
 * before plumbline. Without xgboost the plumbline figures are reported and the comparison is skipped.
 */
import { spawn } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRandom } from '../src/core/random.js';
import { predictAsync } from '../src/models/gbt/predict/index.js';
import { train } from '../src/models/gbt/train/index.js';
import { auc } from '../src/models/gbt/train/metrics.js';
import { fmtInt, newReport, round, tempWorkspace, timed, type BenchReport, type Benchmark } from './common.js';

const TRAIN_ROWS = 1_000_000;
const TEST_ROWS = 200_000;
const COLS = 20;
const THREADS = threadCount();
const PREDICT_REPS = 3;
const DEFAULT_ROUNDS = 100;
const TRAIN_RATIO_GOAL = 1.5;
const AUC_GAP_GOAL = 0.002;
const PREDICT_SHARE_GOAL = 0.8;
const PYTHON = process.env.XGBOOST_PYTHON ?? '/usr/bin/python3';
const REF_SCRIPT = join(dirname(fileURLToPath(import.meta.url)), 'xgboost_ref.py');
const PARAMS = { objective: 'binary:logistic', max_depth: 8, eta: 0.1, min_child_weight: 4 } as const;

/** BENCH_MODEL_THREADS: 1 or 2 (default 2), for both tools. */
function threadCount(): 1 | 2 {
  const raw = process.env.BENCH_MODEL_THREADS;
  if (raw === undefined || raw === '' || raw === '2') return 2;
  if (raw === '1') return 1;
  throw new Error(`BENCH_MODEL_THREADS must be 1 or 2, got ${JSON.stringify(raw)}`);
}

function rounds(): number {
  const raw = process.env.BENCH_MODEL_ROUNDS;
  if (raw === undefined || raw === '') return DEFAULT_ROUNDS;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1) throw new Error(`BENCH_MODEL_ROUNDS must be a positive integer, got ${JSON.stringify(raw)}`);
  return n;
}

interface DataSet {
  x: Float32Array;
  y: Float32Array;
  positiveRate: number;
}

/** The scratch/gbt data set: row-major float32 features, 0/1 labels. */
function makeData(rows: number, seed: number): DataSet {
  const r = createRandom(seed);
  const x = new Float32Array(rows * COLS);
  const y = new Float32Array(rows);
  const gauss = (): number => Math.sqrt(-2 * Math.log(1 - r.next())) * Math.cos(2 * Math.PI * r.next());
  let positives = 0;
  for (let i = 0; i < rows; i++) {
    const o = i * COLS;
    for (let f = 0; f < COLS; f++) x[o + f] = f < 12 ? gauss() : f < 16 ? r.int(0, 9) : r.next() * 100;
    const z =
      0.8 * x[o]! - 0.6 * x[o + 1]! + 0.5 * x[o + 2]! * x[o + 3]! + (x[o + 12]! > 5 ? 0.7 : -0.3) + Math.sin(x[o + 16]! / 10) + 0.3 * x[o + 4]! ** 2 - 0.3 + gauss() * 0.8;
    y[i] = z > 0 ? 1 : 0;
    positives += y[i]!;
  }
  return { x, y, positiveRate: positives / rows };
}

interface XgbResult {
  xgboost: string;
  numpy: string;
  dmatrixSeconds: number;
  trainSeconds: number;
  testAucXgboostMetric: number;
  predictRows: number;
  predictBestSeconds: number;
  peakRssMb: number;
}

/** Runs bench/xgboost_ref.py; `unavailable` says why there is no XGBoost. */
function runXgboost(dir: string, numRounds: number): Promise<{ result?: XgbResult; unavailable?: string; wallMs: number }> {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const child = spawn(PYTHON, [REF_SCRIPT, dir, String(numRounds), String(THREADS), String(PREDICT_REPS)], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.on('error', (e) => resolve({ unavailable: `cannot run ${PYTHON}: ${e.message}`, wallMs: performance.now() - t0 }));
    child.on('close', (code) => {
      const wallMs = performance.now() - t0;
      const last = out.trim().split('\n').pop() ?? '';
      if (code !== 0) return reject(new Error(`${PYTHON} ${REF_SCRIPT} exited with code ${code}: ${err.trim().slice(-2000)}`));
      const parsed = JSON.parse(last) as XgbResult & { unavailable?: string };
      resolve(parsed.unavailable !== undefined ? { unavailable: parsed.unavailable, wallMs } : { result: parsed, wallMs });
    });
  });
}

function readF32(path: string): Float32Array {
  const b = readFileSync(path);
  return new Float32Array(b.buffer, b.byteOffset, b.byteLength / 4);
}

export const benchmark: Benchmark = {
  name: 'models',
  description: `GBT on ${fmtInt(TRAIN_ROWS)} x ${COLS} (binary:logistic, depth 8, ${THREADS} threads): plumbline train + predictAsync vs XGBoost hist + inplace_predict`,
  async run(log): Promise<BenchReport> {
    const report = newReport();
    const numRounds = rounds();
    const ws = await tempWorkspace('models');
    try {
      // Data
      const gen = await timed(() => ({ train: makeData(TRAIN_ROWS, 1), test: makeData(TEST_ROWS, 2) }));
      const { train: tr, test: te } = gen.value;
      writeFileSync(join(ws.home, 'train-x.f32'), tr.x);
      writeFileSync(join(ws.home, 'train-y.f32'), tr.y);
      writeFileSync(join(ws.home, 'test-x.f32'), te.x);
      writeFileSync(join(ws.home, 'test-y.f32'), te.y);
      log(`generated ${fmtInt(TRAIN_ROWS)} + ${fmtInt(TEST_ROWS)} rows x ${COLS} in ${gen.ms.toFixed(0)} ms (positive rate ${tr.positiveRate.toFixed(3)}); ${numRounds} rounds`);

      // XGBoost (first, while this process is idle)
      log(`XGBoost: ${PYTHON} ${REF_SCRIPT} ...`);
      const xgbRun = await runXgboost(ws.home, numRounds);
      const xgb = xgbRun.result;
      if (xgb) log(`XGBoost ${xgb.xgboost}: train ${xgb.trainSeconds.toFixed(2)} s (+ DMatrix ${xgb.dmatrixSeconds.toFixed(2)} s), predict ${xgb.predictBestSeconds.toFixed(2)} s`);
      else log(`XGBoost skipped: ${xgbRun.unavailable}`);

      // plumbline training
      const copy = await timed(() => ({
        matrix: { rows: TRAIN_ROWS, cols: COLS, values: Float64Array.from(tr.x) },
        label: Float64Array.from(tr.y),
        test: { rows: TEST_ROWS, cols: COLS, values: Float64Array.from(te.x) },
      }));
      const { matrix, label, test } = copy.value;
      const trained = await timed(() => train({ ...PARAMS, num_round: numRounds }, { matrix, label }, { threads: THREADS, evalTrain: false }));
      const model = trained.value.model;
      log(`plumbline: train ${(trained.ms / 1000).toFixed(2)} s (${model.trees.length} trees; float64 copy ${copy.ms.toFixed(0)} ms)`);

      // Test AUCs, same function for both
      const plProb = Float32Array.from(await predictAsync(model, test, { threads: THREADS }));
      const plAuc = auc(plProb, te.y, undefined);
      const xgbAuc = xgb ? auc(readF32(join(ws.home, 'xgb-test-prob.f32')), te.y, undefined) : undefined;

      // plumbline batch prediction over the 1M training rows
      let predictMs = Infinity;
      for (let i = 0; i < PREDICT_REPS; i++) predictMs = Math.min(predictMs, (await timed(() => predictAsync(model, matrix, { threads: THREADS }))).ms);
      log(`plumbline: predictAsync ${(predictMs / 1000).toFixed(2)} s for ${fmtInt(TRAIN_ROWS)} rows`);

      const plTrainS = trained.ms / 1000;
      const plRowsPerS = TRAIN_ROWS / (predictMs / 1000);
      report.metrics.push(
        { label: 'rounds (BENCH_MODEL_ROUNDS)', value: numRounds, unit: 'rounds', note: numRounds === DEFAULT_ROUNDS ? 'default; 500 for the full-length comparison' : undefined },
        { label: 'data generation (1.2M rows, seeded)', value: round(gen.ms, 0), unit: 'ms' },
        { label: 'plumbline train (wall)', value: round(plTrainS, 2), unit: 's', note: `+ ${copy.ms.toFixed(0)} ms float32 -> float64 copy` },
      );
      if (xgb) {
        report.metrics.push(
          { label: 'XGBoost train (wall)', value: round(xgb.trainSeconds, 2), unit: 's', note: `+ ${xgb.dmatrixSeconds.toFixed(2)} s DMatrix` },
          { label: 'train time plumbline / XGBoost', value: round(plTrainS / xgb.trainSeconds, 2), unit: 'x' },
        );
      }
      report.metrics.push({ label: 'plumbline test AUC', value: round(plAuc, 5), unit: 'AUC' });
      if (xgb && xgbAuc !== undefined) {
        report.metrics.push(
          { label: 'XGBoost test AUC', value: round(xgbAuc, 5), unit: 'AUC', note: `its own eval_metric: ${xgb.testAucXgboostMetric.toFixed(5)}` },
          { label: 'test AUC gap |plumbline - XGBoost|', value: round(Math.abs(plAuc - xgbAuc), 5), unit: 'AUC' },
        );
      }
      report.metrics.push({ label: `plumbline predictAsync, ${THREADS} workers`, value: Math.round(plRowsPerS), unit: 'rows/s', note: `${(predictMs / 1000).toFixed(2)} s, best of ${PREDICT_REPS}` });
      if (xgb) {
        const xgbRowsPerS = xgb.predictRows / xgb.predictBestSeconds;
        report.metrics.push(
          { label: `XGBoost inplace_predict, nthread=${THREADS}`, value: Math.round(xgbRowsPerS), unit: 'rows/s', note: `${xgb.predictBestSeconds.toFixed(2)} s, best of ${PREDICT_REPS}` },
          { label: 'predict throughput plumbline / XGBoost', value: round(plRowsPerS / xgbRowsPerS, 2), unit: 'x' },
          { label: 'XGBoost process wall (python, incl. loading)', value: round(xgbRun.wallMs / 1000, 1), unit: 's' },
          { label: 'XGBoost process peak RSS (ru_maxrss)', value: round(xgb.peakRssMb, 0), unit: 'MB' },
        );
        const ratio = plTrainS / xgb.trainSeconds;
        const gap = Math.abs(plAuc - xgbAuc!);
        const share = plRowsPerS / xgbRowsPerS;
        report.targets.push(
          { label: `train time vs XGBoost (${numRounds} rounds)`, goal: `<= ${TRAIN_RATIO_GOAL}x`, actual: round(ratio, 2), unit: 'x', pass: ratio <= TRAIN_RATIO_GOAL },
          { label: 'test AUC gap vs XGBoost', goal: `<= ${AUC_GAP_GOAL}`, actual: round(gap, 5), unit: 'AUC', pass: gap <= AUC_GAP_GOAL },
          { label: 'predict throughput vs XGBoost inplace_predict', goal: `>= ${PREDICT_SHARE_GOAL}x`, actual: round(share, 2), unit: 'x', pass: share >= PREDICT_SHARE_GOAL },
        );
      } else {
        report.notes.push(`XGBoost comparison skipped (${PYTHON} cannot import xgboost: ${xgbRun.unavailable}); no targets checked.`);
      }
      if (numRounds === DEFAULT_ROUNDS) report.notes.push(`${DEFAULT_ROUNDS} rounds (default) keeps the benchmark under ~2 minutes; BENCH_MODEL_ROUNDS=500 runs the full-length comparison (raise BENCH_TIMEOUT_MS if needed).`);
      report.notes.push('Training times exclude data preparation (plumbline: float32 -> float64 copy; XGBoost: DMatrix build); both include quantile binning. Each side predicts with its own model.');
      report.details = {
        trainRows: TRAIN_ROWS,
        testRows: TEST_ROWS,
        cols: COLS,
        threads: THREADS,
        rounds: numRounds,
        params: PARAMS,
        positiveRate: round(tr.positiveRate, 4),
        generationMs: round(gen.ms),
        plumbline: { trainSeconds: round(plTrainS, 3), copyMs: round(copy.ms), trees: model.trees.length, testAuc: plAuc, predictBestSeconds: round(predictMs / 1000, 3), predictRowsPerS: Math.round(plRowsPerS) },
        xgboost: xgb ? { ...xgb, testAuc: xgbAuc, processWallMs: round(xgbRun.wallMs) } : { unavailable: xgbRun.unavailable },
        python: PYTHON,
      };
      return report;
    } finally {
      await ws.remove();
    }
  },
};
