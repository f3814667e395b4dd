/**
 * @module monitor/baseline/baseline.test
 * statistics.json / constraints.json: byte-identical to the real container's files for the same data, every
 * real example file read, type inference as Deequ, merging, suggestBaseline from files and URIs, bad input.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { sliceTable, tableFromRows, type ColumnTable } from '../../core/columns.js';
import { isPlatformError } from '../../core/errors.js';
import { generateScholarship } from '../../datasets/index.js';
import { createPlatform } from '../../platform.js';
import { FsObjectStore } from '../../storage/index.js';
import { readTable, writeTable } from '../../table/index.js';
import {
  classifyValue,
  computeStatistics,
  formatConstraintsJson,
  formatStatisticsJson,
  javaDouble,
  mergeStatistics,
  parseConstraints,
  parseStatistics,
  suggestBaseline,
  suggestConstraints,
  startSuggestBaselineJob,
  ValueKind,
} from './index.js';

const SDK = 'test/fixtures/sagemaker-examples/sagemaker-python-sdk';
const DQ = `${SDK}/quality_check_step/data_quality`;
const read = (p: string) => readFileSync(p, 'utf8');
const dir = mkdtempSync(join(tmpdir(), 'plumbline-baseline-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** The chapter's training split as recipe 2 writes it: label first, then the six features. */
function trainingTable(rows = 600): ColumnTable {
  const t = generateScholarship({ rows: 1000 });
  const keep = t.columns.filter((c) => c.name !== 'index' && c.name !== 'event_time');
  return sliceTable({ length: t.length, columns: keep }, 0, rows);
}

describe('statistics.json and constraints.json', () => {
  it('are byte-identical to the files the real container wrote for the same data', async () => {
    const table = await readTable(`${DQ}/baseline_dataset.csv`, { header: false });
    const stats = computeStatistics(table);
    expect(formatStatisticsJson(stats)).toBe(read(`${DQ}/statistics.json`));
    expect(formatConstraintsJson(suggestConstraints(stats))).toBe(read(`${DQ}/good_cases/constraints.json`));
  });

  it('reads every real statistics.json and constraints.json, and writes them back unchanged', () => {
    const stats = parseStatistics(JSON.parse(read(`${DQ}/statistics.json`)));
    expect(stats.features.map((f) => f.name)).toEqual(['_c0', '_c1', '_c2', '_c3', '_c4', '_c5']);
    expect(formatStatisticsJson(stats)).toBe(read(`${DQ}/statistics.json`));
    for (const c of ['good_cases', 'bad_cases']) {
      const parsed = parseConstraints(JSON.parse(read(`${DQ}/${c}/constraints.json`)));
      expect(formatConstraintsJson(parsed)).toBe(read(`${DQ}/${c}/constraints.json`));
    }
    const message = parseStatistics(JSON.parse(read(`${SDK}/monitor/statistics.json`)));
    expect(message.features[0]).toMatchObject({ name: 'message', inferred_type: 'String', string_statistics: { distinct_count: 1, distribution: { categorical: { buckets: [{ value: 'preproc-not-YET-supported-for-csv-json', count: 418 }] } } } });
    // Older fixture: overrides inside string_constraints, legacy enable_comparisons / min_domain_mass keys.
    const legacy = parseConstraints(JSON.parse(read(`${SDK}/monitor/constraints.json`)));
    expect(legacy.features[0]!.monitoringConfigOverrides).toEqual({ evaluate_constraints: 'Enabled', emit_metrics: 'Enabled' });
    expect(legacy.features[0]!.string_constraints).toEqual({ domains: ['preproc-not-YET-supported-for-csv-json'] });
    expect(legacy.monitoring_config.distribution_constraints).toEqual({ perform_comparison: 'Enabled', comparison_threshold: 1.0 });
    expect(formatConstraintsJson(legacy)).toContain('"monitoringConfigOverrides" : {');
  });

  it('refuses model-quality files with a message saying what they are', () => {
    const expectFail = (f: () => unknown, text: RegExp) => {
      try {
        f();
        expect.unreachable();
      } catch (e) {
        expect(isPlatformError(e) && e.code).toBe('VALIDATION_FAILED');
        expect((e as Error).message).toMatch(text);
      }
    };
    expectFail(() => parseStatistics(JSON.parse(read(`${SDK}/quality_check_step/model_quality/statistics.json`)), 'mq/statistics.json'), /mq\/statistics\.json: features: .*model-quality statistics file/);
    expectFail(() => parseConstraints(JSON.parse(read(`${SDK}/quality_check_step/model_quality/good_cases/constraints.json`))), /model-quality constraints file/);
    // Swapped baseline files are named as such instead of half-parsing (a statistics.json has inferred_type too).
    expectFail(() => parseConstraints(JSON.parse(read(`${DQ}/statistics.json`))), /\(file\): got \["version","dataset","features"\], expected a constraints\.json, not a statistics\.json/);
    expectFail(() => parseStatistics(JSON.parse(read(`${DQ}/good_cases/constraints.json`))), /expected a statistics\.json, not a constraints\.json/);
    expectFail(() => parseConstraints({ features: [], monitoring_config: { datatype_check_threshold: 1.5 } }), /monitoring_config\.datatype_check_threshold: got 1\.5, expected a number from 0 to 1/);
    expectFail(() => parseConstraints({ features: [{ name: 'a', inferred_type: 'Integral' }], monitoring_config: { distribution_constraints: { comparison_threshold: -0.1 } } }), /comparison_threshold: got -0\.1/);
    expectFail(() => parseConstraints({ features: [{ name: 'a', inferred_type: 'Int' }], monitoring_config: {} }), /features\[0\]\.inferred_type: got "Int", expected one of Integral, Fractional, String, Unknown/);
    expectFail(() => parseStatistics({ version: 0, dataset: { item_count: 2 }, features: [{ name: 'x', inferred_type: 'Integral', numerical_statistics: { common: { num_present: 'two' } } }] }), /num_present: got "two"/);
  });

  it('reads every override spelling into monitoringConfigOverrides', () => {
    const c = parseConstraints({
      version: 0,
      features: [
        { name: 'a', inferred_type: 'String', string_constraints: { domains: ['x'], monitoring_config_overrides: { evaluate_constraints: 'Disabled' } } },
        { name: 'b', inferred_type: 'Integral', monitoring_config_overrides: { evaluate_constraints: 'Disabled' } },
        { name: 'c', inferred_type: 'Integral', monitoringConfigOverrides: { distribution_constraints: { comparison_method: 'linf_simple' } } },
      ],
      monitoring_config: {},
    });
    expect(c.features.map((f) => f.monitoringConfigOverrides)).toEqual([{ evaluate_constraints: 'Disabled' }, { evaluate_constraints: 'Disabled' }, { distribution_constraints: { comparison_method: 'Simple' } }]);
  });
});

