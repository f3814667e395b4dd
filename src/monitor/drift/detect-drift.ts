/**
 * @module monitor/drift/detect-drift
 * `detectDrift({ reference, current })`: per-column statistical drift, Evidently-style (spec/monitor.md §6).
 * Column types: float → numerical; int → categorical with at most 10 distinct reference values, else
 * numerical; string → text when more than half the values are distinct (not tested), else categorical;
 * bool → categorical. Default test by reference size and distinct values over reference ∪ current:
 * ≤ 1000 reference values: KS (numerical, > 5 distinct), chi-square (> 2 distinct) or z-test; larger:
 * normed Wasserstein (numerical, > 5 distinct) or Jensen-Shannon. Dataset drift when the share of drifted
 * columns reaches 0.5. The reference can be `statistics.json` (a column table is rebuilt from its KLL sketches
 * and categorical buckets) and the current data can be split by a segment column.
 */
import type { Column, ColumnTable } from '../../core/columns.js';
import { getColumn, takeRows } from '../../core/columns.js';
import { invalid } from '../../core/errors.js';
import { KllSketch, parseNumeric, type FeatureStatistics, type StatisticsJson } from '../baseline/index.js';
import { binnedShares, chiSquareTest, DRIFT_TESTS, isDrift, jensenShannonDistance, ksTest, numericSample, psi, sampleStd, wassersteinNormed, zTest, type Counts, type DriftTest, type NumericSample } from './stattests.js';

export type DriftMethod = 'auto' | 'ks' | 'chisquare' | 'ztest' | 'wasserstein' | 'jensenshannon' | 'psi';
export type DriftColumnType = 'numerical' | 'categorical' | 'text';

export interface ColumnDrift {
  column: string;
  columnType: DriftColumnType;
  test?: DriftTest;
  /** Human name of the score, e.g. `K-S p_value`. */
  scoreName?: string;
  scoreType?: 'p_value' | 'distance';
  /** The p-value or the distance. */
  score?: number;
  threshold?: number;
  drifted: boolean;
  referenceCount: number;
  currentCount: number;
  /** Why the column was not tested. */
  skipped?: string;
}

export interface DatasetDrift {
  columns: ColumnDrift[];
  /** Tested columns (skipped ones are not counted). */
  numberOfColumns: number;
  numberOfDriftedColumns: number;
  shareOfDriftedColumns: number;
  /** Dataset drift when shareOfDriftedColumns >= driftShare. */
  driftShare: number;
  datasetDrift: boolean;
}

export interface SegmentDrift {
  value: string;
  referenceRows: number;
  currentRows: number;
  drift: DatasetDrift;
}

export interface DriftResult extends DatasetDrift {
  method: DriftMethod;
  segmentBy?: string;
  segments?: SegmentDrift[];
}

export interface DetectDriftOptions {
  reference: ColumnTable | StatisticsJson;
  current: ColumnTable;
  segmentBy?: string;
  method?: DriftMethod;
  /** Overrides every test's default threshold. */
  threshold?: number;
  /** Share of drifted columns that makes the dataset drifted (default 0.5). */
  driftShare?: number;
  /** Columns to test (default: every column of the current table present in the reference). */
  columns?: string[];
}

export const DEFAULT_DRIFT_SHARE = 0.5;
const MAX_SEGMENTS = 100;
const METHODS: readonly DriftMethod[] = ['auto', 'ks', 'chisquare', 'ztest', 'wasserstein', 'jensenshannon', 'psi'];

/** One column's data in both forms the tests need. */
interface Side {
  numeric?: NumericSample;
  counts: Counts;
  total: number;
  std?: number;
}

