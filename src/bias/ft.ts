/**
 * @module bias/ft
 * Flip Test as smclarify computes it: a k-nearest-neighbour classifier fitted on group a's rows and a's
 * predicted labels votes for every d row; FT = (F⁺ − F⁻)/n_d with F⁺ = d rows the model accepts but the
 * a-neighbours reject, F⁻ the reverse (the negative of the AWS doc's definition, as the code does).
 *
 * k = 5 when n_a > 9, else 1 (smclarify's FT_DEFAULT_NEIGHBOR / FT_MIN_NEIGHBOR); Euclidean distance on the
 * raw, unscaled features; uniform majority vote (k odd, two classes: never tied). Neighbours at equal
 * distance are taken in row order (scikit-learn leaves that order unspecified). Exact search with a k-d tree.
 */
import type { Column, ColumnTable } from '../core/columns.js';
import { getColumn } from '../core/columns.js';
import { fail } from './metric.js';

const LEAF_SIZE = 16;

/**
 * The FT feature matrix as columns: the named columns, or (smclarify's default) every column but `exclude`.
 * Fails like smclarify on a non-numeric column, and like scikit-learn on a null.
 */
export function flipFeatures(table: ColumnTable, exclude: readonly string[], names?: readonly string[]): Float64Array[] {
  const columns: Column[] = names
    ? names.map((name) => getColumn(table, name) ?? fail(`FlipTest feature column "${name}" is not in the dataset`))
    : table.columns.filter((c) => !exclude.includes(c.name));
  if (columns.length === 0) fail('FlipTest needs at least one feature column');
  return columns.map((c) => {
    if (c.type === 'string' || c.type === 'timestamp') fail('FlipTest does not support non-numeric columns');
    let values: Float64Array;
    if (c.type === 'bool') {
      values = Float64Array.from(c.values);
      for (let i = 0; i < values.length; i++) if (c.valid[i] === 0) values[i] = NaN;
    } else values = c.values;
    for (let i = 0; i < values.length; i++) if (Number.isNaN(values[i]!)) fail(`Input X contains NaN (FlipTest feature "${c.name}")`);
    return values;
  });
}

export function flipTest(features: readonly Float64Array[], d: Uint8Array, predicted: Uint8Array): number {
  const m = features.length;
  const n = d.length;
  let nd = 0;
  for (let i = 0; i < n; i++) nd += d[i]!;
  const na = n - nd;
  if (nd === 0) fail('Facet set is empty');
  if (na === 0) fail('Negated Facet set is empty');
  const aPoints = new Float64Array(na * m);
  const aLabels = new Uint8Array(na);
  for (let i = 0, j = 0; i < n; i++) {
    if (d[i] === 1) continue;
    for (let f = 0; f < m; f++) aPoints[j * m + f] = features[f]![i]!;
    aLabels[j++] = predicted[i]!;
  }
  const k = na > 9 ? 5 : 1;
  const tree = new KdTree(aPoints, m);
  const query = new Float64Array(m);
  const found = new Int32Array(k);
  let flips = 0;
  for (let i = 0; i < n; i++) {
    if (d[i] === 0) continue;
    for (let f = 0; f < m; f++) query[f] = features[f]![i]!;
    tree.nearest(query, k, found);
    let votes = 0;
    for (let j = 0; j < k; j++) votes += aLabels[found[j]!]!;
    const neighbours = votes * 2 > k ? 1 : 0;
    flips += predicted[i]! - neighbours;
  }
  return flips / nd;
}

/** Exact k-nearest-neighbour search under squared Euclidean distance, ties broken by the lower point index. */
export class KdTree {
  private readonly index: Int32Array;
  // Node arrays: [start, end) range in `index`; split dimension (-1 for a leaf) and value; children.
  private readonly start: number[] = [];
  private readonly end: number[] = [];
  private readonly dim: number[] = [];
  private readonly split: number[] = [];
  private readonly left: number[] = [];
  private readonly right: number[] = [];
  private bestDist = new Float64Array(0);
  private bestIdx = new Int32Array(0);
  private k = 0;
  private query: Float64Array<ArrayBufferLike> = new Float64Array(0);

