/**
 * @module explain/coalitions
 * The coalitions Kernel SHAP evaluates and their weights. Clarify's rule for how many: `n_samples =
 * min(num_samples, 2^M - 2)`, and without `num_samples` `min(2M + 2^11, 2^M - 2)`. When that covers every
 * coalition (all 2^M - 2 proper, non-empty subsets), all are enumerated with their exact Shapley-kernel
 * weights, and the regression gives the exact Shapley values of the game. Otherwise coalitions are drawn
 * with a seeded generator: a size s from the kernel's size distribution (∝ (M-1) / (s (M-s))), a uniform
 * subset of that size, and its complement with it (paired sampling); repeated draws are merged and
 * weighted by how often they came up, which is the Monte Carlo form of the kernel-weighted regression.
 */
import { createRandom } from '../core/random.js';

export interface CoalitionSet {
  /** Players. */
  players: number;
  /** count x players, 1 = the player takes the explained row's value, 0 = the baseline row's. */
  masks: Uint8Array;
  weights: Float64Array;
  count: number;
  /** True when every coalition was enumerated (the values are then exact Shapley values). */
  exact: boolean;
  /** The n_samples Clarify would log. */
  nSamples: number;
}

/** Clarify's n_samples for M players and an optional num_samples. */
export function sampleCount(players: number, numSamples?: number): number {
  const all = players >= 52 ? Number.MAX_SAFE_INTEGER : 2 ** players - 2;
  return Math.min(numSamples ?? 2 * players + 2048, all);
}

function binomial(n: number, k: number): number {
  let r = 1;
  for (let i = 1; i <= k; i++) r = (r * (n - k + i)) / i;
  return r;
}

/** The Shapley kernel weight of one coalition of size s among M players (0 < s < M). */
export function shapleyKernelWeight(players: number, size: number): number {
  return (players - 1) / (binomial(players, size) * size * (players - size));
}

export function buildCoalitions(players: number, numSamples: number | undefined, seed: number): CoalitionSet {
  const nSamples = sampleCount(players, numSamples);
  if (players <= 1) return { players, masks: new Uint8Array(0), weights: new Float64Array(0), count: 0, exact: true, nSamples: 0 };
  const total = players >= 52 ? Infinity : 2 ** players - 2;
  if (nSamples >= total) {
    const count = total;
    const masks = new Uint8Array(count * players);
    const weights = new Float64Array(count);
    for (let c = 0; c < count; c++) {
      const bits = c + 1;
      let size = 0;
      for (let j = 0; j < players; j++) {
        const on = Math.floor(bits / 2 ** j) % 2;
        masks[c * players + j] = on;
        size += on;
      }
      weights[c] = shapleyKernelWeight(players, size);
    }
    return { players, masks, weights, count, exact: true, nSamples };
  }

  const random = createRandom(seed);
  // Size distribution of the Shapley kernel.
  const sizeWeights: number[] = [];
  let sum = 0;
  for (let s = 1; s < players; s++) {
    const w = (players - 1) / (s * (players - s));
    sizeWeights.push(w);
    sum += w;
  }
  const index = new Map<string, number>();
  const rows: Uint8Array[] = [];
  const counts: number[] = [];
  const add = (mask: Uint8Array) => {
    const key = mask.join('');
    const at = index.get(key);
    if (at !== undefined) counts[at]! += 1;
    else {
      index.set(key, rows.length);
      rows.push(mask);
      counts.push(1);
    }
  };
  const order = Array.from({ length: players }, (_, j) => j);
  for (let drawn = 0; drawn < nSamples; ) {
    let u = random.next() * sum;
    let size = 1;
    for (; size < players - 1 && u >= sizeWeights[size - 1]!; size++) u -= sizeWeights[size - 1]!;
    // A uniform subset of that size: the first `size` entries of a partial Fisher-Yates shuffle.
    for (let k = 0; k < size; k++) {
      const j = k + Math.floor(random.next() * (players - k));
      const t = order[k]!;
      order[k] = order[j]!;
      order[j] = t;
    }
    const mask = new Uint8Array(players);
    for (let k = 0; k < size; k++) mask[order[k]!] = 1;
    add(mask);
    drawn++;
    if (drawn < nSamples) {
      const complement = new Uint8Array(players);
      for (let j = 0; j < players; j++) complement[j] = 1 - mask[j]!;
      add(complement);
      drawn++;
    }
  }
  const masks = new Uint8Array(rows.length * players);
  rows.forEach((m, c) => masks.set(m, c * players));
  return { players, masks, weights: Float64Array.from(counts), count: rows.length, exact: false, nSamples };
}

