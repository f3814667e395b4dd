/**
 * @module monitor/schedules/execute
 * One monitoring execution, as the Model Monitor container runs it:
 * data quality — read the window's capture, compute `statistics.json`, run the checks against the baseline
 * (`constraint_violations.json`, always written), plumbline's drift tests, an HTML report and a copy of the
 * constraints, under `{output}/{endpoint}/{schedule}/yyyy/MM/dd/HH/`;
 * model quality — merge captured predictions with uploaded ground truth, compute the metrics, check them.
 * Status `Completed` / `CompletedWithViolations` with SageMaker's ExitMessage, or `Failed` with its
 * FailureReason (e.g. `Job inputs had no data`). Then metrics and webhook alerts. Never throws: any error
 * becomes a Failed execution.
 */
import { hourFolder } from '../../capture/index.js';
import type { Catalog } from '../../catalog/index.js';
import type { Column, ColumnTable } from '../../core/columns.js';
import { runExplainability, type ExplainRunContext } from '../../explain/index.js';
import type { Clock } from '../../core/clock.js';
import { isPlatformError, NotFoundError, PlatformError } from '../../core/errors.js';
import type { ObjectStore } from '../../storage/index.js';
import { renderHtmlReport, type ReportSection } from '../../report/index.js';
import { alertPayload, postWebhook, type WebhookDelivery, type WebhookOptions } from '../alerts/index.js';
import { computeStatistics, formatStatisticsJson, formatConstraintsJson, parseConstraints, parseStatistics } from '../baseline/index.js';
import { captureSource, readCaptureWindow, type CaptureWindow } from '../capture-window/index.js';
import { evaluateConstraints, formatViolationsJson, type CheckReport } from '../checks/index.js';
import { detectDrift, type DriftResult } from '../drift/index.js';
import { featureMetrics } from '../feature-metrics.js';
import { readJson } from '../locations.js';
import { outputLocation } from '../../storage/index.js';
import type { ExecutionMetrics, MonitorMetrics } from '../metrics.js';
import {
  checkModelQuality,
  computeModelQuality,
  metricValues,
  formatModelQualityJson,
  parseModelQualityConstraints,
  readGroundTruth,
  featureAttributionDrift,
  globalShapOf,
  detectBiasDrift,
  parseBiasMonitorConfig,
  type BiasDriftResult,
  type ModelQualityConstraints,
  type ModelQualityViolation,
} from '../quality/index.js';
import { monitoringReportHtml } from '../report/index.js';
import { EXECUTION_KIND, SCHEDULE_KIND, type MonitoringExecution, type MonitoringExecutionSummary, type MonitoringScheduleDescription } from './types.js';

export interface EndpointInfo {
  name: string;
  captureDestination?: string;
  /** The model of the first (or the chosen) variant. */
  modelName?: string;
  variants: string[];
}

export interface ExecutionDeps {
  catalog: Catalog;
  objectStore: ObjectStore;
  clock: Clock;
  metrics: MonitorMetrics;
  /** Feature names of a registered model (undefined when unknown). */
  modelFeatures(modelName: string): Promise<string[] | undefined>;
  /** The model registry, for explainability executions (SHAP on the window). */
  models?: ExplainRunContext['models'];
  /** Flushes capture buffered in this process (best effort) before a window is read. */
  flushCapture?: (endpointName: string) => Promise<void>;
  webhook?: WebhookOptions;
  log?: (line: string) => void;
}

interface EndpointDoc {
  EndpointName: string;
  ProductionVariants?: { VariantName: string; ModelName?: string }[];
  DataCaptureConfig?: { DestinationS3Uri?: string };
}

/** The endpoint as the serving module stores it (catalog kind `endpoint`, DescribeEndpoint-shaped). */
export async function resolveEndpoint(catalog: Catalog, name: string): Promise<EndpointInfo | undefined> {
  const entry = await catalog.get<EndpointDoc>('endpoint', name);
  if (!entry) return undefined;
  const doc = entry.doc;
  const variants = (doc.ProductionVariants ?? []).map((v) => v.VariantName);
  const info: EndpointInfo = { name, variants };
  if (doc.DataCaptureConfig?.DestinationS3Uri) info.captureDestination = doc.DataCaptureConfig.DestinationS3Uri;
  const model = doc.ProductionVariants?.find((v) => v.ModelName)?.ModelName;
  if (model) info.modelName = model;
  return info;
}

export const NO_DATA = 'Job inputs had no data';

export interface ExecutionRequest {
  name: string;
  slot: number;
  trigger: MonitoringExecution['Trigger'];
  start: number;
  end: number;
}

