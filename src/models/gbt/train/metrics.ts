/**
 * @module models/gbt/train/metrics
 * Evaluation metrics as XGBoost 1.7 computes them over transformed predictions (probabilities for the
 * logistic and softmax objectives): weighted means accumulated in double; AUC with tied predictions
 * counted as a trapezoid. AUC sorts by the float32 bit pattern with a radix sort (O(n)), since predictions
 * are float32 and ties are grouped anyway.
 */
import type { MetricName } from './params.js';

const f32 = Math.fround;
const EPS16 = Math.fround(1e-16);
const LOG_EPS = Math.fround(Math.log(EPS16));
const LOG_1M_EPS = Math.fround(Math.log(f32(1 - EPS16)));

/** Maximized by early stopping (XGBoost: names starting with auc, aucpr, map, ndcg). */
export function maximizes(metric: MetricName): boolean {
  return metric.startsWith('auc');
}

/**
 * Value of `metric` for predictions `pred` (K per row for multi-class probabilities, else 1), labels and
 * optional weights.
 */
export function evaluateMetric(metric: MetricName, pred: Float32Array, label: Float32Array, weight: Float32Array | undefined, K: number): number {
  const n = label.length;
  if (metric === 'auc') return auc(pred, label, weight);
  let sum = 0;
  let wsum = 0;
  if (metric === 'mlogloss' || metric === 'merror') {
    for (let i = 0; i < n; i++) {
      const y = label[i]!;
      const b = i * K;
      let v: number;
      if (metric === 'mlogloss') {
        const p = pred[b + y]!;
        v = p > EPS16 ? -f32(Math.log(p)) : -LOG_EPS;
      } else {
        let best = 0;
        for (let k = 1; k < K; k++) if (pred[b + k]! > pred[b + best]!) best = k;
        v = best !== y ? 1 : 0;
      }
      const w = weight === undefined ? 1 : weight[i]!;
      sum += v * w;
      wsum += w;
    }
    return wsum === 0 ? NaN : sum / wsum;
  }
  const threshold = metric === 'error' ? 0.5 : metric.startsWith('error@') ? Number(metric.slice(6)) : 0;
  const isError = metric === 'error' || metric.startsWith('error@');
  for (let i = 0; i < n; i++) {
    const p = pred[i]!;
    const y = label[i]!;
    let v: number;
    if (metric === 'logloss') {
      const pneg = f32(1 - p);
      if (p < EPS16) v = f32(f32(-y * LOG_EPS) - f32(f32(1 - y) * LOG_1M_EPS));
      else if (pneg < EPS16) v = f32(f32(-y * LOG_1M_EPS) - f32(f32(1 - y) * LOG_EPS));
      else v = f32(f32(-y * f32(Math.log(p))) - f32(f32(1 - y) * f32(Math.log(pneg))));
    } else if (isError) {
      v = p > threshold ? 1 - y : y;
    } else if (metric === 'rmse') {
      const d = f32(y - p);
      v = f32(d * d);
    } else {
      v = Math.abs(f32(y - p));
    }
    const w = weight === undefined ? 1 : weight[i]!;
    sum += weight === undefined ? v : f32(v * w);
    wsum += w;
  }
  if (wsum === 0) return NaN;
  return metric === 'rmse' ? Math.sqrt(sum / wsum) : sum / wsum;
}

/** Binary ROC AUC (XGBoost's BinaryROCAUC); NaN when one class is absent. */
export function auc(pred: Float32Array, label: Float32Array, weight: Float32Array | undefined): number {
  const n = label.length;
  if (n === 0) return NaN;
  const order = sortDescending(pred.subarray(0, n));
  let fp = 0;
  let tp = 0;
  let fpPrev = 0;
  let tpPrev = 0;
  let area = 0;
  let prev = NaN;
  for (let k = 0; k < n; k++) {
    const i = order[k]!;
    const p = pred[i]!;
    if (k > 0 && p !== prev) {
      area += Math.abs(fpPrev - fp) * (tpPrev + tp) / 2;
      tpPrev = tp;
      fpPrev = fp;
    }
    prev = p;
    const y = label[i]!;
    const w = weight === undefined ? 1 : weight[i]!;
    fp += (1 - y) * w;
    tp += y * w;
  }
  area += Math.abs(fpPrev - fp) * (tpPrev + tp) / 2;
  if (fp <= 0 || tp <= 0) return NaN;
  return area / (fp * tp);
}

/** Indices of `values` by decreasing value (LSD radix sort on order-preserving float32 keys). */
function sortDescending(values: Float32Array): Uint32Array {
  const n = values.length;
  const bits = new Uint32Array(values.buffer.slice(values.byteOffset, values.byteOffset + n * 4));
  // Order-preserving key, inverted so that an ascending sort yields decreasing values.
  for (let i = 0; i < n; i++) {
    const b = bits[i]!;
    const key = b & 0x80000000 ? ~b >>> 0 : (b | 0x80000000) >>> 0;
    bits[i] = ~key >>> 0;
  }
  let idx = new Uint32Array(n);
  let tmp = new Uint32Array(n);
  for (let i = 0; i < n; i++) idx[i] = i;
  const count = new Uint32Array(65537);
  for (let shift = 0; shift < 32; shift += 16) {
    count.fill(0);
    for (let i = 0; i < n; i++) count[((bits[i]! >>> shift) & 0xffff) + 1]!++;
    for (let d = 1; d <= 65536; d++) count[d]! += count[d - 1]!;
    for (let k = 0; k < n; k++) {
      const i = idx[k]!;
      tmp[count[(bits[i]! >>> shift) & 0xffff]!++] = i;
    }
    const t = idx;
    idx = tmp;
    tmp = t;
  }
  return idx;
}
