/**
 * @module models/onnx/onnx-predictor.test
 * Runs the hand-built fixture models (scripts/fixtures/make-onnx-fixtures.py) through onnxruntime-node and
 * compares with the outputs numpy / scikit-learn computed for the same rows.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { isPlatformError } from '../../core/errors.js';
import type { FeatureMatrix, Predictor } from '../predictor.js';
import { loadOnnxPredictor, type OnnxPredictorOptions } from './index.js';

const FIXTURES = new URL('../../../test/fixtures/onnx/', import.meta.url);

interface Expected {
  inputs: number[][];
  expected: number[][];
  classes?: Array<string | number>;
}

function fixture(name: string): { bytes: Uint8Array; doc: Expected } {
  const bytes = new Uint8Array(readFileSync(new URL(`${name}.onnx`, FIXTURES)));
  const doc = JSON.parse(readFileSync(new URL(`${name}.expected.json`, FIXTURES), 'utf8')) as Expected;
  return { bytes, doc };
}

function matrix(rows: number[][]): FeatureMatrix {
  return { rows: rows.length, cols: rows[0]?.length ?? 0, values: Float64Array.from(rows.flat()) };
}

async function withPredictor<T>(name: string, options: OnnxPredictorOptions, use: (p: Predictor, doc: Expected) => Promise<T>): Promise<T> {
  const { bytes, doc } = fixture(name);
  const p = await loadOnnxPredictor(bytes, options);
  try {
    return await use(p, doc);
  } finally {
    await p.close?.();
  }
}

function expectClose(actual: Float64Array, expected: number[][]): void {
  const flat = expected.flat();
  expect(actual.length).toBe(flat.length);
  let worst = 0;
  for (let i = 0; i < flat.length; i++) worst = Math.max(worst, Math.abs(actual[i]! - flat[i]!));
  expect(worst).toBeLessThanOrEqual(1e-6);
}

async function rejection(promise: Promise<unknown>): Promise<{ code: string; message: string }> {
  try {
    await promise;
  } catch (e) {
    if (isPlatformError(e)) return { code: e.code, message: e.message };
    throw e;
  }
  throw new Error('expected a rejection');
}

describe('loadOnnxPredictor: fixtures match Python', () => {
  it('logistic regression (float32, label + probabilities [N, 2]) exposes both class columns', async () => {
    await withPredictor('logistic_regression', {}, async (p, doc) => {
      expect(p.kind).toBe('onnx');
      expect(p.featureNames).toEqual(['f0', 'f1', 'f2', 'f3']);
      expect(p.outputNames).toEqual(['0', '1']);
      expectClose(await p.predict(matrix(doc.inputs)), doc.expected);
    });
  });

  it('MLP regressor (float64 input, `variable` [N, 1]) gives one score column', async () => {
    await withPredictor('mlp_regressor', { featureNames: ['age', 'income', 'tenure'] }, async (p, doc) => {
      expect(p.featureNames).toEqual(['age', 'income', 'tenure']);
      expect(p.outputNames).toEqual(['score']);
      expectClose(await p.predict(matrix(doc.inputs)), doc.expected);
    });
  });

  it('TreeEnsembleClassifier (ai.onnx.ml, zipmap=False) names columns by its string class labels', async () => {
    await withPredictor('tree_classifier', {}, async (p, doc) => {
      expect(p.outputNames).toEqual(doc.classes);
      expect(p.outputNames).toEqual(['bronze', 'gold', 'silver']);
      expectClose(await p.predict(matrix(doc.inputs)), doc.expected);
    });
  });

  it('ZipMap output (sequence<map<int64, float>>) is read as the dense probabilities in label order', async () => {
    await withPredictor('tree_classifier_zipmap', {}, async (p, doc) => {
      expect(p.outputNames).toEqual(['3', '5', '7']);
      expect(p.outputNames).toEqual(doc.classes!.map(String));
      expectClose(await p.predict(matrix(doc.inputs)), doc.expected);
    });
    await withPredictor('tree_classifier_zipmap', { outputName: 'output_probability' }, async (p, doc) => {
      expectClose(await p.predict(matrix(doc.inputs)), doc.expected);
    });
  });

  it('a symbolic feature dimension takes its width from featureNames', async () => {
    await withPredictor('dynamic_features', { featureNames: ['a', 'b', 'c', 'd', 'e'] }, async (p, doc) => {
      expect(p.outputNames).toEqual(['score']);
      expectClose(await p.predict(matrix(doc.inputs)), doc.expected);
    });
  });

  it('an output width the metadata leaves symbolic is found by a probe run', async () => {
    await withPredictor('scaler', { featureNames: ['x', 'y', 'z'] }, async (p, doc) => {
      expect(p.outputNames).toEqual(['variable_0', 'variable_1', 'variable_2']);
      expectClose(await p.predict(matrix(doc.inputs)), doc.expected);
    });
  });
});

describe('loadOnnxPredictor: batches, outputs and edge rows', () => {
  it('splits rows into batches without changing the result', async () => {
    const { bytes, doc } = fixture('logistic_regression');
    const small = await loadOnnxPredictor(bytes, { batchRows: 7 });
    expectClose(await small.predict(matrix(doc.inputs)), doc.expected);
    await small.close?.();

    const rows = 40_000;
    const values = Float64Array.from({ length: rows * 4 }, (_, i) => Math.sin(i * 12.9898) * 3);
    const byBatch = await loadOnnxPredictor(bytes, { batchRows: 10_000 });
    const whole = await loadOnnxPredictor(bytes, { batchRows: rows });
    const a = await byBatch.predict({ rows, cols: 4, values });
    const b = await whole.predict({ rows, cols: 4, values });
    expect(a.length).toBe(rows * 2);
    expect(a).toEqual(b);
    await byBatch.close?.();
    await whole.close?.();
  });

  it('returns an empty result for no rows and NaN for rows with missing values', async () => {
    await withPredictor('mlp_regressor', {}, async (p, doc) => {
      expect(await p.predict({ rows: 0, cols: 3, values: new Float64Array(0) })).toEqual(new Float64Array(0));
      const out = await p.predict(matrix([[NaN, 0, 0], doc.inputs[0]!]));
      expect(Number.isNaN(out[0])).toBe(true);
      expect(out[1]).toBeCloseTo(doc.expected[0]![0]!, 12);
    });
  });

  it('reads an int64 output when asked by outputName', async () => {
    await withPredictor('logistic_regression', { outputName: 'label' }, async (p, doc) => {
      expect(p.outputNames).toEqual(['score']);
      const labels = await p.predict(matrix(doc.inputs));
      expect(Array.from(labels)).toEqual(doc.expected.map((r) => (r[1]! > r[0]! ? 1 : 0)));
    });
  });
});

describe('loadOnnxPredictor: refusals', () => {
  it('rejects bytes that are not an ONNX model', async () => {
    const json = new TextEncoder().encode('{"learner": {"gradient_booster": {}}}');
    const otherProtobuf = Uint8Array.from([0x0a, 0x02, 0x41, 0x42]);
    const truncated = fixture('tree_classifier').bytes.subarray(0, 500);
    for (const bytes of [new Uint8Array(0), json, otherProtobuf, truncated]) {
      const e = await rejection(loadOnnxPredictor(bytes));
      expect(e.code).toBe('VALIDATION_FAILED');
      expect(e.message).toMatch(/^not an ONNX model/);
    }
  });

  it('rejects a model with several inputs', async () => {
    const e = await rejection(loadOnnxPredictor(fixture('three_inputs').bytes));
    expect(e).toEqual({
      code: 'VALIDATION_FAILED',
      message: 'the ONNX model expects 3 inputs (a, b, c); plumbline feeds one [N, F] float tensor',
    });
  });

  it('rejects a feature count that differs from the model, naming both numbers', async () => {
    await withPredictor('logistic_regression', {}, async (p) => {
      const e = await rejection(p.predict({ rows: 1, cols: 3, values: new Float64Array(3) }));
      expect(e.code).toBe('VALIDATION_FAILED');
      expect(e.message).toContain('got 3 feature columns, the ONNX model reads 4');
    });
    const e = await rejection(loadOnnxPredictor(fixture('logistic_regression').bytes, { featureNames: ['a', 'b'] }));
    expect(e.message).toBe('featureNames: got 2 names but the model\'s input "float_input" has 4 features');
  });

  it('needs featureNames when the feature dimension is symbolic', async () => {
    const e = await rejection(loadOnnxPredictor(fixture('dynamic_features').bytes));
    expect(e.message).toBe('featureNames: the model\'s input "float_input" has no fixed feature count; pass featureNames');
  });

  it('rejects unknown, non-numeric and mismatched input/output names', async () => {
    const tree = fixture('tree_classifier').bytes;
    expect((await rejection(loadOnnxPredictor(tree, { outputName: 'scores' }))).message).toBe(
      'outputName: the ONNX model has no output "scores" (outputs: label, probabilities)',
    );
    expect((await rejection(loadOnnxPredictor(tree, { outputName: 'label' }))).message).toMatch(/output "label" is string/);
    expect((await rejection(loadOnnxPredictor(tree, { inputName: 'input' }))).message).toBe(
      'inputName: the ONNX model has no input "input" (its input is "float_input")',
    );
    expect((await rejection(loadOnnxPredictor(tree, { batchRows: 0 }))).code).toBe('VALIDATION_FAILED');
  });
});