/** Creates the Pending record; undefined when this execution already exists (the slot was claimed). */
export async function claimExecution(deps: ExecutionDeps, schedule: MonitoringScheduleDescription, req: ExecutionRequest): Promise<MonitoringExecution | undefined> {
  const now = iso(deps.clock.now());
  const doc: MonitoringExecution = {
    MonitoringExecutionName: req.name,
    MonitoringScheduleName: schedule.MonitoringScheduleName,
    ScheduledTime: iso(req.slot),
    CreationTime: now,
    LastModifiedTime: now,
    MonitoringExecutionStatus: 'Pending',
    ProcessingJobArn: `arn:aws:sagemaker:local:000000000000:processing-job/${processingJobName(req.name)}`,
    EndpointName: schedule.EndpointName,
    MonitoringType: schedule.MonitoringType,
    Trigger: req.trigger,
    DataAnalysisStartTime: iso(req.start),
    DataAnalysisEndTime: iso(req.end),
    Outputs: {},
  };
  try {
    await deps.catalog.create(EXECUTION_KIND, req.name, doc, deps.clock.now());
    return doc;
  } catch (e) {
    if (isPlatformError(e) && e.code === 'ALREADY_EXISTS') return undefined;
    throw e;
  }
}

/** Thrown at a checkpoint when the execution was asked to stop. */
class ExecutionStopped extends Error {}

const FINAL: ReadonlySet<string> = new Set(['Completed', 'CompletedWithViolations', 'Failed', 'Stopped']);

/**
 * Runs a claimed execution to its end state and records it. Between steps (before it starts, after the window
 * is read, before the outputs are written, at the end) it checks whether it was asked to stop: `signal`
 * aborted in this process, or its catalog record set to `Stopping` by another one (`stopExecution`); it then
 * ends `Stopped`.
 */
export async function runExecution(deps: ExecutionDeps, schedule: MonitoringScheduleDescription, claimed: MonitoringExecution, signal?: AbortSignal): Promise<MonitoringExecution> {
  const checkpoint = async () => {
    if (signal?.aborted) throw new ExecutionStopped();
    const current = await deps.catalog.get<MonitoringExecution>(EXECUTION_KIND, claimed.MonitoringExecutionName);
    if (current?.doc.MonitoringExecutionStatus === 'Stopping' || current?.doc.MonitoringExecutionStatus === 'Stopped') throw new ExecutionStopped();
  };
  let doc = claimed;
  let violationsForAlert: MonitoringExecutionViolation[] = [];
  try {
    await checkpoint();
    doc = await save(deps, { ...claimed, MonitoringExecutionStatus: 'InProgress' });
    const result =
      schedule.MonitoringType === 'ModelQuality'
        ? await modelQuality(deps, schedule, doc, checkpoint)
        : schedule.MonitoringType === 'ModelExplainability'
          ? await explainability(deps, schedule, doc, checkpoint)
          : schedule.MonitoringType === 'ModelBias'
            ? await modelBias(deps, schedule, doc, checkpoint)
            : await dataQuality(deps, schedule, doc, checkpoint);
    await checkpoint();
    violationsForAlert = result.violations;
    doc = { ...doc, ...result.fields };
  } catch (e) {
    if (e instanceof ExecutionStopped) {
      doc = { ...doc, MonitoringExecutionStatus: 'Stopped', ExitMessage: 'Stopped: the execution was stopped on request (StopMonitoringExecution).' };
      delete doc.FailureReason;
    } else {
      const message = e instanceof Error ? e.message : String(e);
      const fields = (e as { fields?: Partial<MonitoringExecution> }).fields ?? {};
      doc = { ...doc, ...fields, MonitoringExecutionStatus: 'Failed', FailureReason: message.slice(0, 1024), ExitMessage: `Failed: ${message}`.slice(0, 1024) };
      deps.log?.(`[monitor] execution ${doc.MonitoringExecutionName} failed: ${message}`);
    }
  }
  doc = await save(deps, doc);
  deps.metrics.recordExecutionDoc(doc);
  await updateScheduleSummary(deps, schedule.MonitoringScheduleName, doc);
  if (doc.MonitoringExecutionStatus === 'CompletedWithViolations') doc = await sendAlerts(deps, schedule, doc, violationsForAlert);
  return doc;
}

/**
 * Asks an execution to stop: `Pending` / `InProgress` become `Stopping` (the runner, in this process or
 * another, ends it `Stopped` at its next checkpoint). Stopping an ended execution is a CONFLICT.
 */
export async function requestStop(deps: Pick<ExecutionDeps, 'catalog' | 'clock'>, name: string): Promise<MonitoringExecution> {
  for (let attempt = 0; attempt < 5; attempt++) {
    const entry = await deps.catalog.get<MonitoringExecution>(EXECUTION_KIND, name);
    if (!entry) throw new NotFoundError('monitoring execution', name);
    const status = entry.doc.MonitoringExecutionStatus;
    if (status === 'Stopping') return entry.doc;
    if (FINAL.has(status)) throw new PlatformError('CONFLICT', `monitoring execution "${name}" has already ended (${status}); only a Pending or InProgress execution can be stopped`);
    const doc: MonitoringExecution = { ...entry.doc, MonitoringExecutionStatus: 'Stopping', LastModifiedTime: iso(deps.clock.now()) };
    try {
      await deps.catalog.update(EXECUTION_KIND, name, doc, deps.clock.now(), entry.version);
      return doc;
    } catch (e) {
      if (!(isPlatformError(e) && e.code === 'CONFLICT')) throw e;
    }
  }
  throw new PlatformError('CONFLICT', `monitoring execution "${name}" changed while it was being stopped; try again`);
}

