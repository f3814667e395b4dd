import { describe, expect, it } from 'vitest';
import { parseXgboostJson, predict } from '../models/index.js';
import { loadShapFixtures } from '../../test/fixtures/shap/fixtures.js';
import { kernelShap } from './kernel-shap.js';
import { treeCoalitionEvaluator } from './tree-game.js';

describe('tree coalition evaluator', () => {
  for (const fx of loadShapFixtures()) {
    it(`${fx.name}: scores every (x on S, b off S) record as the predictor (to float32 rounding)`, async () => {
      const model = parseXgboostJson(fx.modelText);
      const M = fx.inputs.cols;
      const data = { rows: 30, cols: M, values: fx.inputs.values.slice(0, 30 * M) };
      const baseline = { rows: 12, cols: M, values: fx.inputs.values.slice(30 * M, 42 * M) };
      const ev = treeCoalitionEvaluator(model, data, baseline);
      for (const mask of [0b000001, 0b101010, 0b011110, 0b111110]) {
        const inS = Uint8Array.from({ length: M }, (_, j) => (mask >> j) & 1);
        const rows = [0, 3, 7, 29];
        const base = [0, 5, 11];
        const got = await ev.scores(inS, rows, base);
        const records = new Float64Array(rows.length * base.length * M);
        let o = 0;
        for (const r of rows) for (const b of base) for (let j = 0; j < M; j++) records[o++] = inS[j] ? data.values[r * M + j]! : baseline.values[b * M + j]!;
        const want = predict(model, { rows: rows.length * base.length, cols: M, values: records });
        for (let i = 0; i < want.length; i++) expect(Math.abs(got[i]! - want[i]!)).toBeLessThanOrEqual(1e-5 * Math.max(1, Math.abs(want[i]!)));
      }
    });
  }

  it('gives Kernel SHAP the same values as the predictor path', async () => {
    const fx = loadShapFixtures().find((f) => f.name === 'scholarship-depth8')!;
    const model = parseXgboostJson(fx.modelText);
    const data = { rows: 60, cols: 6, values: fx.inputs.values.slice(0, 360) };
    const baseline = { rows: 20, cols: 6, values: fx.inputs.values.slice(600, 720) };
    const viaModel = await kernelShap(async (m) => predict(model, m), data, baseline, { numSamples: 50, seed: 2 });
    const viaTrees = await kernelShap(async (m) => predict(model, m), data, baseline, { numSamples: 50, seed: 2, evaluator: treeCoalitionEvaluator(model, data, baseline) });
    for (let i = 0; i < viaModel.values.length; i++) expect(viaTrees.values[i]).toBeCloseTo(viaModel.values[i]!, 6);
    expect(Array.from(viaTrees.expectedValue)).toEqual(Array.from(viaModel.expectedValue));
  });

  it('worker threads give the same numbers as the calling thread', async () => {
    const fx = loadShapFixtures().find((f) => f.name === 'multiclass-missing')!;
    const model = parseXgboostJson(fx.modelText);
    const data = { rows: 40, cols: 6, values: fx.inputs.values.slice(0, 240) };
    const baseline = { rows: 10, cols: 6, values: fx.inputs.values.slice(300, 360) };
    const run = (threads: number) => kernelShap(async (m) => predict(model, m), data, baseline, { numSamples: 30, seed: 4, evaluator: treeCoalitionEvaluator(model, data, baseline, { threads, minWork: 0 }) });
    const one = await run(1);
    const two = await run(2);
    expect(Array.from(two.values)).toEqual(Array.from(one.values));
  });
});
