/**
 * @module monitor/drift/stattests
 * Evidently's per-column drift tests (evidently `calculations/stattests`, spec/monitor.md §6) on typed
 * arrays: two-sample Kolmogorov-Smirnov (scipy `ks_2samp`: exact up to 10,000 values per side, else
 * the one-sample distribution at n = round(n1·n2/(n1+n2)), as scipy's `kstwo`), chi-square goodness of fit of current counts against reference counts rescaled to the current
 * size, two-proportion z-test, Wasserstein distance normed by the reference std, Jensen-Shannon distance and
 * PSI over Evidently's binning (Sturges histogram on reference ∪ current for numerical columns with more than
 * 20 distinct reference values, value frequencies otherwise; empty bins filled for PSI). Numeric samples may
 * carry weights (a reference rebuilt from a KLL sketch).
 */
import { chiSquareSf, kolmogorovSmirnovSf, ksExactPValue, normalCdf } from './special.js';

export type DriftTest = 'ks' | 'chisquare' | 'z' | 'wasserstein' | 'jensenshannon' | 'psi';

export interface TestSpec {
  /** `p_value`: drift when the p-value is below (ks: at or below) the threshold; `distance`: at or above. */
  score: 'p_value' | 'distance';
  threshold: number;
  label: string;
}

export const DRIFT_TESTS: Record<DriftTest, TestSpec> = {
  ks: { score: 'p_value', threshold: 0.05, label: 'K-S p_value' },
  chisquare: { score: 'p_value', threshold: 0.05, label: 'chi-square p_value' },
  z: { score: 'p_value', threshold: 0.05, label: 'Z-test p_value' },
  wasserstein: { score: 'distance', threshold: 0.1, label: 'Wasserstein distance (normed)' },
  jensenshannon: { score: 'distance', threshold: 0.1, label: 'Jensen-Shannon distance' },
  psi: { score: 'distance', threshold: 0.1, label: 'PSI' },
};

/** Whether a score means drift under a test's rule. */
export function isDrift(test: DriftTest, score: number, threshold: number): boolean {
  if (Number.isNaN(score)) return false;
  if (test === 'ks') return score <= threshold;
  return DRIFT_TESTS[test].score === 'p_value' ? score < threshold : score >= threshold;
}

/** A numeric sample: ascending distinct values with their weights (counts). */
export interface NumericSample {
  values: Float64Array;
  weights: Float64Array;
  total: number;
}

/** Sorts the non-NaN values into a NumericSample (ties merged). */
export function numericSample(values: ArrayLike<number>, weights?: ArrayLike<number>): NumericSample {
  const n = values.length;
  if (!weights) {
    const sorted = new Float64Array(n);
    let k = 0;
    for (let i = 0; i < n; i++) {
      const x = values[i]!;
      if (Number.isFinite(x)) sorted[k++] = x;
    }
    const xs = sorted.subarray(0, k).sort();
    const v = new Float64Array(k);
    const w = new Float64Array(k);
    let m = 0;
    for (let i = 0; i < k; i++) {
      if (m > 0 && v[m - 1] === xs[i]) w[m - 1]!++;
      else {
        v[m] = xs[i]!;
        w[m++] = 1;
      }
    }
    return { values: v.subarray(0, m), weights: w.subarray(0, m), total: k };
  }
  const idx: number[] = [];
  for (let i = 0; i < n; i++) if (Number.isFinite(values[i]!)) idx.push(i);
  idx.sort((a, b) => values[a]! - values[b]!);
  const v = new Float64Array(idx.length);
  const w = new Float64Array(idx.length);
  let m = 0;
  let total = 0;
  for (const i of idx) {
    const x = values[i]!;
    const wt = weights[i]!;
    total += wt;
    if (m > 0 && v[m - 1] === x) w[m - 1]! += wt;
    else {
      v[m] = x;
      w[m++] = wt;
    }
  }
  return { values: v.subarray(0, m), weights: w.subarray(0, m), total };
}

/** Walks the union of both samples' distinct values with both CDFs (weight <= value / total). */
function walk(a: NumericSample, b: NumericSample, visit: (x: number, fa: number, fb: number, next: number) => void): void {
  let i = 0;
  let j = 0;
  let ca = 0;
  let cb = 0;
  while (i < a.values.length || j < b.values.length) {
    const x = j >= b.values.length || (i < a.values.length && a.values[i]! <= b.values[j]!) ? a.values[i]! : b.values[j]!;
    while (i < a.values.length && a.values[i] === x) ca += a.weights[i++]!;
    while (j < b.values.length && b.values[j] === x) cb += b.weights[j++]!;
    const next = Math.min(i < a.values.length ? a.values[i]! : Infinity, j < b.values.length ? b.values[j]! : Infinity);
    visit(x, ca / a.total, cb / b.total, next);
  }
}

