/**
 * @module monitor/schedules/service
 * Monitoring schedules and their executions: create / describe / list / update / start / stop / delete with
 * SageMaker's objects and names, `runNow` (one on-demand execution), and the scheduler.
 *
 * Scheduling rules:
 * - A slot is a time the schedule expression fires (UTC). The execution for a slot analyses the previous
 *   period `[previous slot, slot)`, or `[slot + DataAnalysisStartTime, slot + DataAnalysisEndTime)`.
 * - An execution's catalog name is `<schedule>-<slot as yyyyMMddTHHmmssZ>`; creating it claims the slot, so
 *   two processes (or a restart) can never run the same slot twice.
 * - Slots missed while no scheduler ran (the server was down) collapse into ONE catch-up execution for the
 *   latest slot whose window reaches back to the first missed window: nothing is analysed twice or skipped.
 * - An execution left InProgress by a process that died is marked Failed ("interrupted") once it is older
 *   than the job definition's MaxRuntimeInSeconds, and is not re-run.
 * - The scheduler never throws: a failing schedule is logged and the others go on.
 */
import { resolve } from 'node:path';
import type { Catalog } from '../../catalog/index.js';
import { invalid, isPlatformError, NotFoundError, PlatformError, ValidationError } from '../../core/errors.js';
import { parseConstraints, parseStatistics } from '../baseline/index.js';
import type { CaptureMapping } from '../capture-window/index.js';
import { readJson } from '../locations.js';
import { biasMetricsOf, globalShapOf, parseBiasMonitorConfig, parseModelQualityConstraints, PROBLEM_TYPES, type ProblemType } from '../quality/index.js';
import { latestSlot, nextSlot, parseScheduleExpression, previousSlot, type ParsedSchedule } from './cron.js';
import { claimExecution, iso, requestStop, resolveEndpoint, runExecution, type ExecutionDeps } from './execute.js';
import { parseOffset } from './offsets.js';
import {
  EXECUTION_KIND,
  SCHEDULE_KIND,
  SCHEDULE_NAME_PATTERN,
  type MonitoringExecution,
  type MonitoringScheduleDescription,
  type MonitoringScheduleStatus,
  type MonitoringType,
  type PlumblineScheduleConfig,
} from './types.js';

export interface CreateMonitoringScheduleInput {
  monitorScheduleName: string;
  /** The endpoint whose captured traffic is analysed. */
  endpointInput: string;
  /** Where execution reports go (default: `model-monitor/reports` in the object store). */
  outputS3Uri?: string;
  /** Baseline statistics.json (URI or path). */
  statistics?: string;
  /** Baseline constraints.json (URI or path). */
  constraints?: string;
  /** Default `CronExpressionGenerator.hourly()`. */
  scheduleCronExpression?: string;
  /** Offsets such as `-PT1H` (relative to the slot). */
  dataAnalysisStartTime?: string;
  dataAnalysisEndTime?: string;
  monitoringType?: MonitoringType;
  /** false = do not publish metrics (SageMaker's enable_cloudwatch_metrics). */
  enableCloudwatchMetrics?: boolean;
  maxRuntimeInSeconds?: number;
  instanceCount?: number;
  instanceType?: string;
  volumeSizeInGb?: number;
  environment?: Record<string, string>;
  /** plumbline: read capture from here instead of the endpoint's DataCaptureConfig. */
  captureDestination?: string;
  variant?: string;
  /** plumbline: how captured CSV columns are matched to the baseline (default `auto`). */
  columnMapping?: CaptureMapping;
  webhooks?: string[];
  drift?: PlumblineScheduleConfig['Drift'];
  /** Model quality. */
  groundTruthInput?: string;
  problemType?: ProblemType;
  probabilityThresholdAttribute?: number;
  positiveLabel?: string;
  /** Model explainability: NDCG below this is attribution drift (default 0.9). */
  attributionDriftThreshold?: number;
  /**
   * Model bias: the Clarify analysis config (label, label_values_or_threshold, facet, group_variable, headers,
   * methods, probability_threshold), as an object or the path/URI of its JSON file (SageMaker's ConfigUri).
   * The baseline is `constraints`: the analysis.json of a baseline bias job.
   */
  analysisConfig?: string | Record<string, unknown>;
}

export type UpdateMonitoringScheduleInput = Partial<Omit<CreateMonitoringScheduleInput, 'monitorScheduleName' | 'monitoringType'>>;

export interface SchedulesDeps extends ExecutionDeps {
  /** Default output URI for reports. */
  defaultOutput: string;
  /** Executions run at once by this process (default 2); the others wait `Pending`. */
  maxConcurrentExecutions?: number;
}

