/**
 * @module monitor/model-monitor
 * The monitoring facade (`platform.monitor`) and the SageMaker SDK's shapes over it: `DefaultModelMonitor`
 * (suggest_baseline, create_monitoring_schedule, latest_monitoring_constraint_violations, ...),
 * `ModelQualityMonitor`, `ModelBiasMonitor`, `DatasetFormat` and `CronExpressionGenerator`.
 */
import type { Registry } from 'prom-client';
import type { Catalog } from '../catalog/index.js';
import type { Clock } from '../core/clock.js';
import { invalid, NotFoundError } from '../core/errors.js';
import type { ColumnTable } from '../core/columns.js';
import { getColumn, valueAt } from '../core/columns.js';
import type { ObjectStore } from '../storage/index.js';
import { readTable } from '../table/index.js';
import { runBias, type BiasAnalysisJson } from '../bias/index.js';
import type { ModelRegistry } from '../models/index.js';
import type { WebhookOptions } from './alerts/index.js';
import {
  formatConstraintsJson,
  parseConstraints,
  parseStatistics,
  suggestBaseline,
  type ConstraintsJson,
  type StatisticsJson,
  type SuggestBaselineOptions,
  type SuggestBaselineResult,
} from './baseline/index.js';
import { readJson, readText } from './locations.js';
import { outputLocation } from '../storage/index.js';
import { MonitorMetrics } from './metrics.js';
import {
  computeModelQuality,
  parseBiasMonitorConfig,
  suggestModelQualityConstraints,
  writeGroundTruth,
  type GroundTruthRecord,
  type ModelQualityConstraints,
  type ModelQualityStatistics,
  type ProblemType,
} from './quality/index.js';
import {
  MonitoringSchedules,
  type CreateMonitoringScheduleInput,
  type MonitoringExecution,
  type MonitoringScheduleDescription,
  type MonitoringScheduleStatus,
  type UpdateMonitoringScheduleInput,
  type ExecutionDeps,
} from './schedules/index.js';

export { CronExpressionGenerator } from './schedules/index.js';

type DatasetFormatSpec = NonNullable<SuggestBaselineOptions['datasetFormat']>;

/** The SDK's `DatasetFormat`. */
export const DatasetFormat = {
  csv(header = true, outputColumnsPosition: 'START' | 'END' = 'START'): DatasetFormatSpec {
    return { csv: { header, output_columns_position: outputColumnsPosition } };
  },
  json(lines = true): DatasetFormatSpec {
    if (lines !== true) throw invalid('lines', lines, 'true (JSON Lines)');
    return { json: { lines: true } };
  },
  parquet(): DatasetFormatSpec {
    return { parquet: {} };
  },
};

export interface ModelMonitoringContext {
  catalog: Catalog;
  objectStore: ObjectStore;
  clock: Clock;
  /** Feature names of a registered model. */
  modelFeatures(modelName: string): Promise<string[] | undefined>;
  log?: (line: string) => void;
  webhook?: WebhookOptions;
  /** The model registry (explainability executions run SHAP on the window). */
  models?: ExecutionDeps['models'];
  /** Writes out buffered capture of an endpoint served in this process, before an execution reads it. */
  flushCapture?: (endpointName: string) => Promise<void>;
  /** The platform's shared Prometheus registry (served at /metrics). */
  registry?: Registry;
}

/** A JSON file produced by monitoring, with where it is. */
export interface MonitoringFile<T> {
  fileUri: string;
  body: T;
}

export class ModelMonitoring {
  readonly metrics: MonitorMetrics;
  readonly schedules: MonitoringSchedules;
  private readonly initialSync: Promise<unknown>;

  constructor(private readonly ctx: ModelMonitoringContext) {
    this.metrics = new MonitorMetrics(ctx.registry);
    this.schedules = new MonitoringSchedules({
      catalog: ctx.catalog,
      objectStore: ctx.objectStore,
      clock: ctx.clock,
      metrics: this.metrics,
      modelFeatures: ctx.modelFeatures,
      ...(ctx.flushCapture ? { flushCapture: ctx.flushCapture } : {}),
      ...(ctx.models ? { models: ctx.models } : {}),
      defaultOutput: ctx.objectStore.uriOf('model-monitor/reports'),
      ...(ctx.webhook ? { webhook: ctx.webhook } : {}),
      ...(ctx.log ? { log: ctx.log } : {}),
    });
    this.metrics.syncFrom(() => this.schedules.listExecutions());
    this.initialSync = this.metrics.syncNow().catch(() => undefined);
  }

