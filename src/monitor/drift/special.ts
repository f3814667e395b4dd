/**
 * @module monitor/drift/special
 * The distribution functions the drift tests need, without scipy: log-gamma (Lanczos), regularized
 * incomplete gamma (series / Lentz continued fraction), the normal CDF via erfc, the chi-square survival
 * function, Kolmogorov's limiting distribution, the one-sample KS distribution (scipy `kstwo`: Smirnov's exact
 * tail, Marsaglia-Tsang-Wang's matrix method), and the exact two-sample Kolmogorov-Smirnov p-value (the
 * lattice-path count scipy's `ks_2samp(method='exact')` computes, here as a normalised path-probability
 * recurrence that cannot overflow).
 */

const LANCZOS = [0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059, 12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7];

export function logGamma(x: number): number {
  if (x < 0.5) return Math.log(Math.PI / Math.abs(Math.sin(Math.PI * x))) - logGamma(1 - x);
  const z = x - 1;
  let a = LANCZOS[0]!;
  const t = z + 7.5;
  for (let i = 1; i < 9; i++) a += LANCZOS[i]! / (z + i);
  return 0.5 * Math.log(2 * Math.PI) + (z + 0.5) * Math.log(t) - t + Math.log(a);
}

const EPS = 1e-16;
const TINY = 1e-300;

/** Regularized lower incomplete gamma P(a, x). */
export function gammaP(a: number, x: number): number {
  if (x <= 0) return 0;
  if (!Number.isFinite(x)) return 1;
  return x < a + 1 ? gammaSeries(a, x) : 1 - gammaContinuedFraction(a, x);
}

/** Regularized upper incomplete gamma Q(a, x) = 1 - P(a, x), accurate in the tail. */
export function gammaQ(a: number, x: number): number {
  if (x <= 0) return 1;
  if (!Number.isFinite(x)) return 0;
  return x < a + 1 ? 1 - gammaSeries(a, x) : gammaContinuedFraction(a, x);
}

function gammaSeries(a: number, x: number): number {
  let sum = 1 / a;
  let term = sum;
  for (let n = 1; n < 10_000; n++) {
    term *= x / (a + n);
    sum += term;
    if (Math.abs(term) < Math.abs(sum) * EPS) break;
  }
  return sum * Math.exp(-x + a * Math.log(x) - logGamma(a));
}

function gammaContinuedFraction(a: number, x: number): number {
  let b = x + 1 - a;
  let c = 1 / TINY;
  let d = 1 / b;
  let h = d;
  for (let i = 1; i < 10_000; i++) {
    const an = -i * (i - a);
    b += 2;
    d = an * d + b;
    if (Math.abs(d) < TINY) d = TINY;
    c = b + an / c;
    if (Math.abs(c) < TINY) c = TINY;
    d = 1 / d;
    const delta = d * c;
    h *= delta;
    if (Math.abs(delta - 1) < EPS) break;
  }
  return Math.exp(-x + a * Math.log(x) - logGamma(a)) * h;
}

/** Complementary error function. */
export function erfc(x: number): number {
  if (Number.isNaN(x)) return NaN;
  return x >= 0 ? gammaQ(0.5, x * x) : 1 + gammaP(0.5, x * x);
}

/** Standard normal CDF. */
export function normalCdf(z: number): number {
  return 0.5 * erfc(-z / Math.SQRT2);
}

/** Chi-square survival function P(X >= x) with k degrees of freedom. */
export function chiSquareSf(x: number, k: number): number {
  if (Number.isNaN(x)) return NaN;
  if (x === Infinity) return 0;
  if (k <= 0) return NaN;
  return gammaQ(k / 2, x / 2);
}