type MonitoringExecutionViolation = { feature_name?: string; metric_name?: string; constraint_check_type: string; description: string };

interface StepResult {
  fields: Partial<MonitoringExecution>;
  violations: MonitoringExecutionViolation[];
}

async function loadWindow(
  deps: ExecutionDeps,
  schedule: MonitoringScheduleDescription,
  doc: MonitoringExecution,
  baselineNames?: string[],
  /** Names for the input fields when the endpoint's model declares none (e.g. a bias config's headers). */
  fallbackInputs?: { name: string; featureNames: string[] },
): Promise<{ window: CaptureWindow; model?: string }> {
  const endpoint = await resolveEndpoint(deps.catalog, schedule.EndpointName);
  if (deps.flushCapture) await deps.flushCapture(schedule.EndpointName).catch(() => undefined);
  const destination = schedule.Plumbline.CaptureDestination ?? endpoint?.captureDestination;
  if (!destination) {
    throw new Error(endpoint ? `Endpoint ${schedule.EndpointName} does not capture data (no DataCaptureConfig)` : `Endpoint ${schedule.EndpointName} does not exist`);
  }
  let model: { name: string; featureNames: string[] } | undefined;
  if (endpoint?.modelName && schedule.Plumbline.ColumnMapping !== 'position') {
    const names = await deps.modelFeatures(endpoint.modelName).catch(() => undefined);
    if (names && names.length > 0) model = { name: endpoint.modelName, featureNames: names };
  }
  if (!model && fallbackInputs && fallbackInputs.featureNames.length > 0) model = fallbackInputs;
  const window = await readCaptureWindow({
    source: captureSource(destination, deps.objectStore),
    endpoint: schedule.EndpointName,
    ...(schedule.Plumbline.VariantName ? { variant: schedule.Plumbline.VariantName } : {}),
    start: Date.parse(doc.DataAnalysisStartTime),
    end: Date.parse(doc.DataAnalysisEndTime),
    mapping: schedule.Plumbline.ColumnMapping,
    ...(baselineNames ? { baselineNames } : {}),
    ...(model ? { model } : {}),
    outputColumnsPosition: schedule.MonitoringScheduleConfig.MonitoringJobDefinition.Environment.output_columns_position === 'END' ? 'END' : 'START',
  });
  return { window, ...(model ? { model: model.name } : {}) };
}

function outputFolder(schedule: MonitoringScheduleDescription, doc: MonitoringExecution): string {
  const t = new Date(doc.ScheduledTime);
  const p = (n: number) => String(n).padStart(2, '0');
  const folder = `${schedule.EndpointName}/${schedule.MonitoringScheduleName}/${hourFolder(t.getTime())}`;
  return doc.Trigger === 'OnDemand' ? `${folder}/${p(t.getUTCMinutes())}-${p(t.getUTCSeconds())}-${String(t.getUTCMilliseconds()).padStart(3, '0')}-ondemand` : folder;
}

/**
 * The window's captured records that have ground truth (uploaded under `groundTruthUri`, read from an hour before
 * the window to an hour after now), matched by inferenceId, else eventId: their row indexes in the window, labels
 * and predictions, with the number of unreadable ground-truth lines. Throws when no record matched.
 */
async function mergeWithGroundTruth(
  deps: ExecutionDeps,
  doc: MonitoringExecution,
  window: CaptureWindow,
  groundTruthUri: string,
): Promise<{ rows: number[]; labels: string[]; predictions: (string | null)[]; unreadable: number }> {
  const { labels, unreadable } = await readGroundTruth(captureSource(groundTruthUri, deps.objectStore), Date.parse(doc.DataAnalysisStartTime) - 3_600_000, deps.clock.now() + 3_600_000);
  const rows: number[] = [];
  const y: string[] = [];
  const pred: (string | null)[] = [];
  for (let i = 0; i < window.table.length; i++) {
    const key = window.inferenceIds[i] ?? window.eventIds[i];
    const label = key ? labels.get(key) : undefined;
    if (label === undefined) continue;
    rows.push(i);
    y.push(label);
    pred.push(window.predictions[i] ?? null);
  }
  if (rows.length === 0) {
    throw new Error(`No ground truth matched the ${window.records} captured record(s) in the window (matched by inferenceId, else eventId, against ${groundTruthUri})`);
  }
  return { rows, labels: y, predictions: pred, unreadable };
}

/**
 * The files of one execution, written under its output folder (`outputFolder`): `write(name, file, body)`
 * writes `{folder}/{file}` and records its URI in `outputs[name]` (in write order).
 */
function executionOutputs(deps: ExecutionDeps, schedule: MonitoringScheduleDescription, doc: MonitoringExecution) {
  const out = outputLocation(deps.objectStore, schedule.MonitoringScheduleConfig.MonitoringJobDefinition.MonitoringOutputConfig.MonitoringOutputs[0]!.S3Output.S3Uri);
  const folder = outputFolder(schedule, doc);
  const outputs: Record<string, string> = {};
  return {
    outputs,
    async write(name: string, file: string, body: string): Promise<void> {
      outputs[name] = await out.write(`${folder}/${file}`, body);
    },
  };
}