  constructor(
    private readonly points: Float64Array,
    private readonly m: number,
  ) {
    const n = m === 0 ? 0 : points.length / m;
    this.index = new Int32Array(n);
    for (let i = 0; i < n; i++) this.index[i] = i;
    if (n > 0) this.build(0, n);
  }

  private build(lo: number, hi: number): number {
    const node = this.start.length;
    this.start.push(lo);
    this.end.push(hi);
    this.dim.push(-1);
    this.split.push(0);
    this.left.push(-1);
    this.right.push(-1);
    if (hi - lo <= LEAF_SIZE) return node;
    // Split on the dimension of widest spread at the median.
    let bestDim = 0;
    let bestSpread = -1;
    for (let f = 0; f < this.m; f++) {
      let min = Infinity, max = -Infinity;
      for (let i = lo; i < hi; i++) {
        const v = this.points[this.index[i]! * this.m + f]!;
        if (v < min) min = v;
        if (v > max) max = v;
      }
      if (max - min > bestSpread) {
        bestSpread = max - min;
        bestDim = f;
      }
    }
    if (bestSpread <= 0) return node;
    const mid = (lo + hi) >> 1;
    this.select(lo, hi - 1, mid, bestDim);
    this.dim[node] = bestDim;
    this.split[node] = this.points[this.index[mid]! * this.m + bestDim]!;
    const l = this.build(lo, mid);
    const r = this.build(mid, hi);
    this.left[node] = l;
    this.right[node] = r;
    return node;
  }

  /** Quickselect on `index[lo..hi]` so that position `k` holds the median by coordinate `f`. */
  private select(lo: number, hi: number, k: number, f: number): void {
    const idx = this.index;
    const p = this.points;
    const m = this.m;
    while (hi > lo) {
      const pivot = p[idx[(lo + hi) >> 1]! * m + f]!;
      let i = lo, j = hi;
      while (i <= j) {
        while (p[idx[i]! * m + f]! < pivot) i++;
        while (p[idx[j]! * m + f]! > pivot) j--;
        if (i <= j) {
          const t = idx[i]!;
          idx[i] = idx[j]!;
          idx[j] = t;
          i++;
          j--;
        }
      }
      if (k <= j) hi = j;
      else if (k >= i) lo = i;
      else return;
    }
  }

  /** Writes the indices of the k nearest points (nearest first) into `out`. */
  nearest(query: Float64Array<ArrayBufferLike>, k: number, out: Int32Array): void {
    if (this.bestDist.length !== k) {
      this.bestDist = new Float64Array(k);
      this.bestIdx = new Int32Array(k);
    }
    this.bestDist.fill(Infinity);
    this.bestIdx.fill(0x7fffffff);
    this.k = k;
    this.query = query;
    if (this.index.length > 0) this.search(0);
    out.set(this.bestIdx.subarray(0, k));
  }

  private search(node: number): void {
    const f = this.dim[node]!;
    if (f < 0) {
      const m = this.m;
      const q = this.query;
      const p = this.points;
      const last = this.k - 1;
      for (let i = this.start[node]!; i < this.end[node]!; i++) {
        const id = this.index[i]!;
        let dist = 0;
        for (let c = 0, o = id * m; c < m; c++) {
          const diff = p[o + c]! - q[c]!;
          dist += diff * diff;
        }
        if (dist < this.bestDist[last]! || (dist === this.bestDist[last]! && id < this.bestIdx[last]!)) this.insert(dist, id);
      }
      return;
    }
    const diff = this.query[f]! - this.split[node]!;
    const near = diff < 0 ? this.left[node]! : this.right[node]!;
    const far = diff < 0 ? this.right[node]! : this.left[node]!;
    this.search(near);
    // Equal distance must still be visited: a farther-side point can win a tie by its lower index.
    if (diff * diff <= this.bestDist[this.k - 1]!) this.search(far);
  }

  private insert(dist: number, id: number): void {
    let j = this.k - 1;
    while (j > 0 && (this.bestDist[j - 1]! > dist || (this.bestDist[j - 1]! === dist && this.bestIdx[j - 1]! > id))) {
      this.bestDist[j] = this.bestDist[j - 1]!;
      this.bestIdx[j] = this.bestIdx[j - 1]!;
      j--;
    }
    this.bestDist[j] = dist;
    this.bestIdx[j] = id;
  }
}
