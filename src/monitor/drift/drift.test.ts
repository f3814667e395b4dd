/**
 * @module monitor/drift/drift.test
 * Drift tests against numpy/scipy (Debian python3) on the same data: KS (exact and asymptotic), chi-square,
 * z-test, normed Wasserstein, Jensen-Shannon and PSI with Evidently's binning; Evidently's test choice,
 * dataset verdict, segments, a statistics.json reference, bad options.
 */
import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { tableFromRows, type ColumnTable } from '../../core/columns.js';
import { createRandom } from '../../core/random.js';
import { computeStatistics } from '../baseline/index.js';
import { binnedShares, chiSquareTest, detectDrift, jensenShannonDistance, kolmogorovSmirnovSf, ksTest, numericSample, psi, wassersteinNormed, zTest, type Counts } from './index.js';

/** Evidently's formulas written with numpy/scipy primitives (evidently itself is not installed). */
const REFERENCE = `
import json, sys
import numpy as np, pandas as pd
from scipy import stats
from scipy.spatial import distance
d = json.load(sys.stdin)
def binned(ref, cur, numerical, fill):
    ref = pd.Series(ref); cur = pd.Series(cur)
    if numerical and ref.nunique() > 20:
        bins = np.histogram_bin_edges(pd.concat([ref, cur]).values, bins='sturges')
        r = np.histogram(ref, bins)[0] / len(ref); c = np.histogram(cur, bins)[0] / len(cur)
    else:
        keys = list(set(ref.unique()) | set(cur.unique()))
        rc = ref.value_counts(); cc = cur.value_counts()
        r = np.array([rc.get(k, 0) / len(ref) for k in keys]); c = np.array([cc.get(k, 0) / len(cur) for k in keys])
    if fill:
        for a in (r, c):
            m = min(a[a != 0]); np.place(a, a == 0, m / 10**6 if m <= 0.0001 else 0.0001)
    return r, c
out = {}
for name, case in d.items():
    a, b = case['ref'], case['cur']
    res = {}
    res['ks'] = stats.ks_2samp(a, b).pvalue
    res['wasserstein'] = stats.wasserstein_distance(a, b) / max(np.std(a), 0.001)
    r, c = binned(a, b, True, False); res['js'] = distance.jensenshannon(r, c)
    r, c = binned(a, b, True, True); res['psi'] = float(np.sum((r - c) * np.log(r / c)))
    keys = sorted(set(a) | set(b)); n1, n2 = len(a), len(b)
    f_exp = [a.count(k) * n2 / n1 for k in keys]; f_obs = [b.count(k) for k in keys]
    res['chisquare'] = stats.chisquare(f_obs, f_exp).pvalue if all(f > 0 for f in f_exp) else 0.0
    out[name] = res
# z-test on a two-category column
za, zb = d['z']['ref'], d['z']['cur']
p1 = sum(za) / len(za); p2 = sum(zb) / len(zb); P = (p1 * len(za) + p2 * len(zb)) / (len(za) + len(zb))
z = (p1 - p2) / np.sqrt(P * (1 - P) * (1 / len(za) + 1 / len(zb)))
out['ztest'] = 2 * (1 - stats.norm.cdf(abs(z)))
print(json.dumps(out))
`;

function draws(n: number, seed: number, f: (u: number) => number): number[] {
  const r = createRandom(seed);
  return Array.from({ length: n }, () => f(r.next()));
}

const cases = {
  small: { ref: draws(300, 1, (u) => Math.round(u * 400) / 10), cur: draws(200, 2, (u) => Math.round((u * 400 + 30) / 1) / 10) },
  equal: { ref: draws(150, 3, (u) => Math.round(u * 1000)), cur: draws(150, 4, (u) => Math.round(u * 1100)) },
  large: { ref: draws(12_000, 5, (u) => Math.round(Math.log(1 / (1 - u)) * 1000) / 100), cur: draws(11_000, 6, (u) => Math.round(Math.log(1 / (1 - u)) * 1030) / 100) },
  categories: { ref: draws(400, 7, (u) => Math.floor(u * 4)), cur: draws(300, 8, (u) => Math.floor(u * u * 4)) },
  z: { ref: draws(500, 9, (u) => (u < 0.3 ? 1 : 0)), cur: draws(200, 10, (u) => (u < 0.42 ? 1 : 0)) },
};

const expected = JSON.parse(execFileSync('/usr/bin/python3', ['-c', REFERENCE], { input: JSON.stringify(cases), maxBuffer: 1 << 26 }).toString()) as Record<string, Record<string, number>> & { ztest: number };

const counts = (xs: number[]): Counts => {
  const m: Counts = new Map();
  for (const x of xs) m.set(String(x), (m.get(String(x)) ?? 0) + 1);
  return m;
};

