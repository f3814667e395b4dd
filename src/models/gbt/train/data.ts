/**
 * @module models/gbt/train/data
 * Checks the training inputs and turns the feature matrix into bin codes. Values become float32 first, as
 * XGBoost stores its input, so cuts, bins and the thresholds written into trees agree with XGBoost's.
 */
import { ValidationError } from '../../../core/errors.js';
import type { FeatureMatrix } from '../../predictor.js';
import type { BinnedMatrix } from './backend.js';
import { isMulti, type TrainParams } from './params.js';
import { Worker } from 'node:worker_threads';
import { computeCuts, quantileSource, type Cuts } from './quantile.js';
import type { Arena } from './wasm.js';

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

/** Column-major float32 copy of the matrix (XGBoost stores its input as float32), shared when `shared`. */
function toColumns(matrix: FeatureMatrix, shared: boolean): Float32Array {
  const { rows: n, cols: F, values } = matrix;
  const columns = new Float32Array(shared ? new SharedArrayBuffer(Math.max(1, n * F) * 4) : new ArrayBuffer(Math.max(1, n * F) * 4));
  for (let r = 0; r < n; r++) {
    const src = r * F;
    for (let f = 0; f < F; f++) columns[f * n + r] = values[src + f]!;
  }
  return columns;
}

/** Whether feature f's column has a NaN. */
function columnHasMissing(columns: Float32Array, n: number, f: number): boolean {
  for (let r = f * n, e = (f + 1) * n; r < e; r++) if (columns[r] !== columns[r]) return true;
  return false;
}

/** Codes per row (features rounded up to whole 32-bit words) and the code array (shared memory when `shared`). */
function allocateBins(n: number, F: number, wide: boolean, arena: Arena | null, shared: boolean): { bins: Uint8Array | Uint16Array; stride: number } {
  const perWord = wide ? 2 : 4;
  const stride = Math.ceil(F / perWord) * perWord;
  const length = Math.max(1, n * stride);
  if (arena) return { bins: wide ? arena.u16(length) : arena.u8(length), stride };
  const bytes = length * (wide ? 2 : 1);
  const buffer = shared ? new SharedArrayBuffer(bytes) : new ArrayBuffer(bytes);
  return { bins: wide ? new Uint16Array(buffer) : new Uint8Array(buffer), stride };
}

/**
 * Writes feature f's bin codes into row-major `bins` (`stride` per row): bin = number of cuts <= x
 * (upper_bound), clamped to the last bin; NaN = code `nb` (missing). A table over the top 16 bits of each
 * value's order-preserving key gives a lower bound of that count; a short scan finishes it. `cv[lo..lo+nb)`
 * are the feature's cuts; `table` holds 65537 ints. Returns false when the column has a missing value.
 * Self-contained (the binning worker runs its source).
 */
export function codeFeature(columns: Float32Array, n: number, f: number, cv: Float32Array, lo: number, nb: number, bins: Uint8Array | Uint16Array, stride: number, table: Int32Array): boolean {
  const keys = new Uint32Array(columns.buffer, columns.byteOffset, columns.length);
  const cutKeys = new Uint32Array(cv.buffer, cv.byteOffset, cv.length);
  const last = nb - 1;
  let c = 0;
  for (let p = 0; p <= 65536; p++) {
    while (c < nb) {
      const b = cutKeys[lo + c]!;
      const key = b & 0x80000000 ? ~b >>> 0 : (b | 0x80000000) >>> 0;
      if (!(key < p * 65536)) break;
      c++;
    }
    table[p] = c;
  }
  let dense = true;
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
    bins[r * stride + f] = code;
  }
  return dense;
}

/** The rest of a BinnedMatrix once cuts and codes are there. */
function finish(n: number, F: number, cuts: Cuts, hasMissing: Uint8Array, bins: Uint8Array | Uint16Array, stride: number, dense: boolean, arena: Arena | null): BinnedMatrix {
  const nBins = new Int32Array(F);
  for (let f = 0; f < F; f++) nBins[f] = cuts.ptrs[f + 1]! - cuts.ptrs[f]!;
  const offsets = new Int32Array(F + 1);
  for (let f = 0; f < F; f++) offsets[f + 1] = offsets[f]! + 2 * (nBins[f]! + 1);
  return { rows: n, cols: F, bins, stride, nBins, offsets, cuts, hasMissing, dense, arena };
}

/** Whether some feature needs 16-bit codes (more than 255 bins plus the missing code). */
function needsWide(cuts: Cuts, hasMissing: Uint8Array, F: number): boolean {
  let widest = 0;
  for (let f = 0; f < F; f++) widest = Math.max(widest, cuts.ptrs[f + 1]! - cuts.ptrs[f]! - 1 + hasMissing[f]!);
  return widest > 255;
}

/**
 * Quantile cuts and row-major bin codes of the training matrix, rows padded to whole 32-bit words (so
 * partitions move a row's codes word by word). `arena`: the wasm memory the backend will use; the codes
 * are allocated in it (each tree starts from a copy made there).
 */
