import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPlatform, type Platform } from '../platform.js';
import { generateScholarship } from '../datasets/index.js';
import { getColumn, sliceTable } from '../core/columns.js';
import { readTable, writeTable } from '../table/index.js';
import { biasAnalysisJson } from './analysis-json.js';
import { postTrainingBias, preTrainingBias } from './report.js';
import { runBias } from './run-bias.js';
import type { BiasConfig } from './groups.js';

describe('runBias', () => {
  let dir: string;
  let platform: Platform;
  let csv: string;
  const config: BiasConfig = { facets: [{ name: 'sex', values: [0] }], label: { name: 'approved', values: [1] }, groupVariable: 'grp' };

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'plumbline-runbias-'));
    platform = await createPlatform({ home: join(dir, 'ws'), offlineFlushIntervalMs: 0, purgeIntervalMs: 0 });
    csv = join(dir, 'small.csv');
    const rows = ['approved,sex,grp,x,pred'];
    const data = [
      [1, 0, 'a', 1.5, 1], [0, 0, 'a', 2.5, 0], [0, 0, 'b', 0.5, 1], [1, 1, 'a', 3.0, 1], [1, 1, 'b', 4.0, 1],
      [0, 1, 'b', 1.0, 0], [1, 1, 'a', 2.0, 0], [0, 1, 'b', 3.5, 0], [1, 1, 'a', 5.0, 1], [0, 1, 'a', 0.2, 1],
    ];
    for (const r of data) rows.push(r.join(','));
    writeFileSync(csv, rows.join('\n') + '\n');
  });
  afterAll(async () => {
    await platform.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('gives the same values as preTrainingBias / postTrainingBias and writes analysis.json and report.md', async () => {
    const out = join(dir, 'out');
    const r = await runBias(platform, { data: csv, config, predictedLabel: 'pred', output: out });
    const table = await readTable(csv);
    const expected = biasAnalysisJson({ pre: preTrainingBias(table, config), post: postTrainingBias(table, { ...config, predictedLabel: 'pred' }) });
    expect(r.analysis).toEqual(expected);
    expect(r.analysis.pre_training_bias_metrics!.facets.sex![0]!.metrics.find((m) => m.name === 'CI')!.value).toBeCloseTo(0.4, 12);
    expect(JSON.parse(readFileSync(r.files!.analysisJson, 'utf8'))).toEqual(expected);
    const md = readFileSync(r.files!.reportMd, 'utf8');
    expect(md).toContain('CI 0.4: facet value 0 is under-represented (30% vs 70% of rows)');
    expect(md).toContain('## Post-training bias');
  });

  it('runs only the chosen stages and metrics, and writes under an object-store URI', async () => {
    const r = await runBias(platform, { data: csv, config, pre: ['CI', 'DPL'], output: platform.objectStore.uriOf('clarify/run1') });
    expect(r.analysis.post_training_bias_metrics).toBeUndefined();
    expect(r.analysis.pre_training_bias_metrics!.facets.sex![0]!.metrics.map((m) => m.name)).toEqual(['CI', 'DPL']);
    expect(r.files!.analysisJson).toBe(platform.objectStore.uriOf('clarify/run1/analysis.json'));
    const stored = JSON.parse(new TextDecoder().decode(await platform.objectStore.get('clarify/run1/analysis.json')));
    expect(stored).toEqual(r.analysis);
    await expect(runBias(platform, { data: csv, config, post: 'all' })).rejects.toThrow(/post-training metrics need a predicted label/);
  });

  it('warns about a one-class label and notes the column types in report.md / report.html', async () => {
    const one = join(dir, 'one.csv');
    writeFileSync(one, 'approved,sex\n' + Array.from({ length: 40 }, (_, i) => `1,${i % 2}`).join('\n') + '\n');
    const r = await runBias(platform, { data: one, config: { facets: [{ name: 'sex', values: [0] }], label: { name: 'approved', values: [1] } }, pre: ['CI', 'DPL'] });
    expect(r.warnings).toEqual(['label `approved` has only one class: all 40 rows are positive (positive: `1`); metrics that compare outcomes between groups are 0 or fail']);
    expect(r.reportMd).toContain('- warning: label `approved` has only one class');
    expect(r.reportMd).toContain('- column types: facet `sex` (int column) read as categorical, d when in [0]');
    expect(r.reportHtml).toContain('<div class="callout warn">label approved has only one class: all 40 rows are positive');
    const ok = await runBias(platform, { data: csv, config, pre: ['CI'] });
    expect(ok.warnings).toEqual([]);
    // analysis_config.json's `value_or_threshold: [2]` on the float column x: a threshold, as Clarify reads it.
    const fromFile = await runBias(platform, { data: csv, config: { facets: [{ name: 'x', values: [2], kindFromData: true }], label: { name: 'approved', values: [1] } }, pre: ['CI'] });
    const facet = fromFile.analysis.pre_training_bias_metrics!.facets.x![0]!;
    expect(facet.value_or_threshold).toBe('(2.0, 5.0]');
    expect(facet.metrics[0]!.value).toBeCloseTo(0, 12); // 5 of 10 rows above 2
    expect(fromFile.reportMd).toContain('facet `x` (float column) read as continuous, d when > 2');
  });

  it('derives predicted labels from a model trained here (score > threshold is positive)', async () => {
    const all = generateScholarship({ rows: 400, seed: 5, eventTime: 1_700_000_000 });
    const keep = ['approved', 'sex', 'math', 'science', 'technology'];
    const table = { length: all.length, columns: all.columns.filter((c) => keep.includes(c.name)) };
    const train = join(dir, 'train.csv');
    await writeTable(sliceTable(table, 0, 300), train);
    await platform.models.estimator({ objective: 'binary:logistic', num_round: 5 }).fit({ train: { data: train, label: 'approved' } }, { modelName: 'bias-m' });
    const test = sliceTable(table, 300, 400);
    const cfg: BiasConfig = { facets: [{ name: 'sex', values: [0] }], label: { name: 'approved', values: [1] } };
    const r = await runBias(platform, { data: test, config: cfg, modelName: 'bias-m', probabilityThreshold: 0.5, post: ['DPPL', 'DI', 'AD'] });
    expect(r.predictedLabel).toBe('predicted_label');

    const scored = await platform.models.predict('bias-m', test, { label: 'approved' });
    const score = getColumn(scored, 'score')!.values as Float64Array;
    const pred = Float64Array.from(score, (s) => (s > 0.5 ? 1 : 0));
    const withPred = { length: test.length, columns: [...test.columns, { name: 'predicted_label', type: 'int' as const, values: pred }] };
    const expected = biasAnalysisJson({ post: postTrainingBias(withPred, { ...cfg, predictedLabel: 'predicted_label' }, { methods: ['DPPL', 'DI', 'AD'] }) });
    expect(r.analysis).toEqual(expected);
    expect(r.analysis.post_training_bias_metrics!.facets.sex![0]!.metrics.map((m) => m.name)).toEqual(['AD', 'DI', 'DPPL']);
  });
});
