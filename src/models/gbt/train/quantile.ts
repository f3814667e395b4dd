/**
 * @module models/gbt/train/quantile
 * Histogram cut points per feature as XGBoost 1.7's `hist` computes them (`HostSketchContainer` over
 * `WQuantileSketch<float, float>`): a weighted quantile sketch per feature fed in row order, pruned to
 * `max_bin * 8` and then to `max_bin + 1` summary entries; cuts are the summary values after the first,
 * plus one sentinel above the maximum. The merge/prune arithmetic is done in float32 as XGBoost does it,
 * so the cuts are the same numbers XGBoost would pick (exactly, with unit weights; with sample weights the
 * sum order of equal values may differ in the last bit of a rank).
 *
 * A value `x` falls in bin `b` of its feature when `cut[b-1] <= x < cut[b]` (`upper_bound`, so a value equal
 * to a cut goes right); values at or above the last cut fall in the last bin.
 */
const f32 = Math.fround;
const EPS5 = Math.fround(1e-5);

/** Cut points of all features, laid out as XGBoost's `HistogramCuts`. */
export interface Cuts {
  /** Feature f's cuts are `values[ptrs[f] .. ptrs[f+1])`; feature f has `ptrs[f+1] - ptrs[f]` bins. */
  ptrs: Int32Array;
  values: Float32Array;
  /** Split value XGBoost uses for "everything non-missing goes right" (min - |min| - 1e-5). */
  minValues: Float32Array;
}

/** A weighted quantile summary (struct of arrays); ranks and weights are float32 like XGBoost's RType. */
class Summary {
  rmin: Float32Array;
  rmax: Float32Array;
  wmin: Float32Array;
  value: Float32Array;
  size = 0;

  constructor(capacity: number) {
    const c = Math.max(1, capacity);
    this.rmin = new Float32Array(c);
    this.rmax = new Float32Array(c);
    this.wmin = new Float32Array(c);
    this.value = new Float32Array(c);
  }

  reserve(capacity: number): void {
    if (capacity <= this.value.length) return;
    const grow = (a: Float32Array): Float32Array => {
      const b = new Float32Array(capacity);
      b.set(a.subarray(0, this.size));
      return b;
    };
    this.rmin = grow(this.rmin);
    this.rmax = grow(this.rmax);
    this.wmin = grow(this.wmin);
    this.value = grow(this.value);
  }

  copyFrom(src: Summary): void {
    this.reserve(src.size);
    this.rmin.set(src.rmin.subarray(0, src.size));
    this.rmax.set(src.rmax.subarray(0, src.size));
    this.wmin.set(src.wmin.subarray(0, src.size));
    this.value.set(src.value.subarray(0, src.size));
    this.size = src.size;
  }

  private put(i: number, src: Summary, j: number): void {
    this.rmin[i] = src.rmin[j]!;
    this.rmax[i] = src.rmax[j]!;
    this.wmin[i] = src.wmin[j]!;
    this.value[i] = src.value[j]!;
  }

  /** WQSummary::SetPrune: keep at most `maxsize` entries spread evenly over the rank range. */
  setPrune(src: Summary, maxsize: number): void {
    if (src.size <= maxsize) {
      this.copyFrom(src);
      return;
    }
    this.reserve(maxsize);
    const begin = src.rmax[0]!;
    const range = f32(src.rmin[src.size - 1]! - src.rmax[0]!);
    const n = maxsize - 1;
    const nf = f32(n);
    this.put(0, src, 0);
    this.size = 1;
    let i = 1;
    let lastidx = 0;
    const { rmin, rmax, wmin } = src;
    for (let k = 1; k < n; k++) {
      const dx2 = f32(2 * f32(f32(f32(f32(k) * range) / nf) + begin));
      while (i < src.size - 1 && dx2 >= f32(rmax[i + 1]! + rmin[i + 1]!)) ++i;
      if (i === src.size - 1) break;
      if (dx2 < f32(f32(rmin[i]! + wmin[i]!) + f32(rmax[i + 1]! - wmin[i + 1]!))) {
        if (i !== lastidx) {
          this.put(this.size++, src, i);
          lastidx = i;
        }
      } else if (i + 1 !== lastidx) {
        this.put(this.size++, src, i + 1);
        lastidx = i + 1;
      }
    }
    if (lastidx !== src.size - 1) this.put(this.size++, src, src.size - 1);
  }

