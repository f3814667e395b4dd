/**
 * @module report
 * Self-contained HTML reports (bias, SHAP, drift, monitoring): `renderHtmlReport()` over sections of text,
 * tables and static SVG charts (bars with ranges and whiskers, lines, beeswarm strips, grouped histograms).
 */
export { renderHtmlReport } from './html-report.js';
export { escapeHtml, formatNumber } from './svg.js';
export type { Bar, HtmlReport, ReportBlock, ReportSection, Tone } from './types.js';
