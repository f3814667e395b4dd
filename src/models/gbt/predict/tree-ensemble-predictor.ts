/**
 * @module models/gbt/predict/tree-ensemble-predictor
 * The Predictor port over a TreeEnsemble (an XGBoost JSON model or one plumbline trained): predictions as
 * XGBoost's `predict()` gives them, bit for bit, large batches split over worker threads. Small batches run on
 * the calling thread with scratch buffers kept per predictor, so a one-row call costs about the tree walk.
 */
import type { FeatureMatrix, Predictor } from '../../predictor.js';
import { outputCount, type TreeEnsemble } from '../tree-ensemble.js';
import { ensureScratch, type KernelScratch } from './kernels.js';
import { predictAsync, runsInline, type ParallelOptions } from './parallel.js';
import { checkMatrix, marginGroups, predictMargin, transformMargins } from './predict.js';
import { bestIterationRange } from './tree-range.js';

export interface TreeEnsemblePredictorOptions extends ParallelOptions {
  /**
   * Predict with the rounds up to `attributes.best_iteration` of an early-stopped model (as XGBoost's
   * scikit-learn wrapper does) instead of every tree (as `Booster.predict` does). Default false.
   */
  bestIteration?: boolean;
}

export class TreeEnsemblePredictor implements Predictor {
  readonly kind = 'xgboost';
  readonly featureNames: string[];
  readonly outputNames: string[];
  private readonly options: ParallelOptions;
  /** The kernel's buffers for batches computed on this thread, reused across calls (prediction is synchronous). */
  private scratch: KernelScratch | undefined;

  constructor(
    readonly model: TreeEnsemble,
    options: TreeEnsemblePredictorOptions = {},
  ) {
    this.featureNames = model.featureNames?.length ? [...model.featureNames] : Array.from({ length: model.numFeature }, (_, i) => `f${i}`);
    const outputs = outputCount(model);
    this.outputNames = model.objective === 'multi:softprob' ? Array.from({ length: outputs }, (_, k) => String(k)) : ['score'];
    const { bestIteration, ...rest } = options;
    const range = bestIteration ? bestIterationRange(model) : undefined;
    this.options = range !== undefined && rest.iterationRange === undefined && rest.ntreeLimit === undefined ? { ...rest, iterationRange: range } : rest;
  }

  async predict(matrix: FeatureMatrix): Promise<Float64Array> {
    checkMatrix(this.model, matrix);
    if (!runsInline(this.model, matrix.rows, this.options)) return predictAsync(this.model, matrix, this.options);
    this.scratch = ensureScratch(this.scratch, this.model.numFeature, marginGroups(this.model));
    return transformMargins(this.model, predictMargin(this.model, matrix, undefined, this.options, this.scratch), matrix.rows);
  }
}
