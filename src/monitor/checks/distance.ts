/**
 * @module monitor/checks/distance
 * Model Monitor's `baseline_drift_check` distances (Deequ `Distance`, spec/monitor.md §3.5): the L-infinity
 * distance between two KLL sketches' CDFs (two-sample KS statistic on the sketches), Deequ's robust
 * correction max(0, d − 1.8·√((n+m)/(n·m))), the categorical L-infinity distance between relative
 * frequencies, and Deequ's chi-square test with its rare-category regrouping (returns a p-value).
 */
import type { KllSketch } from '../baseline/index.js';
import { chiSquareSf } from '../drift/index.js';

/** Deequ's default c(α) (α ≈ 0.003). */
export const DEFAULT_C_ALPHA = 1.8;

export function robust(linfSimple: number, n: number, m: number): number {
  return Math.max(0.0, linfSimple - DEFAULT_C_ALPHA * Math.sqrt((n + m) / (n * m)));
}

/** max |F_base(x) − F_cur(x)| over every item value of either sketch; also returns the two weights. */
export function kllLinf(baseline: KllSketch, current: KllSketch): { distance: number; n: number; m: number } {
  const a = baseline.rankMap();
  const b = current.rankMap();
  const n = a.cumulative.length > 0 ? a.cumulative[a.cumulative.length - 1]! : 0;
  const m = b.cumulative.length > 0 ? b.cumulative[b.cumulative.length - 1]! : 0;
  let i = 0;
  let j = 0;
  let ra = 0;
  let rb = 0;
  let d = 0;
  while (i < a.values.length || j < b.values.length) {
    const x = j >= b.values.length || (i < a.values.length && a.values[i]! <= b.values[j]!) ? a.values[i]! : b.values[j]!;
    if (i < a.values.length && a.values[i] === x) ra = a.cumulative[i++]!;
    if (j < b.values.length && b.values[j] === x) rb = b.cumulative[j++]!;
    const diff = Math.abs(ra / n - rb / m);
    if (diff > d) d = diff;
  }
  return { distance: d, n, m };
}

/** Categorical L-infinity: max |p_k − q_k| over the union of categories. */
export function categoricalLinf(baseline: Map<string, number>, current: Map<string, number>): { distance: number; n: number; m: number } {
  let n = 0;
  let m = 0;
  for (const v of baseline.values()) n += v;
  for (const v of current.values()) m += v;
  let d = 0;
  for (const key of new Set([...baseline.keys(), ...current.keys()])) {
    const diff = Math.abs((baseline.get(key) ?? 0) / n - (current.get(key) ?? 0) / m);
    if (diff > d) d = diff;
  }
  return { distance: d, n, m };
}

/**
 * Deequ's categorical chi-square test: current counts against baseline counts rescaled to the current total
 * (over baseline categories), small expected categories merged (Yates: ≤ 20 % below 5 for > 2 categories;
 * Cochran: none below 10 for 2), Pearson goodness of fit; NaN with fewer than 2 categories left.
 */
export function chiSquaredPValue(baseline: Map<string, number>, current: Map<string, number>): number {
  let expectedSum = 0;
  for (const v of baseline.values()) expectedSum += v;
  let sampleSum = 0;
  for (const [k, v] of current) if (baseline.has(k)) sampleSum += v;
  const expected = new Map<string, number>();
  for (const [k, v] of baseline) expected.set(k, (v / expectedSum) * sampleSum);
  const sample = new Map<string, number>();
  for (const [k, v] of current) sample.set(k, v);
  // Regroup
  for (;;) {
    if (expected.size < 2) break;
    const limit = expected.size > 2 ? 5 : 10;
    const maxBelow = expected.size > 2 ? Math.trunc(0.2 * expected.size) : 0;
    let below = 0;
    for (const v of expected.values()) if (v < limit) below++;
    if (below <= maxBelow) break;
    const [minKey, minValue] = minEntry(expected);
    const sampleMin = sample.get(minKey) ?? 0;
    expected.delete(minKey);
    sample.delete(minKey);
    const [secondKey, secondValue] = minEntry(expected);
    expected.set(secondKey, secondValue + minValue);
    sample.set(secondKey, sampleMin + (sample.get(secondKey) ?? 0));
  }
  if (sample.size < 2 || expected.size < 2) return NaN;
  // Spark's chiSqTest(observed, expected): expected rescaled to the observed total.
  let obsTotal = 0;
  let expTotal = 0;
  for (const k of expected.keys()) {
    obsTotal += sample.get(k) ?? 0;
    expTotal += expected.get(k)!;
  }
  if (obsTotal === 0) return NaN;
  const scale = obsTotal / expTotal;
  let stat = 0;
  for (const [k, e0] of expected) {
    const e = e0 * scale;
    const o = sample.get(k) ?? 0;
    if (e === 0) {
      if (o !== 0) return 0;
      continue;
    }
    stat += ((o - e) * (o - e)) / e;
  }
  return chiSquareSf(stat, expected.size - 1);
}

function minEntry(map: Map<string, number>): [string, number] {
  let best: [string, number] | undefined;
  for (const e of map) if (!best || e[1] < best[1]) best = e;
  return best!;
}
