/**
 * @module models/gbt/train/data
 * Checks the training inputs and turns the feature matrix into bin codes. Values become float32 first, as
 * XGBoost stores its input, so cuts, bins and the thresholds written into trees agree with XGBoost's.
 */
import { ValidationError } from '../../../core/errors.js';
import type { FeatureMatrix } from '../../predictor.js';
import type { BinnedMatrix } from './backend.js';
import { isMulti, type TrainParams } from './params.js';
import { computeCuts } from './quantile.js';

/** Throws when the matrix is not rows x cols of finite numbers or NaN. */
export function checkMatrix(matrix: FeatureMatrix, path: string, cols?: number): void {
  if (!matrix || !Number.isInteger(matrix.rows) || !Number.isInteger(matrix.cols) || !(matrix.values instanceof Float64Array)) {
    throw new ValidationError([{ path, message: 'expected a feature matrix { rows, cols, values: Float64Array }' }]);
  }
  if (matrix.rows === 0 || matrix.cols === 0) {
    throw new ValidationError([{ path, message: `the data is empty (${matrix.rows} rows x ${matrix.cols} features)` }]);
  }
  if (matrix.values.length !== matrix.rows * matrix.cols) {
    throw new ValidationError([{ path: `${path}.values`, message: `holds ${matrix.values.length} values, expected rows x cols = ${matrix.rows * matrix.cols}` }]);
  }
  if (cols !== undefined && matrix.cols !== cols) {
    throw new ValidationError([{ path: `${path}.cols`, message: `got ${matrix.cols} features, expected ${cols} as in the training data` }]);
  }
  const v = matrix.values;
  for (let i = 0; i < v.length; i++) {
    const x = v[i]!;
    if (x === Infinity || x === -Infinity || (x === x && Math.abs(Math.fround(x)) === Infinity)) {
      const row = Math.floor(i / matrix.cols);
      throw new ValidationError([{ path: `${path}.values`, message: `row ${row + 1}, feature f${i % matrix.cols} holds ${x}; features must be finite (NaN = missing) and within float32 range` }]);
    }
  }
}

/** Throws a ValidationError naming the first bad label (row and value) for the objective. */
export function checkLabels(label: unknown, rows: number, params: TrainParams, path: string): Float32Array {
  if (!(label instanceof Float64Array) && !(label instanceof Float32Array) && !Array.isArray(label)) {
    throw new ValidationError([{ path, message: 'expected a Float64Array of labels' }]);
  }
  const values = label as ArrayLike<unknown>;
  if (values.length !== rows) throw new ValidationError([{ path, message: `holds ${values.length} labels for ${rows} rows` }]);
  const out = new Float32Array(rows);
  const { objective, num_class } = params;
  const multi = isMulti(objective);
  for (let i = 0; i < rows; i++) {
    const y = values[i];
    let expected: string | undefined;
    if (typeof y !== 'number' || !Number.isFinite(y)) expected = 'a finite number';
    else if (objective === 'binary:logistic' && y !== 0 && y !== 1) expected = '0 or 1 for binary:logistic';
    else if (objective === 'reg:logistic' && !(y >= 0 && y <= 1)) expected = 'a value in [0, 1] for reg:logistic';
    else if (multi && !(Number.isInteger(y) && y >= 0 && y < num_class)) expected = `an integer class from 0 to ${num_class - 1} for ${objective} (num_class=${num_class})`;
    if (expected !== undefined) {
      throw new ValidationError([{ path: `${path}[${i}]`, message: `row ${i + 1} has label ${typeof y === 'number' ? String(y) : JSON.stringify(y)}, expected ${expected}` }]);
    }
    out[i] = y as number;
  }
  return out;
}

