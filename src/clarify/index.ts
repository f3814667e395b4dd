/**
 * @module clarify
 * The SageMaker Clarify SDK surface: configuration objects and `ClarifyProcessor`, whose methods run bias
 * analyses as jobs on `platform.jobs`. The metrics themselves are in bias/.
 */
export { BiasConfig, DataConfig, DATASET_TYPES, ModelConfig, ModelPredictedLabelConfig } from './configs.js';
export type { BiasConfigOptions, DataConfigOptions, ModelConfigOptions, ModelPredictedLabelConfigOptions } from './configs.js';
export { ClarifyProcessor, CLARIFY_JOB_TYPES } from './processor.js';
export type { ClarifyBiasResult, ClarifyExplainOptions, ClarifyMethods, ClarifyPlatform, ClarifyRunOptions } from './processor.js';
