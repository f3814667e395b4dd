/**
 * @module monitor/baseline/kll
 * Deequ's KLL quantile sketch (`QuantileNonSample` + `NonSampleCompactor`, awslabs/deequ), the sketch behind
 * `numerical_statistics.distribution.kll` in Model Monitor's `statistics.json`: sketch size k = 2048,
 * shrinking factor c = 0.64, compactor capacity 2·(⌈k·c^h/2⌉+1) at height h, deterministic compaction offsets
 * (alternating every second compaction, as Deequ ships it), items kept in arrival order until compacted.
 * Sketches merge (level by level, then condense), so statistics of many files or workers combine.
 * Storage is one Float64Array per compactor; no per-item objects.
 */
import type { KllBucket, KllSketchJson } from './types.js';

export const KLL_SKETCH_SIZE = 2048;
export const KLL_SHRINKING_FACTOR = 0.64;
/** Model Monitor materialises this many equal-width buckets. */
export const KLL_BUCKETS = 10;

class Compactor {
  buffer: Float64Array;
  length = 0;
  numOfCompress = 0;
  offset = 0;
  constructor(initial: number) {
    this.buffer = new Float64Array(Math.max(16, initial));
  }
  push(x: number): void {
    if (this.length === this.buffer.length) this.grow(this.length + 1);
    this.buffer[this.length++] = x;
  }
  pushAll(items: Float64Array, n: number): void {
    if (this.length + n > this.buffer.length) this.grow(this.length + n);
    this.buffer.set(items.subarray(0, n), this.length);
    this.length += n;
  }
  reserve(min: number): void {
    if (min > this.buffer.length) this.grow(min);
  }
  private grow(min: number): void {
    const next = new Float64Array(Math.max(min, this.buffer.length * 2));
    next.set(this.buffer.subarray(0, this.length));
    this.buffer = next;
  }
  /** Sorts the even prefix, keeps every second item from the offset, leaves an odd tail (the last arrival). */
  compact(): Float64Array {
    const items = this.length;
    const len = items - (items % 2);
    if (this.numOfCompress % 2 === 1) this.offset = 1 - this.offset;
    const tail = items % 2 === 1 ? this.buffer[items - 1]! : undefined;
    const sorted = sortFloat64(this.buffer.subarray(0, len));
    const out = new Float64Array(len >> 1);
    let j = 0;
    for (let i = this.offset; i < len; i += 2) out[j++] = sorted[i]!;
    this.length = 0;
    if (tail !== undefined) this.buffer[this.length++] = tail;
    this.numOfCompress++;
    return j === out.length ? out : out.subarray(0, j);
  }
}

export class KllSketch {
  readonly sketchSize: number;
  readonly shrinkingFactor: number;
  private compactors: Compactor[] = [];
  /** Items held in all compactors. */
  private actualSize = 0;
  /** Sum of the compactors' capacities. */
  private totalSize = 0;
  private view: { values: Float64Array; cumulative: Float64Array } | undefined;

  constructor(sketchSize = KLL_SKETCH_SIZE, shrinkingFactor = KLL_SHRINKING_FACTOR) {
    if (!Number.isInteger(sketchSize) || sketchSize < 2) throw new RangeError(`KLL sketch size must be an integer >= 2, got ${sketchSize}`);
    if (!(shrinkingFactor > 0 && shrinkingFactor < 1)) throw new RangeError(`KLL shrinking factor must be in (0, 1), got ${shrinkingFactor}`);
    this.sketchSize = sketchSize;
    this.shrinkingFactor = shrinkingFactor;
    this.expand();
  }

  private capacity(height: number): number {
    return 2 * (Math.ceil((this.sketchSize * Math.pow(this.shrinkingFactor, height)) / 2) + 1);
  }

  private expand(): void {
    this.compactors.push(new Compactor(this.compactors.length === 0 ? this.capacity(0) + 2 : 64));
    let total = 0;
    for (let h = 0; h < this.compactors.length; h++) total += this.capacity(h);
    this.totalSize = total;
  }

  /** Adds one value (NaN is ignored). */
  update(x: number): void {
    if (Number.isNaN(x)) return;
    this.view = undefined;
    this.compactors[0]!.push(x);
    this.actualSize++;
    if (this.actualSize > this.totalSize) this.condense();
  }

  /** Adds every non-NaN value of an array, in order (same result as update() one by one). */
  updateAll(values: ArrayLike<number>): void {
    this.view = undefined;
    const n = values.length;
    let i = 0;
    while (i < n) {
      const level0 = this.compactors[0]!;
      // Room before the next condense: actualSize may reach totalSize, condense runs on the item beyond.
      const room = Math.max(1, this.totalSize - this.actualSize + 1);
      if (level0.length + room > level0.buffer.length) level0.reserve(level0.length + room);
      const buffer = level0.buffer;
      let len = level0.length;
      let added = 0;
      while (i < n && added < room) {
        const x = values[i++]!;
        if (x !== x) continue;
        buffer[len++] = x;
        added++;
      }
      level0.length = len;
      this.actualSize += added;
      if (this.actualSize > this.totalSize) this.condense();
    }
  }

