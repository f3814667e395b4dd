/**
 * @module explain/report
 * The explainability report (report.html) through the shared report kit: global importance bars per
 * model output, the distribution of local SHAP values per feature (beeswarm strips coloured by the
 * feature's value), and partial dependence lines.
 */
import { renderHtmlReport, type HtmlReport, type ReportBlock, type ReportSection } from '../report/index.js';
import type { PartialDependence } from './pdp.js';

export interface ExplainReportInput {
  title: string;
  modelName: string;
  method: 'kernel' | 'tree';
  methodNote: string;
  rows: number;
  baselineRows?: number;
  nSamples?: number;
  exact?: boolean;
  aggMethod: string;
  space: string;
  features: string[];
  labels: string[];
  /** label -> feature -> value. */
  global: Record<string, Record<string, number>>;
  expected: Record<string, number>;
  /** Per label: rows x features local values; and the feature values (rows x features) for colours. */
  local: { label: string; values: Float64Array }[];
  featureValues: Float64Array;
  pdp: (PartialDependence & { name: string })[];
  seconds: number;
}

const MAX_STRIP_POINTS = 2000;

export function explainReportHtml(r: ExplainReportInput): string {
  const sections: ReportSection[] = [];
  const F = r.features.length;
  for (const label of r.labels) {
    const g = r.global[label]!;
    const order = [...r.features].sort((a, b) => Math.abs(g[b]!) - Math.abs(g[a]!));
    const blocks: ReportBlock[] = [
      {
        type: 'bars',
        title: `Global SHAP value per feature (${r.aggMethod}), ${label}`,
        bars: order.map((f) => ({ label: f, value: g[f]!, tone: 'neutral' as const })),
        reference: 0,
        valueFormat: (v: number) => v.toPrecision(4),
      },
      { type: 'text', text: `Expected value (base of the additive explanation): ${r.expected[label]!.toPrecision(6)} (${r.space}). Features are sorted by the size of their global value.` },
    ];
    const local = r.local.find((l) => l.label === label);
    if (local) {
      const step = Math.max(1, Math.ceil(r.rows / MAX_STRIP_POINTS));
      blocks.push({
        type: 'strip',
        title: `Local SHAP values per record, ${label} (colour: the feature's value, low to high)`,
        rows: order.map((f) => {
          const j = r.features.indexOf(f);
          const values: number[] = [];
          const colorValues: number[] = [];
          for (let i = 0; i < r.rows; i += step) {
            values.push(local.values[i * F + j]!);
            colorValues.push(r.featureValues[i * F + j]!);
          }
          return { label: f, values, colorValues };
        }),
      });
    }
    sections.push({ title: r.labels.length > 1 ? `Feature importance: ${label}` : 'Feature importance', blocks });
  }
  if (r.pdp.length > 0) {
    const blocks: ReportBlock[] = [{ type: 'text', text: "Partial dependence: the model's mean output over the explained records when one feature is set to each grid value." }];
    for (const p of r.pdp) {
      blocks.push({
        type: 'lines',
        title: `Partial dependence on ${p.name}`,
        xLabel: p.name,
        yLabel: 'mean model output',
        series: p.predictions.map((pred, k) => ({ name: r.labels[k] ?? `label${k}`, points: p.grid.map((x, i) => [x, pred[i]!] as [number, number]) })),
      });
    }
    sections.push({ title: 'Partial dependence', blocks });
  }
  sections.push({
    title: 'How this was computed',
    blocks: [
      { type: 'callout', tone: 'info', text: r.methodNote },
      {
        type: 'table',
        columns: ['setting', 'value'],
        rows: [
          ['model', r.modelName],
          ['method', r.method === 'kernel' ? 'Kernel SHAP' : 'TreeSHAP'],
          ['records explained', r.rows],
          ...(r.baselineRows !== undefined ? [['baseline rows', r.baselineRows] as [string, number]] : []),
          ...(r.nSamples !== undefined ? [['n_samples (coalitions)', `${r.nSamples}${r.exact ? ' (all coalitions: exact Shapley values)' : ''}`] as [string, string]] : []),
          ['agg_method', r.aggMethod],
          ['value space', r.space],
          ['seconds', Number(r.seconds.toFixed(3))],
        ],
      },
    ],
  });
  const top = r.labels[0] ? [...r.features].sort((a, b) => Math.abs(r.global[r.labels[0]!]![b]!) - Math.abs(r.global[r.labels[0]!]![a]!)) : [];
  const report: HtmlReport = {
    title: r.title,
    subtitle: `${r.method === 'kernel' ? 'Kernel SHAP' : 'TreeSHAP'} explanations of model ${r.modelName} on ${r.rows} records`,
    summary: [
      { label: 'most important', value: top[0] ?? 'n/a' },
      { label: 'least important', value: top[top.length - 1] ?? 'n/a' },
      { label: 'method', value: r.method === 'kernel' ? 'Kernel SHAP' : 'TreeSHAP' },
      { label: 'records', value: String(r.rows) },
    ],
    sections,
  };
  return renderHtmlReport(report);
}