describe('type inference and statistics', () => {
  it('types text values with Deequ’s rules', () => {
    const kinds = (xs: string[]) => xs.map((x) => ValueKind[classifyValue(x)]);
    expect(kinds(['1', '-3', '+ 4', '007'])).toEqual(['Integral', 'Integral', 'Integral', 'Integral']);
    expect(kinds(['1.5', '-83.3', '1e5', '2.5E-3', '3.0'])).toEqual(['Fractional', 'Fractional', 'Fractional', 'Fractional', 'Fractional']);
    expect(kinds(['true', 'false'])).toEqual(['Boolean', 'Boolean']);
    expect(kinds(['.5', '5.', 'NaN', 'inf', 'True', 'abc', ''])).toEqual(['String', 'String', 'String', 'String', 'String', 'String', 'String']);
    const s = computeStatistics(
      tableFromRows(
        [
          { a: '1', b: '1', c: 'true', d: 'x', e: null },
          { a: '2', b: '2.5', c: 'false', d: '1', e: null },
          { a: null, b: '-3', c: 'true', d: 'y', e: null },
        ],
        ['a', 'b', 'c', 'd', 'e'],
      ),
    );
    expect(s.features.map((f) => f.inferred_type)).toEqual(['Integral', 'Fractional', 'String', 'String', 'Unknown']);
    expect(s.features[0]!.numerical_statistics).toMatchObject({ common: { num_present: 2, num_missing: 1 }, mean: 1.5, sum: 3, min: 1, max: 2 });
    expect(s.features[1]!.observed).toEqual({ integral: 2, fractional: 1, boolean: 0, string: 0, negative: 1 });
    expect(s.features[2]!.string_statistics!.distribution!.categorical.buckets).toEqual([{ value: 'true', count: 2 }, { value: 'false', count: 1 }]);
  });

  it('writes doubles as Java does', () => {
    expect([0, 1, 2048, 0.64, 66.66666666666666, 1e7, 1.5e-5, -0.0001, 12345678.9].map(javaDouble)).toEqual(['0.0', '1.0', '2048.0', '0.64', '66.66666666666666', '1.0E7', '1.5E-5', '-1.0E-4', '1.23456789E7']);
  });

  it('gives the chapter’s training data Integral types, full completeness and non-negative constraints', () => {
    const stats = computeStatistics(trainingTable());
    const constraints = suggestConstraints(stats);
    expect(constraints.features.map((f) => [f.name, f.inferred_type, f.completeness, f.num_constraints?.is_non_negative])).toEqual(
      ['approved', 'sex', 'math', 'science', 'technology', 'random1', 'random2'].map((n) => [n, 'Integral', 1, true]),
    );
    expect(constraints.monitoring_config).toEqual({
      evaluate_constraints: 'Enabled',
      emit_metrics: 'Enabled',
      datatype_check_threshold: 1,
      domain_content_threshold: 1,
      distribution_constraints: { perform_comparison: 'Enabled', comparison_threshold: 0.1, comparison_method: 'Robust' },
    });
    const math = stats.features[2]!.numerical_statistics!;
    expect(math.distribution!.kll.buckets).toHaveLength(10);
    expect(math.distribution!.kll.buckets.reduce((s, b) => s + b.count, 0)).toBe(600);
    expect(math.min).toBeGreaterThanOrEqual(60);
    expect(math.max).toBeLessThanOrEqual(100);
  });

  it('suggests domains for low-cardinality strings only, and writes is_non_negative false', () => {
    const rows = Array.from({ length: 200 }, (_, i) => ({ region: ['north', 'south', 'east'][i % 3], id: `id-${i}`, delta: i - 5 }));
    const c = suggestConstraints(computeStatistics(tableFromRows(rows)), { monitoringConfig: { distribution_constraints: { categorical_drift_method: 'ChiSquared' } } });
    expect(c.features[0]!.string_constraints).toEqual({ domains: ['north', 'south', 'east'] }); // by frequency (67, 67, 66), ties by value
    expect(c.features[1]!.string_constraints).toBeUndefined();
    expect(c.features[2]!.num_constraints).toEqual({ is_non_negative: false });
    expect(c.monitoring_config.distribution_constraints).toMatchObject({ comparison_method: 'Robust', categorical_drift_method: 'ChiSquared' });
  });

  it('merges statistics of parts into the statistics of the whole', () => {
    const whole = trainingTable(600);
    const full = computeStatistics(whole);
    const merged = mergeStatistics([computeStatistics(sliceTable(whole, 0, 250)), computeStatistics(sliceTable(whole, 250, 400)), computeStatistics(sliceTable(whole, 400, 600))]);
    expect(merged.dataset.item_count).toBe(600);
    merged.features.forEach((f, i) => {
      const a = f.numerical_statistics!;
      const b = full.features[i]!.numerical_statistics!;
      expect(a.common).toEqual(b.common);
      expect(a.sum).toBe(b.sum);
      expect([a.min, a.max]).toEqual([b.min, b.max]);
      expect(a.mean).toBeCloseTo(b.mean, 12);
      expect(a.std_dev).toBeCloseTo(b.std_dev, 10);
      expect(a.distribution!.kll.buckets).toEqual(b.distribution!.kll.buckets);
      expect(f.observed).toEqual(full.features[i]!.observed);
    });
    // A part where the column is text makes it a String feature.
    const text = computeStatistics(tableFromRows([{ approved: 'yes' }]));
    expect(mergeStatistics([full, text]).features[0]!.inferred_type).toBe('String');
  });
});

