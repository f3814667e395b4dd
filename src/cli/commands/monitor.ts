/**
 * @module cli/commands/monitor
 * `plumbline monitor`: model monitoring.
 * - `monitor schedules create|describe|list|update|start|stop|delete`: SageMaker's monitoring schedules
 *   (cron from CronExpressionGenerator, any 5-field cron, `rate(5 minutes)`, `NOW`).
 * - `monitor run NAME`: one execution now; prints its status and the paths of statistics.json,
 *   constraint_violations.json and the HTML report. Exit 0 unless it Failed (1) or `--fail-on-violations`
 *   and violations were found (5).
 * - `monitor executions NAME`: the schedule's executions, newest first; `monitor stop-execution EXECUTION`.
 * - `monitor suggest-bias-baseline`: the analysis.json a ModelBias schedule checks against.
 * - `monitor scheduler`: runs every schedule in the foreground until SIGINT/SIGTERM (`plumbline serve` can too).
 * - `monitor ground-truth upload`: labels for model quality, keyed by inference id.
 * The baseline commands (`monitor suggest-baseline`, ...) are registered from monitor-baseline.ts.
 */
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { Command } from 'commander';
import { CronExpressionGenerator, ValidationError, type CreateMonitoringScheduleInput, type MonitoringExecution, type MonitoringScheduleDescription, type ProblemType } from '../../index.js';
import { numberFlag } from '../flag-values.js';
import { intOption, type CommandContext } from '../main.js';
import { registerMonitorBaseline } from './monitor-baseline.js';

