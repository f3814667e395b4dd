/**
 * @module models/gbt/xgboost/tree-check
 * Structural checks of one flat-array tree, shared by the JSON reader (a file must describe a tree XGBoost
 * itself would walk the same way) and the writer (a trained tree must load in XGBoost and predict the same).
 *
 * Walking from the root, every inner node must have two in-range children that no other node reaches (no
 * cycles, no shared subtrees), whose `parent` points back, with the right child right after the left one:
 * XGBoost's predictor goes to `left + 1` for "not less than", ignoring `right_children`. Inner nodes must
 * split on a feature the model has. Unreachable nodes are allowed: XGBoost keeps pruned ("deleted") nodes in
 * the arrays, marked by split index 2^31-1 with default_left 1.
 */
import { ValidationError } from '../../../core/errors.js';
import type { Tree } from '../tree-ensemble.js';

/** Parent of the root as XGBoost writes it (its -1 with the "is left child" bit masked off). */
export const XGB_NO_PARENT = 2147483647;

/** Field names to use in error paths (XGBoost's JSON names when reading a file, ours when writing). */
export type TreeFieldNames = Record<'left' | 'right' | 'parent' | 'splitIndex', string>;

export const TREE_FIELD_NAMES: TreeFieldNames = { left: 'left', right: 'right', parent: 'parent', splitIndex: 'splitIndex' };

const ARRAY_FIELDS = ['right', 'parent', 'splitIndex', 'splitCondition', 'defaultLeft', 'sumHessian', 'lossChange', 'baseWeight'] as const;

export function checkTree(tree: Tree, numFeature: number, path: string, names: TreeFieldNames = TREE_FIELD_NAMES): void {
  const n = tree.left.length;
  if (n === 0) throw new ValidationError([{ path: `${path}.${names.left}`, message: 'a tree needs at least one node' }]);
  for (const field of ARRAY_FIELDS) {
    if (tree[field].length !== n) {
      throw new ValidationError([{ path: `${path}.${field}`, message: `has ${tree[field].length} entries, expected ${n} (one per node, as ${names.left})` }]);
    }
  }
  const { left, right, parent, splitIndex } = tree;
  const rootParent = parent[0]!;
  if (rootParent !== -1 && rootParent !== XGB_NO_PARENT) {
    throw issue(`${path}.${names.parent}[0]`, `the root's parent is ${rootParent}, expected -1 (or ${XGB_NO_PARENT} as XGBoost writes it)`);
  }
  const seen = new Uint8Array(n);
  const stack = new Int32Array(n);
  let top = 0;
  stack[top++] = 0;
  seen[0] = 1;
  while (top > 0) {
    const node = stack[--top]!;
    const l = left[node]!;
    const r = right[node]!;
    if (l === -1) {
      if (r !== -1) throw issue(`${path}.${names.right}[${node}]`, `node ${node} has no left child but right child ${r}; a leaf has -1 for both`);
      continue;
    }
    if (!(l > 0 && l < n - 1)) throw issue(`${path}.${names.left}[${node}]`, `child ${l} of node ${node} is out of range (the tree has ${n} nodes; children are 1..${n - 1})`);
    if (r !== l + 1) {
      throw issue(`${path}.${names.right}[${node}]`, `right child ${r} of node ${node} must be left child + 1 = ${l + 1} (XGBoost's predictor goes to left + 1)`);
    }
    if (seen[l] === 1 || seen[r] === 1) throw issue(`${path}.${names.left}[${node}]`, `node ${seen[l] === 1 ? l : r} is reached twice (a cycle or a shared child)`);
    if (parent[l] !== node || parent[r] !== node) {
      const child = parent[l] !== node ? l : r;
      throw issue(`${path}.${names.parent}[${child}]`, `node ${child} is a child of ${node} but its parent is ${parent[child]}`);
    }
    const feature = splitIndex[node]!;
    if (!(feature >= 0 && feature < numFeature)) {
      throw issue(`${path}.${names.splitIndex}[${node}]`, `node ${node} splits on feature ${feature}, but the model has ${numFeature} features`);
    }
    seen[l] = 1;
    seen[r] = 1;
    stack[top++] = r;
    stack[top++] = l;
  }
  for (let node = 1; node < n; node++) {
    const l = left[node]!;
    if (seen[node] === 0 && !(l >= -1 && l < n && right[node]! >= -1 && right[node]! < n)) {
      throw issue(`${path}.${names.left}[${node}]`, `children of unreachable node ${node} are out of range (${l}, ${right[node]})`);
    }
  }
}

function issue(path: string, message: string): ValidationError {
  return new ValidationError([{ path, message }]);
}