/**
 * The constrained weighted least-squares solver shared by every explained row: with the last player
 * eliminated through Σφ = Δ, φ[0..M-2] = P (y - z_last Δ) where P = (AᵀWA)⁻¹AᵀW and A[c][j] = z[c][j] -
 * z[c][M-1]. Returns P ((M-1) x count, row-major). A tiny ridge is added when AᵀWA is singular (too few
 * distinct coalitions for the players); additivity still holds exactly through the constraint.
 */
export function projection(set: CoalitionSet): Float64Array {
  const m = set.players - 1;
  const n = set.count;
  const P = new Float64Array(m * n);
  if (m <= 0 || n === 0) return P;
  const last = set.players - 1;
  const A = new Float64Array(n * m);
  for (let c = 0; c < n; c++) for (let j = 0; j < m; j++) A[c * m + j] = set.masks[c * set.players + j]! - set.masks[c * set.players + last]!;
  const G = new Float64Array(m * m);
  for (let c = 0; c < n; c++) {
    const w = set.weights[c]!;
    for (let a = 0; a < m; a++) {
      const va = A[c * m + a]! * w;
      if (va === 0) continue;
      for (let b = 0; b < m; b++) G[a * m + b] += va * A[c * m + b]!;
    }
  }
  let trace = 0;
  for (let a = 0; a < m; a++) trace += G[a * m + a]!;
  const inv = invert(G, m) ?? invert(ridge(G, m, 1e-9 * (trace || 1)), m) ?? invert(ridge(G, m, 1e-6 * (trace || 1)), m)!;
  // P = inv · Aᵀ · W
  for (let a = 0; a < m; a++) {
    for (let c = 0; c < n; c++) {
      let s = 0;
      for (let b = 0; b < m; b++) s += inv[a * m + b]! * A[c * m + b]!;
      P[a * n + c] = s * set.weights[c]!;
    }
  }
  return P;
}

function ridge(G: Float64Array, m: number, lambda: number): Float64Array {
  const out = Float64Array.from(G);
  for (let a = 0; a < m; a++) out[a * m + a] += lambda;
  return out;
}

/** Gauss-Jordan inverse with partial pivoting; undefined when singular. */
function invert(G: Float64Array, m: number): Float64Array | undefined {
  const a = Float64Array.from(G);
  const inv = new Float64Array(m * m);
  for (let i = 0; i < m; i++) inv[i * m + i] = 1;
  let scale = 0;
  for (let i = 0; i < m * m; i++) scale = Math.max(scale, Math.abs(a[i]!));
  for (let col = 0; col < m; col++) {
    let pivot = col;
    for (let r = col + 1; r < m; r++) if (Math.abs(a[r * m + col]!) > Math.abs(a[pivot * m + col]!)) pivot = r;
    const p = a[pivot * m + col]!;
    if (Math.abs(p) <= 1e-12 * (scale || 1)) return undefined;
    if (pivot !== col) {
      for (let k = 0; k < m; k++) {
        let t = a[col * m + k]!;
        a[col * m + k] = a[pivot * m + k]!;
        a[pivot * m + k] = t;
        t = inv[col * m + k]!;
        inv[col * m + k] = inv[pivot * m + k]!;
        inv[pivot * m + k] = t;
      }
    }
    for (let k = 0; k < m; k++) {
      a[col * m + k] = a[col * m + k]! / p;
      inv[col * m + k] = inv[col * m + k]! / p;
    }
    for (let r = 0; r < m; r++) {
      if (r === col) continue;
      const factor = a[r * m + col]!;
      if (factor === 0) continue;
      for (let k = 0; k < m; k++) {
        a[r * m + k] = a[r * m + k]! - factor * a[col * m + k]!;
        inv[r * m + k] = inv[r * m + k]! - factor * inv[col * m + k]!;
      }
    }
  }
  return inv;
}