const DEFAULT_MAX_RUNTIME = 3600;

export class MonitoringSchedules {
  private timer: NodeJS.Timeout | undefined;
  private ticking: Promise<unknown> | undefined;
  private readonly running = new Set<Promise<unknown>>();
  private stopped = true;
  /** Executions of this process: name -> its stop switch. */
  private readonly controllers = new Map<string, AbortController>();
  private active = 0;
  private readonly waiting: (() => void)[] = [];

  constructor(private readonly deps: SchedulesDeps) {}

  /** Runs a claimed (Pending) execution once a concurrency slot is free; stoppable by `stopExecution`. */
  private async launch(schedule: MonitoringScheduleDescription, claimed: MonitoringExecution): Promise<MonitoringExecution> {
    const controller = new AbortController();
    this.controllers.set(claimed.MonitoringExecutionName, controller);
    const limit = Math.max(1, this.deps.maxConcurrentExecutions ?? 2);
    if (this.active >= limit) await new Promise<void>((resolve) => this.waiting.push(resolve));
    this.active++;
    try {
      return await runExecution(this.deps, schedule, claimed, controller.signal);
    } finally {
      this.active--;
      this.controllers.delete(claimed.MonitoringExecutionName);
      this.waiting.shift()?.();
    }
  }

  /**
   * Stops an execution (SageMaker: StopProcessingJob on its ProcessingJobArn): Pending or InProgress become
   * `Stopping`, then `Stopped` at the execution's next checkpoint, in this process or the one running it.
   * Unlike `stop` (the schedule), this ends one execution and leaves the schedule running.
   */
  async stopExecution(executionName: string): Promise<MonitoringExecution> {
    const doc = await requestStop(this.deps, executionName);
    this.controllers.get(executionName)?.abort();
    return doc;
  }

  get catalog(): Catalog {
    return this.deps.catalog;
  }

  async create(input: CreateMonitoringScheduleInput): Promise<MonitoringScheduleDescription> {
    if (!input || typeof input !== 'object') throw invalid('input', input, 'an object with monitorScheduleName and endpointInput');
    const name = input.monitorScheduleName;
    if (typeof name !== 'string' || !SCHEDULE_NAME_PATTERN.test(name)) {
      throw invalid('monitorScheduleName', name, 'a name of 1 to 63 letters, digits and hyphens, starting and ending with a letter or digit');
    }
    const type: MonitoringType = input.monitoringType ?? 'DataQuality';
    if (type !== 'DataQuality' && type !== 'ModelQuality' && type !== 'ModelBias' && type !== 'ModelExplainability') throw invalid('monitoringType', type, 'DataQuality, ModelQuality, ModelBias or ModelExplainability');
    if (await this.deps.catalog.get(SCHEDULE_KIND, name)) throw new PlatformError('ALREADY_EXISTS', `monitoring schedule "${name}" already exists`, { details: { resource: 'monitoring schedule', id: name } });
    const now = this.deps.clock.now();
    const doc = await this.build(name, type, { ...input, ...absolutePaths(input) }, now);
    await this.deps.catalog.create(SCHEDULE_KIND, name, doc, now);
    return doc;
  }

  async describe(name: string): Promise<MonitoringScheduleDescription> {
    const entry = await this.deps.catalog.get<MonitoringScheduleDescription>(SCHEDULE_KIND, name);
    if (!entry) throw new NotFoundError('monitoring schedule', name);
    return entry.doc;
  }

  async list(filter: { endpointName?: string; statusEquals?: MonitoringScheduleStatus } = {}): Promise<MonitoringScheduleDescription[]> {
    const all = (await this.deps.catalog.list<MonitoringScheduleDescription>(SCHEDULE_KIND)).map((e) => e.doc);
    return all.filter((d) => (!filter.endpointName || d.EndpointName === filter.endpointName) && (!filter.statusEquals || d.MonitoringScheduleStatus === filter.statusEquals));
  }

