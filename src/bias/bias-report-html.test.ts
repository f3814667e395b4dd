import { describe, expect, it } from 'vitest';
import { inspectReport } from '../../test/helpers/browser.js';
import type { ColumnTable } from '../core/columns.js';
import { createRandom } from '../core/random.js';
import { biasReportHtml } from './bias-report-html.js';
import { biasAnalysisJson, postTrainingBias, preTrainingBias, type BiasConfig } from './index.js';

function data(n: number): ColumnTable {
  const r = createRandom(9);
  const sex = new Float64Array(n), band: string[] = [], x = new Float64Array(n), y = new Float64Array(n), p = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    sex[i] = r.next() < 0.3 ? 0 : 1;
    band.push(['18-30', '31-50', '51+'][r.int(0, 2)]!);
    x[i] = r.next();
    y[i] = r.next() < 0.35 + 0.2 * sex[i]! ? 1 : 0;
    p[i] = x[i]! * 0.4 + y[i]! * 0.5 + sex[i]! * 0.15 > 0.6 ? 1 : 0;
  }
  return {
    length: n,
    columns: [
      { name: 'sex', type: 'int', values: sex },
      { name: 'age_band', type: 'string', values: band },
      { name: 'x', type: 'float', values: x },
      { name: 'y', type: 'int', values: y },
      { name: 'p', type: 'int', values: p },
    ],
  };
}

describe('bias report.html', () => {
  it('draws a chart per facet group and range with intervals, reads each metric, and says when a group is empty', async () => {
    const table = data(600);
    const config: BiasConfig = {
      facets: [{ name: 'sex', values: [0] }, { name: ['sex', 'age_band'] }, { name: 'age_band', values: ['90+'] }],
      label: { name: 'y', values: [1] },
      predictedLabel: 'p',
      groupVariable: 'age_band',
    };
    const bootstrap = { level: 0.9, samples: 200, seed: 1 };
    const analysis = biasAnalysisJson({ pre: preTrainingBias(table, config, { bootstrap }), post: postTrainingBias(table, config, { bootstrap }) });
    const html = biasReportHtml(analysis, { notes: ['data: test (600 rows)'], bootstrap });
    expect(html).not.toMatch(/<script|<link|src="http/);
    expect(html).toContain('Pre-training bias · sex = 0');
    expect(html).toContain('Post-training bias · sex+age_band = (1, 51+)');
    expect(html).toMatch(/DPL: Difference in Positive Proportions in Labels<\/td><td>0\.\d+<\/td><td>\[0\.\d+, 0\.\d+\]<\/td><td>\[-1, 1\]<\/td><td>favours the rest over sex = 0 by \d+(\.\d)? points/);
    expect(html).toContain('The group age_band = 90+ is empty: no row of this data has that value, so no metric comparing the two groups could be computed (CI, DPL, JS, KL, KS, LP, TVD)');
    const inspection = await inspectReport(html);
    if (inspection.skipped) return;
    expect(inspection.errors).toEqual([]);
    // 1 + 6 facet groups with values (sex = 0; six combinations), two stages, several ranges each; none for the empty group.
    expect(inspection.charts.length).toBeGreaterThanOrEqual(7 * 2 * 3);
    for (const chart of inspection.charts) {
      expect(chart.marks, chart.title).toBeGreaterThan(0);
      expect(chart.width, chart.title).toBeGreaterThan(0);
    }
    // The empty group still gets charts for what it has (CDDL = 0, GE), each with a mark.
    expect(inspection.charts.filter((c) => c.title.includes('age_band = 90+')).length).toBeGreaterThan(0);
  }, 60_000);
});
