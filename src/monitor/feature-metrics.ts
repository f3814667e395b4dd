/**
 * @module monitor/feature-metrics
 * Per-feature figures an execution publishes (SageMaker's CloudWatch `feature_*` metrics): completeness,
 * numeric summary and the distance to the baseline that `baseline_drift_check` compared (KLL L-infinity,
 * Simple or Robust, or the categorical distance).
 */
import type { StatisticsJson } from './baseline/index.js';
import type { CheckReport } from './checks/index.js';
import type { FeatureMetrics } from './metrics.js';

export function featureMetrics(current: StatisticsJson, report?: CheckReport): FeatureMetrics[] {
  const drift = report ? new Map(report.results.filter((r) => r.check === 'baseline_drift_check').map((r) => [r.feature, r.value])) : undefined;
  return current.features.map((f) => {
    const common = f.numerical_statistics?.common ?? f.string_statistics?.common;
    const total = common ? common.num_present + common.num_missing : 0;
    const out: FeatureMetrics = { name: f.name };
    if (common && total > 0) out.nonNull = common.num_present / total;
    const ns = f.numerical_statistics;
    if (ns && ns.common.num_present > 0) Object.assign(out, { mean: ns.mean, min: ns.min, max: ns.max, sum: ns.sum, count: ns.common.num_present });
    const d = drift?.get(f.name);
    if (d !== undefined && Number.isFinite(d)) out.baselineDrift = d;
    return out;
  });
}
