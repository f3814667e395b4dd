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
    expect(md).toContain('| CDDPL | failed | Conditional Demographic Disparity in Predicted Labels (CDDPL) |  | CDDPL failed: Group variable is empty or not provided |');
    expect(md).toMatch(/\| DI \| \+∞ \| Disparate Impact \(DI\) \| favours sex = 0 over the rest by an unbounded ratio \(a zero denominator\) \| DI \+∞: unbounded/);
  });

  it('adds the bootstrap interval column and says which group each metric favours', () => {
    const md = biasReportMarkdown({
      version: '1.0',
      pre_training_bias_metrics: {
        label: 'y',
        label_value_or_threshold: '1',
        facets: { 'sex+age_band': [{ value_or_threshold: '(0, 18-30)', metrics: [
          { name: 'CI', description: 'Class Imbalance (CI)', value: 0.5, confidence_interval: [0.45, 0.55] },
          { name: 'DPL', description: 'Difference in Positive Proportions in Labels (DPL)', value: 0.148, confidence_interval: [0.1, 0.19] },
        ] }] },
      },
    });
    expect(md).toContain('| metric | value | interval | description | favours | reading |');
    expect(md).toContain('| DPL | 0.148 | [0.1, 0.19] | Difference in Positive Proportions in Labels (DPL) | favours the rest over sex+age_band = (0, 18-30) by 14.8 points |');
    expect(md).toContain('| CI | 0.5 | [0.45, 0.55] | Class Imbalance (CI) |  |');
  });
});