  async update(name: string, patch: UpdateMonitoringScheduleInput): Promise<MonitoringScheduleDescription> {
    const entry = await this.deps.catalog.get<MonitoringScheduleDescription>(SCHEDULE_KIND, name);
    if (!entry) throw new NotFoundError('monitoring schedule', name);
    const old = entry.doc;
    const def = old.MonitoringScheduleConfig.MonitoringJobDefinition;
    const merged: CreateMonitoringScheduleInput = {
      monitorScheduleName: name,
      endpointInput: patch.endpointInput ?? old.EndpointName,
      outputS3Uri: patch.outputS3Uri ?? def.MonitoringOutputConfig.MonitoringOutputs[0]!.S3Output.S3Uri,
      scheduleCronExpression: patch.scheduleCronExpression ?? old.MonitoringScheduleConfig.ScheduleConfig.ScheduleExpression,
      monitoringType: old.MonitoringType,
      maxRuntimeInSeconds: patch.maxRuntimeInSeconds ?? def.StoppingCondition.MaxRuntimeInSeconds,
      environment: { ...def.Environment, ...(patch.environment ?? {}) },
      columnMapping: patch.columnMapping ?? old.Plumbline.ColumnMapping,
      webhooks: patch.webhooks ?? old.Plumbline.Webhooks,
      drift: patch.drift ?? old.Plumbline.Drift,
    };
    const keep = <K extends keyof CreateMonitoringScheduleInput>(k: K, v: CreateMonitoringScheduleInput[K] | undefined) => {
      if (v !== undefined) merged[k] = v;
    };
    keep('statistics', patch.statistics ?? def.BaselineConfig?.StatisticsResource?.S3Uri);
    keep('constraints', patch.constraints ?? def.BaselineConfig?.ConstraintsResource?.S3Uri);
    keep('dataAnalysisStartTime', patch.dataAnalysisStartTime ?? old.MonitoringScheduleConfig.ScheduleConfig.DataAnalysisStartTime);
    keep('dataAnalysisEndTime', patch.dataAnalysisEndTime ?? old.MonitoringScheduleConfig.ScheduleConfig.DataAnalysisEndTime);
    keep('captureDestination', patch.captureDestination ?? old.Plumbline.CaptureDestination);
    keep('variant', patch.variant ?? old.Plumbline.VariantName);
    keep('groundTruthInput', patch.groundTruthInput ?? old.Plumbline.GroundTruthS3Uri);
    keep('problemType', patch.problemType ?? old.Plumbline.ProblemType);
    keep('probabilityThresholdAttribute', patch.probabilityThresholdAttribute ?? old.Plumbline.ProbabilityThreshold);
    keep('positiveLabel', patch.positiveLabel ?? old.Plumbline.PositiveLabel);
    keep('enableCloudwatchMetrics', patch.enableCloudwatchMetrics);
    keep('attributionDriftThreshold', patch.attributionDriftThreshold ?? old.Plumbline.AttributionDriftThreshold);
    keep('analysisConfig', patch.analysisConfig ?? (old.Plumbline.BiasAnalysisConfig as Record<string, unknown> | undefined));
    const now = this.deps.clock.now();
    const built = await this.build(name, old.MonitoringType, { ...merged, ...absolutePaths(merged) }, now);
    const doc: MonitoringScheduleDescription = {
      ...built,
      MonitoringScheduleArn: old.MonitoringScheduleArn,
      MonitoringScheduleStatus: old.MonitoringScheduleStatus,
      CreationTime: old.CreationTime,
      ...(old.LastMonitoringExecutionSummary ? { LastMonitoringExecutionSummary: old.LastMonitoringExecutionSummary } : {}),
      Plumbline: { ...built.Plumbline, ...(old.Plumbline.LastSlot !== undefined ? { LastSlot: old.Plumbline.LastSlot } : {}) },
    };
    await this.deps.catalog.update(SCHEDULE_KIND, name, doc, now, entry.version);
    return doc;
  }

  /** Resumes a stopped schedule; slots that passed while it was stopped are not run. */
  async start(name: string): Promise<MonitoringScheduleDescription> {
    return this.setStatus(name, 'Scheduled');
  }

  async stop(name: string): Promise<MonitoringScheduleDescription> {
    return this.setStatus(name, 'Stopped');
  }

  async delete(name: string): Promise<void> {
    if (!(await this.deps.catalog.delete(SCHEDULE_KIND, name))) throw new NotFoundError('monitoring schedule', name);
  }

  /** Executions, newest first (of one schedule, or all). */
  async listExecutions(scheduleName?: string, options: { statusEquals?: string; maxResults?: number } = {}): Promise<MonitoringExecution[]> {
    if (scheduleName !== undefined) await this.describe(scheduleName);
    const all = (await this.deps.catalog.list<MonitoringExecution>(EXECUTION_KIND))
      .map((e) => e.doc)
      .filter((d) => (scheduleName === undefined || d.MonitoringScheduleName === scheduleName) && (!options.statusEquals || d.MonitoringExecutionStatus === options.statusEquals))
      .sort((a, b) => (a.ScheduledTime === b.ScheduledTime ? b.CreationTime.localeCompare(a.CreationTime) : b.ScheduledTime.localeCompare(a.ScheduledTime)));
    return options.maxResults !== undefined ? all.slice(0, options.maxResults) : all;
  }