/** Indented JSON with a final newline, as the execution's JSON files are written. */
function prettyJson(value: unknown): string {
  return JSON.stringify(value, null, 2) + '\n';
}

/** SageMaker's status and ExitMessage of an execution that ran to the end with `violationCount` violations. */
function completion(violationCount: number): Pick<MonitoringExecution, 'MonitoringExecutionStatus' | 'ExitMessage'> {
  const n = violationCount;
  return {
    MonitoringExecutionStatus: n > 0 ? 'CompletedWithViolations' : 'Completed',
    ExitMessage: n > 0 ? `CompletedWithViolations: Job completed successfully with ${n} violations.` : 'Completed: Job completed successfully with no violations.',
  };
}

/** Number of violations of each `constraint_check_type`. */
function countByCheck(violations: readonly { constraint_check_type: string }[]): Record<string, number> {
  const byCheck: Record<string, number> = {};
  for (const v of violations) byCheck[v.constraint_check_type] = (byCheck[v.constraint_check_type] ?? 0) + 1;
  return byCheck;
}

/** Whether the schedule publishes metrics (its `publish_cloudwatch_metrics` is not `Disabled`). */
function publishesMetrics(schedule: MonitoringScheduleDescription): boolean {
  return schedule.MonitoringScheduleConfig.MonitoringJobDefinition.Environment.publish_cloudwatch_metrics !== 'Disabled';
}

async function dataQuality(deps: ExecutionDeps, schedule: MonitoringScheduleDescription, doc: MonitoringExecution, checkpoint: () => Promise<void>): Promise<StepResult> {
  const def = schedule.MonitoringScheduleConfig.MonitoringJobDefinition;
  const statsUri = def.BaselineConfig?.StatisticsResource?.S3Uri;
  const constraintsUri = def.BaselineConfig?.ConstraintsResource?.S3Uri;
  let baseline = statsUri ? parseStatistics(await readJson(deps.objectStore, statsUri, 'StatisticsResource'), statsUri) : undefined;
  let constraints = constraintsUri ? parseConstraints(await readJson(deps.objectStore, constraintsUri, 'ConstraintsResource'), constraintsUri) : undefined;
  const baselineNames = (constraints?.features ?? baseline?.features)?.map((f) => f.name);
  const { window } = await loadWindow(deps, schedule, doc, baselineNames);
  await checkpoint();
  const notes = [...window.notes];
  const common = { RecordsAnalysed: window.records, UnreadableRecords: window.unreadable.count, ColumnMapping: window.mapping.description };
  if (window.table.length === 0) {
    throw Object.assign(new Error(NO_DATA), { fields: common });
  }
  if (window.mapping.notCaptured.length > 0) {
    const keep = (n: string) => !window.mapping.notCaptured.includes(n);
    if (baseline) baseline = { ...baseline, features: baseline.features.filter((f) => keep(f.name)) };
    if (constraints) constraints = { ...constraints, features: constraints.features.filter((f) => keep(f.name)) };
  } else if (baselineNames && window.table.columns.length !== baselineNames.length) {
    notes.push(`captured rows have ${window.table.columns.length} column(s), the baseline has ${baselineNames.length}`);
  }
  const current = computeStatistics(window.table);
  const report: CheckReport | undefined = constraints ? evaluateConstraints({ ...(baseline ? { baseline } : {}), constraints, current }) : undefined;
  const violations = { violations: report?.violations ?? [] };
  let drift: DriftResult | undefined;
  if (schedule.Plumbline.Drift !== false && baseline) {
    try {
      const d = schedule.Plumbline.Drift;
      drift = detectDrift({ reference: baseline, current: window.table, ...(d.method ? { method: d.method } : {}), ...(d.threshold !== undefined ? { threshold: d.threshold } : {}), ...(d.segmentBy ? { segmentBy: d.segmentBy } : {}) });
    } catch (e) {
      notes.push(`drift tests skipped: ${(e as Error).message}`);
    }
  }
  await checkpoint();
  const { outputs, write } = executionOutputs(deps, schedule, doc);
  await write('statistics', 'statistics.json', formatStatisticsJson(current));
  await write('constraint_violations', 'constraint_violations.json', formatViolationsJson(violations));
  if (constraints) await write('constraints', 'constraints.json', formatConstraintsJson(constraints));
  const html = monitoringReportHtml({
    schedule: schedule.MonitoringScheduleName,
    endpoint: schedule.EndpointName,
    window: { start: doc.DataAnalysisStartTime, end: doc.DataAnalysisEndTime },
    baseline: baseline ?? current,
    current,
    violations,
    ...(drift ? { drift } : {}),
    mapping: window.mapping.description,
    notes,
  });
  await write('report', 'report.html', html);
  const n = violations.violations.length;
  const byCheck = countByCheck(violations.violations);
  const metrics: ExecutionMetrics | undefined =
    constraints?.monitoring_config?.emit_metrics === 'Disabled' || !publishesMetrics(schedule)
      ? undefined
      : {
          records: window.records,
          features: featureMetrics(current, report),
          violationsByCheck: byCheck,
          ...(drift ? { driftShare: drift.shareOfDriftedColumns } : {}),
        };
  return {
    fields: {
      ...common,
      ...completion(n),
      Outputs: outputs,
      ViolationCount: n,
      ...(metrics ? { Metrics: metrics } : {}),
      ...(drift
        ? {
            Drift: {
              DatasetDrift: drift.datasetDrift,
              ShareOfDriftedColumns: drift.shareOfDriftedColumns,
              DriftedColumns: drift.columns.filter((c) => c.drifted).map((c) => c.column),
              Method: drift.method,
            },
          }
        : {}),
      ...(notes.length ? { Notes: notes } : {}),
    },
    violations: violations.violations,
  };
}

