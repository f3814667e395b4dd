/**
 * @module explain/tree-shap-interventional
 * Interventional TreeSHAP (Lundberg et al. 2020, "independent" TreeSHAP): the exact Shapley values of the
 * game v(S) = mean over baseline rows b of margin(x_S, b_¬S), the same game Kernel SHAP estimates with that
 * baseline when it explains the margin (any regression model, or log-odds with a one-row baseline).
 *
 * For one explained row x, one baseline row b and one tree, the walk follows both rows where they agree
 * and branches where they part; a feature met on a branch is fixed to x's side or b's side for the rest of
 * the path. A leaf reached with a features on x's side and c on b's side is in the game exactly when all of
 * the first and none of the second are in S, and that unanimity game gives each x-side feature
 * v (a-1)! c! / (a+c)! and each b-side feature -v a! (c-1)! / (a+c)!. Averaged over the baseline rows.
 */
import { invalid } from '../core/errors.js';
import { baseMarginF32, type FeatureMatrix, type TreeEnsemble } from '../models/index.js';
import { noProgress, type Progress } from '../core/progress.js';
import { marginGroupCount } from './tree-shap.js';

/**
 * rows x groups x (features + 1): SHAP values in margin space, the last column of each group the expected
 * value (base margin + mean over the baseline of the trees' sum).
 */
export function interventionalTreeShap(model: TreeEnsemble, data: FeatureMatrix, baseline: FeatureMatrix, progress: Progress = noProgress): Float64Array {
  const M = model.numFeature;
  if (data.cols !== M) throw invalid('data', `${data.cols} columns`, `${M} columns, the features the model reads`);
  if (baseline.cols !== M) throw invalid('baseline', `${baseline.cols} columns`, `${M} columns, the features the model reads`);
  if (baseline.rows < 1) throw invalid('baseline', 'no rows', 'at least one baseline row');
  const G = marginGroupCount(model);
  const ncol = M + 1;
  const out = new Float64Array(data.rows * G * ncol);
  // Weights (a-1)! c! / (a+c)! indexed [a][c], a >= 1.
  const depthBound = 64;
  const fact = [1];
  for (let i = 1; i <= 2 * depthBound; i++) fact.push(fact[i - 1]! * i);
  const W = (a: number, c: number) => (fact[a - 1]! * fact[c]!) / fact[a + c]!;
  const wPos: number[][] = [];
  for (let a = 0; a <= depthBound; a++) {
    wPos.push([]);
    for (let c = 0; c <= depthBound; c++) wPos[a]!.push(a >= 1 && a + c <= 2 * depthBound ? W(a, c) : 0);
  }

  // Expected value per group: base margin + mean over the baseline of each tree's leaf.
  const expected = new Float64Array(G).fill(baseMarginF32(model));
  const f = Math.fround;
  const leafOf = (t: TreeEnsemble['trees'][number], values: Float64Array, o: number): number => {
    let n = 0;
    while (t.left[n] !== -1) {
      const v = f(values[o + t.splitIndex[n]!]!);
      n = v !== v ? (t.defaultLeft[n] === 1 ? t.left[n]! : t.right[n]!) : v < t.splitCondition[n]! ? t.left[n]! : t.right[n]!;
    }
    return n;
  };
  model.trees.forEach((t, ti) => {
    const g = model.treeInfo[ti] ?? 0;
    let s = 0;
    for (let b = 0; b < baseline.rows; b++) s += t.splitCondition[leafOf(t, baseline.values, b * M)]!;
    expected[g] = expected[g]! + s / baseline.rows;
  });

  const state = new Uint8Array(M);
  const xList = new Int32Array(depthBound * 2);
  const bList = new Int32Array(depthBound * 2);
  let nx = 0;
  let nbList = 0;
  const phi = new Float64Array(G * ncol);
  progress.start(data.rows, 'interventional TreeSHAP');
  for (let i = 0; i < data.rows; i++) {
    phi.fill(0);
    const xo = i * M;
    for (let b = 0; b < baseline.rows; b++) {
      const bo = b * M;
      for (let ti = 0; ti < model.trees.length; ti++) {
        const t = model.trees[ti]!;
        const go = (model.treeInfo[ti] ?? 0) * ncol;
        const walk = (n: number): void => {
          if (t.left[n] === -1) {
            const v = t.splitCondition[n]!;
            if (nx > 0) {
              const pos = v * wPos[nx]![nbList]!;
              for (let k = 0; k < nx; k++) phi[go + xList[k]!] += pos;
            }
            if (nbList > 0) {
              // a! (c-1)! / (a+c)! = weight with the roles of the two sides exchanged.
              const neg = v * wPos[nbList]![nx]!;
              for (let k = 0; k < nbList; k++) phi[go + bList[k]!] -= neg;
            }
            return;
          }
          const j = t.splitIndex[n]!;
          const xv = f(data.values[xo + j]!);
          const bv = f(baseline.values[bo + j]!);
          const xd = xv !== xv ? (t.defaultLeft[n] === 1 ? t.left[n]! : t.right[n]!) : xv < t.splitCondition[n]! ? t.left[n]! : t.right[n]!;
          const bd = bv !== bv ? (t.defaultLeft[n] === 1 ? t.left[n]! : t.right[n]!) : bv < t.splitCondition[n]! ? t.left[n]! : t.right[n]!;
          const s = state[j]!;
          if (s === 1 || xd === bd) walk(xd);
          else if (s === 2) walk(bd);
          else {
            state[j] = 1;
            xList[nx++] = j;
            walk(xd);
            nx--;
            state[j] = 2;
            bList[nbList++] = j;
            walk(bd);
            nbList--;
            state[j] = 0;
          }
        };
        walk(0);
      }
    }
    for (let g = 0; g < G; g++) {
      const o = (i * G + g) * ncol;
      for (let j = 0; j < M; j++) out[o + j] = phi[g * ncol + j]! / baseline.rows;
      out[o + M] = expected[g]!;
    }
    progress.tick(1);
  }
  progress.done();
  return out;
}
