/**
 * @module models/gbt/train/train
 * `train`: XGBoost-compatible gradient boosting (`tree_method=hist`, `grow_policy=depthwise`), in process.
 * Same parameters, defaults, gradients, quantile cuts, split rules and float32 arithmetic as XGBoost 1.7,
 * so that without sampling the trees match XGBoost's (see the conformance test); random sampling
 * (`subsample`, `colsample_*`) is deterministic for a seed but does not reproduce XGBoost's random streams.
 *
 * Per round: gradient pairs from the float32 margins, one tree per output group, margins of the training
 * rows updated from the leaves' row ranges (XGBoost's prediction cache), then the metrics of the training
 * and validation sets, printed as XGBoost's `EvaluationMonitor` prints them and watched for early stopping
 * as its `EarlyStopping` callback does (the last set's last metric).
 *
 * @example
 * const { model, evals } = await train({ objective: 'binary:logistic', max_depth: '8', eta: '0.1', num_round: '100' },
 *   { matrix, label }, { validation: { matrix: vm, label: vl }, log: console.log });
 */
import { ValidationError } from '../../../core/errors.js';
import { noProgress, type Progress } from '../../../core/progress.js';
import { createRandom } from '../../../core/random.js';
import type { FeatureMatrix } from '../../predictor.js';
import { predictMargin } from '../predict/index.js';
import type { Tree, TreeEnsemble } from '../tree-ensemble.js';
import { LocalBackend, type Backend, type BinnedMatrix } from './backend.js';
import { binMatrix, binMatrixThreaded, checkLabels, checkMatrix, checkWeights } from './data.js';
import { TreeGrower, type GrowParams } from './grow.js';
import { evaluateMetric, maximizes } from './metrics.js';
import { GRAD_LOGISTIC, GRAD_SQUARED } from './kernels.js';
import { baseMargin32, transform } from './objective.js';
import { isMulti, parseTrainParams, type MetricName, type RawParams, type TrainParams } from './params.js';
import { Arena, wasmSimd } from './wasm.js';

const f32 = Math.fround;

export interface TrainInput {
  matrix: FeatureMatrix;
  label: Float64Array;
  /** Row weights (>= 0). */
  weight?: Float64Array;
}

export interface TrainOptions {
  validation?: { matrix: FeatureMatrix; label: Float64Array };
  progress?: Progress;
  /** Receives XGBoost's evaluation lines (`[0]\ttrain-logloss:0.61234\tvalidation-logloss:0.62345`). */
  log?: (line: string) => void;
  /** 2 builds histograms and scans splits on two threads (same results as 1). Default: `nthread`, capped at 2, else 1. */
  threads?: 1 | 2;
  /** Evaluate the training set every round (default true, as SageMaker's XGBoost does). */
  evalTrain?: boolean;
  featureNames?: string[];
  /** Histogram kernel: 'wasm' (default, when the runtime has wasm SIMD) or 'js' (same results, slower). */
  kernel?: 'wasm' | 'js';
}

export interface RoundEval {
  round: number;
  train?: Record<string, number>;
  validation?: Record<string, number>;
}

export interface TrainResult {
  model: TreeEnsemble;
  evals: RoundEval[];
  /** With early stopping: the round with the best score of the watched metric. */
  bestIteration?: number;
  bestScore?: number;
  /** The parameters as parsed, defaults filled in. */
  params: TrainParams;
}

interface Validation {
  matrix: FeatureMatrix;
  rows: number;
  label: Float32Array;
}

interface EvalSet {
  name: 'train' | 'validation';
  label: Float32Array;
  weight: Float32Array | undefined;
  margin: Float32Array;
  pred: Float32Array;
}

