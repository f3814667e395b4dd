import { describe, expect, it } from 'vitest';
import { createRandom } from '../../../core/random.js';
import type { Progress } from '../../../core/progress.js';
import type { Tree, TreeEnsemble } from '../tree-ensemble.js';
import { train } from './train.js';
import { predictMargin } from '../predict/index.js';

const f32 = Math.fround;

/** One feature, four rows: the split x < 3 separates y = 0 from y = 10 (regression, base_score 0). */
const X4 = { rows: 4, cols: 1, values: Float64Array.of(1, 2, 3, 4) };
const Y4 = Float64Array.of(0, 0, 10, 10);

async function oneTree(params: Record<string, unknown>, values = X4.values, label = Y4): Promise<Tree> {
  const { model } = await train(
    { objective: 'reg:squarederror', base_score: 0, eta: 1, max_depth: 1, num_round: 1, ...params },
    { matrix: { rows: label.length, cols: 1, values }, label },
    { evalTrain: false },
  );
  expect(model.trees).toHaveLength(1);
  return model.trees[0]!;
}

function plain(tree: Tree): Record<string, number[]> {
  return Object.fromEntries(Object.entries(tree).map(([k, v]) => [k, Array.from(v as ArrayLike<number>)]));
}

function margins(model: TreeEnsemble, values: Float64Array, rows: number, cols: number): Float64Array {
  return predictMargin(model, { rows, cols, values });
}

describe('single trees checked by hand', () => {
  it('one split: threshold, weights -G/(H+lambda), gain, cover, eta-scaled leaves', async () => {
    // lambda 0: root G=-20 H=4 -> w=5; x<3 gives left G=0 H=2 (w=0), right G=-20 H=2 (w=10).
    // gain = 0^2/2 + 20^2/2 - 20^2/4 = 100.
    let t = await oneTree({ lambda: 0 });
    expect(plain(t)).toEqual({
      left: [1, -1, -1],
      right: [2, -1, -1],
      parent: [-1, 0, 0],
      splitIndex: [0, 0, 0],
      splitCondition: [3, -0, 10],
      defaultLeft: [0, 0, 0],
      sumHessian: [4, 2, 2],
      lossChange: [100, 0, 0],
      baseWeight: [5, -0, 10],
    });
    // lambda 1: w_root = 20/5 = 4, w_right = 20/3; gain = 400/3 - 400/5 (float32 steps as XGBoost).
    t = await oneTree({ lambda: 1 });
    expect(t.lossChange[0]).toBe(f32(f32(400 / 3) - 80));
    expect(t.baseWeight[0]).toBe(4);
    expect(t.splitCondition[2]).toBe(f32(20 / 3));
    // eta 0.3 scales leaves (and XGBoost's base_weights of leaves), not the inner node's weight.
    t = await oneTree({ lambda: 1, eta: 0.3 });
    expect(t.splitCondition[2]).toBe(f32(f32(20 / 3) * f32(0.3)));
    expect(t.baseWeight[2]).toBe(t.splitCondition[2]);
    expect(t.baseWeight[0]).toBe(4);
  });

  it('alpha soft-thresholds the gradient sum (ThresholdL1)', async () => {
    // alpha 5, lambda 1: root |G| 20 -> 15, w = 15/5 = 3; right 15/3 = 5; left G = 0 -> 0.
    // gain = 15^2/3 + 0 - 15^2/5 = 75 - 45 = 30.
    const t = await oneTree({ alpha: 5, lambda: 1 });
    expect(t.splitCondition[0]).toBe(3);
    expect(t.baseWeight[0]).toBe(3);
    expect(t.splitCondition[2]).toBe(5);
    expect(t.splitCondition[1]! + 0).toBe(0);
    expect(t.lossChange[0]).toBe(30);
  });

  it('max_delta_step clips weights and the gain uses the clipped weights', async () => {
    // mds 2, lambda 1: right w = min(20/3, 2) = 2 -> gain -(2*(-20)*2 + 3*2^2) = 68; root w = min(4, 2) = 2 ->
    // -(2*(-20)*2 + 5*2^2) = 60; loss change 8.
    const t = await oneTree({ max_delta_step: 2, lambda: 1 });
    expect(t.splitCondition[0]).toBe(3);
    expect(t.baseWeight[0]).toBe(2);
    expect(t.splitCondition[2]).toBe(2);
    expect(t.lossChange[0]).toBe(8);
  });

  it('gamma prunes a split whose loss change is below it (a change equal to gamma is kept, as XGBoost)', async () => {
    expect((await oneTree({ lambda: 0, gamma: 100 })).left.length).toBe(3);
    const t = await oneTree({ lambda: 0, gamma: 100.5 });
    expect(plain(t)).toEqual({
      left: [-1],
      right: [-1],
      parent: [-1],
      splitIndex: [0],
      splitCondition: [5],
      defaultLeft: [0],
      sumHessian: [4],
      lossChange: [0],
      baseWeight: [5],
    });
  });

  it('min_child_weight blocks splits whose child hessian is below it', async () => {
    // Every split leaves a child with hessian <= 2.
    expect((await oneTree({ lambda: 0, min_child_weight: 2 })).left.length).toBe(3);
    expect((await oneTree({ lambda: 0, min_child_weight: 2.5 })).left.length).toBe(1);
    // Below min_child_weight even the root's weight is 0 (XGBoost's CalcWeight).
    const t = await oneTree({ lambda: 0, min_child_weight: 5 });
    expect(Array.from(t.splitCondition)).toEqual([0]);
  });

  it('learns the default direction of missing values', async () => {
    // x = 1, NaN, 3, 4 with y = 10, 10, 0, 0: missing goes with x = 1 (left) when x < 3 splits.
    const values = Float64Array.of(1, NaN, 3, 4);
    const label = Float64Array.of(10, 10, 0, 0);
    const t = await oneTree({ lambda: 0 }, values, label);
    expect(t.splitCondition[0]).toBe(3);
    expect(t.defaultLeft[0]).toBe(1);
    expect(t.lossChange[0]).toBe(100);
    expect(t.splitCondition[1]).toBe(10);
    // Mirror: missing goes right with x = 4.
    const t2 = await oneTree({ lambda: 0 }, Float64Array.of(1, 2, NaN, 4), Float64Array.of(0, 0, 10, 10));
    expect(t2.splitCondition[0]).toBe(4);
    expect(t2.defaultLeft[0]).toBe(0);
    const model: TreeEnsemble = { objective: 'reg:squarederror', numFeature: 1, numClass: 0, baseScore: 0, trees: [t], treeInfo: Int32Array.of(0) };
    expect(Array.from(margins(model, Float64Array.of(NaN, 2, 5), 3, 1))).toEqual([10, 10, 0]);
  });

  it('a value equal to a cut goes right (x < cut goes left)', async () => {
    // Rows at x = 3 must be on the right of the split at 3.
    const values = Float64Array.of(1, 2, 3, 3, 4);
    const t = await oneTree({ lambda: 0 }, values, Float64Array.of(0, 0, 10, 10, 10));
    expect(t.splitCondition[0]).toBe(3);
    expect(t.sumHessian[1]).toBe(2);
    expect(t.sumHessian[2]).toBe(3);
  });
});

