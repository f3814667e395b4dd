/**
 * @module models/gbt/train/kernels
 * The loops of training, over typed arrays only: gradient pairs, histograms of a batch of nodes, the best
 * split of a batch of nodes, row partitions and prediction-cache updates. Each works on a range (rows,
 * nodes or features) so that two threads can share a call; every value is computed by one thread in the
 * same order as on one thread, so the results are bit-identical.
 *
 * The functions are self-contained (no imports, no module-level helpers, no nested functions or arrows:
 * tsx wraps those in `__name(...)` calls): `threads.ts` ships their source text to a worker. The histogram
 * kernel is generated per dataset (`histKernelSource`) and compiled on each thread. The `*Wasm` variants
 * drive the WebAssembly kernels of wasm.ts (used when the runtime has wasm SIMD; same results).
 *
 * Layouts:
 * - `bins`: row-major bin codes, row r's codes from `r * stride` (`stride` >= cols, padded so that a row
 *   is a whole number of 32-bit words); code `nBins[f]` = missing. During a tree the rows of `bins` (the
 *   backend's working copy), of `gh` and of `rows` are kept in node order: each node's rows are one range,
 *   in increasing row id (stable partitions), so histograms read them sequentially and add them in row
 *   order as XGBoost does.
 * - `gh`: gradient pairs interleaved, g of position i at `2i`, h at `2i + 1`, float32 as XGBoost's
 *   GradientPair (histograms add them into doubles, as XGBoost's GradientPairPrecise).
 * - `rows`: the row id at each position.
 * - a node histogram: `2 * (nBins[f] + 1)` doubles per feature from `offsets[f]` (last pair = missing).
 * - histogram tasks, BUILD_STRIDE (6) ints each: [pool chunk, base offset in the chunk, begin, end]
 *   (positions), then the (chunk, base) of a histogram to subtract the result from (the larger sibling,
 *   holding its parent's histogram), or chunk -1.
 * - split tasks, 4 ints each: [pool chunk, base offset, node stats index, result index]; node stats
 *   (3 doubles: G, H, root gain) in `stats`; results (RESULT_STRIDE doubles) in `results`.
 * - partition tasks, PARTITION_STRIDE ints each (see `partitionRows`).
 */

/** Doubles per split result: loss, feature, threshold bin, default-left, lG, lH, rG, rH, split value. */
export const RESULT_STRIDE = 9;

/** A histogram kernel: adds positions `begin..end` (bins and gh) into the histogram at `hist[base..]`. */
export type HistKernel = (bins: Uint8Array | Uint16Array, gh: Float32Array, hist: Float64Array, base: number, begin: number, end: number) => void;

/**
 * Source of a histogram kernel for features [fBegin, fEnd) of row-major bins (`stride` codes per row),
 * the feature offsets written in as constants and the feature loop unrolled (measured 35% faster than a
 * loop reading `offsets[f]`). Up to 256 features per kernel; beyond, a loop. The wasm kernel (wasm.ts)
 * does the same 2-3x faster; this one is the fallback.
 *
 * Each bin's sum is taken in row order, as XGBoost adds them on one thread, whatever the split of features
 * or nodes between threads.
 */
export function histKernelSource(offsets: Int32Array, stride: number, fBegin: number, fEnd: number): string {
  if (fEnd - fBegin > 256) {
    const offs = Array.from(offsets.subarray(fBegin, fEnd)).join(',');
    const loop = `for (let f = 0; f < ${fEnd - fBegin}; f++) { p = base + offs[f] + 2 * bins[rb + ${fBegin} + f]; hist[p] += g; hist[p + 1] += h; }\n`;
    return `(function () { const offs = new Int32Array([${offs}]); return ${kernelBody(stride, loop)}; })()`;
  }
  let body = '';
  for (let f = fBegin; f < fEnd; f++) body += `p = base + ${offsets[f]!} + 2 * bins[rb + ${f}]; hist[p] += g; hist[p + 1] += h;\n`;
  return kernelBody(stride, body);
}

