import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createRandom } from '../../../core/random.js';
import { isPlatformError, type PlatformError } from '../../../core/errors.js';
import { findXgboostPython, loadFixtures, runXgboost, type XgbJob } from '../../../../test/fixtures/xgboost/fixtures.js';
import { predict, predictLeaf, predictMargin } from '../predict/predict.js';
import type { Objective, Tree, TreeEnsemble } from '../tree-ensemble.js';
import { checkEnsemble, parseXgboostJson, serializeXgboostJson, toXgboostJson } from './xgboost-json.js';

type Json = Record<string, any>;

const fixtures = loadFixtures();
const byName = (name: string) => fixtures.find((f) => f.name === name)!;
const treesOf = (json: Json): Json[] => json.learner.gradient_booster.model.trees;

function refusal(fn: () => unknown): PlatformError & { issues: { path: string; message: string }[] } {
  try {
    fn();
  } catch (e) {
    if (isPlatformError(e)) return e as PlatformError & { issues: { path: string; message: string }[] };
    throw e;
  }
  throw new Error('expected a ValidationError');
}

describe('parseXgboostJson', () => {
  it('reads every fixture model', () => {
    for (const f of fixtures) {
      const model = parseXgboostJson(f.modelText);
      expect(model.objective, f.name).toBe(f.objective);
      expect(model.numFeature).toBe(f.inputs.cols);
      expect(model.trees.length).toBe(f.trees);
      expect(model.treeInfo.length).toBe(f.trees);
      const multi = f.objective.startsWith('multi:');
      expect(model.numClass).toBe(multi ? 3 : 0);
      for (let t = 0; t < model.trees.length; t++) expect(model.treeInfo[t]).toBe(multi ? t % 3 : 0);
      for (const tree of model.trees) expect(tree.parent[0]).toBe(-1);
    }
    expect(parseXgboostJson(byName('binary-logistic-base-score').modelText).baseScore).toBe(Math.fround(0.3));
    expect(parseXgboostJson(byName('reg-squarederror-exact-missing').modelText).baseScore).toBe(1.75);
    const named = parseXgboostJson(byName('binary-logistic-feature-names').modelText);
    expect(named.featureNames).toEqual(['age', 'income', 'tenure_months', 'score', 'has_card', 'balance']);
    expect(named.featureTypes).toEqual(['int', 'float', 'int', 'q', 'i', 'float']);
    expect(parseXgboostJson(byName('binary-logistic-hist-missing').modelText).featureNames).toBeUndefined();
    expect(parseXgboostJson(byName('binary-logistic-early-stopped').modelText).attributes?.best_iteration).toBe('20');
  });

  it('keeps the nodes XGBoost pruned, as it marks them', () => {
    const f = byName('binary-logistic-exact-pruned');
    const json = JSON.parse(f.modelText) as Json;
    const model = parseXgboostJson(json);
    let marked = 0;
    for (const tree of model.trees) for (let i = 0; i < tree.left.length; i++) if (tree.splitIndex[i] === 2147483647 && tree.defaultLeft[i] === 1) marked++;
    const declared = treesOf(json).reduce((s, t) => s + Number(t.tree_param.num_deleted), 0);
    expect(declared).toBeGreaterThan(0);
    expect(marked).toBe(declared);
  });

  it('writes back what XGBoost wrote, byte for byte but for the version and boost_from_average', () => {
    for (const f of fixtures) {
      const expected = f.modelText.trim().replace('"boost_from_average":"1"', '"boost_from_average":"0"').replace(/"version":\[1,7,\d+\]/, '"version":[1,7,0]');
      expect(serializeXgboostJson(parseXgboostJson(f.modelText)), f.name).toBe(expected);
    }
  });

  it('builds the same object XGBoost wrote', () => {
    for (const f of fixtures) {
      const original = JSON.parse(f.modelText) as Json;
      const written = toXgboostJson(parseXgboostJson(f.modelText)) as Json;
      expect(treesOf(written), f.name).toEqual(treesOf(original));
      expect(written.learner.objective).toEqual(original.learner.objective);
      expect(written.learner.attributes).toEqual(original.learner.attributes);
    }
  });

  it('round-trips parse -> serialize -> parse without loss', () => {
    for (const f of fixtures) {
      const model = parseXgboostJson(f.modelText);
      const text = serializeXgboostJson(model);
      expect(parseXgboostJson(text), f.name).toEqual(model);
      expect(serializeXgboostJson(parseXgboostJson(text))).toBe(text);
      expect(text.length).toBeLessThan(f.modelText.length * 1.05);
    }
  });

  describe('refuses what it cannot predict exactly, naming the field and the value', () => {
    const base = JSON.parse(byName('binary-logistic-hist-missing').modelText) as Json;
    const multi = JSON.parse(byName('multi-softprob-hist').modelText) as Json;
    const cases: [string, Json, (j: Json) => void, RegExp, RegExp][] = [
      ['dart booster', base, (j) => (j.learner.gradient_booster.name = 'dart'), /learner\.gradient_booster\.name/, /"dart".*gbtree/],
      ['gblinear booster', base, (j) => (j.learner.gradient_booster = { name: 'gblinear', model: { weights: [] } }), /gradient_booster\.name/, /"gblinear"/],
      ['unsupported objective', base, (j) => (j.learner.objective.name = 'count:poisson'), /learner\.objective\.name/, /"count:poisson".*binary:logistic/],
      ['categorical split', base, (j) => (treesOf(j)[2]!.split_type[0] = 1), /trees\[2\]\.split_type\[0\]/, /got 1.*categorical/],
      ['categories', base, (j) => (treesOf(j)[0]!.categories = [1, 3]), /trees\[0\]\.categories/, /categorical/],
      ['categorical feature type', base, (j) => (j.learner.feature_types = ['float', 'c', 'float', 'float', 'float', 'float']), /feature_types\[1\]/, /"c"/],
      ['multi-target model', base, (j) => (j.learner.learner_model_param.num_target = '2'), /num_target/, /"2".*multi-target/],
      ['vector leaves', base, (j) => (treesOf(j)[1]!.tree_param.size_leaf_vector = '2'), /trees\[1\]\.tree_param\.size_leaf_vector/, /"2"/],
      ['random forest', base, (j) => (j.learner.gradient_booster.model.gbtree_model_param.num_parallel_tree = '4'), /num_parallel_tree/, /"4".*random forests/],
      ['missing array', base, (j) => delete treesOf(j)[3]!.split_conditions, /trees\[3\]\.split_conditions/, /got nothing, expected an array/],
      ['mismatched lengths', base, (j) => treesOf(j)[0]!.default_left.pop(), /trees\[0\]\.default_left\.length/, /expected \d+/],
      ['child out of range', base, (j) => (treesOf(j)[0]!.left_children[0] = 999), /trees\[0\]\.left_children\[0\]/, /999.*out of range/],
      ['cycle', base, (j) => { const t = treesOf(j)[0]!; t.left_children[1] = 1; t.right_children[1] = 2; }, /trees\[0\]\.left_children\[1\]/, /reached twice/],
      ['right child not after left', base, (j) => { const t = treesOf(j)[0]!; t.right_children[0] = t.left_children[0] + 2; }, /trees\[0\]\.right_children\[0\]/, /left child \+ 1/],
      ['wrong parent', base, (j) => (treesOf(j)[0]!.parents[1] = 5), /trees\[0\]\.parents\[1\]/, /parent is 5/],
      ['split on a missing feature', base, (j) => (treesOf(j)[0]!.split_indices[0] = 6), /trees\[0\]\.split_indices\[0\]/, /feature 6.*6 features/],
      ['num_trees', base, (j) => (j.learner.gradient_booster.model.gbtree_model_param.num_trees = '3'), /num_trees/, /"3"/],
      ['tree_info group', base, (j) => (j.learner.gradient_booster.model.tree_info[4] = 1), /tree_info\[4\]/, /got 1/],
      ['duplicate tree id', base, (j) => (treesOf(j)[1]!.id = 0), /trees\[1\]\.id/, /distinct/],
      ['num_deleted', base, (j) => (treesOf(j)[0]!.tree_param.num_deleted = '2'), /num_deleted/, /"2"/],
      ['base_score outside (0, 1)', base, (j) => (j.learner.learner_model_param.base_score = '1.5E0'), /base_score/, /1\.5.*strictly between 0 and 1/],
      ['base_score not a number', base, (j) => (j.learner.learner_model_param.base_score = 'half'), /base_score/, /"half"/],
      ['num_class mismatch', multi, (j) => (j.learner.objective.softmax_multiclass_param.num_class = '4'), /softmax_multiclass_param\.num_class/, /"4"/],
      ['multi-class without classes', multi, (j) => (j.learner.learner_model_param.num_class = '0'), /learner_model_param\.num_class/, /at least 2/],
      ['feature names of the wrong length', base, (j) => (j.learner.feature_names = ['a', 'b']), /feature_names\.length/, /got 2/],
      ['non-integer child', base, (j) => (treesOf(j)[0]!.left_children[0] = 1.5), /left_children\[0\]/, /1\.5/],
      ['no learner', base, (j) => delete j.learner, /^learner/, /got nothing/],
    ];
    for (const [name, source, mutate, path, message] of cases) {
      it(name, () => {
        const json = structuredClone(source);
        mutate(json);
        const e = refusal(() => parseXgboostJson(json));
        expect(e.code).toBe('VALIDATION_FAILED');
        expect(e.issues[0]!.path).toMatch(path);
        expect(e.message).toMatch(message);
      });
    }

    it('text that is not JSON, with a hint for binary formats', () => {
      expect(refusal(() => parseXgboostJson('{"learner": ')).message).toMatch(/^model: not valid JSON/);
      expect(refusal(() => parseXgboostJson('binf\u0000\u0001')).message).toMatch(/save_model\("model\.json"\)/);
    });
  });
});

