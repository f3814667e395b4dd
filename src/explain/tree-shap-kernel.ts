/**
 * @module explain/tree-shap-kernel
 * Exact path-dependent TreeSHAP (Lundberg, Erion & Lee 2018, Algorithm 2) over flat tree arrays, written to
 * reproduce XGBoost 1.7's `predict(pred_contribs=True)`: every quantity XGBoost keeps as `float` (path
 * fractions, permutation weights, node mean values, per-tree contributions, the row's running sums) is
 * rounded to float32 after each operation, in XGBoost's order of operations, and inputs are rounded to
 * float32 before the split test (`x < threshold`, missing values to the default child).
 *
 * `condition` / `conditionFeature` fix one feature on (1) or off (-1) as XGBoost does to build SHAP
 * interaction values. The function is self-contained (no imports, helpers outside its body or closures)
 * because worker threads run its source text.
 */

/**
 * Contributions of rows [rowBegin, rowEnd) into out[(row * numGroup + group) * (cols + 1) + feature], the
 * last column of each group being the bias (expected value of the trees plus the base margin).
 */
export function treeShapKernel(
  left: Int32Array,
  right: Int32Array,
  splitIndex: Int32Array,
  splitCondition: Float32Array,
  defaultLeft: Uint8Array,
  hess: Float32Array,
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
  condition: number,
  conditionFeature: number,
  out: Float64Array,
): void {
  const f = Math.fround;
  const numTrees = treeOffsets.length - 1;
  const ncol = cols + 1;
  // Unique-path storage: each recursion level copies its parent's path one slot further along.
  const size = ((maxDepth + 3) * (maxDepth + 4)) / 2 + 4;
  const pFeature = new Int32Array(size);
  const pZero = new Float32Array(size);
  const pOne = new Float32Array(size);
  const pWeight = new Float32Array(size);
  const feat = new Float32Array(cols);
  const phi = new Float32Array(ncol);
  const acc = new Float32Array(ncol);
  let off = 0;

  const extendPath = (o: number, d: number, zero: number, one: number, feature: number): void => {
    pFeature[o + d] = feature;
    pZero[o + d] = zero;
    pOne[o + d] = one;
    pWeight[o + d] = d === 0 ? 1 : 0;
    const d1 = d + 1;
    for (let i = d - 1; i >= 0; i--) {
      pWeight[o + i + 1] = f(pWeight[o + i + 1]! + f(f(f(one * pWeight[o + i]!) * (i + 1)) / d1));
      pWeight[o + i] = f(f(f(zero * pWeight[o + i]!) * (d - i)) / d1);
    }
  };

  const unwindPath = (o: number, d: number, pathIndex: number): void => {
    const one = pOne[o + pathIndex]!;
    const zero = pZero[o + pathIndex]!;
    let next = pWeight[o + d]!;
    const d1 = d + 1;
    for (let i = d - 1; i >= 0; i--) {
      if (one !== 0) {
        const tmp = pWeight[o + i]!;
        pWeight[o + i] = f(f(next * d1) / f((i + 1) * one));
        next = f(tmp - f(f(f(pWeight[o + i]! * zero) * (d - i)) / d1));
      } else {
        pWeight[o + i] = f(f(pWeight[o + i]! * d1) / f(zero * (d - i)));
      }
    }
    for (let i = pathIndex; i < d; i++) {
      pFeature[o + i] = pFeature[o + i + 1]!;
      pZero[o + i] = pZero[o + i + 1]!;
      pOne[o + i] = pOne[o + i + 1]!;
    }
  };

  const unwoundPathSum = (o: number, d: number, pathIndex: number): number => {
    const one = pOne[o + pathIndex]!;
    const zero = pZero[o + pathIndex]!;
    let next = pWeight[o + d]!;
    let total = 0;
    const d1 = d + 1;
    for (let i = d - 1; i >= 0; i--) {
      if (one !== 0) {
        const tmp = f(f(next * d1) / f((i + 1) * one));
        total = f(total + tmp);
        next = f(pWeight[o + i]! - f(f(tmp * zero) * f((d - i) / d1)));
      } else if (zero !== 0) {
        total = f(total + f(f(pWeight[o + i]! / zero) / f((d - i) / d1)));
      }
    }
    return total;
  };

  const recurse = (node: number, d: number, parent: number, parentZero: number, parentOne: number, parentFeature: number, conditionFraction: number): void => {
    if (conditionFraction === 0) return;
    const o = parent + d + 1;
    for (let i = 0; i <= d; i++) {
      pFeature[o + i] = pFeature[parent + i]!;
      pZero[o + i] = pZero[parent + i]!;
      pOne[o + i] = pOne[parent + i]!;
      pWeight[o + i] = pWeight[parent + i]!;
    }
    if (condition === 0 || conditionFeature !== parentFeature) extendPath(o, d, parentZero, parentOne, parentFeature);
    const n = off + node;
    const l = left[n]!;
    if (l === -1) {
      const leaf = splitCondition[n]!;
      for (let i = 1; i <= d; i++) {
        const w = unwoundPathSum(o, d, i);
        const j = pFeature[o + i]!;
        phi[j] = f(phi[j]! + f(f(f(w * f(pOne[o + i]! - pZero[o + i]!)) * leaf) * conditionFraction));
      }
      return;
    }
    const split = splitIndex[n]!;
    const v = feat[split]!;
    const hot = v !== v ? (defaultLeft[n] === 1 ? l : right[n]!) : v < splitCondition[n]! ? l : right[n]!;
    const cold = hot === l ? right[n]! : l;
    const w = hess[n]!;
    const hotZero = f(hess[off + hot]! / w);
    const coldZero = f(hess[off + cold]! / w);
    let incomingZero = 1;
    let incomingOne = 1;
    let pathIndex = 0;
    for (; pathIndex <= d; pathIndex++) if (pFeature[o + pathIndex] === split) break;
    if (pathIndex !== d + 1) {
      incomingZero = pZero[o + pathIndex]!;
      incomingOne = pOne[o + pathIndex]!;
      unwindPath(o, d, pathIndex);
      d -= 1;
    }
    let hotFraction = conditionFraction;
    let coldFraction = conditionFraction;
    if (condition > 0 && split === conditionFeature) {
      coldFraction = 0;
      d -= 1;
    } else if (condition < 0 && split === conditionFeature) {
      hotFraction = f(hotFraction * hotZero);
      coldFraction = f(coldFraction * coldZero);
      d -= 1;
    }
    recurse(hot, d + 1, o, f(hotZero * incomingZero), incomingOne, split, hotFraction);
    recurse(cold, d + 1, o, f(coldZero * incomingZero), 0, split, coldFraction);
  };

  for (let r = rowBegin; r < rowEnd; r++) {
    const src = r * cols;
    for (let j = 0; j < cols; j++) feat[j] = x[src + j]!;
    for (let g = 0; g < numGroup; g++) {
      acc.fill(0);
      for (let t = 0; t < numTrees; t++) {
        if (treeGroups[t] !== g) continue;
        off = treeOffsets[t]!;
        phi.fill(0);
        if (condition === 0) phi[cols] = meanValues[off]!;
        pFeature[0] = -1;
        recurse(0, 0, 0, 1, 1, -1, 1);
        for (let j = 0; j < ncol; j++) acc[j] = acc[j]! + phi[j]!;
      }
      acc[cols] = acc[cols]! + base;
      const dst = (r * numGroup + g) * ncol;
      for (let j = 0; j < ncol; j++) out[dst + j] = acc[j]!;
    }
  }
}
