/**
 * @module models/gbt/train/grow
 * Grows one regression tree on gradient pairs, depthwise, as XGBoost 1.7's `QuantileHistMaker` does:
 *
 * - the root histogram over all rows; root sums from feature 0's bins when the data is dense, else from
 *   the gradient pairs in row order (XGBoost's `InitRoot`);
 * - level by level, in node-id order: a candidate split is applied when its loss change is > 1e-6, both
 *   children have hessian != 0, loss change >= gamma (`min_split_loss`) and the node is above max_depth
 *   (`CPUExpandEntry::IsValid`); node ids are allocated in that order (breadth first);
 * - rows of the applied nodes are partitioned (stable, so each node's rows stay in row order and histogram
 *   sums come out in XGBoost's order; the backend moves each row's codes and gradient pair with it, so a
 *   node's histogram reads one contiguous range); the child with the smaller hessian sum gets a histogram
 *   built, the other is the parent's minus it (in the parent's slot, subtracted by the build);
 * - node weights: -ThresholdL1(G, alpha) / (H + lambda) clipped to max_delta_step (float32), leaf value =
 *   eta * weight, as XGBoost's `ExpandNode` stores them (leaves keep the eta-scaled value in base_weights
 *   too, as XGBoost does; inner nodes keep their unscaled weight).
 */
import type { Random } from '../../../core/random.js';
import type { Tree } from '../tree-ensemble.js';
import type { Backend, BinnedMatrix } from './backend.js';
import { BUILD_STRIDE, PARTITION_STRIDE, RESULT_STRIDE } from './kernels.js';

const f32 = Math.fround;
const RT_EPS = Math.fround(1e-6);

export interface GrowParams {
  eta: number;
  maxDepth: number;
  gamma: number;
  minChildWeight: number;
  lambda: number;
  alpha: number;
  maxDeltaStep: number;
  colsampleBytree: number;
  colsampleBylevel: number;
}

/** Float32 node weight, XGBoost's `CalcWeight` (double arithmetic, float result). */
export function calcWeight(p: GrowParams, G: number, H: number): number {
  if (H < p.minChildWeight || H <= 0) return 0;
  const g = G > p.alpha ? G - p.alpha : G < -p.alpha ? G + p.alpha : 0;
  let w = -g / (H + p.lambda);
  if (p.maxDeltaStep !== 0 && Math.abs(w) > p.maxDeltaStep) w = w < 0 ? -p.maxDeltaStep : p.maxDeltaStep;
  return f32(w);
}

/** Float32 node gain, XGBoost's evaluator `CalcGain` (= CalcGainGivenWeight(stats, CalcWeight(stats))). */
export function calcGain(p: GrowParams, G: number, H: number): number {
  if (H <= 0) return 0;
  if (p.maxDeltaStep === 0) {
    const g = G > p.alpha ? G - p.alpha : G < -p.alpha ? G + p.alpha : 0;
    return f32(f32(g * g) / f32(H + p.lambda));
  }
  const w = calcWeight(p, G, H);
  return -f32(f32(f32(2 * f32(G)) * w) + f32(f32(f32(H) + p.lambda) * f32(w * w)));
}

/** XGBoost's ColumnSampler::ColSample: max(1, floor(colsample * n)) features, shuffled, then sorted. */
export function sampleFeatures(features: Int32Array, colsample: number, random: Random): Int32Array {
  if (colsample === 1) return features;
  const n = Math.max(1, Math.floor(f32(f32(colsample) * features.length)));
  const copy = Int32Array.from(features);
  // Partial Fisher-Yates: the first n entries become a uniform sample.
  for (let i = 0; i < n; i++) {
    const j = i + Math.floor(random.next() * (copy.length - i));
    const t = copy[i]!;
    copy[i] = copy[j]!;
    copy[j] = t;
  }
  return copy.subarray(0, n).sort();
}

/** A grown tree plus the row ranges of its leaves in the backend's `rows` array. */
export interface GrownTree {
  tree: Tree;
  /** Per leaf: node id, begin, end (into `arrays.rows`). */
  leaves: Int32Array;
}

/** Grows trees over one binned matrix; holds the scratch buffers between trees. */
export class TreeGrower {
  private readonly allFeatures: Int32Array;
  private tasks = new Int32Array(4 * 64);
  private parts = new Int32Array(PARTITION_STRIDE * 64);

  constructor(
    private readonly data: BinnedMatrix,
    private readonly params: GrowParams,
    private readonly backend: Backend,
  ) {
    this.allFeatures = new Int32Array(data.cols);
    for (let f = 0; f < data.cols; f++) this.allFeatures[f] = f;
    const a = backend.arrays.params;
    a[0] = params.lambda;
    a[1] = params.alpha;
    a[2] = params.maxDeltaStep;
    a[3] = params.minChildWeight;
  }

