/**
 * @module models/gbt/predict/parallel
 * Margins and predictions split by rows over worker threads. Workers read the compiled trees and the
 * input through SharedArrayBuffers (an input on a plain ArrayBuffer is copied once) and write disjoint
 * row ranges of a shared output; each row is computed exactly as on the main thread, so results are
 * identical. Small batches stay on the calling thread, where starting workers (~30 ms) would cost more
 * than it saves.
 */
import { availableParallelism } from 'node:os';
import { runWorkerTask } from '../../../core/worker-task.js';
import type { FeatureMatrix } from '../../predictor.js';
import type { TreeEnsemble } from '../tree-ensemble.js';
import { compileEnsemble } from './compile.js';
import { baseMarginF32 } from './float32-math.js';
import { marginKernel } from './kernels.js';
import { checkMatrix, marginGroups, predictMargin, transformMargins } from './predict.js';
import { treeRange, type PredictOptions } from './tree-range.js';

export interface ParallelOptions extends PredictOptions {
  /** Worker threads; default min(2, available cores). 1 computes on the calling thread. */
  threads?: number;
  /** Below this many row x tree walks the calling thread does the work; default 2^22 (~0.1 s). */
  minWork?: number;
}

const DEFAULT_MIN_WORK = 1 << 22;
/** min(2, cores), read once: `availableParallelism()` is a system call, too slow for every one-row prediction. */
let defaultThreads: number | undefined;

// The kernel's own source runs in the worker (eval), so there is no separate worker file to resolve
// whether this module runs from TypeScript sources or from dist.
const WORKER_SOURCE = `
const { parentPort, workerData: d } = require('node:worker_threads');
const marginKernel = ${marginKernel.toString()};
marginKernel(d.nodes, d.leafValues, d.roots, d.depths, d.lopsided, d.groups, d.treeBegin, d.treeEnd, d.x, d.cols, d.rowBegin, d.rowEnd, d.numGroup, d.base, d.out);
parentPort.postMessage('done');
`;

/** True when `predictMarginAsync` would compute these rows on the calling thread (no workers). */
export function runsInline(model: TreeEnsemble, rows: number, options: ParallelOptions = {}): boolean {
  const { begin, end } = treeRange(model, options);
  const threads = threadCount(options);
  return threads === 1 || rows * (end - begin) < (options.minWork ?? DEFAULT_MIN_WORK) || rows < 2 * threads;
}

function threadCount(options: ParallelOptions): number {
  return Math.max(1, Math.floor(options.threads ?? (defaultThreads ??= Math.min(2, availableParallelism()))));
}

export async function predictMarginAsync(model: TreeEnsemble, matrix: FeatureMatrix, options: ParallelOptions = {}): Promise<Float64Array> {
  checkMatrix(model, matrix);
  if (runsInline(model, matrix.rows, options)) return predictMargin(model, matrix, undefined, options);
  const { begin, end } = treeRange(model, options);
  const threads = threadCount(options);
  const c = compileEnsemble(model);
  const numGroup = marginGroups(model);
  const x = matrix.values.buffer instanceof SharedArrayBuffer ? matrix.values : copyToShared(matrix.values);
  const out = new Float64Array(new SharedArrayBuffer(Math.max(1, matrix.rows * numGroup) * 8), 0, matrix.rows * numGroup);
  const base = baseMarginF32(model);
  const chunk = Math.ceil(matrix.rows / threads);
  const jobs: Promise<void>[] = [];
  for (let rowBegin = 0; rowBegin < matrix.rows; rowBegin += chunk) {
    const workerData = {
      nodes: c.nodes, leafValues: c.leafValues, roots: c.roots, depths: c.depths, lopsided: c.lopsided, groups: c.groups,
      treeBegin: begin, treeEnd: end, x, cols: c.cols, rowBegin, rowEnd: Math.min(matrix.rows, rowBegin + chunk), numGroup, base, out,
    };
    jobs.push(runWorkerTask(WORKER_SOURCE, workerData, 'prediction'));
  }
  await Promise.all(jobs);
  return out;
}

/** `predict` over worker threads: the margins in parallel, then the objective's transform. */
export async function predictAsync(model: TreeEnsemble, matrix: FeatureMatrix, options: ParallelOptions = {}): Promise<Float64Array> {
  const margins = await predictMarginAsync(model, matrix, options);
  return transformMargins(model, margins, matrix.rows);
}

function copyToShared(values: Float64Array): Float64Array {
  const shared = new Float64Array(new SharedArrayBuffer(Math.max(1, values.length) * 8), 0, values.length);
  shared.set(values);
  return shared;
}
