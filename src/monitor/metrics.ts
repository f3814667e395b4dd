/**
 * @module monitor/metrics
 * Prometheus metrics of monitoring executions, the names SageMaker publishes to CloudWatch:
 * `feature_baseline_drift_<feature>` (KLL L-infinity distance to the baseline), `feature_non_null_<feature>`
 * (completeness), `feature_data_<feature>_{mean,min,max,sum,count}`, and model-quality metric values
 * (`model_metric_<name>`), each labelled with `endpoint` and `monitoring_schedule`; plus violation counts per
 * check type and execution counts per status. One prom-client `Registry` per platform: `plumbline serve`
 * exposes it at `/metrics` (merge it with `Registry.merge` or register its metrics in the server's registry).
 */
import { Counter, Gauge, Registry } from 'prom-client';

const LABELS = ['endpoint', 'monitoring_schedule'] as const;

export interface FeatureMetrics {
  name: string;
  /** Distance to the baseline (undefined when not compared). */
  baselineDrift?: number;
  /** Share of non-null values, 0..1. */
  nonNull?: number;
  mean?: number;
  min?: number;
  max?: number;
  sum?: number;
  count?: number;
}

/** What one execution publishes. */
export interface ExecutionMetrics {
  records?: number;
  features?: FeatureMetrics[];
  modelMetrics?: Record<string, number>;
  violationsByCheck?: Record<string, number>;
  /** Share of columns plumbline's drift tests found drifted. */
  driftShare?: number;
}

/** The fields of an execution record the metrics need. */
export interface ExecutionRecordLike {
  MonitoringExecutionName: string;
  MonitoringScheduleName: string;
  EndpointName: string;
  ScheduledTime: string;
  MonitoringExecutionStatus: string;
  Metrics?: ExecutionMetrics;
}

const FINAL = new Set(['Completed', 'CompletedWithViolations', 'Failed', 'Stopped']);
const SYNC_INTERVAL_MS = 5000;

export class MonitorMetrics {
  readonly registry: Registry;
  private readonly gauges = new Map<string, Gauge<string>>();
  private readonly violations: Gauge<string>;
  private readonly executions: Counter<string>;
  private readonly lastExecution: Gauge<string>;
  private readonly records: Gauge<string>;
  /** Executions already counted, and the newest execution applied per schedule. */
  private readonly seen = new Set<string>();
  private readonly applied = new Map<string, string>();
  private source: (() => Promise<ExecutionRecordLike[]>) | undefined;
  private lastSync = -Infinity;

  /** Registers into `registry` (the platform's shared one, served at /metrics) or a registry of its own. */
  constructor(registry?: Registry) {
    this.registry = registry ?? new Registry();
    this.violations = new Gauge({
      name: 'monitoring_violations',
      help: 'Constraint violations found by the latest execution, per check type',
      labelNames: [...LABELS, 'constraint_check_type'],
      registers: [this.registry],
      // On each scrape (this is the first monitoring metric serialised), executions that other processes (the
      // CLI's `monitor run`) recorded in the catalog are published too.
      collect: async () => {
        await this.syncFromSource();
      },
    });
    this.executions = new Counter({
      name: 'monitoring_executions_total',
      help: 'Monitoring executions by final status',
      labelNames: [...LABELS, 'status'],
      registers: [this.registry],
    });
    this.lastExecution = new Gauge({
      name: 'monitoring_last_execution_timestamp_seconds',
      help: 'Scheduled time of the latest finished execution (unix seconds)',
      labelNames: [...LABELS],
      registers: [this.registry],
    });
    this.records = new Gauge({
      name: 'monitoring_records_analysed',
      help: 'Captured records analysed by the latest execution',
      labelNames: [...LABELS],
      registers: [this.registry],
    });
  }

  /**
   * Publishes executions recorded in the catalog (by any process) when the registry is scraped, at most every 5 s:
   * each execution counts once, and the newest finished one per schedule sets the gauges.
   */
  syncFrom(source: () => Promise<ExecutionRecordLike[]>): void {
    this.source = source;
  }

  /** Publishes the catalog's executions now (at open, so that the first scrape already has every gauge). */
  async syncNow(): Promise<void> {
    this.lastSync = -Infinity;
    await this.syncFromSource();
  }

  private async syncFromSource(): Promise<void> {
    if (!this.source || Date.now() - this.lastSync < SYNC_INTERVAL_MS) return;
    this.lastSync = Date.now();
    let list: ExecutionRecordLike[];
    try {
      list = await this.source();
    } catch {
      return;
    }
    for (const e of [...list].sort((a, b) => a.ScheduledTime.localeCompare(b.ScheduledTime))) this.recordExecutionDoc(e);
  }

