/**
 * @module explain/aggregate
 * Clarify's global SHAP aggregation over the explained rows (`agg_method`): `mean_abs` (default) the mean
 * absolute value, `median` the median of the signed values, `mean_sq` the mean square (not rooted).
 */
import { invalid } from '../core/errors.js';

export const AGG_METHODS = ['mean_abs', 'median', 'mean_sq'] as const;
export type AggMethod = (typeof AGG_METHODS)[number];

export function checkAggMethod(value: unknown, field = 'agg_method'): AggMethod {
  if (typeof value !== 'string' || !(AGG_METHODS as readonly string[]).includes(value)) throw invalid(field, value, `one of ${AGG_METHODS.join(', ')}`);
  return value as AggMethod;
}

/** Aggregates values[(row * stride + offset)] over rows. */
export function aggregate(method: AggMethod, values: Float64Array, rows: number, stride: number, offset: number): number {
  if (rows === 0) return 0;
  if (method === 'median') {
    const v = new Float64Array(rows);
    for (let i = 0; i < rows; i++) v[i] = values[i * stride + offset]!;
    v.sort();
    const h = rows >> 1;
    return rows % 2 === 1 ? v[h]! : (v[h - 1]! + v[h]!) / 2;
  }
  let s = 0;
  for (let i = 0; i < rows; i++) {
    const x = values[i * stride + offset]!;
    s += method === 'mean_abs' ? Math.abs(x) : x * x;
  }
  return s / rows;
}