export function binMatrix(matrix: FeatureMatrix, weights: Float32Array | undefined, maxBin: number, arena: Arena | null = null): BinnedMatrix {
  const { rows: n, cols: F } = matrix;
  const columns = toColumns(matrix, false);
  const cuts = computeCuts(columns, n, F, weights, maxBin);
  const hasMissing = new Uint8Array(F);
  for (let f = 0; f < F; f++) hasMissing[f] = columnHasMissing(columns, n, f) ? 1 : 0;
  const { bins, stride } = allocateBins(n, F, needsWide(cuts, hasMissing, F), arena, false);
  const table = new Int32Array(65537);
  let dense = true;
  for (let f = 0; f < F; f++) {
    if (!codeFeature(columns, n, f, cuts.values, cuts.ptrs[f]!, cuts.ptrs[f + 1]! - cuts.ptrs[f]!, bins, stride, table)) dense = false;
  }
  return finish(n, F, cuts, hasMissing, bins, stride, dense, arena);
}

/** Below this many values, binning on two threads is not worth starting a worker. */
const MIN_THREADED_VALUES = 1 << 20;

/**
 * `binMatrix` on two threads: a worker takes the upper half of the features (their cuts, then, once the
 * code width is known, their codes), this thread the lower half. Same result as `binMatrix`.
 */
export async function binMatrixThreaded(matrix: FeatureMatrix, weights: Float32Array | undefined, maxBin: number, arena: Arena | null = null): Promise<BinnedMatrix> {
  const { rows: n, cols: F } = matrix;
  if (F < 2 || n * F < MIN_THREADED_VALUES) return binMatrix(matrix, weights, maxBin, arena);
  const columns = toColumns(matrix, true);
  const mid = F >> 1;
  let sharedWeights: Float32Array | undefined;
  if (weights) {
    sharedWeights = new Float32Array(new SharedArrayBuffer(weights.length * 4));
    sharedWeights.set(weights);
  }
  const worker = new Worker(binWorkerSource(), { eval: true, workerData: { columns, n, fBegin: mid, fEnd: F, weights: sharedWeights, maxBin } });
  const messages: unknown[] = [];
  let waiting: ((m: unknown) => void) | undefined;
  let failed: Error | undefined;
  const fail = (err: unknown): void => {
    failed = err instanceof Error ? err : new Error(String(err));
    waiting?.(undefined);
  };
  worker.on('message', (m: unknown) => {
    if (waiting) {
      const w = waiting;
      waiting = undefined;
      w(m);
    } else messages.push(m);
  });
  worker.on('error', fail);
  worker.on('exit', (code) => {
    if (code !== 0) fail(new Error(`the binning worker exited with code ${code}`));
  });
  const next = async <T>(): Promise<T> => {
    const m = messages.length > 0 ? messages.shift() : await new Promise<unknown>((resolve) => (waiting = resolve));
    if (failed) throw failed;
    return m as T;
  };
  try {
    const low = computeCuts(columns.subarray(0, mid * n), n, mid, weights, maxBin);
    const high = await next<{ ptrs: Int32Array; values: Float32Array; minValues: Float32Array }>();
    const ptrs = new Int32Array(F + 1);
    ptrs.set(low.ptrs);
    for (let f = mid; f < F; f++) ptrs[f + 1] = low.ptrs[mid]! + high.ptrs[f - mid + 1]!;
    const values = new Float32Array(new SharedArrayBuffer(Math.max(1, ptrs[F]!) * 4)).subarray(0, ptrs[F]!);
    values.set(low.values);
    values.set(high.values, low.ptrs[mid]!);
    const minValues = new Float32Array(F);
    minValues.set(low.minValues);
    minValues.set(high.minValues, mid);
    const cuts: Cuts = { ptrs, values, minValues };
    const hasMissing = new Uint8Array(F);
    for (let f = 0; f < F; f++) hasMissing[f] = columnHasMissing(columns, n, f) ? 1 : 0;
    // Shared: the worker writes its features' codes into the same array.
    const { bins, stride } = allocateBins(n, F, needsWide(cuts, hasMissing, F), arena, true);
    worker.postMessage({ bins, stride, values, ptrs });
    const table = new Int32Array(65537);
    let dense = true;
    for (let f = 0; f < mid; f++) if (!codeFeature(columns, n, f, values, ptrs[f]!, ptrs[f + 1]! - ptrs[f]!, bins, stride, table)) dense = false;
    const done = await next<{ dense: boolean }>();
    return finish(n, F, cuts, hasMissing, bins, stride, dense && done.dense, arena);
  } finally {
    void worker.terminate();
  }
}

/** The binning worker: cuts of features [fBegin, fEnd) (quantile.ts's source), then their codes. */
function binWorkerSource(): string {
  return `
'use strict';
const __name = (target) => target;
const { workerData, parentPort } = require('node:worker_threads');
${quantileSource()}
const codeFeature = (${codeFeature.toString()});
const { columns, n, fBegin, fEnd, weights, maxBin } = workerData;
const cuts = computeCuts(columns.subarray(fBegin * n, fEnd * n), n, fEnd - fBegin, weights, maxBin);
parentPort.postMessage(cuts);
parentPort.once('message', ({ bins, stride, values, ptrs }) => {
  const table = new Int32Array(65537);
  let dense = true;
  for (let f = fBegin; f < fEnd; f++) if (!codeFeature(columns, n, f, values, ptrs[f], ptrs[f + 1] - ptrs[f], bins, stride, table)) dense = false;
  parentPort.postMessage({ dense });
});
`;
}