  /** Baseline statistics and suggested constraints of a dataset (SageMaker's suggest_baseline). */
  suggestBaseline(options: SuggestBaselineOptions): Promise<SuggestBaselineResult> {
    return suggestBaseline({ objectStore: this.ctx.objectStore }, options);
  }

  readStatistics(location: string): Promise<StatisticsJson> {
    return readJson(this.ctx.objectStore, location, 'statistics').then((j) => parseStatistics(j, location));
  }

  readConstraints(location: string): Promise<ConstraintsJson> {
    return readJson(this.ctx.objectStore, location, 'constraints').then((j) => parseConstraints(j, location));
  }

  /** Writes (edited) constraints back in the container's layout (the SDK's `constraints.save()`). */
  async saveConstraints(constraints: ConstraintsJson, location: string): Promise<string> {
    const checked = parseConstraints(JSON.parse(JSON.stringify(constraints)), location);
    const slash = location.lastIndexOf('/');
    return outputLocation(this.ctx.objectStore, location.slice(0, slash)).write(location.slice(slash + 1), formatConstraintsJson(checked));
  }

  createMonitoringSchedule(input: CreateMonitoringScheduleInput): Promise<MonitoringScheduleDescription> {
    return this.schedules.create(input);
  }
  describeMonitoringSchedule(name: string): Promise<MonitoringScheduleDescription> {
    return this.schedules.describe(name);
  }
  listMonitoringSchedules(filter?: { endpointName?: string; statusEquals?: MonitoringScheduleStatus }): Promise<MonitoringScheduleDescription[]> {
    return this.schedules.list(filter);
  }
  updateMonitoringSchedule(name: string, patch: UpdateMonitoringScheduleInput): Promise<MonitoringScheduleDescription> {
    return this.schedules.update(name, patch);
  }
  startMonitoringSchedule(name: string): Promise<MonitoringScheduleDescription> {
    return this.schedules.start(name);
  }
  stopMonitoringSchedule(name: string): Promise<MonitoringScheduleDescription> {
    return this.schedules.stop(name);
  }
  deleteMonitoringSchedule(name: string): Promise<void> {
    return this.schedules.delete(name);
  }
  /** One execution now over `[start, end)` (default: the schedule's period ending now); `wait: false` returns it Pending. */
  runMonitoringSchedule(name: string, window: { start?: number; end?: number; wait?: boolean } = {}): Promise<MonitoringExecution> {
    return this.schedules.runNow(name, window);
  }
  listMonitoringExecutions(scheduleName?: string, options?: { statusEquals?: string; maxResults?: number }): Promise<MonitoringExecution[]> {
    return this.schedules.listExecutions(scheduleName, options);
  }
  describeMonitoringExecution(name: string): Promise<MonitoringExecution> {
    return this.schedules.describeExecution(name);
  }

  /** The latest completed execution's violations file (undefined before any). */
  async latestMonitoringConstraintViolations(scheduleName: string): Promise<MonitoringFile<{ violations: unknown[] }> | undefined> {
    return this.latestFile(scheduleName, 'constraint_violations') as Promise<MonitoringFile<{ violations: unknown[] }> | undefined>;
  }

  /** The latest completed execution's statistics file (undefined before any). */
  async latestMonitoringStatistics(scheduleName: string): Promise<MonitoringFile<StatisticsJson | ModelQualityStatistics> | undefined> {
    return this.latestFile(scheduleName, 'statistics') as Promise<MonitoringFile<StatisticsJson | ModelQualityStatistics> | undefined>;
  }

  private async latestFile(scheduleName: string, output: string): Promise<MonitoringFile<unknown> | undefined> {
    for (const e of await this.schedules.listExecutions(scheduleName)) {
      const uri = e.Outputs[output];
      if (!uri) continue;
      return { fileUri: uri, body: JSON.parse(await readText(this.ctx.objectStore, uri, output)) };
    }
    return undefined;
  }

  /** Uploads labels for model quality to `{groundTruthUri}/yyyy/MM/dd/HH/…jsonl` (collection time = now). */
  uploadGroundTruth(groundTruthUri: string, records: GroundTruthRecord[]): Promise<string> {
    return writeGroundTruth(outputLocation(this.ctx.objectStore, groundTruthUri), records, this.ctx.clock.now());
  }