export function checkWeights(weight: unknown, rows: number, path: string): Float32Array {
  if (!(weight instanceof Float64Array) && !(weight instanceof Float32Array)) throw new ValidationError([{ path, message: 'expected a Float64Array of row weights' }]);
  if (weight.length !== rows) throw new ValidationError([{ path, message: `holds ${weight.length} weights for ${rows} rows` }]);
  const out = new Float32Array(rows);
  for (let i = 0; i < rows; i++) {
    const w = weight[i]!;
    if (!Number.isFinite(w) || w < 0) throw new ValidationError([{ path: `${path}[${i}]`, message: `row ${i + 1} has weight ${w}, expected a finite number >= 0` }]);
    out[i] = w;
  }
  let any = false;
  for (let i = 0; i < rows && !any; i++) any = out[i]! > 0;
  if (!any) throw new ValidationError([{ path, message: 'every row weight is 0' }]);
  return out;
}

const keyView = new Uint32Array(new Float32Array(1).buffer);
const keyFloat = new Float32Array(keyView.buffer);

/** Order-preserving uint32 key of a float32 value. */
function orderKey(x: number): number {
  keyFloat[0] = x;
  const b = keyView[0]!;
  return b & 0x80000000 ? ~b >>> 0 : (b | 0x80000000) >>> 0;
}

/** Quantile cuts and bin codes (row-major for histograms, column-major for partitions) of the training matrix. */
export function binMatrix(matrix: FeatureMatrix, weights: Float32Array | undefined, maxBin: number): BinnedMatrix {
  const { rows: n, cols: F, values } = matrix;
  const columns = new Float32Array(n * F);
  for (let r = 0; r < n; r++) {
    const src = r * F;
    for (let f = 0; f < F; f++) columns[f * n + r] = values[src + f]!;
  }
  const cuts = computeCuts(columns, n, F, weights, maxBin);
  const nBins = new Int32Array(F);
  const hasMissing = new Uint8Array(F);
  let widest = 0;
  for (let f = 0; f < F; f++) {
    nBins[f] = cuts.ptrs[f + 1]! - cuts.ptrs[f]!;
    const col = columns.subarray(f * n, (f + 1) * n);
    for (let r = 0; r < n; r++) {
      if (col[r] !== col[r]) {
        hasMissing[f] = 1;
        break;
      }
    }
    widest = Math.max(widest, nBins[f]! - 1 + hasMissing[f]!);
  }
  const wide = widest > 255;
  const bins = wide ? new Uint16Array(new SharedArrayBuffer(Math.max(2, n * F * 2))) : new Uint8Array(new SharedArrayBuffer(Math.max(1, n * F)));
  const columnBins = wide ? new Uint16Array(new SharedArrayBuffer(Math.max(2, n * F * 2))) : new Uint8Array(new SharedArrayBuffer(Math.max(1, n * F)));
  let dense = true;
  // Bin = number of cuts <= x (upper_bound), clamped to the last bin. A table over the top 16 bits of each
  // value's order-preserving key gives a lower bound of that count; a short scan finishes it.
  const table = new Int32Array(65537);
  const keys = new Uint32Array(columns.buffer, columns.byteOffset, columns.length);
  const cv = cuts.values;
  for (let f = 0; f < F; f++) {
    const lo = cuts.ptrs[f]!;
    const nb = nBins[f]!;
    const last = nb - 1;
    let c = 0;
    for (let p = 0; p <= 65536; p++) {
      while (c < nb && orderKey(cv[lo + c]!) < p * 65536) c++;
      table[p] = c;
    }
    const base = f * n;
    for (let r = 0; r < n; r++) {
      const x = columns[base + r]!;
      let code = nb;
      if (x !== x) dense = false;
      else {
        const b = keys[base + r]!;
        let i = table[(b & 0x80000000 ? ~b >>> 0 : (b | 0x80000000) >>> 0) >>> 16]!;
        while (i < nb && cv[lo + i]! <= x) i++;
        code = i > last ? last : i;
      }
      bins[r * F + f] = code;
      columnBins[base + r] = code;
    }
  }
  const offsets = new Int32Array(F + 1);
  for (let f = 0; f < F; f++) offsets[f + 1] = offsets[f]! + 2 * (nBins[f]! + 1);
  return { rows: n, cols: F, bins, columnBins, nBins, offsets, cuts, hasMissing, dense };
}