/** Two-sample KS statistic D = max |F_a − F_b|. */
export function ksStatistic(a: NumericSample, b: NumericSample): number {
  let d = 0;
  walk(a, b, (_x, fa, fb) => {
    const diff = Math.abs(fa - fb);
    if (diff > d) d = diff;
  });
  return d;
}

/** scipy `ks_2samp(a, b)` two-sided p-value (mode auto). */
export function ksTest(a: NumericSample, b: NumericSample): { statistic: number; pValue: number } {
  const d = ksStatistic(a, b);
  const n1 = Math.round(a.total);
  const n2 = Math.round(b.total);
  if (n1 === 0 || n2 === 0) return { statistic: d, pValue: NaN };
  if (Math.max(n1, n2) <= 10_000) return { statistic: d, pValue: ksExactPValue(d, n1, n2) };
  const [m, n] = n1 >= n2 ? [n1, n2] : [n2, n1];
  const en = (m * n) / (m + n);
  return { statistic: d, pValue: kolmogorovSmirnovSf(Math.round(en), d) };
}

/** scipy `wasserstein_distance(a, b)`: ∫ |F_a − F_b| dx. */
export function wassersteinDistance(a: NumericSample, b: NumericSample): number {
  let s = 0;
  walk(a, b, (x, fa, fb, next) => {
    if (Number.isFinite(next)) s += Math.abs(fa - fb) * (next - x);
  });
  return s;
}

/** Population std of a weighted sample (numpy `std`). */
export function sampleStd(a: NumericSample): number {
  let mean = 0;
  for (let i = 0; i < a.values.length; i++) mean += a.values[i]! * a.weights[i]!;
  mean /= a.total;
  let ss = 0;
  for (let i = 0; i < a.values.length; i++) ss += a.weights[i]! * (a.values[i]! - mean) ** 2;
  return Math.sqrt(ss / a.total);
}

/** Evidently's normed Wasserstein: W₁ / max(std(reference), 0.001). */
export function wassersteinNormed(reference: NumericSample, current: NumericSample, referenceStd = sampleStd(reference)): number {
  return wassersteinDistance(reference, current) / Math.max(referenceStd, 0.001);
}

/** Category -> count. */
export type Counts = Map<string, number>;

function total(c: Counts): number {
  let s = 0;
  for (const v of c.values()) s += v;
  return s;
}

/** Keys of both, current's first-seen order then reference's (Evidently uses the union of unique values). */
function unionKeys(reference: Counts, current: Counts): string[] {
  const keys = new Set<string>();
  for (const k of current.keys()) keys.add(k);
  for (const k of reference.keys()) keys.add(k);
  return [...keys];
}

/** Evidently `_chi_stat_test`: scipy `chisquare(f_obs = current, f_exp = reference · n_cur/n_ref)`. */
export function chiSquareTest(reference: Counts, current: Counts): { statistic: number; pValue: number } {
  const keys = unionKeys(reference, current);
  const norm = total(current) / total(reference);
  let stat = 0;
  for (const k of keys) {
    const expected = (reference.get(k) ?? 0) * norm;
    const observed = current.get(k) ?? 0;
    stat += expected === 0 ? (observed === 0 ? NaN : Infinity) : ((observed - expected) * (observed - expected)) / expected;
  }
  if (keys.length < 2) return { statistic: NaN, pValue: NaN };
  return { statistic: stat, pValue: chiSquareSf(stat, keys.length - 1) };
}

/** Evidently `_z_stat_test`: two-proportion z-test on the share of one category. */
export function zTest(reference: Counts, current: Counts): { statistic: number; pValue: number } {
  if (reference.size === 1 && current.size === 1 && [...reference.keys()][0] === [...current.keys()][0]) return { statistic: 0, pValue: 1 };
  const keys = unionKeys(reference, current).sort();
  const key = keys[0]!;
  const n1 = total(reference);
  const n2 = total(current);
  const p1 = (reference.get(key) ?? 0) / n1;
  const p2 = (current.get(key) ?? 0) / n2;
  const p = (p1 * n1 + p2 * n2) / (n1 + n2);
  const z = (p1 - p2) / Math.sqrt(p * (1 - p) * (1 / n1 + 1 / n2));
  return { statistic: z, pValue: 2 * (1 - normalCdf(Math.abs(z))) };
}