  /**
   * Model-quality baseline: metrics of a dataset holding predictions and labels, and constraints suggested
   * from them (`statistics.json`, `constraints.json` in `output`).
   */
  async suggestModelQualityBaseline(options: {
    dataset: string | ColumnTable;
    problemType: ProblemType;
    inferenceAttribute: string;
    groundTruthAttribute: string;
    probabilityAttribute?: string;
    probabilityThresholdAttribute?: number;
    output: string;
  }): Promise<{ statistics: ModelQualityStatistics; constraints: ModelQualityConstraints; files: { statistics: string; constraints: string } }> {
    const table = typeof options.dataset === 'string' ? await readTable(await this.localPath(options.dataset)) : options.dataset;
    const column = (name: string, field: string) => {
      const c = getColumn(table, name);
      if (!c) throw invalid(field, name, `a column of the dataset (${table.columns.map((x) => x.name).join(', ')})`);
      const out: (string | null)[] = new Array(table.length);
      for (let i = 0; i < table.length; i++) {
        const v = valueAt(c, i);
        out[i] = v === null ? null : String(v);
      }
      return out;
    };
    const statistics = computeModelQuality({
      problemType: options.problemType,
      labels: column(options.groundTruthAttribute, 'groundTruthAttribute'),
      predictions: column(options.inferenceAttribute, 'inferenceAttribute'),
      ...(options.probabilityAttribute ? { probabilities: column(options.probabilityAttribute, 'probabilityAttribute') } : {}),
      ...(options.probabilityThresholdAttribute !== undefined ? { probabilityThreshold: options.probabilityThresholdAttribute } : {}),
    });
    const constraints = suggestModelQualityConstraints(statistics);
    const out = outputLocation(this.ctx.objectStore, options.output);
    const files = {
      statistics: await out.write('statistics.json', JSON.stringify(statistics, null, 2) + '\n'),
      constraints: await out.write('constraints.json', JSON.stringify(constraints, null, 2) + '\n'),
    };
    return { statistics, constraints, files };
  }

  /**
   * Bias baseline (ModelBiasMonitor.suggest_baseline): the bias metrics of a dataset holding features, labels
   * and predicted labels (a column, or a registered model's scores) per the Clarify analysis config, written as
   * `analysis.json` (+ report.md / report.html) in `output`; that analysis.json is the constraints of a
   * ModelBias schedule.
   */
  async suggestBiasBaseline(options: {
    dataset: string | ColumnTable;
    analysisConfig: string | Record<string, unknown>;
    /** Column of predicted labels (else the config's predicted_label, else `modelName`'s scores). */
    predictedLabel?: string;
    modelName?: string;
    output: string;
  }): Promise<{ analysis: BiasAnalysisJson; files: { analysis: string; report: string } }> {
    const config = parseBiasMonitorConfig(typeof options.analysisConfig === 'string' ? await readJson(this.ctx.objectStore, options.analysisConfig, 'analysisConfig') : options.analysisConfig);
    let table = typeof options.dataset === 'string' ? await readTable(await this.localPath(options.dataset)) : options.dataset;
    // A header-less file (Clarify `headers`): read again with the configured names.
    if (typeof options.dataset === 'string' && config.headers?.length && !getColumn(table, config.bias.label.name)) {
      table = await readTable(await this.localPath(options.dataset), { columns: config.headers });
    }
    const registry = this.ctx.models as Partial<Pick<ModelRegistry, 'predict'>> | undefined;
    const predictedLabel = options.predictedLabel ?? config.bias.predictedLabel;
    const run = await runBias(
      {
        models: {
          predict: (...a: Parameters<ModelRegistry['predict']>) => {
            if (!registry?.predict) throw invalid('modelName', options.modelName, 'a registered model (this monitor has no model registry)');
            return registry.predict(...a);
          },
          localPathOf: (p: string) => this.localPath(p),
        },
        objectStore: this.ctx.objectStore,
      },
      {
        data: table,
        config: config.bias,
        ...(config.preMethods !== undefined ? { pre: config.preMethods } : {}),
        ...(config.postMethods !== undefined ? { post: config.postMethods } : config.preMethods === undefined ? { post: 'all' as const } : {}),
        ...(predictedLabel !== undefined ? { predictedLabel } : {}),
        ...(options.modelName !== undefined ? { modelName: options.modelName } : {}),
        ...(config.probabilityThreshold !== undefined ? { probabilityThreshold: config.probabilityThreshold } : {}),
        output: options.output,
        title: 'Bias baseline',
      },
    );
    return { analysis: run.analysis, files: { analysis: run.files!.analysisJson, report: run.files!.reportHtml } };
  }

  /** Stops one running (or pending) execution; it ends `Stopped`. The schedule keeps running. */
  stopMonitoringExecution(executionName: string): Promise<MonitoringExecution> {
    return this.schedules.stopExecution(executionName);
  }

  /** An SDK-shaped data-quality monitor. */
  defaultModelMonitor(): DefaultModelMonitor {
    return new DefaultModelMonitor(this);
  }

