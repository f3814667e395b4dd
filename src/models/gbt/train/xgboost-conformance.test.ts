/**
 * Conformance with XGBoost 1.7 (`/usr/bin/python3 -c "import xgboost"`, Debian's python3-xgboost): the same
 * small datasets and parameters are trained by both, with `tree_method='hist'` and `nthread=1` (XGBoost's
 * histogram sums are in row order only on one thread), and the models are compared field by field. Without
 * sampling they are expected to be identical: every node's feature, threshold, default direction, gain,
 * cover and weight as float32 bits, and the margins. Skipped, visibly, when XGBoost 1.7 is not installed.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRandom } from '../../../core/random.js';
import type { Tree, TreeEnsemble } from '../tree-ensemble.js';
import { predictMargin } from '../predict/index.js';
import { train, type TrainResult } from './train.js';

const PYTHON = '/usr/bin/python3';

function xgboostVersion(): string | undefined {
  const r = spawnSync(PYTHON, ['-c', 'import xgboost; print(xgboost.__version__)'], { encoding: 'utf8' });
  return r.status === 0 ? r.stdout.trim() : undefined;
}
const version = xgboostVersion();
const available = version !== undefined && version.startsWith('1.7.');

const REFERENCE = `
import sys, json, numpy as np, xgboost as xgb
jobs = json.load(open(sys.argv[1]))
out = {}
for job in jobs:
    n, F = job['rows'], job['cols']
    X = np.fromfile(job['x'], dtype=np.float32).reshape(n, F)
    y = np.fromfile(job['y'], dtype=np.float32)
    w = np.fromfile(job['w'], dtype=np.float32) if job.get('w') else None
    d = xgb.DMatrix(X, label=y, weight=w, missing=np.nan)
    evals = [(d, 'train')]
    if job.get('vx'):
        VX = np.fromfile(job['vx'], dtype=np.float32).reshape(job['vrows'], F)
        dv = xgb.DMatrix(VX, label=np.fromfile(job['vy'], dtype=np.float32), missing=np.nan)
        evals.append((dv, 'validation'))
    params = dict(job['params'], tree_method='hist', nthread=1)
    result = {}
    b = xgb.train(params, d, job['rounds'], evals=evals, evals_result=result, verbose_eval=False,
                  early_stopping_rounds=job.get('esr'))
    # The lines EvaluationMonitor prints with verbose_eval=True, formatted as it formats them (capturing its
    # output is unreliable: 1.7.4 sometimes routes a line through the C++ communicator instead of print).
    rounds = len(next(iter(next(iter(result.values())).values())))
    lines = ['[%d]' % i + ''.join(f"\t{data}-{metric}:{log[i]:.5f}" for data, metrics in result.items() for metric, log in metrics.items())
             for i in range(rounds)]
    trees = json.loads(b.save_raw('json'))['learner']['gradient_booster']['model']['trees']
    keep = ['left_children', 'right_children', 'parents', 'split_indices', 'split_conditions', 'default_left',
            'sum_hessian', 'loss_changes', 'base_weights']
    out[job['name']] = {
        'trees': [{k: t[k] for k in keep} for t in trees],
        'margin': b.predict(d, output_margin=True).astype(float).ravel().tolist(),
        'evals': result,
        'attributes': b.attributes(),
        'lines': lines,
    }
json.dump(out, sys.stdout)
`;

interface Data {
  values: Float64Array;
  label: Float64Array;
  rows: number;
  cols: number;
  weight?: Float64Array;
}

/** The chapter's data: 6 integer features 60..100; label = sum of the first three > 240, or forced positive 60% of the time. */
function chapter(n: number, seed: number, missing = 0): Data {
  const r = createRandom(seed);
  const cols = 6;
  const values = new Float64Array(n * cols);
  const label = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let s = 0;
    for (let f = 0; f < cols; f++) {
      const v = r.int(60, 100);
      values[i * cols + f] = v;
      if (f < 3) s += v;
    }
    label[i] = s > 240 || r.next() < 0.6 ? 1 : 0;
    if (missing > 0) for (let f = 0; f < cols; f++) if (r.next() < missing) values[i * cols + f] = NaN;
  }
  return { values, label, rows: n, cols };
}

function regression(n: number, seed: number): Data {
  const r = createRandom(seed);
  const cols = 5;
  const values = new Float64Array(n * cols);
  const label = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const x = (f: number): number => values[i * cols + f]!;
    for (let f = 0; f < cols; f++) values[i * cols + f] = Math.fround(r.next() * 10 - 5);
    label[i] = Math.fround(2 * x(0) + 3 * Math.sin(x(1)) + 0.5 * x(2) * x(3) + r.next());
  }
  return { values, label, rows: n, cols };
}