  async describeExecution(executionName: string): Promise<MonitoringExecution> {
    const entry = await this.deps.catalog.get<MonitoringExecution>(EXECUTION_KIND, executionName);
    if (!entry) throw new NotFoundError('monitoring execution', executionName);
    return entry.doc;
  }

  /**
   * Runs one execution now and waits for it (`wait: false`: returns it Pending while it runs on). The window is
   * `[start, end)` when given, else the schedule's offsets relative to now, else the schedule's period ending now
   * (one hour for an hourly schedule).
   */
  async runNow(name: string, options: { start?: number; end?: number; wait?: boolean } = {}): Promise<MonitoringExecution> {
    const schedule = await this.describe(name);
    const now = this.deps.clock.now();
    // Capture times have whole seconds: the window ends at the next whole second so that this second counts.
    const offsets = offsetWindow(schedule, now);
    const end = options.end ?? offsets?.end ?? Math.floor(now / 1000) * 1000 + 1000;
    const start = options.start ?? offsets?.start ?? end - periodOf(schedule, now);
    if (!(start < end)) throw invalid('start', iso(start), `a time before the window end ${iso(end)}`);
    const executionName = `${name}-${new Date(now).toISOString().replace(/[-:.]/g, '')}-ondemand`;
    const claimed = await claimExecution(this.deps, schedule, { name: executionName, slot: now, trigger: 'OnDemand', start, end });
    if (!claimed) throw new PlatformError('CONFLICT', `an on-demand execution of ${name} was started in this same millisecond; try again`);
    if (options.wait !== false) return this.launch(schedule, claimed);
    // Not waiting: the execution goes on in this process (stopScheduler / close wait for it); returns it Pending.
    const run = this.launch(schedule, claimed);
    this.running.add(run);
    void run.catch(() => undefined).finally(() => this.running.delete(run));
    return claimed;
  }

  /**
   * Claims and runs every due slot (at most one per schedule); resolves when those executions end.
   * Used by the scheduler's timer, and by tests with an injected clock.
   */
  async tick(): Promise<MonitoringExecution[]> {
    if (this.ticking) await this.ticking.catch(() => undefined);
    const work = this.tickOnce();
    this.ticking = work;
    try {
      return await work;
    } finally {
      if (this.ticking === work) this.ticking = undefined;
    }
  }

  private async tickOnce(): Promise<MonitoringExecution[]> {
    const now = this.deps.clock.now();
    const started: Promise<MonitoringExecution | undefined>[] = [];
    let schedules: MonitoringScheduleDescription[];
    try {
      schedules = await this.list({ statusEquals: 'Scheduled' });
    } catch (e) {
      this.deps.log?.(`[monitor] scheduler could not list schedules: ${(e as Error).message}`);
      return [];
    }
    for (const s of schedules) {
      const p = this.dueExecution(s, now).catch((e) => {
        this.deps.log?.(`[monitor] schedule ${s.MonitoringScheduleName}: ${(e as Error).message}`);
        return undefined;
      });
      started.push(p);
    }
    const done = await Promise.all(started);
    return done.filter((d): d is MonitoringExecution => d !== undefined);
  }

  private async dueExecution(s: MonitoringScheduleDescription, now: number): Promise<MonitoringExecution | undefined> {
    const parsed = parseScheduleExpression(s.MonitoringScheduleConfig.ScheduleConfig.ScheduleExpression);
    const created = Date.parse(s.CreationTime);
    const last = s.Plumbline.LastSlot;
    let slot: number | undefined;
    let start: number;
    let end: number;
    let trigger: MonitoringExecution['Trigger'] = 'Schedule';
    if (parsed.kind === 'now') {
      if (last !== undefined) return undefined;
      slot = created;
      const w = offsetWindow(s, slot);
      end = w?.end ?? slot;
      start = w?.start ?? slot - 3_600_000;
    } else {
      slot = latestSlot(parsed, now);
      if (slot === undefined || (last !== undefined ? slot <= last : slot < created)) return undefined;
      const w = windowOf(s, parsed, slot);
      start = w.start;
      end = w.end;
      // Slots missed while no scheduler ran: one execution whose window reaches back to the first missed one.
      const firstMissed = nextSlot(parsed, last !== undefined ? last : created - 1);
      if (firstMissed !== undefined && firstMissed < slot) {
        trigger = 'CatchUp';
        start = Math.min(start, windowOf(s, parsed, firstMissed).start);
      } else if (now - slot > 5 * 60_000) trigger = 'CatchUp';
    }
    const name = `${s.MonitoringScheduleName}-${compact(slot)}`;
    const claimed = await claimExecution(this.deps, s, { name, slot, trigger, start, end });
    await this.recordSlot(s.MonitoringScheduleName, slot);
    if (!claimed) return undefined;
    const run = this.launch(s, claimed);
    this.running.add(run);
    try {
      return await run;
    } finally {
      this.running.delete(run);
    }
  }

