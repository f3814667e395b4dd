import { describe, expect, it } from 'vitest';
import { createRandom } from '../../../core/random.js';
import { binMatrix, binMatrixThreaded } from './data.js';
import { Arena } from './wasm.js';

describe('binning', () => {
  it('on two threads gives the same cuts and codes as on one (8- and 16-bit codes, weights, missing values)', async () => {
    const r = createRandom(7);
    const n = 120_000;
    const F = 9;
    const values = new Float64Array(n * F);
    for (let i = 0; i < values.length; i++) values[i] = r.next() < 0.02 ? NaN : i % F < 3 ? r.int(0, 20) : (r.next() - 0.5) * 1000;
    const matrix = { rows: n, cols: F, values };
    const weights = Float32Array.from({ length: n }, () => r.next() * 2);
    for (const [w, maxBin] of [
      [undefined, 200],
      [weights, 600],
    ] as const) {
      const one = binMatrix(matrix, w, maxBin, new Arena(1 << 20));
      // With and without a wasm arena (plain shared memory then).
      const two = await binMatrixThreaded(matrix, w, maxBin, w ? null : new Arena(1 << 20));
      expect(two.bins.constructor).toBe(maxBin > 256 ? Uint16Array : Uint8Array);
      expect(two.stride).toBe(one.stride);
      expect(Array.from(two.cuts.ptrs)).toEqual(Array.from(one.cuts.ptrs));
      expect(Array.from(two.cuts.values)).toEqual(Array.from(one.cuts.values));
      expect(Array.from(two.cuts.minValues)).toEqual(Array.from(one.cuts.minValues));
      expect(Array.from(two.hasMissing)).toEqual(Array.from(one.hasMissing));
      expect(two.dense).toBe(false);
      expect(Buffer.from(two.bins.buffer, two.bins.byteOffset, two.bins.byteLength).equals(Buffer.from(one.bins.buffer, one.bins.byteOffset, one.bins.byteLength))).toBe(true);
      // Feature 4, row 5: its code counts the cuts <= the value.
      const x = Math.fround(values[5 * F + 4]!);
      const lo = one.cuts.ptrs[4]!;
      const nb = one.cuts.ptrs[5]! - lo;
      let expected = nb;
      if (x === x) {
        expected = 0;
        while (expected < nb - 1 && one.cuts.values[lo + expected]! <= x) expected++;
      }
      expect(one.bins[5 * one.stride + 4]).toBe(expected);
    }
  });
});
