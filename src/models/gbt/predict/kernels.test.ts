import { describe, expect, it } from 'vitest';
import { createRandom, type Random } from '../../../core/random.js';
import type { FeatureMatrix } from '../../predictor.js';
import type { Tree, TreeEnsemble } from '../tree-ensemble.js';
import { compileEnsemble } from './compile.js';
import { baseMarginF32 } from './float32-math.js';
import { predictMarginAsync } from './parallel.js';
import { predictLeaf, predictMargin } from './predict.js';

/** The semantics spelled out node by node: float32 input, `x < threshold` goes left, NaN to the default child. */
function reference(model: TreeEnsemble, m: FeatureMatrix): { margin: Float64Array; leaf: Int32Array } {
  const groups = model.objective.startsWith('multi:') ? model.numClass : 1;
  const margin = new Float64Array(m.rows * groups).fill(baseMarginF32(model));
  const leaf = new Int32Array(m.rows * model.trees.length);
  for (let r = 0; r < m.rows; r++) {
    model.trees.forEach((tree, t) => {
      let n = 0;
      while (tree.left[n] !== -1) {
        const x = m.values[r * m.cols + tree.splitIndex[n]!]!;
        const left = Number.isNaN(x) ? tree.defaultLeft[n] === 1 : Math.fround(x) < tree.splitCondition[n]!;
        n = left ? tree.left[n]! : tree.right[n]!;
      }
      const i = r * groups + model.treeInfo[t]!;
      margin[i] = Math.fround(margin[i]! + tree.splitCondition[n]!);
      leaf[r * model.trees.length + t] = n;
    });
  }
  return { margin, leaf };
}

/** A random tree, node ids shuffled (so right is rarely left + 1); `chain` makes a lopsided one. */
function randomTree(rng: Random, numFeature: number, thresholds: number[], chain: boolean): Tree {
  const left: number[] = [-1];
  const right: number[] = [-1];
  const depth: number[] = [0];
  for (let n = 0; n < left.length; n++) {
    const split = chain ? depth[n]! < 30 && (n === 0 || left.length - 1 === n) : depth[n]! < 5 && rng.next() < 0.75;
    if (!split) continue;
    left[n] = left.length;
    right[n] = left.length + 1;
    left.push(-1, -1);
    right.push(-1, -1);
    depth.push(depth[n]! + 1, depth[n]! + 1);
  }
  const count = left.length;
  const ids = Array.from({ length: count }, (_, i) => i);
  for (let i = count - 1; i > 1; i--) {
    const j = rng.int(1, i);
    [ids[i], ids[j]] = [ids[j]!, ids[i]!];
  }
  const tree: Tree = {
    left: new Int32Array(count), right: new Int32Array(count), parent: new Int32Array(count), splitIndex: new Int32Array(count),
    splitCondition: new Float32Array(count), defaultLeft: new Uint8Array(count), sumHessian: new Float32Array(count),
    lossChange: new Float32Array(count), baseWeight: new Float32Array(count),
  };
  tree.parent[0] = -1;
  for (let n = 0; n < count; n++) {
    const id = ids[n]!;
    tree.left[id] = left[n] === -1 ? -1 : ids[left[n]!]!;
    tree.right[id] = right[n] === -1 ? -1 : ids[right[n]!]!;
    if (left[n] !== -1) {
      tree.parent[tree.left[id]!] = id;
      tree.parent[tree.right[id]!] = id;
    }
    tree.splitIndex[id] = rng.int(0, numFeature - 1);
    tree.splitCondition[id] = left[n] === -1 ? rng.next() - 0.5 : thresholds[rng.int(0, thresholds.length - 1)]!;
    tree.defaultLeft[id] = rng.int(0, 1);
  }
  return tree;
}

describe('compiled kernels agree with the node-by-node semantics', () => {
  const rng = createRandom(2024);
  const cols = 4;
  const thresholds = [-1, -0.5, 0, 0.25, Math.fround(0.1), 1e-30, 3, Infinity, -Infinity];
  const specials = [NaN, 0, -0, 0.1, Math.fround(0.1), 0.1 - 1e-12, -0.5, 0.25, 1e-30, 1e-50, 1e39, -1e39, Infinity, -Infinity, 3];
  const rows = 777;
  const values = new Float64Array(rows * cols);
  for (let i = 0; i < values.length; i++) values[i] = rng.next() < 0.4 ? specials[rng.int(0, specials.length - 1)]! : rng.next() * 8 - 4;
  const matrix = { rows, cols, values };

  for (const [objective, numClass] of [['reg:squarederror', 0], ['binary:logistic', 0], ['multi:softprob', 3]] as const) {
    it(`${objective}: margins and leaves, balanced and lopsided trees, any node numbering`, async () => {
      const groups = numClass || 1;
      const trees: Tree[] = [];
      for (let t = 0; t < 12 * groups; t++) trees.push(randomTree(rng, cols, thresholds, t % 5 === 3));
      const model: TreeEnsemble = {
        objective, numFeature: cols, numClass, baseScore: objective === 'binary:logistic' ? 0.27 : 0.5, trees,
        treeInfo: Int32Array.from(trees, (_, t) => t % groups),
      };
      expect(Array.from(compileEnsemble(model).lopsided.subarray(0, trees.length)).some((v) => v === 1)).toBe(true);
      const expected = reference(model, matrix);
      expect(Array.from(predictMargin(model, matrix))).toEqual(Array.from(expected.margin));
      expect(Array.from(predictLeaf(model, matrix))).toEqual(Array.from(expected.leaf));
      const parallel = await predictMarginAsync(model, matrix, { threads: 3, minWork: 0 });
      expect(Array.from(parallel)).toEqual(Array.from(expected.margin));
      // Rows one at a time take the kernels' remainder paths.
      const one = { rows: 1, cols, values: values.subarray(5 * cols, 6 * cols) };
      expect(Array.from(predictMargin(model, one))).toEqual(Array.from(expected.margin.subarray(5 * groups, 6 * groups)));
    });
  }
});
