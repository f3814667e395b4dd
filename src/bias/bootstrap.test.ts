import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { Column, ColumnTable } from '../core/columns.js';
import { createRandom } from '../core/random.js';
import { logGamma, percentileInterval, poisson, resolveBootstrap } from './bootstrap.js';
import { biasAnalysisJson, postTrainingBias, preTrainingBias, type BiasConfig, type MetricResult } from './index.js';

const FIXTURE = fileURLToPath(new URL('../../test/fixtures/bias/bootstrap/classical.json', import.meta.url));

interface Classical {
  columns: Record<string, { type: 'int' | 'string'; values: (number | string)[] }>;
  config: BiasConfig;
  level: number;
  point: Record<string, number>;
  intervals: Record<string, [number, number]>;
}

function table(f: Classical): ColumnTable {
  const columns = Object.entries(f.columns).map(([name, c]): Column =>
    c.type === 'string' ? { name, type: 'string', values: c.values.map(String) } : { name, type: 'int', values: Float64Array.from(c.values, Number) },
  );
  return { length: columns[0]!.values.length, columns };
}

describe('bootstrap confidence intervals', () => {
  it('draws Poisson variates with the right mean and variance, small and large λ', () => {
    const random = createRandom(1);
    for (const lambda of [0.3, 4, 9.9, 10, 37.5, 1000, 250_000]) {
      const draws = 20_000;
      let sum = 0, sq = 0;
      for (let i = 0; i < draws; i++) {
        const k = poisson(random, lambda);
        expect(Number.isInteger(k) && k >= 0).toBe(true);
        sum += k;
        sq += k * k;
      }
      const mean = sum / draws;
      const variance = sq / draws - mean * mean;
      // 5 standard errors of the mean; variance within 6%.
      expect(Math.abs(mean - lambda), `mean at λ=${lambda}`).toBeLessThan(5 * Math.sqrt(lambda / draws));
      expect(Math.abs(variance / lambda - 1), `variance at λ=${lambda}`).toBeLessThan(0.06);
    }
    expect(poisson(random, 0)).toBe(0);
  });

  it('computes ln Γ', () => {
    expect(logGamma(1)).toBe(0);
    expect(logGamma(5)).toBeCloseTo(Math.log(24), 12);
    expect(logGamma(0.5)).toBeCloseTo(Math.log(Math.sqrt(Math.PI)), 12);
    expect(logGamma(101)).toBeCloseTo(363.73937555556347, 9);
  });

  it('takes numpy-style percentiles, skipping undefined replicates', () => {
    expect(percentileInterval(Float64Array.from([1, 2, 3, 4, 5]), 0.5)).toEqual([2, 4]);
    expect(percentileInterval(Float64Array.from([NaN, 1, 2, 3, NaN]), 0.5)).toEqual([1.5, 2.5]);
    expect(percentileInterval(Float64Array.from([NaN, NaN, NaN, 1]), 0.9)).toBeUndefined();
    expect(percentileInterval(Float64Array.from([1, 2, Infinity, Infinity]), 0.9)).toEqual([1.15, Infinity]);
  });

  it('checks its options, naming the field and the value', () => {
    expect(() => resolveBootstrap({ level: 95 })).toThrow(/bootstrap\.level.*95/);
    expect(() => resolveBootstrap({ level: 0.9, samples: 3 })).toThrow(/bootstrap\.samples/);
    expect(() => resolveBootstrap({ level: 0.9, seed: 1.5 })).toThrow(/bootstrap\.seed/);
    expect(resolveBootstrap({ level: 0.9 })).toEqual({ level: 0.9, samples: 1000, seed: 0 });
  });

  it('agrees with a classical numpy bootstrap within Monte Carlo error, and is reproducible', () => {
    const f = JSON.parse(readFileSync(FIXTURE, 'utf8')) as Classical;
    const t = table(f);
    const bootstrap = { level: f.level, samples: 3000, seed: 11 };
    const pre = preTrainingBias(t, f.config, { bootstrap, methods: ['CDDL', 'CI', 'DPL', 'JS', 'KL'] });
    const post = postTrainingBias(t, f.config, { bootstrap, methods: ['AD', 'CDDPL', 'DI', 'DPPL', 'GE', 'RD', 'TE'] });
    const metrics: MetricResult[] = [...pre.facets[0]!.reports[0]!.metrics, ...post.facets[0]!.reports[0]!.metrics];
    expect(metrics).toHaveLength(12);
    for (const m of metrics) {
      const [lo, hi] = f.intervals[m.name]!;
      expect(m.value, m.name).toBeCloseTo(f.point[m.name]!, 10);
      expect(m.confidenceInterval, m.name).toBeDefined();
      const [mlo, mhi] = m.confidenceInterval!;
      expect(mlo, m.name).toBeLessThanOrEqual(m.value!);
      expect(mhi, m.name).toBeGreaterThanOrEqual(m.value!);
      // Each end within 10% of the reference width (about 0.4 standard errors of the metric).
      const tol = 0.1 * (hi - lo);
      expect(Math.abs(mlo - lo), `${m.name} low ${mlo} vs ${lo}`).toBeLessThan(tol);
      expect(Math.abs(mhi - hi), `${m.name} high ${mhi} vs ${hi}`).toBeLessThan(tol);
    }
    const again = preTrainingBias(t, f.config, { bootstrap, methods: ['CI'] });
    expect(again.facets[0]!.reports[0]!.metrics[0]!.confidenceInterval).toEqual(pre.facets[0]!.reports[0]!.metrics.find((m) => m.name === 'CI')!.confidenceInterval);
    const otherSeed = preTrainingBias(t, f.config, { bootstrap: { ...bootstrap, seed: 12 }, methods: ['CI'] });
    expect(otherSeed.facets[0]!.reports[0]!.metrics[0]!.confidenceInterval).not.toEqual(again.facets[0]!.reports[0]!.metrics[0]!.confidenceInterval);
    // analysis.json: an extra key per metric, the rest unchanged.
    const json = biasAnalysisJson({ pre: again });
    expect(Object.keys(json.pre_training_bias_metrics!.facets['f']![0]!.metrics[0]!)).toEqual(['name', 'description', 'value', 'confidence_interval']);
  });

  it('gives FT an interval and leaves failed metrics without one', () => {
    const n = 400;
    const r = createRandom(3);
    const x = Float64Array.from({ length: n }, () => r.next());
    const f = Float64Array.from({ length: n }, (_, i) => (i % 3 === 0 ? 1 : 0));
    const y = Float64Array.from(x, (v) => (v > 0.5 ? 1 : 0));
    const p = Float64Array.from(x, (v, i) => (v + (f[i] ? -0.1 : 0.05) > 0.5 ? 1 : 0));
    const t: ColumnTable = {
      length: n,
      columns: [
        { name: 'f', type: 'int', values: f },
        { name: 'x', type: 'float', values: x },
        { name: 'y', type: 'int', values: y },
        { name: 'p', type: 'int', values: p },
      ],
    };
    const config: BiasConfig = { facets: [{ name: 'f', values: [1] }, { name: 'f', values: [7] }], label: { name: 'y', values: [1] }, predictedLabel: 'p' };
    const post = postTrainingBias(t, config, { bootstrap: { level: 0.9, samples: 500 }, methods: ['FT', 'DPPL', 'CDDPL'] });
    const [ok, empty] = post.facets.map((facet) => facet.reports[0]!.metrics);
    const ft = ok!.find((m) => m.name === 'FT')!;
    expect(ft.value).toBeLessThan(0);
    expect(ft.confidenceInterval![0]).toBeLessThanOrEqual(ft.value!);
    expect(ft.confidenceInterval![1]).toBeGreaterThanOrEqual(ft.value!);
    expect(ok!.find((m) => m.name === 'CDDPL')!.confidenceInterval).toBeUndefined();
    for (const m of empty!) {
      expect(m.value).toBeNull();
      expect(m.confidenceInterval).toBeUndefined();
    }
  });
});