function kernelBody(stride: number, body: string): string {
  return `(function histKernel(bins, gh, hist, base, begin, end) {
  let p = 0;
  for (let r = begin; r < end; r++) {
    const g = gh[2 * r];
    const h = gh[2 * r + 1];
    const rb = r * ${stride};
${body}  }
})`;
}

/** Compiles a kernel source (on this thread; workers compile the same source themselves). */
export function compileHistKernel(source: string): HistKernel {
  return new Function(`return ${source};`)() as HistKernel;
}

/** Ints per histogram task (see the layouts above). */
export const BUILD_STRIDE = 6;

/**
 * Runs `kernel` (features [fBegin, fEnd)) for tasks [tBegin, tEnd): zeroes those features' range of each
 * task's histogram, adds its rows, then subtracts that range from the sibling histogram if any.
 */
export function buildHistograms(
  kernel: HistKernel,
  bins: Uint8Array | Uint16Array,
  gh: Float32Array,
  chunks: Float64Array[],
  tasks: Int32Array,
  tBegin: number,
  tEnd: number,
  offsets: Int32Array,
  fBegin: number,
  fEnd: number,
): void {
  for (let t = tBegin; t < tEnd; t++) {
    const o = 6 * t;
    const hist = chunks[tasks[o]!]!;
    const base = tasks[o + 1]!;
    const lo = offsets[fBegin]!;
    const hi = offsets[fEnd]!;
    hist.fill(0, base + lo, base + hi);
    kernel(bins, gh, hist, base, tasks[o + 2]!, tasks[o + 3]!);
    if (tasks[o + 4]! >= 0) {
      const sib = chunks[tasks[o + 4]!]!;
      const d = tasks[o + 5]! - base;
      for (let i = base + lo, e = base + hi; i < e; i++) sib[d + i] -= hist[i]!;
    }
  }
}

/**
 * `buildHistograms` with a wasm kernel (see wasm.ts) over features [fBegin, fEnd): zeroes that range of
 * each task's histogram, calls `kernel(binsAt, ghAt, address of the histogram, begin, end)` and subtracts
 * as `buildHistograms`; bins, gradient pairs and histograms are views into the same wasm memory.
 */
export function buildHistogramsWasm(
  kernel: (bins: number, gh: number, hist: number, begin: number, end: number) => number,
  binsAt: number,
  ghAt: number,
  chunks: Float64Array[],
  tasks: Int32Array,
  tBegin: number,
  tEnd: number,
  offsets: Int32Array,
  fBegin: number,
  fEnd: number,
): void {
  for (let t = tBegin; t < tEnd; t++) {
    const o = 6 * t;
    const hist = chunks[tasks[o]!]!;
    const base = tasks[o + 1]!;
    const lo = offsets[fBegin]!;
    const hi = offsets[fEnd]!;
    hist.fill(0, base + lo, base + hi);
    kernel(binsAt, ghAt, hist.byteOffset + 8 * base, tasks[o + 2]!, tasks[o + 3]!);
    if (tasks[o + 4]! >= 0) {
      const sib = chunks[tasks[o + 4]!]!;
      const d = tasks[o + 5]! - base;
      for (let i = base + lo, e = base + hi; i < e; i++) sib[d + i] -= hist[i]!;
    }
  }
}

/**
 * Best split of each task's node over features `features[fiBegin..fiEnd)` (ascending), as XGBoost 1.7's
 * HistEvaluator: a forward scan (missing values go right), then, when the bins do not add up to the node's
 * sums exactly, a backward scan (missing go left). Gains are XGBoost's CalcSplitGain in its float32/double
 * mix; a candidate replaces the best by SplitEntry::NeedReplace (higher loss; ties to the lower feature).
 * `params`: [lambda, alpha, max_delta_step, min_child_weight] as float32 values. Results are written
 * fresh (loss 0, feature 0 = XGBoost's empty SplitEntry) then improved.
 */
