/**
 * @module monitor/checks/checks.test
 * Every check with the chapter's good and bad input, the real fixtures' good and bad constraints, overrides in
 * every spelling, drift distances (checked against numpy/scipy), and the violations file's exact text.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { sliceTable, tableFromRows, type ColumnTable } from '../../core/columns.js';
import { generateScholarship } from '../../datasets/index.js';
import { readTable } from '../../table/index.js';
import { computeStatistics, KllSketch, parseConstraints, parseStatistics, suggestConstraints, type ConstraintsJson, type StatisticsJson } from '../baseline/index.js';
import { categoricalLinf, checkConstraints, chiSquaredPValue, evaluateConstraints, formatViolationsJson, kllLinf, parseViolations, robust } from './index.js';

const SDK = 'test/fixtures/sagemaker-examples/sagemaker-python-sdk';
const DQ = `${SDK}/quality_check_step/data_quality`;
const FEATURES = ['approved', 'sex', 'math', 'science', 'technology', 'random1', 'random2'];

function training(names = FEATURES): ColumnTable {
  const t = generateScholarship({ rows: 1000 });
  const keep = t.columns.filter((c) => c.name !== 'index' && c.name !== 'event_time').map((c, i) => ({ ...c, name: names[i]! }));
  return sliceTable({ length: t.length, columns: keep }, 0, 600);
}

/** Captured rows as the capture reader gives them: raw CSV fields, output (the model's score) first, then the inputs. */
function captured(lines: string[], names = FEATURES): ColumnTable {
  return { length: lines.length, columns: names.map((name, i) => ({ name, type: 'string' as const, values: lines.map((l) => l.split(',')[i] ?? null) })) };
}

const GOOD = '0.8712,1,92,83,86,96,67';
const BAD = '0.8712,1,92,-83.3,86,-96,67';

function chapter(names = FEATURES): { baseline: StatisticsJson; constraints: ConstraintsJson } {
  const baseline = computeStatistics(training(names));
  const constraints = suggestConstraints(baseline);
  constraints.features[0]!.inferred_type = 'Fractional'; // the book's edit: feature 0 receives the model's probability
  return { baseline, constraints };
}

describe('the chapter’s good and bad input', () => {
  it('good input alone: no violations', () => {
    const { baseline, constraints } = chapter();
    expect(checkConstraints({ baseline, constraints, current: computeStatistics(captured([GOOD])) })).toEqual({ violations: [] });
    expect(checkConstraints({ baseline, constraints, current: computeStatistics(captured([GOOD, GOOD, GOOD])) })).toEqual({ violations: [] });
  });

  it('bad input: a data type violation for science and a non-negative violation for random1', () => {
    const { baseline, constraints } = chapter();
    const { violations } = checkConstraints({ baseline, constraints, current: computeStatistics(captured([GOOD, BAD])) });
    expect(violations).toContainEqual({
      feature_name: 'science',
      constraint_check_type: 'data_type_check',
      description: 'Data type match requirement is not met. Expected data type: Integral, Expected match: 100.0%. Observed: Only 50.0% of data is Integral.',
    });
    expect(violations).toContainEqual({
      feature_name: 'random1',
      constraint_check_type: 'non_negative_check',
      description:
        'Non-negative requirement is not met (plumbline extension check: SageMaker writes is_non_negative but does not check it). Expected: no negative values, as in the baseline. Observed: 1 of 2 numeric values (50.0%) are negative, minimum -96.0.',
      extension: true,
    });
    // science is negative too (-83.3); nothing else fires (two rows cannot drift under the Robust correction).
    expect(violations.map((v) => `${v.feature_name}/${v.constraint_check_type}`).sort()).toEqual(['random1/non_negative_check', 'science/data_type_check', 'science/non_negative_check']);
  });

  it('a non-negative feature that arrives as text only gets a data type violation, not a crash of the non-negative check', () => {
    const { baseline, constraints } = chapter();
    const current = computeStatistics(captured(['0.8712,1,92,83,86,abc,67']));
    const report = evaluateConstraints({ baseline, constraints, current });
    const random1 = report.violations.filter((v) => v.feature_name === 'random1').map((v) => v.constraint_check_type);
    expect(random1).toContain('data_type_check');
    expect(random1).not.toContain('non_negative_check');
  });

  it('with a header-less baseline the same findings are reported for _c3 and _c5', () => {
    const names = FEATURES.map((_, i) => `_c${i}`);
    const { baseline, constraints } = chapter(names);
    const { violations } = checkConstraints({ baseline, constraints, current: computeStatistics(captured([BAD], names)) });
    expect(violations.map((v) => `${v.feature_name}/${v.constraint_check_type}`).sort()).toEqual(['_c3/data_type_check', '_c3/non_negative_check', '_c5/non_negative_check']);
  });

  it('without the book’s edit, the probability in the label column is the classic false data type violation', () => {
    const baseline = computeStatistics(training());
    const { violations } = checkConstraints({ baseline, constraints: suggestConstraints(baseline), current: computeStatistics(captured([GOOD])) });
    expect(violations).toEqual([
      { feature_name: 'approved', constraint_check_type: 'data_type_check', description: 'Data type match requirement is not met. Expected data type: Integral, Expected match: 100.0%. Observed: Only 0.0% of data is Integral.' },
    ]);
  });
});

