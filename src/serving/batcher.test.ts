/**
 * @module serving/batcher.test
 * Dynamic batching hands every request its own rows' scores, merges concurrent small requests into one model
 * call, leaves large ones alone, and fails every request of a batch whose model call failed.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseXgboostJson, TreeEnsemblePredictor, type FeatureMatrix, type Predictor } from '../models/index.js';
import { PredictBatcher } from './batcher.js';

const model = parseXgboostJson(readFileSync(new URL('../../test/fixtures/xgboost/binary-logistic-base-score.model.json', import.meta.url), 'utf8'));

/** The real tree predictor, with its calls counted. */
function counted(): { predictor: Predictor; calls: number[] } {
  const inner = new TreeEnsemblePredictor(model);
  const calls: number[] = [];
  return {
    calls,
    predictor: {
      kind: inner.kind,
      featureNames: inner.featureNames,
      outputNames: inner.outputNames,
      predict: (m: FeatureMatrix) => {
        calls.push(m.rows);
        return inner.predict(m);
      },
    },
  };
}

const row = (i: number): FeatureMatrix => ({ rows: 1, cols: 6, values: Float64Array.from([i * 0.1, -i * 0.05, i % 3, 0.5, NaN, i * 0.01]) });

describe('PredictBatcher', () => {
  it('merges concurrent single rows into one call and returns each request its own score', async () => {
    const { predictor, calls } = counted();
    const batcher = new PredictBatcher(predictor, 64);
    const inputs = Array.from({ length: 100 }, (_, i) => row(i));
    const batched = await Promise.all(inputs.map((m) => batcher.predict(m)));
    const alone = await Promise.all(inputs.map((m) => new TreeEnsemblePredictor(model).predict(m)));
    expect(batched.map((s) => Array.from(s))).toEqual(alone.map((s) => Array.from(s)));
    expect(calls).toEqual([64, 36]);
    const big: FeatureMatrix = { rows: 100, cols: 6, values: new Float64Array(600) };
    await batcher.predict(big);
    expect(calls.at(-1)).toBe(100);
  });

  it('fails every request of a failed batch', async () => {
    const failing: Predictor = { kind: 'x', featureNames: ['a'], outputNames: ['score'], predict: async () => Promise.reject(new Error('model crashed')) };
    const batcher = new PredictBatcher(failing);
    const results = await Promise.allSettled([1, 2, 3].map(() => batcher.predict({ rows: 1, cols: 1, values: new Float64Array(1) })));
    expect(results.map((r) => r.status)).toEqual(['rejected', 'rejected', 'rejected']);
  });
});
