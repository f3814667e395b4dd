import { describe, expect, it } from 'vitest';
import { parseXgboostJson } from '../models/index.js';
import { loadShapFixtures } from '../../test/fixtures/shap/fixtures.js';
import { treeShap, treeShapInteractions, treeShapSync } from './tree-shap.js';

const fixtures = loadShapFixtures();

function maxDiff(a: Float64Array, b: Float64Array): number {
  expect(a.length).toBe(b.length);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]! - b[i]!));
  return m;
}

describe('TreeSHAP against XGBoost pred_contribs (Debian python3-xgboost fixtures)', () => {
  for (const fx of fixtures) {
    it(`${fx.name}: contributions equal XGBoost's to 1e-6`, async () => {
      const model = parseXgboostJson(fx.modelText);
      const single = treeShapSync(model, fx.inputs);
      expect(maxDiff(single, fx.contribs)).toBeLessThanOrEqual(1e-6);
      // Worker threads give the same numbers.
      const parallel = await treeShap(model, fx.inputs, { threads: 2, minWork: 0 });
      expect(maxDiff(parallel, single)).toBe(0);
    });
    it(`${fx.name}: contributions add up to the margin`, () => {
      const model = parseXgboostJson(fx.modelText);
      const c = treeShapSync(model, fx.inputs);
      const groups = fx.margin.length / fx.inputs.rows;
      const n = fx.inputs.cols + 1;
      for (let r = 0; r < fx.inputs.rows; r++) {
        for (let g = 0; g < groups; g++) {
          let s = 0;
          for (let j = 0; j < n; j++) s += c[(r * groups + g) * n + j]!;
          expect(Math.abs(s - fx.margin[r * groups + g]!)).toBeLessThan(1e-4 * Math.max(1, Math.abs(s)));
        }
      }
    });
    if (fx.interactions) {
      it(`${fx.name}: interaction values equal XGBoost's pred_interactions to 1e-6`, async () => {
        const model = parseXgboostJson(fx.modelText);
        const inter = await treeShapInteractions(model, fx.inputs, { threads: 1 });
        expect(maxDiff(inter, fx.interactions!)).toBeLessThanOrEqual(1e-6);
      });
    }
  }
});
