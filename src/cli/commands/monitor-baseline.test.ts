/** @module cli/commands/monitor-baseline.test  `plumbline monitor suggest-baseline`: files written as the container writes them, a job recorded, clear errors. */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../../test/helpers/cli.js';
import { createPlatform } from '../../platform.js';

const DQ = 'test/fixtures/sagemaker-examples/sagemaker-python-sdk/quality_check_step/data_quality';

function run(home: string, ...argv: string[]) {
  return runCli(home, argv);
}

describe('plumbline monitor suggest-baseline', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'plumbline-cli-baseline-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('baselines a header-less CSV into the container’s exact files and records the job', async () => {
    const home = join(dir, 'ws');
    const r = await run(home, 'monitor', 'suggest-baseline', '--data', `${DQ}/baseline_dataset.csv`, '--no-header', '--output', join(dir, 'out'), '--job-name', 'baseline-1');
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/baselining job baseline-1: 100 records, 6 features/);
    expect(r.out).toMatch(/_c0\s+Fractional\s+1\s+non-negative: true/);
    expect(readFileSync(join(dir, 'out', 'statistics.json'), 'utf8')).toBe(readFileSync(`${DQ}/statistics.json`, 'utf8'));
    expect(readFileSync(join(dir, 'out', 'constraints.json'), 'utf8')).toBe(readFileSync(`${DQ}/good_cases/constraints.json`, 'utf8'));
    const platform = await createPlatform({ home, offlineFlushIntervalMs: 0, purgeIntervalMs: 0 });
    try {
      const job = await platform.jobs.describe('baseline-1');
      expect(job).toMatchObject({ type: 'baseline-suggestion', status: 'Completed', outputs: { statistics: join(dir, 'out', 'statistics.json') } });
    } finally {
      await platform.close();
    }
  });

  it('prints JSON with --json and writes ChiSquared when asked', async () => {
    writeFileSync(join(dir, 'regions.csv'), 'region,amount\n' + Array.from({ length: 9 }, (_, i) => `${i % 2 ? 'south' : 'north'},${i}`).join('\n') + '\n');
    const r = await run(join(dir, 'ws2'), '--json', 'monitor', 'suggest-baseline', '--data', join(dir, 'regions.csv'), '--output', join(dir, 'out2'), '--categorical-drift-method', 'ChiSquared');
    expect(r.code).toBe(0);
    const value = JSON.parse(r.out) as { item_count: number; features: { name: string; string_constraints?: { domains: string[] } }[] };
    expect(value.item_count).toBe(9);
    expect(value.features[0]!.string_constraints).toEqual({ domains: ['north', 'south'] });
    expect(readFileSync(join(dir, 'out2', 'constraints.json'), 'utf8')).toContain('"categorical_drift_method" : "ChiSquared"');
  });

  it('fails with one clear line on bad input', async () => {
    const missing = await run(join(dir, 'ws3'), 'monitor', 'suggest-baseline', '--data', join(dir, 'nope.csv'), '--output', join(dir, 'o'));
    expect(missing.code).not.toBe(0);
    expect(missing.err.trim().split('\n')).toHaveLength(1);
    expect(missing.err).toMatch(/not found/);
    const format = await run(join(dir, 'ws3'), 'monitor', 'suggest-baseline', '--data', join(dir, 'regions.csv'), '--format', 'xml');
    expect(format.err).toMatch(/--format: got "xml", expected csv, jsonl or parquet/);
  });
});
