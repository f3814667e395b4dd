/**
 * @module plumbline
 * The public SDK. Everything a user imports comes from here: `createPlatform()` and the public types.
 *
 * @example
 * import { createPlatform, generateScholarship } from 'plumbline';
 * const platform = await createPlatform();
 * const table = generateScholarship({ rows: 1000, seed: 42, eventTime: Date.now() / 1000 });
 * const fg = platform.featureStore.featureGroup('cookbook-feature-group');
 * fg.loadFeatureDefinitions(table);
 * await fg.create({ recordIdentifierName: 'index', eventTimeFeatureName: 'event_time' });
 * await fg.ingest(table);
 * console.log(await fg.getRecord('300'));
 * await platform.close();
 */
export { createPlatform, type Platform, type PlatformOptions } from './platform.js';
export * from './featurestore/index.js';
export { ModelRegistry, Estimator, matrixFromTable, parseXgboostJson, serializeXgboostJson, type ModelDescription, type ModelFormat, type FeatureMatrix, type Predictor, type TreeEnsemble, type FitInputs, type FitOptions, type FitResult } from './models/index.js';
export { JobRunner, type Job, type JobContext, type JobDescription, type JobOutcome, type JobSpec, type JobStatus } from './jobs/index.js';
export { generateScholarship, writeScholarship } from './datasets/index.js';
export {
  preTrainingBias,
  postTrainingBias,
  biasAnalysisJson,
  runBias,
  parseAnalysisConfig,
  methodList,
  formatValue,
  biasReportMarkdown,
  PRE_TRAINING_METRICS,
  POST_TRAINING_METRICS,
  type BiasConfig,
  type BiasStageResult,
  type BiasAnalysisJson,
  type MetricResult,
  type CategoryValue,
  type ParsedAnalysisConfig,
  type PreTrainingMetric,
  type PostTrainingMetric,
  type RunBiasOptions,
  type RunBiasResult,
} from './bias/index.js';
export { readTable, writeTable } from './table/index.js';
export { PlatformError, ValidationError, NotFoundError, StoreError, isPlatformError, type Issue } from './core/errors.js';
export { ERROR_CATALOG, type ErrorCode } from './core/error-catalog.js';
export type { Column, ColumnTable, ColumnType } from './core/columns.js';
export { tableFromRows, tableToRows } from './core/columns.js';
export type { Progress } from './core/progress.js';
export { fixedClock, systemClock, type Clock } from './core/clock.js';
export type { WorkspaceConfig, WorkspaceConfigInput } from './config/index.js';