/** Kolmogorov's limiting distribution, survival function P(K > x) (scipy `kstwobign.sf`). */
export function kolmogorovSf(x: number): number {
  if (x <= 0) return 1;
  if (x < 1) {
    // CDF = sqrt(2π)/x Σ exp(-(2k-1)² π² / (8x²))
    const f = -(Math.PI * Math.PI) / (8 * x * x);
    let s = 0;
    for (let k = 1; k < 100; k++) {
      const term = Math.exp(f * (2 * k - 1) * (2 * k - 1));
      s += term;
      if (term < 1e-17) break;
    }
    return 1 - (Math.sqrt(2 * Math.PI) / x) * s;
  }
  let s = 0;
  for (let k = 1; k < 100; k++) {
    const term = Math.exp(-2 * k * k * x * x);
    s += (k % 2 === 1 ? 1 : -1) * term;
    if (term < 1e-17) break;
  }
  return Math.max(0, Math.min(1, 2 * s));
}

function gcd(a: number, b: number): number {
  while (b) [a, b] = [b, a % b];
  return a;
}

/**
 * Exact two-sided p-value P(D >= d) of the two-sample KS statistic for sample sizes n1, n2 (no ties),
 * as scipy's `_attempt_exact_2kssamp`: d is snapped to the lattice (h = round(d·lcm)), then the share of
 * monotone paths from (0,0) to (n1,n2) that stay strictly inside |i·n2 − j·n1|/g < h is computed.
 */
export function ksExactPValue(d: number, n1: number, n2: number): number {
  const g = gcd(n1, n2);
  const lcm = (n1 / g) * n2;
  const h = Math.round(d * lcm);
  if (h === 0) return 1;
  const a1 = n2 / g;
  const a2 = n1 / g;
  const row = new Float64Array(n2 + 1);
  // i = 0 row: paths along sample 2 only.
  row[0] = 1;
  for (let j = 1; j <= n2; j++) row[j] = Math.abs(-j * a2) < h ? row[j - 1]! : 0;
  for (let i = 1; i <= n1; i++) {
    row[0] = Math.abs(i * a1) < h ? row[0]! : 0;
    for (let j = 1; j <= n2; j++) {
      if (Math.abs(i * a1 - j * a2) >= h) row[j] = 0;
      else row[j] = (row[j]! * i + row[j - 1]! * j) / (i + j);
    }
  }
  const p = 1 - row[n2]!;
  return Math.min(1, Math.max(0, p));
}

function logChoose(n: number, k: number): number {
  return logGamma(n + 1) - logGamma(k + 1) - logGamma(n - k + 1);
}

/**
 * One-sided Smirnov survival function P(D_n^+ >= d), exact (Birnbaum & Tingey 1951):
 * d · Σ_{j=0}^{⌊n(1−d)⌋} C(n,j) (1 − d − j/n)^{n−j} (d + j/n)^{j−1}, summed in log space.
 */
export function smirnovSf(n: number, d: number): number {
  if (d <= 0) return 1;
  if (d >= 1) return 0;
  const last = Math.floor(n * (1 - d) + 1e-12);
  let s = 0;
  for (let j = 0; j <= last; j++) {
    const a = 1 - d - j / n;
    const b = d + j / n;
    if (a <= 0 && n - j > 0) continue;
    const log = logChoose(n, j) + (n - j) * (a > 0 ? Math.log(a) : 0) + (j - 1) * Math.log(b);
    s += Math.exp(log);
  }
  return Math.min(1, Math.max(0, d * s));
}

/** C = A·B for m×m row-major matrices. */
function matMul(a: Float64Array, b: Float64Array, m: number): Float64Array {
  const c = new Float64Array(m * m);
  for (let i = 0; i < m; i++) {
    for (let k = 0; k < m; k++) {
      const x = a[i * m + k]!;
      if (x === 0) continue;
      for (let j = 0; j < m; j++) c[i * m + j]! += x * b[k * m + j]!;
    }
  }
  return c;
}

