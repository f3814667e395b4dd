/**
 * @module monitor/checks/check-constraints
 * `checkConstraints({ baseline, constraints, current })`: Model Monitor's data-quality checks on the
 * statistics of the analysed window (spec/monitor.md §3.4): `data_type_check`, `completeness_check`,
 * `baseline_drift_check` (KLL L-infinity, Simple or Robust; categorical L-infinity or ChiSquared),
 * `missing_column_check`, `extra_column_check`, `categorical_values_check`, plus plumbline's declared
 * extension `non_negative_check` for `num_constraints.is_non_negative` (SageMaker writes that constraint but
 * has no check for it). Thresholds come from `monitoring_config`, overridden per feature.
 *
 * Decisions (spec §10): Integral values match a Fractional constraint; a String constraint is matched only by
 * String (and Boolean) values, as Deequ counts them; no extra minimum sample size for drift (the Robust
 * correction already keeps tiny windows from drifting; Simple has none); ChiSquared drift when p < threshold.
 * Descriptions: the container's observed strings where one exists (`data_type_check`, numeric drift, and the
 * legacy `Value: … does not meet the constraint requirement! ` form for completeness and categorical values),
 * plumbline's wording for the rest.
 */
import {
  DEFAULT_MONITORING_CONFIG,
  javaDouble,
  mergeConfigs,
  sketchOf,
  type ConstraintsJson,
  type FeatureConstraint,
  type FeatureStatistics,
  type InferredType,
  type MonitoringConfig,
  type ObservedValueCounts,
  type StatisticsJson,
} from '../baseline/index.js';
import { categoricalLinf, chiSquaredPValue, kllLinf, robust } from './distance.js';

export type CheckType =
  | 'data_type_check'
  | 'completeness_check'
  | 'baseline_drift_check'
  | 'missing_column_check'
  | 'extra_column_check'
  | 'categorical_values_check'
  | 'non_negative_check';

/** plumbline's own check types (not in SageMaker). */
export const EXTENSION_CHECKS: readonly CheckType[] = ['non_negative_check'];

export interface Violation {
  feature_name: string;
  constraint_check_type: string;
  description: string;
  /** true for plumbline's extension checks. */
  extension?: boolean;
}

export interface ViolationsJson {
  violations: Violation[];
}

/** One evaluated check, violated or not (for reports and metrics). */
export interface CheckResult {
  feature: string;
  check: CheckType;
  /** The observed figure: a share, a distance or a p-value; the minimum for non_negative_check. */
  value: number;
  threshold?: number;
  passed: boolean;
  /** e.g. `Robust`, `ChiSquared`. */
  method?: string;
  description?: string;
}

export interface CheckInput {
  /** Baseline statistics; without them no drift is computed. */
  baseline?: StatisticsJson;
  constraints: ConstraintsJson;
  current: StatisticsJson;
}

export interface CheckReport extends ViolationsJson {
  results: CheckResult[];
}

export function checkConstraints(input: CheckInput): ViolationsJson {
  return { violations: evaluateConstraints(input).violations };
}

interface Effective {
  evaluate: boolean;
  datatypeThreshold: number;
  domainThreshold: number;
  performComparison: boolean;
  comparisonThreshold: number;
  comparisonMethod: 'Simple' | 'Robust';
  categoricalThreshold: number;
  categoricalMethod: 'LInfinity' | 'ChiSquared';
}

function effective(global: MonitoringConfig, feature: FeatureConstraint | undefined): Effective {
  const c = mergeConfigs([global, feature?.monitoringConfigOverrides ?? {}]);
  const d = c.distribution_constraints ?? {};
  const comparisonThreshold = d.comparison_threshold ?? DEFAULT_MONITORING_CONFIG.distribution_constraints.comparison_threshold;
  return {
    evaluate: (c.evaluate_constraints ?? 'Enabled') === 'Enabled',
    datatypeThreshold: c.datatype_check_threshold ?? DEFAULT_MONITORING_CONFIG.datatype_check_threshold,
    domainThreshold: c.domain_content_threshold ?? DEFAULT_MONITORING_CONFIG.domain_content_threshold,
    performComparison: (d.perform_comparison ?? 'Enabled') === 'Enabled',
    comparisonThreshold,
    comparisonMethod: d.comparison_method ?? 'Robust',
    categoricalThreshold: d.categorical_comparison_threshold ?? comparisonThreshold,
    categoricalMethod: d.categorical_drift_method ?? 'LInfinity',
  };
}

