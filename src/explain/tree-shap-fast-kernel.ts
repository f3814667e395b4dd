/**
 * @module explain/tree-shap-fast-kernel
 * The `pred_contribs` case of TreeSHAP (no conditioning), with the same float32 results as
 * `tree-shap-kernel` (and XGBoost 1.7) but faster:
 *  - the recursion is a loop over an explicit stack (hot child first, cold child pushed), so the leaves are
 *    visited in XGBoost's order and every value sits in a local, not a closure slot;
 *  - without conditioning a path element's one-fraction is 0 or 1, so the multiplications and divisions by it
 *    drop out (x * 1 and x / 1 are exact, and adding 0 to a non-negative weight leaves it unchanged);
 *  - the zero fractions (child cover / node cover, rounded to float32) come precomputed per node and the
 *    ratios float32((d - i) / (d + 1)) from a table;
 *  - only the d elements the path extension does not overwrite are copied down a level;
 *  - a division a / b of two float32 numbers (b a small integer, a zero fraction or a ratio above) is computed
 *    as a * (1 / b) in float64 and then rounded to float32, which gives the same float32: a quotient of two
 *    float32 numbers is never a float32 rounding midpoint and stays at least 2^-49 (relative) away from one,
 *    while the reciprocal product is within 2^-52 of the exact quotient.
 * Every remaining operation is rounded to float32 (`Math.fround`) in XGBoost's order. Self-contained (no
 * imports, no outside helpers) because worker threads run its source text.
 */

/**
 * Contributions of rows [rowBegin, rowEnd) into out[(row * numGroup + group) * (cols + 1) + feature], the
 * last column of each group being the bias. `zeroFraction[n]` is float32(cover(n) / cover(parent(n))).
 */
