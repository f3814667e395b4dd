/**
 * @module bias
 * Clarify-compatible bias metrics: masks from a config, the pre- and post-training kernels, FT, and the
 * analysis.json sections. Reports, jobs and the CLI build on this.
 */
export { resolveGroups, pyFloat, ruleString } from './groups.js';
export type { BiasConfig, CategoryValue, FacetConfig, FacetGroup, GroupCodes, LabelConfig, ResolvedFacet, ResolvedGroups, ResolveOptions } from './groups.js';
export { METRIC_DESCRIPTIONS, POST_TRAINING_METRICS, PRE_TRAINING_METRICS, MetricFailure, divide } from './metric.js';
export type { MetricName, MetricResult, PostTrainingMetric, PreTrainingMetric } from './metric.js';
export { facetCounts } from './counts.js';
export type { FacetCounts, GroupCounts } from './counts.js';
export { preTrainingMetrics, conditionalDemographicDisparity } from './pre-training.js';
export type { PreTrainingInput } from './pre-training.js';
export { postTrainingMetrics } from './post-training.js';
export type { PostTrainingInput } from './post-training.js';
export { flipTest, flipFeatures, KdTree } from './ft.js';
export { preTrainingBias, postTrainingBias } from './report.js';
export type { BiasStageResult, FacetReport, StageOptions } from './report.js';
export { analysisSection, biasAnalysisJson } from './analysis-json.js';
export type { AnalysisBiasSectionJson, AnalysisFacetJson, AnalysisMetricJson, BiasAnalysisJson } from './analysis-json.js';
export { parseAnalysisConfig, methodList } from './clarify-config.js';
export type { MethodsChoice, ParsedAnalysisConfig } from './clarify-config.js';
export { biasReportMarkdown, metricReading, formatValue } from './bias-report-md.js';
export type { BiasReportMdOptions } from './bias-report-md.js';
export { runBias, DEFAULT_PREDICTED_LABEL } from './run-bias.js';
export type { RunBiasOptions, RunBiasResult, BiasRunContext } from './run-bias.js';
