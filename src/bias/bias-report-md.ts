/**
 * @module bias/bias-report-md
 * `report.md` from an analysis.json: one markdown table per stage, facet and facet value with each metric's
 * value (and bootstrap interval when present), its description, the group it favours and a one-line plain
 * reading. Infinite values and failed metrics are shown as such.
 */
import type { AnalysisBiasSectionJson, AnalysisMetricJson, BiasAnalysisJson } from './analysis-json.js';
import { favouredText } from './metric-info.js';

export interface BiasReportMdOptions {
  title?: string;
  /** Extra lines under the title (data file, model, threshold...). */
  notes?: string[];
}

export function biasReportMarkdown(analysis: BiasAnalysisJson, options: BiasReportMdOptions = {}): string {
  const lines: string[] = [`# ${options.title ?? 'Bias report'}`, ''];
  for (const note of options.notes ?? []) lines.push(`- ${note}`);
  if (options.notes?.length) lines.push('');
  lines.push('"d" is the facet value named in each heading; "the rest" is every other row. Readings follow Clarify\'s sign conventions.', '');
  const sections: [string, AnalysisBiasSectionJson | undefined][] = [
    ['Pre-training bias', analysis.pre_training_bias_metrics],
    ['Post-training bias', analysis.post_training_bias_metrics],
  ];
  for (const [title, section] of sections) {
    if (!section) continue;
    lines.push(`## ${title}`, '', `Label \`${section.label}\`, positive when ${section.label_value_or_threshold === '' ? '(nothing)' : `\`${section.label_value_or_threshold}\``}.`, '');
    for (const [facet, reports] of Object.entries(section.facets)) {
      for (const report of reports) {
        const withCi = report.metrics.some((m) => m.confidence_interval !== undefined);
        const d = `${facet} = ${report.value_or_threshold}`;
        lines.push(
          `### Facet \`${facet}\` = \`${report.value_or_threshold}\``,
          '',
          `| metric | value |${withCi ? ' interval |' : ''} description | favours | reading |`,
          `| --- | --- |${withCi ? ' --- |' : ''} --- | --- | --- |`,
        );
        for (const m of report.metrics) {
          const ci = m.confidence_interval ? `[${formatValue({ value: m.confidence_interval[0] })}, ${formatValue({ value: m.confidence_interval[1] })}]` : '';
          lines.push(`| ${m.name} | ${cell(formatValue(m))} |${withCi ? ` ${cell(ci)} |` : ''} ${cell(m.description)} | ${cell(favouredText(m, d))} | ${cell(metricReading(m, report.value_or_threshold))} |`);
        }
        lines.push('');
      }
    }
  }
  return lines.join('\n');
}

export function formatValue(m: Pick<AnalysisMetricJson, 'value' | 'error'>): string {
  if (m.value === null) return 'failed';
  if (m.value === 'Infinity') return '+∞';
  if (m.value === '-Infinity') return '-∞';
  return round(m.value);
}