  /** WQSummary::SetCombine: merge two summaries (then FixError). */
  setCombine(sa: Summary, sb: Summary): void {
    if (sa.size === 0) {
      this.copyFrom(sb);
      return;
    }
    if (sb.size === 0) {
      this.copyFrom(sa);
      return;
    }
    this.reserve(sa.size + sb.size);
    const na = sa.size;
    const nb = sb.size;
    // After one side runs out, XGBoost's tail loops add that side's last rmax (not RMaxPrev of a next entry).
    const aLastRmax = sa.rmax[na - 1]!;
    const bLastRmax = sb.rmax[nb - 1]!;
    let a = 0;
    let b = 0;
    let d = 0;
    let aprev = 0;
    let bprev = 0;
    const { rmin, rmax, wmin, value } = this;
    // One loop for the merge and both tails (separate tail loops made V8 deoptimise this function on
    // every call).
    while (a < na || b < nb) {
      const takeA = b === nb || (a < na && sa.value[a]! < sb.value[b]!);
      const takeB = a === na || (b < nb && sb.value[b]! < sa.value[a]!);
      if (!takeA && !takeB) {
        // Equal values: one entry with both sides' ranks and weights.
        rmin[d] = sa.rmin[a]! + sb.rmin[b]!;
        rmax[d] = sa.rmax[a]! + sb.rmax[b]!;
        wmin[d] = sa.wmin[a]! + sb.wmin[b]!;
        value[d] = sa.value[a]!;
        aprev = f32(sa.rmin[a]! + sa.wmin[a]!);
        bprev = f32(sb.rmin[b]! + sb.wmin[b]!);
        a++;
        b++;
      } else if (takeA) {
        rmin[d] = sa.rmin[a]! + bprev;
        rmax[d] = sa.rmax[a]! + (b < nb ? f32(sb.rmax[b]! - sb.wmin[b]!) : bLastRmax);
        wmin[d] = sa.wmin[a]!;
        value[d] = sa.value[a]!;
        aprev = f32(sa.rmin[a]! + sa.wmin[a]!);
        a++;
      } else {
        rmin[d] = sb.rmin[b]! + aprev;
        rmax[d] = sb.rmax[b]! + (a < na ? f32(sa.rmax[a]! - sa.wmin[a]!) : aLastRmax);
        wmin[d] = sb.wmin[b]!;
        value[d] = sb.value[b]!;
        bprev = f32(sb.rmin[b]! + sb.wmin[b]!);
        b++;
      }
      d++;
    }
    this.size = d;
    // FixError: restore rank monotonicity lost to rounding.
    let prevRmin = 0;
    let prevRmax = 0;
    for (let i = 0; i < d; i++) {
      if (rmin[i]! < prevRmin) rmin[i] = prevRmin;
      else prevRmin = rmin[i]!;
      if (rmax[i]! < prevRmax) rmax[i] = prevRmax;
      const next = f32(rmin[i]! + wmin[i]!);
      if (rmax[i]! < next) rmax[i] = next;
      prevRmax = rmax[i]!;
    }
  }
}

/** One feature's WQuantileSketch: an input queue flushed into a multi-level merge/prune structure. */
class Sketch {
  readonly limitSize: number;
  private readonly capacity: number;
  private qtail = 0;
  /** Queue entries as XGBoost keeps them (equal consecutive values merged); used for the flush timing. */
  private lastValue = NaN;
  /** The raw (value, weight) pushes since the last flush. */
  private rawValues: Float32Array;
  private rawWeights: Float32Array | undefined;
  private rawCount = 0;
  private levels: Summary[] = [];
  private temp: Summary;

