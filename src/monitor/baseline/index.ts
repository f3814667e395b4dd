/**
 * @module monitor/baseline
 * Model Monitor's baseline: `statistics.json` / `constraints.json` types, parsing and exact text form, Deequ's
 * KLL sketch, statistics of a table (mergeable), suggested constraints, and the `suggestBaseline` use case.
 */
export * from './types.js';
export { KllSketch, KLL_SKETCH_SIZE, KLL_SHRINKING_FACTOR, KLL_BUCKETS } from './kll.js';
export { classifyValue, parseNumeric, typeFromCounts, ValueKind, FRACTIONAL_PATTERN, INTEGRAL_PATTERN, BOOLEAN_PATTERN } from './data-type.js';
export { computeStatistics, mergeStatistics, sketchOf, MAX_CATEGORICAL_BUCKETS, type ComputeStatisticsOptions } from './statistics.js';
export { suggestConstraints, MAX_DOMAIN_CATEGORIES, type SuggestConstraintsOptions } from './constraints.js';
export { parseStatistics, parseConstraints, mergeConfigs } from './parse.js';
export { formatStatisticsJson, formatConstraintsJson, jacksonStringify, javaDouble } from './jackson.js';
export {
  suggestBaseline,
  startSuggestBaselineJob,
  writeBaseline,
  type BaselineContext,
  type DatasetFormat,
  type DatasetFormat as BaselineDatasetFormat,
  type SuggestBaselineOptions,
  type SuggestBaselineResult,
} from './suggest-baseline.js';
