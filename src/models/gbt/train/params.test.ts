import { describe, expect, it } from 'vitest';
import { isPlatformError, ValidationError } from '../../../core/errors.js';
import { parseTrainParams } from './params.js';
import { train } from './train.js';

function issuesOf(fn: () => unknown): { path: string; message: string }[] {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(ValidationError);
    return (e as ValidationError).issues;
  }
  throw new Error('expected a ValidationError');
}

async function rejects(p: Promise<unknown>): Promise<ValidationError> {
  try {
    await p;
  } catch (e) {
    expect(isPlatformError(e) && e.code).toBe('VALIDATION_FAILED');
    return e as ValidationError;
  }
  throw new Error('expected a ValidationError');
}

describe('parseTrainParams', () => {
  it('fills XGBoost 1.7 defaults', () => {
    const p = parseTrainParams({ objective: 'binary:logistic' });
    expect(p).toMatchObject({
      num_round: 10,
      eta: 0.3,
      max_depth: 6,
      min_child_weight: 1,
      gamma: 0,
      lambda: 1,
      alpha: 0,
      max_delta_step: 0,
      subsample: 1,
      colsample_bytree: 1,
      colsample_bylevel: 1,
      scale_pos_weight: 1,
      base_score: 0.5,
      max_bin: 256,
      seed: 0,
      num_class: 0,
      eval_metric: ['logloss'],
      verbose_eval: 1,
    });
    expect(p.early_stopping_rounds).toBeUndefined();
    expect(parseTrainParams({}).objective).toBe('reg:squarederror');
    expect(parseTrainParams({}).eval_metric).toEqual(['rmse']);
    expect(parseTrainParams({ objective: 'reg:logistic' }).eval_metric).toEqual(['rmse']);
    expect(parseTrainParams({ objective: 'multi:softprob', num_class: 3 }).eval_metric).toEqual(['mlogloss']);
  });

  it('parses string values as SageMaker hyperparameters come', () => {
    const p = parseTrainParams({
      objective: 'binary:logistic',
      num_round: '500',
      eta: '0.1',
      max_depth: '8',
      min_child_weight: '4',
      subsample: ' 0.8 ',
      gamma: '1e-3',
      eval_metric: 'auc,logloss',
      early_stopping_rounds: '10',
      verbose_eval: 'false',
    });
    expect(p).toMatchObject({ num_round: 500, eta: 0.1, max_depth: 8, min_child_weight: 4, subsample: 0.8, gamma: 0.001, early_stopping_rounds: 10, verbose_eval: 0 });
    expect(p.eval_metric).toEqual(['auc', 'logloss']);
    expect(parseTrainParams({ eval_metric: ['mae', 'rmse'], verbose_eval: 25 }).eval_metric).toEqual(['mae', 'rmse']);
    expect(parseTrainParams({ objective: 'binary:logistic', eval_metric: 'error@0.7' }).eval_metric).toEqual(['error@0.7']);
  });

  it('accepts XGBoost aliases and the one supported tree_method/grow_policy', () => {
    const p = parseTrainParams({ learning_rate: 0.05, min_split_loss: 2, reg_lambda: 3, reg_alpha: 0.5, num_boost_round: 7, tree_method: 'hist', grow_policy: 'depthwise' });
    expect(p).toMatchObject({ eta: 0.05, gamma: 2, lambda: 3, alpha: 0.5, num_round: 7 });
  });

  it('refuses unknown parameters by name', () => {
    const issues = issuesOf(() => parseTrainParams({ objective: 'binary:logistic', max_dpeth: 6 }));
    expect(issues).toHaveLength(1);
    expect(issues[0]!.path).toBe('max_dpeth');
    expect(issues[0]!.message).toMatch(/unknown parameter "max_dpeth"/);
    expect(issuesOf(() => parseTrainParams({ eta: 0.1, learning_rate: 0.2 }))[0]!.message).toMatch(/same parameter/);
  });

  it('names the field and the value of out-of-range parameters, all at once', () => {
    const issues = issuesOf(() =>
      parseTrainParams({ eta: 0, max_depth: -1, subsample: '1.5', colsample_bytree: 0, min_child_weight: 'lots', num_round: 2.5, max_bin: 1 }),
    );
    const byPath = Object.fromEntries(issues.map((i) => [i.path, i.message]));
    expect(byPath.eta).toBe('got 0, expected a number > 0');
    expect(byPath.max_depth).toMatch(/^got -1, expected an integer from 0/);
    expect(byPath.subsample).toBe('got "1.5", expected a number in (0, 1]');
    expect(byPath.colsample_bytree).toMatch(/^got 0,/);
    expect(byPath.min_child_weight).toMatch(/^got "lots",/);
    expect(byPath.num_round).toMatch(/^got 2.5, expected an integer >= 1/);
    expect(byPath.max_bin).toMatch(/^got 1,/);
    expect(issues).toHaveLength(7);
  });

  it('checks objective-dependent parameters', () => {
    expect(issuesOf(() => parseTrainParams({ objective: 'multi:softmax' }))[0]).toEqual({ path: 'num_class', message: 'is required for multi:softmax (the number of classes, >= 2)' });
    expect(issuesOf(() => parseTrainParams({ objective: 'multi:softprob', num_class: 1 }))[0]!.path).toBe('num_class');
    expect(issuesOf(() => parseTrainParams({ objective: 'binary:logistic', num_class: 2 }))[0]!.message).toMatch(/applies only to multi/);
    expect(issuesOf(() => parseTrainParams({ objective: 'binary:logisitc' }))[0]!.message).toMatch(/^got "binary:logisitc", expected one of binary:logistic/);
    expect(issuesOf(() => parseTrainParams({ objective: 'binary:logistic', base_score: 1 }))[0]!.path).toBe('base_score');
    expect(issuesOf(() => parseTrainParams({ objective: 'binary:logistic', eval_metric: 'mlogloss' }))[0]!.message).toMatch(/^got "mlogloss", expected a metric for binary:logistic/);
    expect(issuesOf(() => parseTrainParams({ objective: 'multi:softprob', num_class: 3, eval_metric: 'auc' }))[0]!.path).toBe('eval_metric');
    expect(issuesOf(() => parseTrainParams({ tree_method: 'exact' }))[0]!.message).toMatch(/"hist"/);
    expect(issuesOf(() => parseTrainParams({ verbose_eval: 'sometimes' }))[0]!.path).toBe('verbose_eval');
  });
});