  constructor(maxn: number, eps: number, weighted: boolean) {
    let nlevel = 1;
    let limit = 0;
    for (;;) {
      limit = Math.min(maxn, Math.ceil(nlevel / eps) + 1);
      if (2 ** nlevel * limit >= maxn) break;
      nlevel++;
    }
    this.limitSize = limit;
    this.capacity = limit * 2;
    this.rawValues = new Float32Array(Math.max(16, Math.min(maxn, this.capacity)));
    this.rawWeights = weighted ? new Float32Array(this.rawValues.length) : undefined;
    this.temp = new Summary(this.capacity);
  }

  push(x: number, w: number): void {
    if (w === 0) return;
    if (this.qtail === this.capacity) {
      this.makeSummary(this.temp);
      this.qtail = 0;
      this.rawCount = 0;
      this.pushTemp();
    }
    if (this.qtail === 0 || x !== this.lastValue) {
      this.qtail++;
      this.lastValue = x;
    }
    if (this.rawCount === this.rawValues.length) {
      const grown = new Float32Array(this.rawValues.length * 2);
      grown.set(this.rawValues);
      this.rawValues = grown;
      if (this.rawWeights) {
        const gw = new Float32Array(grown.length);
        gw.set(this.rawWeights);
        this.rawWeights = gw;
      }
    }
    this.rawValues[this.rawCount] = x;
    if (this.rawWeights) this.rawWeights[this.rawCount] = w;
    this.rawCount++;
  }

  /** Queue::MakeSummary: sorted unique values with their weight sums and cumulative ranks. */
  private makeSummary(out: Summary): void {
    const n = this.rawCount;
    out.reserve(n);
    out.size = 0;
    if (n === 0) return;
    if (!this.rawWeights) {
      const v = this.rawValues.subarray(0, n);
      radixSort(v, this.scratch(n));
      let wsum = 0;
      for (let i = 0; i < n; ) {
        let j = i + 1;
        const x = v[i]!;
        while (j < n && v[j] === x) j++;
        const w = j - i;
        const s = out.size++;
        out.rmin[s] = wsum;
        out.rmax[s] = wsum + w;
        out.wmin[s] = w;
        out.value[s] = x;
        wsum = f32(wsum + w);
        i = j;
      }
      return;
    }
    // Weighted: sort (value, row) pairs, stable, so equal values add their weights in row order.
    const weights = this.rawWeights;
    const keys = this.scratch(2 * n);
    const order = new Uint32Array(n);
    const bits = new Uint32Array(this.rawValues.buffer, this.rawValues.byteOffset, n);
    for (let i = 0; i < n; i++) {
      const b = bits[i]!;
      keys[i] = b & 0x80000000 ? ~b >>> 0 : (b | 0x80000000) >>> 0;
      order[i] = i;
    }
    radixSortPairs(keys, order, n);
    let wsum = 0;
    for (let i = 0; i < n; ) {
      const key = keys[i]!;
      const x = this.rawValues[order[i]!]!;
      let w = weights[order[i]!]!;
      let j = i + 1;
      // -0 and +0 have different keys but are one value, as in XGBoost's comparisons.
      while (j < n && (keys[j] === key || this.rawValues[order[j]!] === x)) {
        w = f32(w + weights[order[j]!]!);
        j++;
      }
      const s = out.size++;
      out.rmin[s] = wsum;
      out.rmax[s] = f32(wsum + w);
      out.wmin[s] = w;
      out.value[s] = x;
      wsum = f32(wsum + w);
      i = j;
    }
  }

  private sortScratch: Uint32Array | undefined;

  private scratch(n: number): Uint32Array {
    if (!this.sortScratch || this.sortScratch.length < n) this.sortScratch = new Uint32Array(Math.max(n, this.capacity));
    return this.sortScratch;
  }

  private initLevel(n: number): void {
    while (this.levels.length < n) this.levels.push(new Summary(this.limitSize));
  }

  private pushTemp(): void {
    const { levels, temp, limitSize } = this;
    for (let l = 1; ; l++) {
      this.initLevel(l + 1);
      if (levels[l]!.size === 0) {
        levels[l]!.setPrune(temp, limitSize);
        break;
      }
      levels[0]!.setPrune(temp, limitSize);
      temp.setCombine(levels[0]!, levels[l]!);
      if (temp.size > limitSize) {
        levels[l]!.size = 0;
      } else {
        levels[l]!.copyFrom(temp);
        break;
      }
    }
  }

