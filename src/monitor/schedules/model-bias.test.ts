/**
 * Bias drift as a schedule type (ModelBias): a bias baseline (analysis.json of a baseline bias job) on a
 * labelled dataset, captured traffic merged with uploaded ground truth by inference id, the bias metrics on
 * the window, violations when a metric is farther from 0 than its baseline. Real workspace, real files, an
 * injected clock; the metric values are checked against the bias module on the same merged rows.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { inspectReport } from '../../../test/helpers/browser.js';
import { writeCaptureRecord } from '../../../test/helpers/monitoring.js';
import { postTrainingBias } from '../../bias/index.js';
import { fixedClock } from '../../core/clock.js';
import { createRandom } from '../../core/random.js';
import { createPlatform } from '../../platform.js';
import { biasMetricsOf, detectBiasDrift, parseBiasMonitorConfig } from '../quality/index.js';

const root = mkdtempSync(join(tmpdir(), 'plumbline-model-bias-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const CONFIG = {
  label: 'approved',
  label_values_or_threshold: [1],
  facet: [{ name_or_index: 'sex', value_or_threshold: [0] }],
  headers: ['approved', 'sex', 'math', 'science'],
  probability_threshold: 0.5,
  methods: { post_training_bias: { methods: ['DPPL', 'DI', 'DCA', 'AD', 'RD'] } },
};

interface Row {
  sex: number;
  math: number;
  science: number;
  approved: number;
  /** The model's score. */
  score: number;
}

/** Fair data: the score follows the marks, not sex. `biased` pushes sex=0 scores down. */
function rows(n: number, seed: number, biased = false): Row[] {
  const r = createRandom(seed);
  return Array.from({ length: n }, () => {
    const sex = r.next() < 0.5 ? 1 : 0;
    const math = r.int(50, 100);
    const science = r.int(50, 100);
    const approved = math + science > 150 ? 1 : 0;
    let score = Math.min(0.99, Math.max(0.01, (math + science - 100) / 100 + (r.next() - 0.5) * 0.3));
    if (biased && sex === 0) score *= 0.3;
    return { sex, math, science, approved, score };
  });
}

function capture(dir: string, at: number, row: Row, id: string): void {
  writeCaptureRecord(dir, at, { input: `${row.sex},${row.math},${row.science}`, output: row.score.toFixed(4), eventId: `ev-${id}`, inferenceId: id, fileTag: 'capture' });
}

