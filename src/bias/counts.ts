/**
 * @module bias/counts
 * The confusion counts of a and d in one pass over the masks (the kernels use bias/cells, which also splits by subgroup).
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

export function facetCounts(d: Uint8Array, label: Uint8Array, predicted?: Uint8Array): FacetCounts {
  // cell = facet·4 + label·2 + predicted, so one increment per row.
  const c = new Float64Array(8);
  const n = d.length;
  if (predicted) for (let i = 0; i < n; i++) c[(d[i]! << 2) | (label[i]! << 1) | predicted[i]!]!++;
  else for (let i = 0; i < n; i++) c[(d[i]! << 2) | (label[i]! << 1)]!++;
  return { a: groupCounts(c, 0), d: groupCounts(c, 4) };
}

function groupCounts(c: Float64Array, o: number): GroupCounts {
  const tn = c[o]!, fp = c[o + 1]!, fn = c[o + 2]!, tp = c[o + 3]!;
  return { n: tn + fp + fn + tp, pos: tp + fn, neg: tn + fp, predPos: tp + fp, predNeg: tn + fn, tp, fp, fn, tn };
}