function synthetic(n: number, seed: number, classes = 2): { matrix: { rows: number; cols: number; values: Float64Array }; label: Float64Array } {
  const r = createRandom(seed);
  const F = 6;
  const values = new Float64Array(n * F);
  const label = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let s = 0;
    for (let f = 0; f < F; f++) {
      const v = r.next() < 0.03 ? NaN : r.int(60, 100);
      values[i * F + f] = v;
      if (f < 3) s += v || 80;
    }
    label[i] = classes === 2 ? (s > 240 || r.next() < 0.3 ? 1 : 0) : Math.min(classes - 1, Math.floor(((s - 180) / 120) * classes + r.next() - 0.5 > 0 ? ((s - 180) / 120) * classes : 0));
  }
  return { matrix: { rows: n, cols: F, values }, label };
}

describe('determinism', () => {
  const sampling = { objective: 'binary:logistic', num_round: 8, subsample: 0.7, colsample_bytree: 0.8, colsample_bylevel: 0.6, max_depth: 4 };

  it('same seed, same model; another seed, another model', async () => {
    const data = synthetic(1500, 1);
    const a = await train({ ...sampling, seed: 3 }, data, { evalTrain: false });
    const b = await train({ ...sampling, seed: 3 }, data, { evalTrain: false });
    const c = await train({ ...sampling, seed: 4 }, data, { evalTrain: false });
    expect(a.model.trees.map(plain)).toEqual(b.model.trees.map(plain));
    expect(a.model.trees.map(plain)).not.toEqual(c.model.trees.map(plain));
  });

  it('two threads give the same model as one', async () => {
    // Large enough for both ways of sharing a histogram batch (by features, by nodes) and for split partitions.
    const data = synthetic(30000, 2);
    for (const params of [{ objective: 'binary:logistic', num_round: 4, max_depth: 7 }, { ...sampling, seed: 9 }]) {
      const one = await train(params, data, { threads: 1, evalTrain: false });
      const two = await train(params, data, { threads: 2, evalTrain: false });
      expect(two.model.trees.map(plain)).toEqual(one.model.trees.map(plain));
    }
    // The JS kernels (no wasm) give the same model too.
    const js = await train({ objective: 'binary:logistic', num_round: 3, max_depth: 6 }, data, { threads: 2, evalTrain: false, kernel: 'js' });
    const wasm = await train({ objective: 'binary:logistic', num_round: 3, max_depth: 6 }, data, { threads: 1, evalTrain: false });
    expect(js.model.trees.map(plain)).toEqual(wasm.model.trees.map(plain));
    const multi = synthetic(12000, 3, 3);
    const params = { objective: 'multi:softprob', num_class: 3, num_round: 4, max_depth: 4 };
    const one = await train(params, multi, { threads: 1 });
    const two = await train(params, multi, { threads: 2 });
    expect(two.model.trees.map(plain)).toEqual(one.model.trees.map(plain));
    expect(two.evals).toEqual(one.evals);
  });
});