async function modelQuality(deps: ExecutionDeps, schedule: MonitoringScheduleDescription, doc: MonitoringExecution, checkpoint: () => Promise<void>): Promise<StepResult> {
  const def = schedule.MonitoringScheduleConfig.MonitoringJobDefinition;
  const p = schedule.Plumbline;
  if (!p.GroundTruthS3Uri || !p.ProblemType) throw new Error('ModelQuality schedule has no GroundTruthS3Uri or ProblemType');
  const constraintsUri = def.BaselineConfig?.ConstraintsResource?.S3Uri;
  const constraints: ModelQualityConstraints | undefined = constraintsUri
    ? parseModelQualityConstraints(await readJson(deps.objectStore, constraintsUri, 'ConstraintsResource'), constraintsUri)
    : undefined;
  const { window } = await loadWindow(deps, { ...schedule, Plumbline: { ...p, ColumnMapping: 'position' } }, doc);
  if (window.table.length === 0) throw new Error(NO_DATA);
  const { labels: y, predictions: pred, unreadable } = await mergeWithGroundTruth(deps, doc, window, p.GroundTruthS3Uri);
  const stats = computeModelQuality({
    problemType: p.ProblemType,
    labels: y,
    predictions: pred,
    ...(p.ProbabilityThreshold !== undefined ? { probabilityThreshold: p.ProbabilityThreshold } : {}),
    ...(p.PositiveLabel !== undefined ? { positiveLabel: p.PositiveLabel } : {}),
  });
  const violations = constraints ? checkModelQuality(stats, constraints).violations : [];
  const notes = [...window.notes, `${y.length} of ${window.table.length} captured prediction(s) merged with ground truth`];
  if (unreadable > 0) notes.push(`${unreadable} ground-truth line(s) could not be read`);
  await checkpoint();
  const { outputs, write } = executionOutputs(deps, schedule, doc);
  await write('statistics', 'statistics.json', formatModelQualityJson(stats));
  await write('constraint_violations', 'constraint_violations.json', formatModelQualityJson({ violations }));
  if (constraints) await write('constraints', 'constraints.json', formatModelQualityJson(constraints));
  const values = metricValues(stats);
  await write('report', 'report.html', modelQualityReport(schedule, doc, stats.dataset.item_count, values, violations, notes));
  const byCheck = countByCheck(violations);
  const metrics: ExecutionMetrics | undefined =
    publishesMetrics(schedule) ? { records: y.length, modelMetrics: values, violationsByCheck: byCheck } : undefined;
  const n = violations.length;
  return {
    fields: {
      ...completion(n),
      Outputs: outputs,
      ViolationCount: n,
      RecordsAnalysed: y.length,
      UnreadableRecords: window.unreadable.count,
      ...(metrics ? { Metrics: metrics } : {}),
      Notes: notes,
    },
    violations,
  };
}

/**
 * Feature-attribution drift (ModelExplainabilityMonitor): global SHAP of the endpoint model on the window's
 * captured inputs (matched by the model's feature names), ranked against the baseline analysis.json's global
 * SHAP values by NDCG; below the threshold (0.9) is a `feature_attribution_drift_check` violation.
 */
