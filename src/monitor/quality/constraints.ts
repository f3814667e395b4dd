/**
 * @module monitor/quality/constraints
 * Model-quality constraints (`{version, <problem>_constraints: {metric: {threshold, comparison_operator}}}`):
 * suggested from baseline statistics (threshold = baseline value; error metrics `GreaterThanThreshold`,
 * quality metrics `LessThanThreshold`), parsed from SageMaker's files, and checked into violations
 * `{metric_name, constraint_check_type: <operator>, description: "Metric f2 with 0.5 was LessThanThreshold 0.625"}`.
 */
import { invalid, ValidationError } from '../../core/errors.js';
import type { MetricValue, ModelQualityStatistics, ProblemType } from './metrics.js';

export type ComparisonOperator = 'GreaterThanThreshold' | 'LessThanThreshold' | 'GreaterThanOrEqualToThreshold' | 'LessThanOrEqualToThreshold';
export const COMPARISON_OPERATORS: ComparisonOperator[] = ['GreaterThanThreshold', 'LessThanThreshold', 'GreaterThanOrEqualToThreshold', 'LessThanOrEqualToThreshold'];

export interface ModelQualityConstraints {
  version: number;
  regression_constraints?: Record<string, { threshold: number; comparison_operator: ComparisonOperator }>;
  binary_classification_constraints?: Record<string, { threshold: number; comparison_operator: ComparisonOperator }>;
  multiclass_classification_constraints?: Record<string, { threshold: number; comparison_operator: ComparisonOperator }>;
}

export interface ModelQualityViolation {
  metric_name: string;
  constraint_check_type: ComparisonOperator;
  description: string;
}

const SECTION: Record<ProblemType, { stats: 'regression_metrics' | 'binary_classification_metrics' | 'multiclass_classification_metrics'; constraints: keyof Omit<ModelQualityConstraints, 'version'> }> = {
  Regression: { stats: 'regression_metrics', constraints: 'regression_constraints' },
  BinaryClassification: { stats: 'binary_classification_metrics', constraints: 'binary_classification_constraints' },
  MulticlassClassification: { stats: 'multiclass_classification_metrics', constraints: 'multiclass_classification_constraints' },
};

/** Metrics where larger is worse. */
const ERROR_METRICS = new Set(['mae', 'mse', 'rmse', 'false_positive_rate', 'false_negative_rate']);

export function problemTypeOf(stats: ModelQualityStatistics | ModelQualityConstraints, source = 'statistics'): ProblemType {
  for (const [p, s] of Object.entries(SECTION) as [ProblemType, (typeof SECTION)[ProblemType]][]) {
    if (s.stats in stats || s.constraints in stats) return p;
  }
  throw invalid(source, Object.keys(stats), 'a model-quality file with regression_metrics, binary_classification_metrics or multiclass_classification_metrics (or the matching _constraints)');
}

/** The scalar metrics of a statistics file: name -> value. */
export function metricValues(stats: ModelQualityStatistics): Record<string, number> {
  const section = stats[SECTION[problemTypeOf(stats)].stats] as Record<string, unknown> | undefined;
  const out: Record<string, number> = {};
  for (const [k, v] of Object.entries(section ?? {})) {
    if (v && typeof v === 'object' && 'value' in v) {
      const x = (v as MetricValue).value as unknown;
      const n = typeof x === 'number' ? x : Number(x);
      if (!Number.isNaN(n)) out[k] = n;
    }
  }
  return out;
}

export function suggestModelQualityConstraints(stats: ModelQualityStatistics): ModelQualityConstraints {
  const problem = problemTypeOf(stats);
  const out: Record<string, { threshold: number; comparison_operator: ComparisonOperator }> = {};
  for (const [k, v] of Object.entries(metricValues(stats))) {
    if (k.endsWith('_best_constant_classifier') || !Number.isFinite(v)) continue;
    out[k] = { threshold: v, comparison_operator: ERROR_METRICS.has(k) ? 'GreaterThanThreshold' : 'LessThanThreshold' };
  }
  return { version: 0.0, [SECTION[problem].constraints]: out };
}

export function parseModelQualityStatistics(json: unknown, source = 'statistics'): ModelQualityStatistics {
  if (!json || typeof json !== 'object') throw invalid(source, json, 'a model-quality statistics.json object');
  const stats = json as ModelQualityStatistics;
  problemTypeOf(stats, source);
  return stats;
}

export function parseModelQualityConstraints(json: unknown, source = 'constraints'): ModelQualityConstraints {
  if (!json || typeof json !== 'object') throw invalid(source, json, 'a model-quality constraints.json object');
  const c = json as ModelQualityConstraints;
  const problem = problemTypeOf(c, source);
  const section = c[SECTION[problem].constraints] ?? {};
  const issues = [];
  for (const [k, v] of Object.entries(section)) {
    if (!v || typeof v.threshold !== 'number') issues.push({ path: `${source}.${SECTION[problem].constraints}.${k}.threshold`, message: `got ${JSON.stringify(v?.threshold)}, expected a number` });
    else if (!COMPARISON_OPERATORS.includes(v.comparison_operator)) {
      issues.push({ path: `${source}.${SECTION[problem].constraints}.${k}.comparison_operator`, message: `got ${JSON.stringify(v.comparison_operator)}, expected one of ${COMPARISON_OPERATORS.join(', ')}` });
    }
  }
  if (issues.length) throw new ValidationError(issues);
  return c;
}

export function checkModelQuality(stats: ModelQualityStatistics, constraints: ModelQualityConstraints): { violations: ModelQualityViolation[] } {
  const problem = problemTypeOf(constraints);
  const values = metricValues(stats);
  const violations: ModelQualityViolation[] = [];
  for (const [metric, c] of Object.entries(constraints[SECTION[problem].constraints] ?? {})) {
    const v = values[metric];
    if (v === undefined || !Number.isFinite(v)) continue;
    const t = c.threshold;
    const hit =
      c.comparison_operator === 'GreaterThanThreshold' ? v > t : c.comparison_operator === 'LessThanThreshold' ? v < t : c.comparison_operator === 'GreaterThanOrEqualToThreshold' ? v >= t : v <= t;
    if (hit) violations.push({ metric_name: metric, constraint_check_type: c.comparison_operator, description: `Metric ${metric} with ${v} was ${c.comparison_operator} ${t}` });
  }
  return { violations };
}
