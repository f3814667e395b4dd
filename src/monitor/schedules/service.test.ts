/**
 * Schedules and executions over real capture files (SageMaker's layout) in a temp folder, on a real
 * workspace (SQLite catalog, fs object store), with an injected clock.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { writeCaptureRecord } from '../../../test/helpers/monitoring.js';
import { fixedClock } from '../../core/clock.js';
import { createRandom } from '../../core/random.js';
import { createPlatform, type Platform } from '../../platform.js';
import { CronExpressionGenerator } from './index.js';

const root = mkdtempSync(join(tmpdir(), 'plumbline-schedules-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const NAMES = ['approved', 'sex', 'math', 'science', 'technology', 'random1', 'random2'];
const csv = join(root, 'training_data.csv');
beforeAll(() => {
  const r = createRandom(7);
  const rows = [NAMES.join(',')];
  for (let i = 0; i < 600; i++) {
    const s = [r.int(60, 100), r.int(60, 100), r.int(60, 100)];
    rows.push([s[0]! + s[1]! + s[2]! > 240 ? 1 : 0, r.next() < 0.8 ? 1 : 0, ...s, r.int(60, 100), r.int(60, 100)].join(','));
  }
  writeFileSync(csv, rows.join('\n') + '\n');
});

let seq = 0;
function capture(dir: string, at: number, input: string, output = '0.87', inferenceId?: string): string {
  const eventId = `00000000-0000-4000-8000-${String(++seq).padStart(12, '0')}`;
  writeCaptureRecord(dir, at, { input, output, eventId, ...(inferenceId ? { inferenceId } : {}), outputContentType: 'text/csv; charset=utf-8', fileTag: eventId, secondsInFileName: true });
  return eventId;
}

interface Fixture {
  home: string;
  captureDir: string;
  clock: ReturnType<typeof fixedClock>;
  platform: Platform;
  files: { statistics: string; constraints: string };
}

const open: Platform[] = [];
afterEach(async () => {
  for (const p of open.splice(0)) await p.close();
});

async function openPlatform(home: string, clock: ReturnType<typeof fixedClock>): Promise<Platform> {
  const p = await createPlatform({ home, clock, offlineFlushIntervalMs: 0, purgeIntervalMs: 0, monitorWebhooks: { sleep: async () => {}, backoffMs: 1, timeoutMs: 5000 } });
  open.push(p);
  return p;
}

async function fixture(name: string, start = Date.UTC(2026, 10, 26, 10, 30)): Promise<Fixture> {
  const home = join(root, name);
  const captureDir = join(home, 'capture');
  mkdirSync(captureDir, { recursive: true });
  const clock = fixedClock(start);
  const platform = await openPlatform(home, clock);
  const baseline = await platform.monitor.suggestBaseline({ dataset: csv, output: join(home, 'baseline') });
  // The book's edit: feature 0 receives the model's probability in captured data.
  const constraints = await platform.monitor.readConstraints(baseline.files.constraints);
  constraints.features[0]!.inferred_type = 'Fractional';
  await platform.monitor.saveConstraints(constraints, baseline.files.constraints);
  return { home, captureDir, clock, platform, files: baseline.files };
}

async function schedule(f: Fixture, extra: Record<string, unknown> = {}) {
  return f.platform.monitor.createMonitoringSchedule({
    monitorScheduleName: 'sched',
    endpointInput: 'ep',
    captureDestination: f.captureDir,
    statistics: f.files.statistics,
    constraints: f.files.constraints,
    scheduleCronExpression: CronExpressionGenerator.hourly(),
    outputS3Uri: f.platform.objectStore.uriOf('reports'),
    ...extra,
  });
}

const HOUR = 3_600_000;

describe('monitoring schedules', () => {
  it('creates, describes, lists, updates, stops, starts and deletes with SageMaker shapes', async () => {
    const f = await fixture('crud');
    const d = await schedule(f);
    expect(d).toMatchObject({
      MonitoringScheduleName: 'sched',
      MonitoringScheduleStatus: 'Scheduled',
      MonitoringType: 'DataQuality',
      EndpointName: 'ep',
      MonitoringScheduleConfig: {
        ScheduleConfig: { ScheduleExpression: 'cron(0 * ? * * *)' },
        MonitoringJobDefinition: {
          BaselineConfig: { StatisticsResource: { S3Uri: f.files.statistics }, ConstraintsResource: { S3Uri: f.files.constraints } },
          MonitoringOutputConfig: { MonitoringOutputs: [{ S3Output: { S3Uri: f.platform.objectStore.uriOf('reports') } }] },
          StoppingCondition: { MaxRuntimeInSeconds: 3600 },
        },
      },
    });
    expect((await f.platform.monitor.describeMonitoringSchedule('sched')).MonitoringScheduleArn).toContain('monitoring-schedule/sched');
    expect((await f.platform.monitor.listMonitoringSchedules({ endpointName: 'ep' })).map((s) => s.MonitoringScheduleName)).toEqual(['sched']);
    const u = await f.platform.monitor.updateMonitoringSchedule('sched', { scheduleCronExpression: '*/5 * * * *' });
    expect(u.MonitoringScheduleConfig.ScheduleConfig.ScheduleExpression).toBe('*/5 * * * *');
    expect((await f.platform.monitor.stopMonitoringSchedule('sched')).MonitoringScheduleStatus).toBe('Stopped');
    f.clock.advance(HOUR);
    expect(await f.platform.monitor.tick()).toEqual([]);
    expect((await f.platform.monitor.startMonitoringSchedule('sched')).MonitoringScheduleStatus).toBe('Scheduled');
    // Slots that passed while stopped are not caught up.
    expect(await f.platform.monitor.tick()).toEqual([]);
    await expect(schedule(f)).rejects.toMatchObject({ code: 'ALREADY_EXISTS' });
    await f.platform.monitor.deleteMonitoringSchedule('sched');
    await expect(f.platform.monitor.describeMonitoringSchedule('sched')).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });

  it('refuses bad input with clear errors', async () => {
    const f = await fixture('bad');
    await expect(f.platform.monitor.createMonitoringSchedule({ monitorScheduleName: 's1', endpointInput: 'no-such-endpoint' })).rejects.toThrow(/endpoint "no-such-endpoint" not found/);
    await expect(schedule(f, { scheduleCronExpression: 'every hour' })).rejects.toThrow(/scheduleCronExpression: got "every hour", expected a schedule expression/);
    await expect(schedule(f, { monitorScheduleName: '-bad-' })).rejects.toThrow(/monitorScheduleName/);
    await expect(schedule(f, { drift: { threshold: 1.5 } })).rejects.toThrow(/drift.threshold: got 1.5/);
    await expect(schedule(f, { webhooks: ['ftp://x'] })).rejects.toThrow(/webhooks\[0\]/);
    await expect(schedule(f, { statistics: join(f.home, 'missing.json') })).rejects.toThrow(/statistics: no file at/);
    const badThreshold = join(f.home, 'bad-constraints.json');
    const c = JSON.parse(readFileSync(f.files.constraints, 'utf8'));
    c.monitoring_config.datatype_check_threshold = 1.5;
    writeFileSync(badThreshold, JSON.stringify(c));
    await expect(schedule(f, { constraints: badThreshold })).rejects.toThrow(/datatype_check_threshold/);
    await expect(schedule(f, { dataAnalysisStartTime: '-PT1H' })).rejects.toThrow(/go together/);
    expect(await f.platform.monitor.listMonitoringSchedules()).toEqual([]);
  });

  it('runs the previous hour on each slot: good input is clean, bad input violates science and random1', async () => {
    const f = await fixture('run');
    await schedule(f);
    capture(f.captureDir, Date.UTC(2026, 10, 26, 10, 40), '1,92,83,86,96,67');
    f.clock.set(Date.UTC(2026, 10, 26, 11, 0, 20));
    const [first] = await f.platform.monitor.tick();
    expect(first).toMatchObject({
      MonitoringExecutionName: 'sched-20261126T110000Z',
      MonitoringExecutionStatus: 'Completed',
      ExitMessage: 'Completed: Job completed successfully with no violations.',
      ScheduledTime: '2026-11-26T11:00:00Z',
      DataAnalysisStartTime: '2026-11-26T10:00:00Z',
      DataAnalysisEndTime: '2026-11-26T11:00:00Z',
      Trigger: 'Schedule',
      RecordsAnalysed: 1,
      ViolationCount: 0,
    });
    const violationsFile = fileURLToPath(first!.Outputs.constraint_violations!);
    expect(violationsFile).toContain(join('reports', 'ep', 'sched', '2026', '11', '26', '11', 'constraint_violations.json'));
    expect(JSON.parse(readFileSync(violationsFile, 'utf8'))).toEqual({ violations: [] });
    expect(JSON.parse(readFileSync(fileURLToPath(first!.Outputs.statistics!), 'utf8')).dataset.item_count).toBe(1);
    expect(readFileSync(fileURLToPath(first!.Outputs.report!), 'utf8')).toContain('<html');
    expect(await f.platform.monitor.tick()).toEqual([]);

    capture(f.captureDir, Date.UTC(2026, 10, 26, 11, 10), '1,92,83,86,96,67');
    capture(f.captureDir, Date.UTC(2026, 10, 26, 11, 11), '1,92,-83.3,86,-96,67');
    f.clock.set(Date.UTC(2026, 10, 26, 12, 1));
    const [second] = await f.platform.monitor.tick();
    expect(second).toMatchObject({ MonitoringExecutionStatus: 'CompletedWithViolations', RecordsAnalysed: 2 });
    expect(second!.ExitMessage).toBe(`CompletedWithViolations: Job completed successfully with ${second!.ViolationCount} violations.`);
    const v = JSON.parse(readFileSync(fileURLToPath(second!.Outputs.constraint_violations!), 'utf8')).violations as { feature_name: string; constraint_check_type: string; description: string }[];
    expect(v).toContainEqual(
      expect.objectContaining({
        feature_name: 'science',
        constraint_check_type: 'data_type_check',
        description: 'Data type match requirement is not met. Expected data type: Integral, Expected match: 100.0%. Observed: Only 50.0% of data is Integral.',
      }),
    );
    expect(v).toContainEqual(expect.objectContaining({ feature_name: 'random1', constraint_check_type: 'non_negative_check' }));
    expect(v.some((x) => x.constraint_check_type === 'baseline_drift_check')).toBe(false);

    const executions = await f.platform.monitor.listMonitoringExecutions('sched');
    expect(executions.map((e) => e.MonitoringExecutionStatus)).toEqual(['CompletedWithViolations', 'Completed']);
    expect((await f.platform.monitor.describeMonitoringSchedule('sched')).LastMonitoringExecutionSummary).toMatchObject({
      MonitoringExecutionStatus: 'CompletedWithViolations',
      ScheduledTime: '2026-11-26T12:00:00Z',
    });
    const latest = await f.platform.monitor.latestMonitoringConstraintViolations('sched');
    expect(latest!.fileUri).toBe(second!.Outputs.constraint_violations);
    expect(latest!.body.violations.length).toBe(second!.ViolationCount);

    // Prometheus metrics per feature, schedule and endpoint.
    const text = await f.platform.metrics.metrics();
    expect(text).toMatch(/feature_non_null_science\{endpoint="ep",monitoring_schedule="sched"\} 1/);
    expect(text).toMatch(/feature_baseline_drift_math\{endpoint="ep",monitoring_schedule="sched"\} \d/);
    expect(text).toMatch(/monitoring_violations\{endpoint="ep",monitoring_schedule="sched",constraint_check_type="data_type_check"\} [1-9]/);
    expect(text).toMatch(/monitoring_executions_total\{endpoint="ep",monitoring_schedule="sched",status="CompletedWithViolations"\} 1/);
    expect(text).not.toMatch(/status="analysed"/);
    // Another process on the workspace (e.g. `plumbline serve`) publishes the executions recorded in the catalog.
    const other = await openPlatform(f.home, f.clock);
    const otherText = await other.metrics.metrics();
    expect(otherText).toMatch(/monitoring_executions_total\{endpoint="ep",monitoring_schedule="sched",status="Completed"\} 1/);
    expect(otherText).toMatch(/monitoring_executions_total\{endpoint="ep",monitoring_schedule="sched",status="CompletedWithViolations"\} 1/);
    expect(otherText).toMatch(/feature_non_null_science\{endpoint="ep",monitoring_schedule="sched"\} 1/);
    expect(otherText).toMatch(/monitoring_violations\{endpoint="ep",monitoring_schedule="sched",constraint_check_type="non_negative_check"\} [1-9]/);
  });

  it('fails an execution with no data in its window, and never crashes on unreadable lines', async () => {
    const f = await fixture('nodata');
    await schedule(f);
    f.clock.set(Date.UTC(2026, 10, 26, 11, 0, 5));
    const [e] = await f.platform.monitor.tick();
    expect(e).toMatchObject({ MonitoringExecutionStatus: 'Failed', FailureReason: 'Job inputs had no data', RecordsAnalysed: 0 });
    const folder = join(f.captureDir, 'ep', 'AllTraffic', '2026', '11', '26', '11');
    mkdirSync(folder, { recursive: true });
    writeFileSync(join(folder, 'junk.jsonl'), 'garbage\n{"captureData": 1}\n');
    capture(f.captureDir, Date.UTC(2026, 10, 26, 11, 30), '1,92,83,86,96,67');
    f.clock.set(Date.UTC(2026, 10, 26, 12, 0, 5));
    const [e2] = await f.platform.monitor.tick();
    expect(e2).toMatchObject({ MonitoringExecutionStatus: 'Completed', RecordsAnalysed: 1, UnreadableRecords: 2 });
    expect(e2!.Notes!.join(' ')).toContain('2 capture line(s) could not be read');
  });

  it('reports a capture with more columns than the baseline as a finding, not a crash', async () => {
    const f = await fixture('columns');
    await schedule(f, { columnMapping: 'position' });
    capture(f.captureDir, Date.UTC(2026, 10, 26, 10, 40), '1,92,83,86,96,67,5');
    f.clock.set(Date.UTC(2026, 10, 26, 11, 0, 1));
    const [e] = await f.platform.monitor.tick();
    expect(e!.MonitoringExecutionStatus).toBe('CompletedWithViolations');
    expect(e!.Notes).toContain('captured rows have 8 column(s), the baseline has 7');
    const v = JSON.parse(readFileSync(fileURLToPath(e!.Outputs.constraint_violations!), 'utf8')).violations;
    expect(v).toContainEqual(expect.objectContaining({ feature_name: '_c7', constraint_check_type: 'extra_column_check' }));
  });

  it('runs a NOW schedule once over its offsets, and a 1-minute cron every minute', async () => {
    const f = await fixture('now');
    capture(f.captureDir, Date.UTC(2026, 10, 26, 9, 0), '1,92,83,86,96,67');
    await schedule(f, { monitorScheduleName: 'once', scheduleCronExpression: CronExpressionGenerator.now(), dataAnalysisStartTime: '-PT2H', dataAnalysisEndTime: '-PT0H' });
    const [e] = await f.platform.monitor.tick();
    expect(e).toMatchObject({ MonitoringExecutionStatus: 'Completed', DataAnalysisStartTime: '2026-11-26T08:30:00Z', DataAnalysisEndTime: '2026-11-26T10:30:00Z', RecordsAnalysed: 1 });
    f.clock.set(Date.UTC(2026, 10, 26, 11, 30, 30));
    expect(await f.platform.monitor.tick()).toEqual([]);
    await schedule(f, { monitorScheduleName: 'minutely', scheduleCronExpression: 'rate(1 minute)' });
    capture(f.captureDir, Date.UTC(2026, 10, 26, 11, 30, 10), '1,92,83,86,96,67');
    f.clock.set(Date.UTC(2026, 10, 26, 11, 31, 2));
    const [m] = await f.platform.monitor.tick();
    expect(m).toMatchObject({ MonitoringExecutionName: 'minutely-20261126T113100Z', DataAnalysisStartTime: '2026-11-26T11:30:00Z', RecordsAnalysed: 1 });
    f.clock.set(Date.UTC(2026, 10, 26, 11, 32, 2));
    expect((await f.platform.monitor.tick()).map((x) => [x.MonitoringExecutionName, x.MonitoringExecutionStatus, x.FailureReason])).toEqual([['minutely-20261126T113200Z', 'Failed', 'Job inputs had no data']]);
  });

  it('runs one execution on demand over the period ending now', async () => {
    const f = await fixture('ondemand');
    await schedule(f);
    capture(f.captureDir, Date.UTC(2026, 10, 26, 10, 29, 59), '1,92,-83.3,86,-96,67');
    const e = await f.platform.monitor.runMonitoringSchedule('sched');
    expect(e).toMatchObject({ Trigger: 'OnDemand', MonitoringExecutionStatus: 'CompletedWithViolations', DataAnalysisStartTime: '2026-11-26T09:30:01Z', DataAnalysisEndTime: '2026-11-26T10:30:01Z' });
    expect(e.Outputs.report).toMatch(/ondemand\/report\.html$/);
    // An on-demand run does not consume the next slot.
    f.clock.set(Date.UTC(2026, 10, 26, 11, 0, 1));
    expect((await f.platform.monitor.tick()).map((x) => x.MonitoringExecutionName)).toEqual(['sched-20261126T110000Z']);
  });

  it('after a restart, missed slots run exactly once, and two schedulers never run a slot twice', async () => {
    const f = await fixture('restart');
    await schedule(f);
    capture(f.captureDir, Date.UTC(2026, 10, 26, 10, 45), '1,92,83,86,96,67');
    capture(f.captureDir, Date.UTC(2026, 10, 26, 11, 45), '1,92,83,86,96,67');
    capture(f.captureDir, Date.UTC(2026, 10, 26, 12, 45), '1,92,83,86,96,67');
    await f.platform.close();
    // The server is down over the 11:00, 12:00 and 13:00 slots.
    f.clock.set(Date.UTC(2026, 10, 26, 13, 20));
    const a = await openPlatform(f.home, f.clock);
    const b = await openPlatform(f.home, f.clock);
    const [ra, rb] = await Promise.all([a.monitor.tick(), b.monitor.tick()]);
    const ran = [...ra, ...rb];
    expect(ran).toHaveLength(1);
    expect(ran[0]).toMatchObject({
      MonitoringExecutionName: 'sched-20261126T130000Z',
      Trigger: 'CatchUp',
      DataAnalysisStartTime: '2026-11-26T10:00:00Z',
      DataAnalysisEndTime: '2026-11-26T13:00:00Z',
      RecordsAnalysed: 3,
      MonitoringExecutionStatus: 'Completed',
    });
    expect(await a.monitor.tick()).toEqual([]);
    await a.close();
    await b.close();
    // Reopened with its scheduler after the 14:00 slot: the timer path catches that slot up once.
    capture(f.captureDir, Date.UTC(2026, 10, 26, 13, 45), '1,92,83,86,96,67');
    f.clock.set(Date.UTC(2026, 10, 26, 14, 10));
    const c = await openPlatform(f.home, f.clock);
    c.monitor.startScheduler();
    let executions = await c.monitor.listMonitoringExecutions('sched');
    for (let i = 0; i < 200 && !(executions.length === 2 && executions[0]!.MonitoringExecutionStatus === 'Completed'); i++) {
      await new Promise((r) => setTimeout(r, 25));
      executions = await c.monitor.listMonitoringExecutions('sched');
    }
    await c.monitor.stopScheduler();
    expect(executions.map((e) => [e.MonitoringExecutionName, e.MonitoringExecutionStatus, e.DataAnalysisStartTime])).toEqual([
      ['sched-20261126T140000Z', 'Completed', '2026-11-26T13:00:00Z'],
      ['sched-20261126T130000Z', 'Completed', '2026-11-26T10:00:00Z'],
    ]);
    expect(await c.monitor.tick()).toEqual([]);
  });

  it('marks an execution a dead process left InProgress as Failed after its maximum runtime, without re-running it', async () => {
    const f = await fixture('interrupted');
    await schedule(f, { maxRuntimeInSeconds: 600 });
    const entry = { MonitoringExecutionName: 'sched-20261126T110000Z', MonitoringScheduleName: 'sched', ScheduledTime: '2026-11-26T11:00:00Z', MonitoringExecutionStatus: 'InProgress', Outputs: {} };
    await f.platform.monitor.schedules.catalog.create('monitoring-execution', entry.MonitoringExecutionName, entry, Date.UTC(2026, 10, 26, 11, 0, 1));
    f.clock.set(Date.UTC(2026, 10, 26, 11, 30));
    f.platform.monitor.startScheduler();
    let e = await f.platform.monitor.describeMonitoringExecution(entry.MonitoringExecutionName);
    for (let i = 0; i < 200 && e.MonitoringExecutionStatus === 'InProgress'; i++) {
      await new Promise((r) => setTimeout(r, 25));
      e = await f.platform.monitor.describeMonitoringExecution(entry.MonitoringExecutionName);
    }
    await f.platform.monitor.stopScheduler();
    expect(e).toMatchObject({ MonitoringExecutionStatus: 'Failed', FailureReason: 'interrupted: the process running this execution stopped' });
    expect(await f.platform.monitor.listMonitoringExecutions('sched')).toHaveLength(1);
  });

  it('posts one alert per execution to a webhook, retrying a failed first attempt', async () => {
    const received: { body: unknown; key: string | undefined }[] = [];
    let calls = 0;
    const server: Server = createServer((req, res) => {
      let body = '';
      req.on('data', (c) => (body += c));
      req.on('end', () => {
        calls++;
        if (calls === 1) {
          res.statusCode = 503;
          res.end('busy');
          return;
        }
        received.push({ body: JSON.parse(body), key: req.headers['idempotency-key'] as string | undefined });
        res.end('ok');
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    try {
      const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
      const f = await fixture('alerts');
      await schedule(f, { webhooks: [url] });
      capture(f.captureDir, Date.UTC(2026, 10, 26, 10, 40), '1,92,-83.3,86,-96,67');
      f.clock.set(Date.UTC(2026, 10, 26, 11, 0, 3));
      const [e] = await f.platform.monitor.tick();
      expect(e!.MonitoringExecutionStatus).toBe('CompletedWithViolations');
      expect(e!.Alerts).toEqual([{ url, delivered: true, attempts: 2, status: 200 }]);
      expect(calls).toBe(2);
      expect(received).toHaveLength(1);
      expect(received[0]!.key).toBe('sched-20261126T110000Z');
      expect(received[0]!.body).toMatchObject({
        type: 'plumbline.monitoring.violations',
        monitoringScheduleName: 'sched',
        endpointName: 'ep',
        executionName: 'sched-20261126T110000Z',
        violationCount: e!.ViolationCount,
      });
      // Clean executions do not alert; the same execution is never alerted twice.
      f.clock.set(Date.UTC(2026, 10, 26, 11, 30));
      expect(await f.platform.monitor.tick()).toEqual([]);
      expect(calls).toBe(2);
      expect((await f.platform.monitor.describeMonitoringExecution('sched-20261126T110000Z')).Alerts).toHaveLength(1);
    } finally {
      await new Promise((r) => server.close(r));
    }
  });
});
