/**
 * @module bias/bias-report-html
 * `report.html` from an analysis.json, with the shared report kit: per stage and facet value, bar charts of the
 * metrics grouped by their possible range (shaded, with the parity line and bootstrap whiskers when present),
 * then a table with each value, interval, range, the group it favours and by how much, and a plain reading.
 * An empty group or a failed metric is said in words; it never breaks the page.
 */
import { renderHtmlReport, type Bar, type ReportBlock, type ReportSection } from '../report/index.js';
import type { AnalysisBiasSectionJson, AnalysisMetricJson, BiasAnalysisJson } from './analysis-json.js';
import { formatValue, metricReading } from './bias-report-md.js';
import { favouredText, METRIC_RANGES, notable, type MetricRange } from './metric-info.js';
import type { MetricName } from './metric.js';

export interface BiasReportHtmlOptions {
  title?: string;
  /** Lines about the run (data, model, threshold...). */
  notes?: string[];
  /** Bootstrap settings, when intervals were computed. */
  bootstrap?: { level: number; samples: number; seed: number };
}

type JsonValue = AnalysisMetricJson['value'];

export function biasReportHtml(analysis: BiasAnalysisJson, options: BiasReportHtmlOptions = {}): string {
  const sections: ReportSection[] = [];
  const about: ReportBlock[] = [
    {
      type: 'text',
      text:
        'Each section compares one facet group d (named in its title) with the rest of the rows (a). Metrics follow ' +
        "Clarify's definitions and sign conventions; the readings take a positive label or prediction as the favourable outcome. " +
        'Charts group the metrics by their possible range (shaded); the dashed line marks parity (no difference).',
    },
  ];
  // The bootstrap gets its own callout below.
  // Warnings (e.g. a label with one class) stand out as callouts rather than rows of the run table.
  const all = options.notes ?? [];
  for (const w of all.filter((n) => n.startsWith('warning: '))) about.push({ type: 'callout', tone: 'warn', text: w.slice('warning: '.length).replace(/`/g, '') });
  const notes = all.filter((n) => !n.startsWith('warning: ') && !(options.bootstrap && n.startsWith('confidence intervals:')));
  if (notes.length > 0) about.push({ type: 'table', columns: ['run', ''], rows: notes.map((n) => splitNote(n)) });
  if (options.bootstrap) {
    const b = options.bootstrap;
    about.push({ type: 'callout', tone: 'info', text: `Whiskers and intervals: ${pct(b.level)} bootstrap percentile intervals (${b.samples} replicates, seed ${b.seed}).` });
  }
  sections.push({ title: 'About this report', blocks: about });

  let flagged = 0;
  let failed = 0;
  let reports = 0;
  const stages: [string, AnalysisBiasSectionJson | undefined][] = [
    ['Pre-training', analysis.pre_training_bias_metrics],
    ['Post-training', analysis.post_training_bias_metrics],
  ];
  for (const [stage, section] of stages) {
    if (!section) continue;
    for (const [facet, list] of Object.entries(section.facets)) {
      for (const report of list) {
        reports++;
        const d = `${facet} = ${report.value_or_threshold === '' ? '(empty range)' : report.value_or_threshold}`;
        const blocks: ReportBlock[] = [];
        const bad = report.metrics.filter((m) => m.value === null);
        failed += bad.length;
        flagged += report.metrics.filter(notable).length;
        const emptyD = bad.some((m) => /(^|: )facet set is empty/i.test(m.error ?? ''));
        const emptyA = bad.some((m) => /negated facet set is empty/i.test(m.error ?? ''));
        if (emptyD || emptyA) {
          const who = emptyD ? `The group ${d} is empty: no row of this data has that value` : `Every row is in ${d}: the rest (a) is empty`;
          blocks.push({
            type: 'callout',
            tone: 'bad',
            text: `${who}, so no metric comparing the two groups could be computed (${bad.map((m) => m.name).join(', ')}). Check the facet value against the data.`,
          });
        } else if (bad.length > 0) {
          blocks.push({ type: 'callout', tone: 'warn', text: `Not computed for ${d}: ${bad.map((m) => `${m.name} (${m.error ?? 'no value'})`).join(', ')}.` });
        }
        blocks.push(...charts(report.metrics, d));
        blocks.push({
          type: 'table',
          columns: ['metric', 'value', ...(options.bootstrap ? [`${pct(options.bootstrap.level)} interval`] : []), 'possible range', 'favours', 'reading'],
          rows: report.metrics.map((m) => [
            `${m.name}: ${m.description.replace(/ \([A-Z]+\)$/, '')}`,
            formatValue(m),
            ...(options.bootstrap ? [m.confidence_interval ? `[${formatValue({ value: m.confidence_interval[0] })}, ${formatValue({ value: m.confidence_interval[1] })}]` : '—'] : []),
            METRIC_RANGES[m.name as MetricName]?.text ?? '',
            favouredText(m, d) || '—',
            metricReading(m, report.value_or_threshold),
          ]),
        });
        sections.push({ title: `${stage} bias · ${d}`, blocks: [{ type: 'text', text: `Label "${section.label}", positive when ${section.label_value_or_threshold || '(nothing)'}.` }, ...blocks] });
      }
    }
  }
  return renderHtmlReport({
    title: options.title ?? 'Bias report',
    subtitle: 'Clarify-compatible bias metrics (plumbline)',
    summary: [
      { label: 'facet groups', value: String(reports) },
      { label: 'outside the parity band', value: String(flagged), ...(flagged > 0 ? { tone: 'bad' as const } : { tone: 'good' as const }) },
      { label: 'metrics not computed', value: String(failed), ...(failed > 0 ? { tone: 'warn' as const } : {}) },
    ],
    sections,
  });
}

/** Charts by range, in this order; metrics of the same range share a chart. */
const CHART_ORDER: { title: string; metrics: MetricName[] }[] = [
  { title: 'differences', metrics: ['CI', 'DPL', 'CDDL', 'DPPL', 'RD', 'SD', 'DAR', 'DRR', 'AD', 'CDDPL', 'FT'] },
  { title: 'disparate impact (ratio)', metrics: ['DI'] },
  { title: 'label distribution distances', metrics: ['TVD', 'KS'] },
  { title: 'Jensen-Shannon divergence', metrics: ['JS'] },
  { title: 'L2 norm of the label distributions', metrics: ['LP'] },
  { title: 'Kullback-Leibler divergence', metrics: ['KL'] },
  { title: 'unbounded differences', metrics: ['DCA', 'DCR', 'TE'] },
  { title: 'generalized entropy (no facet)', metrics: ['GE'] },
];

function charts(metrics: AnalysisMetricJson[], d: string): ReportBlock[] {
  const out: ReportBlock[] = [];
  for (const group of CHART_ORDER) {
    const chosen = metrics.filter((m) => group.metrics.includes(m.name as MetricName));
    // A chart only when something can be drawn (an empty group fails every metric).
    if (!chosen.some((m) => m.value !== null)) continue;
    const range: MetricRange = METRIC_RANGES[group.metrics[0]!];
    out.push({
      type: 'bars',
      title: `${d}: ${group.title}, range ${range.text.replace(/ \(.*\)$/, '')}, parity ${range.parity}`,
      domain: range.domain,
      reference: range.parity,
      bars: chosen.map((m): Bar => {
        const bar: Bar = { label: m.name, value: num(m.value), tone: notable(m) ? 'bad' : 'neutral' };
        if (m.confidence_interval) {
          bar.low = num(m.confidence_interval[0])!;
          bar.high = num(m.confidence_interval[1])!;
        }
        const note = m.value === null ? (m.error ?? 'not computed') : favouredText(m, d);
        if (note) bar.note = note;
        return bar;
      }),
    });
  }
  return out;
}

function num(v: JsonValue): number | null {
  return v === 'Infinity' ? Infinity : v === '-Infinity' ? -Infinity : v;
}

function splitNote(note: string): [string, string] {
  const i = note.indexOf(': ');
  return i > 0 ? [note.slice(0, i), note.slice(i + 2).replace(/`/g, '')] : ['', note.replace(/`/g, '')];
}

function pct(level: number): string {
  return `${Number((level * 100).toFixed(2))}%`;
}
