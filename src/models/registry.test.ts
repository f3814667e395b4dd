import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPlatform, generateScholarship, writeTable, type Platform } from '../index.js';
import { sliceTable } from '../core/columns.js';

const fixtures = fileURLToPath(new URL('../../test/fixtures/', import.meta.url));

describe('model registry and estimator', () => {
  let dir: string;
  let platform: Platform;
  let trainNh: string;
  let validationNh: string;
  let testWithHeader: string;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'plumbline-models-'));
    platform = await createPlatform({ home: join(dir, 'ws'), offlineFlushIntervalMs: 0, purgeIntervalMs: 0 });
    const all = generateScholarship({ rows: 1000, seed: 11, eventTime: 1_700_000_000 });
    const features = { length: all.length, columns: all.columns.slice(0, 7) };
    trainNh = join(dir, 'train.csv');
    validationNh = join(dir, 'validation.csv');
    testWithHeader = join(dir, 'test.csv');
    await writeTable(sliceTable(features, 0, 600), trainNh, { header: false });
    await writeTable(sliceTable(features, 600, 800), validationNh, { header: false });
    await writeTable(sliceTable(features, 800, 1000), testWithHeader);
  });
  afterAll(async () => {
    await platform.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('trains from header-less CSVs (label first), registers an XGBoost JSON model and predicts by name or position', async () => {
    const lines: string[] = [];
    const fit = await platform.models
      .estimator({ objective: 'binary:logistic', max_depth: 4, eta: 0.3, num_round: 20, eval_metric: 'auc', verbose_eval: 5 })
      .fit({ train: trainNh, validation: validationNh }, { modelName: 'scholarship', log: (l) => lines.push(l) });
    expect(lines[0]).toMatch(/^\[0\]\ttrain-auc:0\.\d{5}\tvalidation-auc:0\.\d{5}$/);
    expect(fit.model).toMatchObject({ ModelName: 'scholarship', format: 'xgboost-json', featureNames: ['f0', 'f1', 'f2', 'f3', 'f4', 'f5'], outputNames: ['score'], label: '_c0', numTrees: 20, source: 'trained' });
    expect(fit.model.metrics!['validation-auc']).toBeGreaterThan(0.7);
    const predicted = await platform.models.predict('scholarship', testWithHeader, { label: 'approved' });
    const score = predicted.columns.find((c) => c.name === 'score')!;
    expect(score.values.length).toBe(200);
    expect(Array.from(score.values as Float64Array).every((p) => p > 0 && p < 1)).toBe(true);
    // The registered file is XGBoost's format and loads back to the same predictions.
    const exported = join(dir, 'exported.json');
    await platform.models.export('scholarship', exported);
    const again = await platform.models.importModel(exported, { name: 'scholarship-copy' });
    const copy = await platform.models.predict('scholarship-copy', testWithHeader, { label: 'approved' });
    expect(copy.columns.find((c) => c.name === 'score')!.values).toEqual(score.values);
    expect(again.featureNames).toEqual(['f0', 'f1', 'f2', 'f3', 'f4', 'f5']);
  });

  it('refuses a taken or invalid name before training and leaves nothing half-written', async () => {
    const before = await platform.objectStore.list('models/');
    await expect(platform.models.estimator({ objective: 'binary:logistic', num_round: 2 }).fit({ train: trainNh }, { modelName: 'scholarship' })).rejects.toMatchObject({ code: 'ALREADY_EXISTS' });
    await expect(platform.models.estimator({ num_round: 2 }).fit({ train: trainNh }, { modelName: '-bad-' })).rejects.toThrow(/name: got "-bad-"/);
    await expect(platform.models.estimator({ objective: 'binary:logistic', num_rounds: 2 }).fit({ train: trainNh }, { modelName: 'typo' })).rejects.toThrow(/num_rounds/);
    await expect(platform.models.describe('typo')).rejects.toMatchObject({ code: 'NOT_FOUND' });
    expect(await platform.objectStore.list('models/')).toEqual(before);
  });

  it('gives clear errors for bad training data', async () => {
    const est = () => platform.models.estimator({ objective: 'binary:logistic', num_round: 2 });
    const write = (name: string, text: string) => {
      const p = join(dir, name);
      writeFileSync(p, text);
      return p;
    };
    await expect(est().fit({ train: { data: write('nan.csv', 'label,x\n1,2\n,3\n'), label: 'label' } }, { modelName: 'm1' })).rejects.toThrow(/row 2 has label NaN/);
    await expect(est().fit({ train: { data: write('three.csv', 'y,x\n0,1\n2,3\n1,4\n'), label: 'y' } }, { modelName: 'm2' })).rejects.toThrow(/row 2 has label 2, expected 0 or 1/);
    await expect(est().fit({ train: { data: write('strings.csv', 'y,x\n0,a\n1,b\n'), label: 'y' } }, { modelName: 'm3' })).rejects.toThrow(/column "x" holds strings/);
    await expect(est().fit({ train: write('empty.csv', '') }, { modelName: 'm4' })).rejects.toMatchObject({ code: 'VALIDATION_FAILED' });
    await expect(est().fit({ train: { data: write('nolabel.csv', 'a,b\n1,2\n'), label: 'y' } }, { modelName: 'm5' })).rejects.toThrow(/no column "y"/);
    expect((await platform.models.list()).map((m) => m.ModelName)).toEqual(['scholarship', 'scholarship-copy']);
  });

  it('imports XGBoost and ONNX files, refuses corrupt ones, checks feature counts at predict time', async () => {
    const xgb = await platform.models.importModel(join(fixtures, 'xgboost/binary-logistic-feature-names.model.json'), { name: 'from-xgboost' });
    expect(xgb.format).toBe('xgboost-json');
    const onnx = await platform.models.importModel(join(fixtures, 'onnx/logistic_regression.onnx'), { name: 'from-onnx' });
    expect(onnx).toMatchObject({ format: 'onnx', outputNames: ['0', '1'] });
    const bad = join(dir, 'bad.json');
    writeFileSync(bad, '{"learner": {}}');
    await expect(platform.models.importModel(bad, { name: 'bad-json' })).rejects.toMatchObject({ code: 'VALIDATION_FAILED' });
    writeFileSync(join(dir, 'bad.onnx'), 'not a model');
    await expect(platform.models.importModel(join(dir, 'bad.onnx'), { name: 'bad-onnx' })).rejects.toThrow(/not an ONNX model/);
    await expect(platform.models.describe('bad-onnx')).rejects.toMatchObject({ code: 'NOT_FOUND' });
    const wide = join(dir, 'wide.csv');
    writeFileSync(wide, 'a,b,c,d,e,f,g,h\n1,2,3,4,5,6,7,8\n');
    await expect(platform.models.predict('scholarship', wide)).rejects.toThrow(/reads 6 features by position, the data has 8 columns/);
    await platform.models.delete('from-onnx');
    expect(await platform.objectStore.list('models/from-onnx/')).toEqual([]);
    expect(readFileSync(join(fixtures, 'onnx/logistic_regression.onnx')).length).toBeGreaterThan(0);
  });
});