/** A random trainer-style ensemble: breadth-first trees, random float32 thresholds, leaves and default directions. */
function randomEnsemble(seed: number, objective: Objective, numClass: number, rounds: number, numFeature: number): TreeEnsemble {
  const rng = createRandom(seed);
  const groups = objective.startsWith('multi:') ? numClass : 1;
  const trees: Tree[] = [];
  const treeInfo: number[] = [];
  for (let round = 0; round < rounds; round++) {
    for (let g = 0; g < groups; g++) {
      const left: number[] = [-1];
      const right: number[] = [-1];
      const parent: number[] = [-1];
      const depth: number[] = [0];
      for (let n = 0; n < left.length; n++) {
        if (depth[n]! >= 4 || (depth[n]! >= 1 && rng.next() < 0.3)) continue;
        left[n] = left.length;
        right[n] = left.length + 1;
        for (let c = 0; c < 2; c++) {
          left.push(-1);
          right.push(-1);
          parent.push(n);
          depth.push(depth[n]! + 1);
        }
      }
      const count = left.length;
      const tree: Tree = {
        left: Int32Array.from(left),
        right: Int32Array.from(right),
        parent: Int32Array.from(parent),
        splitIndex: Int32Array.from(left, (l) => (l === -1 ? 0 : rng.int(0, numFeature - 1))),
        splitCondition: Float32Array.from(left, (l) => (l === -1 ? (rng.next() - 0.5) * 0.6 : rng.next() * 4 - 2)),
        defaultLeft: Uint8Array.from(left, (l) => (l === -1 ? 0 : rng.int(0, 1))),
        sumHessian: new Float32Array(count),
        lossChange: Float32Array.from(left, (l) => (l === -1 ? 0 : rng.next() * 10)),
        baseWeight: new Float32Array(count),
      };
      // Covers as a trainer computes them: leaves get their rows' hessians, inner nodes the sum of their children.
      for (let n = count - 1; n >= 0; n--) {
        tree.sumHessian[n] = left[n] === -1 ? 1 + rng.int(0, 20) : tree.sumHessian[left[n]!]! + tree.sumHessian[right[n]!]!;
        tree.baseWeight[n] = left[n] === -1 ? tree.splitCondition[n]! / 0.3 : 0;
      }
      trees.push(tree);
      treeInfo.push(g);
    }
  }
  return { objective, numFeature, numClass: groups > 1 ? numClass : 0, baseScore: objective === 'reg:squarederror' ? 0.25 : 0.35, trees, treeInfo: Int32Array.from(treeInfo), attributes: { trained_by: 'plumbline' } };
}

