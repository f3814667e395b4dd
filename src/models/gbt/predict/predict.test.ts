import { describe, expect, it } from 'vitest';
import { isPlatformError } from '../../../core/errors.js';
import { loadFixtures, type Expected, type XgbFixture } from '../../../../test/fixtures/xgboost/fixtures.js';
import type { Tree, TreeEnsemble } from '../tree-ensemble.js';
import { parseXgboostJson } from '../xgboost/xgboost-json.js';
import { baseMarginF32, sigmoidF32 } from './float32-math.js';
import { predictAsync, predictMarginAsync } from './parallel.js';
import { predict, predictLeaf, predictMargin } from './predict.js';
import { bestIterationRange, type PredictOptions } from './tree-range.js';

const fixtures = loadFixtures();

function compare(fixture: XgbFixture, expected: Expected, options: PredictOptions) {
  const model = parseXgboostJson(fixture.modelText);
  const margin = predictMargin(model, fixture.inputs, undefined, options);
  const output = predict(model, fixture.inputs, options);
  let marginDiffs = 0;
  for (let i = 0; i < margin.length; i++) if (margin[i] !== expected.margin[i]) marginDiffs++;
  let maxPredictDiff = 0;
  let predictDiffs = 0;
  for (let i = 0; i < output.length; i++) {
    const d = Math.abs(output[i]! - expected.predict[i]!);
    if (d !== 0) predictDiffs++;
    maxPredictDiff = Math.max(maxPredictDiff, d);
  }
  return { model, margin, output, marginDiffs, predictDiffs, maxPredictDiff };
}

describe('tree-ensemble prediction vs XGBoost 1.7 fixtures', () => {
  it('has every required case', () => {
    const names = fixtures.map((f) => f.name);
    expect(names.length).toBeGreaterThanOrEqual(11);
    for (const objective of ['binary:logistic', 'reg:logistic', 'reg:squarederror', 'multi:softprob', 'multi:softmax']) {
      expect(fixtures.some((f) => f.objective === objective), objective).toBe(true);
    }
  });

  for (const fixture of fixtures) {
    it(`${fixture.name}: margins bit-identical, outputs identical, leaves equal`, () => {
      const { model, margin, output, marginDiffs, predictDiffs, maxPredictDiff } = compare(fixture, fixture.expected, {});
      expect(margin.length).toBe(fixture.inputs.rows * fixture.expected.marginCols);
      expect(output.length).toBe(fixture.inputs.rows * fixture.expected.predictCols);
      expect(marginDiffs).toBe(0);
      expect(maxPredictDiff).toBeLessThanOrEqual(1e-7);
      expect(predictDiffs).toBe(0);
      const leaf = predictLeaf(model, fixture.inputs);
      expect(leaf.length).toBe(fixture.inputs.rows * fixture.expected.leafCols);
      expect(Array.from(leaf)).toEqual(Array.from(fixture.expected.leaf));
    });
  }

  for (const fixture of fixtures.filter((f) => f.range !== undefined)) {
    it(`${fixture.name}: iterationRange ${JSON.stringify(fixture.iterationRange)} matches XGBoost's iteration_range`, () => {
      const options = { iterationRange: fixture.iterationRange! };
      const { model, marginDiffs, predictDiffs } = compare(fixture, fixture.range!, options);
      expect(marginDiffs).toBe(0);
      expect(predictDiffs).toBe(0);
      if (fixture.range!.leafCols > 0) expect(Array.from(predictLeaf(model, fixture.inputs, options))).toEqual(Array.from(fixture.range!.leaf));
    });
  }

  it('early-stopped model: best_iteration gives the rounds XGBoost used, ntreeLimit is the same cut', () => {
    const fixture = fixtures.find((f) => f.name === 'binary-logistic-early-stopped')!;
    const model = parseXgboostJson(fixture.modelText);
    const range = bestIterationRange(model)!;
    expect(range).toEqual([0, fixture.bestIteration! + 1]);
    expect(range[1]).toBeLessThan(model.trees.length);
    const byRange = predict(model, fixture.inputs, { iterationRange: range });
    expect(Array.from(byRange)).toEqual(Array.from(fixture.range!.predict));
    expect(Array.from(predict(model, fixture.inputs, { ntreeLimit: range[1] }))).toEqual(Array.from(byRange));
    expect(predictLeaf(model, fixture.inputs, { ntreeLimit: range[1] }).length).toBe(fixture.inputs.rows * range[1]);
  });

  it('multi-class rounds hold one tree per class', () => {
    const fixture = fixtures.find((f) => f.objective === 'multi:softprob')!;
    const model = parseXgboostJson(fixture.modelText);
    expect(predictLeaf(model, fixture.inputs, { iterationRange: [0, 2] }).length).toBe(fixture.inputs.rows * 2 * model.numClass);
    expect(() => predict(model, fixture.inputs, { iterationRange: [0, model.trees.length] })).toThrow(/iterationRange/);
    expect(() => predict(model, fixture.inputs, { iterationRange: [0, 2], ntreeLimit: 1 })).toThrow(/ntreeLimit/);
  });

  it('parallel prediction over workers is identical to the calling thread', async () => {
    for (const name of ['multi-softprob-hist', 'binary-logistic-hist-missing']) {
      const fixture = fixtures.find((f) => f.name === name)!;
      const model = parseXgboostJson(fixture.modelText);
      const sync = predict(model, fixture.inputs);
      const parallel = await predictAsync(model, fixture.inputs, { threads: 2, minWork: 0 });
      expect(Array.from(parallel)).toEqual(Array.from(sync));
      const margin = await predictMarginAsync(model, fixture.inputs, { threads: 2, minWork: 0, iterationRange: [1, 3] });
      expect(Array.from(margin)).toEqual(Array.from(predictMargin(model, fixture.inputs, undefined, { iterationRange: [1, 3] })));
    }
  });
});

