/**
 * @module bias/post-training
 * Clarify's post-training metrics (smclarify `posttraining.py`, `common.DCO/DLR/DLA/GE`) over a facet mask,
 * the collapsed observed label and the collapsed predicted label.
 */
import { flipTestInterval } from './bootstrap.js';
import { cddOf, cellTable, facetCountsOf, type CellTable } from './cells.js';
import type { FacetCounts } from './counts.js';
import { flipCounts } from './ft.js';
import type { GroupCodes } from './groups.js';
import { divide, fail, POST_TRAINING_METRICS, runMetric, selectMetrics, type MetricResult, type PostTrainingMetric } from './metric.js';
import { attachIntervals, positiveProportionDifference, type MetricBootstrap } from './pre-training.js';

export interface PostTrainingInput {
  d: Uint8Array;
  label: Uint8Array;
  predicted: Uint8Array;
  group?: GroupCodes;
  /** Numeric feature columns for FT, built only when FT runs (may throw a MetricFailure). */
  features?: () => Float64Array[];
}

export function postTrainingMetrics(input: PostTrainingInput, methods?: 'all' | readonly PostTrainingMetric[], bootstrap?: MetricBootstrap): MetricResult[] {
  const t = cellTable(input.d, input.label, input.predicted, input.group);
  let flips: { plus: number; minus: number; nd: number } | undefined;
  const results = selectMetrics(POST_TRAINING_METRICS, methods).map((name) =>
    runMetric(name, () => {
      if (name !== 'FT') return postTrainingKernel(name, t);
      requireBoth(facetCountsOf(t), '');
      if (!input.features) fail('FlipTest needs feature columns');
      flips = flipCounts(input.features(), input.d, input.predicted);
      return (flips.plus - flips.minus) / flips.nd;
    }),
  );
  if (bootstrap) {
    const counted = results.filter((r) => r.name !== 'FT');
    attachIntervals(counted, t, (name, cells) => postTrainingKernel(name as Exclude<PostTrainingMetric, 'FT'>, cells), bootstrap);
    const ft = results.find((r) => r.name === 'FT');
    if (ft && ft.value !== null && flips) {
      const interval = flipTestInterval(flips.plus, flips.minus, flips.nd, bootstrap.options, bootstrap.random);
      if (interval) ft.confidenceInterval = interval;
    }
  }
  return results;
}

/** Every post-training metric but FT, from the cell counts. */
function postTrainingKernel(name: Exclude<PostTrainingMetric, 'FT'>, t: CellTable): number {
  if (name === 'CDDPL') return cddOf(t, true);
  const c = facetCountsOf(t);
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
