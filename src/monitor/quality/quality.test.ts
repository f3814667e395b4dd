/**
 * Model quality: metrics against the real container's statistics.json, binary/multiclass metrics against
 * scikit-learn (Debian python), constraints and an end-to-end execution merging captured predictions with
 * uploaded ground truth (the SDK fixture's capture.jsonl and actuals.jsonl, joined by eventId).
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { fixedClock } from '../../core/clock.js';
import { createRandom } from '../../core/random.js';
import { createPlatform } from '../../platform.js';
import { inspectReport } from '../../../test/helpers/browser.js';
import { checkModelQuality, computeModelQuality, formatModelQualityJson, metricValues, parseModelQualityConstraints, parseModelQualityStatistics, suggestModelQualityConstraints } from './index.js';

const fixtures = fileURLToPath(new URL('../../../test/fixtures/sagemaker-examples/sagemaker-python-sdk/', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'plumbline-quality-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const mq = join(fixtures, 'quality_check_step', 'model_quality');

describe('model quality', () => {
  it("reproduces the container's regression statistics.json on its own baseline dataset", () => {
    const lines = readFileSync(join(mq, 'baseline_dataset.csv'), 'utf8').trim().split('\n').slice(1);
    const labels = lines.map((l) => l.split(',')[7]!);
    const predictions = lines.map((l) => l.split(',')[8]!);
    const stats = computeModelQuality({ problemType: 'Regression', labels, predictions });
    const real = parseModelQualityStatistics(JSON.parse(readFileSync(join(mq, 'statistics.json'), 'utf8')));
    expect(stats.dataset.item_count).toBe(real.dataset.item_count);
    for (const [k, v] of Object.entries(metricValues(real))) expect(metricValues(stats)[k], k).toBeCloseTo(v, 12);
    expect(stats.regression_metrics!.mae!.standard_deviation).toBe('NaN'); // < 200 rows, as the container writes
    // Suggested constraints are the container's good case; its bad case (mse threshold 0.0336) is violated.
    expect(suggestModelQualityConstraints(stats)).toEqual(JSON.parse(readFileSync(join(mq, 'good_cases', 'constraints.json'), 'utf8')));
    const bad = parseModelQualityConstraints(JSON.parse(readFileSync(join(mq, 'bad_cases', 'constraints.json'), 'utf8')));
    const { violations } = checkModelQuality(stats, bad);
    expect(violations).toEqual([
      { metric_name: 'mse', constraint_check_type: 'GreaterThanThreshold', description: `Metric mse with ${stats.regression_metrics!.mse!.value} was GreaterThanThreshold 0.03364933609800973` },
    ]);
    expect(checkModelQuality(stats, suggestModelQualityConstraints(stats)).violations).toEqual([]);
    // The container's files, read and written back, are byte-identical (Jackson's text form, doubles as Java writes them).
    for (const [f, parse] of [['statistics.json', parseModelQualityStatistics], ['good_cases/constraints.json', parseModelQualityConstraints], ['bad_cases/constraints.json', parseModelQualityConstraints]] as const) {
      const text = readFileSync(join(mq, f), 'utf8');
      expect(formatModelQualityJson(parse(JSON.parse(text))), f).toBe(text);
    }
    expect(() => parseModelQualityConstraints({ version: 0, regression_constraints: { mae: { threshold: 1, comparison_operator: 'Bigger' } } })).toThrow(/comparison_operator/);
    // A data-quality constraints.json given as model-quality constraints is named by its source.
    expect(() => parseModelQualityConstraints({ version: 0, features: [], monitoring_config: {} }, '/b/constraints.json')).toThrow(/^\/b\/constraints\.json: got \["version","features","monitoring_config"\], expected a model-quality file with regression_metrics/);
  });

  it('computes binary and multiclass metrics as scikit-learn does', () => {
    const r = createRandom(3);
    const n = 300;
    const y: string[] = [];
    const score: string[] = [];
    const yc: string[] = [];
    const pc: string[] = [];
    for (let i = 0; i < n; i++) {
      const label = r.next() < 0.4 ? 1 : 0;
      y.push(String(label));
      score.push(String(Math.round(Math.min(1, Math.max(0, 0.35 * label + 0.6 * r.next())) * 1000) / 1000));
      const c = r.int(0, 2);
      yc.push(String(c));
      pc.push(String(r.next() < 0.6 ? c : r.int(0, 2)));
    }
    const bin = computeModelQuality({ problemType: 'BinaryClassification', labels: y, predictions: score, probabilityThreshold: 0.5 });
    const multi = computeModelQuality({ problemType: 'MulticlassClassification', labels: yc, predictions: pc });
    const script = `
import json, sys
from sklearn import metrics as m
d = json.load(sys.stdin)
y = [int(v) for v in d['y']]; s = [float(v) for v in d['s']]; p = [1 if v >= 0.5 else 0 for v in s]
yc = d['yc']; pc = d['pc']
print(json.dumps({
  'accuracy': m.accuracy_score(y, p), 'precision': m.precision_score(y, p), 'recall': m.recall_score(y, p),
  'f1': m.f1_score(y, p), 'f0_5': m.fbeta_score(y, p, beta=0.5), 'f2': m.fbeta_score(y, p, beta=2), 'auc': m.roc_auc_score(y, s),
  'cm': m.confusion_matrix(y, p).tolist(),
  'macc': m.accuracy_score(yc, pc), 'wr': m.recall_score(yc, pc, average='weighted'), 'wp': m.precision_score(yc, pc, average='weighted'),
  'wf1': m.f1_score(yc, pc, average='weighted'), 'wf2': m.fbeta_score(yc, pc, beta=2, average='weighted'),
}))`;
    const ref = JSON.parse(execFileSync('/usr/bin/python3', ['-c', script], { input: JSON.stringify({ y, s: score, yc, pc }), encoding: 'utf8' }));
    const b = metricValues(bin);
    for (const k of ['accuracy', 'precision', 'recall', 'f1', 'f0_5', 'f2', 'auc']) expect(b[k], k).toBeCloseTo(ref[k], 12);
    const cm = (bin.binary_classification_metrics as { confusion_matrix: Record<string, Record<string, number>> }).confusion_matrix;
    expect([[cm['0']!['0'], cm['0']!['1']], [cm['1']!['0'], cm['1']!['1']]]).toEqual(ref.cm);
    expect((bin.binary_classification_metrics as Record<string, { standard_deviation: unknown }>).auc!.standard_deviation).toEqual(expect.any(Number));
    const mc = metricValues(multi);
    expect(mc.accuracy).toBeCloseTo(ref.macc, 12);
    expect(mc.weighted_recall).toBeCloseTo(ref.wr, 12);
    expect(mc.weighted_precision).toBeCloseTo(ref.wp, 12);
    expect(mc.weighted_f1).toBeCloseTo(ref.wf1, 12);
    expect(mc.weighted_f2).toBeCloseTo(ref.wf2, 12);
  });

  it('runs a ModelQuality schedule: captured predictions merged with uploaded ground truth by event id', async () => {
    const home = join(dir, 'home');
    const clock = fixedClock(Date.UTC(2026, 10, 26, 9, 30));
    const platform = await createPlatform({ home, clock, offlineFlushIntervalMs: 0, purgeIntervalMs: 0 });
    try {
      // The SDK fixture capture (eventIds 74b0dd56-…/79f96714-…) in the 09:00 hour folder; its inferenceTime is a template.
      const folder = join(dir, 'capture', 'churn', 'AllTraffic', '2026', '11', '26', '09');
      mkdirSync(folder, { recursive: true });
      writeFileSync(join(folder, '10-00-000-a.jsonl'), readFileSync(join(fixtures, 'monitor', 'capture.jsonl')));
      // Ground truth as SageMaker users upload it (the fixture's actuals.jsonl), plus our own upload API.
      const gt = join(dir, 'ground-truth');
      mkdirSync(join(gt, '2026', '11', '26', '09'), { recursive: true });
      writeFileSync(join(gt, '2026', '11', '26', '09', 'actuals.jsonl'), readFileSync(join(fixtures, 'monitor', 'actuals.jsonl')));
      const uploaded = await platform.monitor.uploadGroundTruth(gt, [{ eventId: '74b0dd56-e7c8-368e-94b1-14a138a96000', label: 0 }]);
      expect(fileURLToPath(uploaded)).toMatch(/ground-truth\/2026\/11\/26\/09\/30-00-000-[0-9a-f-]{36}\.jsonl$/);
      const constraints = join(dir, 'mq-constraints.json');
      writeFileSync(constraints, JSON.stringify({ version: 0.0, binary_classification_constraints: { accuracy: { threshold: 0.9, comparison_operator: 'LessThanThreshold' } } }));
      await platform.monitor.createMonitoringSchedule({
        monitorScheduleName: 'mq',
        endpointInput: 'churn',
        captureDestination: join(dir, 'capture'),
        monitoringType: 'ModelQuality',
        problemType: 'BinaryClassification',
        groundTruthInput: gt,
        constraints,
        outputS3Uri: join(dir, 'reports'),
      });
      clock.set(Date.UTC(2026, 10, 26, 10, 0, 10));
      const [e] = await platform.monitor.tick();
      expect(e).toMatchObject({ MonitoringType: 'ModelQuality', MonitoringExecutionStatus: 'CompletedWithViolations' });
      const statsText = readFileSync(fileURLToPath(e!.Outputs.statistics!), 'utf8');
      expect(statsText).toMatch(/^\{\n  "version" : 0\.0,\n  "dataset" : \{/);
      const stats = JSON.parse(statsText);
      const lines = readFileSync(join(fixtures, 'monitor', 'capture.jsonl'), 'utf8').trim().split('\n');
      expect(stats.dataset.item_count).toBe(lines.length);
      const v = JSON.parse(readFileSync(fileURLToPath(e!.Outputs.constraint_violations!), 'utf8')).violations;
      expect(v).toEqual([expect.objectContaining({ metric_name: 'accuracy', constraint_check_type: 'LessThanThreshold' })]);
      const page = await inspectReport(readFileSync(fileURLToPath(e!.Outputs.report!), 'utf8'));
      expect(page.errors).toEqual([]);
      expect(await platform.metrics.metrics()).toMatch(/model_metric_accuracy\{endpoint="churn",monitoring_schedule="mq"\} 0\.\d+/);
      await expect(
        platform.monitor.createMonitoringSchedule({ monitorScheduleName: 'mq2', endpointInput: 'churn', captureDestination: join(dir, 'capture'), monitoringType: 'ModelQuality' }),
      ).rejects.toThrow(/groundTruthInput.*problemType/s);
    } finally {
      await platform.close();
    }
  });
});