export function findSplits(
  chunks: Float64Array[],
  tasks: Int32Array,
  nTasks: number,
  stats: Float64Array,
  results: Float64Array,
  offsets: Int32Array,
  nBins: Int32Array,
  cutPtrs: Int32Array,
  cutValues: Float32Array,
  minValues: Float32Array,
  features: Int32Array,
  fiBegin: number,
  fiEnd: number,
  params: Float64Array,
): void {
  const f32 = Math.fround;
  const lambda = params[0]!;
  const alpha = params[1]!;
  const mds = params[2]!;
  const mcw = params[3]!;
  for (let t = 0; t < nTasks; t++) {
    const hist = chunks[tasks[4 * t]!]!;
    const base = tasks[4 * t + 1]!;
    const s = 3 * tasks[4 * t + 2]!;
    const out = tasks[4 * t + 3]! * 9;
    const G = stats[s]!;
    const H = stats[s + 1]!;
    const rootGain = stats[s + 2]!;
    let bestLoss = 0;
    let bestFeature = 0;
    let bestBin = 0;
    let bestDefaultLeft = 0;
    let bestLG = 0;
    let bestLH = 0;
    let bestRG = 0;
    let bestRH = 0;
    let bestValue = 0;
    for (let fi = fiBegin; fi < fiEnd; fi++) {
      const f = features[fi]!;
      const o = base + offsets[f]!;
      const nb = nBins[f]!;
      const cp = cutPtrs[f]!;
      let eG = 0;
      let eH = 0;
      // dir 0: forward (left = bins 0..i, missing right); dir 1: backward (right = bins i..nb-1, missing left).
      for (let dir = 0; dir < 2; dir++) {
        if (dir === 1) {
          if (eG === G && eH === H) break;
          eG = 0;
          eH = 0;
        }
        for (let step = 0; step < nb; step++) {
          const i = dir === 0 ? step : nb - 1 - step;
          eG += hist[o + 2 * i]!;
          eH += hist[o + 2 * i + 1]!;
          const cG = G - eG;
          const cH = H - eH;
          if (!(eH >= mcw && cH >= mcw)) continue;
          // left/right sums of this candidate
          const lG = dir === 0 ? eG : cG;
          const lH = dir === 0 ? eH : cH;
          const rG = dir === 0 ? cG : eG;
          const rH = dir === 0 ? cH : eH;
          let gl = 0;
          let gr = 0;
          if (mds === 0) {
            if (lH > 0) {
              const tl = lG > alpha ? lG - alpha : lG < -alpha ? lG + alpha : 0;
              gl = f32(f32(tl * tl) / f32(lH + lambda));
            }
            if (rH > 0) {
              const tr = rG > alpha ? rG - alpha : rG < -alpha ? rG + alpha : 0;
              gr = f32(f32(tr * tr) / f32(rH + lambda));
            }
          } else {
            // CalcWeight (double, clipped, to float) then CalcGainGivenWeight<float>.
            if (lH > 0) {
              let w = 0;
              if (!(lH < mcw)) {
                const tl = lG > alpha ? lG - alpha : lG < -alpha ? lG + alpha : 0;
                w = -tl / (lH + lambda);
                if (Math.abs(w) > mds) w = w < 0 ? -mds : mds;
                w = f32(w);
              }
              gl = -f32(f32(f32(2 * f32(lG)) * w) + f32(f32(f32(lH) + lambda) * f32(w * w)));
            }
            if (rH > 0) {
              let w = 0;
              if (!(rH < mcw)) {
                const tr = rG > alpha ? rG - alpha : rG < -alpha ? rG + alpha : 0;
                w = -tr / (rH + lambda);
                if (Math.abs(w) > mds) w = w < 0 ? -mds : mds;
                w = f32(w);
              }
              gr = -f32(f32(f32(2 * f32(rG)) * w) + f32(f32(f32(rH) + lambda) * f32(w * w)));
            }
          }
          const loss = f32(f32(gl + gr) - rootGain);
          // SplitEntry::NeedReplace
          if (loss === Infinity || loss === -Infinity) continue;
          const replace = bestFeature <= f ? loss > bestLoss : !(bestLoss > loss);
          if (!replace) continue;
          bestLoss = loss;
          bestFeature = f;
          bestDefaultLeft = dir;
          bestLG = lG;
          bestLH = lH;
          bestRG = rG;
          bestRH = rH;
          if (dir === 0) {
            bestBin = i;
            bestValue = cutValues[cp + i]!;
          } else {
            bestBin = i - 1;
            bestValue = i === 0 ? minValues[f]! : cutValues[cp + i - 1]!;
          }
        }
      }
    }
    results[out] = bestLoss;
    results[out + 1] = bestFeature;
    results[out + 2] = bestBin;
    results[out + 3] = bestDefaultLeft;
    results[out + 4] = bestLG;
    results[out + 5] = bestLH;
    results[out + 6] = bestRG;
    results[out + 7] = bestRH;
    results[out + 8] = bestValue;
  }
}