async function explainability(deps: ExecutionDeps, schedule: MonitoringScheduleDescription, doc: MonitoringExecution, checkpoint: () => Promise<void>): Promise<StepResult> {
  const def = schedule.MonitoringScheduleConfig.MonitoringJobDefinition;
  const constraintsUri = def.BaselineConfig?.ConstraintsResource?.S3Uri;
  if (!constraintsUri) throw new Error('ModelExplainability schedule has no baseline analysis.json (ConstraintsResource)');
  if (!deps.models) throw new Error('explainability executions need the model registry');
  const baseline = globalShapOf(await readJson(deps.objectStore, constraintsUri, 'ConstraintsResource'), constraintsUri);
  const { window, model } = await loadWindow(deps, { ...schedule, Plumbline: { ...schedule.Plumbline, ColumnMapping: 'model' } }, doc, Object.keys(baseline.values));
  if (!model) throw new Error(`the model behind endpoint ${schedule.EndpointName} declares no feature names: attribution drift needs them`);
  if (window.table.length === 0) throw new Error(NO_DATA);
  const run = await runExplainability({ models: deps.models, objectStore: deps.objectStore }, { data: numericTable(window.table), modelName: model });
  const live = run.analysis.explanations.tree_shap ?? run.analysis.explanations.kernel_shap ?? {};
  const liveValues = Object.values(live)[0]?.global_shap_values ?? {};
  const threshold = schedule.Plumbline.AttributionDriftThreshold ?? 0.9;
  const drift = featureAttributionDrift(baseline.values, liveValues, { threshold, label: baseline.label });
  const violations = drift.violation ? [drift.violation] : [];
  const notes = [...window.notes, `global SHAP (${run.methodNote}) on ${run.rows} captured record(s); NDCG ${drift.ndcg} against the baseline ranking (threshold ${threshold})`];
  await checkpoint();
  const { outputs, write } = executionOutputs(deps, schedule, doc);
  await write('analysis', 'analysis.json', prettyJson(run.analysis));
  await write('constraint_violations', 'constraint_violations.json', prettyJson({ version: '1.0', violations }));
  const features = Object.keys(baseline.values);
  await write(
    'report',
    'report.html',
    renderHtmlReport({
      title: `Feature attribution drift: ${schedule.MonitoringScheduleName}`,
      subtitle: `Endpoint ${schedule.EndpointName}, window ${doc.DataAnalysisStartTime} to ${doc.DataAnalysisEndTime}`,
      summary: [
        { label: 'NDCG', value: drift.ndcg.toFixed(4), tone: drift.violation ? 'bad' : 'good' },
        { label: 'records', value: String(run.rows) },
      ],
      sections: [
        {
          title: 'Global SHAP values',
          blocks: [
            { type: 'bars', title: 'baseline', bars: features.map((f) => ({ label: f, value: baseline.values[f] ?? null })) },
            { type: 'bars', title: 'captured window', bars: features.map((f) => ({ label: f, value: liveValues[f] ?? null })) },
            drift.violation ? { type: 'callout', tone: 'bad', text: drift.violation.description } : { type: 'callout', tone: 'good', text: 'The ranking of the features did not drift.' },
          ],
        },
        { title: 'Notes', blocks: [{ type: 'text', text: notes.join('\n\n') }] },
      ],
    }),
  );
  const n = violations.length;
  const metrics: ExecutionMetrics | undefined =
    !publishesMetrics(schedule)
      ? undefined
      : { records: run.rows, modelMetrics: { feature_attribution_ndcg: drift.ndcg, ...Object.fromEntries(Object.entries(liveValues).map(([k, v]) => [`feature_${k}`, v])) }, violationsByCheck: n ? { feature_attribution_drift_check: n } : {} };
  return {
    fields: {
      ...completion(n),
      Outputs: outputs,
      ViolationCount: n,
      RecordsAnalysed: window.records,
      UnreadableRecords: window.unreadable.count,
      ColumnMapping: window.mapping.description,
      ...(metrics ? { Metrics: metrics } : {}),
      Notes: notes,
    },
    violations: violations.map((v) => ({ metric_name: v.metric_name, constraint_check_type: v.constraint_check_type, description: v.description })),
  };
}

/**
 * Bias drift (ModelBiasMonitor): captured inputs (named by the model's feature names, else the analysis
 * config's headers without the label) and predictions merged with ground truth by inference id, bias metrics
 * of `src/bias`, each checked against the baseline analysis.json (farther from 0 than the baseline violates).
 * Writes analysis.json, constraint_violations.json and report.html.
 */
