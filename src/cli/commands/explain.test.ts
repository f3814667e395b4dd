import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../../test/helpers/cli.js';
import { createPlatform } from '../../platform.js';
import { SHAP_FIXTURE_DIR } from '../../../test/fixtures/shap/fixtures.js';
import { explainOptionsFromFlags } from './explain.js';

const FEATURES = ['sex', 'math', 'science', 'technology', 'random1', 'random2'];

function run(home: string, ...argv: string[]) {
  return runCli(home, argv);
}

describe('plumbline clarify explain', () => {
  let dir: string;
  let home: string;
  let data: string;
  let baseline: string;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'plumbline-explain-cli-'));
    home = join(dir, 'ws');
    const platform = await createPlatform({ home, offlineFlushIntervalMs: 0, purgeIntervalMs: 0 });
    await platform.models.importModel(join(SHAP_FIXTURE_DIR, 'scholarship-depth8.model.json'), { name: 'scholarship' });
    await platform.close();
    const lines = readFileSync(join(SHAP_FIXTURE_DIR, 'scholarship-depth8.inputs.csv'), 'utf8').trim().split('\n');
    data = join(dir, 'data.csv');
    writeFileSync(data, ['approved,' + FEATURES.join(','), ...lines.slice(1, 81).map((l, i) => `${i % 2},${l}`)].join('\n') + '\n');
    baseline = join(dir, 'baseline.csv');
    writeFileSync(baseline, lines.slice(100, 130).join('\n') + '\n'); // header-less, one column per feature
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("runs the book's Kernel SHAP from flags and prints the method and the ranking", async () => {
    const out = join(dir, 'out');
    const r = await run(home, 'clarify', 'explain', '--data', data, '--model', 'scholarship', '--label', 'approved', '--baseline', baseline, '--num-samples', '50', '--agg-method', 'median', '--method', 'kernel', '--pdp', 'math,sex', '--output', out);
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/^method: Kernel SHAP: 50 sampled coalitions/);
    expect(r.out).toMatch(/rank\s+feature\s+label0 global/);
    for (const f of FEATURES) expect(r.out).toContain(f);
    const analysis = JSON.parse(readFileSync(join(out, 'analysis.json'), 'utf8'));
    expect(Object.keys(analysis.explanations)).toEqual(['kernel_shap', 'pdp']);
    expect(analysis.explanations.pdp.map((p: { feature_name: string }) => p.feature_name)).toEqual(['math', 'sex']);
    expect(readFileSync(join(out, 'explanations_shap/baseline.csv'), 'utf8').trim().split('\n')).toHaveLength(30);
  });

  it('--method auto says it used TreeSHAP; --json gives the analysis', async () => {
    const r = await run(home, '--json', 'clarify', 'explain', '--data', data, '--model', 'scholarship', '--label', 'approved', '--output', join(dir, 'auto'));
    expect(r.code).toBe(0);
    const json = JSON.parse(r.out);
    expect(json.method).toBe('tree');
    expect(json.methodNote).toMatch(/method auto: model "scholarship" is a tree ensemble/);
    expect(Object.keys(json.analysis.explanations.tree_shap.label0.global_shap_values)).toEqual(FEATURES);
  });

  it('reads methods.shap from an analysis_config.json and reports bad input in one line', async () => {
    const config = join(dir, 'analysis_config.json');
    writeFileSync(config, JSON.stringify({ label: 'approved', methods: { shap: { num_clusters: 2, num_samples: 20, agg_method: 'mean_sq' } }, predictor: { model_name: 'scholarship' } }));
    const r = await run(home, 'clarify', 'explain', '--data', data, '--config', config, '--method', 'kernel', '--output', join(dir, 'cfg'));
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/against a baseline of 2 rows \(cluster centres of the data\)/);
    const bad = await run(home, 'clarify', 'explain', '--data', data, '--model', 'scholarship', '--agg-method', 'max');
    expect(bad.code).not.toBe(0);
    expect(bad.err.trim().split('\n')).toHaveLength(1);
    expect(bad.err).toMatch(/--agg-method.*"max".*mean_abs, median, mean_sq/);
    const few = await run(home, 'clarify', 'explain', '--data', data, '--model', 'scholarship', '--num-samples', '1');
    expect(few.code).not.toBe(0);
    expect(few.err).toMatch(/num_samples.*integer >= 2/);
  });

  it('flags win over the config file', () => {
    const options = explainOptionsFromFlags({ data: 'd.csv', numSamples: '10', aggMethod: 'median', method: 'kernel' }, { modelName: 'm', label: 'y', shap: undefined, title: 'Analysis Report' });
    expect(options).toMatchObject({ data: 'd.csv', modelName: 'm', label: 'y', method: 'kernel', title: 'Analysis Report' });
    expect(options.shap).toMatchObject({ numSamples: 10, aggMethod: 'median' });
  });
});