export function detectDrift(options: DetectDriftOptions): DriftResult {
  const method = options.method ?? 'auto';
  if (!METHODS.includes(method)) throw invalid('method', method, `one of ${METHODS.join(', ')}`);
  if (options.threshold !== undefined && !(typeof options.threshold === 'number' && Number.isFinite(options.threshold) && options.threshold >= 0)) {
    throw invalid('threshold', options.threshold, 'a number >= 0 (a p-value or a distance)');
  }
  const driftShare = options.driftShare ?? DEFAULT_DRIFT_SHARE;
  if (!(driftShare > 0 && driftShare <= 1)) throw invalid('driftShare', driftShare, 'a share in (0, 1]');
  const { reference, current } = options;
  const isStats = !('columns' in reference);
  const names = (options.columns ?? current.columns.map((c) => c.name)).filter((n) => n !== options.segmentBy);
  const result: DriftResult = { method, ...datasetDrift(reference, current, names, method, options.threshold, driftShare) };

  if (options.segmentBy !== undefined) {
    const seg = getColumn(current, options.segmentBy);
    if (!seg) throw invalid('segmentBy', options.segmentBy, `a column of the current data (${current.columns.map((c) => c.name).join(', ')})`);
    const refSeg = isStats ? undefined : getColumn(reference as ColumnTable, options.segmentBy);
    if (!isStats && !refSeg) throw invalid('segmentBy', options.segmentBy, 'a column present in the reference data too');
    const groups = groupRows(seg, current.length);
    const refGroups = refSeg ? groupRows(refSeg, (reference as ColumnTable).length) : undefined;
    result.segmentBy = options.segmentBy;
    result.segments = [...groups]
      .sort((a, b) => b[1].length - a[1].length)
      .slice(0, MAX_SEGMENTS)
      .map(([value, rows]) => {
        const cur = takeRows(current, rows);
        const ref = refGroups ? takeRows(reference as ColumnTable, refGroups.get(value) ?? []) : reference;
        const referenceRows = 'columns' in ref ? ref.length : ref.dataset.item_count;
        return { value, referenceRows, currentRows: rows.length, drift: datasetDrift(ref, cur, names, method, options.threshold, driftShare) };
      });
  }
  return result;
}

function groupRows(column: Column, n: number): Map<string, number[]> {
  const groups = new Map<string, number[]>();
  for (let i = 0; i < n; i++) {
    const key = keyAt(column, i) ?? '(missing)';
    let g = groups.get(key);
    if (!g) groups.set(key, (g = []));
    g.push(i);
  }
  return groups;
}

function keyAt(column: Column, i: number): string | null {
  switch (column.type) {
    case 'string':
      return column.values[i] ?? null;
    case 'bool':
      return column.valid[i] === 0 ? null : column.values[i] === 1 ? 'true' : 'false';
    default: {
      const v = column.values[i]!;
      return Number.isNaN(v) ? null : String(v);
    }
  }
}

function datasetDrift(reference: ColumnTable | StatisticsJson, current: ColumnTable, names: string[], method: DriftMethod, threshold: number | undefined, driftShare: number): DatasetDrift {
  const columns: ColumnDrift[] = [];
  for (const name of names) {
    const cur = getColumn(current, name);
    if (!cur) continue;
    const refColumn = 'columns' in reference ? getColumn(reference, name) : undefined;
    const refFeature = 'columns' in reference ? undefined : reference.features.find((f) => f.name === name);
    if (!refColumn && !refFeature) continue;
    columns.push(columnDrift(name, refColumn, refFeature, cur, current.length, 'columns' in reference ? reference.length : reference.dataset.item_count, method, threshold));
  }
  const tested = columns.filter((c) => c.skipped === undefined);
  const drifted = tested.filter((c) => c.drifted).length;
  const share = tested.length > 0 ? drifted / tested.length : 0;
  return { columns, numberOfColumns: tested.length, numberOfDriftedColumns: drifted, shareOfDriftedColumns: share, driftShare, datasetDrift: tested.length > 0 && share >= driftShare };
}

function columnDrift(
  name: string,
  refColumn: Column | undefined,
  refFeature: FeatureStatistics | undefined,
  cur: Column,
  curRows: number,
  refRows: number,
  method: DriftMethod,
  threshold: number | undefined,
): ColumnDrift {
  const kind = refColumn ? columnKind(refColumn, refRows) : featureKind(refFeature!);
  const ref = refColumn ? sideOfColumn(refColumn, refRows, kind.numeric) : sideOfFeature(refFeature!);
  const now = sideOfColumn(cur, curRows, kind.numeric);
  const base = { column: name, columnType: kind.type, referenceCount: ref.total, currentCount: now.total, drifted: false };
  if (kind.type === 'text') return { ...base, skipped: 'text column (more than half the reference values are distinct): no text drift test' };
  if (ref.total === 0) return { ...base, skipped: 'no reference values' };
  if (now.total === 0) return { ...base, skipped: 'no current values' };

  const unique = new Set([...ref.counts.keys(), ...now.counts.keys()]).size;
  const numerical = kind.type === 'numerical';
  const test = chooseTest(method, numerical, ref.total, unique);
  let score: number;
  switch (test) {
    case 'ks':
      score = ksTest(ref.numeric!, now.numeric!).pValue;
      break;
    case 'wasserstein':
      score = wassersteinNormed(ref.numeric!, now.numeric!, ref.std ?? sampleStd(ref.numeric!));
      break;
    case 'chisquare':
      score = chiSquareTest(ref.counts, now.counts).pValue;
      break;
    case 'z':
      score = zTest(ref.counts, now.counts).pValue;
      break;
    case 'jensenshannon': {
      const b = binnedShares(ref, now, numerical, false);
      score = jensenShannonDistance(b.reference, b.current);
      break;
    }
    case 'psi': {
      const b = binnedShares(ref, now, numerical, true);
      score = psi(b.reference, b.current);
      break;
    }
  }
  const spec = DRIFT_TESTS[test];
  const t = threshold ?? spec.threshold;
  return { ...base, test, scoreName: spec.label, scoreType: spec.score, score, threshold: t, drifted: isDrift(test, score, t) };
}

