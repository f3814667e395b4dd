/**
 * @module monitor/quality
 * Model quality monitoring: metrics as SageMaker's ModelQualityMonitor computes them, constraints with
 * comparison operators, and ground truth keyed by inference id.
 */
export { computeModelQuality, PROBLEM_TYPES, type ProblemType, type MetricValue, type ModelQualityStatistics, type QualityInput, type ConfusionMatrix } from './metrics.js';
export {
  suggestModelQualityConstraints,
  checkModelQuality,
  parseModelQualityStatistics,
  parseModelQualityConstraints,
  metricValues,
  problemTypeOf,
  COMPARISON_OPERATORS,
  type ComparisonOperator,
  type ModelQualityConstraints,
  type ModelQualityViolation,
} from './constraints.js';
export { formatModelQualityJson } from './format.js';
export { writeGroundTruth, readGroundTruth, type GroundTruthRecord } from './ground-truth.js';
export { featureAttributionDrift, biasDrift, globalShapOf, type AttributionDriftResult, type BiasDriftViolation } from './attribution-drift.js';
export { detectBiasDrift, biasMetricsOf, parseBiasMonitorConfig, BIAS_PREDICTED_LABEL, type BiasDriftResult, type BiasDriftInput, type BiasBaselineMetric } from './bias-drift.js';
