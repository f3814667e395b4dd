import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPlatform, type Platform } from '../platform.js';
import { generateScholarship } from '../datasets/index.js';
import { writeTable } from '../table/index.js';
import { PDPConfig, SHAPConfig } from '../explain/index.js';
import { BiasConfig, ClarifyProcessor, DataConfig, ModelConfig, ModelPredictedLabelConfig } from './index.js';

describe('ClarifyProcessor', () => {
  let dir: string;
  let platform: Platform;
  let csv: string;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'plumbline-clarify-'));
    platform = await createPlatform({ home: join(dir, 'ws'), offlineFlushIntervalMs: 0, purgeIntervalMs: 0 });
    const all = generateScholarship({ rows: 500, seed: 3, eventTime: 1_700_000_000 });
    const keep = ['approved', 'sex', 'math', 'science', 'technology'];
    const table = { length: all.length, columns: all.columns.filter((c) => keep.includes(c.name)) };
    csv = join(dir, 'train.csv');
    await writeTable(table, csv);
    await platform.models.estimator({ objective: 'binary:logistic', num_round: 5 }).fit({ train: { data: csv, label: 'approved' } }, { modelName: 'clarify-m' });
  });
  afterAll(async () => {
    await platform.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('runs pre-training bias as a job with status, progress and outputs', async () => {
    const processor = new ClarifyProcessor(platform);
    const out = join(dir, 'pre');
    const job = await processor.runPreTrainingBias(
      new DataConfig({ dataPath: csv, outputPath: out, label: 'approved', datasetType: 'text/csv' }),
      new BiasConfig({ labelValuesOrThreshold: [1], facetName: 'sex', facetValuesOrThreshold: [0] }),
      ['CI', 'DPL'],
      { jobName: 'pre-bias-1', bootstrap: { level: 0.95, samples: 200, seed: 4 } },
    );
    expect(job.name).toBe('pre-bias-1');
    const result = await job.wait();
    const ci = result.analysis.pre_training_bias_metrics!.facets.sex![0]!.metrics[0]!;
    expect(ci.name).toBe('CI');
    expect(ci.confidence_interval).toHaveLength(2);
    const d = await job.describe();
    expect(d.status).toBe('Completed');
    expect(d.type).toBe('clarify-pre-training-bias');
    expect(d.progress).toBe(1);
    expect(d.outputs).toEqual({ analysisJson: join(out, 'analysis.json'), reportMd: join(out, 'report.md'), reportHtml: join(out, 'report.html') });
    for (const f of Object.values(d.outputs)) expect(existsSync(f)).toBe(true);
    expect(JSON.parse(readFileSync(d.outputs['analysisJson']!, 'utf8'))).toEqual(result.analysis);
    expect((d.parameters as { methods: unknown }).methods).toEqual({ pre: ['CI', 'DPL'] });
    expect((await platform.jobs.list({ type: 'clarify-pre-training-bias' })).map((j) => j.name)).toContain('pre-bias-1');
  });

  it('runs pre- and post-training bias with a registered model into the object store, waiting like SageMaker', async () => {
    const processor = new ClarifyProcessor(platform);
    const output = platform.objectStore.uriOf('clarify/bias-run');
    const job = await processor.runBias(
      new DataConfig({ dataPath: csv, outputPath: output, label: 'approved' }),
      new BiasConfig({ labelValuesOrThreshold: [1], facetName: ['sex'], groupName: 'sex' }),
      new ModelConfig({ modelName: 'clarify-m' }),
      new ModelPredictedLabelConfig({ probabilityThreshold: 0.6, label: 'score' }),
      ['CI'],
      'all',
      { wait: true },
    );
    const d = await job.describe();
    expect(d.status).toBe('Completed');
    expect(d.outputs['reportHtml']).toBe(platform.objectStore.uriOf('clarify/bias-run/report.html'));
    const stored = JSON.parse(new TextDecoder().decode(await platform.objectStore.get('clarify/bias-run/analysis.json')));
    expect(Object.keys(stored.post_training_bias_metrics.facets.sex)).toHaveLength(2);
    expect(stored.post_training_bias_metrics.facets.sex[0].metrics.map((m: { name: string }) => m.name)).toContain('DPPL');
    const html = new TextDecoder().decode(await platform.objectStore.get('clarify/bias-run/report.html'));
    expect(html).toContain('score &gt; 0.6 is a positive prediction');
  });

  it('runs post-training bias on a predicted label column, with an intersectional facet', async () => {
    const rows = ['y,sex,band,pred'];
    for (let i = 0; i < 60; i++) rows.push([i % 3 === 0 ? 1 : 0, i % 2, ['a', 'b'][i % 4 < 2 ? 0 : 1], i % 5 === 0 ? 1 : 0].join(','));
    const file = join(dir, 'pred.csv');
    writeFileSync(file, rows.join('\n') + '\n');
    const processor = new ClarifyProcessor(platform);
    const job = await processor.runPostTrainingBias(
      new DataConfig({ dataPath: file, outputPath: join(dir, 'post'), label: 'y', predictedLabel: 'pred' }),
      new BiasConfig({ labelValuesOrThreshold: [1], facetName: [['sex', 'band']], facetValuesOrThreshold: [[[0, 'a']]] }),
      undefined,
      undefined,
      ['DPPL', 'DI'],
    );
    const result = await job.wait();
    const facet = result.analysis.post_training_bias_metrics!.facets['sex+band']!;
    expect(facet).toHaveLength(1);
    expect(facet[0]!.value_or_threshold).toBe('(0, a)');
    expect(facet[0]!.metrics.map((m) => m.name)).toEqual(['DI', 'DPPL']);
  });

  it('refuses bad configuration before starting a job, naming the field and the value', async () => {
    const processor = new ClarifyProcessor(platform);
    const data = new DataConfig({ dataPath: csv, outputPath: join(dir, 'x'), label: 'approved' });
    const bias = new BiasConfig({ labelValuesOrThreshold: [1], facetName: 'sex' });
    expect(() => new DataConfig({ dataPath: csv, outputPath: 'o', datasetType: 'image/png' })).toThrow(/dataConfig\.datasetType.*image\/png/);
    expect(() => new BiasConfig({ labelValuesOrThreshold: [], facetName: 'sex' })).toThrow(/biasConfig\.labelValuesOrThreshold/);
    expect(() => new BiasConfig({ labelValuesOrThreshold: [1], facetName: ['sex', 'math'], facetValuesOrThreshold: [[0]] })).toThrow(/one entry per facet \(2\)/);
    expect(() => new ModelPredictedLabelConfig({ probabilityThreshold: Number.NaN })).toThrow(/probabilityThreshold/);
    await expect(processor.runPreTrainingBias(data, bias, ['CI', 'XYZ' as 'CI'])).rejects.toThrow(/unknown metric "XYZ"/);
    await expect(processor.runPostTrainingBias(data, bias)).rejects.toThrow(/modelConfig.*needs a model/);
    await expect(processor.runPreTrainingBias(new DataConfig({ dataPath: csv, outputPath: 'o' }), bias)).rejects.toThrow(/dataConfig\.label/);
    await expect(processor.runPreTrainingBias(data, bias, 'all', { bootstrap: { level: 2 } })).rejects.toThrow(/bootstrap\.level/);
  });

  it('fails the job with a clear reason when the data lacks the facet column', async () => {
    const processor = new ClarifyProcessor(platform);
    const job = await processor.runPreTrainingBias(
      new DataConfig({ dataPath: csv, outputPath: join(dir, 'bad'), label: 'approved' }),
      new BiasConfig({ labelValuesOrThreshold: [1], facetName: 'gender' }),
    );
    await expect(job.wait()).rejects.toThrow(/facets\[0\]\.name.*gender/);
    const d = await job.describe();
    expect(d.status).toBe('Failed');
    expect(d.failureReason).toMatch(/gender/);
  });

  it('runs explainability as a job: TreeSHAP for the tree model, PDP, outputs listed', async () => {
    const processor = new ClarifyProcessor(platform);
    const out = join(dir, 'explain');
    const job = await processor.runExplainability(
      new DataConfig({ dataPath: csv, outputPath: out, label: 'approved' }),
      new ModelConfig({ modelName: 'clarify-m' }),
      [new SHAPConfig({ numSamples: 20, aggMethod: 'median', seed: 1 }), new PDPConfig({ features: ['math'], gridResolution: 5 })],
      { jobName: 'explain-1' },
    );
    const result = await job.wait();
    expect(result.method).toBe('tree');
    expect(result.methodNote).toContain('num_samples (20) applies to Kernel SHAP only');
    expect(result.features).toEqual(['sex', 'math', 'science', 'technology']);
    const d = await job.describe();
    expect(d).toMatchObject({ status: 'Completed', type: 'clarify-explainability', progress: 1 });
    expect(d.outputs['analysisJson']).toBe(join(out, 'analysis.json'));
    for (const f of Object.values(d.outputs)) expect(existsSync(f)).toBe(true);
    const analysis = JSON.parse(readFileSync(d.outputs['analysisJson']!, 'utf8'));
    expect(Object.keys(analysis.explanations.tree_shap.label0.global_shap_values)).toEqual(result.features);
    expect(analysis.explanations.pdp[0].feature_name).toBe('math');
    await expect(processor.runExplainability(new DataConfig({ dataPath: csv, outputPath: out }), new ModelConfig({ modelName: 'clarify-m' }), [] as SHAPConfig[])).rejects.toThrow(/explainabilityConfig/);
  });
});