function chooseTest(method: DriftMethod, numerical: boolean, refTotal: number, unique: number): DriftTest {
  if (method === 'psi' || method === 'jensenshannon') return method;
  if (numerical && (method === 'ks' || method === 'wasserstein')) return method;
  if (!numerical && method === 'chisquare') return 'chisquare';
  if (!numerical && method === 'ztest' && unique <= 2) return 'z';
  // auto (and tests that do not apply to this column type)
  if (refTotal <= 1000) {
    if (numerical && unique > 5) return 'ks';
    return unique > 2 ? 'chisquare' : 'z';
  }
  return numerical && unique > 5 ? 'wasserstein' : 'jensenshannon';
}

function columnKind(column: Column, n: number): { type: DriftColumnType; numeric: boolean } {
  switch (column.type) {
    case 'float':
    case 'timestamp':
      return { type: 'numerical', numeric: true };
    case 'int': {
      const distinct = new Set<number>();
      for (let i = 0; i < n && distinct.size <= 10; i++) if (!Number.isNaN(column.values[i]!)) distinct.add(column.values[i]!);
      return { type: distinct.size <= 10 ? 'categorical' : 'numerical', numeric: true };
    }
    case 'bool':
      return { type: 'categorical', numeric: false };
    case 'string': {
      const distinct = new Set<string>();
      let present = 0;
      for (let i = 0; i < n; i++) {
        const s = column.values[i];
        if (s === null || s === undefined) continue;
        present++;
        distinct.add(s);
      }
      return { type: present > 0 && distinct.size > present / 2 ? 'text' : 'categorical', numeric: false };
    }
  }
}

function featureKind(f: FeatureStatistics): { type: DriftColumnType; numeric: boolean } {
  if (f.numerical_statistics) {
    if (f.inferred_type === 'Fractional') return { type: 'numerical', numeric: true };
    const kll = f.numerical_statistics.distribution?.kll;
    const distinct = kll ? KllSketch.fromJson(kll.sketch).rankMap().values.length : Infinity;
    return { type: distinct <= 10 ? 'categorical' : 'numerical', numeric: true };
  }
  const s = f.string_statistics;
  const present = s?.common.num_present ?? 0;
  return { type: s && present > 0 && s.distinct_count > present / 2 ? 'text' : 'categorical', numeric: false };
}

function sideOfColumn(column: Column, n: number, numeric: boolean): Side {
  const counts: Counts = new Map();
  if (numeric && column.type !== 'string' && column.type !== 'bool') {
    const sample = numericSample(column.values.subarray(0, n));
    for (let i = 0; i < sample.values.length; i++) counts.set(String(sample.values[i]), sample.weights[i]!);
    return { numeric: sample, counts, total: sample.total };
  }
  if (numeric && column.type === 'string') {
    // Numbers sent as text (raw capture fields): parse; values that are not numbers are left out.
    const values = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      const s = column.values[i];
      values[i] = s === null || s === undefined || s.trim() === '' ? NaN : parseNumeric(s.trim());
    }
    const sample = numericSample(values);
    for (let i = 0; i < sample.values.length; i++) counts.set(String(sample.values[i]), sample.weights[i]!);
    return { numeric: sample, counts, total: sample.total };
  }
  let total = 0;
  for (let i = 0; i < n; i++) {
    const key = keyAt(column, i);
    if (key === null) continue;
    total++;
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  return { counts, total };
}

function sideOfFeature(f: FeatureStatistics): Side {
  const counts: Counts = new Map();
  const kll = f.numerical_statistics?.distribution?.kll;
  if (f.numerical_statistics && kll) {
    const { values, cumulative } = KllSketch.fromJson(kll.sketch).rankMap();
    const weights = new Float64Array(values.length);
    for (let i = 0; i < values.length; i++) weights[i] = cumulative[i]! - (i > 0 ? cumulative[i - 1]! : 0);
    const sample = numericSample(values, weights);
    for (let i = 0; i < sample.values.length; i++) counts.set(String(sample.values[i]), sample.weights[i]!);
    return { numeric: sample, counts, total: sample.total, std: f.numerical_statistics.std_dev };
  }
  let total = 0;
  for (const b of f.string_statistics?.distribution?.categorical.buckets ?? []) {
    counts.set(b.value, (counts.get(b.value) ?? 0) + b.count);
    total += b.count;
  }
  return { counts, total };
}
