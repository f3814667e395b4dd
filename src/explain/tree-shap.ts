/**
 * @module explain/tree-shap
 * Exact path-dependent TreeSHAP for tree ensembles (plumbline's and XGBoost's models), equal to XGBoost's
 * `predict(pred_contribs=True)` and `predict(pred_interactions=True)`: contributions per row, output group
 * and feature, plus a bias column (the trees' expected value under the training cover plus the base
 * margin). Values are in margin (log-odds for logistic objectives) space, as XGBoost gives them.
 *
 * `pred_contribs` runs `tree-shap-fast-kernel` (rows classed per tree by their directions, so a tree is
 * walked once per class; reciprocal products instead of divisions), interactions and conditioning the
 * general `tree-shap-kernel`; both give XGBoost's float32 values. Large inputs are split by rows over worker
 * threads that run the kernel's source; each row is computed exactly as on the calling thread.
 */
import { availableParallelism } from 'node:os';
import { runWorkerTask } from '../core/worker-task.js';
import { invalid } from '../core/errors.js';
import { baseMarginF32, type FeatureMatrix, type TreeEnsemble } from '../models/index.js';
import { treeShapFastKernel } from './tree-shap-fast-kernel.js';
import { treeShapKernel } from './tree-shap-kernel.js';

export interface ShapTrees {
  left: Int32Array;
  right: Int32Array;
  splitIndex: Int32Array;
  splitCondition: Float32Array;
  defaultLeft: Uint8Array;
  hess: Float32Array;
  meanValues: Float32Array;
  /** float32(cover(node) / cover(parent)), XGBoost's zero fraction of the edge into each node. */
  zeroFraction: Float32Array;
  treeOffsets: Int32Array;
  treeGroups: Int32Array;
  maxDepth: number;
  numGroup: number;
  cols: number;
  base: number;
}

export interface TreeShapOptions {
  /** Worker threads; default min(2, cores). 1 computes on the calling thread. */
  threads?: number;
  /** Below this many row x tree walks the calling thread does the work; default 2^16. */
  minWork?: number;
}

const cache = new WeakMap<TreeEnsemble, ShapTrees>();

/** Output groups of the margin: num_class for multi-class objectives, 1 otherwise. */
export function marginGroupCount(model: Pick<TreeEnsemble, 'objective' | 'numClass'>): number {
  return model.objective.startsWith('multi:') ? model.numClass : 1;
}

/** Flat, shared arrays for the kernel, with XGBoost's float32 node mean values (cached per model object). */
export function shapTrees(model: TreeEnsemble): ShapTrees {
  const hit = cache.get(model);
  if (hit) return hit;
  let total = 0;
  for (const t of model.trees) total += t.left.length;
  const shared = <T extends Int32Array | Float32Array | Uint8Array>(C: { new (b: SharedArrayBuffer): T; BYTES_PER_ELEMENT: number }, n: number): T =>
    new C(new SharedArrayBuffer(Math.max(1, n) * C.BYTES_PER_ELEMENT));
  const left = shared(Int32Array, total);
  const right = shared(Int32Array, total);
  const splitIndex = shared(Int32Array, total);
  const splitCondition = shared(Float32Array, total);
  const defaultLeft = shared(Uint8Array, total);
  const hess = shared(Float32Array, total);
  const meanValues = shared(Float32Array, total);
  const zeroFraction = shared(Float32Array, total);
  const treeOffsets = shared(Int32Array, model.trees.length + 1);
  const treeGroups = shared(Int32Array, model.trees.length);
  let maxDepth = 0;
  let off = 0;
  model.trees.forEach((t, i) => {
    treeOffsets[i] = off;
    treeGroups[i] = model.treeInfo[i] ?? 0;
    left.set(t.left, off);
    right.set(t.right, off);
    splitIndex.set(t.splitIndex, off);
    splitCondition.set(t.splitCondition, off);
    defaultLeft.set(t.defaultLeft, off);
    hess.set(t.sumHessian, off);
    const f = Math.fround;
    // XGBoost's FillNodeMeanValues: cover-weighted mean of the leaves below each node, in float32.
    const fill = (n: number, depth: number): number => {
      if (depth > maxDepth) maxDepth = depth;
      let result: number;
      if (t.left[n] === -1) result = t.splitCondition[n]!;
      else {
        const l = t.left[n]!;
        const r = t.right[n]!;
        zeroFraction[off + l] = f(t.sumHessian[l]! / t.sumHessian[n]!);
        zeroFraction[off + r] = f(t.sumHessian[r]! / t.sumHessian[n]!);
        result = f(fill(l, depth + 1) * t.sumHessian[l]!);
        result = f(result + f(fill(r, depth + 1) * t.sumHessian[r]!));
        result = f(result / t.sumHessian[n]!);
      }
      meanValues[off + n] = result;
      return result;
    };
    if (t.left.length > 0) fill(0, 0);
    off += t.left.length;
  });
  treeOffsets[model.trees.length] = off;
  const compiled: ShapTrees = {
    left, right, splitIndex, splitCondition, defaultLeft, hess, meanValues, zeroFraction, treeOffsets, treeGroups, maxDepth,
    numGroup: marginGroupCount(model),
    cols: model.numFeature,
    base: baseMarginF32(model),
  };
  cache.set(model, compiled);
  return compiled;
}

function checkInput(model: TreeEnsemble, matrix: FeatureMatrix): void {
  if (matrix.cols !== model.numFeature) throw invalid('matrix.cols', matrix.cols, `${model.numFeature} columns, the features the model reads`);
  if (matrix.values.length !== matrix.rows * matrix.cols) throw invalid('matrix.values', matrix.values.length, `rows x cols = ${matrix.rows * matrix.cols} values`);
}

