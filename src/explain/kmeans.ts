/**
 * @module explain/kmeans
 * The baseline Clarify computes when none is given: cluster centres of the data. K-means (k-means++ seeds
 * from a seeded generator, then Lloyd's iterations) for numeric features; K-prototypes (Huang 1998) when
 * some features are categorical: squared distance on numeric features plus γ per mismatching categorical
 * feature (γ = half the mean standard deviation of the numeric ones), centres take the mean of numeric and
 * the mode of categorical features, so a 0/1 column stays 0/1 instead of being averaged.
 *
 * Without `num_clusters` the number is chosen between 1 and 12 by the elbow rule: the smallest k after
 * which one more cluster removes less than 5 % of the one-cluster inertia.
 */
import { createRandom } from '../core/random.js';
import type { FeatureMatrix } from '../models/index.js';

export interface ClusterOptions {
  /** Feature indices treated as categorical (K-prototypes). */
  categorical?: number[];
  seed?: number;
  maxIterations?: number;
}

export interface Clustering {
  centers: FeatureMatrix;
  /** Sum of distances of the rows to their centre. */
  inertia: number;
  k: number;
}

export function cluster(data: FeatureMatrix, k: number, options: ClusterOptions = {}): Clustering {
  const { rows: n, cols: m, values: x } = data;
  const cat = new Uint8Array(m);
  for (const j of options.categorical ?? []) cat[j] = 1;
  let gamma = 0;
  let numeric = 0;
  for (let j = 0; j < m; j++) {
    if (cat[j]) continue;
    let s = 0;
    let s2 = 0;
    for (let i = 0; i < n; i++) {
      s += x[i * m + j]!;
      s2 += x[i * m + j]! ** 2;
    }
    gamma += Math.sqrt(Math.max(0, s2 / n - (s / n) ** 2));
    numeric++;
  }
  gamma = numeric > 0 ? (0.5 * gamma) / numeric : 1;
  const kk = Math.max(1, Math.min(k, n));
  const dist = (i: number, c: Float64Array, co: number): number => {
    let d = 0;
    for (let j = 0; j < m; j++) {
      const a = x[i * m + j]!;
      const b = c[co + j]!;
      if (cat[j]) d += a === b ? 0 : gamma;
      else d += (a - b) * (a - b);
    }
    return d;
  };
  const random = createRandom(options.seed ?? 0);
  const centers = new Float64Array(kk * m);
  // k-means++ seeding.
  const first = Math.floor(random.next() * n);
  centers.set(x.subarray(first * m, first * m + m), 0);
  const best = new Float64Array(n).fill(Infinity);
  for (let c = 1; c < kk; c++) {
    let total = 0;
    for (let i = 0; i < n; i++) {
      best[i] = Math.min(best[i]!, dist(i, centers, (c - 1) * m));
      total += best[i]!;
    }
    let pick = n - 1;
    if (total > 0) {
      let u = random.next() * total;
      for (let i = 0; i < n; i++) {
        u -= best[i]!;
        if (u < 0) {
          pick = i;
          break;
        }
      }
    } else pick = Math.floor(random.next() * n);
    centers.set(x.subarray(pick * m, pick * m + m), c * m);
  }
  const assign = new Int32Array(n).fill(-1);
  let inertia = 0;
  for (let iter = 0; iter < (options.maxIterations ?? 100); iter++) {
    let changed = false;
    inertia = 0;
    for (let i = 0; i < n; i++) {
      let bc = 0;
      let bd = Infinity;
      for (let c = 0; c < kk; c++) {
        const d = dist(i, centers, c * m);
        if (d < bd) {
          bd = d;
          bc = c;
        }
      }
      inertia += bd;
      if (assign[i] !== bc) {
        assign[i] = bc;
        changed = true;
      }
    }
    if (!changed) break;
    for (let c = 0; c < kk; c++) {
      const members: number[] = [];
      for (let i = 0; i < n; i++) if (assign[i] === c) members.push(i);
      if (members.length === 0) continue;
      for (let j = 0; j < m; j++) {
        if (cat[j]) {
          const counts = new Map<number, number>();
          let mode = x[members[0]! * m + j]!;
          let top = 0;
          for (const i of members) {
            const v = x[i * m + j]!;
            const cnt = (counts.get(v) ?? 0) + 1;
            counts.set(v, cnt);
            if (cnt > top || (cnt === top && v < mode)) {
              top = cnt;
              mode = v;
            }
          }
          centers[c * m + j] = mode;
        } else {
          let s = 0;
          for (const i of members) s += x[i * m + j]!;
          centers[c * m + j] = s / members.length;
        }
      }
    }
  }
  return { centers: { rows: kk, cols: m, values: centers }, inertia, k: kk };
}

/** Clusters with `numClusters`, or the elbow-rule choice in 1..12 when absent. */
export function baselineClusters(data: FeatureMatrix, numClusters: number | undefined, options: ClusterOptions = {}): Clustering {
  if (numClusters !== undefined) return cluster(data, numClusters, options);
  const runs: Clustering[] = [];
  for (let k = 1; k <= Math.min(12, data.rows); k++) runs.push(cluster(data, k, options));
  const base = runs[0]!.inertia || 1;
  for (let i = 0; i < runs.length - 1; i++) if ((runs[i]!.inertia - runs[i + 1]!.inertia) / base < 0.05) return runs[i]!;
  return runs[runs.length - 1]!;
}