export async function train(rawParams: RawParams, data: TrainInput, options: TrainOptions = {}): Promise<TrainResult> {
  const params = parseTrainParams(rawParams);
  if (!data || typeof data !== 'object') throw new ValidationError([{ path: 'train', message: 'expected { matrix, label }' }]);
  checkMatrix(data.matrix, 'train.matrix');
  const n = data.matrix.rows;
  const F = data.matrix.cols;
  const label = checkLabels(data.label, n, params, 'train.label');
  const weight = data.weight === undefined ? undefined : checkWeights(data.weight, n, 'train.weight');
  let validation: Validation | undefined;
  if (options.validation) {
    checkMatrix(options.validation.matrix, 'validation.matrix', F);
    const vlabel = checkLabels(options.validation.label, options.validation.matrix.rows, params, 'validation.label');
    validation = { matrix: options.validation.matrix, rows: options.validation.matrix.rows, label: vlabel };
  }
  if (options.featureNames !== undefined && options.featureNames.length !== F) {
    throw new ValidationError([{ path: 'featureNames', message: `got ${options.featureNames.length} names for ${F} features` }]);
  }
  const evalTrain = options.evalTrain ?? true;
  if (params.early_stopping_rounds !== undefined && !evalTrain && !validation) {
    throw new ValidationError([{ path: 'early_stopping_rounds', message: 'early stopping needs an evaluation set (a validation set, or evalTrain)' }]);
  }
  const threads = (options.threads ?? params.nthread ?? 1) >= 2 ? 2 : 1;

  const arena = createArena(n, F, options.kernel);
  const binned = threads === 2 ? await binMatrixThreaded(data.matrix, weight, params.max_bin, arena) : binMatrix(data.matrix, weight, params.max_bin, arena);
  const backend: Backend = threads === 2 ? await createThreadedBackend(binned) : new LocalBackend(binned);
  try {
    return await boost(params, binned, label, weight, validation, backend, options, evalTrain);
  } finally {
    backend.close();
  }
}

/**
 * The wasm memory for the kernels (the codes at up to 2 bytes per value and two position sets of codes,
 * gradient pairs and ids, plus histograms), or null (JS kernels) when wasm SIMD is missing or the data
 * would not fit in 4 GiB.
 */
function createArena(n: number, F: number, kernel: TrainOptions['kernel']): Arena | null {
  // Codes: the matrix's and two working copies, up to 2 bytes each, rows padded to whole words.
  const codes = 3 * n * (F + 3);
  if (kernel === 'js' || !wasmSimd() || !Arena.fits(2 * codes + 24 * n + (64 << 20))) return null;
  try {
    // Room for the histograms of a typical tree too (pages are committed when first written).
    return new Arena(codes + 24 * n + (64 << 20));
  } catch {
    // No room for the address space reservation (e.g. a virtual memory limit): the JS kernels do without.
    return null;
  }
}

async function createThreadedBackend(binned: BinnedMatrix): Promise<Backend> {
  const { ThreadedBackend } = await import('./threads.js');
  return ThreadedBackend.create(binned);
}

