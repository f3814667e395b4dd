/**
 * @module monitor/report
 * The HTML report of a monitoring execution (`report.html`).
 */
export { monitoringReportHtml, type MonitoringReportInput } from './monitoring-report.js';
