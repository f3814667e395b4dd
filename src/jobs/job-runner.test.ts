/** @module jobs/job-runner.test  Jobs on a real SQLite catalog: lifecycle, progress, failures, stop, orphans. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SqliteCatalog, type Catalog } from '../catalog/index.js';
import { fixedClock, systemClock } from '../core/clock.js';
import { JobRunner } from './index.js';

let dir: string;
let catalog: Catalog;
beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'plumbline-jobs-'));
  catalog = await SqliteCatalog.open(join(dir, 'catalog.db'));
});
afterEach(async () => {
  await catalog.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('JobRunner', () => {
  it('runs work, reports progress and keeps outputs and the result', async () => {
    const runner = new JobRunner({ catalog, clock: systemClock });
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const job = await runner.start({ type: 'clarify-bias', parameters: { facet: 'sex' } }, async ({ progress }) => {
      progress.start(4, 'metrics');
      progress.tick(2);
      await gate;
      return { outputs: { analysis: '/tmp/x/analysis.json' }, result: 42 };
    });
    expect(job.name).toMatch(/^clarify-bias-\d{14}-[0-9a-f]{6}$/);
    const running = await job.describe();
    expect(running.status).toBe('InProgress');
    expect(running.parameters).toEqual({ facet: 'sex' });
    release();
    expect(await job.wait()).toBe(42);
    const done = await runner.describe(job.name);
    expect(done).toMatchObject({ status: 'Completed', progress: 1, outputs: { analysis: '/tmp/x/analysis.json' }, message: 'metrics' });
    expect(done.endedAt).toBeDefined();
    expect((await runner.list({ type: 'clarify-bias' })).map((d) => d.name)).toEqual([job.name]);
    expect(await runner.list({ type: 'other' })).toEqual([]);
  });

  it('keeps a failure with its reason and rejects wait() with the error', async () => {
    const runner = new JobRunner({ catalog, clock: systemClock });
    const job = await runner.start({ type: 't', name: 'failing-job' }, async () => {
      throw new Error('label column "approved" not found');
    });
    await expect(job.wait()).rejects.toThrow('label column "approved" not found');
    expect(await runner.describe('failing-job')).toMatchObject({ status: 'Failed', failureReason: 'label column "approved" not found' });
  });

  it('stops a running job', async () => {
    const runner = new JobRunner({ catalog, clock: systemClock });
    const job = await runner.start({ type: 't', name: 'long-job' }, async ({ signal }) => {
      await new Promise((resolve, reject) => signal.addEventListener('abort', () => reject(signal.reason)));
      return { outputs: {}, result: null };
    });
    await runner.stop('long-job');
    await expect(job.wait()).rejects.toThrow('stopped');
    expect((await runner.describe('long-job')).status).toBe('Stopped');
  });

  it('rejects a taken or malformed name and reports an unknown job', async () => {
    const runner = new JobRunner({ catalog, clock: systemClock });
    await (await runner.start({ type: 't', name: 'same' }, async () => ({ outputs: {}, result: 1 }))).wait();
    await expect(runner.start({ type: 't', name: 'same' }, async () => ({ outputs: {}, result: 1 }))).rejects.toMatchObject({ code: 'ALREADY_EXISTS' });
    await expect(runner.start({ type: 't', name: 'bad name!' }, async () => ({ outputs: {}, result: 1 }))).rejects.toThrow(/name: got "bad name!", expected a job name/);
    await expect(runner.describe('nope')).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });

  it('reports a job whose process went away as interrupted once its heartbeat is stale', async () => {
    const clock = fixedClock(Date.parse('2026-11-26T12:00:00Z'));
    const first = new JobRunner({ catalog, clock });
    await first.start({ type: 't', name: 'orphan' }, () => new Promise<never>(() => {}));
    const second = new JobRunner({ catalog, clock });
    expect((await second.describe('orphan')).status).toBe('InProgress');
    clock.advance(61_000);
    expect(await second.describe('orphan')).toMatchObject({ status: 'Failed', failureReason: expect.stringContaining('interrupted') });
  });
});
