/**
 * @module explain/kernel-shap
 * Kernel SHAP (Lundberg & Lee 2017) for any model behind a predict function, as Clarify runs it: the game
 * of a row x is v(S) = g(mean over baseline rows b of f(x_S, b_¬S)), where a feature in the coalition S
 * takes x's value and one outside takes the baseline row's, and g is the identity or, with `useLogit`,
 * the logit applied after averaging (as the `shap` package does). The empty coalition is enforced exactly
 * (expected value φ0 = g(mean_b f(b))), so is the full one (Σφ = g(f(x)) - φ0), and the φ are the
 * Shapley-kernel weighted least-squares fit over the coalitions of explain/coalitions.ts; with all
 * 2^M - 2 coalitions these are the exact Shapley values of the game.
 *
 * Every explained row uses the same coalitions, so the regression is factored once and each row costs a
 * matrix-vector product. The model sees large batches: rows x coalitions x baseline rows synthetic records
 * per call, not one call per coalition.
 */
import { invalid, ValidationError } from '../core/errors.js';
import { noProgress, type Progress } from '../core/progress.js';
import type { FeatureMatrix } from '../models/index.js';
import { buildCoalitions, projection } from './coalitions.js';

/** Scores row-major, rows x outputs. */
export type PredictFn = (matrix: FeatureMatrix) => Promise<Float64Array>;

/**
 * A faster way to score one coalition's records than building them and calling the model (tree models:
 * explain/tree-game.ts). Returns the scores of (x_u on S, b off S) for u in uniqueRows (outer), b in
 * uniqueBase (inner), rows x outputs, exactly as the model would score them.
 */
export interface CoalitionEvaluator {
  scores(inS: Uint8Array, uniqueRows: number[], uniqueBase: number[]): Promise<Float64Array>;
  /** Several coalitions at once (e.g. over worker threads); one score array per task, in order. */
  scoresMany?(tasks: { inS: Uint8Array; uniqueRows: number[]; uniqueBase: number[] }[]): Promise<Float64Array[]>;
}

export interface KernelShapOptions {
  /** Clarify's num_samples; default min(2M + 2048, 2^M - 2). */
  numSamples?: number;
  /** Seed of the coalition sampler. Default 0. */
  seed?: number;
  useLogit?: boolean;
  /** Indices of the features explained; the others move together as one unreported player. Default all. */
  featuresToExplain?: number[];
  /** Upper bound on synthetic records per predict call (default 2^20). */
  maxBatchRecords?: number;
  /** Scores coalitions without building the records (for the data and baseline given to kernelShap). */
  evaluator?: CoalitionEvaluator;
  progress?: Progress;
}

export interface KernelShapResult {
  /** Number of model outputs K. */
  outputs: number;
  /** Explained feature indices (columns of `values`). */
  features: number[];
  /** φ0 per output. */
  expectedValue: Float64Array;
  /** rows x outputs x features (the explained ones, in `features` order). */
  values: Float64Array;
  /** g(f(x)) per row and output: expectedValue + Σ values (+ the unreported rest, when any). */
  prediction: Float64Array;
  nSamples: number;
  coalitions: number;
  exact: boolean;
}

const EPS = 1e-15;

function logit(p: number): number {
  const q = p < EPS ? EPS : p > 1 - EPS ? 1 - EPS : p;
  return Math.log(q / (1 - q));
}

