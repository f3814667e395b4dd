/**
 * @module monitor/alerts/payload
 * The JSON body of a monitoring alert.
 */
export interface MonitoringAlert {
  type: 'plumbline.monitoring.violations';
  monitoringScheduleName: string;
  endpointName: string;
  monitoringType: string;
  executionName: string;
  scheduledTime: string;
  status: string;
  exitMessage?: string;
  violationCount: number;
  violations: { feature_name?: string; metric_name?: string; constraint_check_type: string; description: string }[];
  outputs: Record<string, string>;
}

export function alertPayload(input: Omit<MonitoringAlert, 'type' | 'violationCount'>): MonitoringAlert {
  return { type: 'plumbline.monitoring.violations', ...input, violationCount: input.violations.length };
}
