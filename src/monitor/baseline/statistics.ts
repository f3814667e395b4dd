/**
 * @module monitor/baseline/statistics
 * `computeStatistics(table)`: Model Monitor's `statistics.json` for a table, as the analyzer container
 * (Spark + Deequ) computes it: item count; per feature the inferred type, present/missing counts, and either
 * numerical statistics (sum, mean = sum/n, population std dev with Spark's running update, min, max, KLL
 * sketch + 10 equal-width buckets) or string statistics (distinct count, categorical buckets).
 * `mergeStatistics(parts)` combines statistics of several files or workers (sums, pooled variance, KLL merge).
 *
 * Column typing: `int` columns are Integral, `float` columns Fractional (a CSV column DuckDB read as DOUBLE
 * had decimals in its text), `bool` and `timestamp` columns String (as the container sees their text), and
 * `string` columns are typed value by value with Deequ's regular expressions, so raw CSV text gives exactly
 * the container's answer. One pass per column over typed arrays.
 */
import type { Column, ColumnTable } from '../../core/columns.js';
import type { Progress } from '../../core/progress.js';
import { classifyValue, parseNumeric, typeFromCounts, ValueKind } from './data-type.js';
import { KllSketch } from './kll.js';
import type { CategoricalBucket, FeatureStatistics, InferredType, NumericalStatistics, ObservedValueCounts, StatisticsJson, StringStatistics } from './types.js';

/** Deequ's `Histogram` keeps at most this many categories. */
export const MAX_CATEGORICAL_BUCKETS = 1000;

export interface ComputeStatisticsOptions {
  /**
   * How a `float` column is typed: `column` (default) = Fractional, as a CSV column with decimals in its
   * text; `value` = Fractional only when some value is not a whole number (for numbers parsed from text
   * whose spelling is lost, e.g. captured JSON).
   */
  floatTyping?: 'column' | 'value';
  progress?: Progress;
}

export function computeStatistics(table: ColumnTable, options: ComputeStatisticsOptions = {}): StatisticsJson {
  const progress = options.progress;
  progress?.start(table.columns.length, 'computing statistics');
  const features: FeatureStatistics[] = [];
  for (const column of table.columns) {
    features.push(featureStatistics(column, table.length, options.floatTyping ?? 'column'));
    progress?.tick(1);
  }
  progress?.done();
  return { version: 0.0, dataset: { item_count: table.length }, features };
}

function featureStatistics(column: Column, n: number, floatTyping: 'column' | 'value'): FeatureStatistics {
  switch (column.type) {
    case 'int':
    case 'float': {
      const numeric = numericalStatistics(column.values, n);
      const observed = numericObserved(column.values, n, column.type === 'int');
      const type: InferredType =
        numeric.common.num_present === 0 ? 'Unknown' : column.type === 'int' ? 'Integral' : floatTyping === 'value' && observed.fractional === 0 ? 'Integral' : 'Fractional';
      if (type === 'Unknown') return unknownFeature(column.name, n);
      return { name: column.name, inferred_type: type, numerical_statistics: numeric, observed };
    }
    case 'bool': {
      const text: (string | null)[] = new Array(n);
      for (let i = 0; i < n; i++) text[i] = column.valid[i] === 0 ? null : column.values[i] === 1 ? 'true' : 'false';
      return stringColumnStatistics(column.name, text, n);
    }
    case 'timestamp': {
      const text: (string | null)[] = new Array(n);
      for (let i = 0; i < n; i++) {
        const v = column.values[i]!;
        text[i] = Number.isFinite(v) ? new Date(v).toISOString() : null;
      }
      return stringColumnStatistics(column.name, text, n);
    }
    case 'string':
      return stringColumnStatistics(column.name, column.values, n);
  }
}

function unknownFeature(name: string, n: number): FeatureStatistics {
  return {
    name,
    inferred_type: 'Unknown',
    string_statistics: { common: { num_present: 0, num_missing: n }, distinct_count: 0.0, distribution: { categorical: { buckets: [] } } },
    observed: { integral: 0, fractional: 0, boolean: 0, string: 0, negative: 0 },
  };
}

function numericObserved(values: Float64Array, n: number, integral: boolean): ObservedValueCounts {
  let whole = 0;
  let fractional = 0;
  let negative = 0;
  for (let i = 0; i < n; i++) {
    const v = values[i]!;
    if (Number.isNaN(v)) continue;
    if (integral || Number.isInteger(v)) whole++;
    else fractional++;
    if (v < 0) negative++;
  }
  return { integral: whole, fractional, boolean: 0, string: 0, negative };
}