export function registerMonitor(program: Command, ctx: CommandContext): Command {
  const monitor = program.command('monitor').description('model monitoring: baselines, schedules, executions over captured traffic');
  registerMonitorBaseline(monitor, ctx);
  const schedules = monitor.command('schedules').description('monitoring schedules (SageMaker MonitoringSchedule objects)');

  const withScheduleOptions = (c: Command, create: boolean) =>
    c
      .option('--endpoint <name>', 'the endpoint whose captured traffic is analysed')
      .option('--statistics <file>', 'baseline statistics.json (path or object-store URI)')
      .option('--constraints <file>', 'baseline constraints.json (path or object-store URI)')
      .option('--cron <expr>', `schedule expression: ${CronExpressionGenerator.hourly()}, cron(0 H ? * * *), cron(0 H/N ? * * *), NOW, "*/5 * * * *" or rate(N minutes)${create ? ' (default hourly)' : ''}`)
      .option('--output <uri>', 'where execution reports go (path or object-store URI)')
      .option('--start-offset <iso>', 'DataAnalysisStartTime, e.g. -PT1H (with --end-offset)')
      .option('--end-offset <iso>', 'DataAnalysisEndTime, e.g. -PT0H')
      .option('--capture <uri>', "read capture from here instead of the endpoint's DataCaptureConfig")
      .option('--variant <name>', "only this variant's capture")
      .option('--mapping <mode>', 'captured columns: auto (model feature names when known), position (SageMaker), model')
      .option('--webhook <url>', 'POST a JSON alert here when an execution finds violations (repeat)', collect, [])
      .option('--drift-method <m>', 'plumbline drift tests: auto, ks, chisquare, ztest, wasserstein, jensenshannon, psi')
      .option('--drift-threshold <x>', 'drift test threshold', (v: string) => numberFlag('--drift-threshold', v))
      .option('--segment-by <column>', 'drift per segment of this column')
      .option('--no-drift', 'no plumbline drift tests (only SageMaker checks)')
      .option('--no-metrics', 'do not publish Prometheus metrics (enable_cloudwatch_metrics=False)')
      .option('--max-runtime <s>', 'MaxRuntimeInSeconds', intOption('max-runtime', 1, 86_400));

  withScheduleOptions(schedules.command('create <name>').description('create a monitoring schedule'), true)
    .option('--type <type>', 'DataQuality (default), ModelQuality, ModelBias (--constraints = a baseline bias analysis.json) or ModelExplainability (--constraints = a Clarify explainability analysis.json)')
    .option('--analysis-config <file>', 'ModelBias: the Clarify analysis config (label, facet, headers, methods)')
    .option('--attribution-threshold <x>', 'ModelExplainability: NDCG below this is attribution drift (default 0.9)', (v: string) => numberFlag('--attribution-threshold', v))
    .option('--ground-truth <uri>', 'ModelQuality / ModelBias: where labels are uploaded')
    .option('--problem-type <type>', 'ModelQuality: Regression, BinaryClassification or MulticlassClassification')
    .option('--probability-threshold <x>', 'ModelQuality (binary): positive when the prediction is at least this', (v: string) => numberFlag('--probability-threshold', v))
    .action(async (name: string, o) => {
      if (!o.endpoint) throw new ValidationError([{ path: '--endpoint', message: 'required: the endpoint to monitor' }]);
      const input: CreateMonitoringScheduleInput = { monitorScheduleName: name, endpointInput: o.endpoint, ...scheduleOptions(ctx, o) };
      if (o.type) input.monitoringType = o.type;
      if (o.groundTruth) input.groundTruthInput = location(ctx, o.groundTruth);
      if (o.problemType) input.problemType = o.problemType as ProblemType;
      if (o.probabilityThreshold !== undefined) input.probabilityThresholdAttribute = o.probabilityThreshold;
      if (o.attributionThreshold !== undefined) input.attributionDriftThreshold = o.attributionThreshold;
      if (o.analysisConfig) input.analysisConfig = location(ctx, o.analysisConfig);
      const d = await ctx.withPlatform((p) => p.monitor.createMonitoringSchedule(input));
      ctx.out().result(d, () => describeSchedule(d));
    });

  schedules
    .command('describe <name>')
    .action(async (name: string) => {
      const d = await ctx.withPlatform((p) => p.monitor.describeMonitoringSchedule(name));
      ctx.out().result(d, () => describeSchedule(d));
    });

  schedules
    .command('list')
    .option('--endpoint <name>', 'only schedules of this endpoint')
    .option('--status <status>', 'Scheduled, Stopped, Pending or Failed')
    .action(async (o) => {
      const list = await ctx.withPlatform((p) => p.monitor.listMonitoringSchedules({ ...(o.endpoint ? { endpointName: o.endpoint } : {}), ...(o.status ? { statusEquals: o.status } : {}) }));
      ctx.out().result(list, () =>
        list.length === 0
          ? '(no monitoring schedules)'
          : list
              .map((s) => `${s.MonitoringScheduleName}\t${s.MonitoringScheduleStatus}\t${s.MonitoringType}\t${s.EndpointName}\t${s.MonitoringScheduleConfig.ScheduleConfig.ScheduleExpression}\t${s.LastMonitoringExecutionSummary?.MonitoringExecutionStatus ?? '-'}`)
              .join('\n'),
      );
    });

  withScheduleOptions(schedules.command('update <name>').description('change a schedule (only the options given)'), false).action(async (name: string, o) => {
    const patch = scheduleOptions(ctx, o);
    if (o.endpoint) patch.endpointInput = o.endpoint;
    const d = await ctx.withPlatform((p) => p.monitor.updateMonitoringSchedule(name, patch));
    ctx.out().result(d, () => describeSchedule(d));
  });

  for (const verb of ['start', 'stop'] as const) {
    schedules
      .command(`${verb} <name>`)
      .description(verb === 'start' ? 'resume a stopped schedule (slots missed while stopped are not run)' : 'stop running executions on schedule')
      .action(async (name: string) => {
        const d = await ctx.withPlatform((p) => (verb === 'start' ? p.monitor.startMonitoringSchedule(name) : p.monitor.stopMonitoringSchedule(name)));
        ctx.out().result(d, () => `${d.MonitoringScheduleName}: ${d.MonitoringScheduleStatus}`);
      });
  }

  schedules
    .command('delete <name>')
    .action(async (name: string) => {
      await ctx.withPlatform((p) => p.monitor.deleteMonitoringSchedule(name));
      ctx.out().result({ deleted: name }, () => `deleted monitoring schedule ${name}`);
    });

  monitor
    .command('run <name>')
    .description("run one execution now over the schedule's period ending now (or --start/--end)")
    .option('--start <time>', 'window start (ISO-8601)')
    .option('--end <time>', 'window end (ISO-8601, exclusive)')
    .option('--fail-on-violations', 'exit with code 5 when violations are found')
    .action(async (name: string, o) => {
      const window: { start?: number; end?: number } = {};
      if (o.start) window.start = time(o.start, '--start');
      if (o.end) window.end = time(o.end, '--end');
      const e = await ctx.withPlatform((p) => p.monitor.runMonitoringSchedule(name, window));
      ctx.out().result(e, () => describeExecution(e));
      if (e.MonitoringExecutionStatus === 'Failed') ctx.exit(1);
      else if (o.failOnViolations && e.MonitoringExecutionStatus === 'CompletedWithViolations') ctx.exit(5);
    });

  monitor
    .command('executions <name>')
    .description("the schedule's executions, newest first")
    .option('--status <status>', 'only executions with this status')
    .option('--max <n>', 'at most this many', intOption('max', 1, 100_000))
    .action(async (name: string, o) => {
      const list = await ctx.withPlatform((p) => p.monitor.listMonitoringExecutions(name, { ...(o.status ? { statusEquals: o.status } : {}), ...(o.max ? { maxResults: o.max } : {}) }));
      ctx.out().result(list, () =>
        list.length === 0
          ? '(no executions yet)'
          : list
              .map((e) => `${e.ScheduledTime}\t${e.MonitoringExecutionStatus}\t${e.Trigger}\t${e.ViolationCount ?? '-'} violation(s)\t${e.FailureReason ?? e.Outputs.constraint_violations ?? ''}`)
              .join('\n'),
      );
    });

  monitor
    .command('stop-execution <execution>')
    .description('stop a Pending or InProgress execution (it ends Stopped; the schedule keeps running)')
    .action(async (name: string) => {
      const e = await ctx.withPlatform((p) => p.monitor.stopMonitoringExecution(name));
      ctx.out().result(e, () => `${e.MonitoringExecutionName}: ${e.MonitoringExecutionStatus}`);
    });

  monitor
    .command('suggest-bias-baseline')
    .description('bias baseline for a ModelBias schedule: analysis.json (+ reports) of a labelled dataset with predicted labels')
    .requiredOption('--data <file>', 'CSV / Parquet / JSON Lines with features, the label and predicted labels')
    .requiredOption('--analysis-config <file>', 'Clarify analysis config (label, label_values_or_threshold, facet, headers, methods)')
    .option('--predicted-label <column>', 'column of predicted labels (else the config predicted_label, else --model)')
    .option('--model <name>', "registered model whose scores give the predicted labels")
    .requiredOption('--output <dir>', 'where analysis.json, report.md and report.html go (path or object-store URI)')
    .action(async (o) => {
      const r = await ctx.withPlatform((p) =>
        p.monitor.suggestBiasBaseline({
          dataset: location(ctx, o.data),
          analysisConfig: location(ctx, o.analysisConfig),
          ...(o.predictedLabel ? { predictedLabel: o.predictedLabel } : {}),
          ...(o.model ? { modelName: o.model } : {}),
          output: location(ctx, o.output),
        }),
      );
      ctx.out().result(r.files, () => `analysis.json  ${r.files.analysis}\nreport.html    ${r.files.report}`);
    });

  monitor
    .command('scheduler')
    .description('run every monitoring schedule in this process until Ctrl-C / SIGTERM (missed slots run once at start)')
    .action(async () => {
      await ctx.withPlatform(async (p) => {
        p.monitor.startScheduler();
        const schedules = await p.monitor.listMonitoringSchedules({ statusEquals: 'Scheduled' });
        ctx.out().result({ scheduler: 'running', schedules: schedules.map((s) => s.MonitoringScheduleName) }, () => `monitoring scheduler running ${schedules.length} schedule(s) (stop with Ctrl-C or SIGTERM)`);
        await new Promise<void>((done) => {
          const stop = () => {
            process.off('SIGTERM', stop);
            process.off('SIGINT', stop);
            done();
          };
          process.on('SIGTERM', stop);
          process.on('SIGINT', stop);
        });
        await p.monitor.stopScheduler();
        ctx.out().info('monitoring scheduler stopped');
      });
    });

  const gt = monitor.command('ground-truth').description('labels for model-quality monitoring');
  gt.command('upload <file>')
    .description('upload labels from a CSV (inference_id,label) or JSON Lines ({"eventId","label"}) file')
    .requiredOption('--to <uri>', 'the schedule\'s ground-truth location')
    .action(async (file: string, o) => {
      const text = await readFile(resolve(ctx.io.cwd, file), 'utf8');
      const records = parseLabels(text, file);
      const uri = await ctx.withPlatform((p) => p.monitor.uploadGroundTruth(location(ctx, o.to), records));
      ctx.out().result({ uploaded: records.length, file: uri }, () => `uploaded ${records.length} label(s) to ${uri}`);
    });
  return monitor;
}