/** Runs every check; returns the violations and each check's figure. */
export function evaluateConstraints(input: CheckInput): CheckReport {
  const { constraints, current, baseline } = input;
  const results: CheckResult[] = [];
  const violations: Violation[] = [];
  const add = (r: CheckResult) => {
    results.push(r);
    if (!r.passed && r.description !== undefined) {
      violations.push({ feature_name: r.feature, constraint_check_type: r.check, description: r.description, ...(EXTENSION_CHECKS.includes(r.check) ? { extension: true } : {}) });
    }
  };
  const global = constraints.monitoring_config ?? {};
  const currentByName = new Map(current.features.map((f) => [f.name, f]));
  const expectedNames = new Set(constraints.features.map((f) => f.name));
  const expectedCount = constraints.features.length;
  const observedCount = current.features.length;

  for (const constraint of constraints.features) {
    const cfg = effective(global, constraint);
    if (!cfg.evaluate) continue;
    const feature = currentByName.get(constraint.name);
    if (!feature) {
      add({
        feature: constraint.name,
        check: 'missing_column_check',
        value: 0,
        passed: false,
        description: `Missing column: the baseline has ${expectedCount} columns and the current data has ${observedCount}; column "${constraint.name}" is not in the current data.`,
      });
      continue;
    }
    const counts = observedCounts(feature);
    const present = counts.integral + counts.fractional + counts.boolean + counts.string;
    // data_type_check
    const share = typeShare(constraint.inferred_type, counts, present);
    if (share !== undefined) {
      const passed = !(share < cfg.datatypeThreshold);
      add({
        feature: constraint.name,
        check: 'data_type_check',
        value: share,
        threshold: cfg.datatypeThreshold,
        passed,
        description: `Data type match requirement is not met. Expected data type: ${constraint.inferred_type}, Expected match: ${javaDouble(cfg.datatypeThreshold * 100)}%. Observed: Only ${javaDouble(share * 100)}% of data is ${constraint.inferred_type}.`,
      });
    }
    // completeness_check
    const common = feature.numerical_statistics?.common ?? feature.string_statistics?.common;
    const total = common ? common.num_present + common.num_missing : 0;
    if (constraint.completeness !== undefined && common && total > 0) {
      const completeness = common.num_present / total;
      add(minimumShareCheck(constraint.name, 'completeness_check', completeness, constraint.completeness));
    }
    // non_negative_check (plumbline extension)
    if (constraint.num_constraints?.is_non_negative === true && present > 0) {
      const min = feature.numerical_statistics && feature.numerical_statistics.common.num_present > 0 ? feature.numerical_statistics.min : undefined;
      const negatives = feature.observed?.negative;
      const violated = (negatives !== undefined && negatives > 0) || (min !== undefined && min < 0);
      const numericPresent = counts.integral + counts.fractional;
      // Only a column with numeric values can be checked (all text: the data type check reports it).
      if (min !== undefined || (negatives !== undefined && numericPresent > 0)) {
        const detail =
          negatives !== undefined && numericPresent > 0
            ? `${negatives} of ${numericPresent} numeric values (${javaDouble((negatives / numericPresent) * 100)}%) are negative${min !== undefined ? `, minimum ${javaDouble(min)}` : ''}`
            : `minimum ${javaDouble(min!)}`;
        add({
          feature: constraint.name,
          check: 'non_negative_check',
          value: min ?? (violated ? -1 : 0),
          threshold: 0,
          passed: !violated,
          description: `Non-negative requirement is not met (plumbline extension check: SageMaker writes is_non_negative but does not check it). Expected: no negative values, as in the baseline. Observed: ${detail}.`,
        });
      }
    }
    // categorical_values_check
    const domains = constraint.string_constraints?.domains;
    if (domains && domains.length > 0 && present > 0) {
      const inDomain = countInDomain(feature, new Set(domains));
      const conforming = inDomain / present;
      add(minimumShareCheck(constraint.name, 'categorical_values_check', conforming, cfg.domainThreshold));
    }
    // baseline_drift_check
    const base = baseline?.features.find((f) => f.name === constraint.name);
    if (cfg.performComparison && base && present > 0) {
      const drift = driftCheck(constraint.name, base, feature, cfg);
      if (drift) add(drift);
    }
  }
  // extra_column_check (the column checks follow the global evaluate_constraints)
  if (effective(global, undefined).evaluate) {
    for (const f of current.features) {
      if (expectedNames.has(f.name)) continue;
      add({
        feature: f.name,
        check: 'extra_column_check',
        value: 0,
        passed: false,
        description: `Extra column: the baseline has ${expectedCount} columns and the current data has ${observedCount}; column "${f.name}" is not in the baseline.`,
      });
    }
  }
  return { violations, results };
}

/** Share of non-null values matching the expected type; undefined when there is nothing to check. */
function typeShare(expected: InferredType, c: ObservedValueCounts, present: number): number | undefined {
  if (present === 0) return undefined;
  switch (expected) {
    case 'Integral':
      return c.integral / present;
    case 'Fractional':
      return (c.integral + c.fractional) / present;
    case 'String':
      return (c.string + c.boolean) / present;
    default:
      return undefined;
  }
}