function threeClass(n: number, seed: number): Data {
  const r = createRandom(seed);
  const cols = 4;
  const values = new Float64Array(n * cols);
  const label = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    for (let f = 0; f < cols; f++) values[i * cols + f] = Math.fround(r.next() * 4);
    const s = values[i * cols]! + 0.5 * values[i * cols + 1]! + r.next();
    label[i] = s < 2 ? 0 : s < 3.5 ? 1 : 2;
  }
  return { values, label, rows: n, cols };
}

/** Continuous features with 5% missing values: enough rows for XGBoost's sketch to merge and prune levels. */
function continuous(n: number, seed: number): Data {
  const r = createRandom(seed);
  const cols = 8;
  const values = new Float64Array(n * cols);
  const label = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    for (let f = 0; f < cols; f++) values[i * cols + f] = r.next() < 0.05 ? NaN : Math.fround(r.next() * 2 - 1 + (f === 7 ? Math.floor(r.next() * 3) : 0));
    const x = (f: number): number => values[i * cols + f]! || 0;
    label[i] = x(0) + x(1) * x(1) - 0.3 * x(2) + (r.next() - 0.5) > 0.3 ? 1 : 0;
  }
  return { values, label, rows: n, cols };
}

function withWeights(d: Data, seed: number): Data {
  const r = createRandom(seed);
  return { ...d, weight: Float64Array.from({ length: d.rows }, () => Math.fround(0.2 + 2 * r.next())) };
}

interface Case {
  name: string;
  data: Data;
  validation?: Data;
  params: Record<string, unknown>;
  rounds: number;
  esr?: number;
  verbose?: boolean;
}

const CASES: Case[] = [
  { name: 'chapter, defaults', data: chapter(1000, 7), params: { objective: 'binary:logistic' }, rounds: 20 },
  {
    name: 'chapter, SageMaker settings, validation, early stopping',
    data: chapter(1000, 7),
    validation: chapter(400, 70),
    params: { objective: 'binary:logistic', max_depth: 8, eta: 0.1, min_child_weight: 4, eval_metric: ['logloss', 'auc'] },
    rounds: 300,
    esr: 10,
    verbose: true,
  },
  { name: 'chapter, 10% missing, weights', data: withWeights(chapter(1000, 8, 0.1), 11), params: { objective: 'binary:logistic', eval_metric: ['auc', 'error'] }, rounds: 15 },
  { name: 'regression', data: regression(1000, 3), params: { objective: 'reg:squarederror', eval_metric: ['mae', 'rmse'] }, rounds: 20 },
  {
    name: 'regression, alpha lambda max_delta_step gamma max_bin',
    data: regression(1000, 4),
    params: { objective: 'reg:squarederror', alpha: 0.5, lambda: 2, max_delta_step: 0.7, gamma: 1, max_bin: 32 },
    rounds: 15,
  },
  { name: 'three classes', data: threeClass(900, 5), params: { objective: 'multi:softprob', num_class: 3, eval_metric: ['mlogloss', 'merror'] }, rounds: 10 },
  { name: 'reg:logistic, scale_pos_weight', data: chapter(800, 9), params: { objective: 'reg:logistic', scale_pos_weight: 2.5 }, rounds: 10 },
  {
    name: '30000 continuous rows, missing values, weights, max_bin 64',
    data: withWeights(continuous(30000, 21), 22),
    params: { objective: 'binary:logistic', max_depth: 6, max_bin: 64, eval_metric: ['auc'] },
    rounds: 6,
  },
  { name: '10000 rows, max_bin 300 (16-bit bins)', data: continuous(10000, 23), params: { objective: 'binary:logistic', max_depth: 5, max_bin: 300 }, rounds: 4 },
];

interface Reference {
  trees: Record<string, number[]>[];
  margin: number[];
  evals: Record<string, Record<string, number[]>>;
  attributes: Record<string, string>;
  lines: string[];
}

const FIELDS: [string, keyof Tree][] = [
  ['left_children', 'left'],
  ['right_children', 'right'],
  ['parents', 'parent'],
  ['split_indices', 'splitIndex'],
  ['split_conditions', 'splitCondition'],
  ['default_left', 'defaultLeft'],
  ['sum_hessian', 'sumHessian'],
  ['loss_changes', 'lossChange'],
  ['base_weights', 'baseWeight'],
];

