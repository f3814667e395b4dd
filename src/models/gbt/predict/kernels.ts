/**
 * @module models/gbt/predict/kernels
 * The loops over compiled trees (see compile.ts), written to reproduce XGBoost 1.7's CPU predictor bit for
 * bit: each input is rounded to float32 (XGBoost stores features as float), a row goes left when
 * `x < threshold`, to the default child when x is missing (NaN), and the margin starts at the base margin
 * and adds each tree's leaf value in tree order, rounded to float32 after every add (the accumulator is a
 * Float32Array, whose stores round; two floats added in float64 and rounded once give the float32 sum).
 *
 * Rows go in blocks of 64: the block's keys and one tree's records stay in L1 while every row walks the
 * tree for its full depth, eight rows in lockstep (independent load chains the CPU overlaps; the step has
 * no branch to mispredict). Lopsided trees (compile.ts) are walked row by row until the leaf instead.
 * Both functions must stay self-contained (no imports, helpers or closures): worker threads run their
 * source text. `marginKernel` takes optional scratch buffers (`KernelScratch`, grown by `ensureScratch`) so a
 * caller predicting small batches repeatedly allocates nothing per call.
 */

/** Reusable buffers for `marginKernel` (one owner at a time: prediction is synchronous). */
export interface KernelScratch {
  keys: Int32Array;
  f32: Float32Array;
  bits: Int32Array;
  acc: Float32Array;
}

/** Returns `scratch` when it fits `cols` features and `numGroup` outputs, else a larger one. */
export function ensureScratch(scratch: KernelScratch | undefined, cols: number, numGroup: number): KernelScratch {
  const keysLen = 64 * (2 * cols + 1);
  const accLen = 64 * numGroup;
  if (scratch !== undefined && scratch.keys.length >= keysLen && scratch.f32.length >= cols && scratch.acc.length >= accLen) return scratch;
  const f32 = new Float32Array(cols);
  return { keys: new Int32Array(keysLen), f32, bits: new Int32Array(f32.buffer), acc: new Float32Array(accLen) };
}

/** Margins of rows [rowBegin, rowEnd) over trees [treeBegin, treeEnd), into out[row * numGroup + group]. */
export function marginKernel(
  nodes: Int32Array,
  leafValues: Float32Array,
  roots: Int32Array,
  depths: Int32Array,
  lopsided: Uint8Array,
  groups: Int32Array,
  treeBegin: number,
  treeEnd: number,
  x: Float64Array,
  cols: number,
  rowBegin: number,
  rowEnd: number,
  numGroup: number,
  base: number,
  out: Float64Array,
  scratch?: { keys: Int32Array; f32: Float32Array; bits: Int32Array; acc: Float32Array },
): void {
  const block = 64;
  const stride = 2 * cols + 1;
  // Scratch buffers passed in (reused across calls on one thread) when large enough, fresh ones otherwise.
  // Rows beyond a block's count are never read, so stale contents are harmless.
  const reuse = scratch !== undefined && scratch.keys.length >= block * stride && scratch.f32.length >= cols && scratch.acc.length >= block * numGroup;
  const keys = reuse ? scratch.keys : new Int32Array(block * stride);
  const f32 = reuse ? scratch.f32 : new Float32Array(cols);
  const bits = reuse ? scratch.bits : new Int32Array(f32.buffer);
  const acc = reuse ? scratch.acc : new Float32Array(block * numGroup);
  for (let r0 = rowBegin; r0 < rowEnd; r0 += block) {
    const nb = rowEnd - r0 < block ? rowEnd - r0 : block;
    // Row layout: [features, missing as -2^31 | features, missing as 2^31-1 | -2^31 for leaves].
    for (let r = 0; r < nb; r++) {
      const src = (r0 + r) * cols;
      const dst = r * stride;
      for (let j = 0; j < cols; j++) f32[j] = x[src + j]! + 0;
      for (let j = 0; j < cols; j++) {
        const v = f32[j]!;
        if (v !== v) {
          keys[dst + j] = -2147483648;
          keys[dst + cols + j] = 2147483647;
        } else {
          const b = bits[j]!;
          const k = b >= 0 ? b : b ^ 0x7fffffff;
          keys[dst + j] = k;
          keys[dst + cols + j] = k;
        }
      }
      keys[dst + 2 * cols] = -2147483648;
    }
    acc.fill(base);
    const nb8 = nb - (nb % 8);
    for (let t = treeBegin; t < treeEnd; t++) {
      const root = roots[t]!;
      const depth = depths[t]!;
      const g = groups[t]!;
      let r = 0;
      if (lopsided[t] === 1) {
        for (; r < nb; r++) {
          const o = r * stride;
          let p = root;
          for (let q = -1; q !== p; ) {
            q = p;
            p = nodes[p + 2]! + (((keys[o + nodes[p]!]! >= nodes[p + 1]!) as unknown as number) << 2);
          }
          acc[r * numGroup + g] += leafValues[p + 3]!;
        }
      }
      for (; r < nb8; r += 8) {
        const o0 = r * stride;
        const o1 = o0 + stride;
        const o2 = o1 + stride;
        const o3 = o2 + stride;
        const o4 = o3 + stride;
        const o5 = o4 + stride;
        const o6 = o5 + stride;
        const o7 = o6 + stride;
        let p0 = root;
        let p1 = root;
        let p2 = root;
        let p3 = root;
        let p4 = root;
        let p5 = root;
        let p6 = root;
        let p7 = root;
        for (let d = 0; d < depth; d++) {
          // A boolean in integer arithmetic compiles to a flag set (setcc), not a branch.
          p0 = nodes[p0 + 2]! + (((keys[o0 + nodes[p0]!]! >= nodes[p0 + 1]!) as unknown as number) << 2);
          p1 = nodes[p1 + 2]! + (((keys[o1 + nodes[p1]!]! >= nodes[p1 + 1]!) as unknown as number) << 2);
          p2 = nodes[p2 + 2]! + (((keys[o2 + nodes[p2]!]! >= nodes[p2 + 1]!) as unknown as number) << 2);
          p3 = nodes[p3 + 2]! + (((keys[o3 + nodes[p3]!]! >= nodes[p3 + 1]!) as unknown as number) << 2);
          p4 = nodes[p4 + 2]! + (((keys[o4 + nodes[p4]!]! >= nodes[p4 + 1]!) as unknown as number) << 2);
          p5 = nodes[p5 + 2]! + (((keys[o5 + nodes[p5]!]! >= nodes[p5 + 1]!) as unknown as number) << 2);
          p6 = nodes[p6 + 2]! + (((keys[o6 + nodes[p6]!]! >= nodes[p6 + 1]!) as unknown as number) << 2);
          p7 = nodes[p7 + 2]! + (((keys[o7 + nodes[p7]!]! >= nodes[p7 + 1]!) as unknown as number) << 2);
        }
        const a = r * numGroup + g;
        acc[a] += leafValues[p0 + 3]!;
        acc[a + numGroup] += leafValues[p1 + 3]!;
        acc[a + 2 * numGroup] += leafValues[p2 + 3]!;
        acc[a + 3 * numGroup] += leafValues[p3 + 3]!;
        acc[a + 4 * numGroup] += leafValues[p4 + 3]!;
        acc[a + 5 * numGroup] += leafValues[p5 + 3]!;
        acc[a + 6 * numGroup] += leafValues[p6 + 3]!;
        acc[a + 7 * numGroup] += leafValues[p7 + 3]!;
      }
      for (; r < nb; r++) {
        const o = r * stride;
        let p = root;
        for (let d = 0; d < depth; d++) p = nodes[p + 2]! + (((keys[o + nodes[p]!]! >= nodes[p + 1]!) as unknown as number) << 2);
        acc[r * numGroup + g] += leafValues[p + 3]!;
      }
    }
    const dst = r0 * numGroup;
    const len = nb * numGroup;
    for (let k = 0; k < len; k++) out[dst + k] = acc[k]!;
  }
}

