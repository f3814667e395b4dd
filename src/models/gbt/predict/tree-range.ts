/**
 * @module models/gbt/predict/tree-range
 * Which trees a prediction uses: XGBoost's `iteration_range` (boosting rounds [begin, end), end 0 = all)
 * or its deprecated `ntree_limit` (the first k rounds; num_parallel_tree is always 1 here). A round holds
 * one tree per class for multi-class objectives, one tree otherwise.
 */
import { invalid } from '../../../core/errors.js';
import type { TreeEnsemble } from '../tree-ensemble.js';

export interface PredictOptions {
  /** Boosting rounds [begin, end) as XGBoost's `iteration_range`; end 0 means every round. */
  iterationRange?: readonly [number, number];
  /** XGBoost's `ntree_limit`: the first k rounds (0 = all). Not together with `iterationRange`. */
  ntreeLimit?: number;
}

export function treesPerRound(model: Pick<TreeEnsemble, 'objective' | 'numClass'>): number {
  return model.objective.startsWith('multi:') ? model.numClass : 1;
}

/** Rounds of an early-stopped model up to its best one ([0, best_iteration + 1]), from `attributes.best_iteration`. */
export function bestIterationRange(model: TreeEnsemble): [number, number] | undefined {
  const best = model.attributes?.best_iteration;
  if (best === undefined) return undefined;
  const n = Number(best);
  if (!Number.isSafeInteger(n) || n < 0) throw invalid('attributes.best_iteration', best, 'a round number >= 0');
  return [0, n + 1];
}

/** The trees [begin, end) to use. */
export function treeRange(model: TreeEnsemble, options: PredictOptions = {}): { begin: number; end: number } {
  const total = model.trees.length;
  const { iterationRange, ntreeLimit } = options;
  const limited = ntreeLimit !== undefined && ntreeLimit !== 0;
  if (!limited && (iterationRange === undefined || (iterationRange[0] === 0 && iterationRange[1] === 0))) return { begin: 0, end: total };
  const perRound = treesPerRound(model);
  if (total % perRound !== 0) throw invalid('trees.length', total, `a multiple of ${perRound} (one tree per class per round) to select rounds`);
  const rounds = total / perRound;
  if (limited) {
    if (iterationRange !== undefined && iterationRange[1] !== 0) throw invalid('ntreeLimit', ntreeLimit, '0 when iterationRange is set (XGBoost takes one or the other)');
    if (!Number.isSafeInteger(ntreeLimit) || ntreeLimit < 0 || ntreeLimit > rounds) throw invalid('ntreeLimit', ntreeLimit, `a number of rounds from 0 to ${rounds}`);
    return { begin: 0, end: ntreeLimit * perRound };
  }
  const [begin, endRaw] = iterationRange!;
  const end = endRaw === 0 ? rounds : endRaw;
  if (!Number.isSafeInteger(begin) || !Number.isSafeInteger(end) || begin < 0 || end > rounds || begin > end) {
    throw invalid('iterationRange', iterationRange, `rounds [begin, end) with 0 <= begin <= end <= ${rounds} (end 0 = all)`);
  }
  return { begin: begin * perRound, end: end * perRound };
}
