import { describe, expect, it } from 'vitest';
import type { ColumnTable } from '../core/columns.js';
import { parseAnalysisConfig } from './clarify-config.js';
import { resolveGroups, type BiasConfig } from './groups.js';

const table: ColumnTable = {
  length: 6,
  columns: [
    { name: 'sex', type: 'int', values: Float64Array.from([0, 0, 1, 1, 0, NaN]) },
    { name: 'band', type: 'string', values: ['young', 'old', 'young', 'old', 'young', 'old'] },
    { name: 'y', type: 'int', values: Float64Array.from([1, 0, 1, 1, 0, 1]) },
  ],
};
const label = { name: 'y', values: [1] };

describe('intersectional facets', () => {
  it('one-vs-all over the combinations present, in order of first appearance; a null matches none', () => {
    const g = resolveGroups(table, { facets: [{ name: ['sex', 'band'] }], label });
    expect(g.facets[0]!.name).toBe('sex+band');
    expect(g.facets[0]!.columns).toEqual(['sex', 'band']);
    expect(g.facets[0]!.groups.map((x) => x.valueOrThreshold)).toEqual(['(0, young)', '(0, old)', '(1, young)', '(1, old)']);
    expect(Array.from(g.facets[0]!.groups[0]!.d)).toEqual([1, 0, 0, 0, 1, 0]);
    expect(Array.from(g.facets[0]!.groups[3]!.d)).toEqual([0, 0, 0, 1, 0, 0]);
  });

  it('configured combinations join with OR, printed as tuples', () => {
    const g = resolveGroups(table, { facets: [{ name: ['sex', 'band'], values: [[0, 'young'], ['1', 'old']] }], label });
    expect(g.facets[0]!.groups).toHaveLength(1);
    expect(g.facets[0]!.groups[0]!.valueOrThreshold).toBe('(0, young),(1, old)');
    expect(Array.from(g.facets[0]!.groups[0]!.d)).toEqual([1, 0, 0, 1, 1, 0]);
  });

  it('names the field and the value when the configuration is wrong', () => {
    const bad = (facet: BiasConfig['facets'][number]) => () => resolveGroups(table, { facets: [facet], label });
    expect(bad({ name: ['sex', 'band'], threshold: 1 })).toThrow(/facets\[0\]\.threshold.*no threshold on a facet over several columns/);
    expect(bad({ name: ['sex', 'band'], values: [[0]] })).toThrow(/facets\[0\]\.values\[0\].*a combination of 2 values/);
    expect(bad({ name: ['sex', 'age'] })).toThrow(/facets\[0\]\.name\[1\].*age/);
    expect(bad({ name: ['sex', 'sex'] })).toThrow(/distinct column names/);
    expect(bad({ name: 'sex', values: [[0, 'young']] })).toThrow(/facets\[0\]\.values.*lists of values are combinations/);
  });

  it('reads an intersectional facet from analysis_config.json', () => {
    const parsed = parseAnalysisConfig({
      label: 'y',
      label_values_or_threshold: [1],
      facet: [{ name_or_index: ['sex', 'band'], value_or_threshold: [[0, 'young']] }, { name_or_index: ['sex', 'band'] }],
    });
    expect(parsed.bias.facets).toEqual([{ name: ['sex', 'band'], values: [[0, 'young']] }, { name: ['sex', 'band'] }]);
    expect(() => parseAnalysisConfig({ label: 'y', label_values_or_threshold: [1], facet: [{ name_or_index: ['sex', 'band'], value_or_threshold: [0] }] })).toThrow(
      /facet\[0\]\.value_or_threshold.*combinations, 2 values each/,
    );
  });
});
