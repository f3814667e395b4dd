/**
 * @module monitor/baseline/constraints
 * `suggestConstraints(stats)`: `constraints.json` from baseline statistics with the rules Model Monitor
 * applies (Deequ's DEFAULT suggestion rules, spec/monitor.md §2.4 and §5): inferred type (RetainType),
 * completeness = observed share of non-null values, `is_non_negative` = min >= 0 for numeric features
 * (written as false too), `domains` for String features Deequ's CategoricalRange rule accepts (at most 120
 * categories, and at most 10 % of them seen only once), and the container's `monitoring_config` defaults.
 */
import { DEFAULT_MONITORING_CONFIG, type ConstraintsJson, type FeatureConstraint, type MonitoringConfig, type StatisticsJson } from './types.js';

/** Deequ profiler: categorical histograms exist for at most this many distinct values. */
export const MAX_DOMAIN_CATEGORIES = 120;
/** CategoricalRange: share of categories seen exactly once must not exceed this. */
export const MAX_UNIQUE_CATEGORY_RATIO = 0.1;

export interface SuggestConstraintsOptions {
  /** Merged over the defaults, e.g. `{ distribution_constraints: { categorical_drift_method: 'ChiSquared' } }`. */
  monitoringConfig?: MonitoringConfig;
}

export function suggestConstraints(stats: StatisticsJson, options: SuggestConstraintsOptions = {}): ConstraintsJson {
  const items = stats.dataset.item_count;
  const features = stats.features.map((f): FeatureConstraint => {
    const common = f.numerical_statistics?.common ?? f.string_statistics?.common ?? { num_present: 0, num_missing: items };
    const total = common.num_present + common.num_missing;
    const out: FeatureConstraint = { name: f.name, inferred_type: f.inferred_type, completeness: total > 0 ? common.num_present / total : 0.0 };
    if (f.numerical_statistics && (f.inferred_type === 'Integral' || f.inferred_type === 'Fractional')) {
      out.num_constraints = { is_non_negative: f.numerical_statistics.common.num_present > 0 && f.numerical_statistics.min >= 0 };
    }
    if (f.inferred_type === 'String' && f.string_statistics) {
      const domains = suggestDomains(f.string_statistics.distinct_count, f.string_statistics.distribution?.categorical.buckets ?? []);
      if (domains) out.string_constraints = { domains };
    }
    return out;
  });
  const override = options.monitoringConfig ?? {};
  const monitoring_config: MonitoringConfig = {
    ...DEFAULT_MONITORING_CONFIG,
    ...override,
    distribution_constraints: { ...DEFAULT_MONITORING_CONFIG.distribution_constraints, ...(override.distribution_constraints ?? {}) },
  };
  return { version: 0.0, features, monitoring_config };
}

function suggestDomains(distinct: number, buckets: { value: string; count: number }[]): string[] | undefined {
  if (buckets.length === 0 || distinct > MAX_DOMAIN_CATEGORIES || buckets.length < distinct) return undefined;
  const once = buckets.filter((b) => b.count === 1).length;
  if (once / buckets.length > MAX_UNIQUE_CATEGORY_RATIO) return undefined;
  return buckets.map((b) => b.value);
}