/** Ints per partition task: row begin, row end, feature, threshold bin, default-left, missing code. */
export const PARTITION_STRIDE = 6;

/**
 * Ints per scatter task: a partition task's six, then the first left and the first right destination
 * position. A node's rows go from one set of position arrays to the other (so no copy back): a first
 * pass counts the rows going right (`countRight`), which gives the destinations; a second moves each row
 * whole (`scatterRows`): codes (`W` words), gradient pair (2 words) and id. A node can be cut in pieces
 * (one per thread) counted first, then scattered to their places. Left rows keep their order at the front
 * of the node, the right ones follow in order (a stable partition).
 */
export const SCATTER_STRIDE = 8;

/** Rows going right of each task's positions, into `rights[t]`; `table` has room for the missing code + 1. */
export function countRight(work: Uint8Array | Uint16Array, stride: number, table: Uint8Array, tasks: Int32Array, tBegin: number, tEnd: number, rights: Int32Array): void {
  for (let t = tBegin; t < tEnd; t++) {
    const o = t * 8;
    const f = tasks[o + 2]!;
    const thr = tasks[o + 3]!;
    const missing = tasks[o + 5]!;
    table.fill(0, 0, thr + 1);
    table.fill(1, thr + 1, missing);
    table[missing] = tasks[o + 4]! === 1 ? 0 : 1;
    let right = 0;
    for (let i = tasks[o]!, end = tasks[o + 1]!; i < end; i++) right += table[work[i * stride + f]!]!;
    rights[t] = right;
  }
}

/**
 * Moves each task's rows to the destination arrays (`d*`), left rows from position dl on, right ones from
 * dr; `idsOnly` (1): only the ids (a partition into leaves, whose codes and pairs are not read again).
 */
export function scatterRows(
  work: Uint8Array | Uint16Array,
  stride: number,
  words: Uint32Array,
  W: number,
  gh: Uint32Array,
  rows: Uint32Array,
  dWords: Uint32Array,
  dGh: Uint32Array,
  dRows: Uint32Array,
  table: Uint8Array,
  tasks: Int32Array,
  tBegin: number,
  tEnd: number,
  idsOnly: number,
): void {
  for (let t = tBegin; t < tEnd; t++) {
    const o = t * 8;
    const f = tasks[o + 2]!;
    const thr = tasks[o + 3]!;
    const missing = tasks[o + 5]!;
    table.fill(0, 0, thr + 1);
    table.fill(1, thr + 1, missing);
    table[missing] = tasks[o + 4]! === 1 ? 0 : 1;
    let dl = tasks[o + 6]!;
    let dr = tasks[o + 7]!;
    for (let i = tasks[o]!, end = tasks[o + 1]!; i < end; i++) {
      const right = table[work[i * stride + f]!]!;
      const d = right === 1 ? dr : dl;
      dl += 1 - right;
      dr += right;
      dRows[d] = rows[i]!;
      if (idsOnly === 1) continue;
      const src = i * W;
      const dst = d * W;
      for (let j = 0; j < W; j++) dWords[dst + j] = words[src + j]!;
      dGh[2 * d] = gh[2 * i]!;
      dGh[2 * d + 1] = gh[2 * i + 1]!;
    }
  }
}

