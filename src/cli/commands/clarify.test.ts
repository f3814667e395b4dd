import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../../test/helpers/cli.js';
import { parseAnalysisConfig } from '../../bias/clarify-config.js';
import { biasOptionsFromFlags, methodsFromFlag } from './clarify.js';

const fraudConfig = fileURLToPath(new URL('../../../test/fixtures/sagemaker-examples/amazon-sagemaker-examples/fraud_detection/analysis_config.json', import.meta.url));

function run(home: string, ...argv: string[]) {
  return runCli(home, argv);
}

describe('plumbline clarify bias', () => {
  let dir: string;
  let home: string;
  let data: string;

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'plumbline-clarify-'));
    home = join(dir, 'ws');
    data = join(dir, 'data.csv');
    const rows = ['approved,sex,grp,pred'];
    const d = [[1, 0, 'a', 1], [0, 0, 'a', 0], [0, 0, 'b', 1], [1, 1, 'a', 1], [1, 1, 'b', 1], [0, 1, 'b', 0], [1, 1, 'a', 0], [0, 1, 'b', 0], [1, 1, 'a', 1], [0, 1, 'a', 1]];
    for (const r of d) rows.push(r.join(','));
    writeFileSync(data, rows.join('\n') + '\n');
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('prints a compact table and the output paths', async () => {
    const out = join(dir, 'out1');
    const r = await run(home, 'clarify', 'bias', '--data', data, '--label', 'approved', '--label-values', '1', '--facet', 'sex', '--facet-values', '0', '--predicted-label', 'pred', '--methods', 'CI,DPL,DI', '--output', out);
    expect(r.code, r.err).toBe(0);
    const lines = r.out.split('\n');
    expect(lines[0]).toMatch(/^facet\s+value\s+stage\s+metric\s+value$/);
    expect(r.out).toMatch(/sex\s+0\s+pre\s+CI\s+0\.4\n/);
    expect(r.out).toMatch(/sex\s+0\s+post\s+DI\s+/);
    expect(r.out).toContain(`analysis: ${join(out, 'analysis.json')}`);
    expect(r.out).toContain(`report:   ${join(out, 'report.html')}`);
    expect(readFileSync(join(out, 'report.html'), 'utf8')).toContain('<svg');
    expect(JSON.parse(readFileSync(join(out, 'analysis.json'), 'utf8')).pre_training_bias_metrics.facets.sex[0].metrics.map((m: { name: string }) => m.name)).toEqual(['CI', 'DPL']);
  });

  it('--json prints the analysis and the paths', async () => {
    const out = join(dir, 'out2');
    const r = await run(home, '--json', 'clarify', 'bias', '--data', data, '--label', 'approved', '--label-values', '1', '--facet', 'sex', '--group-variable', 'grp', '--methods', 'pre', '--output', out);
    expect(r.code, r.err).toBe(0);
    const json = JSON.parse(r.out);
    expect(json.files).toEqual({ analysisJson: join(out, 'analysis.json'), reportMd: join(out, 'report.md'), reportHtml: join(out, 'report.html') });
    expect(json.analysis.pre_training_bias_metrics.facets.sex.map((f: { value_or_threshold: string }) => f.value_or_threshold)).toEqual(['0', '1']);
    expect(json.analysis.post_training_bias_metrics).toBeUndefined();
  });

  it('--ci adds seeded bootstrap intervals to the table and analysis.json; --facet a+b is an intersection', async () => {
    const out = join(dir, 'out3');
    const args = ['clarify', 'bias', '--data', data, '--label', 'approved', '--label-values', '1', '--facet', 'sex+grp', '--facet-values', '0&a,1&b', '--methods', 'CI,DPL', '--ci', '0.9', '--ci-samples', '300', '--seed', '5', '--output', out];
    const r = await run(home, ...args);
    expect(r.code, r.err).toBe(0);
    expect(r.out.split('\n')[0]).toMatch(/^facet\s+value\s+stage\s+metric\s+90% interval\s+value$/);
    expect(r.out).toMatch(/sex\+grp\s+\(0, a\),\(1, b\)\s+pre\s+DPL\s+\[-?[\d.]+, -?[\d.]+\]\s+0\.2\n/);
    const first = readFileSync(join(out, 'analysis.json'), 'utf8');
    const ci = JSON.parse(first).pre_training_bias_metrics.facets['sex+grp'][0].metrics[0].confidence_interval;
    expect(ci).toHaveLength(2);
    await run(home, ...args);
    expect(readFileSync(join(out, 'analysis.json'), 'utf8')).toBe(first);
    const bad = await run(home, 'clarify', 'bias', '--data', data, '--label', 'approved', '--label-values', '1', '--facet', 'sex+grp', '--facet-values', '0', '--output', join(dir, 'x'));
    expect(bad.err).toMatch(/--facet-values: got "0", expected combinations of 2 values joined with &/);
    const badCi = await run(home, 'clarify', 'bias', '--data', data, '--label', 'approved', '--label-values', '1', '--facet', 'sex', '--ci', '95', '--output', join(dir, 'x'));
    expect(badCi.err).toMatch(/bootstrap\.level.*95/);
  });

  it('fails with a validation error naming the flag', async () => {
    const r = await run(home, 'clarify', 'bias', '--data', data, '--label', 'approved', '--label-values', '1', '--facet', 'sex', '--methods', 'CI,NOPE', '--output', join(dir, 'x'));
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/^error\[VALIDATION_FAILED\]: --methods: unknown metric "NOPE"; valid: /);
    const missing = await run(home, 'clarify', 'bias', '--data', data, '--facet', 'sex', '--output', join(dir, 'x'));
    expect(missing.err).toMatch(/--label: is required/);
  });

  it('warns on stderr about a one-class label, reports an absent facet value as an empty group, names missing columns', async () => {
    const one = await run(home, 'clarify', 'bias', '--data', data, '--label', 'approved', '--label-values', '7', '--facet', 'sex', '--facet-values', '0', '--methods', 'CI,DPL', '--output', join(dir, 'one'));
    expect(one.code, one.err).toBe(0);
    expect(one.err).toContain('warning: label approved has only one class: all 10 rows are negative (positive: 7)');
    const empty = await run(home, 'clarify', 'bias', '--data', data, '--label', 'approved', '--label-values', '1', '--facet', 'sex', '--facet-values', '9', '--methods', 'CI,DPL', '--output', join(dir, 'empty'));
    expect(empty.code, empty.err).toBe(0);
    expect(empty.out).toMatch(/sex\s+9\s+pre\s+CI\s+failed: CI: facet set is empty/);
    expect(empty.out).toMatch(/sex\s+9\s+pre\s+DPL\s+failed: Facet set is empty/);
    for (const [flag, field] of [['--facet', 'facets[0].name'], ['--label', 'label.name'], ['--predicted-label', 'predictedLabel']] as const) {
      const argv = ['clarify', 'bias', '--data', data, '--label', 'approved', '--label-values', '1', '--facet', 'sex', '--methods', flag === '--predicted-label' ? 'DPPL' : 'CI', '--output', join(dir, 'x')];
      if (flag === '--predicted-label') argv.push('--predicted-label', 'nope');
      else argv[argv.indexOf(flag) + 1] = 'nope';
      const r = await run(home, ...argv);
      expect(r.code).toBe(2);
      expect(r.err.trim().split('\n')).toHaveLength(1);
      expect(r.err).toContain(`error[VALIDATION_FAILED]: ${field}: got "nope", expected a column of the dataset (approved, sex, grp, pred)`);
    }
  });

  it('maps flags and a config file to runBias options (flags win)', () => {
    const file = parseAnalysisConfig(JSON.parse(readFileSync(fraudConfig, 'utf8')));
    expect(biasOptionsFromFlags({ data: 'd.csv' }, file)).toEqual({
      data: 'd.csv',
      config: { facets: [{ name: 'customer_gender_female', values: [1], kindFromData: true }], label: { name: 'fraud', values: [0], kindFromData: true } },
      pre: 'all',
    });
    const o = biasOptionsFromFlags({ data: 'd.csv', label: 'y', labelThreshold: '0.5', facet: ['age'], facetThreshold: '40', model: 'm', probabilityThreshold: '0.7', methods: 'all', output: 'o' }, file);
    expect(o).toEqual({ data: 'd.csv', config: { facets: [{ name: 'age', threshold: 40 }], label: { name: 'y', threshold: 0.5 } }, modelName: 'm', probabilityThreshold: 0.7, output: 'o', pre: 'all', post: 'all' });
    expect(() => biasOptionsFromFlags({ data: 'd', label: 'y', labelValues: '1', facet: ['f'], facetValues: 'a', facetThreshold: '1' })).toThrow(/not both/);
    expect(() => biasOptionsFromFlags({ data: 'd', label: 'y', labelValues: '1', facet: ['f'], probabilityThreshold: 'x' })).toThrow('--probability-threshold: got "x", expected a number');
    expect(methodsFromFlag('CI,DI', false)).toEqual({ pre: ['CI'], post: ['DI'] });
    expect(methodsFromFlag('all', false)).toEqual({ pre: 'all' });
  });
});