function scheduleOptions(ctx: CommandContext, o: Record<string, unknown>): Partial<CreateMonitoringScheduleInput> {
  const out: Partial<CreateMonitoringScheduleInput> = {};
  if (typeof o.statistics === 'string') out.statistics = location(ctx, o.statistics);
  if (typeof o.constraints === 'string') out.constraints = location(ctx, o.constraints);
  if (typeof o.cron === 'string') out.scheduleCronExpression = o.cron;
  if (typeof o.output === 'string') out.outputS3Uri = location(ctx, o.output);
  if (typeof o.startOffset === 'string') out.dataAnalysisStartTime = o.startOffset;
  if (typeof o.endOffset === 'string') out.dataAnalysisEndTime = o.endOffset;
  if (typeof o.capture === 'string') out.captureDestination = /^[a-z][a-z0-9+.-]*:\/\//i.test(o.capture) ? o.capture : resolve(ctx.io.cwd, o.capture);
  if (typeof o.variant === 'string') out.variant = o.variant;
  if (typeof o.mapping === 'string') out.columnMapping = o.mapping as CreateMonitoringScheduleInput['columnMapping'] & string;
  if (Array.isArray(o.webhook) && o.webhook.length > 0) out.webhooks = o.webhook as string[];
  if (o.drift === false) out.drift = false;
  else if (o.driftMethod !== undefined || o.driftThreshold !== undefined || o.segmentBy !== undefined) {
    out.drift = {
      ...(typeof o.driftMethod === 'string' ? { method: o.driftMethod as 'auto' } : {}),
      ...(typeof o.driftThreshold === 'number' ? { threshold: o.driftThreshold } : {}),
      ...(typeof o.segmentBy === 'string' ? { segmentBy: o.segmentBy } : {}),
    };
  }
  if (o.metrics === false) out.enableCloudwatchMetrics = false;
  if (typeof o.maxRuntime === 'number') out.maxRuntimeInSeconds = o.maxRuntime;
  return out;
}