describe('checks on the SDK’s real fixtures', () => {
  it('good_cases passes and bad_cases (feature _c5 declared String) fails on the baseline data', async () => {
    const baseline = parseStatistics(JSON.parse(readFileSync(`${DQ}/statistics.json`, 'utf8')));
    const data = computeStatistics(await readTable(`${DQ}/baseline_dataset.csv`, { header: false }));
    const good = parseConstraints(JSON.parse(readFileSync(`${DQ}/good_cases/constraints.json`, 'utf8')));
    const bad = parseConstraints(JSON.parse(readFileSync(`${DQ}/bad_cases/constraints.json`, 'utf8')));
    expect(checkConstraints({ baseline, constraints: good, current: data }).violations).toEqual([]);
    expect(checkConstraints({ baseline, constraints: bad, current: data }).violations).toEqual([
      { feature_name: '_c5', constraint_check_type: 'data_type_check', description: 'Data type match requirement is not met. Expected data type: String, Expected match: 100.0%. Observed: Only 0.0% of data is String.' },
    ]);
    // Statistics read back from a file (no per-type counts) give the same verdicts.
    const fromFile = parseStatistics(JSON.parse(JSON.stringify({ ...data, features: data.features.map(({ observed: _o, ...f }) => f) })));
    expect(checkConstraints({ baseline, constraints: bad, current: fromFile }).violations).toHaveLength(1);
  });

  it('writes constraint_violations.json exactly as the container does and reads the real one', () => {
    const text = readFileSync(`${SDK}/monitor/constraint_violations.json`, 'utf8');
    const parsed = parseViolations(JSON.parse(text));
    expect(parsed.violations).toHaveLength(7);
    expect(formatViolationsJson(parsed)).toBe(text.trimEnd());
    expect(formatViolationsJson({ violations: [] })).toBe('{\n  "violations" : [ ]\n}');
  });
});

describe('each check', () => {
  const base = computeStatistics(
    tableFromRows(Array.from({ length: 100 }, (_, i) => ({ color: ['red', 'green', 'blue'][i % 3], size: i % 10, weight: 1.5 + (i % 7) }))),
  );
  const constraints = suggestConstraints(base);

  it('completeness_check and categorical_values_check use the container’s legacy descriptions', () => {
    const current = computeStatistics(tableFromRows([{ color: 'red', size: 1, weight: 2.5 }, { color: 'purple', size: null, weight: 2.5 }, { color: 'pink', size: 2, weight: 3.5 }, { color: 'red', size: 3, weight: 2 }], ['color', 'size', 'weight']));
    const { violations } = checkConstraints({ constraints, current });
    expect(violations).toEqual([
      { feature_name: 'color', constraint_check_type: 'categorical_values_check', description: 'Value: 0.5 does not meet the constraint requirement! ' },
      { feature_name: 'size', constraint_check_type: 'completeness_check', description: 'Value: 0.75 does not meet the constraint requirement! ' },
    ]);
  });

  it('missing_column_check and extra_column_check', () => {
    const current = computeStatistics(tableFromRows([{ color: 'red', weight: 2.5, extra: 1 }]));
    const { violations } = checkConstraints({ baseline: base, constraints, current });
    expect(violations).toEqual([
      { feature_name: 'size', constraint_check_type: 'missing_column_check', description: 'Missing column: the baseline has 3 columns and the current data has 3; column "size" is not in the current data.' },
      { feature_name: 'extra', constraint_check_type: 'extra_column_check', description: 'Extra column: the baseline has 3 columns and the current data has 3; column "extra" is not in the baseline.' },
    ]);
  });

  it('evaluate_constraints Disabled in every spelling turns a feature’s checks off; thresholds follow overrides', () => {
    const current = computeStatistics(tableFromRows([{ color: 'pink', size: 1.5, weight: 2 }]));
    const raw = JSON.parse(JSON.stringify(constraints)) as { features: Record<string, unknown>[] };
    expect(checkConstraints({ constraints, current }).violations.map((v) => v.feature_name)).toEqual(['color', 'size']);
    raw.features[0]!.string_constraints = { ...(raw.features[0]!.string_constraints as object), monitoring_config_overrides: { evaluate_constraints: 'Disabled' } };
    raw.features[1]!.monitoring_config_overrides = { datatype_check_threshold: 0.0 };
    expect(checkConstraints({ constraints: parseConstraints(raw), current }).violations).toEqual([]);
    const camel = JSON.parse(JSON.stringify(constraints)) as { features: Record<string, unknown>[] };
    camel.features[1]!.monitoringConfigOverrides = { evaluate_constraints: 'Disabled' };
    expect(checkConstraints({ constraints: parseConstraints(camel), current }).violations.map((v) => v.feature_name)).toEqual(['color']);
  });

  it('baseline_drift_check: numeric (Simple vs Robust) and categorical (LInfinity, ChiSquared)', () => {
    const shifted = computeStatistics(tableFromRows(Array.from({ length: 100 }, (_, i) => ({ color: i % 4 === 0 ? 'red' : 'blue', size: (i % 10) + 4, weight: 1.5 + (i % 7) }))));
    const report = evaluateConstraints({ baseline: base, constraints, current: shifted });
    const drift = report.results.filter((r) => r.check === 'baseline_drift_check');
    expect(drift.map((r) => [r.feature, r.method, r.passed])).toEqual([
      ['color', 'LInfinity Robust', false],
      ['size', 'Robust', false],
      ['weight', 'Robust', true],
    ]);
    // size: baseline 0..9 uniform, current 4..13: max CDF gap 0.4, robust 0.4 - 1.8·sqrt(200/10000)
    expect(drift[1]!.value).toBeCloseTo(0.4 - 1.8 * Math.sqrt(200 / 10000), 12);
    expect(report.violations.find((v) => v.feature_name === 'size')!.description).toBe(`Numerical distance: ${drift[1]!.value} exceeds numerical threshold: 0.1`);
    expect(report.violations.find((v) => v.feature_name === 'color')!.description).toMatch(/^Categorical distance: 0\.\d+ exceeds categorical threshold: 0\.1$/);

    const simple = parseConstraints({ ...constraints, monitoring_config: { ...constraints.monitoring_config, distribution_constraints: { comparison_method: 'Simple', comparison_threshold: 0.1, categorical_drift_method: 'ChiSquared', categorical_comparison_threshold: 0.05 } } });
    const tiny = computeStatistics(tableFromRows([{ color: 'red', size: 9, weight: 7.5 }]));
    expect(evaluateConstraints({ baseline: base, constraints, current: tiny }).results.filter((r) => r.check === 'baseline_drift_check' && !r.passed)).toEqual([]);
    const s = evaluateConstraints({ baseline: base, constraints: simple, current: tiny }).results.filter((r) => r.check === 'baseline_drift_check');
    expect(s.find((r) => r.feature === 'size')).toMatchObject({ method: 'Simple', value: 0.9, passed: false });
    const chi = evaluateConstraints({ baseline: base, constraints: simple, current: shifted }).results.find((r) => r.feature === 'color' && r.check === 'baseline_drift_check')!;
    expect(chi.method).toBe('ChiSquared');
    expect(chi.passed).toBe(false);
  });
});

