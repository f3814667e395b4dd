import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { biasAnalysisJson, METRIC_DESCRIPTIONS, postTrainingBias, preTrainingBias, type BiasConfig, type MetricName } from './index.js';
import type { Column, ColumnTable } from '../core/columns.js';

const EXAMPLES = fileURLToPath(new URL('../../test/fixtures/sagemaker-examples/', import.meta.url));
const REAL = [
  'sagemaker-python-sdk/clarify_check_step/data_bias/good_cases/analysis.json',
  'sagemaker-python-sdk/clarify_check_step/data_bias/bad_cases/analysis.json',
  'amazon-sagemaker-examples/fraud_detection/bias_1/analysis.json',
  'amazon-sagemaker-examples/fraud_detection/bias_2/analysis.json',
];

type FixtureColumns = Record<string, { type: 'int' | 'float' | 'string'; values: (number | string | null)[] }>;

function fixtureTable(f: { columns: FixtureColumns }): ColumnTable {
  const columns = Object.entries(f.columns).map(([name, c]): Column =>
    c.type === 'string'
      ? { name, type: 'string', values: c.values.map((v) => (v === null ? null : String(v))) }
      : { name, type: c.type, values: Float64Array.from(c.values, (v) => (v === null ? NaN : Number(v))) },
  );
  return { length: columns[0]!.values.length, columns };
}

/** The nesting of a JSON value: object keys (sorted), array element shapes merged, leaves as their JSON type. */
function shape(v: unknown): unknown {
  if (Array.isArray(v)) {
    const shapes = v.map(shape).map((s) => JSON.stringify(s));
    return [...new Set(shapes)].sort().map((s) => JSON.parse(s) as unknown);
  }
  if (v !== null && typeof v === 'object') {
    return Object.fromEntries(Object.keys(v).sort().map((k) => [k, shape((v as Record<string, unknown>)[k])]));
  }
  return 'leaf';
}

/** A section's shape with facet names replaced (they differ between datasets) and the `error` key made uniform. */
function sectionShape(section: Record<string, unknown>): unknown {
  const facets = Object.values(section['facets'] as Record<string, unknown[]>).flat();
  const metrics = facets.flatMap((f) => (f as { metrics: Record<string, unknown>[] }).metrics);
  return {
    keys: Object.keys(section).sort(),
    facetEntryKeys: [...new Set(facets.map((f) => Object.keys(f as object).sort().join()))],
    metricKeys: [...new Set(metrics.map((m) => Object.keys(m).sort().join()))].sort(),
    valueTypes: [...new Set(metrics.map((m) => (m['value'] === null ? 'null' : typeof m['value'])))].sort(),
    facetsIsMapOfLists: Object.values(section['facets'] as object).every(Array.isArray),
  };
}

describe('analysis.json structure matches real Clarify output', () => {
  const real = REAL.map((p) => JSON.parse(readFileSync(EXAMPLES + p, 'utf8')) as Record<string, Record<string, unknown>>);
  const fixture = JSON.parse(readFileSync(fileURLToPath(new URL('../../test/fixtures/bias/binary-facet.json', import.meta.url)), 'utf8'));
  const table = fixtureTable(fixture);
  const config = fixture.config as BiasConfig;
  const ours = JSON.parse(JSON.stringify(biasAnalysisJson({ pre: preTrainingBias(table, config), post: postTrainingBias(table, config) }))) as Record<
    string,
    Record<string, unknown>
  >;

  it('has the same top-level keys and key order as a real job with both sections', () => {
    expect(Object.keys(ours)).toEqual(Object.keys(real[2]!));
    expect(ours['version']).toBe('1.0');
  });

  it('each section has the same nesting as the real files', () => {
    for (const file of real) {
      for (const key of ['pre_training_bias_metrics', 'post_training_bias_metrics']) {
        if (!file[key]) continue;
        const theirs = sectionShape(file[key]!) as { metricKeys: string[]; valueTypes: string[] };
        const mine = sectionShape(ours[key]!) as { metricKeys: string[]; valueTypes: string[] };
        expect({ ...mine, metricKeys: [], valueTypes: [] }).toEqual({ ...theirs, metricKeys: [], valueTypes: [] });
        // Ours and theirs both have metrics with and without `error` (CDDL without a group variable).
        for (const k of theirs.metricKeys) expect(mine.metricKeys).toContain(k);
        expect(Object.keys(ours[key]!)).toEqual(Object.keys(file[key]!));
      }
    }
    for (const key of ['pre_training_bias_metrics', 'post_training_bias_metrics']) {
      expect(shape(Object.values(ours[key]!['facets'] as object))).toEqual(shape(Object.values(real[2]![key]!['facets'] as object)));
    }
  });

  it('uses the real description strings and the same metric names, sorted', () => {
    for (const file of real) {
      for (const key of ['pre_training_bias_metrics', 'post_training_bias_metrics']) {
        if (!file[key]) continue;
        const theirs = Object.values(file[key]!['facets'] as Record<string, { metrics: { name: MetricName; description: string; error?: string }[] }[]>).flat()[0]!.metrics;
        for (const m of theirs) expect(METRIC_DESCRIPTIONS[m.name]).toBe(m.description);
        const mine = Object.values(ours[key]!['facets'] as Record<string, { metrics: { name: string; error?: string }[] }[]>).flat()[0]!.metrics;
        // The 2022 jobs predate SD and GE (smclarify PR #119).
        expect(mine.map((m) => m.name).filter((n) => n !== 'SD' && n !== 'GE')).toEqual(theirs.map((m) => m.name));
        expect(mine.map((m) => m.name)).toEqual([...mine.map((m) => m.name)].sort());
        const theirError = theirs.find((m) => m.error)?.error;
        if (theirError) expect(mine.find((m) => m.name === 'CDDL' || m.name === 'CDDPL')!.error).toBe(theirError);
      }
    }
  });
});