describe('models we write load in XGBoost and predict the same', () => {
  const py = findXgboostPython();
  const reason = 'reason' in py ? py.reason : '';
  if (reason) console.warn(`[xgboost-json] SKIPPED the XGBoost round trip: ${reason}`);
  const dir = mkdtempSync(join(tmpdir(), 'plumbline-xgb-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('a trainer-style model checks out before writing', () => {
    const model = randomEnsemble(1, 'binary:logistic', 0, 3, 4);
    expect(() => checkEnsemble(model)).not.toThrow();
    const bad = { ...model, trees: [{ ...model.trees[0]!, right: model.trees[0]!.left.map((l) => (l === -1 ? -1 : l + 2)) }, ...model.trees.slice(1)] };
    expect(refusal(() => toXgboostJson(bad)).message).toMatch(/trees\[0\]\.right\[0\].*left child \+ 1/);
    expect(refusal(() => toXgboostJson({ ...model, numClass: 3 })).message).toMatch(/numClass/);
    expect(refusal(() => toXgboostJson({ ...model, treeInfo: model.treeInfo.subarray(1) })).message).toMatch(/treeInfo\.length/);
  });

  it.skipIf(reason !== '')(`XGBoost ${'version' in py ? py.version : ''} loads our serialization of every fixture and predicts identically${reason ? ` (skipped: ${reason})` : ''}`, () => {
    const jobs: XgbJob[] = [];
    const expectations: { name: string; expected: NonNullable<(typeof fixtures)[number]['range']> }[] = [];
    for (const f of fixtures) {
      const path = join(dir, `${f.name}.json`);
      writeFileSync(path, serializeXgboostJson(parseXgboostJson(f.modelText)));
      const named = f.name.includes('feature-names');
      jobs.push({ model: path, inputs: f.inputsPath, featureNames: named });
      expectations.push({ name: f.name, expected: f.expected });
      if (f.range !== undefined) {
        jobs.push({ model: path, inputs: f.inputsPath, featureNames: named, iterationRange: f.iterationRange! });
        expectations.push({ name: `${f.name} ${JSON.stringify(f.iterationRange)}`, expected: f.range });
      }
    }
    const results = runXgboost((py as { python: string }).python, jobs);
    results.forEach((r, i) => {
      const { name, expected } = expectations[i]!;
      expect(r.margin, name).toEqual(Array.from(expected.margin));
      expect(r.predict, name).toEqual(Array.from(expected.predict));
      expect(r.leaf, name).toEqual(Array.from(expected.leaf));
    });
  });

  it.skipIf(reason !== '')(`XGBoost loads trainer-style models we write and agrees with our predictions${reason ? ` (skipped: ${reason})` : ''}`, () => {
    const rng = createRandom(99);
    const cols = 5;
    const rows = 300;
    const lines = [Array.from({ length: cols }, (_, j) => `f${j}`).join(',')];
    const values = new Float64Array(rows * cols);
    for (let r = 0; r < rows; r++) {
      for (let j = 0; j < cols; j++) values[r * cols + j] = rng.next() < 0.1 ? NaN : rng.next() * 4 - 2;
      lines.push(Array.from(values.subarray(r * cols, (r + 1) * cols), (v) => (Number.isNaN(v) ? '' : String(v))).join(','));
    }
    const inputs = join(dir, 'random.inputs.csv');
    writeFileSync(inputs, `${lines.join('\n')}\n`);
    const matrix = { rows, cols, values };
    const models: TreeEnsemble[] = [
      randomEnsemble(2, 'binary:logistic', 0, 6, cols),
      randomEnsemble(3, 'reg:squarederror', 0, 6, cols),
      randomEnsemble(4, 'reg:logistic', 0, 4, cols),
      randomEnsemble(5, 'multi:softprob', 4, 3, cols),
      randomEnsemble(6, 'multi:softmax', 3, 3, cols),
      { ...randomEnsemble(7, 'binary:logistic', 0, 3, cols), featureNames: ['a', 'b', 'c', 'd', 'e'], featureTypes: ['float', 'float', 'int', 'q', 'float'] },
    ];
    const jobs = models.map((model, i) => {
      const path = join(dir, `random-${i}.json`);
      writeFileSync(path, serializeXgboostJson(model));
      return { model: path, inputs, featureNames: false };
    });
    // Feature names travel with the model; the matrix for the named model is given names too.
    jobs[5]!.featureNames = false;
    writeFileSync(join(dir, 'random-named.inputs.csv'), [['a', 'b', 'c', 'd', 'e'].join(','), ...lines.slice(1)].join('\n') + '\n');
    jobs[5] = { model: jobs[5]!.model, inputs: join(dir, 'random-named.inputs.csv'), featureNames: true };
    const results = runXgboost((py as { python: string }).python, jobs);
    models.forEach((model, i) => {
      const r = results[i]!;
      expect(r.margin, `model ${i} margin`).toEqual(Array.from(predictMargin(model, matrix)));
      expect(r.predict, `model ${i} predict`).toEqual(Array.from(predict(model, matrix)));
      expect(r.leaf, `model ${i} leaf`).toEqual(Array.from(predictLeaf(model, matrix)));
    });
  });
});