  /** Publishes one finished execution record (once; gauges only from the newest per schedule). */
  recordExecutionDoc(e: ExecutionRecordLike): void {
    if (!FINAL.has(e.MonitoringExecutionStatus) || this.seen.has(e.MonitoringExecutionName)) return;
    this.seen.add(e.MonitoringExecutionName);
    const newest = this.applied.get(e.MonitoringScheduleName);
    const isNewest = newest === undefined || newest.localeCompare(e.ScheduledTime) <= 0;
    if (isNewest) this.applied.set(e.MonitoringScheduleName, e.ScheduledTime);
    const base = { endpoint: e.EndpointName, schedule: e.MonitoringScheduleName, status: e.MonitoringExecutionStatus, scheduledTime: Date.parse(e.ScheduledTime) };
    if (!isNewest) {
      this.executions.inc({ endpoint: e.EndpointName, monitoring_schedule: e.MonitoringScheduleName, status: e.MonitoringExecutionStatus });
      return;
    }
    this.recordExecution({ ...base, ...(e.Metrics ?? {}) });
  }

  /** Records one finished execution. */
  recordExecution(input: {
    endpoint: string;
    schedule: string;
    status: string;
    scheduledTime: number;
    records?: number;
    features?: FeatureMetrics[];
    modelMetrics?: Record<string, number>;
    violationsByCheck?: Record<string, number>;
    /** Share of columns plumbline's drift tests found drifted. */
    driftShare?: number;
  }): void {
    const labels = { endpoint: input.endpoint, monitoring_schedule: input.schedule };
    this.executions.inc({ ...labels, status: input.status });
    this.lastExecution.set(labels, input.scheduledTime / 1000);
    if (input.records !== undefined) this.records.set(labels, input.records);
    if (input.driftShare !== undefined && Number.isFinite(input.driftShare)) {
      this.gauge('dataset_drift_share', 'Share of columns with statistical drift (plumbline drift tests)').set(labels, input.driftShare);
    }
    if (input.violationsByCheck) {
      // Reset this schedule's counts first so a fixed problem drops to 0.
      for (const check of KNOWN_CHECKS) this.violations.set({ ...labels, constraint_check_type: check }, 0);
      for (const [check, n] of Object.entries(input.violationsByCheck)) this.violations.set({ ...labels, constraint_check_type: check }, n);
    }
    for (const f of input.features ?? []) {
      const set = (prefix: string, suffix: string, v: number | undefined, help: string) => {
        if (v === undefined || !Number.isFinite(v)) return;
        this.gauge(`${prefix}${metricSafe(f.name)}${suffix}`, help).set(labels, v);
      };
      set('feature_baseline_drift_', '', f.baselineDrift, `Distance of feature ${f.name} to its baseline distribution`);
      set('feature_non_null_', '', f.nonNull, `Share of non-null values of feature ${f.name}`);
      set('feature_data_', '_mean', f.mean, `Mean of feature ${f.name}`);
      set('feature_data_', '_min', f.min, `Minimum of feature ${f.name}`);
      set('feature_data_', '_max', f.max, `Maximum of feature ${f.name}`);
      set('feature_data_', '_sum', f.sum, `Sum of feature ${f.name}`);
      set('feature_data_', '_count', f.count, `Non-null values of feature ${f.name}`);
    }
    for (const [name, v] of Object.entries(input.modelMetrics ?? {})) {
      if (Number.isFinite(v)) this.gauge(`model_metric_${metricSafe(name)}`, `Model quality metric ${name}`).set(labels, v);
    }
  }

  /** The Prometheus text exposition of every monitoring metric. */
  text(): Promise<string> {
    return this.registry.metrics();
  }

  private gauge(name: string, help: string): Gauge<string> {
    let g = this.gauges.get(name);
    if (!g) {
      g = new Gauge({ name, help, labelNames: [...LABELS], registers: [this.registry] });
      this.gauges.set(name, g);
    }
    return g;
  }
}

const KNOWN_CHECKS = [
  'data_type_check',
  'completeness_check',
  'baseline_drift_check',
  'missing_column_check',
  'extra_column_check',
  'categorical_values_check',
  'non_negative_check',
];

/** A feature name as a Prometheus metric-name fragment (`[a-zA-Z0-9_]`). */
export function metricSafe(name: string): string {
  const s = name.replace(/[^a-zA-Z0-9_]/g, '_');
  return /^[0-9]/.test(s) ? `_${s}` : s;
}
