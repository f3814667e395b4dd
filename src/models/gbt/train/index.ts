/**
 * @module models/gbt/train
 * XGBoost-compatible histogram gradient boosting: `train(params, { matrix, label }, options)`.
 */
export { train, type TrainInput, type TrainOptions, type TrainResult, type RoundEval } from './train.js';
export { parseTrainParams, defaultMetric, OBJECTIVES, type TrainParams, type RawParams, type MetricName } from './params.js';
