/**
 * `plumbline monitor ...` through main(): schedules over a capture folder written in SageMaker's layout.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPlatform } from '../../platform.js';
import type { CliIo } from '../io.js';
import { main } from '../main.js';

const dir = mkdtempSync(join(tmpdir(), 'plumbline-cli-monitor-'));
const home = join(dir, 'home');
const captureDir = join(dir, 'capture');
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function cli(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const io: CliIo = { stdout: { write: (s: string) => (out += s) }, stderr: { write: (s: string) => (err += s) }, env: {}, cwd: dir };
  const code = await main(['--home', home, ...argv], io);
  return { code, out, err };
}

function capture(at: Date, input: string, output = '0.5', endpoint = 'ep', inferenceId?: string): void {
  const p = (n: number) => String(n).padStart(2, '0');
  const folder = join(captureDir, endpoint, 'AllTraffic', String(at.getUTCFullYear()), p(at.getUTCMonth() + 1), p(at.getUTCDate()), p(at.getUTCHours()));
  mkdirSync(folder, { recursive: true });
  const rec = {
    captureData: {
      endpointInput: { observedContentType: 'text/csv', mode: 'INPUT', data: input, encoding: 'CSV' },
      endpointOutput: { observedContentType: 'text/csv; charset=utf-8', mode: 'OUTPUT', data: output, encoding: 'CSV' },
    },
    eventMetadata: { eventId: `id-${input}`, ...(inferenceId ? { inferenceId } : {}), inferenceTime: at.toISOString().replace(/\.\d{3}Z$/, 'Z') },
    eventVersion: '0',
  };
  writeFileSync(join(folder, `${p(at.getUTCMinutes())}-00-000-x.jsonl`), JSON.stringify(rec) + '\n', { flag: 'a' });
}

beforeAll(async () => {
  const rows = ['label,a,b'];
  for (let i = 0; i < 200; i++) rows.push(`${(i * 0.37) % 1},${i % 50},${(i * 7) % 90}`);
  writeFileSync(join(dir, 'train.csv'), rows.join('\n') + '\n');
  const p = await createPlatform({ home, offlineFlushIntervalMs: 0, purgeIntervalMs: 0 });
  try {
    await p.monitor.suggestBaseline({ dataset: join(dir, 'train.csv'), output: join(dir, 'baseline') });
  } finally {
    await p.close();
  }
});

describe('plumbline monitor', () => {
  it('creates a schedule, runs it on demand and lists its executions', async () => {
    const created = await cli('monitor', 'schedules', 'create', 'cli-sched', '--endpoint', 'ep', '--capture', 'capture', '--statistics', 'baseline/statistics.json', '--constraints', 'baseline/constraints.json', '--cron', 'cron(0 * ? * * *)', '--output', 'reports');
    expect(created.code, created.err).toBe(0);
    expect(created.out).toContain('cli-sched (DataQuality): Scheduled');
    expect(created.out).toContain(join(dir, 'baseline', 'statistics.json'));

    const now = new Date();
    capture(new Date(now.getTime() - 60_000), '10,20');
    capture(new Date(now.getTime() - 30_000), '-3,x');
    const run = await cli('--json', 'monitor', 'run', 'cli-sched');
    expect(run.code, run.err).toBe(0);
    const e = JSON.parse(run.out);
    expect(e.MonitoringExecutionStatus).toBe('CompletedWithViolations');
    expect(e.RecordsAnalysed).toBe(2);
    const violations = JSON.parse(readFileSync(fileURLToPath(e.Outputs.constraint_violations), 'utf8')).violations;
    expect(violations.map((v: { feature_name: string; constraint_check_type: string }) => `${v.feature_name}:${v.constraint_check_type}`)).toEqual(
      expect.arrayContaining(['b:data_type_check', 'a:non_negative_check']),
    );
    expect(fileURLToPath(e.Outputs.report)).toContain(join(dir, 'reports', 'ep', 'cli-sched'));

    const human = await cli('monitor', 'run', 'cli-sched', '--fail-on-violations');
    expect(human.code).toBe(5);
    expect(human.out).toMatch(/CompletedWithViolations: Job completed successfully with \d+ violations\./);
    expect(human.out).toContain('constraint_violations.json');

    const list = await cli('monitor', 'schedules', 'list');
    expect(list.out).toMatch(/^cli-sched\tScheduled\tDataQuality\tep\tcron\(0 \* \? \* \* \*\)\tCompletedWithViolations$/m);
    const executions = await cli('--json', 'monitor', 'executions', 'cli-sched');
    expect(JSON.parse(executions.out)).toHaveLength(2);
    const described = await cli('monitor', 'schedules', 'describe', 'cli-sched');
    expect(described.out).toContain('last run');
    expect((await cli('monitor', 'schedules', 'update', 'cli-sched', '--cron', 'rate(5 minutes)')).out).toContain('rate(5 minutes)');
    expect((await cli('monitor', 'schedules', 'stop', 'cli-sched')).out).toBe('cli-sched: Stopped\n');
    expect((await cli('monitor', 'schedules', 'start', 'cli-sched')).out).toBe('cli-sched: Scheduled\n');
    expect((await cli('monitor', 'schedules', 'delete', 'cli-sched')).code).toBe(0);
  });

  it('reports bad input on one line with the catalog exit code', async () => {
    const badCron = await cli('monitor', 'schedules', 'create', 's2', '--endpoint', 'ep', '--capture', 'capture', '--cron', 'every 5 minutes');
    expect(badCron.code).toBe(2);
    expect(badCron.err).toMatch(/^error\[VALIDATION_FAILED\]: scheduleCronExpression: got "every 5 minutes", expected a schedule expression/);
    expect(badCron.err.trim().split('\n')).toHaveLength(1);
    const badThreshold = await cli('monitor', 'schedules', 'create', 's2', '--endpoint', 'ep', '--capture', 'capture', '--drift-threshold', 'abc');
    expect(badThreshold.code).toBe(2);
    expect(badThreshold.err).toBe('error[VALIDATION_FAILED]: --drift-threshold: got "abc", expected a number\n');
    const unknown = await cli('monitor', 'schedules', 'create', 's2', '--endpoint', 'nope');
    expect(unknown.code).toBe(3);
    expect(unknown.err).toContain('endpoint "nope" not found');
    const missing = await cli('monitor', 'run', 'missing');
    expect(missing.code).toBe(3);
    expect(missing.err).toContain('monitoring schedule "missing" not found');
    await cli('monitor', 'schedules', 'create', 'empty', '--endpoint', 'ep2', '--capture', 'capture', '--statistics', 'baseline/statistics.json', '--constraints', 'baseline/constraints.json');
    const noData = await cli('monitor', 'run', 'empty');
    expect(noData.code).toBe(1);
    expect(noData.out).toContain('reason: Job inputs had no data');
  });

  it('baselines bias, runs a ModelBias schedule over captured traffic with ground truth, and refuses to stop an ended execution', async () => {
    const rows = ['approved,sex,math,pred'];
    for (let i = 0; i < 40; i++) {
      const math = 50 + (Math.floor(i / 2) % 20) * 2;
      rows.push(`${math > 70 ? 1 : 0},${i % 2},${math},${math > 70 ? 1 : 0}`);
    }
    writeFileSync(join(dir, 'bias.csv'), rows.join('\n') + '\n');
    const config = { label: 'approved', label_values_or_threshold: [1], facet: [{ name_or_index: 'sex', value_or_threshold: [0] }], headers: ['approved', 'sex', 'math'], methods: { post_training_bias: { methods: ['DPPL', 'DI'] } } };
    writeFileSync(join(dir, 'bias-config.json'), JSON.stringify(config));
    const base = await cli('monitor', 'suggest-bias-baseline', '--data', 'bias.csv', '--analysis-config', 'bias-config.json', '--predicted-label', 'pred', '--output', 'bias-baseline');
    expect(base.code, base.err).toBe(0);
    expect(base.out).toContain(join(dir, 'bias-baseline', 'analysis.json'));
    const created = await cli('monitor', 'schedules', 'create', 'bias-sched', '--endpoint', 'bep', '--capture', 'capture', '--type', 'ModelBias', '--analysis-config', 'bias-config.json', '--constraints', 'bias-baseline/analysis.json', '--ground-truth', 'ground-truth', '--output', 'reports');
    expect(created.code, created.err).toBe(0);
    expect(created.out).toContain('bias-sched (ModelBias): Scheduled');
    // Live traffic: the model now favours sex = 1 (score 0.9) over sex = 0 (score 0.1), same marks.
    const now = Date.now();
    const labels = ['inference_id,label'];
    for (let i = 0; i < 20; i++) {
      const sex = i % 2;
      const math = 50 + i * 2;
      capture(new Date(now - 120_000 + i * 1000), `${sex},${math}`, sex === 1 ? '0.9' : '0.1', 'bep', `inf-${i}`);
      labels.push(`inf-${i},${math > 70 ? 1 : 0}`);
    }
    writeFileSync(join(dir, 'labels.csv'), labels.join('\n') + '\n');
    expect((await cli('monitor', 'ground-truth', 'upload', 'labels.csv', '--to', 'ground-truth')).code).toBe(0);
    const run = await cli('--json', 'monitor', 'run', 'bias-sched');
    expect(run.code, run.err).toBe(0);
    const e = JSON.parse(run.out);
    expect(e).toMatchObject({ MonitoringType: 'ModelBias', MonitoringExecutionStatus: 'CompletedWithViolations', RecordsAnalysed: 20 });
    const violations = JSON.parse(readFileSync(fileURLToPath(e.Outputs.constraint_violations), 'utf8')).violations;
    expect(violations).toContainEqual(expect.objectContaining({ facet: 'sex', facet_value: '0', metric_name: 'DPPL', constraint_check_type: 'bias_drift_check' }));
    const stop = await cli('monitor', 'stop-execution', e.MonitoringExecutionName);
    expect(stop.code).toBe(3);
    expect(stop.err.trim().split('\n')).toHaveLength(1);
    expect(stop.err).toMatch(/^error\[CONFLICT\]: .*already ended \(CompletedWithViolations\)/);
  });
});