async function modelBias(deps: ExecutionDeps, schedule: MonitoringScheduleDescription, doc: MonitoringExecution, checkpoint: () => Promise<void>): Promise<StepResult> {
  const def = schedule.MonitoringScheduleConfig.MonitoringJobDefinition;
  const p = schedule.Plumbline;
  const constraintsUri = def.BaselineConfig?.ConstraintsResource?.S3Uri;
  if (!p.GroundTruthS3Uri || p.BiasAnalysisConfig === undefined || !constraintsUri) throw new Error('ModelBias schedule has no GroundTruthS3Uri, analysis config or baseline analysis.json');
  const config = parseBiasMonitorConfig(p.BiasAnalysisConfig);
  const baseline = await readJson(deps.objectStore, constraintsUri, 'ConstraintsResource');
  const label = config.bias.label.name;
  const headers = (config.headers ?? []).filter((h) => h !== label);
  const { window } = await loadWindow(deps, { ...schedule, Plumbline: { ...p, ColumnMapping: 'model' } }, doc, undefined, { name: 'the analysis config headers', featureNames: headers });
  await checkpoint();
  if (window.table.length === 0) throw new Error(NO_DATA);
  const { rows: keep, labels: y, predictions: pred, unreadable } = await mergeWithGroundTruth(deps, doc, window, p.GroundTruthS3Uri);
  const features: ColumnTable = {
    length: keep.length,
    columns: window.table.columns.map((c) => ({ name: c.name, type: 'string' as const, values: keep.map((i) => (c.type === 'string' ? (c.values[i] ?? null) : String(c.values[i]))) })),
  };
  const result = detectBiasDrift({ config, features, labels: y, predictions: pred, ...(p.ProbabilityThreshold !== undefined ? { probabilityThreshold: p.ProbabilityThreshold } : {}), baseline, baselineSource: constraintsUri });
  const violations = result.violations;
  const notes = [
    ...window.notes,
    `${keep.length} of ${window.table.length} captured prediction(s) merged with ground truth`,
    `columns: ${window.mapping.description}`,
    `a metric violates when it is farther from 0 than its baseline value (${result.compared.length} metric(s) compared)`,
  ];
  if (result.unmatched.length) notes.push(`not in the baseline, not checked: ${result.unmatched.join(', ')}`);
  if (unreadable > 0) notes.push(`${unreadable} ground-truth line(s) could not be read`);
  await checkpoint();
  const { outputs, write } = executionOutputs(deps, schedule, doc);
  await write('analysis', 'analysis.json', prettyJson(result.analysis));
  await write('constraint_violations', 'constraint_violations.json', prettyJson({ version: '1.0', violations }));
  await write('report', 'report.html', biasDriftReport(schedule, doc, result, notes));
  const n = violations.length;
  const metrics: ExecutionMetrics | undefined =
    !publishesMetrics(schedule)
      ? undefined
      : {
          records: keep.length,
          modelMetrics: Object.fromEntries(result.compared.filter((c) => Number.isFinite(c.value)).map((c) => [`bias_metric_${c.metric}_${c.facet}_${c.facetValue}`, c.value])),
          violationsByCheck: n ? { bias_drift_check: n } : {},
        };
  return {
    fields: {
      ...completion(n),
      Outputs: outputs,
      ViolationCount: n,
      RecordsAnalysed: keep.length,
      UnreadableRecords: window.unreadable.count,
      ColumnMapping: window.mapping.description,
      ...(metrics ? { Metrics: metrics } : {}),
      Notes: notes,
    },
    violations: violations.map((v) => ({ feature_name: v.facet, metric_name: v.metric_name, constraint_check_type: v.constraint_check_type, description: v.description })),
  };
}

function biasDriftReport(schedule: MonitoringScheduleDescription, doc: MonitoringExecution, result: BiasDriftResult, notes: string[]): string {
  const fmt = (v: number) => (Number.isFinite(v) ? String(Number(v.toFixed(4))) : String(v));
  const sections: ReportSection[] = [];
  const groups = new Map<string, BiasDriftResult['compared']>();
  for (const c of result.compared) {
    const k = `${c.stage === 'pre_training_bias_metrics' ? 'Pre-training' : 'Post-training'} metrics, facet ${c.facet} = ${c.facetValue}`;
    (groups.get(k) ?? groups.set(k, []).get(k)!).push(c);
  }
  for (const [title, list] of groups) {
    const finite = list.filter((c) => Number.isFinite(c.value) && Number.isFinite(c.baseline));
    sections.push({
      title,
      blocks: [
        ...(finite.length
          ? [
              {
                type: 'bars' as const,
                title: 'current value; whisker = allowed range [-|baseline|, |baseline|]',
                bars: finite.map((c) => ({ label: c.metric, value: c.value, low: c.allowed[0], high: c.allowed[1], tone: c.violated ? ('bad' as const) : ('good' as const) })),
                reference: 0,
              },
            ]
          : []),
        { type: 'table' as const, columns: ['metric', 'baseline', 'current', 'allowed range', 'verdict'], rows: list.map((c) => [c.metric, fmt(c.baseline), fmt(c.value), `[${fmt(c.allowed[0])}, ${fmt(c.allowed[1])}]`, c.violated ? 'violation' : 'ok']) },
      ],
    });
  }
  sections.push({
    title: 'Violations',
    blocks: result.violations.length
      ? [{ type: 'callout', tone: 'bad', text: result.violations.map((v) => `${v.metric_name} (${v.facet} = ${v.facet_value}): ${v.description}`).join('\n\n') }]
      : [{ type: 'callout', tone: 'good', text: 'No bias metric drifted beyond its baseline.' }],
  });
  sections.push({ title: 'Notes', blocks: [{ type: 'text', text: notes.join('\n\n') }] });
  return renderHtmlReport({
    title: `Bias drift: ${schedule.MonitoringScheduleName}`,
    subtitle: `Endpoint ${schedule.EndpointName}, window ${doc.DataAnalysisStartTime} to ${doc.DataAnalysisEndTime}`,
    summary: [
      { label: 'rows', value: String(result.rows) },
      { label: 'metrics compared', value: String(result.compared.length) },
      { label: 'violations', value: String(result.violations.length), tone: result.violations.length ? 'bad' : 'good' },
    ],
    sections,
  });
}

/** Raw captured text -> float columns (unparseable values become missing). */
function numericTable(table: ColumnTable): ColumnTable {
  const columns: Column[] = table.columns.map((c) => {
    if (c.type !== 'string') return c;
    const values = new Float64Array(table.length);
    for (let i = 0; i < table.length; i++) {
      const v = c.values[i];
      const x = v == null || v.trim() === '' ? NaN : Number(v);
      values[i] = Number.isFinite(x) ? x : NaN;
    }
    return { name: c.name, type: 'float', values };
  });
  return { length: table.length, columns };
}