describe('suggestBaseline', () => {
  const store = new FsObjectStore(join(dir, 'objects'));

  it('baselines a header CSV, a header-less CSV (names _c0…) and Parquet, writing both files', async () => {
    const table = trainingTable();
    await writeTable(table, join(dir, 'training.csv'));
    await writeTable(table, join(dir, 'training.parquet'));
    const withHeader = await suggestBaseline({ objectStore: store }, { dataset: join(dir, 'training.csv'), output: join(dir, 'out-header') });
    expect(withHeader.statistics.features.map((f) => f.name)).toEqual(['approved', 'sex', 'math', 'science', 'technology', 'random1', 'random2']);
    expect(read(withHeader.files.statistics)).toBe(formatStatisticsJson(withHeader.statistics));
    expect(parseConstraints(JSON.parse(read(withHeader.files.constraints)))).toEqual(withHeader.constraints);

    const noHeaderCsv = read(join(dir, 'training.csv')).split('\n').slice(1).join('\n');
    writeFileSync(join(dir, 'training_no_header.csv'), noHeaderCsv);
    const noHeader = await suggestBaseline({ objectStore: store }, { dataset: join(dir, 'training_no_header.csv'), datasetFormat: { csv: { header: false } }, output: join(dir, 'out-no-header') });
    expect(noHeader.statistics.features.map((f) => f.name)).toEqual(['_c0', '_c1', '_c2', '_c3', '_c4', '_c5', '_c6']);
    expect(noHeader.statistics.features.map((f) => f.numerical_statistics!.sum)).toEqual(withHeader.statistics.features.map((f) => f.numerical_statistics!.sum));

    await writeTable(table, join(dir, 'training.jsonl'));
    const jsonl = await suggestBaseline({ objectStore: store }, { dataset: join(dir, 'training.jsonl'), datasetFormat: { json: { lines: true } }, output: join(dir, 'out-jsonl') });
    expect(formatStatisticsJson(jsonl.statistics)).toBe(formatStatisticsJson(withHeader.statistics));

    const parquet = await suggestBaseline({ objectStore: store }, { dataset: join(dir, 'training.parquet'), datasetFormat: { parquet: {} }, output: store.uriOf('baselines/p') });
    expect(parquet.files.statistics).toBe(store.uriOf('baselines/p/statistics.json'));
    expect(new TextDecoder().decode(await store.get('baselines/p/constraints.json'))).toBe(formatConstraintsJson(parquet.constraints));
  });

  it('reads the dataset from an object-store URI', async () => {
    await store.putFile('input/training_data.csv', join(dir, 'training.csv'));
    const r = await suggestBaseline({ objectStore: store }, { dataset: store.uriOf('input/training_data.csv'), output: store.uriOf('model-monitor/baseline-results') });
    expect(r.statistics.dataset.item_count).toBe(600);
    expect(await store.exists('model-monitor/baseline-results/statistics.json')).toBe(true);
  });

  it('runs as a job with status, outputs and a failure reason', async () => {
    const platform = await createPlatform({ home: join(dir, 'ws'), offlineFlushIntervalMs: 0, purgeIntervalMs: 0 });
    try {
      const job = await startSuggestBaselineJob(platform, { dataset: join(dir, 'training.csv'), output: join(dir, 'out-job'), jobName: 'baseline-job-1' });
      const result = await job.wait();
      expect(result.statistics.dataset.item_count).toBe(600);
      expect(await job.describe()).toMatchObject({ type: 'baseline-suggestion', status: 'Completed', outputs: { statistics: join(dir, 'out-job', 'statistics.json') } });
      const failing = await startSuggestBaselineJob(platform, { dataset: join(dir, 'missing.csv'), output: join(dir, 'out-job2') });
      await expect(failing.wait()).rejects.toThrow(/not found/);
      expect(await failing.describe()).toMatchObject({ status: 'Failed', failureReason: expect.stringMatching(/missing\.csv" not found/) });
    } finally {
      await platform.close();
    }
  });

  it('rejects bad input with messages naming the field', async () => {
    const ctx = { objectStore: store };
    await expect(suggestBaseline(ctx, { dataset: join(dir, 'nope.csv'), output: join(dir, 'x') })).rejects.toThrow(/not found/);
    await expect(suggestBaseline(ctx, { dataset: join(dir, 'training.csv'), output: 's3://elsewhere/x' })).rejects.toThrow(/output: got "s3:\/\/elsewhere\/x", expected a local folder or a location inside the object store/);
    await expect(suggestBaseline(ctx, { dataset: join(dir, 'training.csv'), output: '' })).rejects.toThrow(/output/);
    await expect(suggestBaseline(ctx, { dataset: join(dir, 'training.csv'), datasetFormat: { xml: {} } as never, output: join(dir, 'x') })).rejects.toThrow(/datasetFormat/);
    await expect(suggestBaseline(ctx, { dataset: { length: 0, columns: [{ name: 'a', type: 'int', values: new Float64Array(0) }] }, output: join(dir, 'x') })).rejects.toThrow(/no rows/);
    // One short line makes DuckDB's sniffer read the whole CSV as one column: refused, not baselined as one String.
    const rows = Array.from({ length: 50 }, (_, i) => `${i % 2},${60 + i},${70 + i}`);
    writeFileSync(join(dir, 'ragged.csv'), ['a,b,c', ...rows.slice(0, 20), '1,2', ...rows.slice(20)].join('\n') + '\n');
    await expect(suggestBaseline(ctx, { dataset: join(dir, 'ragged.csv'), output: join(dir, 'x') })).rejects.toThrow(/dataset: got ".*ragged\.csv", expected a CSV whose lines all have the same number of comma-separated fields \(it was read as one column, e\.g\. "a,b,c"/);
    // A real one-column CSV, quoted commas included, is still baselined.
    writeFileSync(join(dir, 'one.csv'), '"a, b"\n"c, d"\ne\n');
    const one = await suggestBaseline(ctx, { dataset: join(dir, 'one.csv'), datasetFormat: { csv: { header: false } }, output: join(dir, 'one') });
    expect(one.constraints.features.map((f) => [f.name, f.inferred_type])).toEqual([['_c0', 'String']]);
  });
});
