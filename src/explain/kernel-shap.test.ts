import { describe, expect, it } from 'vitest';
import { isPlatformError } from '../core/errors.js';
import type { FeatureMatrix } from '../models/index.js';
import { buildCoalitions, sampleCount } from './coalitions.js';
import { kernelShap, type PredictFn } from './kernel-shap.js';

const matrix = (rows: number[][]): FeatureMatrix => ({ rows: rows.length, cols: rows[0]!.length, values: Float64Array.from(rows.flat()) });

/** f(x) = 1 / (1 + exp(-(x0 * x1 - x2 + 0.5 x3))) and its margin as a second output. */
const model: PredictFn = async (m) => {
  const out = new Float64Array(m.rows * 2);
  for (let i = 0; i < m.rows; i++) {
    const v = m.values;
    const o = i * m.cols;
    const z = v[o]! * v[o + 1]! - v[o + 2]! + 0.5 * v[o + 3]!;
    out[i * 2] = 1 / (1 + Math.exp(-z));
    out[i * 2 + 1] = z;
  }
  return out;
};

/** Exact Shapley values of v(S) = g(mean_b f(x_S, b_rest)) by the subset formula. */
function bruteForce(predict: (row: number[]) => number[], x: number[], baseline: number[][], k: number, g: (v: number) => number): number[] {
  const M = x.length;
  const value = (mask: number) => {
    let s = 0;
    for (const b of baseline) s += predict(x.map((xv, j) => ((mask >> j) & 1 ? xv : b[j]!)))[k]!;
    return g(s / baseline.length);
  };
  const fact = (n: number): number => (n <= 1 ? 1 : n * fact(n - 1));
  const phi = new Array<number>(M).fill(0);
  for (let j = 0; j < M; j++) {
    for (let mask = 0; mask < 1 << M; mask++) {
      if ((mask >> j) & 1) continue;
      let size = 0;
      for (let t = 0; t < M; t++) size += (mask >> t) & 1;
      const w = (fact(size) * fact(M - size - 1)) / fact(M);
      phi[j] += w * (value(mask | (1 << j)) - value(mask));
    }
  }
  return phi;
}

const probabilityOnly: PredictFn = async (m) => (await model(m)).filter((_, i) => i % 2 === 0);

const rowPredict = (row: number[]): number[] => {
  const z = row[0]! * row[1]! - row[2]! + 0.5 * row[3]!;
  return [1 / (1 + Math.exp(-z)), z];
};

const data = [
  [1, 2, 0.5, -1],
  [-0.5, 1.5, 2, 3],
  [0.2, -1, -2, 0.7],
];
const baseline = [
  [0, 0, 0, 0],
  [1, -1, 0.5, 2],
  [0.3, 0.8, -0.4, -1.2],
];