describe('ModelBias schedules (bias drift)', () => {
  it('baselines bias, checks each window against it, and flags metrics that moved farther from 0', async () => {
    const home = join(root, 'ws');
    const captureDir = join(home, 'capture');
    const t0 = Date.UTC(2026, 10, 26, 12, 0);
    const clock = fixedClock(t0);
    const platform = await createPlatform({ home, clock, offlineFlushIntervalMs: 0, purgeIntervalMs: 0 });
    try {
      // Baseline: a labelled dataset with the model's predicted labels (score > 0.5).
      const train = rows(400, 1);
      const csv = join(root, 'baseline.csv');
      writeFileSync(csv, ['approved,sex,math,science,pred', ...train.map((r) => `${r.approved},${r.sex},${r.math},${r.science},${r.score > 0.5 ? 1 : 0}`)].join('\n') + '\n');
      const configFile = join(root, 'analysis_config.json');
      writeFileSync(configFile, JSON.stringify(CONFIG));
      // Through the SDK-shaped facade (ModelBiasMonitor.suggest_baseline / create_monitoring_schedule).
      const monitor = platform.monitor.modelBiasMonitor();
      const baseline = await monitor.suggestBaseline({ dataset: csv, analysisConfig: configFile, predictedLabel: 'pred', output: join(home, 'bias-baseline') });
      const baseMetrics = biasMetricsOf(baseline.analysis);
      expect(baseMetrics.map((m) => m.metric).sort()).toEqual(['AD', 'DCA', 'DI', 'DPPL', 'RD']);

      const groundTruth = platform.objectStore.uriOf('ground-truth');
      await monitor.createMonitoringSchedule({
        monitorScheduleName: 'bias',
        endpointInput: 'ep',
        captureDestination: captureDir,
        groundTruthInput: groundTruth,
        outputS3Uri: platform.objectStore.uriOf('reports'),
      });
      const d = await platform.monitor.describeMonitoringSchedule('bias');
      expect(d.MonitoringScheduleConfig.MonitoringJobDefinition.BaselineConfig?.ConstraintsResource?.S3Uri).toBe(baseline.files.analysis);
      expect(d.Plumbline.BiasConfigUri).toBe(configFile);
      expect(d).toMatchObject({ MonitoringType: 'ModelBias', MonitoringScheduleConfig: { MonitoringJobDefinition: { Environment: { analysis_type: 'MODEL_BIAS' } } } });

      // Hour 1: the baseline's own traffic (same rows) -> same metrics -> no violation.
      train.forEach((r, i) => capture(captureDir, t0 - 3_600_000 + i * 1000, r, `fair-${i}`));
      await platform.monitor.uploadGroundTruth(groundTruth, train.map((r, i) => ({ eventId: `fair-${i}`, label: r.approved })));
      const fair = await platform.monitor.runMonitoringSchedule('bias', { start: t0 - 3_600_000, end: t0 });
      expect(fair).toMatchObject({ MonitoringType: 'ModelBias', MonitoringExecutionStatus: 'Completed', ViolationCount: 0, RecordsAnalysed: 400 });
      const fairAnalysis = JSON.parse(readFileSync(fileURLToPath(fair.Outputs.analysis!), 'utf8'));
      expect(biasMetricsOf(fairAnalysis)).toEqual(baseMetrics);
      expect(JSON.parse(readFileSync(fileURLToPath(fair.Outputs.constraint_violations!), 'utf8'))).toEqual({ version: '1.0', violations: [] });

      // Hour 2: the model turned against sex = 0 -> DPPL (and others) farther from 0 than the baseline.
      clock.set(t0 + 3_600_000);
      const biased = rows(300, 2, true);
      biased.forEach((r, i) => capture(captureDir, t0 + i * 1000, r, `biased-${i}`));
      // Labels for only 250 of them: the others are not merged.
      await platform.monitor.uploadGroundTruth(groundTruth, biased.slice(0, 250).map((r, i) => ({ eventId: `biased-${i}`, label: r.approved })));
      const drifted = await platform.monitor.runMonitoringSchedule('bias', { start: t0, end: t0 + 3_600_000 });
      expect(drifted).toMatchObject({ MonitoringExecutionStatus: 'CompletedWithViolations', RecordsAnalysed: 250 });
      const violations = JSON.parse(readFileSync(fileURLToPath(drifted.Outputs.constraint_violations!), 'utf8'));
      expect(violations.version).toBe('1.0');
      const dppl = violations.violations.find((v: { metric_name: string }) => v.metric_name === 'DPPL');
      expect(dppl).toMatchObject({ facet: 'sex', facet_value: '0', constraint_check_type: 'bias_drift_check' });
      expect(dppl.description).toMatch(/^Value -?\d+(\.\d+)?(e-?\d+)? does not meet the constraint requirement$/);

      // Same numbers as the bias module on the merged rows; each violation is exactly a metric beyond |baseline|.
      const merged = biased.slice(0, 250);
      const expected = postTrainingBias(
        {
          length: merged.length,
          columns: [
            { name: 'sex', type: 'float', values: Float64Array.from(merged, (r) => r.sex) },
            { name: 'math', type: 'float', values: Float64Array.from(merged, (r) => r.math) },
            { name: 'science', type: 'float', values: Float64Array.from(merged, (r) => r.science) },
            { name: 'approved', type: 'float', values: Float64Array.from(merged, (r) => r.approved) },
            { name: 'p', type: 'float', values: Float64Array.from(merged, (r) => (Number(r.score.toFixed(4)) > 0.5 ? 1 : 0)) },
          ],
        },
        { label: { name: 'approved', values: [1] }, facets: [{ name: 'sex', values: [0] }], predictedLabel: 'p' },
        { methods: ['DPPL', 'DI', 'DCA', 'AD', 'RD'] },
      );
      const current = JSON.parse(readFileSync(fileURLToPath(drifted.Outputs.analysis!), 'utf8'));
      const currentMetrics = biasMetricsOf(current);
      for (const m of expected.facets[0]!.reports[0]!.metrics) {
        if (m.value === null) continue;
        expect(currentMetrics.find((c) => c.metric === m.name)!.value).toBeCloseTo(m.value, 12);
      }
      const beyond = currentMetrics.filter((c) => Math.abs(c.value) > Math.abs(baseMetrics.find((b) => b.metric === c.metric)!.value)).map((c) => c.metric);
      expect(violations.violations.map((v: { metric_name: string }) => v.metric_name).sort()).toEqual(beyond.sort());
      expect(beyond).toContain('DPPL');

      // The report shows baseline, current and allowed range; it renders without errors.
      const html = readFileSync(fileURLToPath(drifted.Outputs.report!), 'utf8');
      expect(html).toContain('Bias drift: bias');
      expect(html).toContain('allowed range');
      const inspected = await inspectReport(html);
      expect(inspected.errors).toEqual([]);
      // Latest violations through the SDK facade.
      const latest = await platform.monitor.latestMonitoringConstraintViolations('bias');
      expect(latest?.body.violations.length).toBe(violations.violations.length);
    } finally {
      await platform.close();
    }
  });

  it("applies the spec's rule: farther from 0 than the baseline violates (DPPL baseline 0.2: 0.1 passes, -0.3 fails)", () => {
    const analysis = (v: number) => ({
      version: '1.0',
      post_training_bias_metrics: { label: 'y', label_value_or_threshold: '1', facets: { f: [{ value_or_threshold: '1', metrics: [{ name: 'DPPL', description: 'x', value: v }] }] } },
    });
    const config = parseBiasMonitorConfig({ label: 'y', label_values_or_threshold: [1], facet: [{ name_or_index: 'f', value_or_threshold: [1] }], methods: { post_training_bias: { methods: ['DPPL'] } } });
    // Facet f=1 approved 0.5 - others 0.6 ... build rows giving DPPL = q_a - q_d.
    const make = (qa: number, qd: number) => {
      const n = 10;
      const f: string[] = [];
      const preds: string[] = [];
      for (let i = 0; i < n; i++) (f.push('0'), preds.push(i < qa * n ? '1' : '0'));
      for (let i = 0; i < n; i++) (f.push('1'), preds.push(i < qd * n ? '1' : '0'));
      return detectBiasDrift({ config, features: { length: 2 * n, columns: [{ name: 'f', type: 'string', values: f }] }, labels: preds.map(() => '1'), predictions: preds, baseline: analysis(0.2) });
    };
    const pass = make(0.6, 0.5);
    expect(pass.compared[0]!.value).toBeCloseTo(0.1, 12);
    expect(pass.violations).toEqual([]);
    const fail = make(0.3, 0.6);
    expect(fail.compared[0]!.value).toBeCloseTo(-0.3, 12);
    expect(fail.violations).toHaveLength(1);
    expect(fail.compared[0]!.allowed).toEqual([-0.2, 0.2]);
  });

  it('refuses a ModelBias schedule without ground truth, config or baseline, and a baseline that is not a bias analysis.json', async () => {
    const home = join(root, 'bad');
    const platform = await createPlatform({ home, clock: fixedClock(Date.UTC(2026, 10, 26)), offlineFlushIntervalMs: 0, purgeIntervalMs: 0 });
    try {
      const base = { monitorScheduleName: 'b', endpointInput: 'ep', monitoringType: 'ModelBias' as const, captureDestination: join(home, 'capture') };
      const e1 = await platform.monitor.createMonitoringSchedule(base).catch((e) => e);
      expect(e1.code).toBe('VALIDATION_FAILED');
      expect(e1.message).toMatch(/groundTruthInput/);
      expect(e1.message).toMatch(/analysisConfig/);
      const notBias = join(root, 'not-bias.json');
      writeFileSync(notBias, JSON.stringify({ version: '1.0', explanations: {} }));
      const e2 = await platform.monitor
        .createMonitoringSchedule({ ...base, groundTruthInput: platform.objectStore.uriOf('gt'), analysisConfig: CONFIG, constraints: notBias })
        .catch((e) => e);
      expect(e2.code).toBe('VALIDATION_FAILED');
      expect(e2.message).toMatch(/bias analysis\.json/);
    } finally {
      await platform.close();
    }
  });
});
