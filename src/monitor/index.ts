/**
 * @module monitor
 * Model monitoring as SageMaker Model Monitor does it, on one laptop: baselines (`statistics.json`,
 * `constraints.json`), data-quality checks and drift, schedules and executions over an endpoint's captured
 * traffic, model quality and bias drift with ground truth, Prometheus metrics and webhook alerts. `platform.monitor` is a
 * `ModelMonitoring`; `DefaultModelMonitor` / `ModelQualityMonitor` / `ModelBiasMonitor` / `CronExpressionGenerator` /
 * `DatasetFormat` mirror the SageMaker Python SDK.
 */
export * from './baseline/index.js';
export * from './checks/index.js';
export * from './drift/index.js';
export * from './report/index.js';
export { captureSource, readCaptureWindow, decodeCaptureLine, splitCsvLine, type CaptureSource, type CaptureWindow, type CaptureWindowOptions, type CaptureMapping } from './capture-window/index.js';
export * from './quality/index.js';
export * from './alerts/index.js';
export { MonitorMetrics, metricSafe, type FeatureMetrics } from './metrics.js';
export {
  CronExpressionGenerator,
  parseScheduleExpression,
  MonitoringSchedules,
  NO_DATA,
  type CreateMonitoringScheduleInput,
  type UpdateMonitoringScheduleInput,
  type MonitoringType,
  type MonitoringScheduleStatus,
  type MonitoringExecutionStatus,
  type MonitoringExecutionSummary,
  type MonitoringExecution,
  type MonitoringScheduleDescription,
} from './schedules/index.js';
export { ModelMonitoring, DefaultModelMonitor, ModelQualityMonitor, ModelBiasMonitor, DatasetFormat, type ModelMonitoringContext, type MonitoringFile } from './model-monitor.js';
