import { describe, expect, it } from 'vitest';
import { biasDrift, featureAttributionDrift } from './index.js';

describe('attribution and bias drift', () => {
  it("gives AWS's worked NDCG example: 0.6876, a violation below 0.9", () => {
    // Baseline SAT .70, GPA .50, rank .05; the live ranking is rank, GPA, SAT.
    const r = featureAttributionDrift({ SAT: 0.7, GPA: 0.5, rank: 0.05 }, { rank: 0.9, GPA: 0.5, SAT: 0.1 });
    expect(r.ndcg).toBeCloseTo(0.71546 / 1.04046, 5);
    expect(r.ndcg).toBeCloseTo(0.6876, 4);
    expect(r.violation).toEqual({ label: 'label0', metric_name: 'shap', constraint_check_type: 'feature_attribution_drift_check', description: `Feature attribution drift ${r.ndcg} exceeds threshold 0.9` });
    expect(featureAttributionDrift({ SAT: 0.7, GPA: 0.5, rank: 0.05 }, { SAT: 0.6, GPA: 0.4, rank: 0.1 })).toEqual({ ndcg: 1, threshold: 0.9 });
  });

  it('flags a bias metric farther from 0 than its baseline (DPPL baseline 0.2: 0.1 passes, -0.3 fails)', () => {
    const { violations } = biasDrift([
      { facet: 'sex', facetValue: '0', metric: 'DPPL', baseline: 0.2, value: 0.1 },
      { facet: 'sex', facetValue: '1', metric: 'DPPL', baseline: 0.2, value: -0.3 },
    ]);
    expect(violations).toEqual([{ facet: 'sex', facet_value: '1', metric_name: 'DPPL', constraint_check_type: 'bias_drift_check', description: 'Value -0.3 does not meet the constraint requirement' }]);
  });
});
