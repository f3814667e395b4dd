/**
 * @module bias
 * Clarify-compatible bias metrics: masks from a config (single-column and intersectional facets), the pre- and
 * post-training kernels on cell counts, FT, bootstrap confidence intervals, the analysis.json sections, and
 * report.md / report.html. `runBias` ties them to files; the SDK processor (clarify/) and the CLI build on it.
 */
export { resolveGroups, pyFloat, ruleString, facetKey, facetColumns } from './groups.js';
export type { BiasConfig, BiasConfig as BiasMetricsConfig, CategoryValue, FacetConfig, FacetGroup, GroupCodes, LabelConfig, ResolvedFacet, ResolvedGroups, ResolveOptions } from './groups.js';
export { METRIC_DESCRIPTIONS, POST_TRAINING_METRICS, PRE_TRAINING_METRICS, MetricFailure, divide } from './metric.js';
export type { MetricName, MetricResult, PostTrainingMetric, PreTrainingMetric } from './metric.js';
export type { FacetCounts, GroupCounts } from './counts.js';
export { preTrainingMetrics } from './pre-training.js';
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
export { biasReportHtml } from './bias-report-html.js';
export type { BiasReportHtmlOptions } from './bias-report-html.js';
export { METRIC_RANGES, favoured, favouredText, notable } from './metric-info.js';
export type { MetricRange } from './metric-info.js';
export { resolveBootstrap, poisson, percentileInterval, DEFAULT_BOOTSTRAP_SAMPLES } from './bootstrap.js';
export type { BootstrapOptions, ResolvedBootstrap } from './bootstrap.js';
export { cellTable, facetCountsOf, cddOf } from './cells.js';
export type { CellTable } from './cells.js';
export { runBias, DEFAULT_PREDICTED_LABEL } from './run-bias.js';
export type { RunBiasOptions, RunBiasResult, BiasRunContext, BiasOutputFiles } from './run-bias.js';