  private condense(): void {
    for (let h = 0; h < this.compactors.length; h++) {
      if (this.compactors[h]!.length >= this.capacity(h)) {
        if (h + 1 >= this.compactors.length) this.expand();
        const out = this.compactors[h]!.compact();
        this.compactors[h + 1]!.pushAll(out, out.length);
        this.actualSize = this.itemCount();
        return;
      }
    }
  }

  private itemCount(): number {
    let n = 0;
    for (const c of this.compactors) n += c.length;
    return n;
  }

  /** Merges `other` into this sketch (as Deequ's `merge`) and returns this. */
  merge(other: KllSketch): this {
    this.view = undefined;
    while (this.compactors.length < other.compactors.length) this.expand();
    for (let h = 0; h < other.compactors.length; h++) {
      const c = other.compactors[h]!;
      this.compactors[h]!.pushAll(c.buffer, c.length);
    }
    this.actualSize = this.itemCount();
    while (this.actualSize >= this.totalSize) {
      const before = this.actualSize;
      this.condense();
      if (this.actualSize === before && this.itemCount() === before) break;
    }
    return this;
  }

  /**
   * Spark's final aggregation step: Deequ's KLL is a Spark aggregate, so the container's sketch is a fresh
   * sketch merged with the partition's (`StatefulKLLSketch.merge`). That merge condenses while items >= capacity
   * (updates only condense above it) with fresh compaction counters, so a sketch filled exactly to capacity
   * (e.g. 2,050 values) is compacted once more. Returns the finalized sketch; this one is left as is.
   */
  finalized(): KllSketch {
    return new KllSketch(this.sketchSize, this.shrinkingFactor).merge(this);
  }

  /** Total weight: the number of values the sketch stands for. */
  get count(): number {
    let n = 0;
    for (let h = 0; h < this.compactors.length; h++) n += this.compactors[h]!.length * 2 ** h;
    return n;
  }

  get levels(): number {
    return this.compactors.length;
  }

  /** Distinct item values in ascending order with the cumulative weight up to and including each. */
  private sorted(): { values: Float64Array; cumulative: Float64Array } {
    if (this.view) return this.view;
    const n = this.itemCount();
    const items = new Float64Array(n);
    const weights = new Float64Array(n);
    let p = 0;
    for (let h = 0; h < this.compactors.length; h++) {
      const c = this.compactors[h]!;
      const w = 2 ** h;
      for (let i = 0; i < c.length; i++) {
        items[p] = c.buffer[i]!;
        weights[p++] = w;
      }
    }
    const order = new Uint32Array(n);
    for (let i = 0; i < n; i++) order[i] = i;
    order.sort((a, b) => items[a]! - items[b]!);
    const values = new Float64Array(n);
    const cumulative = new Float64Array(n);
    let m = 0;
    let running = 0;
    for (let i = 0; i < n; i++) {
      const v = items[order[i]!]!;
      running += weights[order[i]!]!;
      if (m > 0 && values[m - 1] === v) cumulative[m - 1] = running;
      else {
        values[m] = v;
        cumulative[m++] = running;
      }
    }
    this.view = { values: values.subarray(0, m), cumulative: cumulative.subarray(0, m) };
    return this.view;
  }

  /** Sorted distinct items and their cumulative weights (Deequ's rank map). */
  rankMap(): { values: Float64Array; cumulative: Float64Array } {
    return this.sorted();
  }

  /** Weight of items <= x (Deequ `getRank`). */
  rank(x: number): number {
    const { values, cumulative } = this.sorted();
    const i = upperBound(values, x);
    return i === 0 ? 0 : cumulative[i - 1]!;
  }

  /** Weight of items < x (Deequ `getRankExclusive`). */
  rankExclusive(x: number): number {
    const { values, cumulative } = this.sorted();
    const i = lowerBound(values, x);
    return i === 0 ? 0 : cumulative[i - 1]!;
  }

  /** Estimated share of values <= x. */
  cdf(x: number): number {
    const total = this.count;
    return total === 0 ? NaN : this.rank(x) / total;
  }

