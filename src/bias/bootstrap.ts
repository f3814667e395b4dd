/**
 * @module bias/bootstrap
 * Bootstrap confidence intervals for the bias metrics (beyond Clarify), seeded and reproducible.
 *
 * Method: the Poisson bootstrap. Each replicate gives every row a weight drawn from Poisson(1) (the classical
 * bootstrap draws n rows with replacement, i.e. multinomial weights; the two agree as n grows and the Poisson
 * form makes rows independent). Every metric but FT is a function of the cell counts of bias/cells, and a sum
 * of k independent Poisson(1) weights is Poisson(k), so a replicate draws one Poisson(count) per cell
 * instead of one weight per row: exactly the same distribution, at a cost independent of the row count.
 * The kernels then run on the resampled cells, and the interval is the percentile interval
 * [q((1−level)/2), q((1+level)/2)] of the replicates (numpy's linear interpolation). Replicates where a metric is
 * undefined (an empty group) are left out; with fewer than half defined the metric gets no interval.
 *
 * FT is resampled over the d rows with their flip outcome (+1, −1, 0) fixed, i.e. conditional on the
 * k-nearest-neighbour model fitted on a: refitting it per replicate would cost a full FT each time.
 *
 * Random numbers: `createRandom` streams (core/random), one per facet report and stage, derived from the seed,
 * so an interval does not change when other metrics or facets are added to the run.
 */
import { createRandom, type Random } from '../core/random.js';
import { invalid } from '../core/errors.js';
import type { CellTable } from './cells.js';
import { MetricFailure } from './metric.js';

export interface BootstrapOptions {
  /** Confidence level in (0, 1), e.g. 0.95. */
  level: number;
  /** Number of replicates (default 1000). */
  samples?: number;
  /** Seed of the random streams (default 0). */
  seed?: number;
}

export interface ResolvedBootstrap {
  level: number;
  samples: number;
  seed: number;
}

export const DEFAULT_BOOTSTRAP_SAMPLES = 1000;

/** Checks the options, naming the field and the value. */
export function resolveBootstrap(options: BootstrapOptions, path = 'bootstrap'): ResolvedBootstrap {
  const { level } = options;
  if (typeof level !== 'number' || !(level > 0 && level < 1)) throw invalid(`${path}.level`, level, 'a confidence level between 0 and 1, such as 0.95');
  const samples = options.samples ?? DEFAULT_BOOTSTRAP_SAMPLES;
  if (!Number.isInteger(samples) || samples < 10 || samples > 1_000_000) throw invalid(`${path}.samples`, samples, 'a whole number of replicates from 10 to 1,000,000');
  const seed = options.seed ?? 0;
  if (!Number.isSafeInteger(seed)) throw invalid(`${path}.seed`, seed, 'an integer');
  return { level, samples, seed };
}

/** The random stream of one facet report and stage. */
export function bootstrapStream(b: ResolvedBootstrap, stream: number): Random {
  return createRandom(b.seed + stream * 0x9e3779b1);
}

/** Poisson(λ): multiplication for λ < 10, Hörmann's PTRS transformed rejection above (numpy's algorithms). */
export function poisson(random: Random, lambda: number): number {
  if (lambda <= 0) return 0;
  if (lambda < 10) {
    const limit = Math.exp(-lambda);
    let k = 0;
    let prod = random.next();
    while (prod > limit) {
      k++;
      prod *= random.next();
    }
    return k;
  }
  const slam = Math.sqrt(lambda);
  const loglam = Math.log(lambda);
  const b = 0.931 + 2.53 * slam;
  const a = -0.059 + 0.02483 * b;
  const invalpha = 1.1239 + 1.1328 / (b - 3.4);
  const vr = 0.9277 - 3.6224 / (b - 2);
  for (;;) {
    const u = random.next() - 0.5;
    const v = random.next();
    const us = 0.5 - Math.abs(u);
    const k = Math.floor(((2 * a) / us + b) * u + lambda + 0.43);
    if (us >= 0.07 && v <= vr) return k;
    if (k < 0 || (us < 0.013 && v > us)) continue;
    if (Math.log(v) + Math.log(invalpha) - Math.log(a / (us * us) + b) <= -lambda + k * loglam - logGamma(k + 1)) return k;
  }
}

