import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isPlatformError } from '../core/errors.js';
import { createPlatform, type Platform } from '../platform.js';
import { inspectReport } from '../../test/helpers/browser.js';
import { SHAP_FIXTURE_DIR } from '../../test/fixtures/shap/fixtures.js';
import { parseExplainabilityConfig, SHAPConfig } from './config.js';
import { runExplainability } from './run-explainability.js';

const FEATURES = ['sex', 'math', 'science', 'technology', 'random1', 'random2'];
const clarifyExample = fileURLToPath(new URL('../../test/fixtures/sagemaker-examples/amazon-sagemaker-examples/fraud_detection/explainability/analysis.json', import.meta.url));

/** Same keys and value types, recursively (maps keyed by feature / label compared by their first entry). */
function shape(v: unknown): unknown {
  if (Array.isArray(v)) return v.length ? [shape(v[0])] : [];
  if (v !== null && typeof v === 'object') {
    const entries = Object.entries(v as Record<string, unknown>);
    return Object.fromEntries(entries.map(([k, x]) => [k, shape(x)]));
  }
  return typeof v;
}

describe('runExplainability', () => {
  let dir: string;
  let platform: Platform;
  let data: string;
  let rows: number[][];

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'plumbline-explain-'));
    platform = await createPlatform({ home: join(dir, 'ws'), offlineFlushIntervalMs: 0, purgeIntervalMs: 0 });
    await platform.models.importModel(join(SHAP_FIXTURE_DIR, 'scholarship-depth8.model.json'), { name: 'scholarship', label: 'approved' });
    await platform.models.importModel(join(SHAP_FIXTURE_DIR, 'regression.model.json'), { name: 'regression' });
    const lines = readFileSync(join(SHAP_FIXTURE_DIR, 'scholarship-depth8.inputs.csv'), 'utf8').trim().split('\n');
    rows = lines.slice(1, 101).map((l) => l.split(',').map(Number));
    data = join(dir, 'data.csv');
    writeFileSync(data, ['approved,' + FEATURES.join(','), ...rows.map((r, i) => `${i % 2},${r.join(',')}`)].join('\n') + '\n');
  });
  afterAll(async () => {
    await platform.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it("Kernel SHAP with the book's knobs writes Clarify's files; local values add up to the model output", async () => {
    const out = join(dir, 'kernel');
    const baseline = rows.slice(0, 40);
    const r = await runExplainability(platform, { data, label: 'approved', modelName: 'scholarship', shap: new SHAPConfig({ baseline, numSamples: 50, aggMethod: 'median' }), method: 'kernel', output: out });
    expect(r.method).toBe('kernel');
    expect(r.methodNote).toMatch(/^Kernel SHAP: 50 sampled coalitions/);
    const analysis = JSON.parse(readFileSync(join(out, 'analysis.json'), 'utf8'));
    // Same structure as a real Clarify explainability analysis.json.
    const real = JSON.parse(readFileSync(clarifyExample, 'utf8'));
    const stripFeatures = (a: { explanations: { kernel_shap: { label0: { global_shap_values: Record<string, number> } } } }) => ({ ...a, explanations: { kernel_shap: { label0: { ...a.explanations.kernel_shap.label0, global_shap_values: Object.values(a.explanations.kernel_shap.label0.global_shap_values)[0] } } } });
    expect(shape(stripFeatures(analysis))).toEqual(shape(stripFeatures(real)));
    expect(Object.keys(analysis)).toEqual(Object.keys(real));
    expect(Object.keys(analysis.explanations)).toEqual(Object.keys(real.explanations));
    expect(Object.keys(analysis.explanations.kernel_shap)).toEqual(Object.keys(real.explanations.kernel_shap));
    expect(Object.keys(analysis.explanations.kernel_shap.label0).sort()).toEqual(Object.keys(real.explanations.kernel_shap.label0).sort());
    expect(Object.keys(analysis.explanations.kernel_shap.label0.global_shap_values)).toEqual(FEATURES);
    expect(typeof analysis.explanations.kernel_shap.label0.expected_value).toBe('number');
    // out.csv: <feature>_label0, one row per record; additivity against the model's own predictions.
    const local = readFileSync(join(out, 'explanations_shap/out.csv'), 'utf8').trim().split('\n');
    expect(local[0]).toBe(FEATURES.map((f) => `${f}_label0`).join(','));
    expect(local).toHaveLength(101);
    const predicted = await platform.models.predict('scholarship', data, { label: 'approved' });
    const score = predicted.columns.at(-1)!.values as Float64Array;
    const expected = analysis.explanations.kernel_shap.label0.expected_value as number;
    local.slice(1).forEach((line, i) => {
      const sum = line.split(',').map(Number).reduce((a, b) => a + b, 0);
      expect(sum + expected).toBeCloseTo(score[i]!, 6);
    });
    // The median of the local values is the global value.
    const col = local.slice(1).map((l) => Number(l.split(',')[0])).sort((a, b) => a - b);
    expect(analysis.explanations.kernel_shap.label0.global_shap_values.sex).toBeCloseTo((col[49]! + col[50]!) / 2, 12);
    // baseline.csv: the baseline used, header-less.
    const base = readFileSync(join(out, 'explanations_shap/baseline.csv'), 'utf8').trim().split('\n');
    expect(base).toHaveLength(40);
    expect(base[0]!.split(',').map(Number)).toEqual(baseline[0]);
  });

  it('method auto picks TreeSHAP for a tree model and says so; interventional TreeSHAP matches exact Kernel SHAP in log-odds with a one-row baseline', async () => {
    const auto = await runExplainability(platform, { data, label: 'approved', modelName: 'scholarship' });
    expect(auto.method).toBe('tree');
    expect(auto.methodNote).toMatch(/method auto: model "scholarship" is a tree ensemble/);
    expect(auto.analysis.explanations.tree_shap!.label0!.feature_perturbation).toBe('tree_path_dependent');
    const baseline = [rows[3]!];
    const tree = await runExplainability(platform, { data, label: 'approved', modelName: 'scholarship', shap: { baseline }, method: 'tree' });
    const kernel = await runExplainability(platform, { data, label: 'approved', modelName: 'scholarship', shap: { baseline, numSamples: 62, useLogit: true }, method: 'kernel' });
    expect(kernel.exact).toBe(true);
    expect(tree.analysis.explanations.tree_shap!.label0!.feature_perturbation).toBe('interventional');
    for (let i = 0; i < tree.local[0]!.values.length; i++) expect(tree.local[0]!.values[i]).toBeCloseTo(kernel.local[0]!.values[i]!, 3); // the model outputs float32 probabilities; their logit carries that rounding
  });

  it('computes the baseline by clustering, partial dependence for the top features, and a report with the charts', async () => {
    const out = join(dir, 'clusters');
    const r = await runExplainability(platform, { data, label: 'approved', modelName: 'scholarship', shap: { numClusters: 3, numSamples: 30 }, pdp: { topK: 2, gridResolution: 5 }, method: 'kernel', output: out });
    expect(r.baselineRows).toBe(3);
    const base = readFileSync(join(out, 'explanations_shap/baseline.csv'), 'utf8').trim().split('\n');
    expect(base).toHaveLength(3);
    // sex (0/1) stays 0/1 in the cluster centres (K-prototypes takes its mode).
    for (const line of base) expect([0, 1]).toContain(Number(line.split(',')[0]));
    const pdp = r.analysis.explanations.pdp!;
    expect(pdp.map((p) => p.feature_name)).toEqual(r.ranking.slice(0, 2));
    for (const p of pdp) {
      expect(p.model_predictions).toHaveLength(1);
      expect(p.model_predictions[0]!.length).toBe(p.feature_values.length);
      expect(p.label_headers).toEqual(['label0']);
    }
    const html = readFileSync(join(out, 'report.html'), 'utf8');
    const inspected = await inspectReport(html);
    if (!inspected.skipped) {
      expect(inspected.errors).toEqual([]);
      const titles = inspected.charts.map((c) => c.title);
      expect(titles.some((t) => t.startsWith('Global SHAP value per feature'))).toBe(true);
      expect(titles.some((t) => t.startsWith('Local SHAP values per record'))).toBe(true);
      expect(titles.filter((t) => t.startsWith('Partial dependence on'))).toHaveLength(2);
      for (const c of inspected.charts) expect(c.marks).toBeGreaterThan(0);
    }
  });

  it('reads methods.shap / methods.pdp from a Clarify analysis_config.json', () => {
    const parsed = parseExplainabilityConfig({
      dataset_type: 'text/csv',
      headers: ['approved', ...FEATURES],
      label: 'approved',
      methods: { shap: { baseline: [[1, 70, 70, 70, 70, 70]], num_samples: 50, agg_method: 'median', use_logit: false, save_local_shap_values: true, seed: 3 }, pdp: { grid_resolution: 10, top_k_features: 2 }, report: { name: 'report', title: 'Analysis Report' } },
      predictor: { model_name: 'scholarship', label_headers: ['approved'] },
    });
    expect(parsed.shap).toMatchObject({ numSamples: 50, aggMethod: 'median', useLogit: false, seed: 3 });
    expect(parsed.pdp).toMatchObject({ gridResolution: 10, topK: 2 });
    expect(parsed).toMatchObject({ label: 'approved', modelName: 'scholarship', labelHeaders: ['approved'], title: 'Analysis Report' });
    expect(parsed.shap!.toAnalysisConfig()).toMatchObject({ num_samples: 50, agg_method: 'median' });
  });

  it('rejects bad input with a clear message', async () => {
    const fail = async (f: () => Promise<unknown> | unknown): Promise<string> => {
      try {
        await f();
      } catch (e) {
        expect(isPlatformError(e)).toBe(true);
        return (e as Error).message;
      }
      throw new Error('expected an error');
    };
    const run = (shap: ConstructorParameters<typeof SHAPConfig>[0], extra: object = {}) => runExplainability(platform, { data, label: 'approved', modelName: 'scholarship', shap, method: 'kernel', ...extra });
    expect(await fail(() => run({ baseline: [[1, 2, 3]] }))).toMatch(/baseline\[0\].*6 values, one per feature \(sex, math/);
    expect(await fail(() => run({ baseline: [[1, 'x', 3, 4, 5, 6]] }))).toMatch(/baseline\[0\]\[1\] \(math\).*"x".*a number/);
    const wrongNames = join(dir, 'wrong.csv');
    writeFileSync(wrongNames, 'a,b,c\n1,2,3\n');
    expect(await fail(() => run({ baseline: wrongNames }))).toMatch(/has columns a, b, c, without sex, math, science, technology, random1, random2; the model reads/);
    const narrow = join(dir, 'narrow.csv');
    writeFileSync(narrow, '1,2,3\n4,5,6\n');
    expect(await fail(() => run({ baseline: narrow }))).toMatch(/has 3 columns and no header; the model reads 6 features/);
    // A column left empty is missing values (NaN), not text: the baseline is accepted.
    const empty = join(dir, 'empty.csv');
    writeFileSync(empty, FEATURES.join(',') + '\n1,70,70,,70,70\n0,60,60,,60,60\n');
    const withEmpty = await runExplainability(platform, { data, label: 'approved', modelName: 'scholarship', shap: { baseline: empty }, method: 'kernel', output: join(dir, 'empty-out') });
    expect(withEmpty.baselineRows).toBe(2);
    expect(readFileSync(join(dir, 'empty-out', 'explanations_shap/baseline.csv'), 'utf8')).toBe('1,70,70,,70,70\n0,60,60,,60,60\n');
    expect(await fail(() => run({ baseline: 's3://elsewhere/baseline.csv' }))).toMatch(/^baseline: got "s3:\/\/elsewhere\/baseline\.csv", expected a local path or a location inside the object store /);
    const noRows = join(dir, 'no-rows.csv');
    writeFileSync(noRows, 'approved,' + FEATURES.join(',') + '\n');
    expect(await fail(() => runExplainability(platform, { data: noRows, label: 'approved', modelName: 'scholarship' }))).toMatch(/^data: got ".*no-rows\.csv", expected at least one record to explain$/);
    const text = join(dir, 'text.csv');
    writeFileSync(text, FEATURES.join(',') + '\n1,70,70,high,70,70\n');
    expect(await fail(() => run({ baseline: text }))).toMatch(/column "technology" holds non-numeric values \(e\.g\. "high" in row 1\)/);
    expect(await fail(() => new SHAPConfig({ numSamples: 1 }))).toMatch(/num_samples.*integer >= 2/);
    expect(await fail(() => new SHAPConfig({ aggMethod: 'max' as never }))).toMatch(/agg_method.*"max".*mean_abs, median, mean_sq/);
    expect(await fail(() => new SHAPConfig({ baseline: [[1]], numClusters: 2 }))).toMatch(/baseline or num_clusters, not both/);
    const regData = join(dir, 'reg.csv');
    writeFileSync(regData, 'f0,f1,f2,f3,f4,f5\n0.1,0.2,0.3,0.4,0.5,0.6\n1,1,1,1,1,1\n');
    expect(await fail(() => runExplainability(platform, { data: regData, modelName: 'regression', shap: { useLogit: true }, method: 'kernel' }))).toMatch(/use_logit.*objective reg:squarederror \(no probabilities\)/);
    expect(await fail(() => run({}, { labelHeaders: ['a', 'b'] }))).toMatch(/label_headers.*1 name, one per model output/);
  });
});
