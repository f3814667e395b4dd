/**
 * @module models/gbt/xgboost/xgboost-json
 * Reads and writes XGBoost's JSON model format: the file `Booster.save_model("model.json")` writes in XGBoost
 * 1.7 (tested against 1.7.4; later versions keep these fields and read the files we write). JSON is the one
 * supported format: binary/UBJSON files and the pickled `xgboost-model` the SageMaker XGBoost container
 * writes must first be re-saved as JSON (`booster.save_model("model.json")`).
 *
 * Supported: gbtree boosters with numerical splits for binary:logistic, reg:logistic, reg:squarederror,
 * multi:softprob and multi:softmax. Refused with a ValidationError naming the field: dart and gblinear
 * boosters, random forests (num_parallel_tree > 1), categorical splits, multi-target trees, other objectives
 * and malformed files (missing or mismatched arrays, children out of range, cycles).
 *
 * In memory a node without a parent has -1 (XGBoost writes 2147483647); everything else keeps XGBoost's
 * values, including pruned ("deleted") nodes, so a model reads back and writes out unchanged.
 */
import { invalid, ValidationError } from '../../../core/errors.js';
import type { Objective, Tree, TreeEnsemble } from '../tree-ensemble.js';
import { formatFloat32, shortestFloat32 } from './float32-text.js';
import {
  arrayAt,
  flagArray,
  floatArray,
  floatParam,
  intArray,
  intParam,
  objectAt,
  stringArray,
  stringAt,
  type JsonObject,
} from './json-fields.js';
import { checkTree, XGB_NO_PARENT, type TreeFieldNames } from './tree-check.js';

export const SUPPORTED_OBJECTIVES: readonly Objective[] = ['binary:logistic', 'reg:logistic', 'reg:squarederror', 'multi:softprob', 'multi:softmax'];

/** The XGBoost version whose format `toXgboostJson` writes. */
export const WRITTEN_VERSION = [1, 7, 0] as const;

const JSON_NAMES: TreeFieldNames = { left: 'left_children', right: 'right_children', parent: 'parents', splitIndex: 'split_indices' };
/** XGBoost marks a pruned node by split index 2^31-1 with default_left set (its split word is all ones). */
const DELETED_SPLIT_INDEX = 2147483647;
const BOOSTER_PATH = 'learner.gradient_booster';
const TREES_PATH = `${BOOSTER_PATH}.model.trees`;

export function parseXgboostJson(input: string | object): TreeEnsemble {
  const root = objectAt(typeof input === 'string' ? parseText(input) : input, 'model');
  if (root.version !== undefined) {
    const v = arrayAt(root.version, 'version');
    if (typeof v[0] !== 'number' || v[0] < 1) throw invalid('version', root.version, 'XGBoost 1.0 or later ([major, minor, patch])');
  }
  const learner = objectAt(root.learner, 'learner');
  const objective = readObjective(learner);
  const mparam = objectAt(learner.learner_model_param, 'learner.learner_model_param');
  const numFeature = intParam(mparam.num_feature, 'learner.learner_model_param.num_feature');
  const numClassRaw = intParam(mparam.num_class ?? '0', 'learner.learner_model_param.num_class');
  if (mparam.num_target !== undefined && intParam(mparam.num_target, 'learner.learner_model_param.num_target') > 1) {
    throw invalid('learner.learner_model_param.num_target', mparam.num_target, '1 (multi-target models are not supported)');
  }
  const multi = objective.startsWith('multi:');
  if (multi && numClassRaw < 2) throw invalid('learner.learner_model_param.num_class', mparam.num_class, `at least 2 for ${objective}`);
  if (!multi && numClassRaw > 1) throw invalid('learner.learner_model_param.num_class', mparam.num_class, `0 for ${objective}`);
  const numClass = multi ? numClassRaw : 0;
  if (multi) {
    const p = objectAt(objectAt(learner.objective, 'learner.objective').softmax_multiclass_param ?? {}, 'learner.objective.softmax_multiclass_param');
    if (p.num_class !== undefined && intParam(p.num_class, 'learner.objective.softmax_multiclass_param.num_class') !== numClass) {
      throw invalid('learner.objective.softmax_multiclass_param.num_class', p.num_class, `${numClass} (learner_model_param.num_class)`);
    }
  }
  const baseScore = Math.fround(floatParam(mparam.base_score ?? '0.5', 'learner.learner_model_param.base_score'));
  checkBaseScore(objective, baseScore, 'learner.learner_model_param.base_score');

  const { trees, treeInfo } = readTrees(learner, numFeature, multi ? numClass : 1);
  const model: TreeEnsemble = { objective, numFeature, numClass, baseScore, trees, treeInfo };
  const featureNames = learner.feature_names === undefined ? [] : stringArray(learner.feature_names, 'learner.feature_names');
  if (featureNames.length > 0) {
    if (featureNames.length !== numFeature) throw invalid('learner.feature_names.length', featureNames.length, `${numFeature} (num_feature)`);
    model.featureNames = [...featureNames];
  }
  const featureTypes = learner.feature_types === undefined ? [] : stringArray(learner.feature_types, 'learner.feature_types');
  if (featureTypes.length > 0) {
    if (featureTypes.length !== numFeature) throw invalid('learner.feature_types.length', featureTypes.length, `${numFeature} (num_feature)`);
    const c = featureTypes.indexOf('c');
    if (c >= 0) throw invalid(`learner.feature_types[${c}]`, 'c', 'a numerical type (categorical features are not supported)');
    model.featureTypes = [...featureTypes];
  }
  const attributes = objectAt(learner.attributes ?? {}, 'learner.attributes');
  const keys = Object.keys(attributes);
  if (keys.length > 0) {
    model.attributes = {};
    for (const k of keys) model.attributes[k] = stringAt(attributes[k], `learner.attributes.${k}`);
  }
  return model;
}

