/** @module monitor/baseline/kll.test  Deequ's KLL sketch: same compactions as a line-by-line Python port of Deequ's Scala, rank accuracy, merge, JSON. */
import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { createRandom } from '../../core/random.js';
import { KllSketch, sortFloat64 } from './kll.js';

/** Deequ's QuantileNonSample / NonSampleCompactor transliterated (deterministic offsets, as Deequ ships them). */
const DEEQU_PORT = `
import json, math, sys
class Compactor:
    def __init__(self): self.n = 0; self.offset = 0; self.buffer = []
    def compact(self):
        items = len(self.buffer); ln = items - items % 2
        if self.n % 2 == 1: self.offset = 1 - self.offset
        s = sorted(self.buffer[:ln]); out = s[self.offset:ln:2]
        tail = [self.buffer[items - 1]] if items % 2 == 1 else []
        self.buffer = tail; self.n += 1
        return out
class Sketch:
    def __init__(self, k=2048, c=0.64): self.k = k; self.c = c; self.cs = []; self.actual = 0; self.total = 0; self.expand()
    def cap(self, h): return 2 * (int(math.ceil(self.k * self.c ** h / 2)) + 1)
    def expand(self): self.cs.append(Compactor()); self.total = sum(self.cap(h) for h in range(len(self.cs)))
    def update(self, x):
        self.cs[0].buffer.append(x); self.actual += 1
        if self.actual > self.total: self.condense()
    def condense(self):
        for h in range(len(self.cs)):
            if len(self.cs[h].buffer) >= self.cap(h):
                if h + 1 >= len(self.cs): self.expand()
                self.cs[h + 1].buffer.extend(self.cs[h].compact())
                self.actual = sum(len(c.buffer) for c in self.cs)
                break
    def merge(self, o):
        while len(self.cs) < len(o.cs): self.expand()
        for i in range(len(o.cs)): self.cs[i].buffer = self.cs[i].buffer + o.cs[i].buffer
        self.actual = sum(len(c.buffer) for c in self.cs)
        while self.actual >= self.total: self.condense()
        return self
data = json.load(sys.stdin)
a = Sketch(); [a.update(x) for x in data['a']]
edge = Sketch(); [edge.update(x) for x in data['a'][:2050]]
edge = Sketch().merge(edge)
b = Sketch(); [b.update(x) for x in data['b']]
one = [c.buffer for c in a.cs]
a.merge(b)
print(json.dumps({'one': one, 'merged': [c.buffer for c in a.cs], 'edge': [c.buffer for c in edge.cs]}))
`;

function values(n: number, seed: number): number[] {
  const r = createRandom(seed);
  return Array.from({ length: n }, () => Math.round(r.next() * 1e6) / 100);
}

describe('KllSketch', () => {
  it('sorts compactor buffers like TypedArray#sort (-0 before +0), by counting or quicksort', () => {
    const r = createRandom(5);
    const gens = [() => Math.floor(r.next() * 5000) - 2500, () => Math.floor(r.next() * 100), () => (r.next() < 0.2 ? -0 : 0) + Math.floor(r.next() * 3) - 1, () => (r.next() - 0.5) * 1e9, () => (r.next() < 0.5 ? -0 : 0)];
    for (const gen of gens) {
      for (const n of [5, 300, 2050, 2051]) {
        const a = new Float64Array(n).map(gen);
        const expected = Float64Array.from(a).sort();
        expect(Array.from(sortFloat64(a), (x) => (Object.is(x, -0) ? '-0' : String(x)))).toEqual(Array.from(expected, (x) => (Object.is(x, -0) ? '-0' : String(x))));
      }
    }
  });

  it('holds every value in arrival order while n <= 2050 (what real statistics.json files show)', () => {
    const s = new KllSketch();
    const xs = values(2050, 1);
    s.updateAll(xs);
    expect(s.toJson()).toEqual({ parameters: { c: 0.64, k: 2048 }, data: [xs] });
    s.update(5);
    expect(s.levels).toBe(2);
    expect(s.count).toBe(2051);
  });

  it('compacts and merges exactly as Deequ does (Python port of the Scala, same input)', () => {
    const a = values(60_000, 2);
    const b = values(23_456, 3);
    const out = JSON.parse(execFileSync('/usr/bin/python3', ['-c', DEEQU_PORT], { input: JSON.stringify({ a, b }), maxBuffer: 1 << 26 }).toString()) as { one: number[][]; merged: number[][]; edge: number[][] };
    const sa = new KllSketch();
    sa.updateAll(a);
    expect(sa.toJson().data).toEqual(out.one);
    const sb = new KllSketch();
    sb.updateAll(b);
    sa.merge(sb);
    expect(sa.toJson().data).toEqual(out.merged);
    // Spark's final aggregation (fresh sketch merged with the partition's) compacts a sketch filled to capacity.
    const edge = new KllSketch();
    edge.updateAll(a.slice(0, 2050));
    expect(edge.levels).toBe(1);
    expect(edge.finalized().toJson().data).toEqual(out.edge);
    expect(out.edge).toHaveLength(2);
  });

  it('keeps the total weight exact and ranks within 1% on a million values', () => {
    const r = createRandom(7);
    const n = 1_000_000;
    const xs = new Float64Array(n);
    for (let i = 0; i < n; i++) xs[i] = r.next();
    const s = new KllSketch();
    s.updateAll(xs);
    expect(s.count).toBe(n);
    const sorted = Float64Array.from(xs).sort();
    for (const q of [0.01, 0.1, 0.25, 0.5, 0.75, 0.9, 0.99]) {
      const v = s.quantile(q);
      let lo = 0;
      let hi = n;
      while (lo < hi) {
        const mid = (lo + hi) >> 1;
        if (sorted[mid]! <= v) lo = mid + 1;
        else hi = mid;
      }
      expect(Math.abs(lo / n - q)).toBeLessThan(0.01);
      expect(Math.abs(s.cdf(v) - lo / n)).toBeLessThan(0.01);
    }
  });

  it('merges sketches of parts into one whose ranks match the whole', () => {
    const parts = [0, 1, 2, 3].map((i) => {
      const s = new KllSketch();
      s.updateAll(values(50_000, 10 + i));
      return s;
    });
    const merged = parts[0]!.clone();
    for (const p of parts.slice(1)) merged.merge(p);
    expect(merged.count).toBe(200_000);
    const all = [0, 1, 2, 3].flatMap((i) => values(50_000, 10 + i)).sort((a, b) => a - b);
    for (const q of [0.1, 0.5, 0.9]) {
      const v = merged.quantile(q);
      const rank = all.filter((x) => x <= v).length / all.length;
      expect(Math.abs(rank - q)).toBeLessThan(0.01);
    }
  });

  it('round-trips through its statistics.json form', () => {
    const s = new KllSketch();
    s.updateAll(values(10_000, 4));
    const back = KllSketch.fromJson(JSON.parse(JSON.stringify(s.toJson())));
    expect(back.toJson()).toEqual(s.toJson());
    expect(back.count).toBe(10_000);
    expect(back.quantile(0.5)).toBe(s.quantile(0.5));
  });

  it('buckets a constant column as the container does (ten empty-width buckets, all values in the last)', () => {
    const s = new KllSketch();
    s.updateAll([7, 7, 7]);
    const b = s.buckets(7, 7);
    expect(b).toHaveLength(10);
    expect(b.every((x) => x.lower_bound === 7 && x.upper_bound === 7)).toBe(true);
    expect(b.map((x) => x.count)).toEqual([0, 0, 0, 0, 0, 0, 0, 0, 0, 3]);
  });
});
