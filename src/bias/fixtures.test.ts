import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { Column, ColumnTable } from '../core/columns.js';
import { isPlatformError } from '../core/errors.js';
import { biasAnalysisJson, postTrainingBias, postTrainingMetrics, preTrainingBias, type BiasConfig, type MetricResult } from './index.js';

const DIR = fileURLToPath(new URL('../../test/fixtures/bias/', import.meta.url));

interface Fixture {
  name: string;
  note: string;
  columns: Record<string, { type: 'int' | 'float' | 'string' | 'bool'; values: (number | string | boolean | null)[] }>;
  config: BiasConfig;
  expected: Record<string, unknown>;
}

function fixtureTable(f: Fixture): ColumnTable {
  const columns = Object.entries(f.columns).map(([name, c]): Column => {
    if (c.type === 'string') return { name, type: 'string', values: c.values.map((v) => (v === null ? null : String(v))) };
    if (c.type === 'bool') {
      return { name, type: 'bool', values: Uint8Array.from(c.values, (v) => (v ? 1 : 0)), valid: Uint8Array.from(c.values, (v) => (v === null ? 0 : 1)) };
    }
    return { name, type: c.type, values: Float64Array.from(c.values, (v) => (v === null ? NaN : Number(v))) };
  });
  return { length: columns[0]!.values.length, columns };
}

/** Same keys, same strings, numbers within 1e-9 (absolute, or relative for large values). */
function expectClose(actual: unknown, expected: unknown, path: string): void {
  if (typeof expected === 'number') {
    expect(typeof actual, path).toBe('number');
    expect(Math.abs((actual as number) - expected), `${path}: ${actual} vs ${expected}`).toBeLessThanOrEqual(1e-9 * Math.max(1, Math.abs(expected)));
    return;
  }
  if (Array.isArray(expected)) {
    expect(Array.isArray(actual), path).toBe(true);
    expect((actual as unknown[]).length, path).toBe(expected.length);
    expected.forEach((e, i) => expectClose((actual as unknown[])[i], e, `${path}[${i}]`));
    return;
  }
  if (expected !== null && typeof expected === 'object') {
    expect(actual !== null && typeof actual === 'object', path).toBe(true);
    expect(Object.keys(actual as object), path).toEqual(Object.keys(expected));
    for (const [k, e] of Object.entries(expected)) expectClose((actual as Record<string, unknown>)[k], e, `${path}.${k}`);
    return;
  }
  expect(actual, path).toBe(expected);
}

const files = readdirSync(DIR).filter((f) => f.endsWith('.json') && f !== 'direct-ge.json').sort();

describe('bias metrics against independently computed expectations', () => {
  it('has the fixtures', () => expect(files.length).toBeGreaterThanOrEqual(10));

  for (const file of files) {
    it(file, () => {
      const f = JSON.parse(readFileSync(DIR + file, 'utf8')) as Fixture;
      const table = fixtureTable(f);
      const pre = preTrainingBias(table, f.config);
      const postExpected = f.expected['post_training_bias_metrics'] as { error?: string } | undefined;
      if (postExpected?.error) {
        let thrown: unknown;
        try {
          postTrainingBias(table, f.config);
        } catch (e) {
          thrown = e;
        }
        expect(isPlatformError(thrown) && thrown.code === 'VALIDATION_FAILED').toBe(true);
        expect((thrown as Error).message).toContain('predictedLabel');
        expectClose(biasAnalysisJson({ pre }), { version: '1.0', pre_training_bias_metrics: f.expected['pre_training_bias_metrics'] }, file);
        return;
      }
      const post = postTrainingBias(table, f.config);
      // JSON round trip: what a file on disk holds.
      const actual = JSON.parse(JSON.stringify(biasAnalysisJson({ pre, post })));
      expectClose(actual, f.expected, file);
    });
  }

  it('GE direct calls (cases a report cannot reach)', () => {
    const cases = JSON.parse(readFileSync(DIR + 'direct-ge.json', 'utf8')) as { label: number[]; predicted: number[]; GE: MetricResult }[];
    for (const c of cases) {
      const [ge] = postTrainingMetrics(
        { d: new Uint8Array(c.label.length), label: Uint8Array.from(c.label), predicted: Uint8Array.from(c.predicted) },
        ['GE'],
      );
      expectClose(ge, c.GE, `GE ${c.label}`);
    }
  });
});
