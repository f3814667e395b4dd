/**
 * @module models/gbt/tree-ensemble
 * A gradient-boosted tree ensemble as flat typed arrays, laid out like XGBoost's JSON model
 * (`learner.gradient_booster.model.trees[i]`), so reading, writing, predicting and TreeSHAP all walk the
 * same arrays without node objects. Both the trainer and the XGBoost JSON reader produce this shape.
 *
 * Node `n` of a tree is a leaf when `left[n] === -1`; its value is `splitCondition[n]` (as in XGBoost,
 * where leaves keep their weight in `split_conditions`). An inner node sends a row left when
 * `x[splitIndex[n]] < splitCondition[n]`, right otherwise, and a missing value (NaN) left when
 * `defaultLeft[n] === 1`.
 */
export type Objective = 'binary:logistic' | 'reg:logistic' | 'reg:squarederror' | 'multi:softprob' | 'multi:softmax';

export interface Tree {
  left: Int32Array;
  right: Int32Array;
  parent: Int32Array;
  splitIndex: Int32Array;
  /** Threshold of inner nodes, leaf value of leaves; float32 values as XGBoost stores them. */
  splitCondition: Float32Array;
  defaultLeft: Uint8Array;
  /** Sum of hessians of the training rows that reached the node ("cover"; TreeSHAP needs it). */
  sumHessian: Float32Array;
  /** Gain of the split (0 for leaves). */
  lossChange: Float32Array;
  /** Node weights before learning-rate scaling as XGBoost stores `base_weights` (leaf values for leaves). */
  baseWeight: Float32Array;
}

export interface TreeEnsemble {
  objective: Objective;
  /** Number of input features the model reads (columns, in `featureNames` order). */
  numFeature: number;
  /** Classes for multi-class objectives; 0 otherwise (XGBoost's `num_class`). */
  numClass: number;
  /**
   * XGBoost's `base_score` as written in its JSON (probability space for logistic objectives, raw for
   * squared error); the starting margin is its link-transformed value.
   */
  baseScore: number;
  trees: Tree[];
  /** Output group (class) each tree adds to; all 0 for single-output objectives. */
  treeInfo: Int32Array;
  featureNames?: string[];
  /** XGBoost feature types ('float', 'int', 'i', 'q'); absent = all numeric. */
  featureTypes?: string[];
  /** Training parameters kept with the model (XGBoost's learner_train_param / gbtree params). */
  attributes?: Record<string, string>;
}

/** Number of outputs per row: num_class for softprob, 1 otherwise (softmax returns the class index). */
export function outputCount(model: Pick<TreeEnsemble, 'objective' | 'numClass'>): number {
  return model.objective === 'multi:softprob' ? model.numClass : 1;
}

/** Margin contributed by `base_score` before any tree (XGBoost applies the objective's link to it). */
export function baseMargin(model: Pick<TreeEnsemble, 'objective' | 'baseScore'>): number {
  if (model.objective === 'binary:logistic' || model.objective === 'reg:logistic') {
    const p = model.baseScore;
    return Math.log(p / (1 - p));
  }
  return model.baseScore;
}
