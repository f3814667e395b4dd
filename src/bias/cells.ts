/**
 * @module bias/cells
 * The counts every metric but FT is a function of, from one pass over the masks: the number of rows in each
 * cell (subgroup, facet d or a, observed label, predicted label). The point estimates and each bootstrap
 * replicate (bias/bootstrap) run the same kernels on such a table.
 */
import { groupCounts, type FacetCounts } from './counts.js';
import type { GroupCodes } from './groups.js';
import { divide, fail } from './metric.js';

export interface CellTable {
  /** Row counts at `((slot·2 + d)·2 + label)·2 + predicted`; slot = the group code, or `groups` for rows without one. */
  cells: Float64Array;
  /** Number of subgroups (0 without a group variable). */
  groups: number;
  /** Whether a group variable was given (CDDL / CDDPL need it). */
  hasGroup: boolean;
}

/** One pass: a cell per row from the d mask, the positive label, the positive prediction (0 when absent) and the group. */
export function cellTable(d: Uint8Array, label: Uint8Array, predicted?: Uint8Array, group?: GroupCodes): CellTable {
  const groups = group ? group.dictionary.length : 0;
  const cells = new Float64Array((groups + 1) * 8);
  const n = d.length;
  const nullSlot = groups * 8;
  if (group) {
    const codes = group.codes;
    if (predicted) {
      for (let i = 0; i < n; i++) {
        const g = codes[i]!;
        cells[(g < 0 ? nullSlot : g * 8) + ((d[i]! << 2) | (label[i]! << 1) | predicted[i]!)]!++;
      }
    } else {
      for (let i = 0; i < n; i++) {
        const g = codes[i]!;
        cells[(g < 0 ? nullSlot : g * 8) + ((d[i]! << 2) | (label[i]! << 1))]!++;
      }
    }
  } else if (predicted) {
    for (let i = 0; i < n; i++) cells[(d[i]! << 2) | (label[i]! << 1) | predicted[i]!]!++;
  } else {
    for (let i = 0; i < n; i++) cells[(d[i]! << 2) | (label[i]! << 1)]!++;
  }
  return { cells, groups, hasGroup: group !== undefined };
}

/** The confusion counts of a and d, summed over the subgroups. */
export function facetCountsOf(t: CellTable): FacetCounts {
  const c = new Float64Array(8);
  const cells = t.cells;
  for (let o = 0; o < cells.length; o += 8) for (let k = 0; k < 8; k++) c[k]! += cells[o + k]!;
  return { a: groupCounts(c, 0), d: groupCounts(c, 4) };
}

/**
 * CDDL (`predicted` false) or CDDPL (true), smclarify `common.CDD`: Σ_i n_i·DD_i / Σ_i n_i over the subgroups,
 * DD_i = d's share of the subgroup's negatives − d's share of its positives (0 where a subgroup has none).
 * Rows without a group count for the "no positive / no negative labels" checks only.
 */
export function cddOf(t: CellTable, predicted: boolean): number {
  const cells = t.cells;
  if (!t.hasGroup) fail('Group variable is empty or not provided');
  let total = 0;
  let pos = 0;
  for (let o = 0; o < cells.length; o += 8) {
    for (let k = 0; k < 8; k++) {
      const v = cells[o + k]!;
      total += v;
      if ((predicted ? k & 1 : k & 2) !== 0) pos += v;
    }
  }
  if (total === 0) fail('Group variable is empty or not provided');
  if (pos === 0) fail('No positive labels in set');
  if (pos === total) fail('No negative labels in set');
  let weighted = 0;
  let n = 0;
  for (let g = 0; g < t.groups; g++) {
    const o = g * 8;
    // cells o + (d<<2 | label<<1 | pred): positives by label (k & 2) or by prediction (k & 1).
    let negA = 0, posA = 0, negD = 0, posD = 0;
    for (let k = 0; k < 8; k++) {
      const v = cells[o + k]!;
      const positive = (predicted ? k & 1 : k & 2) !== 0;
      if (k & 4) {
        if (positive) posD += v;
        else negD += v;
      } else if (positive) posA += v;
      else negA += v;
    }
    const negI = negA + negD, posI = posA + posD;
    const accepted = posI !== 0 ? posD / posI : 0;
    const rejected = negI !== 0 ? negD / negI : 0;
    const size = negI + posI;
    weighted += size * (rejected - accepted);
    n += size;
  }
  return divide(weighted, n);
}
