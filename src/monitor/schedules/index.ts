/**
 * @module monitor/schedules
 * Monitoring schedules (SageMaker's objects and names), executions, cron expressions and the scheduler.
 */
export { CronExpressionGenerator, parseScheduleExpression, nextSlot, latestSlot, previousSlot, type ParsedSchedule } from './cron.js';
export { parseOffset } from './offsets.js';
export { MonitoringSchedules, type CreateMonitoringScheduleInput, type UpdateMonitoringScheduleInput, type SchedulesDeps } from './service.js';
export { resolveEndpoint, NO_DATA, type EndpointInfo, type ExecutionDeps } from './execute.js';
export {
  SCHEDULE_KIND,
  EXECUTION_KIND,
  type MonitoringType,
  type MonitoringScheduleStatus,
  type MonitoringExecutionStatus,
  type MonitoringExecutionSummary,
  type MonitoringExecution,
  type MonitoringScheduleDescription,
  type PlumblineScheduleConfig,
} from './types.js';