/** Numerical statistics of the non-NaN values (NaN = missing). */
export function numericalStatistics(values: Float64Array, n: number): NumericalStatistics {
  const sketch = new KllSketch();
  let count = 0;
  let sum = 0;
  let avg = 0;
  let m2 = 0;
  let min = Infinity;
  let max = -Infinity;
  for (let i = 0; i < n; i++) {
    const v = values[i]!;
    if (Number.isNaN(v)) continue;
    count++;
    sum += v;
    // Spark's CentralMomentAgg update (Deequ's StatefulStdDevPop).
    const delta = v - avg;
    const deltaN = delta / count;
    avg += deltaN;
    m2 += delta * (delta - deltaN);
    if (v < min) min = v;
    if (v > max) max = v;
    sketch.update(v);
  }
  return numericalFromParts({ count, missing: n - count, sum, m2, min, max, sketch: sketch.finalized() });
}

function numericalFromParts(p: { count: number; missing: number; sum: number; m2: number; min: number; max: number; sketch: KllSketch }): NumericalStatistics {
  const { count, sum, m2, sketch } = p;
  if (count === 0) {
    return { common: { num_present: 0, num_missing: p.missing }, mean: NaN, sum: 0, std_dev: NaN, min: NaN, max: NaN };
  }
  return {
    common: { num_present: count, num_missing: p.missing },
    mean: sum / count,
    sum,
    std_dev: Math.sqrt(m2 / count),
    min: p.min,
    max: p.max,
    distribution: { kll: { buckets: sketch.buckets(p.min, p.max), sketch: sketch.toJson() } },
  };
}

function stringColumnStatistics(name: string, values: (string | null)[], n: number): FeatureStatistics {
  const observed: ObservedValueCounts = { integral: 0, fractional: 0, boolean: 0, string: 0, negative: 0 };
  for (let i = 0; i < n; i++) {
    const s = values[i];
    if (s === null || s === undefined) continue;
    switch (classifyValue(s)) {
      case ValueKind.Integral:
        observed.integral++;
        if (parseNumeric(s) < 0) observed.negative++;
        break;
      case ValueKind.Fractional:
        observed.fractional++;
        if (parseNumeric(s) < 0) observed.negative++;
        break;
      case ValueKind.Boolean:
        observed.boolean++;
        break;
      default:
        observed.string++;
    }
  }
  const type = typeFromCounts(observed);
  if (type === 'Unknown') return unknownFeature(name, n);
  if (type === 'Integral' || type === 'Fractional') {
    const numbers = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      const s = values[i];
      numbers[i] = s === null || s === undefined ? NaN : parseNumeric(s);
    }
    return { name, inferred_type: type, numerical_statistics: numericalStatistics(numbers, n), observed };
  }
  return { name, inferred_type: 'String', string_statistics: stringStatistics(values, n), observed };
}

/** String statistics: counts, distinct count, the most frequent categories (count desc, then value). */
export function stringStatistics(values: (string | null)[], n: number): StringStatistics {
  const counts = new Map<string, number>();
  let present = 0;
  for (let i = 0; i < n; i++) {
    const s = values[i];
    if (s === null || s === undefined) continue;
    present++;
    counts.set(s, (counts.get(s) ?? 0) + 1);
  }
  return stringFromCounts(counts, present, n - present);
}

function stringFromCounts(counts: Map<string, number>, present: number, missing: number, distinct = counts.size): StringStatistics {
  const buckets: CategoricalBucket[] = [...counts].map(([value, count]) => ({ value, count }));
  buckets.sort((a, b) => b.count - a.count || (a.value < b.value ? -1 : a.value > b.value ? 1 : 0));
  return {
    common: { num_present: present, num_missing: missing },
    distinct_count: distinct,
    distribution: { categorical: { buckets: buckets.slice(0, MAX_CATEGORICAL_BUCKETS) } },
  };
}

/** The feature's KLL sketch, rebuilt from its JSON; undefined when it has none. */
export function sketchOf(feature: FeatureStatistics): KllSketch | undefined {
  const kll = feature.numerical_statistics?.distribution?.kll;
  return kll ? KllSketch.fromJson(kll.sketch) : undefined;
}

/**
 * Merges statistics of parts of one dataset (files, windows, workers). Features are matched by name; a
 * feature absent from a part counts as missing there. Integral + Fractional gives Fractional; a numeric part
 * merged into a String feature contributes its sketch items as categories (exact while the part was small
 * enough for its sketch to hold every value, approximate beyond).
 */