describe('Kernel SHAP', () => {
  it("uses Clarify's n_samples rule", () => {
    expect(sampleCount(6, 50)).toBe(50);
    expect(sampleCount(6, 100)).toBe(62);
    expect(sampleCount(6)).toBe(62);
    expect(sampleCount(20)).toBe(2 * 20 + 2048);
  });

  it('enumerates all coalitions when num_samples covers them and gives exact Shapley values (identity and logit)', async () => {
    for (const useLogit of [false, true]) {
      const r = await kernelShap(probabilityOnly, matrix(data), matrix(baseline), { numSamples: 14, useLogit });
      expect(r.exact).toBe(true);
      expect(r.coalitions).toBe(14);
      const g = useLogit ? (p: number) => Math.log(p / (1 - p)) : (v: number) => v;
      for (let i = 0; i < data.length; i++) {
        const expected = bruteForce(rowPredict, data[i]!, baseline, 0, g);
        for (let j = 0; j < 4; j++) expect(r.values[i * 4 + j]).toBeCloseTo(expected[j]!, 10);
      }
    }
  });

  it('explains every model output separately', async () => {
    const r = await kernelShap(model, matrix(data), matrix(baseline), { numSamples: 100 });
    expect(r.outputs).toBe(2);
    const expected = bruteForce(rowPredict, data[1]!, baseline, 1, (v) => v);
    for (let j = 0; j < 4; j++) expect(r.values[(1 * 2 + 1) * 4 + j]).toBeCloseTo(expected[j]!, 10);
  });

  it('additivity holds with sampled coalitions: Σφ + expected value = g(f(x))', async () => {
    for (const useLogit of [false, true]) {
      const r = await kernelShap(useLogit ? probabilityOnly : model, matrix(data), matrix(baseline), { numSamples: 6, seed: 3, useLogit });
      expect(r.exact).toBe(false);
      const K = r.outputs;
      for (let i = 0; i < data.length; i++) {
        for (let k = 0; k < K; k++) {
          let s = r.expectedValue[k]!;
          for (let j = 0; j < 4; j++) s += r.values[(i * K + k) * 4 + j]!;
          const p = rowPredict(data[i]!)[k]!;
          expect(s).toBeCloseTo(useLogit ? Math.log(p / (1 - p)) : p, 10);
        }
      }
    }
  });

  it('is deterministic for a seed and pairs each sampled coalition with its complement', async () => {
    const a = buildCoalitions(6, 50, 7);
    const b = buildCoalitions(6, 50, 7);
    expect(Array.from(a.masks)).toEqual(Array.from(b.masks));
    expect(a.weights.reduce((s, w) => s + w, 0)).toBe(50);
    const keys = new Set<string>();
    for (let c = 0; c < a.count; c++) keys.add(Array.from(a.masks.subarray(c * 6, c * 6 + 6)).join(''));
    for (const k of keys) expect(keys.has(k.split('').map((d) => (d === '1' ? '0' : '1')).join(''))).toBe(true);
    const r1 = await kernelShap(model, matrix(data), matrix(baseline), { numSamples: 8, seed: 1 });
    const r2 = await kernelShap(model, matrix(data), matrix(baseline), { numSamples: 8, seed: 1 });
    expect(Array.from(r1.values)).toEqual(Array.from(r2.values));
  });

  it('sends the records of all coalitions to the predictor in large batches, not one call per coalition', async () => {
    const calls: number[] = [];
    const counting: PredictFn = async (m) => {
      calls.push(m.rows);
      return model(m);
    };
    const r = await kernelShap(counting, matrix(data), matrix(baseline), { numSamples: 14 });
    expect(r.coalitions).toBe(14);
    // Baseline rows, the explained rows, then every (row, coalition, baseline row) record in one call.
    expect(calls).toHaveLength(3);
    expect(calls.slice(0, 2)).toEqual([baseline.length, data.length]);
    expect(calls[2]).toBeGreaterThanOrEqual(14 * Math.min(data.length, baseline.length));
    // A cap on the records per call splits the work into a few batches, still far fewer calls than coalitions.
    calls.length = 0;
    const capped = await kernelShap(counting, matrix(data), matrix(baseline), { numSamples: 14, maxBatchRecords: 40 });
    expect(calls.length - 2).toBeGreaterThan(1);
    expect(calls.length - 2).toBeLessThan(14);
    for (const n of calls.slice(2)) expect(n).toBeLessThanOrEqual(40);
    expect(Array.from(capped.values).map((v) => v.toFixed(12))).toEqual(Array.from(r.values).map((v) => v.toFixed(12)));
  });

  it('features_to_explain: the others move together and are not reported', async () => {
    const r = await kernelShap(model, matrix(data), matrix(baseline), { numSamples: 100, featuresToExplain: [0, 2] });
    expect(r.features).toEqual([0, 2]);
    expect(r.values.length).toBe(3 * 2 * 2);
  });

  it('rejects num_samples < 2, a baseline of another width, and use_logit on a non-probability output', async () => {
    const err = async (p: Promise<unknown>) => {
      try {
        await p;
      } catch (e) {
        expect(isPlatformError(e)).toBe(true);
        return (e as Error).message;
      }
      throw new Error('expected an error');
    };
    expect(await err(kernelShap(model, matrix(data), matrix(baseline), { numSamples: 1 }))).toMatch(/num_samples.*integer >= 2/);
    expect(await err(kernelShap(model, matrix(data), matrix([[1, 2, 3]])))).toMatch(/baseline.*4 columns/);
    const margin: PredictFn = async (m) => (await model(m)).filter((_, i) => i % 2 === 1);
    expect(await err(kernelShap(margin, matrix(data), matrix(baseline), { useLogit: true }))).toMatch(/use_logit.*not a probability/);
  });
});