describe('train input validation', () => {
  const matrix = { rows: 4, cols: 1, values: Float64Array.of(1, 2, 3, 4) };

  it('names the first bad label row and value', async () => {
    let e = await rejects(train({ objective: 'binary:logistic' }, { matrix, label: Float64Array.of(0, 1, 2, 1) }));
    expect(e.issues[0]).toEqual({ path: 'train.label[2]', message: 'row 3 has label 2, expected 0 or 1 for binary:logistic' });
    e = await rejects(train({ objective: 'binary:logistic' }, { matrix, label: Float64Array.of(0, NaN, 1, 1) }));
    expect(e.issues[0]!.message).toBe('row 2 has label NaN, expected a finite number');
    e = await rejects(train({ objective: 'reg:logistic' }, { matrix, label: Float64Array.of(0, 0.5, 1.5, 1) }));
    expect(e.issues[0]!.path).toBe('train.label[2]');
    e = await rejects(train({ objective: 'multi:softprob', num_class: 3 }, { matrix, label: Float64Array.of(0, 1, 2, 3) }));
    expect(e.issues[0]!.message).toBe('row 4 has label 3, expected an integer class from 0 to 2 for multi:softprob (num_class=3)');
    e = await rejects(train({ objective: 'multi:softmax', num_class: 3 }, { matrix, label: Float64Array.of(0, 1.5, 2, 1) }));
    expect(e.issues[0]!.path).toBe('train.label[1]');
    e = await rejects(train({}, { matrix, label: [1, 2, '3', 4] as unknown as Float64Array }));
    expect(e.issues[0]!.message).toBe('row 3 has label "3", expected a finite number');
    e = await rejects(
      train({ objective: 'binary:logistic' }, { matrix, label: Float64Array.of(0, 1, 1, 0) }, { validation: { matrix, label: Float64Array.of(0, 1, 7, 0) } }),
    );
    expect(e.issues[0]!.path).toBe('validation.label[2]');
  });

  it('refuses empty or malformed data and bad weights', async () => {
    let e = await rejects(train({}, { matrix: { rows: 0, cols: 3, values: new Float64Array(0) }, label: new Float64Array(0) }));
    expect(e.message).toMatch(/empty \(0 rows x 3 features\)/);
    e = await rejects(train({}, { matrix, label: Float64Array.of(1, 2) }));
    expect(e.message).toMatch(/2 labels for 4 rows/);
    e = await rejects(train({}, { matrix: { rows: 2, cols: 2, values: Float64Array.of(1, Infinity, 3, 4) }, label: Float64Array.of(1, 2) }));
    expect(e.message).toMatch(/row 1, feature f1 holds Infinity/);
    e = await rejects(train({}, { matrix, label: Float64Array.of(1, 2, 3, 4), weight: Float64Array.of(1, -1, 1, 1) }));
    expect(e.issues[0]!.path).toBe('train.weight[1]');
    e = await rejects(train({}, { matrix, label: Float64Array.of(1, 2, 3, 4) }, { validation: { matrix: { rows: 1, cols: 2, values: Float64Array.of(1, 2) }, label: Float64Array.of(1) } }));
    expect(e.issues[0]!.path).toBe('validation.matrix.cols');
    e = await rejects(train({ early_stopping_rounds: 3 }, { matrix, label: Float64Array.of(1, 2, 3, 4) }, { evalTrain: false }));
    expect(e.issues[0]!.path).toBe('early_stopping_rounds');
    e = await rejects(train({ eta: -1 }, { matrix, label: Float64Array.of(1, 2, 3, 4) }));
    expect(e.issues[0]!.path).toBe('eta');
  });
});
