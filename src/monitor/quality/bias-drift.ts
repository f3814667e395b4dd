/**
 * @module monitor/quality/bias-drift
 * Bias drift as SageMaker's ModelBiasMonitor computes it: the window's captured inputs and predictions,
 * merged with ground truth by inference id, go through the bias metrics of `src/bias` (Clarify's analysis
 * config: label, facets, group variable, methods); each metric is compared with the same metric (section,
 * facet, facet value) of the baseline `analysis.json` written by a baseline bias job. The spec's rule
 * (monitor.md §4): a metric violates when it is farther from 0 than its baseline value, i.e. the allowed range
 * is `[-|baseline|, |baseline|]` (DPPL baseline 0.2: 0.1 passes, -0.3 fails). Violations are
 * `{facet, facet_value, metric_name, constraint_check_type: "bias_drift_check", description}` with the
 * container's description ("Value … does not meet the constraint requirement").
 *
 * Columns: captured input fields are named by the given feature names (the model's, else the config's
 * `headers` without the label); text columns whose every value is a number become numbers. The predicted
 * label is the first output field: score > `probabilityThreshold` → 1, else 0 (Clarify's rule) when it is
 * numeric and the threshold is set, else the value itself.
 */
import type { Column, ColumnTable } from '../../core/columns.js';
import { ValidationError } from '../../core/errors.js';
import {
  biasAnalysisJson,
  parseAnalysisConfig,
  postTrainingBias,
  preTrainingBias,
  type AnalysisBiasSectionJson,
  type BiasAnalysisJson,
  type BiasStageResult,
  type ParsedAnalysisConfig,
} from '../../bias/index.js';
import { biasDrift, type BiasDriftViolation } from './attribution-drift.js';

/** The name given to the derived predicted-label column (must not clash with a feature). */
export const BIAS_PREDICTED_LABEL = 'predicted_label';

export interface BiasBaselineMetric {
  stage: 'pre_training_bias_metrics' | 'post_training_bias_metrics';
  facet: string;
  facetValue: string;
  metric: string;
  value: number;
}

export interface BiasDriftResult {
  analysis: BiasAnalysisJson;
  violations: BiasDriftViolation[];
  /** Every compared metric with its allowed range, for reports and metrics. */
  compared: (BiasBaselineMetric & { baseline: number; allowed: [number, number]; violated: boolean })[];
  /** Current metrics with no baseline counterpart (not checked). */
  unmatched: string[];
  rows: number;
}

/** Parses a Clarify analysis config (the bias part) for a bias monitor; ValidationError naming the field. */
export function parseBiasMonitorConfig(json: unknown): ParsedAnalysisConfig {
  return parseAnalysisConfig(json);
}

/** The numeric metric values of a bias analysis.json (±"Infinity" read as ±Infinity; errors and nulls skipped). */
export function biasMetricsOf(analysis: unknown, source = 'analysis.json'): BiasBaselineMetric[] {
  const a = analysis as Partial<Record<BiasBaselineMetric['stage'], AnalysisBiasSectionJson>> | null;
  if (!a || typeof a !== 'object' || (!a.post_training_bias_metrics && !a.pre_training_bias_metrics)) {
    throw new ValidationError([{ path: source, message: 'expected a Clarify bias analysis.json with post_training_bias_metrics and/or pre_training_bias_metrics' }]);
  }
  const out: BiasBaselineMetric[] = [];
  for (const stage of ['pre_training_bias_metrics', 'post_training_bias_metrics'] as const) {
    const section = a[stage];
    if (!section) continue;
    if (typeof section !== 'object' || !section.facets || typeof section.facets !== 'object') {
      throw new ValidationError([{ path: `${source}: ${stage}.facets`, message: 'expected an object of facet name -> [{value_or_threshold, metrics}]' }]);
    }
    for (const [facet, entries] of Object.entries(section.facets)) {
      if (!Array.isArray(entries)) throw new ValidationError([{ path: `${source}: ${stage}.facets.${facet}`, message: 'expected a list of {value_or_threshold, metrics}' }]);
      for (const e of entries) {
        for (const m of e?.metrics ?? []) {
          const v = m.value === 'Infinity' ? Infinity : m.value === '-Infinity' ? -Infinity : m.value;
          if (typeof v !== 'number' || Number.isNaN(v)) continue;
          out.push({ stage, facet, facetValue: String(e.value_or_threshold), metric: m.name, value: v });
        }
      }
    }
  }
  return out;
}