  /** WQuantileSketch::GetSummary. */
  summary(): Summary {
    const out = new Summary(this.capacity);
    this.makeSummary(out);
    const { levels, limitSize } = this;
    if (levels.length !== 0) {
      levels[0]!.setPrune(out, limitSize);
      for (let l = 1; l < levels.length; l++) {
        if (levels[l]!.size === 0) continue;
        if (levels[0]!.size === 0) levels[0]!.copyFrom(levels[l]!);
        else {
          out.setCombine(levels[0]!, levels[l]!);
          levels[0]!.setPrune(out, limitSize);
        }
      }
      out.copyFrom(levels[0]!);
    } else if (out.size > limitSize) {
      const t = new Summary(limitSize);
      t.setPrune(out, limitSize);
      out.copyFrom(t);
    }
    return out;
  }
}

const RADIX_COUNTS = new Uint32Array(4 * 256);

/**
 * Stable LSD radix sort of uint32 `keys[0..n)` with `payload` moved along; `keys` must have room for 2n
 * (the second half is scratch).
 */
function radixSortPairs(keys: Uint32Array, payload: Uint32Array, n: number): void {
  const tmpK = keys.subarray(n, 2 * n);
  const tmpP = new Uint32Array(n);
  let srcK: Uint32Array = keys.subarray(0, n);
  let srcP: Uint32Array = payload;
  let dstK: Uint32Array = tmpK;
  let dstP: Uint32Array = tmpP;
  const counts = new Uint32Array(256);
  for (let shift = 0; shift < 32; shift += 8) {
    counts.fill(0);
    for (let i = 0; i < n; i++) counts[(srcK[i]! >>> shift) & 255]!++;
    if (counts[(srcK[0]! >>> shift) & 255] === n) continue;
    let sum = 0;
    for (let d = 0; d < 256; d++) {
      const c = counts[d]!;
      counts[d] = sum;
      sum += c;
    }
    for (let i = 0; i < n; i++) {
      const k = srcK[i]!;
      const at = counts[(k >>> shift) & 255]!++;
      dstK[at] = k;
      dstP[at] = srcP[i]!;
    }
    const tk = srcK;
    srcK = dstK;
    dstK = tk;
    const tp = srcP;
    srcP = dstP;
    dstP = tp;
  }
  if (srcP !== payload) {
    payload.set(srcP);
    keys.set(srcK, 0);
  }
}

/**
 * Sorts float32 values (no NaN) ascending in place: LSD radix sort, 4 passes of 8 bits over
 * order-preserving keys (sign bit flipped for positives, all bits flipped for negatives). -0 sorts before
 * +0, which the summary treats as one value as XGBoost does. `tmp` holds at least `values.length` entries.
 */
function radixSort(values: Float32Array, tmp: Uint32Array): void {
  const n = values.length;
  if (n < 64) {
    values.sort();
    return;
  }
  const keys = new Uint32Array(values.buffer, values.byteOffset, n);
  const counts = RADIX_COUNTS;
  counts.fill(0);
  for (let i = 0; i < n; i++) {
    const b = keys[i]!;
    const k = b & 0x80000000 ? ~b >>> 0 : (b | 0x80000000) >>> 0;
    keys[i] = k;
    counts[k & 255]!++;
    counts[256 + ((k >>> 8) & 255)]!++;
    counts[512 + ((k >>> 16) & 255)]!++;
    counts[768 + (k >>> 24)]!++;
  }
  let src = keys;
  let dst = tmp;
  for (let pass = 0; pass < 4; pass++) {
    const c = pass * 256;
    const shift = pass * 8;
    // Skip a pass whose digit is the same for every key.
    if (counts[c + ((src[0]! >>> shift) & 255)] === n) continue;
    let sum = 0;
    for (let d = 0; d < 256; d++) {
      const x = counts[c + d]!;
      counts[c + d] = sum;
      sum += x;
    }
    for (let i = 0; i < n; i++) {
      const k = src[i]!;
      dst[counts[c + ((k >>> shift) & 255)]!++] = k;
    }
    const t = src;
    src = dst;
    dst = t;
  }
  if (src !== keys) keys.set(src.subarray(0, n));
  for (let i = 0; i < n; i++) {
    const k = keys[i]!;
    keys[i] = k & 0x80000000 ? (k & 0x7fffffff) >>> 0 : ~k >>> 0;
  }
}