  private async recordSlot(name: string, slot: number): Promise<void> {
    for (let i = 0; i < 5; i++) {
      const entry = await this.deps.catalog.get<MonitoringScheduleDescription>(SCHEDULE_KIND, name);
      if (!entry || (entry.doc.Plumbline.LastSlot ?? -Infinity) >= slot) return;
      try {
        await this.deps.catalog.update(SCHEDULE_KIND, name, { ...entry.doc, Plumbline: { ...entry.doc.Plumbline, LastSlot: slot } }, this.deps.clock.now(), entry.version);
        return;
      } catch (e) {
        if (!(isPlatformError(e) && e.code === 'CONFLICT')) throw e;
      }
    }
  }

  /** Starts the timer: catches up missed slots now, then wakes at each next slot (checking at least every minute). */
  startScheduler(): void {
    if (!this.stopped) return;
    this.stopped = false;
    void this.failInterrupted().catch(() => undefined);
    const loop = async () => {
      if (this.stopped) return;
      await this.tick().catch(() => undefined);
      if (this.stopped) return;
      this.timer = setTimeout(() => void loop(), await this.msToNextSlot());
      this.timer.unref?.();
    };
    void loop();
  }

  /** Stops the timer and waits for running executions. */
  async stopScheduler(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    await this.ticking?.catch(() => undefined);
    await Promise.allSettled([...this.running]);
  }

  get schedulerRunning(): boolean {
    return !this.stopped;
  }

  private async msToNextSlot(): Promise<number> {
    const now = this.deps.clock.now();
    let next = now + 60_000;
    for (const s of await this.list({ statusEquals: 'Scheduled' }).catch(() => [])) {
      try {
        const t = nextSlot(parseScheduleExpression(s.MonitoringScheduleConfig.ScheduleConfig.ScheduleExpression), now);
        if (t !== undefined) next = Math.min(next, t);
      } catch {
        // an unreadable expression is reported by tick
      }
    }
    return Math.max(250, next - now + 50);
  }

  /** Executions a dead process left Pending/InProgress past their maximum runtime become Failed. */
  private async failInterrupted(): Promise<void> {
    const now = this.deps.clock.now();
    for (const e of await this.deps.catalog.list<MonitoringExecution>(EXECUTION_KIND)) {
      const d = e.doc;
      if (d.MonitoringExecutionStatus !== 'InProgress' && d.MonitoringExecutionStatus !== 'Pending' && d.MonitoringExecutionStatus !== 'Stopping') continue;
      const schedule = await this.deps.catalog.get<MonitoringScheduleDescription>(SCHEDULE_KIND, d.MonitoringScheduleName);
      const max = (schedule?.doc.MonitoringScheduleConfig.MonitoringJobDefinition.StoppingCondition.MaxRuntimeInSeconds ?? DEFAULT_MAX_RUNTIME) * 1000;
      if (now - e.updatedAt <= max) continue;
      const ended: MonitoringExecution =
        d.MonitoringExecutionStatus === 'Stopping'
          ? { ...d, MonitoringExecutionStatus: 'Stopped', ExitMessage: 'Stopped: the execution was stopped on request (StopMonitoringExecution).', LastModifiedTime: iso(now) }
          : { ...d, MonitoringExecutionStatus: 'Failed', FailureReason: 'interrupted: the process running this execution stopped', LastModifiedTime: iso(now) };
      await this.deps.catalog
        .update(EXECUTION_KIND, e.name, ended, now, e.version)
        .catch(() => undefined);
    }
  }

  private async setStatus(name: string, status: MonitoringScheduleStatus): Promise<MonitoringScheduleDescription> {
    const entry = await this.deps.catalog.get<MonitoringScheduleDescription>(SCHEDULE_KIND, name);
    if (!entry) throw new NotFoundError('monitoring schedule', name);
    const now = this.deps.clock.now();
    const doc: MonitoringScheduleDescription = { ...entry.doc, MonitoringScheduleStatus: status, LastModifiedTime: iso(now) };
    if (status === 'Scheduled' && entry.doc.MonitoringScheduleStatus === 'Stopped') {
      // Do not catch up slots that passed while stopped.
      try {
        const parsed = parseScheduleExpression(doc.MonitoringScheduleConfig.ScheduleConfig.ScheduleExpression);
        const slot = latestSlot(parsed, now);
        if (slot !== undefined) doc.Plumbline = { ...doc.Plumbline, LastSlot: Math.max(slot, doc.Plumbline.LastSlot ?? -Infinity) };
      } catch {
        // validated at create
      }
    }
    await this.deps.catalog.update(SCHEDULE_KIND, name, doc, now, entry.version);
    return doc;
  }

