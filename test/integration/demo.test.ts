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

  it('runs recipes 1 to 4 end to end and writes the split CSV files', () => {
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
    // Running it again starts from a clean feature group.
    const second = run();
    expect(second.status, second.stderr).toBe(0);
    expect(JSON.parse(second.stdout).pointInTimeRows).toBe(1000);
    expect(existsSync(join(home, 'catalog.db'))).toBe(true);
  });
});