/** Margins of the training rows from the predict module (which must agree with XGBoost too). */
function trainMargins(model: TreeEnsemble, d: Data): Float64Array {
  return predictMargin(model, { rows: d.rows, cols: d.cols, values: d.values });
}

describe.skipIf(!available)(`conformance with XGBoost ${version ?? '(not installed at /usr/bin/python3: skipped)'}`, () => {
  const dir = available ? mkdtempSync(join(tmpdir(), 'plumbline-xgb-')) : '';
  const reference: Record<string, Reference> = {};
  const ours: Record<string, { result: TrainResult; lines: string[] }> = {};

  beforeAll(async () => {
    const write = (name: string, a: ArrayLike<number>): string => {
      const path = join(dir, name);
      writeFileSync(path, Float32Array.from(a));
      return path;
    };
    const jobs = CASES.map((c, i) => ({
      name: c.name,
      rows: c.data.rows,
      cols: c.data.cols,
      x: write(`${i}-x`, c.data.values),
      y: write(`${i}-y`, c.data.label),
      ...(c.data.weight ? { w: write(`${i}-w`, c.data.weight) } : {}),
      ...(c.validation ? { vx: write(`${i}-vx`, c.validation.values), vy: write(`${i}-vy`, c.validation.label), vrows: c.validation.rows } : {}),
      params: c.params,
      rounds: c.rounds,
      ...(c.esr ? { esr: c.esr } : {}),
      ...(c.verbose ? { verbose: true } : {}),
    }));
    writeFileSync(join(dir, 'jobs.json'), JSON.stringify(jobs));
    const run = spawnSync(PYTHON, ['-c', REFERENCE, join(dir, 'jobs.json')], { encoding: 'utf8', maxBuffer: 1 << 28 });
    if (run.status !== 0) throw new Error(`XGBoost reference failed: ${run.stderr}`);
    Object.assign(reference, JSON.parse(run.stdout));
    for (const c of CASES) {
      const lines: string[] = [];
      const result = await train(
        { ...c.params, num_round: c.rounds, ...(c.esr ? { early_stopping_rounds: c.esr } : {}) },
        { matrix: { rows: c.data.rows, cols: c.data.cols, values: c.data.values }, label: c.data.label, ...(c.data.weight ? { weight: c.data.weight } : {}) },
        { ...(c.validation ? { validation: { matrix: { rows: c.validation.rows, cols: c.validation.cols, values: c.validation.values }, label: c.validation.label } } : {}), log: (l) => lines.push(l) },
      );
      ours[c.name] = { result, lines };
    }
  }, 60_000);

  afterAll(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  for (const c of CASES) {
    it(`${c.name}: every tree identical (structure, thresholds, default directions, gains, covers, weights)`, () => {
      const ref = reference[c.name]!;
      const { model } = ours[c.name]!.result;
      expect(model.trees.length).toBe(ref.trees.length);
      const mismatches: string[] = [];
      ref.trees.forEach((rt, t) => {
        for (const [json, field] of FIELDS) {
          // XGBoost writes the root's parent as 2147483647; the TreeEnsemble convention is -1.
          const want = rt[json]!.map((v) => (json === 'parents' && v === 2147483647 ? -1 : Math.fround(Number(v))));
          const got = Array.from(model.trees[t]![field] as ArrayLike<number>);
          const same = want.length === got.length && want.every((v, i) => v === got[i] || (v === 0 && got[i] === 0));
          if (!same) mismatches.push(`tree ${t} ${json}`);
        }
      });
      expect(mismatches).toEqual([]);
    });

    it(`${c.name}: margins and metrics as XGBoost`, () => {
      const ref = reference[c.name]!;
      const { result, lines } = ours[c.name]!;
      const margin = trainMargins(result.model, c.data);
      let worst = 0;
      for (let i = 0; i < margin.length; i++) worst = Math.max(worst, Math.abs(margin[i]! - ref.margin[i]!));
      expect(worst).toBeLessThanOrEqual(1e-6);
      for (const [set, metrics] of Object.entries(ref.evals)) {
        for (const [metric, values] of Object.entries(metrics)) {
          const got = result.evals.map((e) => e[set as 'train' | 'validation']![metric]!);
          expect(got.length).toBe(values.length);
          got.forEach((v, i) => expect(Math.abs(v - values[i]!)).toBeLessThan(1e-7));
        }
      }
      if (c.esr) {
        expect(result.model.attributes).toEqual(ref.attributes);
        expect(result.bestIteration).toBe(Number(ref.attributes.best_iteration));
      }
      if (c.verbose) expect(lines).toEqual(ref.lines);
    });
  }
});
