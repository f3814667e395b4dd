import { describe, expect, it } from 'vitest';
import { parseXgboostJson } from '../models/index.js';
import { loadShapFixtures } from '../../test/fixtures/shap/fixtures.js';
import { shapTrees, treeShap, treeShapInteractions, treeShapSync } from './tree-shap.js';
import { treeShapKernel } from './tree-shap-kernel.js';

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

describe('the pred_contribs kernel (row classes per tree, reciprocal products) against the general kernel', () => {
  it('gives the same float32 values for every fixture, over several row blocks with repeated rows', () => {
    let largeTrees = 0;
    for (const fx of fixtures) {
      const model = parseXgboostJson(fx.modelText);
      const c = shapTrees(model);
      for (let t = 0; t + 1 < c.treeOffsets.length; t++) {
        let inner = 0;
        for (let n = c.treeOffsets[t]!; n < c.treeOffsets[t + 1]!; n++) if (c.left[n] !== -1) inner++;
        if (inner > 31) largeTrees++;
      }
      // 4,196 rows (three blocks of up to 2,048): the fixture's rows repeated, some perturbed.
      const rows = 4196;
      const cols = fx.inputs.cols;
      const values = new Float64Array(rows * cols);
      for (let r = 0; r < rows; r++) {
        for (let j = 0; j < cols; j++) {
          const v = fx.inputs.values[(r % fx.inputs.rows) * cols + j]!;
          values[r * cols + j] = r % 7 === 3 && !Number.isNaN(v) ? v + 0.25 * ((r * 31 + j) % 5) - 0.5 : v;
        }
      }
      const matrix = { rows, cols, values };
      const fast = treeShapSync(model, matrix);
      // The general kernel on the first rows, across the first block boundary and on the last rows.
      const general = new Float64Array(fast.length);
      const width = c.numGroup * (cols + 1);
      for (const [begin, end] of [[0, 150], [1990, 2110], [4096, 4196]] as const) {
        treeShapKernel(c.left, c.right, c.splitIndex, c.splitCondition, c.defaultLeft, c.hess, c.meanValues, c.treeOffsets, c.treeGroups, c.maxDepth, values, cols, begin, end, c.numGroup, c.base, 0, 0, general);
        expect(maxDiff(fast.subarray(begin * width, end * width), general.subarray(begin * width, end * width))).toBe(0);
      }
    }
    // Both paths of the kernel ran: trees walked per row class and trees (over 31 inner nodes) walked per row.
    expect(largeTrees).toBeGreaterThan(0);
  });
});