/** One plain sentence about a metric value, e.g. "CI 0.60: facet value 0 is under-represented (20% vs 80% of rows)". */
export function metricReading(m: Pick<AnalysisMetricJson, 'name' | 'value' | 'error'>, facetValue: string): string {
  const head = `${m.name} ${formatValue(m)}`;
  if (m.value === null) return `${m.name} failed: ${m.error ?? 'no value'}`;
  const d = `facet value ${facetValue}`;
  if (m.value === 'Infinity' || m.value === '-Infinity') {
    const sign = m.value === 'Infinity' ? 'positive' : 'negative';
    return `${head}: unbounded (${sign} infinity): a ratio inside the metric divides by zero for one group`;
  }
  const v = m.value;
  const abs = Math.abs(v);
  const pts = `${round(abs * 100, 1)} points`;
  const more = (x: number, pos: string, neg: string) => (x > 0 ? pos : x < 0 ? neg : '');
  switch (m.name) {
    case 'CI': {
      const shareD = (1 - v) / 2;
      const shareA = (1 + v) / 2;
      const how = more(v, 'under-represented', 'over-represented') || 'as common as the rest';
      return `${head}: ${d} is ${how} (${pct(shareD)} vs ${pct(shareA)} of rows)`;
    }
    case 'DPL':
      return v === 0 ? `${head}: ${d} has the same rate of positive labels as the rest` : `${head}: ${d} has a ${more(v, 'lower', 'higher')} rate of positive labels than the rest (by ${pts})`;
    case 'DPPL':
      return v === 0 ? `${head}: ${d} is predicted positive as often as the rest` : `${head}: ${d} is predicted positive ${more(v, 'less', 'more')} often than the rest (by ${pts})`;
    case 'DI':
      return `${head}: ${d}'s predicted-positive rate is ${round(v)} times the rest's${v < 0.8 ? ' (below the four-fifths rule)' : v > 1.25 ? ' (above 1.25)' : ''}`;
    case 'KL':
    case 'JS':
    case 'LP':
    case 'TVD':
    case 'KS':
      return v === 0 ? `${head}: ${d} and the rest have the same label distribution` : `${head}: the label distributions of ${d} and the rest differ (0 means identical)`;
    case 'CDDL':
    case 'CDDPL': {
      const what = m.name === 'CDDL' ? 'observed' : 'predicted';
      return v === 0 ? `${head}: ${d}'s share of ${what} rejections equals its share of acceptances within subgroups` : `${head}: within subgroups, ${d} has a ${more(v, 'larger', 'smaller')} share of ${what} rejections than of acceptances`;
    }
    case 'DCA':
      return v === 0 ? `${head}: observed/predicted positives ratio is the same for ${d} and the rest` : `${head}: ${d} ${more(v, 'gets more positive predictions', 'gets fewer positive predictions')} relative to its observed positives than the rest`;
    case 'DCR':
      return v === 0 ? `${head}: observed/predicted negatives ratio is the same for ${d} and the rest` : `${head}: ${d} ${more(v, 'gets fewer negative predictions', 'gets more negative predictions')} relative to its observed negatives than the rest`;
    case 'RD':
      return v === 0 ? `${head}: same recall for ${d} and the rest` : `${head}: recall is ${more(v, 'lower', 'higher')} for ${d} than for the rest (by ${pts})`;
    case 'SD':
      return v === 0 ? `${head}: same specificity for ${d} and the rest` : `${head}: specificity is ${more(v, 'higher', 'lower')} for ${d} than for the rest (by ${pts})`;
    case 'DAR':
      return v === 0 ? `${head}: same precision for ${d} and the rest` : `${head}: precision is ${more(v, 'lower', 'higher')} for ${d} than for the rest (by ${pts})`;
    case 'DRR':
      return v === 0 ? `${head}: same negative predictive value for ${d} and the rest` : `${head}: negative predictive value is ${more(v, 'higher', 'lower')} for ${d} than for the rest (by ${pts})`;
    case 'AD':
      return v === 0 ? `${head}: same accuracy for ${d} and the rest` : `${head}: accuracy is ${more(v, 'lower', 'higher')} for ${d} than for the rest (by ${pts})`;
    case 'TE':
      return v === 0 ? `${head}: same false-negative/false-positive ratio for ${d} and the rest` : `${head}: ${d} has a ${more(v, 'higher', 'lower')} false-negative/false-positive ratio than the rest`;
    case 'FT':
      return v === 0 ? `${head}: ${d}'s predictions agree on balance with those of their nearest neighbours in the rest` : `${head}: ${pct(abs)} of ${d} would get a ${more(v, 'less', 'more')} favourable prediction from their nearest neighbours in the rest (net)`;
    case 'GE':
      return v === 0 ? `${head}: prediction errors are spread evenly (no facet)` : `${head}: prediction benefits are unequal across rows (0 = equal; facet not used)`;
    default:
      return head;
  }
}

function round(v: number, digits = 4): string {
  return String(Number(v.toFixed(digits)));
}

function pct(x: number): string {
  return `${round(x * 100, 1)}%`;
}

function cell(s: string): string {
  return s.replace(/\|/g, '\\|').replace(/\n/g, ' ');
}
