/**
 * @module models/gbt/predict/compile
 * Packs a TreeEnsemble into the layout the prediction kernels walk: one buffer of 16-byte int32 records
 * for all trees (a record's offset p is a multiple of 4):
 *
 *   inner node: [input column, threshold key, offset of the left child, 0]
 *   leaf:       [leaf column,  2^31-1,        its own offset,           leaf value as float32 bits]
 *
 * Comparisons are on integer keys (float32 bits mapped to a totally ordered int32, -0 folded into +0),
 * which reproduce float32 `x < threshold` exactly and leave room below -Infinity and above +Infinity for
 * missing values: the kernels lay each row out as two copies of its features, missing values as -2^31 in
 * the first copy and 2^31-1 in the second, plus one "leaf column" holding -2^31. A node that sends missing
 * values left reads the first copy, one that sends them right reads the second, so a step is branch free:
 * `p = left + (key >= threshold ? 4 : 0)`, the right child sitting at left + 4 (trees are renumbered
 * breadth first). A leaf loops to itself (its key -2^31 is never >= 2^31-1), so every row can walk exactly
 * the tree's depth and several rows can walk in lockstep. Only reachable nodes are packed; `ids` keeps the
 * original node id of each record for `predictLeaf`.
 *
 * Buffers are SharedArrayBuffers so worker threads walk the same memory. Compiled forms are cached per
 * model object (a WeakMap): do not mutate a model's arrays after predicting with it.
 */
import { invalid, ValidationError } from '../../../core/errors.js';
import type { TreeEnsemble } from '../tree-ensemble.js';

export interface CompiledEnsemble {
  /** Node records, stride 4 (see the module comment). */
  nodes: Int32Array;
  /** The same buffer as float32 (leaf values at offset + 3). */
  leafValues: Float32Array;
  /** Original node id of each record (index = offset / 4). */
  ids: Int32Array;
  /** Record offset of each tree's root. */
  roots: Int32Array;
  /** Depth of each tree (edges from the root to its deepest leaf). */
  depths: Int32Array;
  /**
   * 1 for lopsided trees (deepest leaf more than 4 levels below the mean leaf depth, as leaf-wise growth
   * makes): rows walk them until they reach a leaf instead of for the full depth in lockstep.
   */
  lopsided: Uint8Array;
  /** Output group of each tree. */
  groups: Int32Array;
  /** Features per row (numFeature): the row layout the records index into depends on it. */
  cols: number;
}

const KEY_MIN = -2147483648;
const KEY_MAX = 2147483647;

const cache = new WeakMap<TreeEnsemble, CompiledEnsemble>();

export function compileEnsemble(model: TreeEnsemble): CompiledEnsemble {
  let compiled = cache.get(model);
  if (compiled === undefined) {
    compiled = compile(model);
    cache.set(model, compiled);
  }
  return compiled;
}

const keyFloat = new Float32Array(1);
const keyBits = new Int32Array(keyFloat.buffer);

/** Order-preserving int32 key of a float32 threshold; NaN (never less than anything) sorts below every value. */
export function thresholdKey(threshold: number): number {
  if (threshold !== threshold) return KEY_MIN + 1;
  keyFloat[0] = threshold + 0;
  const bits = keyBits[0]!;
  return bits >= 0 ? bits : bits ^ 0x7fffffff;
}

function compile(model: TreeEnsemble): CompiledEnsemble {
  const trees = model.trees;
  const cols = model.numFeature;
  if (model.treeInfo.length !== trees.length) throw invalid('treeInfo.length', model.treeInfo.length, `${trees.length} (one per tree)`);
  let total = 0;
  let largest = 0;
  for (let t = 0; t < trees.length; t++) {
    total += trees[t]!.left.length;
    largest = Math.max(largest, trees[t]!.left.length);
  }
  const order = new Int32Array(largest);
  const position = new Int32Array(largest);
  const depth = new Int32Array(largest);
  const buffer = new SharedArrayBuffer(Math.max(1, total) * 16);
  const nodes = new Int32Array(buffer);
  const leafValues = new Float32Array(buffer);
  const ids = new Int32Array(new SharedArrayBuffer(Math.max(1, total) * 4));
  const perTree = () => new Int32Array(new SharedArrayBuffer(Math.max(1, trees.length) * 4));
  const roots = perTree();
  const depths = perTree();
  const groups = perTree();
  const lopsided = new Uint8Array(new SharedArrayBuffer(Math.max(1, trees.length)));
  let next = 0;
  for (let t = 0; t < trees.length; t++) {
    const { left, right, splitIndex, splitCondition, defaultLeft } = trees[t]!;
    const n = left.length;
    const path = `trees[${t}]`;
    if (n === 0) throw invalid(`${path}.left.length`, 0, 'at least one node');
    // Breadth first: order[k] is the original id of the k-th record; position[id] = k + 1 (0 = not reached).
    position.fill(0, 0, n);
    order[0] = 0;
    position[0] = 1;
    depth[0] = 0;
    let count = 1;
    let maxDepth = 0;
    let leaves = 0;
    let leafDepths = 0;
    for (let k = 0; k < count; k++) {
      const id = order[k]!;
      const l = left[id]!;
      if (l === -1) {
        leaves++;
        leafDepths += depth[k]!;
        continue;
      }
      const f = splitIndex[id]!;
      if (!(f >= 0 && f < cols)) throw invalid(`${path}.splitIndex[${id}]`, f, `a feature index below numFeature (${cols})`);
      for (let side = 0; side < 2; side++) {
        const c = side === 0 ? l : right[id]!;
        if (!(c > 0 && c < n)) throw invalid(`${path}.${side === 0 ? 'left' : 'right'}[${id}]`, c, `a child index from 1 to ${n - 1}`);
        if (position[c] !== 0) throw new ValidationError([{ path: `${path}.left[${id}]`, message: `node ${c} is reached twice (a cycle or a shared child)` }]);
        order[count] = c;
        depth[count] = depth[k]! + 1;
        if (depth[count]! > maxDepth) maxDepth = depth[count]!;
        position[c] = ++count;
      }
    }
    roots[t] = next * 4;
    depths[t] = maxDepth;
    lopsided[t] = maxDepth > leafDepths / leaves + 4 ? 1 : 0;
    groups[t] = model.treeInfo[t]!;
    for (let k = 0; k < count; k++) {
      const id = order[k]!;
      const p = (next + k) * 4;
      ids[next + k] = id;
      const l = left[id]!;
      if (l === -1) {
        nodes[p] = 2 * cols;
        nodes[p + 1] = KEY_MAX;
        nodes[p + 2] = p;
        leafValues[p + 3] = splitCondition[id]!;
      } else {
        nodes[p] = splitIndex[id]! + (defaultLeft[id] === 1 ? 0 : cols);
        nodes[p + 1] = thresholdKey(splitCondition[id]!);
        nodes[p + 2] = (next + position[l]! - 1) * 4;
      }
    }
    next += count;
  }
  return { nodes, leafValues, ids, roots, depths, lopsided, groups, cols };
}