  modelQualityMonitor(): ModelQualityMonitor {
    return new ModelQualityMonitor(this);
  }

  modelBiasMonitor(): ModelBiasMonitor {
    return new ModelBiasMonitor(this);
  }

  /** Runs due slots once (the scheduler's step; tests drive it with an injected clock). */
  tick(): Promise<MonitoringExecution[]> {
    return this.schedules.tick();
  }
  /** Starts running schedules in this process (`plumbline serve` does); catches up missed slots first. */
  startScheduler(): void {
    this.schedules.startScheduler();
  }
  stopScheduler(): Promise<void> {
    return this.schedules.stopScheduler();
  }
  /** Prometheus text of the monitoring metrics. */
  metricsText(): Promise<string> {
    return this.metrics.text();
  }

  async close(): Promise<void> {
    await this.initialSync;
    await this.schedules.stopScheduler();
  }

  private async localPath(pathOrUri: string): Promise<string> {
    if (!/^[a-z][a-z0-9+.-]*:\/\//i.test(pathOrUri)) return pathOrUri;
    const key = this.ctx.objectStore.keyOf(pathOrUri);
    if (key === undefined || key === '') throw invalid('dataset', pathOrUri, `a local path or a location inside the object store ${this.ctx.objectStore.rootUri}`);
    return this.ctx.objectStore.localPath(key);
  }
}

type Baselined = { statistics: string; constraints: string };

/**
 * What the SDK's monitors share: the schedule made by their `createMonitoringSchedule` (or attached), run now,
 * its executions, its latest violations, deleting it.
 */
export abstract class ScheduledModelMonitor {
  protected scheduleName: string | undefined;
  /** How to give this monitor a schedule, for the error when it has none. */
  protected readonly howToSchedule: string = 'call createMonitoringSchedule() first';

  constructor(protected readonly monitoring: ModelMonitoring) {}

  runNow(window?: { start?: number; end?: number }): Promise<MonitoringExecution> {
    return this.monitoring.runMonitoringSchedule(this.name(), window);
  }
  listExecutions(): Promise<MonitoringExecution[]> {
    return this.monitoring.listMonitoringExecutions(this.name());
  }
  latestMonitoringConstraintViolations(): Promise<MonitoringFile<{ violations: unknown[] }> | undefined> {
    return this.monitoring.latestMonitoringConstraintViolations(this.name());
  }
  deleteMonitoringSchedule(): Promise<void> {
    return this.monitoring.deleteMonitoringSchedule(this.name());
  }

  protected name(): string {
    if (!this.scheduleName) throw new NotFoundError('monitoring schedule', '(none)', 'NOT_FOUND', `this monitor has no schedule yet: ${this.howToSchedule}`);
    return this.scheduleName;
  }
}

/** SageMaker's `DefaultModelMonitor`, over `platform.monitor`. */
export class DefaultModelMonitor extends ScheduledModelMonitor {
  latestBaseliningJob: (SuggestBaselineResult & { files: Baselined }) | undefined;
  protected override readonly howToSchedule = 'call createMonitoringSchedule() or attach(name) first';

  async suggestBaseline(options: { baselineDataset: string | ColumnTable; datasetFormat?: DatasetFormatSpec; outputS3Uri: string }): Promise<SuggestBaselineResult> {
    const result = await this.monitoring.suggestBaseline({ dataset: options.baselineDataset, output: options.outputS3Uri, ...(options.datasetFormat ? { datasetFormat: options.datasetFormat } : {}) });
    this.latestBaseliningJob = result;
    return result;
  }

  /** The latest baseline's statistics (with `fileUri`). */
  baselineStatistics(): MonitoringFile<StatisticsJson> | undefined {
    const j = this.latestBaseliningJob;
    return j ? { fileUri: j.files.statistics, body: j.statistics } : undefined;
  }

  suggestedConstraints(): MonitoringFile<ConstraintsJson> | undefined {
    const j = this.latestBaseliningJob;
    return j ? { fileUri: j.files.constraints, body: j.constraints } : undefined;
  }

  /** Saves edited constraints back to their file (the SDK's `constraints.save()`). */
  async saveConstraints(file: MonitoringFile<ConstraintsJson>): Promise<string> {
    return this.monitoring.saveConstraints(file.body, file.fileUri);
  }

