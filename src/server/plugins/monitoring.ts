/**
 * @module server/plugins/monitoring
 * Monitoring routes over `platform.monitor`, shaped like SageMaker's responses:
 * - `GET /monitoring-schedules` (`?endpointName=&statusEquals=`) → `{MonitoringScheduleSummaries}`;
 * - `GET /monitoring-schedules/:name` → DescribeMonitoringSchedule;
 * - `GET /monitoring-schedules/:name/executions` (`?statusEquals=&maxResults=`) → `{MonitoringExecutionSummaries}`, newest first;
 * - `POST /monitoring-schedules/:name/executions` (body `{start?, end?, wait?}`, times ISO-8601) runs one execution now →
 *   201 with it ended, or with `wait: false` 202 with it `Pending` (follow it at `/monitoring-executions/:name`);
 * - `GET /monitoring-schedules/:name/violations/latest` → `{fileUri, violations}` of the latest execution with outputs;
 * - `GET /monitoring-executions/:name` → the execution; `POST /monitoring-executions/:name/stop` → it, `Stopping`.
 * Errors go through the server's problem+json handler (404 unknown schedule/execution, 400 bad query or body).
 */
import { invalid, NotFoundError } from '../../core/errors.js';
import type { MonitoringExecution, MonitoringScheduleDescription, MonitoringScheduleStatus } from '../../monitor/index.js';
import type { ServerPlugin } from '../plugin.js';

type Named = { Params: { name: string } };

const SCHEDULE_STATUSES: MonitoringScheduleStatus[] = ['Pending', 'Scheduled', 'Failed', 'Stopped'];
const EXECUTION_STATUSES = ['Pending', 'InProgress', 'Completed', 'CompletedWithViolations', 'Failed', 'Stopping', 'Stopped'];

export const monitoringPlugin: ServerPlugin = {
  name: 'monitoring',
  async register(app, platform) {
    const monitor = platform.monitor;

    app.get<{ Querystring: { endpointName?: string; statusEquals?: string } }>('/monitoring-schedules', async (req) => {
      const q = req.query ?? {};
      if (q.statusEquals !== undefined && !SCHEDULE_STATUSES.includes(q.statusEquals as MonitoringScheduleStatus)) throw invalid('statusEquals', q.statusEquals, SCHEDULE_STATUSES.join(', '));
      const list = await monitor.listMonitoringSchedules({
        ...(q.endpointName ? { endpointName: q.endpointName } : {}),
        ...(q.statusEquals ? { statusEquals: q.statusEquals as MonitoringScheduleStatus } : {}),
      });
      return { MonitoringScheduleSummaries: list.map(scheduleSummary) };
    });

    app.get<Named>('/monitoring-schedules/:name', async (req) => monitor.describeMonitoringSchedule(req.params.name));

    app.get<Named & { Querystring: { statusEquals?: string; maxResults?: string } }>('/monitoring-schedules/:name/executions', async (req) => {
      const q = req.query ?? {};
      if (q.statusEquals !== undefined && !EXECUTION_STATUSES.includes(q.statusEquals)) throw invalid('statusEquals', q.statusEquals, EXECUTION_STATUSES.join(', '));
      let maxResults: number | undefined;
      if (q.maxResults !== undefined) {
        maxResults = Number(q.maxResults);
        if (!Number.isInteger(maxResults) || maxResults < 1 || maxResults > 100) throw invalid('maxResults', q.maxResults, 'an integer from 1 to 100');
      }
      const list = await monitor.listMonitoringExecutions(req.params.name, {
        ...(q.statusEquals ? { statusEquals: q.statusEquals } : {}),
        ...(maxResults !== undefined ? { maxResults } : {}),
      });
      return { MonitoringExecutionSummaries: list };
    });

    app.post<Named & { Body: { start?: unknown; end?: unknown; wait?: unknown } | null }>('/monitoring-schedules/:name/executions', async (req, reply) => {
      const body = req.body ?? {};
      if (typeof body !== 'object' || Array.isArray(body)) throw invalid('body', body, 'a JSON object {start?, end?, wait?} with ISO-8601 times');
      if (body.wait !== undefined && typeof body.wait !== 'boolean') throw invalid('wait', body.wait, 'true (answer when the execution ends) or false (answer at once, 202)');
      const window: { start?: number; end?: number } = {};
      for (const k of ['start', 'end'] as const) {
        const v = body[k];
        if (v === undefined || v === null) continue;
        const t = typeof v === 'string' ? Date.parse(v) : NaN;
        if (!Number.isFinite(t)) throw invalid(k, v, 'an ISO-8601 time such as 2026-11-26T10:00:00Z');
        window[k] = t;
      }
      await monitor.describeMonitoringSchedule(req.params.name);
      const wait = body.wait !== false;
      const execution = await monitor.runMonitoringSchedule(req.params.name, { ...window, wait });
      return reply.code(wait ? 201 : 202).send(execution);
    });

    app.get<Named>('/monitoring-schedules/:name/violations/latest', async (req) => {
      await monitor.describeMonitoringSchedule(req.params.name);
      const latest = await monitor.latestMonitoringConstraintViolations(req.params.name);
      if (!latest) throw new NotFoundError('constraint violations', req.params.name, 'NOT_FOUND', `monitoring schedule "${req.params.name}" has no execution with a constraint_violations.json yet`);
      return { fileUri: latest.fileUri, ...latest.body };
    });

    app.get<Named>('/monitoring-executions/:name', async (req) => monitor.describeMonitoringExecution(req.params.name));

    app.post<Named>('/monitoring-executions/:name/stop', async (req): Promise<MonitoringExecution> => monitor.stopMonitoringExecution(req.params.name));
  },
};

/** ListMonitoringSchedules' MonitoringScheduleSummary. */
function scheduleSummary(d: MonitoringScheduleDescription) {
  return {
    MonitoringScheduleName: d.MonitoringScheduleName,
    MonitoringScheduleArn: d.MonitoringScheduleArn,
    CreationTime: d.CreationTime,
    LastModifiedTime: d.LastModifiedTime,
    MonitoringScheduleStatus: d.MonitoringScheduleStatus,
    EndpointName: d.EndpointName,
    MonitoringType: d.MonitoringType,
    ...(d.LastMonitoringExecutionSummary ? { LastMonitoringExecutionSummary: d.LastMonitoringExecutionSummary } : {}),
  };
}
