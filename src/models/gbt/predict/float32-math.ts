/**
 * @module models/gbt/predict/float32-math
 * XGBoost 1.7's float32 arithmetic for the base margin and the output transforms, emulated with
 * Math.fround after every float operation and glibc's own `expf`/`logf` (glibc-float.ts): Math.exp and
 * Math.log rounded to float32 differ from them in about 1 result in 2,000 (expf) and 1 in 200 (logf).
 */
import type { TreeEnsemble } from '../tree-ensemble.js';
import { expf, logf } from './glibc-float.js';

const f = Math.fround;
const SIGMOID_CLAMP = f(88.7);

/** The starting margin: `ProbToMargin(base_score)` in float32 (`-logf(1.0f / base_score - 1.0f)` for logistic). */
export function baseMarginF32(model: Pick<TreeEnsemble, 'objective' | 'baseScore'>): number {
  const p = f(model.baseScore);
  if (model.objective === 'binary:logistic' || model.objective === 'reg:logistic') return -logf(f(f(1 / p) - 1));
  return p;
}

/** XGBoost's `common::Sigmoid(float)`: `1.0f / (expf(min(-x, 88.7f)) + 1.0f + 1e-16f)`. */
export function sigmoidF32(x: number): number {
  const z = -x < SIGMOID_CLAMP ? -x : SIGMOID_CLAMP;
  // The 1e-16f term cannot change a float32 sum that is at least 1; left out.
  return f(1 / f(expf(z) + 1));
}

/** XGBoost's `common::Softmax` on values[offset .. offset + n): float32 exps, summed in float64. */
export function softmaxF32(values: Float64Array, offset: number, n: number): void {
  let max = values[offset]!;
  for (let k = 1; k < n; k++) if (values[offset + k]! > max) max = values[offset + k]!;
  let sum = 0;
  for (let k = 0; k < n; k++) {
    const e = expf(f(values[offset + k]! - max));
    values[offset + k] = e;
    sum += e;
  }
  const total = f(sum);
  for (let k = 0; k < n; k++) values[offset + k] = f(values[offset + k]! / total);
}

/** Index of the first largest value (XGBoost's `FindMaxIndex`). */
export function argmax(values: Float64Array, offset: number, n: number): number {
  let best = 0;
  for (let k = 1; k < n; k++) if (values[offset + k]! > values[offset + best]!) best = k;
  return best;
}
