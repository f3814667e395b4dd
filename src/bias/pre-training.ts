/**
 * @module bias/pre-training
 * Clarify's pre-training metrics (smclarify `pretraining.py`) over a facet mask and the collapsed label, as
 * kernels on the cell counts of bias/cells (so bootstrap replicates run the very same code).
 */
import type { Random } from '../core/random.js';
import { bootstrapCellIntervals, type ResolvedBootstrap } from './bootstrap.js';
import { cddOf, cellTable, facetCountsOf, type CellTable } from './cells.js';
import type { FacetCounts } from './counts.js';
import type { GroupCodes } from './groups.js';
import { fail, PRE_TRAINING_METRICS, runMetric, selectMetrics, type MetricName, type MetricResult, type PreTrainingMetric } from './metric.js';

export interface PreTrainingInput {
  /** Facet d mask (a is its complement). */
  d: Uint8Array;
  /** Positive observed label mask. */
  label: Uint8Array;
  group?: GroupCodes;
}

/** Bootstrap settings and the random stream of one facet report. */
export interface MetricBootstrap {
  options: ResolvedBootstrap;
  random: Random;
}

export function preTrainingMetrics(input: PreTrainingInput, methods?: 'all' | readonly PreTrainingMetric[], bootstrap?: MetricBootstrap): MetricResult[] {
  const t = cellTable(input.d, input.label, undefined, input.group);
  const results = selectMetrics(PRE_TRAINING_METRICS, methods).map((name) => runMetric(name, () => preTrainingKernel(name, t)));
  if (bootstrap) attachIntervals(results, t, (name, cells) => preTrainingKernel(name as PreTrainingMetric, cells), bootstrap);
  return results;
}

/** Sets `confidenceInterval` on the metrics that have a value, from replicates of `t`. */
export function attachIntervals(results: MetricResult[], t: CellTable, kernel: (name: MetricName, cells: CellTable) => number, bootstrap: MetricBootstrap): void {
  const names = results.filter((r) => r.value !== null).map((r) => r.name);
  if (names.length === 0) return;
  const intervals = bootstrapCellIntervals(t, names, kernel, bootstrap.options, bootstrap.random);
  for (const r of results) {
    const interval = intervals.get(r.name);
    if (interval) r.confidenceInterval = interval;
  }
}

function preTrainingKernel(name: PreTrainingMetric, t: CellTable): number {
  if (name === 'CDDL') return cddOf(t, false);
  const c = facetCountsOf(t);
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
  }
}

function classImbalance(c: FacetCounts): number {
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