describe('evaluation, early stopping and progress', () => {
  it('prints XGBoost lines every verbose_eval rounds and the last one', async () => {
    const data = synthetic(800, 4);
    const validation = synthetic(300, 5);
    const lines: string[] = [];
    const { evals } = await train({ objective: 'binary:logistic', num_round: 6, verbose_eval: 4, eval_metric: 'error,logloss' }, data, { validation, log: (l) => lines.push(l) });
    expect(lines.map((l) => l.slice(0, l.indexOf(']') + 1))).toEqual(['[0]', '[4]', '[5]']);
    expect(lines[0]).toMatch(/^\[0\]\ttrain-error:0\.\d{5}\ttrain-logloss:0\.\d{5}\tvalidation-error:0\.\d{5}\tvalidation-logloss:0\.\d{5}$/);
    expect(evals).toHaveLength(6);
    expect(evals[5]!.round).toBe(5);
    expect(Object.keys(evals[0]!.validation!)).toEqual(['error', 'logloss']);
    expect(lines[2]).toContain(`validation-logloss:${evals[5]!.validation!.logloss!.toFixed(5)}`);
  });

  it('stops when the last metric of the last set has not improved for early_stopping_rounds', async () => {
    const data = synthetic(600, 6);
    // Noise labels for validation: its logloss gets worse after the first rounds.
    const r = createRandom(1);
    const validation = synthetic(400, 7);
    for (let i = 0; i < validation.label.length; i++) validation.label[i] = r.next() < 0.5 ? 1 : 0;
    const result = await train({ objective: 'binary:logistic', num_round: 200, early_stopping_rounds: 5, eval_metric: 'auc,logloss', max_depth: 6 }, data, { validation });
    const { bestIteration, bestScore, model, evals } = result;
    expect(bestIteration).toBeDefined();
    expect(model.trees.length).toBe(bestIteration! + 6);
    expect(evals).toHaveLength(bestIteration! + 6);
    const watched = evals.map((e) => e.validation!.logloss!);
    expect(bestScore).toBe(Math.min(...watched));
    expect(watched.indexOf(bestScore!)).toBe(bestIteration);
    expect(model.attributes).toEqual({ best_iteration: String(bestIteration), best_score: String(bestScore), best_ntree_limit: String(bestIteration! + 1) });
    const noStop = await train({ objective: 'binary:logistic', num_round: 3 }, data);
    expect(noStop.model.attributes).toEqual({ best_iteration: '2', best_ntree_limit: '3' });
    expect(noStop.bestIteration).toBeUndefined();
  });

  it('reports progress per round', async () => {
    const calls: string[] = [];
    const progress: Progress = { start: (n) => calls.push(`start ${n}`), tick: (n) => calls.push(`tick ${n}`), done: () => calls.push('done') };
    await train({ num_round: 3 }, synthetic(200, 8), { progress });
    expect(calls).toEqual(['start 3', 'tick 1', 'tick 1', 'tick 1', 'done']);
  });

  it('builds a model of the right shape for each objective', async () => {
    const data = synthetic(500, 9);
    for (const objective of ['binary:logistic', 'reg:logistic', 'reg:squarederror']) {
      const { model } = await train({ objective, num_round: 2 }, data, { featureNames: ['a', 'b', 'c', 'd', 'e', 'f'] });
      expect(model).toMatchObject({ objective, numFeature: 6, numClass: 0, baseScore: 0.5, featureNames: ['a', 'b', 'c', 'd', 'e', 'f'] });
      expect(Array.from(model.treeInfo)).toEqual([0, 0]);
    }
    const multi = synthetic(500, 10, 3);
    const { model } = await train({ objective: 'multi:softmax', num_class: 3, num_round: 2 }, multi);
    expect(model.numClass).toBe(3);
    expect(Array.from(model.treeInfo)).toEqual([0, 1, 2, 0, 1, 2]);
  });
});
