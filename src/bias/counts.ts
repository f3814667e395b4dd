/**
 * @module bias/counts
 * The confusion counts per facet group in one pass over the masks, and per subgroup for CDD.
 */
import type { GroupCodes } from './groups.js';

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

/** Per subgroup i: [n_i(0), n_i(1), n_{d,i}(0), n_{d,i}(1)] flattened, for rows with a non-null group. */
export function subgroupCounts(d: Uint8Array, positive: Uint8Array, group: GroupCodes): Float64Array {
  const out = new Float64Array(group.dictionary.length * 4);
  const codes = group.codes;
  for (let i = 0; i < codes.length; i++) {
    const g = codes[i]!;
    if (g < 0) continue;
    const o = g * 4 + positive[i]!;
    out[o]!++;
    if (d[i] === 1) out[o + 2]!++;
  }
  return out;
}