export async function kernelShap(predict: PredictFn, data: FeatureMatrix, baseline: FeatureMatrix, options: KernelShapOptions = {}): Promise<KernelShapResult> {
  const M = data.cols;
  if (baseline.cols !== M) throw invalid('baseline', `${baseline.cols} columns`, `${M} columns, the features the model reads`);
  if (baseline.rows < 1) throw invalid('baseline', 'no rows', 'at least one baseline row');
  if (options.numSamples !== undefined && (!Number.isInteger(options.numSamples) || options.numSamples < 2)) {
    throw invalid('num_samples', options.numSamples, 'an integer >= 2');
  }
  const features = options.featuresToExplain ?? Array.from({ length: M }, (_, j) => j);
  for (const j of features) if (!Number.isInteger(j) || j < 0 || j >= M) throw invalid('features_to_explain', j, `feature indices 0..${M - 1}`);
  if (new Set(features).size !== features.length) throw invalid('features_to_explain', features, 'distinct features');
  if (features.length === 0) throw invalid('features_to_explain', features, 'at least one feature');
  const rest = Array.from({ length: M }, (_, j) => j).filter((j) => !features.includes(j));
  // Players: one per explained feature, plus the rest moving together.
  const playerOf = new Int32Array(M);
  features.forEach((j, p) => (playerOf[j] = p));
  for (const j of rest) playerOf[j] = features.length;
  const P = features.length + (rest.length > 0 ? 1 : 0);
  const progress = options.progress ?? noProgress;

  const g = options.useLogit ? logit : (v: number) => v;
  const checkProbability = (v: number, what: string) => {
    if (options.useLogit && !(v >= 0 && v <= 1)) {
      throw new ValidationError([{ path: 'use_logit', message: `the model's output ${v} for ${what} is not a probability in [0, 1]; use_logit needs a model that outputs probabilities` }]);
    }
  };

  const baseScores = await predict(baseline);
  const K = baseScores.length / baseline.rows;
  if (!Number.isInteger(K) || K < 1) throw new ValidationError([{ path: 'model', message: `the model returned ${baseScores.length} values for ${baseline.rows} baseline rows` }]);
  const expectedValue = new Float64Array(K);
  for (let k = 0; k < K; k++) {
    let s = 0;
    for (let b = 0; b < baseline.rows; b++) {
      const v = baseScores[b * K + k]!;
      checkProbability(v, `baseline row ${b + 1}`);
      s += v;
    }
    expectedValue[k] = g(s / baseline.rows);
  }
  const full = await predict(data);
  const prediction = new Float64Array(data.rows * K);
  for (let i = 0; i < data.rows * K; i++) {
    checkProbability(full[i]!, `row ${Math.floor(i / K) + 1}`);
    prediction[i] = g(full[i]!);
  }

  const set = buildCoalitions(P, options.numSamples, options.seed ?? 0);
  const proj = projection(set);
  const n = set.count;
  const nb = baseline.rows;
  const N = data.rows;
  const maxRecords = options.maxBatchRecords ?? 1 << 20;
  // game[(c * N + i) * K + k] = g(mean_b f(x_i on the coalition's features, b elsewhere)).
  const game = new Float64Array(n * N * K);
  progress.start(n + N, 'Kernel SHAP');

  // Per coalition, only distinct (x on S, b off S) pairs go to the model: a row's part on S and a baseline
  // row's part off S repeat often (few distinct values per feature, small or large coalitions).
  interface Pending { c: number; rowIds: Int32Array; baseCounts: Float64Array; uniqueRows: number[]; uniqueBase: number[]; offset: number }
  let pending: Pending[] = [];
  const evaluatorTasks: { p: Pending; inS: Uint8Array }[] = [];
  let pendingRecords = 0;
  const fill = (p: Pending, scores: Float64Array) => {
    const ub = p.uniqueBase.length;
    for (let i = 0; i < N; i++) {
      const ro = (p.offset + p.rowIds[i]! * ub) * K;
      for (let k = 0; k < K; k++) {
        let s = 0;
        for (let u = 0; u < ub; u++) s += p.baseCounts[u]! * scores[ro + u * K + k]!;
        game[(p.c * N + i) * K + k] = g(s / nb);
      }
    }
    progress.tick(1);
  };
  const flush = async () => {
    if (pending.length === 0) return;
    const synth = new Float64Array(pendingRecords * M);
    for (const p of pending) {
      const mo = p.c * P;
      let o = p.offset * M;
      for (const i of p.uniqueRows) {
        const xo = i * M;
        for (const b of p.uniqueBase) {
          const bo = b * M;
          for (let j = 0; j < M; j++) synth[o + j] = set.masks[mo + playerOf[j]!] === 1 ? data.values[xo + j]! : baseline.values[bo + j]!;
          o += M;
        }
      }
    }
    const scores = await predict({ rows: pendingRecords, cols: M, values: synth });
    if (scores.length !== pendingRecords * K) throw new ValidationError([{ path: 'model', message: `the model returned ${scores.length} values for ${pendingRecords} records, expected ${K} per record` }]);
    for (const p of pending) fill(p, scores);
    pending = [];
    pendingRecords = 0;
  };
  for (let c = 0; c < n; c++) {
    const mo = c * P;
    const on: number[] = [];
    const off: number[] = [];
    for (let j = 0; j < M; j++) (set.masks[mo + playerOf[j]!] === 1 ? on : off).push(j);
    const rows = distinct(data, on);
    const base = distinct(baseline, off);
    const baseCounts = new Float64Array(base.unique.length);
    for (let b = 0; b < nb; b++) baseCounts[base.ids[b]!]! += 1;
    if (options.evaluator) {
      const inS = new Uint8Array(M);
      for (const j of on) inS[j] = 1;
      const p: Pending = { c, rowIds: rows.ids, baseCounts, uniqueRows: rows.unique, uniqueBase: base.unique, offset: 0 };
      if (options.evaluator.scoresMany) evaluatorTasks.push({ p, inS });
      else fill(p, await options.evaluator.scores(inS, rows.unique, base.unique));
      continue;
    }
    const records = rows.unique.length * base.unique.length;
    if (pendingRecords > 0 && pendingRecords + records > maxRecords) await flush();
    pending.push({ c, rowIds: rows.ids, baseCounts, uniqueRows: rows.unique, uniqueBase: base.unique, offset: pendingRecords });
    pendingRecords += records;
  }
  await flush();
  if (evaluatorTasks.length > 0) {
    const scores = await options.evaluator!.scoresMany!(evaluatorTasks.map((t) => ({ inS: t.inS, uniqueRows: t.p.uniqueRows, uniqueBase: t.p.uniqueBase })));
    evaluatorTasks.forEach((t, i) => fill(t.p, scores[i]!));
  }

  const values = new Float64Array(N * K * features.length);
  const phi = new Float64Array(P);
  const y = new Float64Array(n);
  for (let row = 0; row < N; row++) {
    for (let k = 0; k < K; k++) {
      const delta = prediction[row * K + k]! - expectedValue[k]!;
      if (P === 1) phi[0] = delta;
      else {
        for (let c = 0; c < n; c++) y[c] = game[(c * N + row) * K + k]! - expectedValue[k]! - set.masks[c * P + P - 1]! * delta;
        let sum = 0;
        for (let a = 0; a < P - 1; a++) {
          let s = 0;
          for (let c = 0; c < n; c++) s += proj[a * n + c]! * y[c]!;
          phi[a] = s;
          sum += s;
        }
        phi[P - 1] = delta - sum;
      }
      const vo = (row * K + k) * features.length;
      for (let p = 0; p < features.length; p++) values[vo + p] = phi[p]!;
    }
    if ((row & 1023) === 1023) progress.tick(1024);
  }
  progress.tick(N & 1023);
  progress.done();
  return { outputs: K, features, expectedValue, values, prediction, nSamples: set.nSamples, coalitions: n, exact: set.exact };
}

/** Ids of the distinct value combinations of `columns` per row (first occurrence order), and one row per id. */
function distinct(m: FeatureMatrix, columns: number[]): { ids: Int32Array; unique: number[] } {
  const ids = new Int32Array(m.rows);
  const unique: number[] = [];
  if (columns.length === 0) {
    if (m.rows > 0) unique.push(0);
    return { ids, unique };
  }
  const seen = new Map<string | number, number>();
  const one = columns.length === 1 ? columns[0]! : -1;
  for (let i = 0; i < m.rows; i++) {
    const o = i * m.cols;
    let key: string | number;
    if (one >= 0) {
      const v = m.values[o + one]!;
      key = v !== v ? 'NaN' : Object.is(v, -0) ? 0 : v;
    } else {
      key = '';
      for (const j of columns) key += m.values[o + j]! + ',';
    }
    let id = seen.get(key);
    if (id === undefined) {
      id = unique.length;
      seen.set(key, id);
      unique.push(i);
    }
    ids[i] = id;
  }
  return { ids, unique };
}
