import { describe, expect, it } from 'vitest';
import { isPlatformError } from '../../../core/errors.js';
import { loadFixtures } from '../../../../test/fixtures/xgboost/fixtures.js';
import { parseXgboostJson } from '../xgboost/xgboost-json.js';
import { predict } from './predict.js';
import { TreeEnsemblePredictor } from './tree-ensemble-predictor.js';

const fixtures = loadFixtures();
const model = (name: string) => parseXgboostJson(fixtures.find((f) => f.name === name)!.modelText);

describe('TreeEnsemblePredictor', () => {
  it('names features and outputs from the model', () => {
    const binary = new TreeEnsemblePredictor(model('binary-logistic-hist-missing'));
    expect(binary.kind).toBe('xgboost');
    expect(binary.featureNames).toEqual(['f0', 'f1', 'f2', 'f3', 'f4', 'f5']);
    expect(binary.outputNames).toEqual(['score']);
    expect(new TreeEnsemblePredictor(model('binary-logistic-feature-names')).featureNames).toEqual(['age', 'income', 'tenure_months', 'score', 'has_card', 'balance']);
    expect(new TreeEnsemblePredictor(model('multi-softprob-hist')).outputNames).toEqual(['0', '1', '2']);
    expect(new TreeEnsemblePredictor(model('multi-softmax-exact')).outputNames).toEqual(['score']);
    expect(new TreeEnsemblePredictor(model('reg-squarederror-hist')).outputNames).toEqual(['score']);
  });

  it('predicts as XGBoost does, on the calling thread or over workers', async () => {
    for (const f of fixtures) {
      const m = parseXgboostJson(f.modelText);
      const scores = await new TreeEnsemblePredictor(m).predict(f.inputs);
      expect(Array.from(scores), f.name).toEqual(Array.from(f.expected.predict));
      const parallel = await new TreeEnsemblePredictor(m, { threads: 2, minWork: 0 }).predict(f.inputs);
      expect(Array.from(parallel), f.name).toEqual(Array.from(f.expected.predict));
    }
  });

  it('reuses its scratch buffers across calls of any size without changing a bit', async () => {
    for (const f of fixtures) {
      const m = parseXgboostJson(f.modelText);
      const p = new TreeEnsemblePredictor(m, { threads: 1 });
      const out = Array.from(f.expected.predict);
      const width = out.length / f.inputs.rows;
      // Single rows, then the whole batch (several 64-row blocks when the fixture has them), then single rows again:
      // stale scratch contents from a larger call must not leak into a smaller one.
      for (const pass of [0, 1, 2]) {
        if (pass === 1) {
          expect(Array.from(await p.predict(f.inputs)), f.name).toEqual(out);
          continue;
        }
        for (let r = 0; r < Math.min(f.inputs.rows, 5); r++) {
          const row = { rows: 1, cols: f.inputs.cols, values: f.inputs.values.slice(r * f.inputs.cols, (r + 1) * f.inputs.cols) };
          expect(Array.from(await p.predict(row)), `${f.name} row ${r}`).toEqual(out.slice(r * width, (r + 1) * width));
        }
      }
    }
  });

  it('uses the best iteration of an early-stopped model when asked', async () => {
    const f = fixtures.find((x) => x.name === 'binary-logistic-early-stopped')!;
    const m = parseXgboostJson(f.modelText);
    expect(Array.from(await new TreeEnsemblePredictor(m, { bestIteration: true }).predict(f.inputs))).toEqual(Array.from(f.range!.predict));
    expect(Array.from(await new TreeEnsemblePredictor(m).predict(f.inputs))).toEqual(Array.from(predict(m, f.inputs)));
  });

  it('refuses a matrix with another number of columns, naming both numbers', async () => {
    const p = new TreeEnsemblePredictor(model('binary-logistic-hist-missing'));
    const error = await p.predict({ rows: 1, cols: 4, values: new Float64Array(4) }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(isPlatformError(error) && error.code).toBe('VALIDATION_FAILED');
    expect((error as Error).message).toBe('matrix.cols: the matrix has 4 columns but the model reads 6 features');
  });
});
