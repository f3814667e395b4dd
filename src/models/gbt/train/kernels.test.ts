import { describe, expect, it } from 'vitest';
import { createRandom } from '../../../core/random.js';
import {
  buildHistograms,
  buildHistogramsWasm,
  compileHistKernel,
  gradientKernel,
  GRAD_LOGISTIC,
  GRAD_SQUARED,
  histKernelSource,
  countRight,
  countRightWasm,
  scatterRows,
  scatterRowsWasm,
  softmaxKernel,
} from './kernels.js';
import { placeScatter, scatterTasks } from './backend.js';
import { EXP2_TAB, expf, POW2, sigmoid32 } from './objective.js';
import { Arena, compileHistModule, instantiateHist, wasmSimd } from './wasm.js';

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

  it('the wasm gradient kernel gives the JS one\'s pairs bit for bit (weights, scale_pos_weight, extreme margins)', () => {
    if (!wasmSimd()) return;
    const r = createRandom(5);
    const n = 20000;
    const arena = new Arena(1 << 20);
    const margin = arena.f32(n);
    const special = [0, -0, 88, -88, 88.8, -88.8, 95, -110, 103.9, -103.9, 1e-30, -1e-30, 1e30, -1e30, NaN, 16.5];
    for (let i = 0; i < n; i++) margin[i] = i < special.length ? special[i]! : (r.next() - 0.5) * 60;
    const label = arena.f32(n);
    for (let i = 0; i < n; i++) label[i] = r.next() < 0.5 ? 1 : 0;
    const weight = arena.f32(n);
    for (let i = 0; i < n; i++) weight[i] = r.next() * 3;
    const tabs = arena.f64(EXP2_TAB.length + POW2.length);
    tabs.set(EXP2_TAB);
    tabs.set(POW2, EXP2_TAB.length);
    const module = compileHistModule(Int32Array.of(0, 2), 1, 4, false);
    const { grad } = instantiateHist(module!, arena.memory);
    for (const [weighted, spw] of [
      [false, 1],
      [true, 2.5],
    ] as const) {
      const js = new Float32Array(2 * n);
      gradientKernel(GRAD_LOGISTIC, margin, label, weighted ? weight : new Float32Array(0), spw, js, 0, n, EXP2_TAB, POW2);
      const ws = arena.f32(2 * n);
      grad(margin.byteOffset, label.byteOffset, weight.byteOffset, ws.byteOffset, tabs.byteOffset, 3, n, weighted ? 1 : 0, spw);
      expect(Array.from(ws.subarray(6))).toEqual(Array.from(js.subarray(6)));
      expect(ws[0]).toBe(0);
    }
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
    const tasks = Int32Array.of(0, 0, 3, rows, -1, 0);
    const looped = [new Float64Array(offsets[cols]!)];
    buildHistograms(compileHistKernel(histKernelSource(offsets, cols, 0, cols)), bins, gh, looped, tasks, 0, 1, offsets, 0, cols);
    const unrolled = [new Float64Array(offsets[cols]!)];
    const low = compileHistKernel(histKernelSource(offsets, cols, 0, 200));
    const high = compileHistKernel(histKernelSource(offsets, cols, 200, cols));
    buildHistograms(low, bins, gh, unrolled, tasks, 0, 1, offsets, 0, 200);
    buildHistograms(high, bins, gh, unrolled, tasks, 0, 1, offsets, 200, cols);
    expect(Array.from(unrolled[0]!)).toEqual(Array.from(looped[0]!));
    // Feature 7, bin 2: the sum of g over positions 3.. with that bin, in order.
    let g = 0;
    for (let i = 3; i < rows; i++) if (bins[i * cols + 7] === 2) g += gh[2 * i]!;
    expect(looped[0]![offsets[7]! + 4]).toBe(g);
  });

  it('partitions stably into the other arrays, moving codes, gradient pairs and row ids, missing values by the default direction', () => {
    // One feature (stride 4: one word per row); codes 0..2, 3 = missing.
    const codes = [0, 2, 3, 1, 0, 3, 2, 1];
    const n = codes.length;
    const work = new Uint8Array(4 * n);
    codes.forEach((c, i) => {
      work[4 * i] = c;
      work[4 * i + 1] = i; // a second "feature" that identifies the row
    });
    const words = new Uint32Array(work.buffer);
    const gh = Uint32Array.from({ length: 2 * n }, (_, k) => 100 * (k >> 1) + (k & 1));
    const rows = Uint32Array.from({ length: n }, (_, i) => i);
    const run = (task: number[]) => {
      const dWork = new Uint8Array(4 * n);
      const dGh = new Uint32Array(2 * n);
      const dRows = new Uint32Array(n);
      const st = Int32Array.from([...task, 0, 0]);
      const rights = new Int32Array(1);
      const table = new Uint8Array(8);
      countRight(work, 4, table, st, 0, 1, rights);
      const left = task[1]! - task[0]! - rights[0]!;
      st[6] = task[0]!;
      st[7] = task[0]! + left;
      scatterRows(work, 4, words, 1, gh, rows, new Uint32Array(dWork.buffer), dGh, dRows, table, st, 0, 1, 0);
      for (let i = task[0]!; i < task[1]!; i++) {
        const row = dRows[i]!;
        expect([dWork[4 * i], dWork[4 * i + 1], dGh[2 * i], dGh[2 * i + 1]]).toEqual([codes[row], row, 100 * row, 100 * row + 1]);
      }
      return { left, order: Array.from(dRows.subarray(task[0]!, task[1]!)) };
    };
    // Positions 1..7 only; left when code <= 1, missing left.
    expect(run([1, 8, 0, 1, 1, 3])).toEqual({ left: 5, order: [2, 3, 4, 5, 7, 1, 6] });
    expect(run([0, 8, 0, 0, 0, 3])).toEqual({ left: 2, order: [0, 4, 1, 2, 3, 5, 6, 7] });
  });

  for (const wide of [false, true]) {
    it(`the wasm kernels give the JS kernels' histograms and partitions bit for bit (${wide ? '16' : '8'}-bit codes)`, () => {
      if (!wasmSimd()) return;
      const r = createRandom(wide ? 4 : 3);
      const n = 3000;
      const cols = 7;
      const nb = wide ? 300 : 40;
      const stride = wide ? 8 : 8; // whole words: 8 codes of 1 or 2 bytes
      const W = (stride * (wide ? 2 : 1)) / 4;
      const offsets = new Int32Array(cols + 1);
      for (let f = 0; f < cols; f++) offsets[f + 1] = offsets[f]! + 2 * (nb + 1);
      const arena = new Arena(1 << 20);
      const alloc = (length: number) => (wide ? arena.u16(length) : arena.u8(length));
      const work = alloc(n * stride);
      for (let i = 0; i < n; i++) for (let f = 0; f < cols; f++) work[i * stride + f] = r.next() < 0.05 ? nb : r.int(0, nb - 1);
      const gh = arena.f32(2 * n);
      for (let k = 0; k < 2 * n; k++) gh[k] = f32((r.next() - 0.5) * 10 ** r.int(-6, 1));
      const module = compileHistModule(offsets, cols, stride * (wide ? 2 : 1), wide);
      expect(module).not.toBeNull();
      const { kernels, count, scatter, scatterIds } = instantiateHist(module!, arena.memory);
      const hw = arena.f64(offsets[cols]!);
      const hj = [new Float64Array(offsets[cols]!)];
      const tasks = Int32Array.of(0, 0, 17, n - 5, -1, 0);
      buildHistogramsWasm(kernels[1]!, work.byteOffset, gh.byteOffset, [hw], tasks, 0, 1, offsets, 0, cols >> 1);
      buildHistogramsWasm(kernels[2]!, work.byteOffset, gh.byteOffset, [hw], tasks, 0, 1, offsets, cols >> 1, cols);
      buildHistograms(compileHistKernel(histKernelSource(offsets, stride, 0, cols)), work, gh, hj, tasks, 0, 1, offsets, 0, cols);
      expect(Array.from(hw)).toEqual(Array.from(hj[0]!));
      // With a sibling to subtract from: chunk 1 at base 3.
      const hw0 = arena.f64(offsets[cols]!);
      const sib = arena.f64(offsets[cols]! + 3).fill(1.5);
      buildHistogramsWasm(kernels[0]!, work.byteOffset, gh.byteOffset, [hw0, sib], Int32Array.of(0, 0, 17, n - 5, 1, 3), 0, 1, offsets, 0, cols);
      expect(Array.from(hw0)).toEqual(Array.from(hj[0]!));
      expect(Array.from(sib.subarray(3))).toEqual(Array.from(hj[0]!, (x) => 1.5 - x));

      // Partition with both kernels: two nodes, the second cut in two pieces placed as a threaded backend does.
      const dst = () => ({ words: arena.u32(n * W), gh: arena.u32(2 * n), rows: arena.u32(n) });
      const ghWords = new Uint32Array(gh.buffer, gh.byteOffset, 2 * n);
      const rows = arena.u32(n);
      for (let i = 0; i < n; i++) rows[i] = i;
      const words = new Uint32Array(work.buffer, work.byteOffset, n * W);
      const parts = Int32Array.of(5, 1500, 3, nb >> 1, 1, nb, 1500, n, 6, nb >> 2, 0, nb);
      const results = [true, false].map((useWasm) => {
        const st = scatterTasks(parts, 2, true, new Int32Array(0));
        const rights = new Int32Array(4);
        const leftCounts = new Int32Array(2);
        const table = arena.u8(65537);
        if (useWasm) countRightWasm(count, work, wide ? 2 : 1, table, st, 0, 4, rights);
        else countRight(work, stride, table, st, 0, 4, rights);
        placeScatter(st, 2, true, rights, leftCounts);
        const d = dst();
        if (useWasm) scatterRowsWasm(scatter, work, wide ? 2 : 1, ghWords, rows, d.words, d.gh, d.rows, table, st, 0, 4);
        else scatterRows(work, stride, words, W, ghWords, rows, d.words, d.gh, d.rows, table, st, 0, 4, 0);
        // Ids only (a partition into leaves): the same ids.
        const ids = dst();
        if (useWasm) scatterRowsWasm(scatterIds, work, wide ? 2 : 1, ghWords, rows, ids.words, ids.gh, ids.rows, table, st, 0, 4);
        else scatterRows(work, stride, words, W, ghWords, rows, ids.words, ids.gh, ids.rows, table, st, 0, 4, 1);
        expect(Array.from(ids.rows)).toEqual(Array.from(d.rows));
        expect(ids.gh.every((x) => x === 0)).toBe(true);
        return { leftCounts: Array.from(leftCounts), rows: Array.from(d.rows.subarray(5)), words: Array.from(d.words.subarray(5 * W)), gh: Array.from(d.gh.subarray(10)) };
      });
      expect(results[0]).toEqual(results[1]);
      const la = results[0]!.leftCounts;
      // Node 1's rows: its left rows in row order, then its right ones.
      const ids = results[0]!.rows.slice(0, 1495);
      expect(ids.slice(0, la[0]!)).toEqual([...ids.slice(0, la[0]!)].sort((x, y) => x - y));
      expect(ids.slice(la[0]!)).toEqual([...ids.slice(la[0]!)].sort((x, y) => x - y));
      for (const id of ids.slice(0, la[0]!)) expect(work[id * stride + 3]! <= nb >> 1 || work[id * stride + 3] === nb).toBe(true);
      expect(la[0]).toBeGreaterThan(100);
      expect(la[0]).toBeLessThan(1400);
    });
  }
});