/**
 * SHAP values as XGBoost's `pred_contribs=True`: rows x groups x (features + 1), the last column of each
 * group the bias. Values are float32 numbers (as XGBoost returns them) held in a Float64Array.
 */
export async function treeShap(model: TreeEnsemble, matrix: FeatureMatrix, options: TreeShapOptions = {}): Promise<Float64Array> {
  return contributions(model, matrix, 0, 0, options);
}

/** Synchronous, single-threaded `treeShap`. */
export function treeShapSync(model: TreeEnsemble, matrix: FeatureMatrix): Float64Array {
  checkInput(model, matrix);
  const c = shapTrees(model);
  const out = new Float64Array(matrix.rows * c.numGroup * (c.cols + 1));
  run(c, matrix.values, 0, matrix.rows, 0, 0, out);
  return out;
}

/**
 * SHAP interaction values as XGBoost's `pred_interactions=True`: rows x groups x (features + 1) x
 * (features + 1); off-diagonal entries are half the interaction effect, diagonals the main effects, so
 * each row of the matrix sums to the feature's SHAP value.
 */
export async function treeShapInteractions(model: TreeEnsemble, matrix: FeatureMatrix, options: TreeShapOptions = {}): Promise<Float64Array> {
  checkInput(model, matrix);
  const c = shapTrees(model);
  const n = c.cols + 1;
  const diag = await contributions(model, matrix, 0, 0, options);
  const out = new Float64Array(matrix.rows * c.numGroup * n * n);
  const f = Math.fround;
  for (let i = 0; i < n; i++) {
    const off = await contributions(model, matrix, -1, i, options);
    const on = await contributions(model, matrix, 1, i, options);
    for (let r = 0; r < matrix.rows; r++) {
      for (let g = 0; g < c.numGroup; g++) {
        const o = ((r * c.numGroup + g) * n + i) * n;
        const co = (r * c.numGroup + g) * n;
        let d = 0;
        for (let k = 0; k < n; k++) {
          if (k === i) d = f(d + diag[co + k]!);
          else {
            const v = f(f(on[co + k]! - off[co + k]!) / 2);
            out[o + k] = v;
            d = f(d - v);
          }
        }
        out[o + i] = d;
      }
    }
  }
  return out;
}

async function contributions(model: TreeEnsemble, matrix: FeatureMatrix, condition: number, conditionFeature: number, options: TreeShapOptions): Promise<Float64Array> {
  checkInput(model, matrix);
  const c = shapTrees(model);
  const size = matrix.rows * c.numGroup * (c.cols + 1);
  const threads = Math.max(1, Math.floor(options.threads ?? Math.min(2, availableParallelism())));
  const work = matrix.rows * model.trees.length;
  if (threads === 1 || work < (options.minWork ?? 1 << 16) || matrix.rows < 2 * threads) {
    const out = new Float64Array(size);
    run(c, matrix.values, 0, matrix.rows, condition, conditionFeature, out);
    return out;
  }
  const x = matrix.values.buffer instanceof SharedArrayBuffer ? matrix.values : shareCopy(matrix.values);
  const out = new Float64Array(new SharedArrayBuffer(Math.max(1, size) * 8), 0, size);
  const chunk = Math.ceil(matrix.rows / threads);
  const jobs: Promise<void>[] = [];
  for (let rowBegin = 0; rowBegin < matrix.rows; rowBegin += chunk) {
    jobs.push(runWorkerTask(WORKER_SOURCE, { c, x, rowBegin, rowEnd: Math.min(matrix.rows, rowBegin + chunk), condition, conditionFeature, out }, 'TreeSHAP'));
  }
  await Promise.all(jobs);
  return out;
}

function run(c: ShapTrees, x: Float64Array, rowBegin: number, rowEnd: number, condition: number, conditionFeature: number, out: Float64Array): void {
  if (condition === 0) {
    treeShapFastKernel(c.left, c.right, c.splitIndex, c.splitCondition, c.defaultLeft, c.zeroFraction, c.meanValues, c.treeOffsets, c.treeGroups, c.maxDepth, x, c.cols, rowBegin, rowEnd, c.numGroup, c.base, out);
    return;
  }
  treeShapKernel(c.left, c.right, c.splitIndex, c.splitCondition, c.defaultLeft, c.hess, c.meanValues, c.treeOffsets, c.treeGroups, c.maxDepth, x, c.cols, rowBegin, rowEnd, c.numGroup, c.base, condition, conditionFeature, out);
}

function shareCopy(values: Float64Array): Float64Array {
  const shared = new Float64Array(new SharedArrayBuffer(Math.max(1, values.length) * 8), 0, values.length);
  shared.set(values);
  return shared;
}

// esbuild-based runners (tsx, vitest) wrap inner functions in __name(...) to keep their names.
const WORKER_SOURCE = `
const { parentPort, workerData: d } = require('node:worker_threads');
const __name = (fn) => fn;
const treeShapKernel = ${treeShapKernel.toString()};
const treeShapFastKernel = ${treeShapFastKernel.toString()};
const c = d.c;
if (d.condition === 0) treeShapFastKernel(c.left, c.right, c.splitIndex, c.splitCondition, c.defaultLeft, c.zeroFraction, c.meanValues, c.treeOffsets, c.treeGroups, c.maxDepth, d.x, c.cols, d.rowBegin, d.rowEnd, c.numGroup, c.base, d.out);
else treeShapKernel(c.left, c.right, c.splitIndex, c.splitCondition, c.defaultLeft, c.hess, c.meanValues, c.treeOffsets, c.treeGroups, c.maxDepth, d.x, c.cols, d.rowBegin, d.rowEnd, c.numGroup, c.base, d.condition, d.conditionFeature, d.out);
parentPort.postMessage('done');
`;