describe('stat tests agree with numpy/scipy', () => {
  for (const name of ['small', 'equal', 'large', 'categories'] as const) {
    it(`${name}: KS, Wasserstein, Jensen-Shannon, PSI, chi-square`, () => {
      const { ref, cur } = cases[name];
      const e = expected[name]!;
      const a = numericSample(ref);
      const b = numericSample(cur);
      const ks = ksTest(a, b).pValue;
      if (name === 'large') expect(Math.abs(ks - e.ks!)).toBeLessThan(3e-3 * e.ks!); // p ≈ 0.04, asymptotic (kstwo at n = 5739: Stephens' approximation here)
      else expect(ks).toBeCloseTo(e.ks!, 10);
      expect(wassersteinNormed(a, b)).toBeCloseTo(e.wasserstein!, 10);
      const plain = binnedShares({ numeric: a, counts: counts(ref) }, { numeric: b, counts: counts(cur) }, true, false);
      expect(jensenShannonDistance(plain.reference, plain.current)).toBeCloseTo(e.js!, 10);
      const filled = binnedShares({ numeric: a, counts: counts(ref) }, { numeric: b, counts: counts(cur) }, true, true);
      expect(psi(filled.reference, filled.current)).toBeCloseTo(e.psi!, 8);
      expect(chiSquareTest(counts(ref), counts(cur)).pValue).toBeCloseTo(e.chisquare!, 10);
    });
  }

  it('the one-sample KS distribution (asymptotic two-sample p-values) matches scipy kstwo.sf', () => {
    const cases: [number, number][] = [];
    for (const n of [5, 30, 140, 500, 1000]) for (const z of [0.3, 0.8, 1.0, 1.36, 1.8, 2.5, 4]) cases.push([n, z / Math.sqrt(n)]);
    const py = JSON.parse(execFileSync('/usr/bin/python3', ['-c', 'import json,sys; from scipy.stats import kstwo; d=json.load(sys.stdin); print(json.dumps([kstwo.sf(x, n) for n, x in d]))'], { input: JSON.stringify(cases) }).toString()) as number[];
    cases.forEach(([n, x], i) => expect(Math.abs(kolmogorovSmirnovSf(n, x) - py[i]!)).toBeLessThanOrEqual(1e-6 * py[i]!));
  });

  it('two-proportion z-test', () => {
    expect(zTest(counts(cases.z.ref), counts(cases.z.cur)).pValue).toBeCloseTo(expected.ztest, 10);
    expect(zTest(counts([1, 1]), counts([1])).pValue).toBe(1);
  });
});

function table(rows: Record<string, unknown>[]): ColumnTable {
  return tableFromRows(rows);
}

describe('detectDrift', () => {
  const r = createRandom(11);
  const reference = table(Array.from({ length: 800 }, (_, i) => ({ score: r.next() * 100, grade: Math.floor(r.next() * 5), region: ['n', 's'][i % 2], note: `free text ${i}` })));
  const shifted = table(Array.from({ length: 400 }, (_, i) => ({ score: 30 + r.next() * 100, grade: Math.floor(r.next() * 5), region: i % 5 === 0 ? 's' : 'n', note: `other ${i}` })));

  it('chooses Evidently’s default test per column and gives the dataset verdict', () => {
    const d = detectDrift({ reference, current: shifted });
    expect(d.columns.map((c) => [c.column, c.columnType, c.test ?? c.skipped?.slice(0, 4), c.drifted])).toEqual([
      ['score', 'numerical', 'ks', true],
      ['grade', 'categorical', 'chisquare', false],
      ['region', 'categorical', 'z', true],
      ['note', 'text', 'text', false],
    ]);
    expect(d.numberOfColumns).toBe(3);
    expect(d.numberOfDriftedColumns).toBe(2);
    expect(d.datasetDrift).toBe(true);
    expect(detectDrift({ reference, current: shifted, driftShare: 0.9 }).datasetDrift).toBe(false);
  });

  it('uses Wasserstein / Jensen-Shannon above 1000 reference rows, and PSI on request', () => {
    const big = table(Array.from({ length: 2000 }, (_, i) => ({ score: (i * 37) % 100, region: ['n', 's', 'e'][i % 3] })));
    const d = detectDrift({ reference: big, current: table(Array.from({ length: 500 }, (_, i) => ({ score: ((i * 37) % 100) + 20, region: ['n', 's', 'e'][i % 3] }))) });
    expect(d.columns.map((c) => [c.test, c.drifted])).toEqual([
      ['wasserstein', true],
      ['jensenshannon', false],
    ]);
    const p = detectDrift({ reference: big, current: big, method: 'psi' });
    expect(p.columns.map((c) => [c.test, c.score, c.drifted])).toEqual([
      ['psi', 0, false],
      ['psi', 0, false],
    ]);
    expect(detectDrift({ reference: big, current: big, method: 'wasserstein', threshold: 0.5 }).columns[0]).toMatchObject({ test: 'wasserstein', threshold: 0.5 });
  });

  it('tests drift per segment and against a statistics.json reference', () => {
    const d = detectDrift({ reference, current: shifted, segmentBy: 'region' });
    expect(d.segments!.map((s) => [s.value, s.currentRows, s.referenceRows])).toEqual([
      ['n', 320, 400],
      ['s', 80, 400],
    ]);
    expect(d.columns.find((c) => c.column === 'region')).toBeUndefined();
    const fromStats = detectDrift({ reference: computeStatistics(reference), current: shifted });
    expect(fromStats.columns.find((c) => c.column === 'score')).toMatchObject({ test: 'ks', drifted: true, referenceCount: 800 });
    // The same data against its own statistics: nothing drifts.
    expect(detectDrift({ reference: computeStatistics(reference), current: reference }).numberOfDriftedColumns).toBe(0);
  });

  it('rejects bad options clearly', () => {
    expect(() => detectDrift({ reference, current: shifted, method: 'magic' as never })).toThrow(/method: got "magic", expected one of auto, ks/);
    expect(() => detectDrift({ reference, current: shifted, threshold: -1 })).toThrow(/threshold: got -1/);
    expect(() => detectDrift({ reference, current: shifted, segmentBy: 'nope' })).toThrow(/segmentBy: got "nope", expected a column of the current data/);
  });
});
