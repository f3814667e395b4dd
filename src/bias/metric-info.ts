/**
 * @module bias/metric-info
 * What the reports say about each metric beyond its value: its possible range, the value meaning parity, and
 * which group a value favours (taking a positive label / prediction as the favourable outcome) and by how much.
 */
import type { AnalysisMetricJson } from './analysis-json.js';
import type { MetricName } from './metric.js';

export interface MetricRange {
  /** Possible values; ±Infinity for an open end. */
  domain: [number, number];
  /** The value of no bias. */
  parity: number;
  /** As printed, e.g. "[-1, 1]". */
  text: string;
}

const DIFF: MetricRange = { domain: [-1, 1], parity: 0, text: '[-1, 1]' };
const UNIT: MetricRange = { domain: [0, 1], parity: 0, text: '[0, 1]' };
const OPEN: MetricRange = { domain: [-Infinity, Infinity], parity: 0, text: '(-∞, ∞)' };

export const METRIC_RANGES: Record<MetricName, MetricRange> = {
  CI: DIFF,
  DPL: DIFF,
  KL: { domain: [0, Infinity], parity: 0, text: '[0, ∞) (negative when a label value is absent from one group)' },
  JS: { domain: [0, Math.LN2], parity: 0, text: '[0, ln 2]' },
  LP: { domain: [0, Math.SQRT2], parity: 0, text: '[0, √2]' },
  TVD: UNIT,
  KS: UNIT,
  CDDL: DIFF,
  DPPL: DIFF,
  DI: { domain: [0, Infinity], parity: 1, text: '[0, ∞)' },
  DCA: OPEN,
  DCR: OPEN,
  RD: DIFF,
  SD: DIFF,
  DAR: DIFF,
  DRR: DIFF,
  AD: DIFF,
  TE: OPEN,
  CDDPL: DIFF,
  FT: DIFF,
  GE: { domain: [0, Infinity], parity: 0, text: '[0, ∞)' },
};

/**
 * +1 when a positive value favours a (the rest), −1 when it favours d, 0 when the metric has no direction.
 * DAR, DRR: lower precision / NPV for d means d's acceptances are more lenient, its rejections less often wrong.
 * DCA, DCR: d gets more positive (fewer negative) predictions than its observed labels warrant.
 * FT (smclarify's sign): negative when d's rows get fewer positives than their a-neighbours would.
 */
const POSITIVE_FAVOURS_A: Record<MetricName, 1 | -1 | 0> = {
  CI: 0, KL: 0, JS: 0, LP: 0, TVD: 0, KS: 0, GE: 0,
  DPL: 1, DPPL: 1, CDDL: 1, CDDPL: 1, RD: 1, SD: 1, TE: 1, AD: 1,
  DAR: -1, DRR: -1, DCA: -1, DCR: -1, FT: -1, DI: -1,
};

/** "d", "a", "neither" or undefined (no direction / no value); the magnitude as text, e.g. "14.8 points". */
export function favoured(m: Pick<AnalysisMetricJson, 'name' | 'value'>): { group: 'a' | 'd' | 'neither'; by: string } | undefined {
  const name = m.name as MetricName;
  const sign = POSITIVE_FAVOURS_A[name];
  if (sign === undefined || sign === 0 || m.value === null) return undefined;
  const v = m.value === 'Infinity' ? Infinity : m.value === '-Infinity' ? -Infinity : m.value;
  const parity = METRIC_RANGES[name].parity;
  if (v === parity) return { group: 'neither', by: '' };
  const aFavoured = (v - parity) * sign > 0;
  const group = aFavoured ? 'a' : 'd';
  if (!Number.isFinite(v)) return { group, by: 'an unbounded ratio (a zero denominator)' };
  if (name === 'DI') return { group, by: `a ratio of ${round(v, 3)} (parity 1)` };
    if (METRIC_RANGES[name] === DIFF) return { group, by: `${round(Math.abs(v) * 100, 1)} points` };
  return { group, by: `${round(Math.abs(v), 4)}` };
}

/** One phrase: "favours the rest over sex = 0 by 14.8 points", "favours neither group", "" without a direction. */
export function favouredText(m: Pick<AnalysisMetricJson, 'name' | 'value'>, d: string): string {
  const f = favoured(m);
  if (!f) return '';
  if (m.name === 'AD') {
    if (f.group === 'neither') return 'as accurate for both groups';
    return f.group === 'a' ? `more accurate for the rest than for ${d} by ${f.by}` : `more accurate for ${d} than for the rest by ${f.by}`;
  }
  if (f.group === 'neither') return 'favours neither group';
  return f.group === 'a' ? `favours the rest over ${d} by ${f.by}` : `favours ${d} over the rest by ${f.by}`;
}

/** Outside a conventional band around parity: |difference| > 0.1, DI outside [0.8, 1.25] (four-fifths rule), any ±∞. */
export function notable(m: Pick<AnalysisMetricJson, 'name' | 'value'>): boolean {
  if (m.value === null) return false;
  if (m.value === 'Infinity' || m.value === '-Infinity') return true;
  const name = m.name as MetricName;
  if (name === 'DI') return m.value < 0.8 || m.value > 1.25;
  if (name === 'CI' || name === 'GE' || name === 'KL' || name === 'JS' || name === 'LP') return false;
  return Math.abs(m.value - METRIC_RANGES[name].parity) > 0.1;
}

function round(v: number, digits: number): string {
  return String(Number(v.toFixed(digits)));
}
