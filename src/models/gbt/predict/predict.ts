/**
 * @module models/gbt/predict/predict
 * Synchronous predictions on the calling thread: margins, transformed outputs and leaf indices, matching
 * XGBoost 1.7's `predict(output_margin=True)`, `predict()` and `predict(pred_leaf=True)`. Values are
 * float32 numbers held in Float64Arrays. For large batches, `predictAsync` (parallel.ts) splits rows over
 * worker threads with identical results.
 */
import { ValidationError } from '../../../core/errors.js';
import type { FeatureMatrix } from '../../predictor.js';
import type { TreeEnsemble } from '../tree-ensemble.js';
import { compileEnsemble } from './compile.js';
import { argmax, baseMarginF32, sigmoidF32, softmaxF32 } from './float32-math.js';
import { leafKernel, marginKernel, type KernelScratch } from './kernels.js';
import { treeRange, type PredictOptions } from './tree-range.js';

/**
 * Margins per row and output group: rows x num_class for multi-class objectives, rows otherwise.
 * `scratch` (see `ensureScratch`) lets repeated small calls reuse the kernel's buffers.
 */
export function predictMargin(model: TreeEnsemble, matrix: FeatureMatrix, out?: Float64Array, options: PredictOptions = {}, scratch?: KernelScratch): Float64Array {
  checkMatrix(model, matrix);
  const numGroup = marginGroups(model);
  const result = out ?? new Float64Array(matrix.rows * numGroup);
  if (result.length !== matrix.rows * numGroup) {
    throw new ValidationError([{ path: 'out.length', message: `got ${result.length}, expected ${matrix.rows * numGroup} (rows x ${numGroup})` }]);
  }
  const c = compileEnsemble(model);
  const { begin, end } = treeRange(model, options);
  marginKernel(c.nodes, c.leafValues, c.roots, c.depths, c.lopsided, c.groups, begin, end, matrix.values, c.cols, 0, matrix.rows, numGroup, baseMarginF32(model), result, scratch);
  return result;
}

/**
 * Outputs per row as XGBoost's `predict()`: probabilities for logistic objectives, class probabilities
 * (rows x num_class) for multi:softprob, the class index for multi:softmax, the margin for squared error.
 */
export function predict(model: TreeEnsemble, matrix: FeatureMatrix, options: PredictOptions = {}): Float64Array {
  const margins = predictMargin(model, matrix, undefined, options);
  return transformMargins(model, margins, matrix.rows);
}

/** Applies the objective's transform to margins from `predictMargin` (in place where shapes agree). */
export function transformMargins(model: TreeEnsemble, margins: Float64Array, rows: number): Float64Array {
  switch (model.objective) {
    case 'binary:logistic':
    case 'reg:logistic':
      for (let i = 0; i < margins.length; i++) margins[i] = sigmoidF32(margins[i]!);
      return margins;
    case 'multi:softprob':
      for (let r = 0; r < rows; r++) softmaxF32(margins, r * model.numClass, model.numClass);
      return margins;
    case 'multi:softmax': {
      const classes = new Float64Array(rows);
      for (let r = 0; r < rows; r++) classes[r] = argmax(margins, r * model.numClass, model.numClass);
      return classes;
    }
    default:
      return margins;
  }
}

/** Leaf node ids reached in each tree used (XGBoost's `pred_leaf=True`), row-major rows x trees. */
export function predictLeaf(model: TreeEnsemble, matrix: FeatureMatrix, options: PredictOptions = {}): Int32Array {
  checkMatrix(model, matrix);
  const c = compileEnsemble(model);
  const { begin, end } = treeRange(model, options);
  const out = new Int32Array(matrix.rows * (end - begin));
  leafKernel(c.nodes, c.ids, c.roots, c.depths, c.lopsided, begin, end, matrix.values, c.cols, 0, matrix.rows, out);
  return out;
}

/** Output groups of the margin: num_class for multi-class objectives (softmax too), 1 otherwise. */
export function marginGroups(model: Pick<TreeEnsemble, 'objective' | 'numClass'>): number {
  return model.objective.startsWith('multi:') ? model.numClass : 1;
}

export function checkMatrix(model: TreeEnsemble, matrix: FeatureMatrix): void {
  if (!Number.isSafeInteger(matrix.rows) || matrix.rows < 0) {
    throw new ValidationError([{ path: 'matrix.rows', message: `got ${matrix.rows}, expected an integer >= 0` }]);
  }
  if (matrix.cols !== model.numFeature) {
    throw new ValidationError([{ path: 'matrix.cols', message: `the matrix has ${matrix.cols} columns but the model reads ${model.numFeature} features` }]);
  }
  if (matrix.values.length !== matrix.rows * matrix.cols) {
    throw new ValidationError([{ path: 'matrix.values', message: `has ${matrix.values.length} values, expected rows x cols = ${matrix.rows * matrix.cols}` }]);
  }
}