  private async build(name: string, type: MonitoringType, input: CreateMonitoringScheduleInput, now: number): Promise<MonitoringScheduleDescription> {
    const issues: { path: string; message: string }[] = [];
    const expression = input.scheduleCronExpression ?? 'cron(0 * ? * * *)';
    parseScheduleExpression(expression, 'scheduleCronExpression');
    const startOffset = input.dataAnalysisStartTime !== undefined ? parseOffset(input.dataAnalysisStartTime, 'dataAnalysisStartTime') : undefined;
    const endOffset = input.dataAnalysisEndTime !== undefined ? parseOffset(input.dataAnalysisEndTime, 'dataAnalysisEndTime') : undefined;
    if ((startOffset === undefined) !== (endOffset === undefined)) {
      issues.push({ path: 'dataAnalysisEndTime', message: 'dataAnalysisStartTime and dataAnalysisEndTime go together' });
    } else if (startOffset !== undefined && endOffset !== undefined) {
      if (!(startOffset < endOffset)) issues.push({ path: 'dataAnalysisStartTime', message: `got ${input.dataAnalysisStartTime}, expected an offset before dataAnalysisEndTime ${input.dataAnalysisEndTime}` });
      if (endOffset - startOffset > 24 * 3_600_000) issues.push({ path: 'dataAnalysisEndTime', message: 'the window may span at most 24 hours' });
    }
    const endpointName = input.endpointInput;
    if (typeof endpointName !== 'string' || endpointName === '') throw invalid('endpointInput', endpointName, 'an endpoint name');
    const endpoint = await resolveEndpoint(this.deps.catalog, endpointName);
    if (!endpoint && input.captureDestination === undefined) {
      throw new NotFoundError('endpoint', endpointName, 'NOT_FOUND', `endpoint "${endpointName}" not found: create it first (or give captureDestination to monitor capture files directly)`);
    }
    if (endpoint && !endpoint.captureDestination && input.captureDestination === undefined) {
      issues.push({ path: 'endpointInput', message: `endpoint "${endpointName}" does not capture data: update it with a DataCaptureConfig first` });
    }
    if (input.variant !== undefined && endpoint && !endpoint.variants.includes(input.variant)) {
      issues.push({ path: 'variant', message: `got ${JSON.stringify(input.variant)}, expected one of the endpoint's variants ${endpoint.variants.join(', ')}` });
    }
    const mapping = input.columnMapping ?? 'auto';
    if (!['auto', 'position', 'model'].includes(mapping)) issues.push({ path: 'columnMapping', message: `got ${JSON.stringify(mapping)}, expected auto, position or model` });
    const webhooks = input.webhooks ?? [];
    if (!Array.isArray(webhooks)) issues.push({ path: 'webhooks', message: 'expected a list of http(s) URLs' });
    else webhooks.forEach((u, i) => {
      if (typeof u !== 'string' || !/^https?:\/\/[^\s]+$/i.test(u)) issues.push({ path: `webhooks[${i}]`, message: `got ${JSON.stringify(u)}, expected an http(s) URL` });
    });
    const drift = input.drift ?? { method: 'auto' };
    if (drift !== false && drift.threshold !== undefined && !(drift.threshold > 0 && drift.threshold <= 1)) {
      issues.push({ path: 'drift.threshold', message: `got ${drift.threshold}, expected a number in (0, 1]` });
    }
    const maxRuntime = input.maxRuntimeInSeconds ?? DEFAULT_MAX_RUNTIME;
    if (!Number.isInteger(maxRuntime) || maxRuntime < 1 || maxRuntime > 86_400) issues.push({ path: 'maxRuntimeInSeconds', message: `got ${maxRuntime}, expected an integer from 1 to 86400` });
    if (type === 'ModelBias') {
      if (!input.groundTruthInput) issues.push({ path: 'groundTruthInput', message: 'a ModelBias schedule needs the ground-truth location' });
      if (input.analysisConfig === undefined) issues.push({ path: 'analysisConfig', message: 'a ModelBias schedule needs the Clarify analysis config (label, facet, ...)' });
      if (!input.constraints) issues.push({ path: 'constraints', message: 'a ModelBias schedule needs the baseline analysis.json (output of a baseline bias job)' });
      const t = input.probabilityThresholdAttribute;
      if (t !== undefined && !(t >= 0 && t <= 1)) issues.push({ path: 'probabilityThresholdAttribute', message: `got ${t}, expected a number in [0, 1]` });
    }
    if (type === 'ModelQuality') {
      if (!input.groundTruthInput) issues.push({ path: 'groundTruthInput', message: 'a ModelQuality schedule needs the ground-truth location' });
      if (!input.problemType || !PROBLEM_TYPES.includes(input.problemType)) issues.push({ path: 'problemType', message: `got ${JSON.stringify(input.problemType)}, expected ${PROBLEM_TYPES.join(', ')}` });
      const t = input.probabilityThresholdAttribute;
      if (t !== undefined && !(t >= 0 && t <= 1)) issues.push({ path: 'probabilityThresholdAttribute', message: `got ${t}, expected a number in [0, 1]` });
    }
    if (issues.length) throw new ValidationError(issues);
    // Baseline files are read now so that a bad file is refused at creation, not at 3 a.m.
    let biasConfig: unknown;
    if (type === 'DataQuality') {
      const stats = input.statistics ? parseStatistics(await readJson(this.deps.objectStore, input.statistics, 'statistics'), input.statistics) : undefined;
      if (input.constraints) parseConstraints(await readJson(this.deps.objectStore, input.constraints, 'constraints'), input.constraints);
      if (drift !== false && drift.segmentBy && stats && !stats.features.some((f) => f.name === drift.segmentBy)) {
        throw invalid('drift.segmentBy', drift.segmentBy, `a baseline feature (${stats.features.map((f) => f.name).join(', ')})`);
      }
    } else if (type === 'ModelBias') {
      biasMetricsOf(await readJson(this.deps.objectStore, input.constraints!, 'constraints'), input.constraints);
      const config = typeof input.analysisConfig === 'string' ? await readJson(this.deps.objectStore, input.analysisConfig, 'analysisConfig') : input.analysisConfig;
      parseBiasMonitorConfig(config);
      biasConfig = config;
    } else if (type === 'ModelExplainability') {
      if (!input.constraints) throw new ValidationError([{ path: 'constraints', message: 'a ModelExplainability schedule needs the baseline analysis.json (Clarify explainability output)' }]);
      globalShapOf(await readJson(this.deps.objectStore, input.constraints, 'constraints'), input.constraints);
      const t = input.attributionDriftThreshold;
      if (t !== undefined && !(t > 0 && t <= 1)) throw invalid('attributionDriftThreshold', t, 'a number in (0, 1]');
    } else if (input.constraints) {
      parseModelQualityConstraints(await readJson(this.deps.objectStore, input.constraints, 'constraints'), input.constraints);
    }
    const environment: Record<string, string> = {
      dataset_format: JSON.stringify({ sagemakerCaptureJson: { captureIndexNames: ['endpointInput', 'endpointOutput'] } }),
      dataset_source: '/opt/ml/processing/input/endpoint',
      output_path: '/opt/ml/processing/output',
      publish_cloudwatch_metrics: input.enableCloudwatchMetrics === false ? 'Disabled' : 'Enabled',
      sagemaker_endpoint_name: endpointName,
      sagemaker_monitoring_schedule_name: name,
      ...(input.environment ?? {}),
    };
    if (type === 'ModelExplainability') environment.analysis_type = 'MODEL_EXPLAINABILITY';
    if (type === 'ModelBias') environment.analysis_type = 'MODEL_BIAS';
    if (type === 'ModelQuality') {
      environment.analysis_type = 'MODEL_QUALITY';
      environment.problem_type = input.problemType!;
    }
    if (input.statistics) environment.baseline_statistics = '/opt/ml/processing/baseline/stats/statistics.json';
    if (input.constraints) environment.baseline_constraints = '/opt/ml/processing/baseline/constraints/constraints.json';
    const nowIso = iso(now);
    const plumbline: PlumblineScheduleConfig = { ColumnMapping: mapping, Webhooks: webhooks, Drift: drift };
    if (input.captureDestination !== undefined) plumbline.CaptureDestination = input.captureDestination;
    if (input.variant !== undefined) plumbline.VariantName = input.variant;
    if (type === 'ModelQuality') {
      plumbline.GroundTruthS3Uri = input.groundTruthInput!;
      plumbline.ProblemType = input.problemType!;
      if (input.probabilityThresholdAttribute !== undefined) plumbline.ProbabilityThreshold = input.probabilityThresholdAttribute;
      if (input.positiveLabel !== undefined) plumbline.PositiveLabel = input.positiveLabel;
    }
    if (type === 'ModelBias') {
      plumbline.GroundTruthS3Uri = input.groundTruthInput!;
      plumbline.BiasAnalysisConfig = biasConfig;
      if (typeof input.analysisConfig === 'string') plumbline.BiasConfigUri = input.analysisConfig;
      if (input.probabilityThresholdAttribute !== undefined) plumbline.ProbabilityThreshold = input.probabilityThresholdAttribute;
    }
    if (type === 'ModelExplainability' && input.attributionDriftThreshold !== undefined) plumbline.AttributionDriftThreshold = input.attributionDriftThreshold;
    const baselineConfig: { ConstraintsResource?: { S3Uri: string }; StatisticsResource?: { S3Uri: string } } = {};
    if (input.constraints) baselineConfig.ConstraintsResource = { S3Uri: input.constraints };
    if (input.statistics) baselineConfig.StatisticsResource = { S3Uri: input.statistics };
    return {
      MonitoringScheduleArn: `arn:aws:sagemaker:local:000000000000:monitoring-schedule/${name.toLowerCase()}`,
      MonitoringScheduleName: name,
      MonitoringScheduleStatus: 'Scheduled',
      MonitoringType: type,
      CreationTime: nowIso,
      LastModifiedTime: nowIso,
      EndpointName: endpointName,
      MonitoringScheduleConfig: {
        ScheduleConfig: {
          ScheduleExpression: expression,
          ...(input.dataAnalysisStartTime !== undefined ? { DataAnalysisStartTime: input.dataAnalysisStartTime, DataAnalysisEndTime: input.dataAnalysisEndTime! } : {}),
        },
        MonitoringType: type,
        MonitoringJobDefinition: {
          ...(Object.keys(baselineConfig).length ? { BaselineConfig: baselineConfig } : {}),
          MonitoringInputs: [{ EndpointInput: { EndpointName: endpointName, LocalPath: '/opt/ml/processing/input/endpoint', S3InputMode: 'File', S3DataDistributionType: 'FullyReplicated' } }],
          MonitoringOutputConfig: { MonitoringOutputs: [{ S3Output: { S3Uri: input.outputS3Uri ?? this.deps.defaultOutput, LocalPath: '/opt/ml/processing/output', S3UploadMode: 'EndOfJob' } }] },
          MonitoringResources: { ClusterConfig: { InstanceCount: input.instanceCount ?? 1, InstanceType: input.instanceType ?? 'local', VolumeSizeInGB: input.volumeSizeInGb ?? 20 } },
          MonitoringAppSpecification: { ImageUri: 'plumbline/model-monitor-analyzer' },
          StoppingCondition: { MaxRuntimeInSeconds: maxRuntime },
          Environment: environment,
          RoleArn: 'arn:aws:iam::000000000000:role/plumbline',
        },
      },
      Plumbline: plumbline,
    };
  }
}

