/**
 * @module bias/counts
 * The confusion counts of a and d (built from a bias/cells table, which also splits by subgroup).
 */

/** Counts for one group (a or d). Without predictions, `pred*` and the confusion cells are 0 / TN = negatives. */
export interface GroupCounts {
  n: number;
  pos: number;
  neg: number;
  predPos: number;
  predNeg: number;
  tp: number;
  fp: number;
  fn: number;
  tn: number;
}

export interface FacetCounts {
  a: GroupCounts;
  d: GroupCounts;
}

/** The group counts from 8 confusion cells at `o` (facet·4 + label·2 + predicted). */
export function groupCounts(c: Float64Array, o: number): GroupCounts {
  const tn = c[o]!, fp = c[o + 1]!, fn = c[o + 2]!, tp = c[o + 3]!;
  return { n: tn + fp + fn + tp, pos: tp + fn, neg: tn + fp, predPos: tp + fp, predNeg: tn + fn, tp, fp, fn, tn };
}
