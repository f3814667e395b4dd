/**
 * The main job as a new user runs it: `plumbline demo` in its own process on a fresh workspace.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../..', import.meta.url));
const home = mkdtempSync(join(tmpdir(), 'plumbline-demo-'));

describe('plumbline demo', () => {
  afterAll(() => rmSync(home, { recursive: true, force: true }));

  it('runs the recipes end to end, writes the split CSV files, captures the endpoint\'s request and monitors it', () => {
    const run = () => spawnSync(process.execPath, ['--import', 'tsx', join(root, 'src/cli/run.ts'), '--home', home, '--json', 'demo'], { encoding: 'utf8', cwd: root });
    const first = run();
    expect(first.status, first.stderr).toBe(0);
    const summary = JSON.parse(first.stdout);
    expect(summary.featureGroup).toMatchObject({ name: 'cookbook-feature-group', status: 'Created', ingested: 1000, rejected: 0 });
    expect(summary.rows).toEqual({ training: 600, validation: 200, test: 200 });
    expect(summary.pointInTimeRows).toBe(1000);
    // Recipe 3: CI for sex=0 (female) is about 0.6, as the book reads (0.59); recipe 4: the model favours males.
    expect(summary.preTrainingBias.CI['0']).toBeCloseTo(0.6, 1);
    expect(summary.preTrainingBias.CI['1']).toBeCloseTo(-summary.preTrainingBias.CI['0'], 12);
    expect(summary.postTrainingBias.metrics['0'].DPPL).toBeGreaterThan(0.2);
    expect(JSON.parse(readFileSync(fileURLToPath(summary.preTrainingBias.analysis), 'utf8')).pre_training_bias_metrics.facets.sex).toHaveLength(2);
    // report.html (charts, ranges, readings) beside each analysis.json.
    for (const analysis of [summary.preTrainingBias.analysis, summary.postTrainingBias.analysis]) {
      expect(readFileSync(fileURLToPath(analysis).replace(/analysis\.json$/, 'report.html'), 'utf8')).toContain('<svg');
    }
    // Recipe 4's training step: 500 rounds on the header-less training split, checked on the validation split.
    expect(summary.model).toMatchObject({ name: 'cookbook-xgboost', trees: 500 });
    expect(summary.model.validationAuc).toBeGreaterThan(0.75);
    expect(existsSync(fileURLToPath(summary.model.uri))).toBe(true);
    const training = fileURLToPath(summary.exports.training_data_path);
    const lines = readFileSync(training, 'utf8').trim().split('\n');
    expect(lines[0]).toBe('approved,sex,math,science,technology,random1,random2');
    expect(lines).toHaveLength(601);
    const noHeader = readFileSync(fileURLToPath(summary.exports.training_data_path_nh), 'utf8').trim().split('\n');
    expect(noHeader).toEqual(lines.slice(1));
    // The data is biased as the chapter needs: about 80% of the training rows are male (CI close to 0.6).
    const male = lines.slice(1).filter((l) => l.split(',')[1] === '1').length;
    expect(Math.abs((2 * male - 600) / 600 - 0.6)).toBeLessThan(0.1);
    // Recipe 5: Kernel SHAP with the book's configuration on the test split; the noise columns come out least important.
    expect(summary.explainability.ranking).toHaveLength(6);
    expect(summary.explainability.ranking.slice(-2).sort()).toEqual(['random1', 'random2']);
    expect(summary.explainability.treeRanking.slice(-2).sort()).toEqual(['random1', 'random2']);
    const explanation = JSON.parse(readFileSync(fileURLToPath(summary.explainability.analysis), 'utf8'));
    expect(Object.keys(explanation.explanations.kernel_shap.label0.global_shap_values).sort()).toEqual(['math', 'random1', 'random2', 'science', 'sex', 'technology']);
    const localValues = readFileSync(fileURLToPath(summary.explainability.localValues), 'utf8').trim().split('\n');
    expect(localValues[0]).toBe('sex_label0,math_label0,science_label0,technology_label0,random1_label0,random2_label0');
    expect(localValues).toHaveLength(201);
    expect(readFileSync(fileURLToPath(summary.explainability.report), 'utf8')).toContain('<svg');
    // Recipe 6: record 950 from the online store through the endpoint; the pair lands in the hourly capture folder.
    expect(summary.endpoint.name).toBe('cookbook-xgboost-endpoint');
    expect(summary.endpoint.csvInput).toMatch(/^[01],\d+,\d+,\d+,\d+,\d+$/);
    expect(summary.endpoint.prediction).toEqual({ predictions: [{ score: summary.endpoint.score }] });
    const captureFile = fileURLToPath(summary.endpoint.captureFile);
    expect(captureFile).toMatch(/chapter07\/model-monitor\/cookbook-xgboost-endpoint\/AllTraffic\/\d{4}\/\d{2}\/\d{2}\/\d{2}\/\d{2}-\d{2}-\d{3}-[0-9a-f-]{36}\.jsonl$/);
    const captured = JSON.parse(readFileSync(captureFile, 'utf8').trim().split('\n').at(-1)!);
    expect(captured.captureData.endpointInput).toEqual({ observedContentType: 'text/csv', mode: 'INPUT', data: summary.endpoint.csvInput, encoding: 'CSV' });
    expect(JSON.parse(captured.captureData.endpointOutput.data)).toEqual(summary.endpoint.prediction);
    // Recipe 7: baseline, hourly schedule, good and bad input, one execution on demand.
    expect(summary.monitoring.status).toBe('CompletedWithViolations');
    expect(summary.monitoring.mapping).toContain("model cookbook-xgboost's feature names");
    const checks = summary.monitoring.violations.map((v: { feature: string; check: string }) => `${v.feature}:${v.check}`);
    expect(checks).toContain('science:data_type_check');
    expect(checks).toContain('random1:non_negative_check');
    expect(checks.some((c: string) => c.startsWith('approved:'))).toBe(false);
    const violationsFile = JSON.parse(readFileSync(fileURLToPath(summary.monitoring.files.constraintViolations), 'utf8'));
    expect(violationsFile.violations.map((v: { feature_name: string; constraint_check_type: string }) => `${v.feature_name}:${v.constraint_check_type}`)).toEqual(checks);
    expect(JSON.parse(readFileSync(fileURLToPath(summary.monitoring.files.statistics), 'utf8')).dataset.item_count).toBeGreaterThanOrEqual(3);
    expect(readFileSync(fileURLToPath(summary.monitoring.files.report), 'utf8')).toContain('schedule-chapter07');
    expect(existsSync(fileURLToPath(summary.monitoring.baseline.constraints))).toBe(true);
    // Running it again starts from a clean feature group.
    const second = run();
    expect(second.status, second.stderr).toBe(0);
    expect(JSON.parse(second.stdout).pointInTimeRows).toBe(1000);
    expect(existsSync(join(home, 'catalog.db'))).toBe(true);
  });
});
