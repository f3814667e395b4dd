/**
 * @module monitor/quality/attribution-drift
 * Drift checks of SageMaker's ModelBiasMonitor and ModelExplainabilityMonitor on already computed metrics:
 * - feature attribution drift: NDCG of the live global-SHAP ranking against the baseline attributions
 *   (DCG = Σ a(F′ᵢ)/log₂(i+1) over the live order, iDCG over the baseline order); violation when < 0.9, with
 *   the container's description verbatim ("… exceeds threshold 0.9" although it is below);
 * - bias drift: a metric violates when it is farther from 0 than its baseline value
 *   (`constraint_check_type: bias_drift_check`, "Value … does not meet the constraint requirement").
 */
import { ValidationError } from '../../core/errors.js';

export interface AttributionDriftResult {
  ndcg: number;
  threshold: number;
  violation?: { label: string; metric_name: 'shap'; constraint_check_type: 'feature_attribution_drift_check'; description: string };
}

/** `baseline` and `live`: feature -> global attribution (e.g. mean |SHAP|). */
export function featureAttributionDrift(baseline: Record<string, number>, live: Record<string, number>, options: { threshold?: number; label?: string } = {}): AttributionDriftResult {
  const threshold = options.threshold ?? 0.9;
  const a = (f: string) => baseline[f] ?? 0;
  const byBaseline = Object.keys(baseline).sort((x, y) => a(y) - a(x));
  const byLive = Object.keys(live)
    .filter((f) => f in baseline)
    .sort((x, y) => (live[y] ?? 0) - (live[x] ?? 0));
  let dcg = 0;
  let idcg = 0;
  byLive.forEach((f, i) => (dcg += a(f) / Math.log2(i + 2)));
  byBaseline.forEach((f, i) => (idcg += a(f) / Math.log2(i + 2)));
  const ndcg = idcg === 0 ? 1 : dcg / idcg;
  const result: AttributionDriftResult = { ndcg, threshold };
  if (ndcg < threshold) {
    result.violation = {
      label: options.label ?? 'label0',
      metric_name: 'shap',
      constraint_check_type: 'feature_attribution_drift_check',
      description: `Feature attribution drift ${ndcg} exceeds threshold ${threshold}`,
    };
  }
  return result;
}

export interface BiasDriftViolation {
  facet: string;
  facet_value: string;
  metric_name: string;
  constraint_check_type: 'bias_drift_check';
  description: string;
}

/** Bias metrics farther from 0 than their baseline value: `{facet, facetValue, metric, baseline, value}` each. */
export function biasDrift(metrics: { facet: string; facetValue: string; metric: string; baseline: number; value: number }[]): { violations: BiasDriftViolation[] } {
  const violations: BiasDriftViolation[] = [];
  for (const m of metrics) {
    if (!Number.isFinite(m.value) && !Number.isFinite(m.baseline)) continue;
    if (Math.abs(m.value) > Math.abs(m.baseline)) {
      violations.push({ facet: m.facet, facet_value: m.facetValue, metric_name: m.metric, constraint_check_type: 'bias_drift_check', description: `Value ${m.value} does not meet the constraint requirement` });
    }
  }
  return { violations };
}

/**
 * The global SHAP values of a Clarify explainability `analysis.json` (kernel_shap or tree_shap, the first label or
 * `label`); the baseline of a ModelExplainability schedule.
 */
export function globalShapOf(analysis: unknown, source = 'analysis.json', label?: string): { label: string; values: Record<string, number> } {
  const ex = (analysis as { explanations?: Record<string, unknown> } | null)?.explanations;
  for (const method of ['kernel_shap', 'tree_shap']) {
    const byLabel = ex?.[method] as Record<string, { global_shap_values?: Record<string, number> }> | undefined;
    if (!byLabel || typeof byLabel !== 'object') continue;
    const key = label ?? Object.keys(byLabel)[0];
    const values = key !== undefined ? byLabel[key]?.global_shap_values : undefined;
    if (values && typeof values === 'object') return { label: key!, values };
  }
  throw new ValidationError([{ path: source, message: 'expected a Clarify explainability analysis.json with explanations.kernel_shap (or tree_shap).<label>.global_shap_values' }]);
}
