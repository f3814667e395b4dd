/**
 * Stopping executions and the statuses of their life: Pending (waiting for a concurrency slot), InProgress,
 * Stopping, Stopped (asked in this process, or by another process through the catalog), Completed,
 * CompletedWithViolations and Failed. Real workspace (SQLite catalog, fs object store), real capture files, an
 * injected clock; the execution is held at its capture-flush step by a promise the test releases (no timing).
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Registry } from 'prom-client';
import { afterAll, describe, expect, it } from 'vitest';
import { writeCaptureRecord } from '../../../test/helpers/monitoring.js';
import { fixedClock } from '../../core/clock.js';
import { isPlatformError } from '../../core/errors.js';
import { createPlatform } from '../../platform.js';
import { MonitorMetrics } from '../metrics.js';
import { MonitoringSchedules, type SchedulesDeps } from './index.js';

const root = mkdtempSync(join(tmpdir(), 'plumbline-stop-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

function capture(dir: string, at: number, input: string, output = '0.87'): void {
  writeCaptureRecord(dir, at, { input, output, secondsInFileName: true });
}

/** A gate the execution waits at (its capture flush); `arrived` resolves when an execution reaches it. */
function gate() {
  let open = false;
  let release!: () => void;
  const opened = new Promise<void>((r) => (release = r));
  const arrivals: (() => void)[] = [];
  let arrived = 0;
  return {
    async hook(): Promise<void> {
      arrived++;
      arrivals.splice(0).forEach((f) => f());
      if (!open) await opened;
    },
    waitArrivals(n: number): Promise<void> {
      return new Promise((resolve) => {
        const check = () => (arrived >= n ? resolve() : arrivals.push(check));
        check();
      });
    },
    release(): void {
      open = true;
      release();
    },
  };
}

describe('stopping monitoring executions', () => {
  it('produces every status: Pending, InProgress, Stopping, Stopped (here and from another process), Completed, CompletedWithViolations, Failed', async () => {
    const home = join(root, 'ws');
    const captureDir = join(home, 'capture');
    mkdirSync(captureDir, { recursive: true });
    const t0 = Date.UTC(2026, 10, 26, 10, 30);
    const clock = fixedClock(t0);
    const platform = await createPlatform({ home, clock, offlineFlushIntervalMs: 0, purgeIntervalMs: 0 });
    try {
      const csv = join(root, 'train.csv');
      writeFileSync(csv, ['a,b,c', ...Array.from({ length: 50 }, (_, i) => `${i % 2},${10 + (i % 7)},${20 + (i % 5)}`)].join('\n') + '\n');
      const baseline = await platform.monitor.suggestBaseline({ dataset: csv, output: join(home, 'baseline') });
      const g = gate();
      const deps: SchedulesDeps = {
        catalog: platform.monitor.schedules.catalog,
        objectStore: platform.objectStore,
        clock,
        metrics: new MonitorMetrics(new Registry()),
        modelFeatures: async () => undefined,
        flushCapture: () => g.hook(),
        defaultOutput: platform.objectStore.uriOf('reports'),
        maxConcurrentExecutions: 1,
      };
      const here = new MonitoringSchedules(deps);
      // Another process: same catalog, no gate, its own executions.
      const other = new MonitoringSchedules({ ...deps, flushCapture: async () => {} });
      await here.create({ monitorScheduleName: 's', endpointInput: 'ep', captureDestination: captureDir, statistics: baseline.files.statistics, constraints: baseline.files.constraints });
      // Output first, then the inputs (SageMaker's positional rule): a=1, b=12, c=21.
      capture(captureDir, t0 - 60_000, '12,21', '1');
      const window = { start: t0 - 3_600_000, end: t0 };

      // 1. Held at its capture flush: InProgress.
      const first = here.runNow('s', window);
      await g.waitArrivals(1);
      const [running] = await here.listExecutions('s');
      expect(running!.MonitoringExecutionStatus).toBe('InProgress');
      // 2. A second one waits for the single concurrency slot: Pending.
      clock.advance(1);
      const second = here.runNow('s', window);
      let listed = await here.listExecutions('s');
      while (listed.length < 2) {
        await new Promise((r) => setImmediate(r));
        listed = await here.listExecutions('s');
      }
      const pending = listed.find((e) => e.MonitoringExecutionName !== running!.MonitoringExecutionName)!;
      expect(pending.MonitoringExecutionStatus).toBe('Pending');
      // 3. Stop the pending one here, the running one from the other process: both Stopping.
      expect((await here.stopExecution(pending.MonitoringExecutionName)).MonitoringExecutionStatus).toBe('Stopping');
      expect((await other.stopExecution(running!.MonitoringExecutionName)).MonitoringExecutionStatus).toBe('Stopping');
      expect((await here.describeExecution(running!.MonitoringExecutionName)).MonitoringExecutionStatus).toBe('Stopping');
      g.release();
      const [a, b] = await Promise.all([first, second]);
      expect(a).toMatchObject({ MonitoringExecutionStatus: 'Stopped', Outputs: {} });
      expect(a.ExitMessage).toMatch(/^Stopped: /);
      expect(b).toMatchObject({ MonitoringExecutionStatus: 'Stopped', Outputs: {} });
      expect((await here.describe('s')).MonitoringScheduleStatus).toBe('Scheduled');
      // Stopping an ended execution is a conflict; an unknown one is not found.
      const err = await here.stopExecution(a.MonitoringExecutionName).catch((e) => e);
      expect(isPlatformError(err) && err.code).toBe('CONFLICT');
      expect(err.message).toMatch(/already ended \(Stopped\)/);
      const missing = await here.stopExecution('nope').catch((e) => e);
      expect(isPlatformError(missing) && missing.code).toBe('NOT_FOUND');

      // 4. The same schedule still runs: Completed on good input, CompletedWithViolations on bad, Failed without data.
      clock.advance(1);
      expect((await here.runNow('s', window)).MonitoringExecutionStatus).toBe('Completed');
      capture(captureDir, t0 - 30_000, '-12,abc', '1');
      clock.advance(1);
      expect((await here.runNow('s', window)).MonitoringExecutionStatus).toBe('CompletedWithViolations');
      clock.advance(1);
      const failed = await here.runNow('s', { start: t0 - 10 * 3_600_000, end: t0 - 9 * 3_600_000 });
      expect(failed).toMatchObject({ MonitoringExecutionStatus: 'Failed', FailureReason: 'Job inputs had no data' });
      const statuses = new Set((await here.listExecutions('s')).map((e) => e.MonitoringExecutionStatus));
      expect([...statuses].sort()).toEqual(['Completed', 'CompletedWithViolations', 'Failed', 'Stopped']);
    } finally {
      await platform.close();
    }
  });
});