export function mergeStatistics(parts: StatisticsJson[]): StatisticsJson {
  if (parts.length === 0) return { version: 0.0, dataset: { item_count: 0 }, features: [] };
  if (parts.length === 1) return structuredClone(parts[0]!);
  const itemCount = parts.reduce((s, p) => s + p.dataset.item_count, 0);
  const names: string[] = [];
  const seen = new Set<string>();
  for (const p of parts) for (const f of p.features) if (!seen.has(f.name)) (seen.add(f.name), names.push(f.name));
  const features = names.map((name) => {
    const pieces = parts.map((p) => ({ feature: p.features.find((f) => f.name === name), items: p.dataset.item_count }));
    return mergeFeature(name, pieces);
  });
  return { version: 0.0, dataset: { item_count: itemCount }, features };
}

function mergeFeature(name: string, pieces: { feature: FeatureStatistics | undefined; items: number }[]): FeatureStatistics {
  const types = pieces.map((p) => p.feature?.inferred_type ?? 'Unknown');
  const type: InferredType = types.includes('String') ? 'String' : types.includes('Fractional') ? 'Fractional' : types.includes('Integral') ? 'Integral' : 'Unknown';
  const observed = mergeObserved(pieces.map((p) => (p.feature ? p.feature.observed : { integral: 0, fractional: 0, boolean: 0, string: 0, negative: 0 })));
  const withObserved = <T extends FeatureStatistics>(f: T): T => (observed ? { ...f, observed } : f);

  if (type === 'Unknown') return withObserved(unknownFeature(name, pieces.reduce((s, p) => s + p.items, 0)));
  if (type === 'Integral' || type === 'Fractional') {
    let count = 0;
    let missing = 0;
    let sum = 0;
    let min = Infinity;
    let max = -Infinity;
    let sketch: KllSketch | undefined;
    const moments: { n: number; mean: number; m2: number }[] = [];
    for (const p of pieces) {
      const s = p.feature?.numerical_statistics;
      if (!s) {
        missing += p.feature ? commonOf(p.feature).num_present + commonOf(p.feature).num_missing : p.items;
        continue;
      }
      count += s.common.num_present;
      missing += s.common.num_missing;
      if (s.common.num_present === 0) continue;
      sum += s.sum;
      if (s.min < min) min = s.min;
      if (s.max > max) max = s.max;
      moments.push({ n: s.common.num_present, mean: s.mean, m2: s.std_dev * s.std_dev * s.common.num_present });
      const part = sketchOf(p.feature!);
      if (part) sketch = sketch ? sketch.merge(part) : part;
    }
    const mean = count > 0 ? sum / count : 0;
    let m2 = 0;
    for (const m of moments) m2 += m.m2 + m.n * (m.mean - mean) * (m.mean - mean);
    return withObserved({ name, inferred_type: type, numerical_statistics: numericalFromParts({ count, missing, sum, m2, min, max, sketch: sketch ?? new KllSketch() }) });
  }
  // String: categories summed; numeric parts contribute their sketch items.
  const counts = new Map<string, number>();
  let present = 0;
  let missing = 0;
  let distinct = 0;
  for (const p of pieces) {
    const f = p.feature;
    if (!f) {
      missing += p.items;
      continue;
    }
    const common = commonOf(f);
    present += common.num_present;
    missing += common.num_missing;
    if (f.string_statistics) {
      distinct = Math.max(distinct, f.string_statistics.distinct_count);
      for (const b of f.string_statistics.distribution?.categorical.buckets ?? []) counts.set(b.value, (counts.get(b.value) ?? 0) + b.count);
    } else {
      const sk = sketchOf(f);
      if (sk) {
        const { values, cumulative } = sk.rankMap();
        for (let i = 0; i < values.length; i++) {
          const key = String(values[i]);
          counts.set(key, (counts.get(key) ?? 0) + cumulative[i]! - (i > 0 ? cumulative[i - 1]! : 0));
        }
      }
    }
  }
  return withObserved({ name, inferred_type: 'String', string_statistics: stringFromCounts(counts, present, missing, Math.max(distinct, counts.size)) });
}

function commonOf(f: FeatureStatistics): { num_present: number; num_missing: number } {
  return f.numerical_statistics?.common ?? f.string_statistics?.common ?? { num_present: 0, num_missing: 0 };
}

function mergeObserved(list: (ObservedValueCounts | undefined)[]): ObservedValueCounts | undefined {
  const out: ObservedValueCounts = { integral: 0, fractional: 0, boolean: 0, string: 0, negative: 0 };
  for (const o of list) {
    if (!o) return undefined;
    out.integral += o.integral;
    out.fractional += o.fractional;
    out.boolean += o.boolean;
    out.string += o.string;
    out.negative += o.negative;
  }
  return out;
}