/**
 * CDF of the one-sample two-sided KS statistic, P(D_n < d), by Marsaglia, Tsang & Wang (2003): the (k,k)
 * entry of H^n for an m×m matrix H (k = ⌊nd⌋+1, m = 2k−1), scaled by n!/n^n, with exponent tracking.
 */
export function kolmogorovCdfMTW(n: number, d: number): number {
  const k = Math.floor(n * d) + 1;
  const m = 2 * k - 1;
  const h = k - n * d;
  const H = new Float64Array(m * m);
  for (let i = 0; i < m; i++) for (let j = 0; j < m; j++) H[i * m + j] = i - j + 1 < 0 ? 0 : 1;
  for (let i = 0; i < m; i++) {
    H[i * m]! -= Math.pow(h, i + 1);
    H[(m - 1) * m + i]! -= Math.pow(h, m - i);
  }
  H[(m - 1) * m]! += 2 * h - 1 > 0 ? Math.pow(2 * h - 1, m) : 0;
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < m; j++) {
      if (i - j + 1 > 0) for (let g = 1; g <= i - j + 1; g++) H[i * m + j]! /= g;
    }
  }
  const power = (e: number): { v: Float64Array; exp: number } => {
    if (e === 1) return { v: H, exp: 0 };
    const half = power(Math.floor(e / 2));
    let v = matMul(half.v, half.v, m);
    let exp = 2 * half.exp;
    if (e % 2 === 1) v = matMul(H, v, m);
    const centre = v[Math.floor(m / 2) * m + Math.floor(m / 2)]!;
    if (centre > 1e140) {
      for (let i = 0; i < v.length; i++) v[i]! *= 1e-140;
      exp += 140;
    }
    return { v, exp };
  };
  const { v, exp } = power(n);
  let s = v[(k - 1) * m + (k - 1)]!;
  let e = exp;
  for (let i = 1; i <= n; i++) {
    s = (s * i) / n;
    if (s < 1e-140) {
      s *= 1e140;
      e -= 140;
    }
  }
  return s * Math.pow(10, e);
}

/** Largest k = ⌊nd⌋+1 for which the matrix method runs (m = 2k−1 ≤ 119: well under 0.1 s). */
const MTW_MAX_K = 60;

/**
 * Survival function of the one-sample two-sided KS statistic, P(D_n >= d) (scipy `kstwo.sf`), with scipy's
 * choice of method by region: Ruben-Gambino's closed forms at the extremes, twice the exact one-sided Smirnov
 * tail where n·d² is large, Marsaglia-Tsang-Wang's exact matrix method in the body; where that matrix
 * would be too large (n·d ≥ 60 with n·d² < 2.2, i.e. n in the thousands), Stephens' approximation
 * Q_KS((√n + 0.12 + 0.11/√n)·d) (relative error below 1e-3 around p = 0.05).
 */
export function kolmogorovSmirnovSf(n: number, d: number): number {
  if (!(n >= 1) || Number.isNaN(d)) return NaN;
  if (d >= 1) return 0;
  if (d <= 0) return 1;
  const t = n * d;
  if (t <= 1) {
    if (t <= 0.5) return 1;
    const logCdf = logGamma(n + 1) - n * Math.log(n) + n * Math.log(2 * t - 1);
    return 1 - Math.exp(logCdf);
  }
  if (t >= n - 1) return 2 * Math.pow(1 - d, n);
  if (d >= 0.5) return Math.min(1, 2 * smirnovSf(n, d));
  const nd2 = t * d;
  if (n > 140 && nd2 >= 370) return 0;
  if ((n <= 140 && nd2 > 4) || (n > 140 && nd2 >= 2.2)) return Math.min(1, 2 * smirnovSf(n, d));
  if (Math.floor(t) + 1 <= MTW_MAX_K) return Math.min(1, Math.max(0, 1 - kolmogorovCdfMTW(n, d)));
  const sn = Math.sqrt(n);
  return kolmogorovSf((sn + 0.12 + 0.11 / sn) * d);
}
