/**
 * @module models/gbt/train/kernels
 * The two hot loops of tree growth, over typed arrays only: building gradient histograms for a batch of
 * nodes, and scanning histograms for the best split of a batch of nodes. Both work on a range of features,
 * so two threads split the features between them and each bin is summed by one thread in row order: the
 * results are bit-identical to one thread.
 *
 * Both functions are self-contained (no imports, no helpers, no closures): `threads.ts` ships their source
 * text to a worker. Keep them that way.
 *
 * Layouts:
 * - `bins`: column-major bin codes; feature f of row r at `f * nRows + r`; code `nBins[f]` = missing.
 * - `gh`: gradient pairs interleaved, g of row r at `2r`, h at `2r + 1` (float32 values in a Float64Array).
 * - a node histogram: `2 * (nBins[f] + 1)` doubles per feature from `offsets[f]` (last pair = missing).
 * - histogram tasks, 4 ints each: [pool chunk, base offset in the chunk, row begin, row end] over `rows`.
 * - split tasks, 4 ints each: [pool chunk, base offset, node stats index, result index]; node stats
 *   (3 doubles: G, H, root gain) in `stats`; results (RESULT_STRIDE doubles) in `results`.
 */

/** Doubles per split result: loss, feature, threshold bin, default-left, lG, lH, rG, rH, split value. */
export const RESULT_STRIDE = 9;

/** Rows per block of `buildHistograms`: their gradient pairs are gathered into a buffer of 2 * BLOCK. */
export const HIST_BLOCK = 4096;

/**
 * Histograms of features [fBegin, fEnd) for each task's rows: zeroes those features' ranges, then adds
 * (g, h) of each row to its bin, rows in order. Rows go in blocks of 4096: their gradient pairs are gathered
 * into `buf` (2 * 4096 doubles) once, then each feature (four at a time) walks the block. Per bin the
 * additions stay in row order, so the sums do not depend on the blocking or on the feature split.
 */
export function buildHistograms(
  bins: Uint8Array | Uint16Array,
  nRows: number,
  gh: Float64Array,
  rows: Uint32Array,
  chunks: Float64Array[],
  tasks: Int32Array,
  nTasks: number,
  offsets: Int32Array,
  fBegin: number,
  fEnd: number,
  buf: Float64Array,
): void {
  const BLOCK = 4096;
  for (let t = 0; t < nTasks; t++) {
    const hist = chunks[tasks[4 * t]!]!;
    const base = tasks[4 * t + 1]!;
    const begin = tasks[4 * t + 2]!;
    const end = tasks[4 * t + 3]!;
    hist.fill(0, base + offsets[fBegin]!, base + offsets[fEnd]!);
    for (let b0 = begin; b0 < end; b0 += BLOCK) {
      const b1 = b0 + BLOCK < end ? b0 + BLOCK : end;
      const m = b1 - b0;
      for (let k = 0; k < m; k++) {
        const r = rows[b0 + k]!;
        buf[2 * k] = gh[2 * r]!;
        buf[2 * k + 1] = gh[2 * r + 1]!;
      }
      let f = fBegin;
      for (; f + 4 <= fEnd; f += 4) {
        const c0 = f * nRows;
        const c1 = c0 + nRows;
        const c2 = c1 + nRows;
        const c3 = c2 + nRows;
        const o0 = base + offsets[f]!;
        const o1 = base + offsets[f + 1]!;
        const o2 = base + offsets[f + 2]!;
        const o3 = base + offsets[f + 3]!;
        for (let k = 0; k < m; k++) {
          const r = rows[b0 + k]!;
          const g = buf[2 * k]!;
          const h = buf[2 * k + 1]!;
          let p = o0 + 2 * bins[c0 + r]!;
          hist[p] += g;
          hist[p + 1] += h;
          p = o1 + 2 * bins[c1 + r]!;
          hist[p] += g;
          hist[p + 1] += h;
          p = o2 + 2 * bins[c2 + r]!;
          hist[p] += g;
          hist[p + 1] += h;
          p = o3 + 2 * bins[c3 + r]!;
          hist[p] += g;
          hist[p + 1] += h;
        }
      }
      for (; f < fEnd; f++) {
        const c0 = f * nRows;
        const o0 = base + offsets[f]!;
        for (let k = 0; k < m; k++) {
          const p = o0 + 2 * bins[c0 + rows[b0 + k]!]!;
          hist[p] += buf[2 * k]!;
          hist[p + 1] += buf[2 * k + 1]!;
        }
      }
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
