/**
 * @module models/gbt/predict
 * Prediction over flat-array tree ensembles, reproducing XGBoost 1.7's margins, probabilities and leaf
 * indices bit for bit.
 */
export { compileEnsemble, type CompiledEnsemble } from './compile.js';
export { argmax, baseMarginF32, sigmoidF32, softmaxF32 } from './float32-math.js';
export { expf, logf } from './glibc-float.js';
export { predictAsync, predictMarginAsync, runsInline, type ParallelOptions } from './parallel.js';
export { ensureScratch, type KernelScratch } from './kernels.js';
export { checkMatrix, marginGroups, predict, predictLeaf, predictMargin, transformMargins } from './predict.js';
export { TreeEnsemblePredictor, type TreeEnsemblePredictorOptions } from './tree-ensemble-predictor.js';
export { bestIterationRange, treeRange, treesPerRound, type PredictOptions } from './tree-range.js';