/** A path relative to the current directory becomes absolute; URIs pass through. */
function location(ctx: CommandContext, value: string): string {
  return /^[a-z][a-z0-9+.-]*:\/\//i.test(value) ? value : resolve(ctx.io.cwd, value);
}

function time(value: string, option: string): number {
  const t = Date.parse(value);
  if (!Number.isFinite(t)) throw new ValidationError([{ path: option, message: `got ${JSON.stringify(value)}, expected an ISO-8601 time such as 2026-11-26T10:00:00Z` }]);
  return t;
}

function parseLabels(text: string, file: string): { eventId: string; label: string }[] {
  const lines = text.split(/\r?\n/).filter((l) => l.trim() !== '');
  return lines.flatMap((line, i) => {
    if (line.trim().startsWith('{')) {
      const o = JSON.parse(line) as { eventId?: string; inferenceId?: string; label?: unknown; groundTruthData?: { data?: string }; eventMetadata?: { eventId?: string } };
      const id = o.eventId ?? o.inferenceId ?? o.eventMetadata?.eventId;
      const label = o.label ?? o.groundTruthData?.data;
      if (typeof id !== 'string' || label === undefined) throw new ValidationError([{ path: `${file}:${i + 1}`, message: 'expected {"eventId": "...", "label": ...}' }]);
      return [{ eventId: id, label: String(label) }];
    }
    const [id, label] = line.split(',').map((s) => s.trim());
    if (i === 0 && /^(inference_?id|event_?id|id)$/i.test(id ?? '')) return [];
    if (!id || label === undefined || label === '') throw new ValidationError([{ path: `${file}:${i + 1}`, message: 'expected "inference_id,label"' }]);
    return [{ eventId: id, label }];
  });
}

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