/** `countRight` with the wasm kernel (wasm.ts `count`); `work` and `table` are views into its memory. */
export function countRightWasm(
  kernel: (work: number, table: number, begin: number, end: number, at: number) => number,
  work: Uint8Array | Uint16Array,
  binBytes: number,
  table: Uint8Array,
  tasks: Int32Array,
  tBegin: number,
  tEnd: number,
  rights: Int32Array,
): void {
  for (let t = tBegin; t < tEnd; t++) {
    const o = t * 8;
    const thr = tasks[o + 3]!;
    const missing = tasks[o + 5]!;
    table.fill(0, 0, thr + 1);
    table.fill(1, thr + 1, missing);
    table[missing] = tasks[o + 4]! === 1 ? 0 : 1;
    rights[t] = kernel(work.byteOffset, table.byteOffset, tasks[o]!, tasks[o + 1]!, tasks[o + 2]! * binBytes);
  }
}

/** `scatterRows` with the wasm kernel (wasm.ts `scatter`); all arrays are views into its memory. */
export function scatterRowsWasm(
  kernel: (work: number, gh: number, rows: number, dWork: number, dGh: number, dRows: number, table: number, begin: number, end: number, at: number, dl: number, dr: number) => number,
  work: Uint8Array | Uint16Array,
  binBytes: number,
  gh: Uint32Array,
  rows: Uint32Array,
  dWords: Uint32Array,
  dGh: Uint32Array,
  dRows: Uint32Array,
  table: Uint8Array,
  tasks: Int32Array,
  tBegin: number,
  tEnd: number,
): void {
  for (let t = tBegin; t < tEnd; t++) {
    const o = t * 8;
    const thr = tasks[o + 3]!;
    const missing = tasks[o + 5]!;
    table.fill(0, 0, thr + 1);
    table.fill(1, thr + 1, missing);
    table[missing] = tasks[o + 4]! === 1 ? 0 : 1;
    kernel(work.byteOffset, gh.byteOffset, rows.byteOffset, dWords.byteOffset, dGh.byteOffset, dRows.byteOffset, table.byteOffset, tasks[o]!, tasks[o + 1]!, tasks[o + 2]! * binBytes, tasks[o + 6]!, tasks[o + 7]!);
  }
}

/** `gradientKernel` objective kinds. */
export const GRAD_LOGISTIC = 0;
export const GRAD_SQUARED = 1;

/**
 * Gradient pairs of rows [begin, end) for a single-output objective, in float32 steps as XGBoost's
 * `RegLossObj` (logistic: p = 1 / (1 + expf(-m)), g = p - y, h = max(p(1 - p), 1e-16); squared error:
 * g = m - y, h = 1; both times the row weight, and scale_pos_weight for label 1). `expf` is glibc's,
 * inlined (see objective.ts `expf`; the test checks they agree). `weight` empty = unweighted.
 */
export function gradientKernel(
  kind: number,
  margin: Float32Array,
  label: Float32Array,
  weight: Float32Array,
  scalePos: number,
  gh: Float32Array,
  begin: number,
  end: number,
  expTab: Float64Array,
  pow2: Float64Array,
): void {
  const f32 = Math.fround;
  const eps = f32(1e-16);
  const spw = f32(scalePos);
  const weighted = weight.length > 0;
  for (let i = begin; i < end; i++) {
    const y = label[i]!;
    let w = weighted ? weight[i]! : 1;
    if (y === 1) w = f32(w * spw);
    let g = 0;
    let h = 1;
    if (kind === 0) {
      const x = -margin[i]!;
      let e = 0;
      if (!(x < 88.72283172607422)) e = x === x ? Infinity : x;
      else if (!(x < -103.97207641601562)) {
        const z = 46.16624130844683 * x;
        const kd = z + 6755399441055744.0 - 6755399441055744.0;
        const r = z - kd;
        // |kd| < 5000: an int32; (kd - j) / 32 = ki >> 5
        const ki = kd | 0;
        const s = expTab[ki & 31]! * pow2[(ki >> 5) + 200]!;
        e = f32(((1.6938359250920212e-6 * r + 0.00023459809789509004) * (r * r) + (0.021660849396613134 * r + 1)) * s);
      }
      const p = f32(1 / f32(e + 1));
      g = f32(p - y);
      h = f32(p * f32(1 - p));
      if (h < eps) h = eps;
    } else {
      g = f32(margin[i]! - y);
    }
    gh[2 * i] = f32(g * w);
    gh[2 * i + 1] = f32(h * w);
  }
}