async function boost(
  params: TrainParams,
  binned: BinnedMatrix,
  label: Float32Array,
  weight: Float32Array | undefined,
  validation: Validation | undefined,
  backend: Backend,
  options: TrainOptions,
  evalTrain: boolean,
): Promise<TrainResult> {
  const n = binned.rows;
  const F = binned.cols;
  const multi = isMulti(params.objective);
  const K = multi ? params.num_class : 1;
  const growParams: GrowParams = {
    eta: f32(params.eta),
    maxDepth: params.max_depth,
    gamma: f32(params.gamma),
    minChildWeight: f32(params.min_child_weight),
    lambda: f32(params.lambda),
    alpha: f32(params.alpha),
    maxDeltaStep: f32(params.max_delta_step),
    colsampleBytree: params.colsample_bytree,
    colsampleBylevel: params.colsample_bylevel,
  };
  const grower = new TreeGrower(binned, growParams, backend);
  const random = createRandom(params.seed);
  const base = baseMargin32(params.objective, params.base_score);
  backend.setup(label, weight, K, base);
  const margin = backend.arrays.margin;
  const gradKind = params.objective === 'reg:squarederror' ? GRAD_SQUARED : GRAD_LOGISTIC;
  const subsample = params.subsample;
  let leafRanges = new Int32Array(128);
  let leafValues = new Float64Array(64);

  const sets: EvalSet[] = [];
  if (evalTrain) sets.push({ name: 'train', label, weight, margin, pred: new Float32Array(n * K) });
  let vmargin: Float32Array | undefined;
  let vround: Float64Array | undefined;
  if (validation) {
    vmargin = new Float32Array(validation.rows * K).fill(base);
    vround = new Float64Array(validation.rows * K);
    sets.push({ name: 'validation', label: validation.label, weight: undefined, margin: vmargin, pred: new Float32Array(validation.rows * K) });
  }

  const trees: Tree[] = [];
  const treeInfo: number[] = [];
  const evals: RoundEval[] = [];
  const progress = options.progress ?? noProgress;
  const period = options.log ? params.verbose_eval : 0;
  let pendingLine: string | undefined;
  const watched = params.eval_metric[params.eval_metric.length - 1]!;
  const maximize = maximizes(watched);
  let bestScore: number | undefined;
  let bestIteration: number | undefined;
  let sinceBest = 0;

  progress.start(params.num_round, 'boosting rounds');
  for (let round = 0; round < params.num_round; round++) {
    const gh = backend.arrays.gh;
    if (multi) backend.softmax(K);
    for (let k = 0; k < K; k++) {
      if (multi) {
        const grad = backend.arrays.grad;
        for (let r = 0; r < n; r++) {
          gh[2 * r] = grad[2 * (r * K + k)]!;
          gh[2 * r + 1] = grad[2 * (r * K + k) + 1]!;
        }
      } else {
        backend.gradients(gradKind, params.scale_pos_weight);
      }
      if (subsample < 1) {
        for (let r = 0; r < n; r++) {
          if (!(random.next() < subsample)) {
            gh[2 * r] = 0;
            gh[2 * r + 1] = 0;
          }
        }
      }
      const { tree, leaves } = grower.grow(random);
      // Prediction cache: add each leaf's value to its rows' margins (float32, as XGBoost).
      const nLeaves = leaves.length / 3;
      if (leafValues.length < nLeaves) {
        leafValues = new Float64Array(2 * nLeaves);
        leafRanges = new Int32Array(4 * nLeaves);
      }
      for (let j = 0; j < nLeaves; j++) {
        leafValues[j] = tree.splitCondition[leaves[3 * j]!]!;
        leafRanges[2 * j] = leaves[3 * j + 1]!;
        leafRanges[2 * j + 1] = leaves[3 * j + 2]!;
      }
      backend.addLeaves(leafRanges, leafValues, nLeaves, K, k);
      trees.push(tree);
      treeInfo.push(k);
    }
    if (validation) {
      // This round's trees alone (base score 0), added to the float32 validation margins as XGBoost's
      // cache does; predictMargin compares float32 features with the thresholds as XGBoost's predictor.
      const roundModel: TreeEnsemble = {
        objective: multi ? params.objective : 'reg:squarederror',
        numFeature: F,
        numClass: multi ? K : 0,
        baseScore: 0,
        trees: trees.slice(trees.length - K),
        treeInfo: Int32Array.from({ length: K }, (_, k) => k),
      };
      predictMargin(roundModel, validation.matrix, vround);
      for (let i = 0; i < vmargin!.length; i++) vmargin![i] += vround![i]!;
    }

    // Evaluation
    const entry: RoundEval = { round };
    let line = `[${round}]`;
    let score: number | undefined;
    for (const set of sets) {
      transform(params.objective, set.margin, K, set.pred);
      const values: Record<string, number> = {};
      for (const metric of params.eval_metric) {
        const v = evaluateMetric(metric as MetricName, set.pred, set.label, set.weight, K);
        values[metric] = v;
        line += `\t${set.name}-${metric}:${formatMetric(v)}`;
        score = v;
      }
      entry[set.name] = values;
    }
    if (sets.length > 0) evals.push(entry);
    if (period > 0 && sets.length > 0) {
      if (round % period === 0 || period === 1) {
        options.log!(line);
        pendingLine = undefined;
      } else pendingLine = line;
    }
    progress.tick(1);

    let stop = false;
    if (params.early_stopping_rounds !== undefined && score !== undefined) {
      if (bestScore === undefined || (maximize ? score > bestScore : score < bestScore)) {
        bestScore = score;
        bestIteration = round;
        sinceBest = 0;
      } else {
        sinceBest++;
        if (sinceBest >= params.early_stopping_rounds) stop = true;
      }
    }
    if (stop) break;
    // Let timers and I/O (progress bars, signals) run between rounds.
    if (round % 8 === 7) await new Promise<void>((resolve) => setImmediate(resolve));
  }
  if (pendingLine !== undefined) options.log!(pendingLine);
  progress.done();

  const rounds = trees.length / K;
  const attributes: Record<string, string> = {};
  if (bestIteration !== undefined) {
    attributes.best_iteration = String(bestIteration);
    attributes.best_score = String(bestScore);
    attributes.best_ntree_limit = String(bestIteration + 1);
  } else {
    attributes.best_iteration = String(rounds - 1);
    attributes.best_ntree_limit = String(rounds);
  }
  const model: TreeEnsemble = {
    objective: params.objective,
    numFeature: F,
    numClass: multi ? K : 0,
    baseScore: f32(params.base_score),
    trees,
    treeInfo: Int32Array.from(treeInfo),
    ...(options.featureNames ? { featureNames: [...options.featureNames] } : {}),
    attributes,
  };
  return {
    model,
    evals,
    ...(bestIteration !== undefined ? { bestIteration, bestScore: bestScore! } : {}),
    params,
  };
}

/** Python's `f"{x:.5f}"` (XGBoost's EvaluationMonitor). */
function formatMetric(x: number): string {
  if (Number.isNaN(x)) return 'nan';
  return x.toFixed(5);
}