/** Local paths are stored absolute, so a server started elsewhere finds the same files. */
function absolutePaths(input: Partial<CreateMonitoringScheduleInput>): Partial<CreateMonitoringScheduleInput> {
  const abs = (p: string | undefined) => (p === undefined || /^[a-z][a-z0-9+.-]*:\/\//i.test(p) ? p : resolve(p));
  const out: Partial<CreateMonitoringScheduleInput> = {};
  for (const k of ['statistics', 'constraints', 'outputS3Uri'] as const) {
    const v = abs(input[k]);
    if (v !== undefined) out[k] = v;
  }
  if (typeof input.analysisConfig === 'string') out.analysisConfig = abs(input.analysisConfig)!;
  return out;
}

function offsetWindow(s: MonitoringScheduleDescription, at: number): { start: number; end: number } | undefined {
  const c = s.MonitoringScheduleConfig.ScheduleConfig;
  if (c.DataAnalysisStartTime === undefined || c.DataAnalysisEndTime === undefined) return undefined;
  return { start: at + parseOffset(c.DataAnalysisStartTime, 'DataAnalysisStartTime'), end: at + parseOffset(c.DataAnalysisEndTime, 'DataAnalysisEndTime') };
}

function windowOf(s: MonitoringScheduleDescription, parsed: ParsedSchedule, slot: number): { start: number; end: number } {
  return offsetWindow(s, slot) ?? { start: previousSlot(parsed, slot) ?? slot - 3_600_000, end: slot };
}

function periodOf(s: MonitoringScheduleDescription, now: number): number {
  try {
    const parsed = parseScheduleExpression(s.MonitoringScheduleConfig.ScheduleConfig.ScheduleExpression);
    const slot = latestSlot(parsed, now);
    const prev = slot !== undefined ? previousSlot(parsed, slot) : undefined;
    if (slot !== undefined && prev !== undefined) return slot - prev;
  } catch {
    // fall through
  }
  return 3_600_000;
}

/** `2026-11-26T10:00:00Z` -> `20261126T100000Z` (execution names). */
function compact(ms: number): string {
  return iso(ms).replace(/[-:]/g, '');
}