/**
 * Cuts of one feature from its values in row order (NaN = missing, skipped) and optional row weights.
 * `values` are float32 already (as XGBoost stores its input).
 */
export function featureCuts(values: Float32Array, weights: Float32Array | undefined, maxBin: number): { cuts: Float32Array; minValue: number } {
  let count = 0;
  for (let i = 0; i < values.length; i++) if (values[i] === values[i]) count++;
  if (count === 0) {
    // Empty column: one bin, as XGBoost.
    const minValue = EPS5;
    return { cuts: Float32Array.of(f32(minValue + (Math.abs(minValue) + EPS5))), minValue };
  }
  const nBins = Math.max(Math.min(maxBin, count), 1);
  const eps = 1 / f32(nBins * 8);
  const sketch = new Sketch(count, eps, weights !== undefined);
  if (weights) {
    for (let i = 0; i < values.length; i++) {
      const x = values[i]!;
      if (x === x) sketch.push(x, weights[i]!);
    }
  } else {
    for (let i = 0; i < values.length; i++) {
      const x = values[i]!;
      if (x === x) sketch.push(x, 1);
    }
  }
  const out = sketch.summary();
  const intermediate = Math.min(count, maxBin * 8);
  const reduced = new Summary(intermediate);
  reduced.setPrune(out, intermediate);
  const maxNumBins = Math.min(intermediate, maxBin);
  const final = new Summary(maxNumBins + 1);
  final.setPrune(reduced, maxNumBins + 1);
  const mval = final.value[0]!;
  // XGBoost computes these two in double (C fabs) and rounds once to float.
  const minValue = f32(mval - Math.abs(mval) - EPS5);
  const cuts: number[] = [];
  const required = Math.min(final.size, maxNumBins);
  for (let i = 1; i < required; i++) {
    const c = final.value[i]!;
    if (i === 1 || c > cuts[cuts.length - 1]!) cuts.push(c);
  }
  const cpt = final.size > 0 ? final.value[final.size - 1]! : minValue;
  cuts.push(f32(cpt + (Math.abs(cpt) + EPS5)));
  return { cuts: Float32Array.from(cuts), minValue };
}

/** Cuts of every feature; `columns` is column-major float32 (feature f at `[f*rows, (f+1)*rows)`). */
export function computeCuts(columns: Float32Array, rows: number, cols: number, weights: Float32Array | undefined, maxBin: number): Cuts {
  const per: Float32Array[] = [];
  const minValues = new Float32Array(cols);
  let total = 0;
  for (let f = 0; f < cols; f++) {
    const { cuts, minValue } = featureCuts(columns.subarray(f * rows, (f + 1) * rows), weights, maxBin);
    per.push(cuts);
    minValues[f] = minValue;
    total += cuts.length;
  }
  const ptrs = new Int32Array(cols + 1);
  const values = new Float32Array(total);
  for (let f = 0; f < cols; f++) {
    values.set(per[f]!, ptrs[f]!);
    ptrs[f + 1] = ptrs[f]! + per[f]!.length;
  }
  return { ptrs, values, minValues };
}

/**
 * Source text of this module's functions and classes (for the binning worker, which runs it with
 * `computeCuts` in scope). The functions only use each other and the constants restated here.
 */
export function quantileSource(): string {
  return [
    'const f32 = Math.fround;',
    `const EPS5 = Math.fround(1e-5);`,
    'const RADIX_COUNTS = new Uint32Array(4 * 256);',
    `const Summary = (${Summary.toString()});`,
    `const Sketch = (${Sketch.toString()});`,
    `const radixSortPairs = (${radixSortPairs.toString()});`,
    `const radixSort = (${radixSort.toString()});`,
    `const featureCuts = (${featureCuts.toString()});`,
    `const computeCuts = (${computeCuts.toString()});`,
  ].join('\n');
}
