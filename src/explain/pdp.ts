/**
 * @module explain/pdp
 * Partial dependence (Clarify's `methods.pdp`): for a feature j and each grid value v, the model's mean
 * output over the explained rows with feature j set to v. The grid is the feature's distinct values when
 * there are at most `gridResolution` of them, else `gridResolution` evenly spaced points from its minimum to
 * its maximum. All grid points of a feature go to the model in one batch.
 */
import type { FeatureMatrix } from '../models/index.js';
import type { PredictFn } from './kernel-shap.js';

export interface PartialDependence {
  feature: number;
  /** 'categorical' when the grid is the feature's own distinct values (a few), else 'numerical'. */
  dataType: 'numerical' | 'categorical';
  grid: number[];
  /** outputs x grid points. */
  predictions: number[][];
}

export function pdpGrid(data: FeatureMatrix, feature: number, gridResolution: number): { grid: number[]; dataType: 'numerical' | 'categorical' } {
  const seen = new Set<number>();
  let lo = Infinity;
  let hi = -Infinity;
  for (let i = 0; i < data.rows; i++) {
    const v = data.values[i * data.cols + feature]!;
    if (v !== v) continue;
    if (seen.size <= gridResolution) seen.add(v);
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  if (seen.size === 0) return { grid: [], dataType: 'numerical' };
  if (seen.size <= gridResolution) return { grid: [...seen].sort((a, b) => a - b), dataType: seen.size <= 2 ? 'categorical' : 'numerical' };
  return { grid: Array.from({ length: gridResolution }, (_, k) => lo + ((hi - lo) * k) / (gridResolution - 1)), dataType: 'numerical' };
}

export async function partialDependence(predict: PredictFn, data: FeatureMatrix, feature: number, gridResolution: number): Promise<PartialDependence> {
  const { grid, dataType } = pdpGrid(data, feature, gridResolution);
  const n = data.rows;
  const M = data.cols;
  const records = new Float64Array(grid.length * n * M);
  for (let k = 0; k < grid.length; k++) {
    records.set(data.values, k * n * M);
    for (let i = 0; i < n; i++) records[(k * n + i) * M + feature] = grid[k]!;
  }
  const scores = grid.length > 0 ? await predict({ rows: grid.length * n, cols: M, values: records }) : new Float64Array(0);
  const K = grid.length > 0 ? scores.length / (grid.length * n) : 0;
  const predictions = Array.from({ length: K }, (_, o) =>
    grid.map((_, k) => {
      let s = 0;
      for (let i = 0; i < n; i++) s += scores[(k * n + i) * K + o]!;
      return s / n;
    }),
  );
  return { feature, dataType, grid, predictions };
}
