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
    if (c.type === 'string' || c.type === 'timestamp') fail(`FlipTest does not support non-numeric columns (column "${c.name}"${example(c)})`);
    let values: Float64Array;
    if (c.type === 'bool') {
      values = Float64Array.from(c.values);
      for (let i = 0; i < values.length; i++) if (c.valid[i] === 0) values[i] = NaN;
    } else values = c.values;
    for (let i = 0; i < values.length; i++) if (Number.isNaN(values[i]!)) fail(`Input X contains NaN (FlipTest feature "${c.name}")`);
    return values;
  });
}

/** `, e.g. "Paris"`: the first non-null value of a string column, to name what is not a number. */
function example(c: Column): string {
  if (c.type !== 'string') return '';
  const v = c.values.find((x) => x !== null && x !== undefined);
  return v === undefined || v === null ? '' : `, e.g. ${JSON.stringify(v)}`;
}

export function flipTest(features: readonly Float64Array[], d: Uint8Array, predicted: Uint8Array): number {
  const { plus, minus, nd } = flipCounts(features, d, predicted);
  return (plus - minus) / nd;
}

/** F⁺ (d rows the model accepts and their a-neighbours reject), F⁻ (the reverse) and n_d. */
export function flipCounts(features: readonly Float64Array[], d: Uint8Array, predicted: Uint8Array): { plus: number; minus: number; nd: number } {
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
  let plus = 0;
  let minus = 0;
  for (let i = 0; i < n; i++) {
    if (d[i] === 0) continue;
    for (let f = 0; f < m; f++) query[f] = features[f]![i]!;
    tree.nearest(query, k, found);
    let votes = 0;
    for (let j = 0; j < k; j++) votes += aLabels[found[j]!]!;
    const neighbours = votes * 2 > k ? 1 : 0;
    const diff = predicted[i]! - neighbours;
    if (diff > 0) plus++;
    else if (diff < 0) minus++;
  }
  return { plus, minus, nd };
}

/**
 * Exact k-nearest-neighbour search under squared Euclidean distance, ties broken by the lower point index.
 * Each node keeps its points' bounding box; a subtree is skipped only when the box is strictly farther than the
 * current k-th neighbour (equal distance must be visited, as a tie can be won by a lower index). Boxes, not
 * split planes, keep discrete features (many equal coordinates) from visiting both sides of every split.
 */
export class KdTree {
  private readonly index: Int32Array;
  // Node arrays: [start, end) range in `index`; split dimension (-1 for a leaf); children; bounding box.
  // Built as lists, then frozen into typed arrays for the search.
  private readonly nodes = { start: [] as number[], end: [] as number[], dim: [] as number[], left: [] as number[], right: [] as number[], boxLo: [] as number[], boxHi: [] as number[] };
  private readonly start: Int32Array;
  private readonly end: Int32Array;
  private readonly dim: Int32Array;
  private readonly left: Int32Array;
  private readonly right: Int32Array;
  private readonly boxLo: Float64Array;
  private readonly boxHi: Float64Array;
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
    const b = this.nodes;
    this.start = Int32Array.from(b.start);
    this.end = Int32Array.from(b.end);
    this.dim = Int32Array.from(b.dim);
    this.left = Int32Array.from(b.left);
    this.right = Int32Array.from(b.right);
    this.boxLo = Float64Array.from(b.boxLo);
    this.boxHi = Float64Array.from(b.boxHi);
    b.start = b.end = b.dim = b.left = b.right = b.boxLo = b.boxHi = [];
  }

  private build(lo: number, hi: number): number {
    const b = this.nodes;
    const node = b.start.length;
    b.start.push(lo);
    b.end.push(hi);
    b.dim.push(-1);
    b.left.push(-1);
    b.right.push(-1);
    // Bounding box, and the dimension of widest spread.
    let bestDim = 0;
    let bestSpread = -1;
    for (let f = 0; f < this.m; f++) {
      let min = Infinity, max = -Infinity;
      for (let i = lo; i < hi; i++) {
        const v = this.points[this.index[i]! * this.m + f]!;
        if (v < min) min = v;
        if (v > max) max = v;
      }
      b.boxLo.push(min);
      b.boxHi.push(max);
      if (max - min > bestSpread) {
        bestSpread = max - min;
        bestDim = f;
      }
    }
    if (hi - lo <= LEAF_SIZE || bestSpread <= 0) return node;
    const mid = (lo + hi) >> 1;
    this.select(lo, hi - 1, mid, bestDim);
    b.dim[node] = bestDim;
    const l = this.build(lo, mid);
    const r = this.build(mid, hi);
    b.left[node] = l;
    b.right[node] = r;
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
    for (let j = 0; j < k; j++) out[j] = this.bestIdx[j]!;
  }

  private search(node: number): void {
    if (this.dim[node]! < 0) {
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
    const l = this.left[node]!;
    const r = this.right[node]!;
    const dl = this.boxDistance(l);
    const dr = this.boxDistance(r);
    const last = this.k - 1;
    // Equal distance must still be visited: a point there can win a tie by its lower index.
    if (dl <= dr) {
      if (dl <= this.bestDist[last]!) this.search(l);
      if (dr <= this.bestDist[last]!) this.search(r);
    } else {
      if (dr <= this.bestDist[last]!) this.search(r);
      if (dl <= this.bestDist[last]!) this.search(l);
    }
  }

  /** Squared distance from the query to a node's bounding box (0 inside). */
  private boxDistance(node: number): number {
    const m = this.m;
    const o = node * m;
    let dist = 0;
    for (let c = 0; c < m; c++) {
      const q = this.query[c]!;
      const lo = this.boxLo[o + c]!;
      const hi = this.boxHi[o + c]!;
      const diff = q < lo ? lo - q : q > hi ? q - hi : 0;
      dist += diff * diff;
    }
    return dist;
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
