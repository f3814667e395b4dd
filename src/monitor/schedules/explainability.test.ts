/**
 * A ModelExplainability schedule on a real endpoint with data capture: global SHAP of the endpoint's model on the
 * captured window, ranked against a Clarify explainability analysis.json by NDCG.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { servingFixture, type ServingFixture } from '../../../test/helpers/serving-fixture.js';
import { runExplainability } from '../../explain/index.js';
import { CSVSerializer, generateScholarship, tableToRows } from '../../index.js';

let fx: ServingFixture;
let analysisPath: string;
beforeAll(async () => {
  fx = await servingFixture();
  const p = fx.platform;
  const predictor = await p.endpoints.model('cookbook-xgboost').deploy({ endpointName: 'ep-shap', initialInstanceCount: 1, instanceType: 'ml.m5.large' });
  await predictor.updateDataCaptureConfig({ enableCapture: true, samplingPercentage: 100, destinationS3Uri: p.objectStore.uriOf('capture') });
  predictor.serializer = new CSVSerializer();
  const rows = tableToRows(generateScholarship({ rows: 60, seed: 9, eventTime: 1_700_000_000 }));
  for (const r of rows) await predictor.predict([r.sex, r.math, r.science, r.technology, r.random1, r.random2].join(','));
  const baseline = await runExplainability({ models: p.models, objectStore: p.objectStore }, { data: join(fx.home, 'train.csv'), modelName: 'cookbook-xgboost', label: 'approved', output: join(fx.home, 'shap-baseline') });
  const file = baseline.files!.analysisJson;
  analysisPath = file.startsWith('file://') ? fileURLToPath(file) : file;
}, 120_000);
afterAll(async () => fx?.cleanup());

describe('ModelExplainability schedules', () => {
  it('finds no drift when the live ranking matches the baseline, and flags a reversed baseline', async () => {
    const p = fx.platform;
    await p.monitor.createMonitoringSchedule({ monitorScheduleName: 'shap-ok', endpointInput: 'ep-shap', monitoringType: 'ModelExplainability', constraints: analysisPath, outputS3Uri: join(fx.home, 'reports') });
    const ok = await p.monitor.runMonitoringSchedule('shap-ok');
    expect(ok).toMatchObject({ MonitoringType: 'ModelExplainability', MonitoringExecutionStatus: 'Completed', RecordsAnalysed: 60 });
    expect(ok.ColumnMapping).toContain("model cookbook-xgboost's feature names");
    expect(JSON.parse(readFileSync(fileURLToPath(ok.Outputs.constraint_violations!), 'utf8'))).toEqual({ version: '1.0', violations: [] });

    // A baseline whose ranking is the reverse of the live one.
    const analysis = JSON.parse(readFileSync(analysisPath, 'utf8'));
    const section = analysis.explanations.tree_shap ?? analysis.explanations.kernel_shap;
    const label = Object.keys(section)[0]!;
    const values = section[label].global_shap_values as Record<string, number>;
    const ranked = Object.keys(values).sort((a, b) => values[b]! - values[a]!);
    section[label].global_shap_values = Object.fromEntries(ranked.map((f, i) => [f, (i + 1) / 10]));
    const reversed = join(fx.home, 'reversed-analysis.json');
    writeFileSync(reversed, JSON.stringify(analysis));
    await p.monitor.createMonitoringSchedule({ monitorScheduleName: 'shap-drift', endpointInput: 'ep-shap', monitoringType: 'ModelExplainability', constraints: reversed, outputS3Uri: join(fx.home, 'reports') });
    const drift = await p.monitor.runMonitoringSchedule('shap-drift');
    expect(drift.MonitoringExecutionStatus).toBe('CompletedWithViolations');
    const v = JSON.parse(readFileSync(fileURLToPath(drift.Outputs.constraint_violations!), 'utf8')).violations;
    expect(v).toEqual([{ label, metric_name: 'shap', constraint_check_type: 'feature_attribution_drift_check', description: expect.stringMatching(/^Feature attribution drift 0\.\d+ exceeds threshold 0\.9$/) }]);
    await expect(
      p.monitor.createMonitoringSchedule({ monitorScheduleName: 'shap-bad', endpointInput: 'ep-shap', monitoringType: 'ModelExplainability', constraints: join(fx.home, 'train.csv') }),
    ).rejects.toThrow(/constraints: got/);
  });
});
