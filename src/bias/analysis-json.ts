/**
 * @module bias/analysis-json
 * The `pre_training_bias_metrics` / `post_training_bias_metrics` sections of Clarify's analysis.json,
 * with ±Infinity written as the strings "Infinity" / "-Infinity" (smclarify `inf_as_str`). A metric may carry
 * `confidence_interval: [low, high]` (bootstrap, on request) after `value`: an extra key, so readers of Clarify's
 * schema that look up `name` / `value` / `error` are unaffected. Clarify's `bias_basic_stats` and
 * `model_performance_report` are not written: no analysis.json from a real Clarify job (spec/examples) has them.
 */
import type { BiasStageResult } from './report.js';

export interface AnalysisMetricJson {
  name: string;
  description: string;
  value: number | 'Infinity' | '-Infinity' | null;
  /** Beyond Clarify: bootstrap percentile interval [low, high], only when asked for (`--ci`). */
  confidence_interval?: [AnalysisMetricJson['value'], AnalysisMetricJson['value']];
  error?: string;
}

export interface AnalysisFacetJson {
  value_or_threshold: string;
  metrics: AnalysisMetricJson[];
}

export interface AnalysisBiasSectionJson {
  label: string;
  facets: Record<string, AnalysisFacetJson[]>;
  label_value_or_threshold: string;
}

export interface BiasAnalysisJson {
  version: '1.0';
  post_training_bias_metrics?: AnalysisBiasSectionJson;
  pre_training_bias_metrics?: AnalysisBiasSectionJson;
}

export function analysisSection(result: BiasStageResult): AnalysisBiasSectionJson {
  const facets: Record<string, AnalysisFacetJson[]> = {};
  for (const facet of result.facets) {
    // Two entries for the same column (two configs) append, as the list shape allows.
    const list = (facets[facet.name] ??= []);
    for (const report of facet.reports) {
      list.push({
        value_or_threshold: report.valueOrThreshold,
        metrics: report.metrics.map((m) => {
          const out: AnalysisMetricJson = { name: m.name, description: m.description, value: jsonValue(m.value) };
          if (m.confidenceInterval) out.confidence_interval = [jsonValue(m.confidenceInterval[0]), jsonValue(m.confidenceInterval[1])];
          if (m.error !== undefined) out.error = m.error;
          return out;
        }),
      });
    }
  }
  return { label: result.label, facets, label_value_or_threshold: result.labelValueOrThreshold };
}

/** analysis.json with the bias sections present (key order as written by real Clarify jobs). */
export function biasAnalysisJson(results: { pre?: BiasStageResult; post?: BiasStageResult }): BiasAnalysisJson {
  const out: BiasAnalysisJson = { version: '1.0' };
  if (results.post) out.post_training_bias_metrics = analysisSection(results.post);
  if (results.pre) out.pre_training_bias_metrics = analysisSection(results.pre);
  return out;
}

function jsonValue(v: number | null): AnalysisMetricJson['value'] {
  if (v === Infinity) return 'Infinity';
  if (v === -Infinity) return '-Infinity';
  return v;
}