export function treeShapFastKernel(
  left: Int32Array,
  right: Int32Array,
  splitIndex: Int32Array,
  splitCondition: Float32Array,
  defaultLeft: Uint8Array,
  zeroFraction: Float32Array,
  meanValues: Float32Array,
  treeOffsets: Int32Array,
  treeGroups: Int32Array,
  maxDepth: number,
  x: Float64Array,
  cols: number,
  rowBegin: number,
  rowEnd: number,
  numGroup: number,
  base: number,
  out: Float64Array,
): void {
  const f = Math.fround;
  const numTrees = treeOffsets.length - 1;
  const ncol = cols + 1;
  const levels = maxDepth + 3;
  const size = ((levels + 1) * (levels + 2)) / 2 + 4;
  const pFeature = new Int32Array(size);
  const pZero = new Float64Array(size);
  const pOne = new Float64Array(size);
  const pWeight = new Float64Array(size);
  // ratio[d * levels + i] = float32((d - i) / (d + 1)), as XGBoost's UnwoundPathSum computes it.
  const ratio = new Float64Array(levels * levels);
  const invRatio = new Float64Array(levels * levels);
  for (let d = 0; d < levels; d++) {
    for (let i = 0; i < d; i++) {
      ratio[d * levels + i] = f((d - i) / (d + 1));
      invRatio[d * levels + i] = 1 / ratio[d * levels + i]!;
    }
  }
  // inv[k] = 1 / k.
  const inv = new Float64Array(levels + 3);
  for (let k = 1; k < inv.length; k++) inv[k] = 1 / k;
  const stNode = new Int32Array(levels + 2);
  const stDepth = new Int32Array(levels + 2);
  const stParent = new Int32Array(levels + 2);
  const stFeature = new Int32Array(levels + 2);
  const stZero = new Float64Array(levels + 2);
  const stOne = new Float64Array(levels + 2);
  const phi = new Float64Array(ncol);

  // Rows are taken in blocks. Per tree, the rows of a block are classed by their directions at the tree's
  // inner nodes (a bit mask, for trees of at most 31 inner nodes): the walk depends on nothing else, so it
  // runs once per class and the class's contributions are added to each of its rows (in tree order, as
  // XGBoost adds them). Larger trees are walked per row.
  const BLOCK = 2048;
  const HASH_BITS = 13;
  const fb = new Float64Array(BLOCK * cols);
  const accB = new Float64Array(BLOCK * numGroup * ncol);
  const rowClass = new Int32Array(BLOCK);
  const repRow = new Int32Array(BLOCK);
  const cache = new Float64Array(BLOCK * ncol);
  const hashKey = new Int32Array(1 << HASH_BITS);
  const hashVal = new Int32Array(1 << HASH_BITS);
  const hashStamp = new Int32Array(1 << HASH_BITS);
  let stamp = 0;
  const innerStart = new Int32Array(numTrees + 1);
  let innerCount = 0;
  for (let t = 0; t < numTrees; t++) for (let n = treeOffsets[t]!; n < treeOffsets[t + 1]!; n++) if (left[n] !== -1) innerCount++;
  const innerList = new Int32Array(innerCount);
  innerCount = 0;
  for (let t = 0; t < numTrees; t++) {
    innerStart[t] = innerCount;
    for (let n = treeOffsets[t]!; n < treeOffsets[t + 1]!; n++) if (left[n] !== -1) innerList[innerCount++] = n;
  }
  innerStart[numTrees] = innerCount;

  for (let rb = rowBegin; rb < rowEnd; rb += BLOCK) {
    const nb = Math.min(BLOCK, rowEnd - rb);
    // Inputs are compared as float32, as XGBoost reads them.
    for (let i = 0; i < nb * cols; i++) fb[i] = f(x[rb * cols + i]!);
    accB.fill(0, 0, nb * numGroup * ncol);
    for (let t = 0; t < numTrees; t++) {
      const g = treeGroups[t]!;
      if (g < 0 || g >= numGroup) continue;
      const off = treeOffsets[t]!;
      const is = innerStart[t]!;
      const ie = innerStart[t + 1]!;
      if (ie - is <= 31) {
        stamp++;
        let classes = 0;
        for (let r = 0; r < nb; r++) {
          const fo = r * cols;
          let m = 0;
          for (let k = is; k < ie; k++) {
            const n = innerList[k]!;
            const v = fb[fo + splitIndex[n]!]!;
            const right = v !== v ? (defaultLeft[n] === 1 ? 0 : 1) : v < splitCondition[n]! ? 0 : 1;
            m |= right << (k - is);
          }
          let h = Math.imul(m, 0x9e3779b1) >>> (32 - HASH_BITS);
          for (;;) {
            if (hashStamp[h] !== stamp) {
              hashStamp[h] = stamp;
              hashKey[h] = m;
              hashVal[h] = classes;
              repRow[classes++] = r;
              break;
            }
            if (hashKey[h] === m) break;
            h = (h + 1) & ((1 << HASH_BITS) - 1);
          }
          rowClass[r] = hashVal[h]!;
        }
        for (let c = 0; c < classes; c++) {
          treePhi(off, repRow[c]! * cols);
          for (let j = 0; j < ncol; j++) cache[c * ncol + j] = phi[j]!;
        }
        for (let r = 0; r < nb; r++) {
          const co = rowClass[r]! * ncol;
          const ao = (r * numGroup + g) * ncol;
          for (let j = 0; j < ncol; j++) accB[ao + j] = f(accB[ao + j]! + cache[co + j]!);
        }
      } else {
        for (let r = 0; r < nb; r++) {
          treePhi(off, r * cols);
          const ao = (r * numGroup + g) * ncol;
          for (let j = 0; j < ncol; j++) accB[ao + j] = f(accB[ao + j]! + phi[j]!);
        }
      }
    }
    for (let r = 0; r < nb; r++) {
      for (let g = 0; g < numGroup; g++) {
        const ao = (r * numGroup + g) * ncol;
        accB[ao + cols] = f(accB[ao + cols]! + base);
        const dst = ((rb + r) * numGroup + g) * ncol;
        for (let j = 0; j < ncol; j++) out[dst + j] = accB[ao + j]!;
      }
    }
  }

  /** One tree's contributions (plus its mean value in the bias slot) for the features at fb[fo..], into phi. */
  function treePhi(off: number, fo: number): void {
    for (let j = 0; j < cols; j++) phi[j] = 0;
    phi[cols] = meanValues[off]!;
    pFeature[0] = -1;
    let sp = 1;
    stNode[0] = 0;
    stDepth[0] = 0;
    stParent[0] = 0;
    stFeature[0] = -1;
    stZero[0] = 1;
    stOne[0] = 1;
    while (sp > 0) {
      sp--;
      let node = stNode[sp]!;
      let d = stDepth[sp]!;
      let parent = stParent[sp]!;
      let feature = stFeature[sp]!;
      let zero = stZero[sp]!;
      let one = stOne[sp]!;
      for (;;) {
        const o = parent + d + 1;
        // Copy the parent's path (element d is written by the extension below).
        for (let i = 0; i < d; i++) {
          pFeature[o + i] = pFeature[parent + i]!;
          pZero[o + i] = pZero[parent + i]!;
          pOne[o + i] = pOne[parent + i]!;
          pWeight[o + i] = pWeight[parent + i]!;
        }
        // ExtendPath(o, d, zero, one, feature).
        pFeature[o + d] = feature;
        pZero[o + d] = zero;
        pOne[o + d] = one;
        pWeight[o + d] = d === 0 ? 1 : 0;
        const d1 = d + 1;
        const invD1 = inv[d1]!;
        if (one !== 0) {
          for (let i = d - 1; i >= 0; i--) {
            const w = pWeight[o + i]!;
            pWeight[o + i + 1] = f(pWeight[o + i + 1]! + f(f(w * (i + 1)) * invD1));
            pWeight[o + i] = f(f(f(zero * w) * (d - i)) * invD1);
          }
        } else {
          for (let i = d - 1; i >= 0; i--) pWeight[o + i] = f(f(f(zero * pWeight[o + i]!) * (d - i)) * invD1);
        }
        const n = off + node;
        const l = left[n]!;
        if (l === -1) {
          const leaf = splitCondition[n]!;
          const rt = d * levels;
          for (let k = 1; k <= d; k++) {
            // UnwoundPathSum(o, d, k).
            const kz = pZero[o + k]!;
            let total = 0;
            let scale: number;
            if (pOne[o + k] !== 0) {
              let next = pWeight[o + d]!;
              for (let i = d - 1; i >= 0; i--) {
                const tmp = f(f(next * d1) * inv[i + 1]!);
                total = f(total + tmp);
                next = f(pWeight[o + i]! - f(f(tmp * kz) * ratio[rt + i]!));
              }
              scale = f(1 - kz);
            } else {
              if (kz !== 0) {
                const invKz = 1 / kz;
                for (let i = d - 1; i >= 0; i--) total = f(total + f(f(pWeight[o + i]! * invKz) * invRatio[rt + i]!));
              }
              scale = -kz;
            }
            const j = pFeature[o + k]!;
            phi[j] = f(phi[j]! + f(f(total * scale) * leaf));
          }
          break;
        }
        const split = splitIndex[n]!;
        const v = fb[fo + split]!;
        const rr = right[n]!;
        const hot = v !== v ? (defaultLeft[n] === 1 ? l : rr) : v < splitCondition[n]! ? l : rr;
        const cold = hot === l ? rr : l;
        let incomingZero = 1;
        let incomingOne = 1;
        let pathIndex = 0;
        for (; pathIndex <= d; pathIndex++) if (pFeature[o + pathIndex] === split) break;
        if (pathIndex !== d1) {
          // UnwindPath(o, d, pathIndex).
          const uz = pZero[o + pathIndex]!;
          const uo = pOne[o + pathIndex]!;
          incomingZero = uz;
          incomingOne = uo;
          if (uo !== 0) {
            let next = pWeight[o + d]!;
            for (let i = d - 1; i >= 0; i--) {
              const tmp = pWeight[o + i]!;
              const w = f(f(next * d1) * inv[i + 1]!);
              pWeight[o + i] = w;
              next = f(tmp - f(f(f(w * uz) * (d - i)) * invD1));
            }
          } else {
            for (let i = d - 1; i >= 0; i--) pWeight[o + i] = f(f(pWeight[o + i]! * d1) / f(uz * (d - i)));
          }
          for (let i = pathIndex; i < d; i++) {
            pFeature[o + i] = pFeature[o + i + 1]!;
            pZero[o + i] = pZero[o + i + 1]!;
            pOne[o + i] = pOne[o + i + 1]!;
          }
          d -= 1;
        }
        // The cold child waits on the stack; the hot one is walked first.
        stNode[sp] = cold;
        stDepth[sp] = d + 1;
        stParent[sp] = o;
        stFeature[sp] = split;
        stZero[sp] = f(zeroFraction[off + cold]! * incomingZero);
        stOne[sp] = 0;
        sp++;
        node = hot;
        d = d + 1;
        parent = o;
        feature = split;
        zero = f(zeroFraction[off + hot]! * incomingZero);
        one = incomingOne;
      }
    }
  }
}