const LG_COEF = [
  8.333333333333333e-2, -2.777777777777778e-3, 7.936507936507937e-4, -5.952380952380952e-4, 8.417508417508418e-4, -1.917526917526918e-3, 6.41025641025641e-3,
  -2.955065359477124e-2, 1.796443723688307e-1, -1.3924322169059,
];

/** ln Γ(x) for x > 0 (Stirling series, shifted up to 7 for small x). */
export function logGamma(x: number): number {
  if (x === 1 || x === 2) return 0;
  const n = x < 7 ? Math.floor(7 - x) : 0;
  let x0 = x + n;
  const x2 = 1 / (x0 * x0);
  let gl0 = LG_COEF[9]!;
  for (let k = 8; k >= 0; k--) gl0 = gl0 * x2 + LG_COEF[k]!;
  let gl = gl0 / x0 + 0.5 * 1.8378770664093453 + (x0 - 0.5) * Math.log(x0) - x0;
  for (let k = 1; k <= n; k++) {
    gl -= Math.log(x0 - 1);
    x0 -= 1;
  }
  return gl;
}

/** A replicate of the cell counts: Poisson(count) per cell, written into `out`. */
function resampleCells(t: CellTable, random: Random, out: CellTable): void {
  const src = t.cells;
  const dst = out.cells;
  for (let k = 0; k < src.length; k++) dst[k] = poisson(random, src[k]!);
}

/** Percentile interval of the defined replicates (NaN = undefined), or undefined when fewer than half are defined. */
export function percentileInterval(values: Float64Array, level: number): [number, number] | undefined {
  const defined = values.filter((v) => !Number.isNaN(v)).sort();
  if (defined.length === 0 || defined.length * 2 < values.length) return undefined;
  return [quantile(defined, (1 - level) / 2), quantile(defined, (1 + level) / 2)];
}

/** numpy's default (linear) quantile of an ascending array; an infinite neighbour is taken as is. */
function quantile(sorted: Float64Array, q: number): number {
  const pos = q * (sorted.length - 1);
  const lo = Math.floor(pos);
  const hi = Math.min(sorted.length - 1, lo + 1);
  const x = sorted[lo]!, y = sorted[hi]!;
  if (x === y) return x;
  if (!Number.isFinite(x) || !Number.isFinite(y)) return pos - lo < 0.5 ? x : y;
  return x + (y - x) * (pos - lo);
}

/**
 * Intervals for several count-based metrics over the same replicates: `kernel(name, cells)` is the metric on a
 * table (throwing MetricFailure where undefined). Returns name → interval (absent: no interval).
 */
export function bootstrapCellIntervals<M extends string>(
  t: CellTable,
  names: readonly M[],
  kernel: (name: M, cells: CellTable) => number,
  b: ResolvedBootstrap,
  random: Random,
): Map<M, [number, number]> {
  const replicate: CellTable = { cells: new Float64Array(t.cells.length), groups: t.groups, hasGroup: t.hasGroup };
  const values = names.map(() => new Float64Array(b.samples));
  for (let s = 0; s < b.samples; s++) {
    resampleCells(t, random, replicate);
    names.forEach((name, j) => {
      let v: number;
      try {
        v = kernel(name, replicate);
      } catch (e) {
        if (!(e instanceof MetricFailure)) throw e;
        v = NaN;
      }
      values[j]![s] = v;
    });
  }
  const out = new Map<M, [number, number]>();
  names.forEach((name, j) => {
    const interval = percentileInterval(values[j]!, b.level);
    if (interval) out.set(name, interval);
  });
  return out;
}

/** FT's interval, resampling the d rows by flip outcome: `plus` rows at +1, `minus` at −1, the rest of `nd` at 0. */
export function flipTestInterval(plus: number, minus: number, nd: number, b: ResolvedBootstrap, random: Random): [number, number] | undefined {
  const values = new Float64Array(b.samples);
  const zero = nd - plus - minus;
  for (let s = 0; s < b.samples; s++) {
    const p = poisson(random, plus), m = poisson(random, minus), z = poisson(random, zero);
    const n = p + m + z;
    values[s] = n === 0 ? NaN : (p - m) / n;
  }
  return percentileInterval(values, b.level);
}
