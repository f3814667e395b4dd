/**
 * Monitoring routes of `plumbline serve` on a real server (127.0.0.1, random port) over a real workspace:
 * list/describe schedules and executions, run one now, the latest violations, stopping an ended execution,
 * and problem+json errors (404 unknown, 400 bad query/body).
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeCaptureRecord } from '../../../test/helpers/monitoring.js';
import { fixedClock } from '../../core/clock.js';
import { createPlatform, type Platform } from '../../platform.js';
import { createServer } from '../server.js';

const root = mkdtempSync(join(tmpdir(), 'plumbline-monitoring-http-'));
const T0 = Date.UTC(2026, 10, 26, 10, 30);
const clock = fixedClock(T0);
let platform: Platform;
let app: FastifyInstance;
let base: string;

async function call(method: string, path: string, body?: unknown): Promise<{ status: number; type: string; json: any }> {
  const res = await fetch(base + path, { method, ...(body !== undefined ? { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) } : {}) });
  const text = await res.text();
  return { status: res.status, type: res.headers.get('content-type') ?? '', json: text ? JSON.parse(text) : undefined };
}

beforeAll(async () => {
  const home = join(root, 'ws');
  const captureDir = join(home, 'capture');
  mkdirSync(captureDir, { recursive: true });
  platform = await createPlatform({ home, clock, offlineFlushIntervalMs: 0, purgeIntervalMs: 0 });
  const csv = join(root, 'train.csv');
  writeFileSync(csv, ['a,b,c', ...Array.from({ length: 50 }, (_, i) => `${i % 2},${10 + (i % 7)},${20 + (i % 5)}`)].join('\n') + '\n');
  const baseline = await platform.monitor.suggestBaseline({ dataset: csv, output: join(home, 'baseline') });
  await platform.monitor.createMonitoringSchedule({
    monitorScheduleName: 'sched',
    endpointInput: 'ep',
    captureDestination: captureDir,
    statistics: baseline.files.statistics,
    constraints: baseline.files.constraints,
    outputS3Uri: platform.objectStore.uriOf('reports'),
  });
  // Output first, then inputs: a=1, b=-12 (negative: is_non_negative), c=abc (not Integral).
  writeCaptureRecord(captureDir, T0 - 120_000, { input: '-12,abc', output: '1' });
  app = await createServer({ platform, syncIntervalMs: 0 });
  await app.listen({ port: 0, host: '127.0.0.1' });
  base = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await app?.close();
  await platform?.close();
  rmSync(root, { recursive: true, force: true });
});

describe('monitoring routes', () => {
  it('lists and describes schedules', async () => {
    const list = await call('GET', '/monitoring-schedules');
    expect(list.status).toBe(200);
    expect(list.json.MonitoringScheduleSummaries).toEqual([expect.objectContaining({ MonitoringScheduleName: 'sched', EndpointName: 'ep', MonitoringType: 'DataQuality', MonitoringScheduleStatus: 'Scheduled' })]);
    expect((await call('GET', '/monitoring-schedules?endpointName=other')).json.MonitoringScheduleSummaries).toEqual([]);
    const d = await call('GET', '/monitoring-schedules/sched');
    expect(d.status).toBe(200);
    expect(d.json.MonitoringScheduleConfig.ScheduleConfig.ScheduleExpression).toBe('cron(0 * ? * * *)');
  });

  it('runs an execution now, lists and describes it, and serves its latest violations', async () => {
    expect((await call('GET', '/monitoring-schedules/sched/violations/latest')).status).toBe(404);
    const run = await call('POST', '/monitoring-schedules/sched/executions', { start: new Date(T0 - 3_600_000).toISOString(), end: new Date(T0).toISOString() });
    expect(run.status).toBe(201);
    if (run.json.FailureReason) throw new Error(run.json.FailureReason);
    expect(run.json).toMatchObject({ MonitoringScheduleName: 'sched', MonitoringExecutionStatus: 'CompletedWithViolations', Trigger: 'OnDemand', RecordsAnalysed: 1 });
    const list = await call('GET', '/monitoring-schedules/sched/executions?statusEquals=CompletedWithViolations&maxResults=5');
    expect(list.json.MonitoringExecutionSummaries.map((e: { MonitoringExecutionName: string }) => e.MonitoringExecutionName)).toEqual([run.json.MonitoringExecutionName]);
    const one = await call('GET', `/monitoring-executions/${run.json.MonitoringExecutionName}`);
    expect(one.json.Outputs.constraint_violations).toBe(run.json.Outputs.constraint_violations);
    const latest = await call('GET', '/monitoring-schedules/sched/violations/latest');
    expect(latest.status).toBe(200);
    expect(latest.json.fileUri).toBe(run.json.Outputs.constraint_violations);
    const checks = latest.json.violations.map((v: { feature_name: string; constraint_check_type: string }) => `${v.feature_name}:${v.constraint_check_type}`);
    expect(checks).toContain('c:data_type_check');
    // An ended execution cannot be stopped: 409 problem+json.
    const stop = await call('POST', `/monitoring-executions/${run.json.MonitoringExecutionName}/stop`);
    expect(stop.status).toBe(409);
    expect(stop.type).toMatch(/application\/problem\+json/);
    expect(stop.json).toMatchObject({ code: 'CONFLICT', status: 409 });
  });

  it('starts an execution without waiting (202 Pending) and follows it to its end', async () => {
    clock.advance(1); // on-demand executions are named by the millisecond they start
    const started = await call('POST', '/monitoring-schedules/sched/executions', { start: new Date(T0 - 3_600_000).toISOString(), end: new Date(T0).toISOString(), wait: false });
    expect(started.status).toBe(202);
    expect(started.json).toMatchObject({ MonitoringExecutionStatus: 'Pending', Trigger: 'OnDemand' });
    let status = started.json.MonitoringExecutionStatus as string;
    while (['Pending', 'InProgress', 'Stopping'].includes(status)) {
      await new Promise((r) => setImmediate(r));
      status = (await call('GET', `/monitoring-executions/${started.json.MonitoringExecutionName}`)).json.MonitoringExecutionStatus;
    }
    expect(status).toBe('CompletedWithViolations');
    expect((await call('POST', '/monitoring-schedules/sched/executions', { wait: 'no' })).status).toBe(400);
  });

  it('answers unknown names with 404 and bad input with 400, as problem+json', async () => {
    for (const path of ['/monitoring-schedules/nope', '/monitoring-schedules/nope/executions', '/monitoring-executions/nope', '/monitoring-schedules/nope/violations/latest']) {
      const r = await call('GET', path);
      expect(r.status, path).toBe(404);
      expect(r.type).toMatch(/application\/problem\+json/);
      expect(r.json.code).toBe('NOT_FOUND');
    }
    expect((await call('POST', '/monitoring-schedules/nope/executions', {})).status).toBe(404);
    expect((await call('POST', '/monitoring-executions/nope/stop')).status).toBe(404);
    const badQuery = await call('GET', '/monitoring-schedules/sched/executions?maxResults=0');
    expect(badQuery.status).toBe(400);
    expect(badQuery.json.detail).toMatch(/maxResults/);
    expect((await call('GET', '/monitoring-schedules?statusEquals=Running')).status).toBe(400);
    const badBody = await call('POST', '/monitoring-schedules/sched/executions', { start: 'yesterday' });
    expect(badBody.status).toBe(400);
    expect(badBody.json.detail).toMatch(/start/);
    const backwards = await call('POST', '/monitoring-schedules/sched/executions', { start: new Date(T0).toISOString(), end: new Date(T0 - 1000).toISOString() });
    expect(backwards.status).toBe(400);
  });
});