/** numpy `histogram_bin_edges(x, bins='sturges')` for data of size n over [min, max]. */
export function sturgesEdges(min: number, max: number, n: number): Float64Array {
  let first = min;
  let last = max;
  if (first === last) {
    first -= 0.5;
    last += 0.5;
  }
  const ptp = max - min;
  const width = ptp / (Math.log2(n) + 1.0);
  const bins = width > 0 ? Math.ceil((last - first) / width) : 1;
  const edges = new Float64Array(bins + 1);
  const step = (last - first) / bins;
  for (let i = 0; i <= bins; i++) edges[i] = first + i * step;
  edges[bins] = last;
  return edges;
}

/** numpy `histogram(x, edges)` counts (uniform edges, last bin closed), weighted. */
export function histogramCounts(sample: NumericSample, edges: Float64Array): Float64Array {
  const bins = edges.length - 1;
  const out = new Float64Array(bins);
  const first = edges[0]!;
  const last = edges[bins]!;
  const denom = last - first;
  for (let i = 0; i < sample.values.length; i++) {
    const x = sample.values[i]!;
    if (x < first || x > last) continue;
    let k = Math.floor(((x - first) / denom) * bins);
    if (k === bins) k = bins - 1;
    if (x < edges[k]!) k--;
    else if (k !== bins - 1 && x >= edges[k + 1]!) k++;
    out[k]! += sample.weights[i]!;
  }
  return out;
}

/** Evidently `get_binned_data`: reference and current shares per bin or category. */
export function binnedShares(
  reference: { numeric?: NumericSample; counts: Counts },
  current: { numeric?: NumericSample; counts: Counts },
  numerical: boolean,
  fillZeroes: boolean,
): { reference: Float64Array; current: Float64Array } {
  let ref: Float64Array;
  let cur: Float64Array;
  if (numerical && reference.numeric && current.numeric && reference.numeric.values.length > 20) {
    const min = Math.min(reference.numeric.values[0]!, current.numeric.values[0] ?? Infinity);
    const max = Math.max(reference.numeric.values[reference.numeric.values.length - 1]!, current.numeric.values[current.numeric.values.length - 1] ?? -Infinity);
    const edges = sturgesEdges(min, max, reference.numeric.total + current.numeric.total);
    ref = histogramCounts(reference.numeric, edges).map((c) => c / reference.numeric!.total);
    cur = histogramCounts(current.numeric, edges).map((c) => c / current.numeric!.total);
  } else {
    const keys = unionKeys(reference.counts, current.counts);
    const nr = total(reference.counts);
    const nc = total(current.counts);
    ref = Float64Array.from(keys, (k) => (reference.counts.get(k) ?? 0) / nr);
    cur = Float64Array.from(keys, (k) => (current.counts.get(k) ?? 0) / nc);
  }
  if (fillZeroes) {
    fill(ref);
    fill(cur);
  }
  return { reference: ref, current: cur };
}

function fill(p: Float64Array): void {
  let min = Infinity;
  for (const v of p) if (v !== 0 && v < min) min = v;
  if (!Number.isFinite(min)) return;
  const f = min <= 0.0001 ? min / 1e6 : 0.0001;
  for (let i = 0; i < p.length; i++) if (p[i] === 0) p[i] = f;
}

/** scipy `distance.jensenshannon(p, q)` (natural log; inputs normalised to sum 1). */
export function jensenShannonDistance(p: Float64Array, q: Float64Array): number {
  let sp = 0;
  let sq = 0;
  for (let i = 0; i < p.length; i++) {
    sp += p[i]!;
    sq += q[i]!;
  }
  let js = 0;
  for (let i = 0; i < p.length; i++) {
    const a = p[i]! / sp;
    const b = q[i]! / sq;
    const m = (a + b) / 2;
    if (a > 0) js += a * Math.log(a / m);
    if (b > 0) js += b * Math.log(b / m);
  }
  return Math.sqrt(Math.max(0, js / 2));
}

/** Evidently PSI: Σ (ref − cur) · ln(ref / cur) over filled shares. */
export function psi(p: Float64Array, q: Float64Array): number {
  let s = 0;
  for (let i = 0; i < p.length; i++) s += (p[i]! - q[i]!) * Math.log(p[i]! / q[i]!);
  return s;
}
