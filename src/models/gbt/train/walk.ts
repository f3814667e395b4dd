/**
 * @module models/gbt/train/walk
 * Adds one tree's leaf values to the margins of rows given as a float32 row-major matrix (the validation
 * set, each round). Compares float32 feature values with the float32 thresholds, as XGBoost's predictor.
 */
import type { Tree } from '../tree-ensemble.js';

const f32 = Math.fround;

export function addTreeMargins(tree: Tree, values: Float32Array, rows: number, cols: number, margin: Float32Array, K: number, group: number): void {
  const { left, right, splitIndex, splitCondition, defaultLeft } = tree;
  for (let r = 0; r < rows; r++) {
    const base = r * cols;
    let node = 0;
    while (left[node] !== -1) {
      const x = values[base + splitIndex[node]!]!;
      if (x !== x) node = defaultLeft[node] === 1 ? left[node]! : right[node]!;
      else node = x < splitCondition[node]! ? left[node]! : right[node]!;
    }
    const at = r * K + group;
    margin[at] = f32(margin[at]! + splitCondition[node]!);
  }
}