describe('distances', () => {
  it('KLL L-infinity equals the two-sample KS statistic (scipy) while sketches hold every value', () => {
    const a = Array.from({ length: 700 }, (_, i) => Math.sin(i) * 10);
    const b = Array.from({ length: 300 }, (_, i) => Math.cos(i) * 9 + 1);
    const sa = new KllSketch();
    sa.updateAll(a);
    const sb = new KllSketch();
    sb.updateAll(b);
    const d = kllLinf(sa, sb);
    const py = execFileSync('/usr/bin/python3', ['-c', 'import sys,json; from scipy.stats import ks_2samp; d=json.load(sys.stdin); print(repr(ks_2samp(d["a"], d["b"]).statistic))'], { input: JSON.stringify({ a, b }) }).toString();
    expect(d.distance).toBeCloseTo(Number(py), 12);
    expect([d.n, d.m]).toEqual([700, 300]);
    expect(robust(0.5, 700, 300)).toBeCloseTo(0.5 - 1.8 * Math.sqrt(1000 / 210000), 14);
    expect(robust(0.05, 700, 300)).toBe(0);
  });

  it('categorical L-infinity and Deequ’s chi-square (scipy chisquare on the same expected counts)', () => {
    const base = new Map([['a', 50], ['b', 30], ['c', 20]]);
    const cur = new Map([['a', 20], ['b', 20], ['c', 40], ['d', 5]]);
    expect(categoricalLinf(base, cur).distance).toBeCloseTo(Math.max(0.5 - 20 / 85, 0.3 - 20 / 85, 40 / 85 - 0.2, 5 / 85), 14);
    const p = chiSquaredPValue(base, cur);
    // Deequ: expected = baseline shares × (current total over baseline categories = 80); observed a, b, c.
    const py = execFileSync('/usr/bin/python3', ['-c', 'from scipy.stats import chisquare; print(repr(chisquare([20,20,40],[40,24,16]).pvalue))']).toString();
    expect(p).toBeCloseTo(Number(py), 12);
    // Rare categories are merged (Yates): b and c expected below 5 get grouped; one category left → NaN.
    expect(chiSquaredPValue(new Map([['a', 95], ['b', 3], ['c', 2]]), new Map([['a', 5], ['b', 1]]))).toBeNaN();
  });
});