function describeSchedule(d: MonitoringScheduleDescription): string {
  const def = d.MonitoringScheduleConfig.MonitoringJobDefinition;
  const last = d.LastMonitoringExecutionSummary;
  return [
    `${d.MonitoringScheduleName} (${d.MonitoringType}): ${d.MonitoringScheduleStatus}`,
    `  endpoint     ${d.EndpointName}`,
    `  schedule     ${d.MonitoringScheduleConfig.ScheduleConfig.ScheduleExpression}`,
    ...(def.BaselineConfig?.StatisticsResource ? [`  statistics   ${def.BaselineConfig.StatisticsResource.S3Uri}`] : []),
    ...(def.BaselineConfig?.ConstraintsResource ? [`  constraints  ${def.BaselineConfig.ConstraintsResource.S3Uri}`] : []),
    `  output       ${def.MonitoringOutputConfig.MonitoringOutputs[0]?.S3Output.S3Uri}`,
    `  columns      ${d.Plumbline.ColumnMapping}`,
    ...(d.Plumbline.Webhooks.length ? [`  webhooks     ${d.Plumbline.Webhooks.join(', ')}`] : []),
    `  last run     ${last ? `${last.ScheduledTime} ${last.MonitoringExecutionStatus}${last.FailureReason ? ` (${last.FailureReason})` : ''}` : 'none yet'}`,
  ].join('\n');
}

function describeExecution(e: MonitoringExecution): string {
  return [
    `${e.MonitoringExecutionName}: ${e.MonitoringExecutionStatus}`,
    ...(e.ExitMessage ? [`  ${e.ExitMessage}`] : []),
    ...(e.FailureReason ? [`  reason: ${e.FailureReason}`] : []),
    `  window       ${e.DataAnalysisStartTime} to ${e.DataAnalysisEndTime} (${e.RecordsAnalysed ?? 0} records${e.UnreadableRecords ? `, ${e.UnreadableRecords} unreadable` : ''})`,
    ...(e.ColumnMapping ? [`  columns      ${e.ColumnMapping}`] : []),
    ...(e.Drift
      ? [`  drift        ${(e.Drift.ShareOfDriftedColumns * 100).toFixed(0)}% of columns drifted${e.Drift.DriftedColumns.length ? ` (${e.Drift.DriftedColumns.join(', ')})` : ''}${e.Drift.DatasetDrift ? ': dataset drift' : ''} [${e.Drift.Method}]`]
      : []),
    ...Object.entries(e.Outputs).map(([k, v]) => `  ${k.padEnd(12)} ${v}`),
    ...(e.Notes ?? []).map((n) => `  note: ${n}`),
  ].join('\n');
}