export interface BiasDriftInput {
  config: ParsedAnalysisConfig;
  /** Captured input columns, named (raw text or numbers). */
  features: ColumnTable;
  /** Per row: the ground-truth label (text). */
  labels: string[];
  /** Per row: the first captured output field (text), null when missing. */
  predictions: (string | null)[];
  /** Score above this is a positive prediction; default the config's, else 0.5. */
  probabilityThreshold?: number;
  /** The baseline analysis.json (the constraints of a bias schedule). */
  baseline: unknown;
  baselineSource?: string;
}

/** Computes the window's bias metrics and checks them against the baseline. */
export function detectBiasDrift(input: BiasDriftInput): BiasDriftResult {
  const baselineMetrics = biasMetricsOf(input.baseline, input.baselineSource);
  const { config } = input;
  const labelName = config.bias.label.name;
  const n = input.features.length;
  if (input.labels.length !== n || input.predictions.length !== n) throw new Error(`bias drift: ${n} rows but ${input.labels.length} labels and ${input.predictions.length} predictions`);
  if (input.features.columns.some((c) => c.name === labelName || c.name === BIAS_PREDICTED_LABEL)) {
    throw new ValidationError([{ path: 'features', message: `the captured features must not have a column named "${labelName}" or "${BIAS_PREDICTED_LABEL}"` }]);
  }
  const threshold = input.probabilityThreshold ?? config.probabilityThreshold ?? 0.5;
  const table: ColumnTable = {
    length: n,
    columns: [...input.features.columns.map(numericIfAllNumbers), numericIfAllNumbers({ name: labelName, type: 'string', values: input.labels }), predictedColumn(input.predictions, threshold)],
  };
  const bias = { ...config.bias, predictedLabel: BIAS_PREDICTED_LABEL };
  const results: { pre?: BiasStageResult; post?: BiasStageResult } = {};
  const wantPre = config.preMethods !== undefined || baselineMetrics.some((m) => m.stage === 'pre_training_bias_metrics');
  const wantPost = config.postMethods !== undefined || baselineMetrics.some((m) => m.stage === 'post_training_bias_metrics') || !wantPre;
  if (wantPre) results.pre = preTrainingBias(table, bias, { methods: config.preMethods ?? 'all' });
  if (wantPost) results.post = postTrainingBias(table, bias, { methods: config.postMethods ?? 'all' });
  const analysis = biasAnalysisJson(results);
  const current = biasMetricsOf(analysis, 'current analysis');
  const key = (m: BiasBaselineMetric) => `${m.stage}\u0000${m.facet}\u0000${m.facetValue}\u0000${m.metric}`;
  const byKey = new Map(baselineMetrics.map((m) => [key(m), m]));
  const compared: BiasDriftResult['compared'] = [];
  const unmatched: string[] = [];
  const pairs: { facet: string; facetValue: string; metric: string; baseline: number; value: number }[] = [];
  for (const m of current) {
    const b = byKey.get(key(m));
    if (!b) {
      unmatched.push(`${m.metric} (${m.facet} = ${m.facetValue})`);
      continue;
    }
    const bound = Math.abs(b.value);
    pairs.push({ facet: m.facet, facetValue: m.facetValue, metric: m.metric, baseline: b.value, value: m.value });
    compared.push({ ...m, baseline: b.value, allowed: [-bound, bound], violated: Math.abs(m.value) > bound });
  }
  return { analysis, violations: biasDrift(pairs).violations, compared, unmatched, rows: n };
}

function numericIfAllNumbers(c: Column): Column {
  if (c.type !== 'string') return c;
  const values = new Float64Array(c.values.length);
  for (let i = 0; i < c.values.length; i++) {
    const v = c.values[i];
    if (v == null || v.trim() === '') {
      values[i] = NaN;
      continue;
    }
    const x = Number(v);
    if (!Number.isFinite(x)) return c;
    values[i] = x;
  }
  return { name: c.name, type: 'float', values };
}

function predictedColumn(predictions: (string | null)[], threshold: number): Column {
  const numeric = predictions.every((p) => p == null || p.trim() === '' || Number.isFinite(Number(p)));
  if (!numeric) return { name: BIAS_PREDICTED_LABEL, type: 'string', values: predictions.map((p) => (p == null ? null : p.trim())) };
  const values = new Float64Array(predictions.length);
  for (let i = 0; i < predictions.length; i++) {
    const p = predictions[i];
    const x = p == null || p.trim() === '' ? NaN : Number(p);
    values[i] = Number.isNaN(x) ? NaN : x > threshold ? 1 : 0;
  }
  return { name: BIAS_PREDICTED_LABEL, type: 'float', values };
}
