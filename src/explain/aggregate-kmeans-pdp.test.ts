import { describe, expect, it } from 'vitest';
import { isPlatformError } from '../core/errors.js';
import { aggregate, checkAggMethod } from './aggregate.js';
import { baselineClusters, cluster } from './kmeans.js';
import { partialDependence, pdpGrid } from './pdp.js';

describe("Clarify's agg_method", () => {
  const v = Float64Array.from([1, -3, 2, 0, -1, 5]); // 3 rows x 2 features
  it('mean_abs, median (signed), mean_sq (not rooted)', () => {
    expect(aggregate('mean_abs', v, 3, 2, 0)).toBeCloseTo((1 + 2 + 1) / 3, 12);
    expect(aggregate('median', v, 3, 2, 1)).toBe(0);
    expect(aggregate('median', v, 2, 2, 0)).toBe(1.5);
    expect(aggregate('mean_sq', v, 3, 2, 1)).toBeCloseTo((9 + 0 + 25) / 3, 12);
  });
  it('rejects an unknown method naming the choices', () => {
    try {
      checkAggMethod('sum');
      throw new Error('no error');
    } catch (e) {
      expect(isPlatformError(e)).toBe(true);
      expect((e as Error).message).toMatch(/agg_method.*"sum".*mean_abs, median, mean_sq/);
    }
  });
});

describe('baseline clusters', () => {
  // Two well separated groups; column 0 is binary.
  const rows = [
    [0, 1, 1], [0, 1.2, 0.9], [0, 0.8, 1.1], [1, 1, 1.05],
    [1, 10, 10], [1, 10.2, 9.9], [1, 9.8, 10.1], [0, 10.1, 10],
  ];
  const m = { rows: rows.length, cols: 3, values: Float64Array.from(rows.flat()) };
  it('K-prototypes keeps categorical columns at one of their values (mode), numeric at the mean', () => {
    const c = cluster(m, 2, { categorical: [0], seed: 1 });
    const centers = [Array.from(c.centers.values.slice(0, 3)), Array.from(c.centers.values.slice(3, 6))].sort((a, b) => a[1]! - b[1]!);
    expect(centers[0]![0]).toBe(0);
    expect(centers[1]![0]).toBe(1);
    expect(centers[0]![1]).toBeCloseTo(1, 6);
    expect(centers[1]![2]).toBeCloseTo(10, 6);
  });
  it('chooses the number of clusters by the elbow rule when none is given', () => {
    expect(baselineClusters(m, undefined, { seed: 1 }).k).toBe(2);
  });
});

describe('partial dependence', () => {
  it('uses distinct values when few, else an even grid; averages the model over the records', async () => {
    const m = { rows: 3, cols: 2, values: Float64Array.from([0, 1, 1, 5, 0, 9]) };
    expect(pdpGrid(m, 0, 10)).toEqual({ grid: [0, 1], dataType: 'categorical' });
    expect(pdpGrid(m, 1, 3)).toEqual({ grid: [1, 5, 9], dataType: 'numerical' });
    expect(pdpGrid(m, 1, 2)).toEqual({ grid: [1, 9], dataType: 'numerical' });
    const pd = await partialDependence(async (x) => Float64Array.from({ length: x.rows }, (_, i) => x.values[i * 2]! * 10 + x.values[i * 2 + 1]!), m, 0, 10);
    expect(pd.predictions).toEqual([[0 + 5, 10 + 5]]);
  });
});
