import { describe, expect, it } from 'vitest';
import { tableFromRows } from '../core/columns.js';
import { isPlatformError } from '../core/errors.js';
import { createRandom } from '../core/random.js';
import { divide, flipTest, KdTree, pyFloat, resolveGroups, type BiasConfig } from './index.js';

function validationError(fn: () => unknown): { message: string; issues: { path: string }[] } {
  try {
    fn();
  } catch (e) {
    if (isPlatformError(e) && e.code === 'VALIDATION_FAILED') return e as unknown as { message: string; issues: { path: string }[] };
    throw e;
  }
  throw new Error('expected a ValidationError');
}

describe('resolveGroups', () => {
  const table = tableFromRows([
    { f: 1, s: '1', b: true, y: 'yes', p: 'yes', g: 'z', x: 2.5 },
    { f: 2, s: '2', b: false, y: 'no', p: 'yes', g: 'a', x: 0.5 },
    { f: 1, s: null, b: null, y: 'maybe', p: 'no', g: null, x: 7 },
    { f: null, s: '1', b: true, y: null, p: 'maybe', g: 'z', x: 1 },
  ]);
  const base: BiasConfig = { facets: [], label: { name: 'y', values: ['yes', 'maybe'] }, predictedLabel: 'p' };
  const mask = (m: Uint8Array) => Array.from(m);

  it('matches configured values as strings or numbers alike, and nulls never', () => {
    const r = resolveGroups(table, { ...base, facets: [{ name: 'f', values: ['1'] }, { name: 's', values: [1] }, { name: 'b', values: ['True'] }] });
    expect(r.facets.map((f) => mask(f.groups[0]!.d))).toEqual([[1, 0, 1, 0], [1, 0, 0, 1], [1, 0, 0, 1]]);
    expect(mask(r.facets[0]!.groups[0]!.a)).toEqual([0, 1, 0, 1]);
    expect(mask(r.label)).toEqual([1, 0, 1, 0]);
    expect(mask(r.predicted!)).toEqual([1, 1, 0, 1]);
    expect(r.labelValueOrThreshold).toBe('yes,maybe');
    expect(r.facets[2]!.groups[0]!.valueOrThreshold).toBe('True');
  });

  it('one-vs-all: one group per distinct non-null value in order of first appearance', () => {
    const r = resolveGroups(table, { ...base, facets: [{ name: 'f' }, { name: 'x' }] });
    expect(r.facets[0]!.groups.map((g) => g.valueOrThreshold)).toEqual(['1', '2']);
    expect(r.facets[1]!.groups.map((g) => g.valueOrThreshold)).toEqual(['2.5', '0.5', '7.0', '1.0']);
  });

  it('threshold: strictly greater is d; the interval string as pandas prints it', () => {
    const r = resolveGroups(table, { ...base, facets: [{ name: 'x', threshold: 1 }, { name: 'f', threshold: 1 }, { name: 'x', threshold: 7 }] });
    expect(mask(r.facets[0]!.groups[0]!.d)).toEqual([1, 0, 1, 0]);
    expect(r.facets.map((f) => f.groups[0]!.valueOrThreshold)).toEqual(['(1.0, 7.0]', '(1, 2]', '']);
  });

  it('group variable: sorted dictionary, -1 for nulls', () => {
    const r = resolveGroups(table, { ...base, groupVariable: 'g' });
    expect(r.group!.dictionary).toEqual(['a', 'z']);
    expect(Array.from(r.group!.codes)).toEqual([1, 0, -1, 1]);
  });

  it('names the field and the column when a column is missing or a rule is wrong', () => {
    const e1 = validationError(() => resolveGroups(table, { ...base, facets: [{ name: 'sex' }] }));
    expect(e1.issues[0]!.path).toBe('facets[0].name');
    expect(e1.message).toContain('"sex"');
    expect(validationError(() => resolveGroups(table, { ...base, label: { name: 'target', values: [1] } })).message).toContain('label.name: got "target"');
    expect(validationError(() => resolveGroups(table, { ...base, predictedLabel: 'pred' })).issues[0]!.path).toBe('predictedLabel');
    expect(validationError(() => resolveGroups(table, { ...base, groupVariable: 'grp' })).issues[0]!.path).toBe('groupVariable');
    expect(validationError(() => resolveGroups(table, { ...base, label: { name: 'y' } })).issues[0]!.path).toBe('label.values');
    expect(validationError(() => resolveGroups(table, { ...base, facets: [{ name: 's', threshold: 1 }] })).issues[0]!.path).toBe('facets[0].threshold');
    expect(validationError(() => resolveGroups(table, { ...base, facets: [{ name: 'x' }] }, { maxFacetValues: 3 })).issues[0]!.path).toBe('facets[0].values');
  });
});

describe('helpers', () => {
  it('divide follows smclarify', () => {
    expect([divide(0, 0), divide(3, 0), divide(-3, 0), divide(1, 4)]).toEqual([0, Infinity, -Infinity, 0.25]);
  });

  it("pyFloat prints as Python's repr", () => {
    const cases: [number, string][] = [
      [40, '40.0'], [79.9, '79.9'], [0.9936148802477393, '0.9936148802477393'], [-0.5, '-0.5'], [0.0001, '0.0001'],
      [0.00001, '1e-05'], [1.5e-7, '1.5e-07'], [1e16, '1e+16'], [123456789012345.6, '123456789012345.6'], [1.2345e20, '1.2345e+20'], [0, '0.0'],
    ];
    for (const [x, s] of cases) expect(pyFloat(x), String(x)).toBe(s);
  });
});

describe('k-d tree and flip test', () => {
  it('finds the same neighbours as brute force, ties by row order', () => {
    const rnd = createRandom(7);
    const m = 3;
    const n = 2000;
    // Integer grid coordinates make many equidistant neighbours.
    const points = Float64Array.from({ length: n * m }, () => rnd.int(0, 6));
    const tree = new KdTree(points, m);
    const out = new Int32Array(5);
    for (let q = 0; q < 200; q++) {
      const query = Float64Array.from({ length: m }, () => rnd.int(0, 6) + (q % 2 ? 0.5 : 0));
      const brute = Array.from({ length: n }, (_, i) => {
        let d = 0;
        for (let f = 0; f < m; f++) d += (points[i * m + f]! - query[f]!) ** 2;
        return [d, i] as const;
      })
        .sort((x, y) => x[0] - y[0] || x[1] - y[1])
        .slice(0, 5)
        .map((x) => x[1]);
      tree.nearest(query, 5, out);
      expect(Array.from(out)).toEqual(brute);
    }
  });

  it('FT: k = 1 below 10 rows of a, sign as smclarify (model accepts, neighbours reject = +1)', () => {
    // a at x = 0 (predicted 0) and x = 10 (predicted 1); d rows near each.
    const x = Float64Array.from([0, 10, 0.1, 9.9, 0.2]);
    const d = Uint8Array.from([0, 0, 1, 1, 1]);
    const yhat = Uint8Array.from([0, 1, 1, 1, 1]);
    // d: 0.1 -> neighbour 0 (rejects) while model accepts: F+ ; 9.9 -> accepts, agrees; 0.2 -> F+.
    expect(flipTest([x], d, yhat)).toBeCloseTo(2 / 3, 15);
    expect(flipTest([x], d, Uint8Array.from([0, 1, 0, 0, 0]))).toBeCloseTo(-1 / 3, 15);
  });
});