/** One split on feature 0 at `threshold`; leaves -1 (left) and 1 (right). */
function stump(threshold: number, defaultLeft: 0 | 1, numFeature = 1): TreeEnsemble {
  const tree: Tree = {
    left: Int32Array.of(1, -1, -1),
    right: Int32Array.of(2, -1, -1),
    parent: Int32Array.of(-1, 0, 0),
    splitIndex: Int32Array.of(0, 0, 0),
    splitCondition: Float32Array.of(threshold, -1, 1),
    defaultLeft: Uint8Array.of(defaultLeft, 0, 0),
    sumHessian: Float32Array.of(2, 1, 1),
    lossChange: Float32Array.of(1, 0, 0),
    baseWeight: Float32Array.of(0, -1, 1),
  };
  return { objective: 'reg:squarederror', numFeature, numClass: 0, baseScore: 0, trees: [tree], treeInfo: Int32Array.of(0) };
}

const column = (...xs: number[]) => ({ rows: xs.length, cols: 1, values: Float64Array.from(xs) });

describe('prediction semantics', () => {
  it('rounds inputs to float32 before comparing, as XGBoost does', () => {
    const t = Math.fround(0.1);
    const below = t - 1e-12; // below the threshold in float64, equal to it in float32
    expect(below < t && Math.fround(below) === t).toBe(true);
    const model = stump(0.1, 0);
    expect(Array.from(predictMargin(model, column(t, below, Math.fround(t - 1e-8), -Infinity, Infinity, 1e39)))).toEqual([1, 1, -1, -1, 1, 1]);
  });

  it('sends missing values to the default child and treats -0 as 0', () => {
    expect(Array.from(predictMargin(stump(0, 1), column(NaN, -0, 0, -1e-30)))).toEqual([-1, 1, 1, -1]);
    expect(Array.from(predictMargin(stump(0, 0), column(NaN)))).toEqual([1]);
    // Non-finite thresholds keep float semantics: nothing is below -Infinity, everything finite is below +Infinity.
    expect(Array.from(predictMargin(stump(-Infinity, 1), column(NaN, -Infinity, -1e30)))).toEqual([-1, 1, 1]);
    expect(Array.from(predictMargin(stump(Infinity, 0), column(NaN, Infinity, 1e30)))).toEqual([1, 1, -1]);
  });

  it('adds leaves in float32 after a float32 base margin', () => {
    const model: TreeEnsemble = { ...stump(0, 0), objective: 'binary:logistic', baseScore: 0.3 };
    const base = baseMarginF32(model);
    expect(base).toBe(Math.fround(Math.log(0.3 / 0.7)));
    expect(predictMargin(model, column(1))[0]).toBe(Math.fround(base + 1));
    expect(predict(model, column(1))[0]).toBe(sigmoidF32(Math.fround(base + 1)));
    expect(sigmoidF32(-100)).toBeGreaterThan(0); // XGBoost clamps exp's argument at 88.7
    expect(sigmoidF32(100)).toBe(1);
  });

  it('walks trees whose nodes are not in XGBoost order (right child anywhere)', () => {
    // Depth-first numbering: 0 splits x0 < 0 into 1 (leaf -5) and 2; 2 splits x0 < 1 into 4 (leaf 2) and 3 (leaf 7).
    const tree: Tree = {
      left: Int32Array.of(1, -1, 4, -1, -1),
      right: Int32Array.of(2, -1, 3, -1, -1),
      parent: Int32Array.of(-1, 0, 0, 2, 2),
      splitIndex: Int32Array.of(0, 0, 0, 0, 0),
      splitCondition: Float32Array.of(0, -5, 1, 7, 2),
      defaultLeft: Uint8Array.of(0, 0, 1, 0, 0),
      sumHessian: new Float32Array(5),
      lossChange: new Float32Array(5),
      baseWeight: new Float32Array(5),
    };
    const model: TreeEnsemble = { objective: 'reg:squarederror', numFeature: 1, numClass: 0, baseScore: 0.5, trees: [tree], treeInfo: Int32Array.of(0) };
    expect(Array.from(predictMargin(model, column(-1, 0.5, 3, NaN)))).toEqual([-4.5, 2.5, 7.5, 2.5]);
    expect(Array.from(predictLeaf(model, column(-1, 0.5, 3, NaN)))).toEqual([1, 4, 3, 4]);
  });

  it('refuses cycles and matrices of the wrong width, naming both widths', () => {
    const model = stump(0, 0, 3);
    const bad = { ...model, trees: [{ ...model.trees[0]!, left: Int32Array.of(1, 1, -1), right: Int32Array.of(2, 2, -1) }] };
    expect(() => predictMargin(bad, { rows: 1, cols: 3, values: new Float64Array(3) })).toThrow(/reached twice/);
    try {
      predict(model, { rows: 2, cols: 2, values: new Float64Array(4) });
      expect.unreachable();
    } catch (e) {
      expect(isPlatformError(e) && e.code).toBe('VALIDATION_FAILED');
      expect((e as Error).message).toMatch(/2 columns.*3 features/);
    }
  });

  it('fills a caller-provided output buffer without allocating a new one', () => {
    const out = new Float64Array(3);
    expect(predictMargin(stump(0, 0), column(-1, 1, NaN), out)).toBe(out);
    expect(Array.from(out)).toEqual([-1, 1, 1]);
    expect(() => predictMargin(stump(0, 0), column(1), new Float64Array(2))).toThrow(/out.length/);
  });

  it('handles zero rows and a single-leaf tree', () => {
    const leafOnly: TreeEnsemble = {
      ...stump(0, 0),
      trees: [{ ...stump(0, 0).trees[0]!, left: Int32Array.of(-1), right: Int32Array.of(-1), parent: Int32Array.of(-1), splitIndex: Int32Array.of(0), splitCondition: Float32Array.of(0.25), defaultLeft: Uint8Array.of(0), sumHessian: Float32Array.of(1), lossChange: Float32Array.of(0), baseWeight: Float32Array.of(0.25) }],
    };
    expect(Array.from(predictMargin(leafOnly, column(3, NaN)))).toEqual([0.25, 0.25]);
    expect(predictMargin(leafOnly, column()).length).toBe(0);
  });
});
