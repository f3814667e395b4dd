/** @module monitor/report/report.test  The monitoring report for the chapter's bad input: violations, features, distributions, drift; loads in headless Chromium and every chart draws. */
import { describe, expect, it } from 'vitest';
import { inspectReport } from '../../../test/helpers/browser.js';
import { sliceTable, type ColumnTable } from '../../core/columns.js';
import { generateScholarship } from '../../datasets/index.js';
import { computeStatistics, suggestConstraints } from '../baseline/index.js';
import { checkConstraints } from '../checks/index.js';
import { detectDrift } from '../drift/index.js';
import { monitoringReportHtml } from './index.js';

const FEATURES = ['approved', 'sex', 'math', 'science', 'technology', 'random1', 'random2'];

function setup() {
  const t = generateScholarship({ rows: 1000 });
  const training = sliceTable({ length: t.length, columns: t.columns.filter((c) => FEATURES.includes(c.name)) }, 0, 600);
  const baseline = computeStatistics(training);
  const constraints = suggestConstraints(baseline);
  constraints.features[0]!.inferred_type = 'Fractional';
  const lines = ['0.87,1,92,83,86,96,67', '0.87,1,92,-83.3,86,-96,67', '0.12,0,61,70,75,80,90'];
  const current: ColumnTable = { length: lines.length, columns: FEATURES.map((name, i) => ({ name, type: 'string' as const, values: lines.map((l) => l.split(',')[i]!) })) };
  const stats = computeStatistics(current);
  const violations = checkConstraints({ baseline, constraints, current: stats });
  const drift = detectDrift({ reference: baseline, current, segmentBy: 'sex' });
  return { baseline, stats, violations, drift };
}

describe('monitoringReportHtml', () => {
  it('shows the verdict, the violations (extension marked), the mapping and the drift tests', () => {
    const { baseline, stats, violations, drift } = setup();
    const html = monitoringReportHtml({
      schedule: 'schedule-KYTXY',
      endpoint: 'cookbook-endpoint',
      window: { start: '2026-11-26T09:00:00Z', end: '2026-11-26T10:00:00Z' },
      baseline,
      current: stats,
      violations,
      drift,
      mapping: 'Captured CSV rows were matched by position: output first, then inputs.',
      notes: ['1 unreadable capture line was skipped.'],
    });
    expect(html).toContain('CompletedWithViolations');
    expect(html).toContain('Data type match requirement is not met. Expected data type: Integral');
    expect(html).toContain('non_negative_check (plumbline extension)');
    expect(html).toContain('matched by position');
    expect(html).toContain('Drift is detected for');
    expect(html).toContain('schedule-KYTXY');
    expect(html).not.toMatch(/<script|https?:\/\/(?!www\.w3\.org)/);
  });

  it('loads in headless Chromium without errors and every chart draws', async () => {
    const { baseline, stats, violations, drift } = setup();
    const result = await inspectReport(monitoringReportHtml({ baseline, current: stats, violations, drift }));
    if (result.skipped) return;
    expect(result.errors).toEqual([]);
    const titles = result.charts.map((c) => c.title);
    expect(titles).toEqual(expect.arrayContaining(['Distribution of science', 'Distribution of random1', 'Drift p-values']));
    for (const chart of result.charts) {
      expect(chart.width).toBeGreaterThan(100);
      expect(chart.marks).toBeGreaterThan(0);
    }
  });

  it('says so when there is nothing wrong', () => {
    const { baseline } = setup();
    const html = monitoringReportHtml({ baseline, current: baseline, violations: { violations: [] } });
    expect(html).toContain('No violations');
    expect(html).toContain('Completed');
  });
});
