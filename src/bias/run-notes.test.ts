import { describe, expect, it } from 'vitest';
import type { ColumnTable } from '../core/columns.js';
import { resolveGroups, type BiasConfig } from './groups.js';
import { clarifyGuess, columnTypeNotes, groupWarnings, inferClarifyKinds } from './run-notes.js';

const int = (name: string, values: number[]) => ({ name, type: 'int' as const, values: Float64Array.from(values) });
const float = (name: string, values: number[]) => ({ name, type: 'float' as const, values: Float64Array.from(values) });
const str = (name: string, values: (string | null)[]) => ({ name, type: 'string' as const, values });

describe('column type notes', () => {
  it("follows smclarify's series_datatype guess (5%-unique rule, floats continuous, several values categorical)", () => {
    const small01 = int('s', [0, 1, 0, 1, 1, 0, 0, 1, 0, 1]); // 2/10 distinct: Clarify continuous
    const big01 = int('b', Array.from({ length: 100 }, (_, i) => i % 2)); // 2/100 < 5%: categorical
    expect(clarifyGuess(small01, { values: [1] })).toBe('continuous');
    expect(clarifyGuess(small01, { values: [0, 1] })).toBe('categorical');
    expect(clarifyGuess(big01, { values: [1] })).toBe('categorical');
    expect(clarifyGuess(float('f', Array.from({ length: 100 }, (_, i) => i % 2)), { values: [1] })).toBe('continuous');
    expect(clarifyGuess(str('c', ['1', '2', '3', null]), {})).toBe('continuous');
    expect(clarifyGuess(str('c', ['1', 'x', '3']), {})).toBe('categorical');
  });

  it('notes the type plumbline used, and what Clarify would have guessed when it differs', () => {
    const table: ColumnTable = { length: 10, columns: [int('approved', [1, 0, 1, 1, 0, 0, 1, 0, 1, 1]), int('sex', [0, 1, 0, 1, 1, 0, 0, 1, 0, 1]), float('income', [1, 2, 3, 4, 5, 6, 7, 8, 9, 10])] };
    const config: BiasConfig = { label: { name: 'approved', values: [1] }, facets: [{ name: 'sex' }, { name: 'income', threshold: 5 }, { name: ['sex', 'approved'] }] };
    const notes = columnTypeNotes(table, config);
    expect(notes).toEqual([
      "column types: label `approved` (int column) read as categorical, positive when in [1] (Clarify's type guess would read it as continuous, i.e. the configured value as a threshold; plumbline follows the configuration)",
      "column types: facet `sex` (int column) read as categorical, one report per distinct value (Clarify's type guess would read it as continuous and ask for a threshold; plumbline follows the configuration)",
      'column types: facet `income` (float column) read as continuous, d when > 5',
      'column types: facet `sex x approved` is intersectional, read as categorical combinations of its columns',
    ]);
  });
});

describe('group warnings', () => {
  it('warns when the label or the predicted label has only one class, naming the column and the positive value', () => {
    const table: ColumnTable = { length: 4, columns: [int('approved', [1, 1, 1, 1]), int('sex', [0, 1, 0, 1]), int('pred', [0, 0, 0, 0]), int('ok', [0, 1, 1, 0])] };
    const config: BiasConfig = { label: { name: 'approved', values: [1] }, facets: [{ name: 'sex', values: [0] }], predictedLabel: 'pred' };
    const warnings = groupWarnings(resolveGroups(table, config), config, true);
    expect(warnings).toEqual([
      'label `approved` has only one class: all 4 rows are positive (positive: `1`); metrics that compare outcomes between groups are 0 or fail',
      'predicted label `pred` has only one class: all 4 rows are negative (positive: `1`); metrics that compare outcomes between groups are 0 or fail',
    ]);
    expect(groupWarnings(resolveGroups(table, config), config, false)).toHaveLength(1);
    const fine: BiasConfig = { label: { name: 'ok', values: [1] }, facets: [{ name: 'sex', values: [0] }] };
    expect(groupWarnings(resolveGroups(table, fine), fine, false)).toEqual([]);
  });
});

describe('inferClarifyKinds (a one-number list from analysis_config.json)', () => {
  it('reads it as a threshold where Clarify sees a continuous column, as a value on two-valued or categorical columns', () => {
    const n = 30;
    const table: ColumnTable = {
      length: n,
      columns: [
        float('score', Array.from({ length: n }, (_, i) => i / n)), // float: Clarify continuous
        int('age', Array.from({ length: n }, (_, i) => 20 + i)), // int, all distinct: continuous
        int('sex', Array.from({ length: n }, (_, i) => i % 2)), // 0/1 on 30 rows: Clarify continuous, plumbline categorical
        int('band', Array.from({ length: 400 }, (_, i) => i % 3).slice(0, n)), // 3/30 = 10%: continuous, 3 values
        str('city', Array.from({ length: n }, (_, i) => String(i))),
      ],
    };
    const config: BiasConfig = {
      label: { name: 'score', values: [0.5], kindFromData: true },
      facets: [
        { name: 'age', values: [40], kindFromData: true },
        { name: 'sex', values: [0], kindFromData: true },
        { name: 'band', values: [1], kindFromData: true },
        { name: 'city', values: [3], kindFromData: true },
        { name: 'age', values: [40] },
      ],
    };
    const out = inferClarifyKinds(table, config);
    expect(out.label).toEqual({ name: 'score', threshold: 0.5 });
    expect(out.facets).toEqual([{ name: 'age', threshold: 40 }, { name: 'sex', values: [0] }, { name: 'band', threshold: 1 }, { name: 'city', values: [3] }, { name: 'age', values: [40] }]);
    const big = { length: 400, columns: [int('band', Array.from({ length: 400 }, (_, i) => i % 3))] };
    expect(inferClarifyKinds(big, { label: { name: 'band', values: [1], kindFromData: true }, facets: [] }).label).toEqual({ name: 'band', values: [1] });
  });
});