  async createMonitoringSchedule(
    input: Omit<CreateMonitoringScheduleInput, 'statistics' | 'constraints' | 'monitoringType'> & {
      statistics?: string | MonitoringFile<unknown>;
      constraints?: string | MonitoringFile<unknown>;
    },
  ): Promise<MonitoringScheduleDescription> {
    const uri = (v: string | MonitoringFile<unknown> | undefined) => (typeof v === 'string' ? v : v?.fileUri);
    const statistics = uri(input.statistics) ?? this.latestBaseliningJob?.files.statistics;
    const constraints = uri(input.constraints) ?? this.latestBaseliningJob?.files.constraints;
    const { statistics: _s, constraints: _c, ...rest } = input;
    const d = await this.monitoring.createMonitoringSchedule({ ...rest, ...(statistics ? { statistics } : {}), ...(constraints ? { constraints } : {}), monitoringType: 'DataQuality' });
    this.scheduleName = d.MonitoringScheduleName;
    return d;
  }

  /** Attaches to an existing schedule. */
  attach(scheduleName: string): this {
    this.scheduleName = scheduleName;
    return this;
  }

  describeSchedule(): Promise<MonitoringScheduleDescription> {
    return this.monitoring.describeMonitoringSchedule(this.name());
  }
  latestMonitoringStatistics(): Promise<MonitoringFile<StatisticsJson | ModelQualityStatistics> | undefined> {
    return this.monitoring.latestMonitoringStatistics(this.name());
  }
  updateMonitoringSchedule(patch: UpdateMonitoringScheduleInput): Promise<MonitoringScheduleDescription> {
    return this.monitoring.updateMonitoringSchedule(this.name(), patch);
  }
  startMonitoringSchedule(): Promise<MonitoringScheduleDescription> {
    return this.monitoring.startMonitoringSchedule(this.name());
  }
  stopMonitoringSchedule(): Promise<MonitoringScheduleDescription> {
    return this.monitoring.stopMonitoringSchedule(this.name());
  }
  override async deleteMonitoringSchedule(): Promise<void> {
    await super.deleteMonitoringSchedule();
    this.scheduleName = undefined;
  }
}

/** SageMaker's `ModelQualityMonitor`, over `platform.monitor`. */
export class ModelQualityMonitor extends ScheduledModelMonitor {
  latestBaseliningJob: { statistics: ModelQualityStatistics; constraints: ModelQualityConstraints; files: Baselined } | undefined;

  async suggestBaseline(options: Parameters<ModelMonitoring['suggestModelQualityBaseline']>[0]) {
    this.latestBaseliningJob = await this.monitoring.suggestModelQualityBaseline(options);
    return this.latestBaseliningJob;
  }

  async createMonitoringSchedule(
    input: Omit<CreateMonitoringScheduleInput, 'monitoringType'> & { groundTruthInput: string; problemType: ProblemType },
  ): Promise<MonitoringScheduleDescription> {
    const constraints = input.constraints ?? this.latestBaseliningJob?.files.constraints;
    const d = await this.monitoring.createMonitoringSchedule({ ...input, ...(constraints ? { constraints } : {}), monitoringType: 'ModelQuality' });
    this.scheduleName = d.MonitoringScheduleName;
    return d;
  }

  latestMonitoringStatistics() {
    return this.monitoring.latestMonitoringStatistics(this.name());
  }
}

/**
 * SageMaker's `ModelBiasMonitor`, over `platform.monitor`: `suggestBaseline` runs a bias job (analysis.json),
 * `createMonitoringSchedule` checks each window's bias metrics (captured data + ground truth) against it.
 */
export class ModelBiasMonitor extends ScheduledModelMonitor {
  latestBaseliningJob: Awaited<ReturnType<ModelMonitoring['suggestBiasBaseline']>> | undefined;
  private analysisConfig: string | Record<string, unknown> | undefined;

  async suggestBaseline(options: Parameters<ModelMonitoring['suggestBiasBaseline']>[0]) {
    this.latestBaseliningJob = await this.monitoring.suggestBiasBaseline(options);
    this.analysisConfig = options.analysisConfig;
    return this.latestBaseliningJob;
  }

  async createMonitoringSchedule(
    input: Omit<CreateMonitoringScheduleInput, 'monitoringType' | 'analysisConfig'> & { groundTruthInput: string; analysisConfig?: string | Record<string, unknown> },
  ): Promise<MonitoringScheduleDescription> {
    const constraints = input.constraints ?? this.latestBaseliningJob?.files.analysis;
    const analysisConfig = input.analysisConfig ?? this.analysisConfig;
    const d = await this.monitoring.createMonitoringSchedule({
      ...input,
      ...(constraints ? { constraints } : {}),
      ...(analysisConfig !== undefined ? { analysisConfig } : {}),
      monitoringType: 'ModelBias',
    });
    this.scheduleName = d.MonitoringScheduleName;
    return d;
  }
}