/** Per-type counts: exact when computed here, else estimated from the statistics (read from a file). */
function observedCounts(f: FeatureStatistics): ObservedValueCounts {
  if (f.observed) return f.observed;
  const out: ObservedValueCounts = { integral: 0, fractional: 0, boolean: 0, string: 0, negative: 0 };
  if (f.numerical_statistics) {
    const present = f.numerical_statistics.common.num_present;
    if (f.inferred_type === 'Integral') out.integral = present;
    else {
      // Share of whole numbers among the sketch's items (exact while the sketch holds every value).
      const sk = sketchOf(f);
      let whole = 0;
      let all = 0;
      if (sk) {
        const { values, cumulative } = sk.rankMap();
        for (let i = 0; i < values.length; i++) {
          const w = cumulative[i]! - (i > 0 ? cumulative[i - 1]! : 0);
          all += w;
          if (Number.isInteger(values[i]!)) whole += w;
        }
      }
      out.integral = all > 0 ? Math.round((whole / all) * present) : 0;
      out.fractional = present - out.integral;
    }
  } else if (f.string_statistics && f.inferred_type !== 'Unknown') {
    out.string = f.string_statistics.common.num_present;
  }
  return out;
}

function countInDomain(f: FeatureStatistics, domains: Set<string>): number {
  let n = 0;
  if (f.string_statistics) {
    for (const b of f.string_statistics.distribution?.categorical.buckets ?? []) if (domains.has(b.value)) n += b.count;
    return n;
  }
  const sk = sketchOf(f);
  if (sk) {
    const { values, cumulative } = sk.rankMap();
    for (let i = 0; i < values.length; i++) if (domains.has(String(values[i]))) n += cumulative[i]! - (i > 0 ? cumulative[i - 1]! : 0);
  }
  return n;
}

/** A check that a share (complete values, values in the domain) is at least `threshold`, in the container's wording. */
function minimumShareCheck(feature: string, check: 'completeness_check' | 'categorical_values_check', share: number, threshold: number): CheckResult {
  return { feature, check, value: share, threshold, passed: !(share < threshold), description: `Value: ${javaDouble(share)} does not meet the constraint requirement! ` };
}

function categories(f: FeatureStatistics): Map<string, number> {
  const m = new Map<string, number>();
  for (const b of f.string_statistics?.distribution?.categorical.buckets ?? []) m.set(b.value, (m.get(b.value) ?? 0) + b.count);
  return m;
}

function driftCheck(name: string, base: FeatureStatistics, cur: FeatureStatistics, cfg: Effective): CheckResult | undefined {
  const baseSketch = sketchOf(base);
  const curSketch = sketchOf(cur);
  if (baseSketch && curSketch) {
    if (baseSketch.count === 0 || curSketch.count === 0) return undefined;
    return linfDrift(name, kllLinf(baseSketch, curSketch), cfg, 'Numerical');
  }
  if (base.string_statistics && cur.string_statistics) {
    const b = categories(base);
    const c = categories(cur);
    if (b.size === 0 || c.size === 0) return undefined;
    if (cfg.categoricalMethod === 'ChiSquared') {
      const p = chiSquaredPValue(b, c);
      if (Number.isNaN(p)) return undefined;
      return {
        feature: name,
        check: 'baseline_drift_check',
        value: p,
        threshold: cfg.categoricalThreshold,
        method: 'ChiSquared',
        passed: !(p < cfg.categoricalThreshold),
        description: `Categorical drift p-value (ChiSquared): ${javaDouble(p)} is below categorical threshold: ${cfg.categoricalThreshold}`,
      };
    }
    return linfDrift(name, categoricalLinf(b, c), cfg, 'Categorical');
  }
  return undefined;
}

/**
 * The L-infinity drift check of a numerical (KLL sketches) or categorical feature: the distance (scaled by the
 * sample sizes when the comparison method is Robust) passes unless above the kind's threshold. Method and
 * description are worded as the container words them for that kind.
 */
function linfDrift(name: string, l: { distance: number; n: number; m: number }, cfg: Effective, kind: 'Numerical' | 'Categorical'): CheckResult {
  const d = cfg.comparisonMethod === 'Robust' ? robust(l.distance, l.n, l.m) : l.distance;
  const threshold = kind === 'Numerical' ? cfg.comparisonThreshold : cfg.categoricalThreshold;
  return {
    feature: name,
    check: 'baseline_drift_check',
    value: d,
    threshold,
    method: kind === 'Numerical' ? cfg.comparisonMethod : `LInfinity ${cfg.comparisonMethod}`,
    passed: !(d > threshold),
    description: `${kind} distance: ${javaDouble(d)} exceeds ${kind.toLowerCase()} threshold: ${threshold}`,
  };
}
