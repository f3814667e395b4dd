/**
 * @module monitor/baseline/types
 * The data-quality files of SageMaker Model Monitor, typed field by field: `statistics.json` and
 * `constraints.json` (spec/monitor.md §2.3, §2.4). Field names are the container's snake_case ones, except
 * the documented camelCase `monitoringConfigOverrides`. Numbers that Jackson writes as doubles (`0.0`) are
 * plain numbers here; `formatStatisticsJson` / `formatConstraintsJson` restore the exact text form.
 */

/** Deequ's column types as Model Monitor writes them (no Boolean: booleans are `String`). */
export type InferredType = 'Integral' | 'Fractional' | 'String' | 'Unknown';

export const INFERRED_TYPES: readonly InferredType[] = ['Integral', 'Fractional', 'String', 'Unknown'];

export interface CommonStatistics {
  num_present: number;
  num_missing: number;
}

export interface KllBucket {
  lower_bound: number;
  upper_bound: number;
  /** Sketch rank difference (a double). */
  count: number;
}

export interface KllSketchJson {
  /** `c` = shrinking factor (0.64), `k` = sketch size (2048.0). */
  parameters: { c: number; k: number };
  /** Compactor contents, level 0 first; an item at level h weighs 2^h. */
  data: number[][];
}

export interface KllDistribution {
  buckets: KllBucket[];
  sketch: KllSketchJson;
}

export interface NumericalStatistics {
  common: CommonStatistics;
  mean: number;
  sum: number;
  /** Population standard deviation. */
  std_dev: number;
  min: number;
  max: number;
  distribution?: { kll: KllDistribution };
}

export interface CategoricalBucket {
  value: string;
  count: number;
}

export interface StringStatistics {
  common: CommonStatistics;
  distinct_count: number;
  distribution?: { categorical: { buckets: CategoricalBucket[] } };
}

/**
 * How many non-null values of a feature had each Deequ type, and how many were negative. plumbline keeps it
 * beside the statistics so that `data_type_check` and the non-negative check can give exact shares; it is
 * not part of SageMaker's schema and `formatStatisticsJson` never writes it.
 */
export interface ObservedValueCounts {
  integral: number;
  fractional: number;
  boolean: number;
  string: number;
  negative: number;
}

export interface FeatureStatistics {
  name: string;
  inferred_type: InferredType;
  numerical_statistics?: NumericalStatistics;
  string_statistics?: StringStatistics;
  /** plumbline only, never written: per-type value counts (see ObservedValueCounts). */
  observed?: ObservedValueCounts;
}

export interface StatisticsJson {
  version: number;
  dataset: { item_count: number };
  features: FeatureStatistics[];
}

export type EnabledFlag = 'Enabled' | 'Disabled';
export type ComparisonMethod = 'Simple' | 'Robust';
export type CategoricalDriftMethod = 'LInfinity' | 'ChiSquared';

export interface DistributionConstraints {
  perform_comparison?: EnabledFlag;
  comparison_threshold?: number;
  comparison_method?: ComparisonMethod;
  categorical_comparison_threshold?: number;
  categorical_drift_method?: CategoricalDriftMethod;
}

export interface MonitoringConfig {
  evaluate_constraints?: EnabledFlag;
  emit_metrics?: EnabledFlag;
  datatype_check_threshold?: number;
  domain_content_threshold?: number;
  distribution_constraints?: DistributionConstraints;
}

export interface FeatureConstraint {
  name: string;
  inferred_type: InferredType;
  completeness?: number;
  num_constraints?: { is_non_negative?: boolean };
  string_constraints?: { domains?: string[] };
  /** Per-feature overrides of `monitoring_config` (every spelling is read into this one). */
  monitoringConfigOverrides?: MonitoringConfig;
}

export interface ConstraintsJson {
  version: number;
  features: FeatureConstraint[];
  monitoring_config: MonitoringConfig;
}

/** `monitoring_config` as the real container writes it (spec §2.4, observed M3/M5). */
export const DEFAULT_MONITORING_CONFIG: Readonly<Required<Omit<MonitoringConfig, 'distribution_constraints'>>> & {
  distribution_constraints: Readonly<Required<Omit<DistributionConstraints, 'categorical_comparison_threshold' | 'categorical_drift_method'>>>;
} = {
  evaluate_constraints: 'Enabled',
  emit_metrics: 'Enabled',
  datatype_check_threshold: 1.0,
  domain_content_threshold: 1.0,
  distribution_constraints: { perform_comparison: 'Enabled', comparison_threshold: 0.1, comparison_method: 'Robust' },
};