/**
 * Softmax gradient pairs of rows [begin, end), all K classes: `out[2(iK + k)]` = g, `+1` = h, as XGBoost's
 * `SoftmaxMultiClassObj` (running max from FLT_MIN, double sum of expf, p = e / float(sum),
 * h = max(2p(1 - p)w, 1e-16), g = (p - [y = k])w). `tmp` holds K doubles.
 */
export function softmaxKernel(
  margin: Float32Array,
  label: Float32Array,
  weight: Float32Array,
  K: number,
  out: Float32Array,
  begin: number,
  end: number,
  expTab: Float64Array,
  pow2: Float64Array,
  tmp: Float64Array,
): void {
  const f32 = Math.fround;
  const eps = f32(1e-16);
  const weighted = weight.length > 0;
  for (let i = begin; i < end; i++) {
    const base = i * K;
    let wmax = 1.1754943508222875e-38;
    for (let k = 0; k < K; k++) if (margin[base + k]! > wmax) wmax = margin[base + k]!;
    let wsum = 0;
    for (let k = 0; k < K; k++) {
      const x = f32(margin[base + k]! - wmax);
      let e = 0;
      if (!(x < 88.72283172607422)) e = x === x ? Infinity : x;
      else if (!(x < -103.97207641601562)) {
        const z = 46.16624130844683 * x;
        const kd = z + 6755399441055744.0 - 6755399441055744.0;
        const r = z - kd;
        const j = kd & 31;
        const s = expTab[j]! * pow2[(kd - j) / 32 + 200]!;
        e = f32(((1.6938359250920212e-6 * r + 0.00023459809789509004) * (r * r) + (0.021660849396613134 * r + 1)) * s);
      }
      tmp[k] = e;
      wsum += e;
    }
    const sum32 = f32(wsum);
    const y = label[i]!;
    const wt = weighted ? weight[i]! : 1;
    for (let k = 0; k < K; k++) {
      let p = f32(tmp[k]! / sum32);
      let h = f32(f32(f32(2 * p) * f32(1 - p)) * wt);
      if (h < eps) h = eps;
      if (y === k) p = f32(p - 1);
      out[2 * (base + k)] = f32(p * wt);
      out[2 * (base + k) + 1] = h;
    }
  }
}

/**
 * XGBoost's prediction cache update for leaves [lBegin, lEnd): leaf j's value `values[j]` added to the
 * margins (output group k of K) of the rows `rows[ranges[2j] .. ranges[2j+1])`. A Float32Array store of
 * the double sum of two float32 values rounds exactly as a float32 addition.
 */
export function addLeavesKernel(
  ranges: Int32Array,
  values: Float64Array,
  lBegin: number,
  lEnd: number,
  rows: Uint32Array,
  margin: Float32Array,
  K: number,
  k: number,
): void {
  for (let j = lBegin; j < lEnd; j++) {
    const value = values[j]!;
    const end = ranges[2 * j + 1]!;
    if (K === 1) {
      for (let i = ranges[2 * j]!; i < end; i++) margin[rows[i]!] += value;
    } else {
      for (let i = ranges[2 * j]!; i < end; i++) margin[rows[i]! * K + k] += value;
    }
  }
}
