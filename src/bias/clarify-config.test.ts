import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parseAnalysisConfig } from './clarify-config.js';

const fraud = fileURLToPath(new URL('../../test/fixtures/sagemaker-examples/amazon-sagemaker-examples/fraud_detection/analysis_config.json', import.meta.url));

describe('parseAnalysisConfig', () => {
  it('accepts the real fraud_detection analysis_config.json', () => {
    const parsed = parseAnalysisConfig(JSON.parse(readFileSync(fraud, 'utf8')));
    expect(parsed).toEqual({
      bias: { facets: [{ name: 'customer_gender_female', values: [1], kindFromData: true }], label: { name: 'fraud', values: [0], kindFromData: true } },
      preMethods: 'all',
      postMethods: undefined,
      datasetType: 'text/csv',
    });
  });

  it('reads thresholds, indexes through headers, group variable, predictor and method lists', () => {
    const parsed = parseAnalysisConfig({
      dataset_type: 'text/csv',
      headers: ['Target', 'Age', 'Sex'],
      label: 0,
      label_values_or_threshold: 0.5,
      facet: [{ name_or_index: 2, value_or_threshold: [0] }, { name_or_index: 'Age', value_or_threshold: 40 }, { name_or_index: 'Sex' }],
      group_variable: 1,
      probability_threshold: 0.8,
      methods: { pre_training_bias: { methods: ['CI', 'DPL'] }, post_training_bias: { methods: 'all' }, report: { name: 'report' } },
      predictor: { model_name: 'm1', instance_type: 'ml.m5.xlarge', initial_instance_count: 1 },
    });
    expect(parsed.bias).toEqual({
      label: { name: 'Target', threshold: 0.5 },
      facets: [{ name: 'Sex', values: [0], kindFromData: true }, { name: 'Age', threshold: 40 }, { name: 'Sex' }],
      groupVariable: 'Age',
    });
    expect(parsed).toMatchObject({ preMethods: ['CI', 'DPL'], postMethods: 'all', probabilityThreshold: 0.8, modelName: 'm1', headers: ['Target', 'Age', 'Sex'] });
  });

  it('names the field and the value of a wrong type', () => {
    const base = { label: 'y', label_values_or_threshold: [1], facet: [{ name_or_index: 'f' }] };
    expect(() => parseAnalysisConfig({ ...base, label_values_or_threshold: 'yes' })).toThrow('label_values_or_threshold: got "yes", expected a list of values or a number');
    expect(() => parseAnalysisConfig({ ...base, label_values_or_threshold: [{}] })).toThrow(/label_values_or_threshold\[0\]: got/);
    expect(() => parseAnalysisConfig({ ...base, facet: { name_or_index: 'f' } })).toThrow(/^facet: got/);
    expect(() => parseAnalysisConfig({ ...base, facet: [{ name_or_index: 3 }] })).toThrow(/facet\[0\]\.name_or_index: got 3, expected a column name \(an index needs "headers"\)/);
    expect(() => parseAnalysisConfig({ ...base, headers: ['y', 'f'], facet: [{ name_or_index: 3 }] })).toThrow(/an index below 2/);
    expect(() => parseAnalysisConfig({ ...base, facet: [{ name_or_index: 'f', value_or_threshold: 'x' }] })).toThrow(/facet\[0\]\.value_or_threshold: got "x"/);
    expect(() => parseAnalysisConfig({ ...base, probability_threshold: '0.5' })).toThrow(/probability_threshold: got "0.5"/);
    expect(() => parseAnalysisConfig({ ...base, label: true })).toThrow(/label: got true/);
    expect(() => parseAnalysisConfig({ facet: base.facet })).toThrow(/label: got nothing/);
    expect(() => parseAnalysisConfig([])).toThrow(/expected a JSON object/);
    expect(() => parseAnalysisConfig({ ...base, methods: { pre_training_bias: { methods: 5 } } })).toThrow(/methods\.pre_training_bias\.methods: got 5/);
  });

  it('lists the valid metric names for an unknown one', () => {
    const base = { label: 'y', label_values_or_threshold: [1], facet: [{ name_or_index: 'f' }] };
    expect(() => parseAnalysisConfig({ ...base, methods: { pre_training_bias: { methods: ['CI', 'DI'] } } })).toThrow(
      'methods.pre_training_bias.methods: unknown metric "DI"; valid: CDDL, CI, DPL, JS, KL, KS, LP, TVD',
    );
    expect(() => parseAnalysisConfig({ ...base, methods: { post_training_bias: { methods: ['XX'] } } })).toThrow(/valid: AD, CDDPL, DAR/);
  });
});