function modelQualityReport(
  schedule: MonitoringScheduleDescription,
  doc: MonitoringExecution,
  rows: number,
  values: ReturnType<typeof metricValues>,
  violations: ModelQualityViolation[],
  notes: string[],
): string {
  const sections: ReportSection[] = [
    {
      title: 'Metrics',
      blocks: [
        { type: 'table', columns: ['metric', 'value'], rows: Object.entries(values).map(([k, v]) => [k, v]) },
        ...(violations.length
          ? [{ type: 'callout' as const, tone: 'bad' as const, text: violations.map((v) => v.description).join('\n\n') }]
          : [{ type: 'callout' as const, tone: 'good' as const, text: 'No constraint violations.' }]),
      ],
    },
    { title: 'Notes', blocks: [{ type: 'text', text: notes.join('\n\n') }] },
  ];
  return renderHtmlReport({
    title: `Model quality: ${schedule.MonitoringScheduleName}`,
    subtitle: `Endpoint ${schedule.EndpointName}, window ${doc.DataAnalysisStartTime} to ${doc.DataAnalysisEndTime}`,
    summary: [
      { label: 'rows', value: String(rows) },
      { label: 'violations', value: String(violations.length), tone: violations.length ? 'bad' : 'good' },
    ],
    sections,
  });
}

async function save(deps: ExecutionDeps, doc: MonitoringExecution): Promise<MonitoringExecution> {
  const next = { ...doc, LastModifiedTime: iso(deps.clock.now()) };
  await deps.catalog.update(EXECUTION_KIND, doc.MonitoringExecutionName, next, deps.clock.now());
  return next;
}

async function updateScheduleSummary(deps: ExecutionDeps, scheduleName: string, doc: MonitoringExecution): Promise<void> {
  for (let attempt = 0; attempt < 5; attempt++) {
    const entry = await deps.catalog.get<MonitoringScheduleDescription>(SCHEDULE_KIND, scheduleName);
    if (!entry) return;
    const current = entry.doc.LastMonitoringExecutionSummary;
    if (current && Date.parse(current.ScheduledTime) > Date.parse(doc.ScheduledTime)) return;
    const summary: MonitoringExecutionSummary = {
      MonitoringScheduleName: doc.MonitoringScheduleName,
      ScheduledTime: doc.ScheduledTime,
      CreationTime: doc.CreationTime,
      LastModifiedTime: doc.LastModifiedTime,
      MonitoringExecutionStatus: doc.MonitoringExecutionStatus,
      ProcessingJobArn: doc.ProcessingJobArn,
      EndpointName: doc.EndpointName,
      MonitoringType: doc.MonitoringType,
      ...(doc.FailureReason ? { FailureReason: doc.FailureReason } : {}),
    };
    try {
      await deps.catalog.update(SCHEDULE_KIND, scheduleName, { ...entry.doc, LastMonitoringExecutionSummary: summary }, deps.clock.now(), entry.version);
      return;
    } catch (e) {
      if (!(isPlatformError(e) && e.code === 'CONFLICT')) throw e;
    }
  }
}

/** Posts the alert to every webhook not yet told about this execution; records each delivery on the execution. */
async function sendAlerts(deps: ExecutionDeps, schedule: MonitoringScheduleDescription, doc: MonitoringExecution, violations: MonitoringExecutionViolation[]): Promise<MonitoringExecution> {
  const hooks = schedule.Plumbline.Webhooks ?? [];
  if (hooks.length === 0) return doc;
  const already = new Set((doc.Alerts ?? []).filter((a) => a.delivered).map((a) => a.url));
  const payload = alertPayload({
    monitoringScheduleName: schedule.MonitoringScheduleName,
    endpointName: schedule.EndpointName,
    monitoringType: schedule.MonitoringType,
    executionName: doc.MonitoringExecutionName,
    scheduledTime: doc.ScheduledTime,
    status: doc.MonitoringExecutionStatus,
    ...(doc.ExitMessage ? { exitMessage: doc.ExitMessage } : {}),
    violations,
    outputs: doc.Outputs,
  });
  const deliveries: WebhookDelivery[] = [...(doc.Alerts ?? []).filter((a) => a.delivered)];
  for (const url of hooks) {
    if (already.has(url)) continue;
    const d = await postWebhook(url, payload, doc.MonitoringExecutionName, deps.webhook);
    if (!d.delivered) deps.log?.(`[monitor] alert to ${url} failed after ${d.attempts} attempt(s): ${d.error ?? ''}`);
    deliveries.push(d);
  }
  return save(deps, { ...doc, Alerts: deliveries });
}

/** ISO-8601 UTC; milliseconds only when not zero (`2026-11-26T11:00:00Z`). */
export function iso(ms: number): string {
  return new Date(ms).toISOString().replace(/\.000Z$/, 'Z');
}

function processingJobName(executionName: string): string {
  return executionName.replace(/[^a-zA-Z0-9-]/g, '-').slice(0, 63);
}
