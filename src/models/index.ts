/** @module models  Models: the XGBoost-compatible trainer, XGBoost JSON / ONNX / remote predictors and the model registry. */
export { ModelRegistry, type ImportModelOptions } from './registry.js';
export { Estimator, type FitInputs, type FitOptions, type FitResult } from './estimator.js';
export type { ModelDescription, ModelFormat } from './model-record.js';
export { matrixFromTable, type FeatureMatrix, type Predictor } from './predictor.js';
export type { TreeEnsemble, Tree, Objective } from './gbt/tree-ensemble.js';
export { TreeEnsemblePredictor, baseMarginF32, predict, predictMargin, transformMargins, type TreeEnsemblePredictorOptions } from './gbt/predict/index.js';
export { parseXgboostJson, serializeXgboostJson } from './gbt/xgboost/index.js';
export { train, type TrainResult } from './gbt/train/index.js';
export { loadTrainingData, type TrainingInput } from './training-data.js';