/** Leaf ids (original node ids) of rows [rowBegin, rowEnd) in trees [treeBegin, treeEnd): out[row * trees + t]. */
export function leafKernel(
  nodes: Int32Array,
  ids: Int32Array,
  roots: Int32Array,
  depths: Int32Array,
  lopsided: Uint8Array,
  treeBegin: number,
  treeEnd: number,
  x: Float64Array,
  cols: number,
  rowBegin: number,
  rowEnd: number,
  out: Int32Array,
): void {
  const block = 64;
  const stride = 2 * cols + 1;
  const width = treeEnd - treeBegin;
  const keys = new Int32Array(block * stride);
  const f32 = new Float32Array(cols);
  const bits = new Int32Array(f32.buffer);
  for (let r0 = rowBegin; r0 < rowEnd; r0 += block) {
    const nb = rowEnd - r0 < block ? rowEnd - r0 : block;
    for (let r = 0; r < nb; r++) {
      const src = (r0 + r) * cols;
      const dst = r * stride;
      for (let j = 0; j < cols; j++) f32[j] = x[src + j]! + 0;
      for (let j = 0; j < cols; j++) {
        const v = f32[j]!;
        if (v !== v) {
          keys[dst + j] = -2147483648;
          keys[dst + cols + j] = 2147483647;
        } else {
          const b = bits[j]!;
          const k = b >= 0 ? b : b ^ 0x7fffffff;
          keys[dst + j] = k;
          keys[dst + cols + j] = k;
        }
      }
      keys[dst + 2 * cols] = -2147483648;
    }
    for (let t = treeBegin; t < treeEnd; t++) {
      const root = roots[t]!;
      // A lopsided tree is walked until the leaf loops to itself, a balanced one for its full depth.
      const depth = lopsided[t] === 1 ? 2147483647 : depths[t]!;
      for (let r = 0; r < nb; r++) {
        const o = r * stride;
        let p = root;
        for (let d = 0, q = -1; d < depth && q !== p; d++) {
          q = p;
          p = nodes[p + 2]! + (((keys[o + nodes[p]!]! >= nodes[p + 1]!) as unknown as number) << 2);
        }
        out[(r0 + r) * width + (t - treeBegin)] = ids[p >> 2]!;
      }
    }
  }
}
