/**
 * @module bias/pre-training
 * Clarify's pre-training metrics (smclarify `pretraining.py`) over a facet mask and the collapsed label.
 */
import { facetCounts, subgroupCounts, type FacetCounts } from './counts.js';
import type { GroupCodes } from './groups.js';
import { divide, fail, PRE_TRAINING_METRICS, runMetric, selectMetrics, type MetricResult, type PreTrainingMetric } from './metric.js';

export interface PreTrainingInput {
  /** Facet d mask (a is its complement). */
  d: Uint8Array;
  /** Positive observed label mask. */
  label: Uint8Array;
  group?: GroupCodes;
}

export function preTrainingMetrics(input: PreTrainingInput, methods?: 'all' | readonly PreTrainingMetric[]): MetricResult[] {
  const counts = facetCounts(input.d, input.label);
  return selectMetrics(PRE_TRAINING_METRICS, methods).map((name) => runMetric(name, () => preTrainingKernel(name, counts, input)));
}

function preTrainingKernel(name: PreTrainingMetric, c: FacetCounts, input: PreTrainingInput): number {
  switch (name) {
    case 'CI':
      return classImbalance(c);
    case 'DPL':
      return positiveProportionDifference(c);
    case 'KL':
      return kl(labelDistributions(c));
    case 'JS':
      return js(labelDistributions(c));
    case 'LP':
      return lpNorm(labelDistributions(c), 2);
    case 'TVD':
      return 0.5 * lpNorm(labelDistributions(c), 1);
    case 'KS':
      return lpNorm(labelDistributions(c), Infinity);
    case 'CDDL':
      return conditionalDemographicDisparity(input.d, input.label, input.group);
  }
}

export function classImbalance(c: FacetCounts): number {
  if (c.a.n === 0) fail('CI: negated facet set is empty. Check that x[~facet] has non-zero length.');
  if (c.d.n === 0) fail('CI: facet set is empty. Check that x[facet] has non-zero length.');
  return (c.a.n - c.d.n) / (c.a.n + c.d.n);
}

/** DPL over observed labels; DPPL passes counts whose `pos` are the predicted positives. */
export function positiveProportionDifference(c: FacetCounts): number {
  if (c.a.n === 0) fail('Negative facet set is empty.');
  if (c.d.n === 0) fail('Facet set is empty.');
  return c.a.pos / c.a.n - c.d.pos / c.d.n;
}

/**
 * P_a and P_d over the binary label values {negative, positive}, keeping only values present in both groups
 * and not renormalising (smclarify `pdfs_aligned_nonzero`).
 */
function labelDistributions(c: FacetCounts): [number[], number[]] {
  const pa: number[] = [];
  const pd: number[] = [];
  for (const [ca, cd] of [[c.a.neg, c.d.neg], [c.a.pos, c.d.pos]] as const) {
    if (ca > 0 && cd > 0) {
      pa.push(ca / c.a.n);
      pd.push(cd / c.d.n);
    }
  }
  if (pa.length === 0) fail('No instance of common facet found, dataset may be too small');
  return [pa, pd];
}

function kl([pa, pd]: [number[], number[]]): number {
  let s = 0;
  for (let i = 0; i < pa.length; i++) s += pa[i]! * Math.log(pa[i]! / pd[i]!);
  return s;
}

function js([pa, pd]: [number[], number[]]): number {
  let sa = 0;
  let sd = 0;
  for (let i = 0; i < pa.length; i++) {
    const p = 0.5 * (pa[i]! + pd[i]!);
    sa += pa[i]! * Math.log(pa[i]! / p);
    sd += pd[i]! * Math.log(pd[i]! / p);
  }
  return 0.5 * (sa + sd);
}

function lpNorm([pa, pd]: [number[], number[]], p: 1 | 2 | typeof Infinity): number {
  let s = 0;
  for (let i = 0; i < pa.length; i++) {
    const x = Math.abs(pa[i]! - pd[i]!);
    if (p === Infinity) s = Math.max(s, x);
    else s += p === 1 ? x : x * x;
  }
  return p === 2 ? Math.sqrt(s) : s;
}

/**
 * CDDL / CDDPL (smclarify `common.CDD`): Σ_i n_i·DD_i / Σ_i n_i over the sorted subgroups,
 * DD_i = d's share of the subgroup's negatives − d's share of its positives (0 where a subgroup has none).
 */
export function conditionalDemographicDisparity(d: Uint8Array, positive: Uint8Array, group: GroupCodes | undefined): number {
  if (group === undefined || group.codes.length === 0) fail('Group variable is empty or not provided');
  let pos = 0;
  for (let i = 0; i < positive.length; i++) pos += positive[i]!;
  if (pos === 0) fail('No positive labels in set');
  if (pos === positive.length) fail('No negative labels in set');
  const c = subgroupCounts(d, positive, group);
  let weighted = 0;
  let total = 0;
  for (let o = 0; o < c.length; o += 4) {
    const neg = c[o]!, posI = c[o + 1]!, dNeg = c[o + 2]!, dPos = c[o + 3]!;
    const accepted = posI !== 0 ? dPos / posI : 0;
    const rejected = neg !== 0 ? dNeg / neg : 0;
    const n = neg + posI;
    weighted += n * (rejected - accepted);
    total += n;
  }
  return divide(weighted, total);
}
