/** @module report/html-report.test  The report kit renders every block; headless Chromium loads it and the charts draw. */
import { describe, expect, it } from 'vitest';
import { inspectReport } from '../../test/helpers/browser.js';
import { renderHtmlReport, type HtmlReport } from './index.js';

const report: HtmlReport = {
  title: 'Bias <report> & "friends"',
  subtitle: 'facet sex',
  summary: [
    { label: 'rows', value: '1,000' },
    { label: 'violations', value: '2', tone: 'bad' },
  ],
  sections: [
    {
      title: 'Metrics',
      blocks: [
        { type: 'text', text: 'First paragraph.\n\nSecond <b>not bold</b>.' },
        { type: 'callout', tone: 'warn', text: 'Group d is empty.' },
        {
          type: 'bars',
          title: 'Pre-training metrics',
          domain: [-1, 1],
          bars: [
            { label: 'CI', value: 0.59, low: 0.55, high: 0.63, tone: 'bad', note: 'favours a' },
            { label: 'DPL', value: -0.12 },
            { label: 'DI', value: Infinity },
            { label: 'KS', value: null },
          ],
        },
        { type: 'table', columns: ['metric', 'value'], rows: [['CI', 0.59], ['KS', null]] },
      ],
    },
    {
      title: 'Explanations',
      blocks: [
        { type: 'lines', title: 'PDP math', xLabel: 'math', yLabel: 'score', series: [{ name: 'label0', points: [[60, 0.1], [80, 0.4], [100, 0.9]] }, { name: 'label1', points: [[60, 0.9], [100, 0.1]] }] },
        { type: 'strip', title: 'Local SHAP', rows: [{ label: 'math', values: Array.from({ length: 3000 }, (_, i) => Math.sin(i)), colorValues: Array.from({ length: 3000 }, (_, i) => i) }, { label: 'random1', values: [0, 0, 0.01] }] },
        { type: 'histogram', title: 'Distribution of science', bins: ['60-70', '70-80', '80-90', '90-100'], series: [{ name: 'baseline', values: [0.1, 0.3, 0.4, 0.2] }, { name: 'current', values: [0.5, 0.2, 0.2, 0.1] }] },
      ],
    },
  ],
};

describe('renderHtmlReport', () => {
  it('escapes text and is self-contained', () => {
    const html = renderHtmlReport(report);
    expect(html).toContain('<title>Bias &lt;report&gt; &amp; &quot;friends&quot;</title>');
    expect(html).toContain('Second &lt;b&gt;not bold&lt;/b&gt;.');
    expect(html).not.toMatch(/<script|https?:\/\/(?!www\.w3\.org)/);
    expect(html.match(/<svg class="chart"/g)).toHaveLength(4);
  });

  it('loads in headless Chromium without errors and every chart draws', async () => {
    const result = await inspectReport(renderHtmlReport(report));
    if (result.skipped) return;
    expect(result.errors).toEqual([]);
    expect(result.charts.map((c) => c.title)).toEqual(['Pre-training metrics', 'PDP math', 'Local SHAP', 'Distribution of science']);
    for (const chart of result.charts) {
      expect(chart.width).toBeGreaterThan(100);
      expect(chart.height).toBeGreaterThan(50);
      expect(chart.marks).toBeGreaterThan(0);
    }
    expect(result.charts[0]!.marks).toBeGreaterThanOrEqual(5); // 3 bars + the infinity arrow + a whisker
  }, 60_000);
});
