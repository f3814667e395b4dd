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
  EndpointService,
  EndpointPredictor,
  Model,
  CSVSerializer,
  JSONSerializer,
  JSONLinesSerializer,
  JSONDeserializer,
  CSVDeserializer,
  StringDeserializer,
  createContainerApp,
  type Serializer,
  type Deserializer,
  type PredictOptions,
  type DeployOptions,
  type EndpointDescription,
  type EndpointConfigDescription,
  type EndpointStatus,
  type CreateEndpointInput,
  type UpdateEndpointInput,
  type VariantInput,
  type InvocationRequest,
  type InvocationResponse,
} from './serving/index.js';
export {
  toApiCaptureConfig,
  resolveCaptureSink,
  listCaptureFiles,
  readCaptureFile,
  parseCaptureLines,
  captureText,
  type DataCaptureConfigInput,
  type DataCaptureConfigApi,
  type CaptureRecord,
  type CaptureFileInfo,
  type CaptureSink,
} from './capture/index.js';
export { createServer, type ServerOptions } from './server/index.js';
export {
  ModelMonitoring,
  DefaultModelMonitor,
  ModelQualityMonitor,
  ModelBiasMonitor,
  DatasetFormat,
  CronExpressionGenerator,
  MonitorMetrics,
  NO_DATA,
  suggestBaseline,
  computeStatistics,
  mergeStatistics,
  suggestConstraints,
  parseStatistics,
  parseConstraints,
  formatStatisticsJson,
  formatConstraintsJson,
  KllSketch,
  checkConstraints,
  evaluateConstraints,
  formatViolationsJson,
  parseViolations,
  detectDrift,
  monitoringReportHtml,
  readCaptureWindow,
  captureSource,
  computeModelQuality,
  suggestModelQualityConstraints,
  checkModelQuality,
  parseModelQualityStatistics,
  parseModelQualityConstraints,
  featureAttributionDrift,
  biasDrift,
  detectBiasDrift,
  postWebhook,
  type StatisticsJson,
  type ConstraintsJson,
  type FeatureStatistics,
  type FeatureConstraint,
  type MonitoringConfig,
  type Violation,
  type ViolationsJson,
  type DriftResult,
  type SuggestBaselineOptions,
  type SuggestBaselineResult,
  type CaptureWindow,
  type CaptureMapping,
  type CreateMonitoringScheduleInput,
  type UpdateMonitoringScheduleInput,
  type MonitoringScheduleDescription,
  type MonitoringExecution,
  type MonitoringExecutionSummary,
  type MonitoringExecutionStatus,
  type MonitoringScheduleStatus,
  type MonitoringType,
  type MonitoringFile,
  type ModelQualityStatistics,
  type ModelQualityConstraints,
  type ProblemType,
  type WebhookOptions,
} from './monitor/index.js';
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
  biasReportHtml,
  METRIC_RANGES,
  type BiasMetricsConfig,
  type BootstrapOptions,
  type FacetConfig,
  type BiasStageResult,
  type BiasAnalysisJson,
  type MetricResult,
  type CategoryValue,
  type ParsedAnalysisConfig,
  type PreTrainingMetric,
  type PostTrainingMetric,
  type RunBiasOptions,
  type RunBiasResult,
  type BiasOutputFiles,
} from './bias/index.js';
export {
  SHAPConfig,
  PDPConfig,
  parseExplainabilityConfig,
  runExplainability,
  kernelShap,
  treeShap,
  treeShapInteractions,
  interventionalTreeShap,
  partialDependence,
  AGG_METHODS,
  type AggMethod,
  type ShapConfigInput,
  type PdpConfigInput,
  type BaselineInput,
  type ParsedExplainabilityConfig,
  type ExplainMethod,
  type ExplainRunContext,
  type ExplainabilityAnalysisJson,
  type RunExplainabilityOptions,
  type RunExplainabilityResult,
  type KernelShapOptions,
  type KernelShapResult,
} from './explain/index.js';
export {
  ClarifyProcessor,
  DataConfig,
  BiasConfig,
  ModelConfig,
  ModelPredictedLabelConfig,
  CLARIFY_JOB_TYPES,
  type ClarifyBiasResult,
  type ClarifyExplainOptions,
  type ClarifyMethods,
  type ClarifyRunOptions,
  type DataConfigOptions,
  type BiasConfigOptions,
  type ModelConfigOptions,
  type ModelPredictedLabelConfigOptions,
} from './clarify/index.js';
export { readTable, writeTable } from './table/index.js';
export { PlatformError, ValidationError, NotFoundError, StoreError, isPlatformError, type Issue } from './core/errors.js';
export { ERROR_CATALOG, type ErrorCode } from './core/error-catalog.js';
export type { Column, ColumnTable, ColumnType } from './core/columns.js';
export { tableFromRows, tableToRows } from './core/columns.js';
export type { Progress } from './core/progress.js';
export { fixedClock, systemClock, type Clock } from './core/clock.js';
export type { WorkspaceConfig, WorkspaceConfigInput } from './config/index.js';
