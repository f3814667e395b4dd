import { describe, expect, it } from 'vitest';
import { parseXgboostJson, predictMargin } from '../models/index.js';
import { loadShapFixtures } from '../../test/fixtures/shap/fixtures.js';
import { kernelShap } from './kernel-shap.js';
import { interventionalTreeShap } from './tree-shap-interventional.js';

describe('interventional TreeSHAP', () => {
  for (const name of ['regression', 'binary-missing', 'multiclass-missing']) {
    it(`${name}: equals exact Kernel SHAP of the margin with the same baseline, and adds up`, async () => {
      const fx = loadShapFixtures().find((f) => f.name === name)!;
      const model = parseXgboostJson(fx.modelText);
      const M = fx.inputs.cols;
      const data = { rows: 10, cols: M, values: fx.inputs.values.slice(0, 10 * M) };
      const baseline = { rows: 7, cols: M, values: fx.inputs.values.slice(40 * M, 47 * M) };
      const tree = interventionalTreeShap(model, data, baseline);
      const G = tree.length / (10 * (M + 1));
      // All 2^6 - 2 coalitions: exact Shapley values of the same game (margins averaged over the baseline).
      const kernel = await kernelShap(async (m) => predictMargin(model, m), data, baseline, { numSamples: 1000 });
      expect(kernel.exact).toBe(true);
      expect(kernel.outputs).toBe(G);
      const margins = predictMargin(model, data);
      for (let i = 0; i < 10; i++) {
        for (let g = 0; g < G; g++) {
          const o = (i * G + g) * (M + 1);
          expect(tree[o + M]).toBeCloseTo(kernel.expectedValue[g]!, 5);
          let s = tree[o + M]!;
          for (let j = 0; j < M; j++) {
            expect(tree[o + j]).toBeCloseTo(kernel.values[(i * G + g) * M + j]!, 5);
            s += tree[o + j]!;
          }
          expect(s).toBeCloseTo(margins[i * G + g]!, 4);
        }
      }
    });
  }
});
