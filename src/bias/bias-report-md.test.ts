import { describe, expect, it } from 'vitest';
import { biasReportMarkdown, metricReading } from './bias-report-md.js';

describe('bias report markdown', () => {
  it('reads CI as representation shares', () => {
    expect(metricReading({ name: 'CI', value: 0.6 }, '0')).toBe('CI 0.6: facet value 0 is under-represented (20% vs 80% of rows)');
    expect(metricReading({ name: 'DPL', value: -0.25 }, 'F')).toBe('DPL -0.25: facet value F has a higher rate of positive labels than the rest (by 25 points)');
  });

  it('shows infinities and failed metrics with their error, one table per facet value', () => {
    const md = biasReportMarkdown({
      version: '1.0',
      post_training_bias_metrics: {
        label: 'y',
        label_value_or_threshold: '1',
        facets: { sex: [{ value_or_threshold: '0', metrics: [
          { name: 'CDDPL', description: 'Conditional Demographic Disparity in Predicted Labels (CDDPL)', value: null, error: 'Group variable is empty or not provided' },
          { name: 'DI', description: 'Disparate Impact (DI)', value: 'Infinity' },
        ] }] },
      },
    });
    expect(md).toContain('### Facet `sex` = `0`');
    expect(md).toContain('| CDDPL | failed | Conditional Demographic Disparity in Predicted Labels (CDDPL) | CDDPL failed: Group variable is empty or not provided |');
    expect(md).toMatch(/\| DI \| \+∞ \| Disparate Impact \(DI\) \| DI \+∞: unbounded/);
  });
});
