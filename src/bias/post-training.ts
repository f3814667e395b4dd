/**
 * @module bias/post-training
 * Clarify's post-training metrics (smclarify `posttraining.py`, `common.DCO/DLR/DLA/GE`) over a facet mask,
 * the collapsed observed label and the collapsed predicted label.
 */
import { facetCounts, type FacetCounts } from './counts.js';
import { flipTest } from './ft.js';
import type { GroupCodes } from './groups.js';
import { divide, fail, POST_TRAINING_METRICS, runMetric, selectMetrics, type MetricResult, type PostTrainingMetric } from './metric.js';
import { conditionalDemographicDisparity, positiveProportionDifference } from './pre-training.js';

export interface PostTrainingInput {
  d: Uint8Array;
  label: Uint8Array;
  predicted: Uint8Array;
  group?: GroupCodes;
  /** Numeric feature columns for FT, built only when FT runs (may throw a MetricFailure). */
  features?: () => Float64Array[];
}

export function postTrainingMetrics(input: PostTrainingInput, methods?: 'all' | readonly PostTrainingMetric[]): MetricResult[] {
  const counts = facetCounts(input.d, input.label, input.predicted);
  return selectMetrics(POST_TRAINING_METRICS, methods).map((name) => runMetric(name, () => postTrainingKernel(name, counts, input)));
}

function postTrainingKernel(name: PostTrainingMetric, c: FacetCounts, input: PostTrainingInput): number {
  const { a, d } = c;
  switch (name) {
    case 'DPPL':
      return positiveProportionDifference({ a: { ...a, pos: a.predPos }, d: { ...d, pos: d.predPos } });
    case 'DI':
      if (a.n === 0) fail('Negated facet set is empty');
      if (d.n === 0) fail('Facet set is empty');
      return divide(d.predPos / d.n, a.predPos / a.n);
    case 'DCA':
      requireBoth(c, 'DCO: ');
      return differenceUnlessBothInfinite(divide(a.pos, a.predPos), divide(d.pos, d.predPos));
    case 'DCR':
      requireBoth(c, 'DCO: ');
      return differenceUnlessBothInfinite(divide(d.neg, d.predNeg), divide(a.neg, a.predNeg));
    case 'RD':
      requireBoth(c, 'DLA: ');
      return divide(a.tp, a.tp + a.fn) - divide(d.tp, d.tp + d.fn);
    case 'SD':
      requireBoth(c, 'DLA: ');
      return divide(d.tn, d.tn + d.fp) - divide(a.tn, a.tn + a.fp);
    case 'DAR':
      requireBoth(c, 'DLR: ');
      return divide(a.tp, a.predPos) - divide(d.tp, d.predPos);
    case 'DRR':
      requireBoth(c, 'DLR: ');
      return divide(d.tn, d.predNeg) - divide(a.tn, a.predNeg);
    case 'AD':
      requireBoth(c, '');
      return (a.tp + a.tn) / a.n - (d.tp + d.tn) / d.n;
    case 'TE':
      requireBoth(c, '');
      return differenceUnlessBothInfinite(divide(d.fn, d.fp), divide(a.fn, a.fp));
    case 'CDDPL':
      return conditionalDemographicDisparity(input.d, input.predicted, input.group);
    case 'FT':
      requireBoth(c, '');
      if (!input.features) fail('FlipTest needs feature columns');
      return flipTest(input.features(), input.d, input.predicted);
    case 'GE':
      return generalizedEntropy(a, d);
  }
}

/** smclarify checks d before a in DCO, DLR, DLA, AD, TE and FT. */
function requireBoth(c: FacetCounts, prefix: string): void {
  if (c.d.n === 0) fail(`${prefix}Facet set is empty`);
  if (c.a.n === 0) fail(`${prefix}Negated Facet set is empty`);
}

/** x − y, but 0 when both sides are +Infinity (smclarify's guard; −Infinity cannot occur for counts). */
function differenceUnlessBothInfinite(x: number, y: number): number {
  return x === Infinity && y === Infinity ? 0 : x - y;
}

/**
 * GE with α = 2 over benefits b = ŷ − y + 1 ∈ {0 (FN), 1 (TP, TN), 2 (FP)}; independent of the facet,
 * so computed from the pooled confusion counts.
 */
function generalizedEntropy(a: FacetCounts['a'], d: FacetCounts['d']): number {
  const n = a.n + d.n;
  if (n === 0) fail('dataset must be non-empty');
  const fn = a.fn + d.fn, fp = a.fp + d.fp, right = a.tp + a.tn + d.tp + d.tn;
  const mean = (right + 2 * fp) / n;
  if (mean === 0) fail('All predicted labels are false negatives. There should be at least one prediction that is not false negative.');
  const r1 = 1 / mean, r2 = 2 / mean;
  return (-fn + right * (r1 * r1 - 1) + fp * (r2 * r2 - 1)) / (2 * n);
}