function parseText(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch (e) {
    const hint = /^\s*[{[]/.test(text) ? '' : ' (binary, UBJSON and pickled models must be re-saved with booster.save_model("model.json"))';
    throw new ValidationError([{ path: 'model', message: `not valid JSON: ${(e as Error).message}${hint}` }]);
  }
}

function readObjective(learner: JsonObject): Objective {
  const booster = objectAt(learner.gradient_booster, BOOSTER_PATH);
  if (booster.name !== 'gbtree') {
    throw invalid(`${BOOSTER_PATH}.name`, booster.name, '"gbtree" (dart and gblinear boosters are not supported)');
  }
  const name = objectAt(learner.objective, 'learner.objective').name;
  if (!SUPPORTED_OBJECTIVES.includes(name as Objective)) throw invalid('learner.objective.name', name, `one of ${SUPPORTED_OBJECTIVES.join(', ')}`);
  return name as Objective;
}

function checkBaseScore(objective: Objective, baseScore: number, path: string): void {
  if (!Number.isFinite(baseScore)) throw invalid(path, baseScore, 'a finite float32');
  if ((objective === 'binary:logistic' || objective === 'reg:logistic') && !(baseScore > 0 && baseScore < 1)) {
    throw invalid(path, baseScore, `a probability strictly between 0 and 1 for ${objective}`);
  }
}

function readTrees(learner: JsonObject, numFeature: number, groups: number): { trees: Tree[]; treeInfo: Int32Array } {
  const model = objectAt(objectAt(learner.gradient_booster, BOOSTER_PATH).model, `${BOOSTER_PATH}.model`);
  const gparam = objectAt(model.gbtree_model_param, `${BOOSTER_PATH}.model.gbtree_model_param`);
  const jsonTrees = arrayAt(model.trees, TREES_PATH);
  const numTrees = intParam(gparam.num_trees, `${BOOSTER_PATH}.model.gbtree_model_param.num_trees`);
  if (numTrees !== jsonTrees.length) throw invalid(`${BOOSTER_PATH}.model.gbtree_model_param.num_trees`, gparam.num_trees, `${jsonTrees.length} (the length of trees)`);
  if (gparam.num_parallel_tree !== undefined && intParam(gparam.num_parallel_tree, `${BOOSTER_PATH}.model.gbtree_model_param.num_parallel_tree`) !== 1) {
    throw invalid(`${BOOSTER_PATH}.model.gbtree_model_param.num_parallel_tree`, gparam.num_parallel_tree, '1 (boosted random forests are not supported)');
  }
  if (gparam.size_leaf_vector !== undefined && intParam(gparam.size_leaf_vector, `${BOOSTER_PATH}.model.gbtree_model_param.size_leaf_vector`) !== 0) {
    throw invalid(`${BOOSTER_PATH}.model.gbtree_model_param.size_leaf_vector`, gparam.size_leaf_vector, '0 (multi-target trees are not supported)');
  }
  const treeInfo = intArray(model.tree_info, `${BOOSTER_PATH}.model.tree_info`, numTrees);
  for (let i = 0; i < numTrees; i++) {
    if (treeInfo[i]! < 0 || treeInfo[i]! >= groups) throw invalid(`${BOOSTER_PATH}.model.tree_info[${i}]`, treeInfo[i], `an output group from 0 to ${groups - 1}`);
  }
  const trees = new Array<Tree>(numTrees);
  for (let i = 0; i < numTrees; i++) {
    const path = `${TREES_PATH}[${i}]`;
    const json = objectAt(jsonTrees[i], path);
    const id = intParam(json.id, `${path}.id`);
    if (id >= numTrees || trees[id] !== undefined) throw invalid(`${path}.id`, json.id, `a distinct tree index below ${numTrees}`);
    trees[id] = readTree(json, numFeature, path);
  }
  return { trees, treeInfo };
}

function readTree(json: JsonObject, numFeature: number, path: string): Tree {
  const param = objectAt(json.tree_param, `${path}.tree_param`);
  const n = intParam(param.num_nodes, `${path}.tree_param.num_nodes`, 1);
  if (param.size_leaf_vector !== undefined && intParam(param.size_leaf_vector, `${path}.tree_param.size_leaf_vector`) !== 0) {
    throw invalid(`${path}.tree_param.size_leaf_vector`, param.size_leaf_vector, '0 (multi-target trees are not supported)');
  }
  if (json.split_type !== undefined) {
    const splitType = intArray(json.split_type, `${path}.split_type`, n);
    const c = splitType.findIndex((t) => t !== 0);
    if (c >= 0) throw invalid(`${path}.split_type[${c}]`, splitType[c], '0, a numerical split (categorical splits are not supported)');
  }
  for (const key of ['categories', 'categories_nodes', 'categories_segments', 'categories_sizes']) {
    if (json[key] !== undefined && arrayAt(json[key], `${path}.${key}`).length > 0) {
      throw invalid(`${path}.${key}`, json[key], 'an empty array (categorical splits are not supported)');
    }
  }
  const parent = intArray(json.parents, `${path}.parents`, n);
  for (let i = 0; i < n; i++) if (parent[i] === XGB_NO_PARENT) parent[i] = -1;
  const tree: Tree = {
    left: intArray(json.left_children, `${path}.left_children`, n),
    right: intArray(json.right_children, `${path}.right_children`, n),
    parent,
    splitIndex: intArray(json.split_indices, `${path}.split_indices`, n),
    splitCondition: floatArray(json.split_conditions, `${path}.split_conditions`, n),
    defaultLeft: flagArray(json.default_left, `${path}.default_left`, n),
    sumHessian: floatArray(json.sum_hessian, `${path}.sum_hessian`, n),
    lossChange: floatArray(json.loss_changes, `${path}.loss_changes`, n),
    baseWeight: floatArray(json.base_weights, `${path}.base_weights`, n),
  };
  checkTree(tree, numFeature, path, JSON_NAMES);
  if (param.num_deleted !== undefined && intParam(param.num_deleted, `${path}.tree_param.num_deleted`) !== countDeleted(tree)) {
    throw invalid(`${path}.tree_param.num_deleted`, param.num_deleted, `${countDeleted(tree)} (nodes marked deleted)`);
  }
  return tree;
}

function countDeleted(tree: Tree): number {
  let count = 0;
  for (let i = 0; i < tree.splitIndex.length; i++) if (tree.splitIndex[i] === DELETED_SPLIT_INDEX && tree.defaultLeft[i] === 1) count++;
  return count;
}

/** Checks a model (from the trainer or elsewhere) can be written for XGBoost; throws a ValidationError. */
export function checkEnsemble(model: TreeEnsemble): void {
  if (!SUPPORTED_OBJECTIVES.includes(model.objective)) throw invalid('objective', model.objective, `one of ${SUPPORTED_OBJECTIVES.join(', ')}`);
  if (!Number.isSafeInteger(model.numFeature) || model.numFeature < 0) throw invalid('numFeature', model.numFeature, 'an integer >= 0');
  const multi = model.objective.startsWith('multi:');
  if (multi ? !(Number.isSafeInteger(model.numClass) && model.numClass >= 2) : model.numClass !== 0 && model.numClass !== 1) {
    throw invalid('numClass', model.numClass, multi ? `an integer >= 2 for ${model.objective}` : `0 for ${model.objective}`);
  }
  checkBaseScore(model.objective, Math.fround(model.baseScore), 'baseScore');
  const groups = multi ? model.numClass : 1;
  if (model.treeInfo.length !== model.trees.length) throw invalid('treeInfo.length', model.treeInfo.length, `${model.trees.length} (one per tree)`);
  for (let i = 0; i < model.treeInfo.length; i++) {
    const g = model.treeInfo[i]!;
    if (!(g >= 0 && g < groups)) throw invalid(`treeInfo[${i}]`, g, `an output group from 0 to ${groups - 1}`);
  }
  for (const [field, list] of [['featureNames', model.featureNames], ['featureTypes', model.featureTypes]] as const) {
    if (list !== undefined && list.length > 0 && list.length !== model.numFeature) throw invalid(`${field}.length`, list.length, `${model.numFeature} (numFeature)`);
  }
  for (let i = 0; i < model.trees.length; i++) checkTree(model.trees[i]!, model.numFeature, `trees[${i}]`);
}

/**
 * The model as the object XGBoost 1.7's `save_model("model.json")` writes (keys in XGBoost's order, floats
 * in their shortest float32 form). Write it out with `serializeXgboostJson`, not JSON.stringify.
 * `boost_from_average` is "0": the base score is given, not to be re-estimated from data.
 */
export function toXgboostJson(model: TreeEnsemble): object {
  checkEnsemble(model);
  const multi = model.objective.startsWith('multi:');
  const objective = multi
    ? { name: model.objective, softmax_multiclass_param: { num_class: String(model.numClass) } }
    : { name: model.objective, reg_loss_param: { scale_pos_weight: '1' } };
  return {
    learner: {
      attributes: { ...(model.attributes ?? {}) },
      feature_names: [...(model.featureNames ?? [])],
      feature_types: [...(model.featureTypes ?? [])],
      gradient_booster: {
        model: {
          gbtree_model_param: { num_parallel_tree: '1', num_trees: String(model.trees.length), size_leaf_vector: '0' },
          tree_info: Array.from(model.treeInfo),
          trees: model.trees.map((tree, id) => treeToJson(tree, id, model.numFeature)),
        },
        name: 'gbtree',
      },
      learner_model_param: {
        base_score: formatFloat32(model.baseScore),
        boost_from_average: '0',
        num_class: String(multi ? model.numClass : 0),
        num_feature: String(model.numFeature),
        num_target: '1',
      },
      objective,
    },
    version: [...WRITTEN_VERSION],
  };
}

/**
 * The model as XGBoost JSON text, loadable with `xgb.Booster(model_file=...)`. Use this rather than
 * `JSON.stringify(toXgboostJson(model))`: XGBoost's reader wants float fields written as floats (`5E1`, not
 * `50`) and refuses the integers JSON.stringify would write for whole-number floats.
 */
export function serializeXgboostJson(model: TreeEnsemble): string {
  return stringify(toXgboostJson(model), '');
}

/** Float-valued arrays of a tree: written in float notation whatever their values. */
const FLOAT_ARRAYS = new Set(['base_weights', 'loss_changes', 'split_conditions', 'sum_hessian']);

function stringify(value: unknown, key: string): string {
  if (Array.isArray(value)) {
    const parts = new Array<string>(value.length);
    const floats = FLOAT_ARRAYS.has(key);
    for (let i = 0; i < value.length; i++) parts[i] = floats ? formatFloat32(value[i] as number) : stringify(value[i], '');
    return `[${parts.join(',')}]`;
  }
  if (typeof value === 'object' && value !== null) {
    const parts: string[] = [];
    for (const [k, v] of Object.entries(value)) parts.push(`${JSON.stringify(k)}:${stringify(v, k)}`);
    return `{${parts.join(',')}}`;
  }
  return JSON.stringify(value);
}

function treeToJson(tree: Tree, id: number, numFeature: number): object {
  const n = tree.left.length;
  const parents = new Array<number>(n);
  for (let i = 0; i < n; i++) parents[i] = tree.parent[i] === -1 ? XGB_NO_PARENT : tree.parent[i]!;
  return {
    base_weights: floats(tree.baseWeight),
    categories: [],
    categories_nodes: [],
    categories_segments: [],
    categories_sizes: [],
    default_left: Array.from(tree.defaultLeft),
    id,
    left_children: Array.from(tree.left),
    loss_changes: floats(tree.lossChange),
    parents,
    right_children: Array.from(tree.right),
    split_conditions: floats(tree.splitCondition),
    split_indices: Array.from(tree.splitIndex),
    split_type: new Array<number>(n).fill(0),
    sum_hessian: floats(tree.sumHessian),
    tree_param: { num_deleted: String(countDeleted(tree)), num_feature: String(numFeature), num_nodes: String(n), size_leaf_vector: '0' },
  };
}

function floats(values: Float32Array): number[] {
  const out = new Array<number>(values.length);
  for (let i = 0; i < values.length; i++) out[i] = shortestFloat32(values[i]!);
  return out;
}
