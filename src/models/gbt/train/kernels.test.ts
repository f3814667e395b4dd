import { describe, expect, it } from 'vitest';
import { createRandom } from '../../../core/random.js';
import { buildHistograms, compileHistKernel, gradientKernel, GRAD_LOGISTIC, GRAD_SQUARED, histKernelSource, partitionRows, softmaxKernel } from './kernels.js';
import { EXP2_TAB, expf, POW2, sigmoid32 } from './objective.js';

const f32 = Math.fround;

describe('kernels', () => {
  it('the expf inlined in the gradient kernels agrees with the predict module\'s glibc port', () => {
    const r = createRandom(1);
    const n = 20000;
    const margin = new Float32Array(n);
    for (let i = 0; i < n; i++) margin[i] = i < 8 ? [0, -0, 88, -88, 95, -110, 1e-30, -1e-30][i]! : (r.next() - 0.5) * 60;
    const label = Float32Array.from({ length: n }, () => (r.next() < 0.5 ? 1 : 0));
    const gh = new Float32Array(2 * n);
    gradientKernel(GRAD_LOGISTIC, margin, label, new Float32Array(0), 2, gh, 0, n, EXP2_TAB, POW2);
    for (let i = 0; i < n; i++) {
      const p = sigmoid32(margin[i]!);
      const w = label[i] === 1 ? 2 : 1;
      expect(gh[2 * i]).toBe(f32(f32(p - label[i]!) * w));
      expect(gh[2 * i + 1]).toBe(f32(Math.max(f32(p * f32(1 - p)), f32(1e-16)) * w));
    }
    gradientKernel(GRAD_SQUARED, margin, label, new Float32Array(0), 1, gh, 0, n, EXP2_TAB, POW2);
    expect(gh[2]).toBe(f32(margin[1]! - label[1]!));
    expect(gh[3]).toBe(1);
  });

  it('softmax gradients: p - [y = k] and 2p(1 - p), float32', () => {
    const margin = Float32Array.of(0.5, -1, 2, 3, 3, 3);
    const label = Float32Array.of(2, 0);
    const out = new Float32Array(12);
    softmaxKernel(margin, label, new Float32Array(0), 3, out, 0, 2, EXP2_TAB, POW2, new Float64Array(3));
    const e = [0.5, -1, 2].map((m) => expf(f32(m - 2)));
    const sum = f32(e[0]! + e[1]! + e[2]!);
    const p = e.map((x) => f32(x / sum));
    expect(out[4]).toBeCloseTo(p[2]! - 1, 7);
    expect(out[0]).toBe(p[0]);
    expect(out[1]).toBe(f32(f32(2 * p[0]!) * f32(1 - p[0]!)));
    expect(out[6]).toBe(f32(f32(1 / 3) - 1));
  });

  it('the unrolled and the looped (> 256 features) histogram kernels give the same sums', () => {
    const r = createRandom(2);
    const rows = 500;
    const cols = 300;
    const bins = new Uint8Array(rows * cols).map(() => r.int(0, 3));
    const offsets = new Int32Array(cols + 1);
    for (let f = 0; f < cols; f++) offsets[f + 1] = offsets[f]! + 2 * 5;
    const gh = Float32Array.from({ length: 2 * rows }, () => r.next() - 0.5);
    const order = Uint32Array.from({ length: rows }, (_, i) => i).filter((i) => i % 3 !== 0);
    const tasks = Int32Array.of(0, 0, 0, order.length);
    const looped = [new Float64Array(offsets[cols]!)];
    buildHistograms(compileHistKernel(histKernelSource(offsets, cols, 0, cols)), bins, gh, order, looped, tasks, 0, 1, offsets, 0, cols, new Float64Array(1));
    const unrolled = [new Float64Array(offsets[cols]!)];
    const low = compileHistKernel(histKernelSource(offsets, cols, 0, 200));
    const high = compileHistKernel(histKernelSource(offsets, cols, 200, cols));
    buildHistograms(low, bins, gh, order, unrolled, tasks, 0, 1, offsets, 0, 200, new Float64Array(1));
    buildHistograms(high, bins, gh, order, unrolled, tasks, 0, 1, offsets, 200, cols, new Float64Array(1));
    expect(Array.from(unrolled[0]!)).toEqual(Array.from(looped[0]!));
    // Feature 7, bin 2: the sum of g over the rows with that bin, in row order.
    let g = 0;
    for (const i of order) if (bins[i * cols + 7] === 2) g += gh[2 * i]!;
    expect(looped[0]![offsets[7]! + 4]).toBe(g);
  });

  it('partitions stably, missing values by the default direction', () => {
    const nRows = 8;
    // One feature; codes 0..2, 3 = missing.
    const columnBins = Uint8Array.of(0, 2, 3, 1, 0, 3, 2, 1);
    const rows = Uint32Array.of(0, 1, 2, 3, 4, 5, 6, 7);
    const scratch = new Uint32Array(nRows);
    const leftCounts = new Int32Array(2);
    // Rows 1..7 only; left when code <= 1, missing left.
    partitionRows(columnBins, nRows, rows, scratch, Int32Array.of(1, 8, 0, 1, 1, 3), 0, 1, leftCounts);
    expect(Array.from(rows)).toEqual([0, 2, 3, 4, 5, 7, 1, 6]);
    expect(leftCounts[0]).toBe(5);
    rows.set([0, 1, 2, 3, 4, 5, 6, 7]);
    partitionRows(columnBins, nRows, rows, scratch, Int32Array.of(0, 8, 0, 0, 0, 3), 0, 1, leftCounts);
    expect(Array.from(rows)).toEqual([0, 4, 1, 2, 3, 5, 6, 7]);
    expect(leftCounts[0]).toBe(2);
  });
});