  /** Smallest item whose cumulative weight reaches q·count (q in [0, 1]); NaN when empty. */
  quantile(q: number): number {
    const { values, cumulative } = this.sorted();
    if (values.length === 0) return NaN;
    const target = Math.min(1, Math.max(0, q)) * cumulative[cumulative.length - 1]!;
    let lo = 0;
    let hi = values.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (cumulative[mid]! >= target) hi = mid;
      else lo = mid + 1;
    }
    return values[lo]!;
  }

  /**
   * Model Monitor's buckets: `n` equal-width buckets over [min, max]; counts are rank differences,
   * `rank(high) - rankExclusive(low)` for the last (closed) bucket, `rankExclusive(high) - rankExclusive(low)` otherwise.
   */
  buckets(min: number, max: number, n = KLL_BUCKETS): KllBucket[] {
    const out: KllBucket[] = [];
    for (let i = 0; i < n; i++) {
      const lower = min + ((max - min) * i) / n;
      const upper = min + ((max - min) * (i + 1)) / n;
      const count = i === n - 1 ? this.rank(upper) - this.rankExclusive(lower) : this.rankExclusive(upper) - this.rankExclusive(lower);
      out.push({ lower_bound: lower, upper_bound: upper, count });
    }
    return out;
  }

  toJson(): KllSketchJson {
    return {
      parameters: { c: this.shrinkingFactor, k: this.sketchSize },
      data: this.compactors.map((c) => Array.from(c.buffer.subarray(0, c.length))),
    };
  }

  static fromJson(json: KllSketchJson): KllSketch {
    const sketch = new KllSketch(Math.round(json.parameters.k), json.parameters.c);
    for (let h = 0; h < json.data.length; h++) {
      if (h > 0) sketch.expand();
      const level = json.data[h]!;
      const c = sketch.compactors[h]!;
      for (const x of level) c.push(x);
    }
    sketch.actualSize = sketch.itemCount();
    return sketch;
  }

  clone(): KllSketch {
    return KllSketch.fromJson(this.toJson());
  }
}

/**
 * Sorts doubles ascending in place (NaN-free input) with -0 before +0, as Java's Double.compare orders them:
 * a quicksort (median of three, insertion sort below 24 items) on the typed array itself. Compactions sort
 * thousands of times per million values; this beats TypedArray#sort there.
 */
export function sortFloat64(a: Float64Array): Float64Array {
  if (countingSort(a)) return a;
  quickSort(a, 0, a.length - 1);
  // Equal-comparing zeros: put the negative ones first.
  let i = 0;
  while (i < a.length && a[i]! < 0) i++;
  if (i < a.length && a[i] === 0) {
    let end = i;
    let negatives = 0;
    while (end < a.length && a[end] === 0) {
      if (Object.is(a[end], -0)) negatives++;
      end++;
    }
    for (let k = i; k < end; k++) a[k] = k - i < negatives ? -0 : 0;
  }
  return a;
}

const counts = new Uint32Array(4097);

/** Whole numbers within a span of 4096 (scores, ages, counts): sorted by counting, O(n + span). */
function countingSort(a: Float64Array): boolean {
  const n = a.length;
  if (n < 256) return false;
  let min = Infinity;
  let max = -Infinity;
  for (let i = 0; i < n; i++) {
    const x = a[i]!;
    if (x !== Math.floor(x) || (x === 0 && 1 / x < 0)) return false;
    if (x < min) min = x;
    if (x > max) max = x;
    if (max - min > 4096) return false;
  }
  const span = max - min;
  counts.fill(0, 0, span + 1);
  for (let i = 0; i < n; i++) counts[a[i]! - min]!++;
  let p = 0;
  for (let k = 0; k <= span; k++) {
    const c = counts[k]!;
    if (c === 0) continue;
    a.fill(min + k, p, p + c);
    p += c;
  }
  return true;
}

function quickSort(a: Float64Array, lo: number, hi: number): void {
  while (hi - lo > 24) {
    const mid = (lo + hi) >>> 1;
    let x = a[lo]!;
    let y = a[mid]!;
    let z = a[hi]!;
    if (y < x) [x, y] = [y, x];
    if (z < y) {
      [y, z] = [z, y];
      if (y < x) [x, y] = [y, x];
    }
    a[lo] = x;
    a[mid] = y;
    a[hi] = z;
    const pivot = y;
    let i = lo;
    let j = hi;
    while (i <= j) {
      while (a[i]! < pivot) i++;
      while (a[j]! > pivot) j--;
      if (i <= j) {
        const t = a[i]!;
        a[i++] = a[j]!;
        a[j--] = t;
      }
    }
    if (j - lo < hi - i) {
      quickSort(a, lo, j);
      lo = i;
    } else {
      quickSort(a, i, hi);
      hi = j;
    }
  }
  for (let i = lo + 1; i <= hi; i++) {
    const v = a[i]!;
    let j = i - 1;
    while (j >= lo && a[j]! > v) {
      a[j + 1] = a[j]!;
      j--;
    }
    a[j + 1] = v;
  }
}

/** First index whose value is >= x. */
function lowerBound(values: Float64Array, x: number): number {
  let lo = 0;
  let hi = values.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (values[mid]! < x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** First index whose value is > x. */
function upperBound(values: Float64Array, x: number): number {
  let lo = 0;
  let hi = values.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (values[mid]! <= x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
