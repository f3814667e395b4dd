/**
 * TreeSHAP on models trained by plumbline (not only on models XGBoost trained): a binary and a multiclass
 * model are trained here, saved as XGBoost JSON, loaded by Debian's python3-xgboost (`/usr/bin/python3`),
 * and XGBoost's `pred_contribs` / `pred_interactions` on the same rows (with missing values) must equal
 * plumbline's TreeSHAP to 1e-6. Skipped, visibly, when XGBoost 1.7 is not installed.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRandom } from '../core/random.js';
import { serializeXgboostJson, train, type FeatureMatrix, type TreeEnsemble } from '../models/index.js';
import { treeShapInteractions, treeShapSync } from './tree-shap.js';

const PYTHON = '/usr/bin/python3';
const version = (() => {
  const r = spawnSync(PYTHON, ['-c', 'import xgboost; print(xgboost.__version__)'], { encoding: 'utf8' });
  return r.status === 0 ? r.stdout.trim() : undefined;
})();
const available = version !== undefined && version.startsWith('1.7.');

const REFERENCE = `
import sys, numpy as np, xgboost as xgb
model, x, rows, cols, out = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), sys.argv[5]
b = xgb.Booster(); b.load_model(model)
d = xgb.DMatrix(np.fromfile(x, dtype=np.float32).reshape(rows, cols), missing=np.nan)
b.predict(d, pred_contribs=True).astype(np.float64).tofile(out + '.contribs')
b.predict(d, pred_interactions=True).astype(np.float64).tofile(out + '.interactions')
`;

function dataset(rows: number, cols: number, classes: number, seed: number): { matrix: FeatureMatrix; label: Float64Array } {
  const random = createRandom(seed);
  const values = new Float64Array(rows * cols);
  const label = new Float64Array(rows);
  for (let i = 0; i < rows; i++) {
    let z = 0;
    for (let j = 0; j < cols; j++) {
      // Rounded to float32 (what XGBoost's DMatrix holds), with some missing values.
      const v = random.next() < 0.08 ? NaN : Math.fround(random.next() * 10 - 5);
      values[i * cols + j] = v;
      if (v === v) z += (j % 3 === 0 ? 1 : j % 3 === 1 ? -0.5 : 0.2) * v + (j === 1 ? 0.3 * v * v : 0);
    }
    z += random.next() * 2 - 1;
    label[i] = classes === 2 ? (z > 0 ? 1 : 0) : Math.min(classes - 1, Math.max(0, Math.floor((z + 6) / 4)));
  }
  return { matrix: { rows, cols, values }, label };
}

function maxDiff(a: Float64Array, b: Float64Array): number {
  expect(a.length).toBe(b.length);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]! - b[i]!));
  return m;
}

describe.skipIf(!available)(`TreeSHAP on plumbline-trained models against XGBoost ${version ?? '(not installed)'} pred_contribs / pred_interactions`, () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'plumbline-treeshap-own-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const reference = (name: string, model: TreeEnsemble, x: FeatureMatrix) => {
    const modelPath = join(dir, `${name}.json`);
    writeFileSync(modelPath, serializeXgboostJson(model));
    const xPath = join(dir, `${name}.f32`);
    writeFileSync(xPath, Buffer.from(Float32Array.from(x.values).buffer));
    const out = join(dir, name);
    const r = spawnSync(PYTHON, ['-c', REFERENCE, modelPath, xPath, String(x.rows), String(x.cols), out], { encoding: 'utf8' });
    expect(r.stderr.replace(/^.*WARNING.*$/gm, '').trim()).toBe('');
    expect(r.status).toBe(0);
    const read = (p: string) => {
      const b = readFileSync(p);
      return new Float64Array(b.buffer, b.byteOffset, b.byteLength / 8);
    };
    return { contribs: read(`${out}.contribs`), interactions: read(`${out}.interactions`) };
  };

  for (const [name, params, classes] of [
    ['binary', { objective: 'binary:logistic', max_depth: 5, eta: 0.3, min_child_weight: 1 }, 2],
    ['multiclass', { objective: 'multi:softprob', num_class: 3, max_depth: 4, eta: 0.3 }, 3],
  ] as const) {
    it(`${name}: contributions and interaction values equal XGBoost's to 1e-6`, async () => {
      const data = dataset(400, 5, classes, 11);
      const { model } = await train({ ...params, num_round: 15 }, data);
      const x = dataset(60, 5, classes, 12).matrix;
      const ref = reference(name, model, x);
      expect(maxDiff(treeShapSync(model, x), ref.contribs)).toBeLessThanOrEqual(1e-6);
      expect(maxDiff(await treeShapInteractions(model, x), ref.interactions)).toBeLessThanOrEqual(1e-6);
    });
  }
});