  private partRoom(n: number): Int32Array {
    if (this.parts.length < PARTITION_STRIDE * n) {
      const grown = new Int32Array(PARTITION_STRIDE * Math.max(n, this.parts.length / 3));
      grown.set(this.parts);
      this.parts = grown;
    }
    return this.parts;
  }

  private taskRoom(n: number): Int32Array {
    if (this.tasks.length < BUILD_STRIDE * n) this.tasks = new Int32Array(BUILD_STRIDE * Math.max(n, this.tasks.length / 2));
    return this.tasks;
  }

  /** Grows a tree from the gradient pairs in `backend.arrays.gh`. */
  grow(random: Random): GrownTree {
    const { data, params: p, backend } = this;
    const { pool } = backend;
    const n = data.rows;
    backend.resetRows();

    const treeFeatures = sampleFeatures(this.allFeatures, p.colsampleBytree, random);
    const levelFeatures = new Map<number, Int32Array>();
    const featuresAt = (depth: number): Int32Array => {
      let set = levelFeatures.get(depth);
      if (!set) {
        set = sampleFeatures(treeFeatures, p.colsampleBylevel, random);
        levelFeatures.set(depth, set);
      }
      return set;
    };

    // Tree arrays (grown as plain arrays, packed at the end).
    const left: number[] = [];
    const right: number[] = [];
    const parent: number[] = [];
    const splitIndex: number[] = [];
    const splitCondition: number[] = [];
    const defaultLeft: number[] = [];
    const sumHessian: number[] = [];
    const lossChange: number[] = [];
    const baseWeight: number[] = [];
    // Growth bookkeeping per node.
    const begin: number[] = [];
    const end: number[] = [];
    const depthOf: number[] = [];
    const G: number[] = [];
    const H: number[] = [];
    const slot: number[] = [];
    const addNode = (par: number, b: number, e: number, depth: number, g: number, h: number): number => {
      const id = left.length;
      left.push(-1);
      right.push(-1);
      parent.push(par);
      splitIndex.push(0);
      splitCondition.push(0);
      defaultLeft.push(0);
      sumHessian.push(f32(h));
      lossChange.push(0);
      baseWeight.push(0);
      begin.push(b);
      end.push(e);
      depthOf.push(depth);
      G.push(g);
      H.push(h);
      slot.push(-1);
      return id;
    };

    // Root histogram and sums.
    const rootSlot = pool.acquire();
    let tasks = this.taskRoom(1);
    tasks[0] = pool.chunkOf(rootSlot);
    tasks[1] = pool.baseOf(rootSlot);
    tasks[2] = 0;
    tasks[3] = n;
    tasks[4] = -1;
    backend.build(tasks, 1);
    let rootG = 0;
    let rootH = 0;
    if (data.dense && data.cols > 0) {
      const hist = pool.chunks[tasks[0]!]!;
      const o = tasks[1]! + data.offsets[0]!;
      for (let i = 0; i < data.nBins[0]!; i++) {
        rootG += hist[o + 2 * i]!;
        rootH += hist[o + 2 * i + 1]!;
      }
    } else {
      const gh = backend.arrays.gh;
      for (let r = 0; r < n; r++) {
        rootG += gh[2 * r]!;
        rootH += gh[2 * r + 1]!;
      }
    }
    addNode(-1, 0, n, 0, rootG, rootH);
    slot[0] = rootSlot;
    const rootWeight = calcWeight(p, rootG, rootH);
    baseWeight[0] = rootWeight;
    splitCondition[0] = f32(p.eta * rootWeight);

    // Evaluate a batch of nodes; result k belongs to batch[k].
    const evaluate = (batch: number[], depth: number): void => {
      const features = featuresAt(depth);
      const arrays = backend.arrays;
      arrays.features.set(features);
      backend.reserveNodes(batch.length);
      const stats = backend.arrays.stats;
      const t = this.taskRoom(batch.length);
      for (let k = 0; k < batch.length; k++) {
        const id = batch[k]!;
        stats[3 * k] = G[id]!;
        stats[3 * k + 1] = H[id]!;
        stats[3 * k + 2] = calcGain(p, G[id]!, H[id]!);
        t[4 * k] = pool.chunkOf(slot[id]!);
        t[4 * k + 1] = pool.baseOf(slot[id]!);
        t[4 * k + 2] = k;
        t[4 * k + 3] = k;
      }
      backend.findSplits(t, batch.length, features.length);
    };

    let expand = [0];
    evaluate(expand, 0);
    const leafList: number[] = [];

    while (expand.length > 0) {
      const results = backend.arrays.results;
      const childDepth = depthOf[expand[0]!]! + 1;
      const childrenEvaluated = !(p.maxDepth > 0 && childDepth >= p.maxDepth);
      const applied: number[] = [];
      for (let k = 0; k < expand.length; k++) {
        const id = expand[k]!;
        const r = k * RESULT_STRIDE;
        const loss = results[r]!;
        const lH = results[r + 5]!;
        const rH = results[r + 7]!;
        const ok = loss > RT_EPS && lH !== 0 && rH !== 0 && !(loss < p.gamma) && !(p.maxDepth > 0 && depthOf[id] === p.maxDepth);
        if (!ok) {
          pool.release(slot[id]!);
          slot[id] = -1;
          leafList.push(id);
          continue;
        }
        const lG = results[r + 4]!;
        const rG = results[r + 6]!;
        const feature = results[r + 1]!;
        const thr = results[r + 2]!;
        const dl = results[r + 3]!;
        const pG = lG + rG;
        const pH = lH + rH;
        // Rows are partitioned below for all applied nodes at once; children get their ranges then.
        const pt = this.partRoom(applied.length + 1);
        const po = applied.length * PARTITION_STRIDE;
        pt[po] = begin[id]!;
        pt[po + 1] = end[id]!;
        pt[po + 2] = feature;
        pt[po + 3] = thr;
        pt[po + 4] = dl;
        pt[po + 5] = data.nBins[feature]!;
        const l = addNode(id, 0, 0, childDepth, lG, lH);
        const rr = addNode(id, 0, 0, childDepth, rG, rH);
        left[id] = l;
        right[id] = rr;
        splitIndex[id] = feature;
        splitCondition[id] = results[r + 8]!;
        defaultLeft[id] = dl;
        lossChange[id] = loss;
        sumHessian[id] = f32(pH);
        baseWeight[id] = calcWeight(p, pG, pH);
        const lw = f32(calcWeight(p, lG, lH) * p.eta);
        const rw = f32(calcWeight(p, rG, rH) * p.eta);
        splitCondition[l] = lw;
        baseWeight[l] = lw;
        splitCondition[rr] = rw;
        baseWeight[rr] = rw;
        applied.push(id);
        if (!childrenEvaluated) {
          pool.release(slot[id]!);
          slot[id] = -1;
          leafList.push(l, rr);
        }
      }
      if (applied.length > 0) {
        backend.reserveNodes(applied.length);
        // Children that stay leaves need only their rows' ids (for the margins).
        backend.partition(this.parts, applied.length, !childrenEvaluated);
        const counts = backend.arrays.leftCounts;
        for (let k = 0; k < applied.length; k++) {
          const id = applied[k]!;
          const mid = begin[id]! + counts[k]!;
          begin[left[id]!] = begin[id]!;
          end[left[id]!] = mid;
          begin[right[id]!] = mid;
          end[right[id]!] = end[id]!;
        }
      }
      if (!childrenEvaluated || applied.length === 0) break;

      // Histograms: build the child with the smaller hessian, subtract for the other in the parent's slot.
      tasks = this.taskRoom(applied.length);
      for (let k = 0; k < applied.length; k++) {
        const id = applied[k]!;
        const l = left[id]!;
        const r = right[id]!;
        const small = H[r]! < H[l]! ? r : l;
        const big = small === r ? l : r;
        const s = pool.acquire();
        slot[small] = s;
        slot[big] = slot[id]!;
        slot[id] = -1;
        const o = BUILD_STRIDE * k;
        tasks[o] = pool.chunkOf(s);
        tasks[o + 1] = pool.baseOf(s);
        tasks[o + 2] = begin[small]!;
        tasks[o + 3] = end[small]!;
        tasks[o + 4] = pool.chunkOf(slot[big]!);
        tasks[o + 5] = pool.baseOf(slot[big]!);
      }
      backend.build(tasks, applied.length);
      const next: number[] = [];
      for (const id of applied) next.push(left[id]!, right[id]!);
      evaluate(next, childDepth);
      expand = next;
    }
    // Anything still holding a slot (a loop left early) gives it back.
    for (let id = 0; id < slot.length; id++) if (slot[id]! >= 0) pool.release(slot[id]!);

    const leaves = new Int32Array(3 * leafList.length);
    for (let k = 0; k < leafList.length; k++) {
      const id = leafList[k]!;
      leaves[3 * k] = id;
      leaves[3 * k + 1] = begin[id]!;
      leaves[3 * k + 2] = end[id]!;
    }
    const tree: Tree = {
      left: Int32Array.from(left),
      right: Int32Array.from(right),
      parent: Int32Array.from(parent),
      splitIndex: Int32Array.from(splitIndex),
      splitCondition: Float32Array.from(splitCondition),
      defaultLeft: Uint8Array.from(defaultLeft),
      sumHessian: Float32Array.from(sumHessian),
      lossChange: Float32Array.from(lossChange),
      baseWeight: Float32Array.from(baseWeight),
    };
    return { tree, leaves };
  }
}
