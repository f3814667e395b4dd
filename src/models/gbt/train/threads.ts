/**
 * @module models/gbt/train/threads
 * A backend on two threads: the calling thread and one worker share every kernel call. All arrays live
 * in SharedArrayBuffers; a call writes its tasks, wakes the worker with `Atomics.notify`, does its own
 * share, and waits on `Atomics.wait` (allowed on Node's main thread) for the worker's share, so there is no
 * message round trip per call. Arrays replaced or added later (bigger task buffers, a new histogram chunk)
 * reach the worker as port messages that it reads synchronously (`receiveMessageOnPort`) before its next
 * task.
 *
 * Shares: histograms by nodes when a level has several (each node's histogram built whole by one thread)
 * or else by features; split search by features (merged as XGBoost merges its per-thread candidates);
 * partitions by nodes, or a single node in two halves merged after; gradients and margin updates by rows.
 * Every value is computed by exactly one thread in the same order as on one thread, so the model is
 * identical to a one-thread run.
 *
 * The worker runs the source text of the kernels (`new Worker(code, { eval: true })`), so it needs no file
 * of its own and works the same from TypeScript sources and compiled output.
 */
import { MessageChannel, receiveMessageOnPort, Worker, type MessagePort } from 'node:worker_threads';
import { allocate, HistPool, type Backend, type BinnedMatrix, type KernelArrays } from './backend.js';
import {
  addLeavesKernel,
  buildHistograms,
  compileHistKernel,
  findSplits,
  gradientKernel,
  histKernelSource,
  PARTITION_STRIDE,
  partitionRows,
  RESULT_STRIDE,
  softmaxKernel,
  type HistKernel,
} from './kernels.js';
import { EXP2_TAB, POW2 } from './objective.js';

// Control words (Int32Array over a SharedArrayBuffer).
const SEQ = 0;
const DONE = 1;
const OP = 2;
const N_TASKS = 3;
const BEGIN = 4;
const END = 5;
const GEN = 6;
const ERROR = 7;
const CHUNKS = 8;
/** OP_BUILD: 0 = whole histograms of tasks [BEGIN, END); 1 = the upper half of the features of all tasks. */
const MODE = 9;
/** Extra integer arguments (objective kind, K, class). */
const ARG0 = 10;
const ARG1 = 11;
const ARG2 = 12;

const OP_BUILD = 1;
const OP_SPLITS = 2;
const OP_EXIT = 3;
const OP_PARTITION = 4;
const OP_GRADIENTS = 5;
const OP_SOFTMAX = 6;
const OP_LEAVES = 7;

/** Below this many rows a call runs on this thread alone (waking the worker costs more). */
const MIN_SHARED_ROWS = 4096;

/** How long a call may wait for the worker before giving up (a crashed worker never answers). */
const WORKER_TIMEOUT_MS = 10 * 60 * 1000;

function workerSource(): string {
  return `
'use strict';
const { workerData, receiveMessageOnPort } = require('node:worker_threads');
const buildHistograms = (${buildHistograms.toString()});
const findSplits = (${findSplits.toString()});
const partitionRows = (${partitionRows.toString()});
const gradientKernel = (${gradientKernel.toString()});
const softmaxKernel = (${softmaxKernel.toString()});
const addLeavesKernel = (${addLeavesKernel.toString()});
const { ctrl, port, bins, columnBins, nRows, nCols, mid, offsets, nBins, cutPtrs, cutValues, minValues, expTab, pow2 } = workerData;
const kernelFull = new Function('return ' + workerData.fullKernel)();
const kernelHigh = new Function('return ' + workerData.highKernel)();
const chunks = [];
const sink = new Float64Array(1);
let tmp = new Float64Array(16);
let gen = -1;
let A = null;
function sync() {
  let spins = 0;
  while (gen !== Atomics.load(ctrl, ${GEN}) || chunks.length < Atomics.load(ctrl, ${CHUNKS})) {
    const m = receiveMessageOnPort(port);
    if (m === undefined) {
      if (++spins > 1e7) throw new Error('shared arrays never arrived');
      continue;
    }
    if (m.message.chunk) chunks.push(m.message.chunk);
    else { A = m.message.arrays; gen = m.message.gen; }
  }
}
let last = 0;
for (;;) {
  Atomics.wait(ctrl, ${SEQ}, last);
  const seq = Atomics.load(ctrl, ${SEQ});
  if (seq === last) continue;
  last = seq;
  const op = ctrl[${OP}];
  if (op === ${OP_EXIT}) break;
  try {
    sync();
    const b = ctrl[${BEGIN}];
    const e = ctrl[${END}];
    if (op === ${OP_BUILD}) {
      if (ctrl[${MODE}] === 0) buildHistograms(kernelFull, bins, A.gh, A.rows, chunks, A.tasks, b, e, offsets, 0, nCols, sink);
      else buildHistograms(kernelHigh, bins, A.gh, A.rows, chunks, A.tasks, 0, ctrl[${N_TASKS}], offsets, mid, nCols, sink);
    } else if (op === ${OP_SPLITS}) {
      findSplits(chunks, A.tasks, ctrl[${N_TASKS}], A.stats, A.results2, offsets, nBins, cutPtrs, cutValues, minValues, A.features, b, e, A.params);
    } else if (op === ${OP_PARTITION}) {
      partitionRows(columnBins, nRows, A.rows, A.scratch, A.parts, b, e, A.leftCounts);
    } else if (op === ${OP_GRADIENTS}) {
      gradientKernel(ctrl[${ARG0}], A.margin, A.label, A.weight, A.params[4], A.gh, b, e, expTab, pow2);
    } else if (op === ${OP_SOFTMAX}) {
      if (tmp.length < ctrl[${ARG1}]) tmp = new Float64Array(ctrl[${ARG1}]);
      softmaxKernel(A.margin, A.label, A.weight, ctrl[${ARG1}], A.grad, b, e, expTab, pow2, tmp);
    } else if (op === ${OP_LEAVES}) {
      addLeavesKernel(A.leafRanges, A.leafValues, b, e, A.rows, A.margin, ctrl[${ARG1}], ctrl[${ARG2}]);
    }
  } catch (err) {
    ctrl[${ERROR}] = 1;
    port.postMessage({ error: String((err && err.stack) || err) });
  }
  Atomics.store(ctrl, ${DONE}, seq);
  Atomics.notify(ctrl, ${DONE});
}
`;
}

function sharedCopy<T extends Int32Array | Float64Array | Float32Array>(a: T): T {
  const Ctor = a.constructor as new (buffer: SharedArrayBuffer) => T;
  const out = new Ctor(new SharedArrayBuffer(Math.max(1, a.length) * a.BYTES_PER_ELEMENT));
  out.set(a as never);
  return out;
}

function sharedF64(length: number): Float64Array {
  return new Float64Array(allocate(length, 8, true));
}

function sharedI32(length: number): Int32Array {
  return new Int32Array(allocate(length, 4, true));
}

export class ThreadedBackend implements Backend {
  readonly arrays: KernelArrays;
  readonly pool: HistPool;
  /** The worker's split results (merged into `arrays.results`). */
  private results2: Float64Array;
  private tasks: Int32Array;
  private parts: Int32Array;
  private leafRanges: Int32Array;
  private leafValues: Float64Array;
  private readonly ctrl: Int32Array;
  private readonly sink = new Float64Array(1);
  private readonly kernelFull: HistKernel;
  private readonly kernelLow: HistKernel;
  private softmaxTmp = new Float64Array(16);
  private gen = 0;
  private closed = false;

  private constructor(
    private readonly data: BinnedMatrix,
    private readonly worker: Worker,
    private readonly port: MessagePort,
    ctrl: Int32Array,
  ) {
    this.ctrl = ctrl;
    this.kernelFull = compileHistKernel(histKernelSource(data.offsets, data.cols, 0, data.cols));
    this.kernelLow = compileHistKernel(histKernelSource(data.offsets, data.cols, 0, data.cols >> 1));
    const n = data.rows;
    this.arrays = {
      gh: new Float32Array(allocate(2 * n, 4, true)),
      rows: new Uint32Array(allocate(n, 4, true)),
      stats: sharedF64(3 * 64),
      results: sharedF64(RESULT_STRIDE * 64),
      // [lambda, alpha, max_delta_step, min_child_weight, scale_pos_weight]
      params: sharedF64(5),
      features: sharedI32(Math.max(1, data.cols)),
      scratch: new Uint32Array(allocate(n, 4, true)),
      leftCounts: sharedI32(64),
      margin: new Float32Array(allocate(0, 4, true)),
      label: new Float32Array(allocate(0, 4, true)),
      weight: new Float32Array(0),
      grad: new Float32Array(0),
    };
    this.results2 = sharedF64(RESULT_STRIDE * 64);
    this.tasks = sharedI32(4 * 64);
    this.parts = sharedI32(PARTITION_STRIDE * 64);
    this.leafRanges = sharedI32(2 * 64);
    this.leafValues = sharedF64(64);
    this.pool = new HistPool(data.offsets[data.cols]!, true, (chunk) => this.port.postMessage({ chunk }));
    this.publish();
  }

  static async create(data: BinnedMatrix): Promise<ThreadedBackend> {
    const ctrl = new Int32Array(new SharedArrayBuffer(16 * 4));
    const { port1, port2 } = new MessageChannel();
    const cuts = data.cuts;
    const workerData = {
      ctrl,
      port: port2,
      bins: data.bins,
      columnBins: data.columnBins,
      nRows: data.rows,
      nCols: data.cols,
      mid: data.cols >> 1,
      fullKernel: histKernelSource(data.offsets, data.cols, 0, data.cols),
      highKernel: histKernelSource(data.offsets, data.cols, data.cols >> 1, data.cols),
      offsets: sharedCopy(data.offsets),
      nBins: sharedCopy(data.nBins),
      cutPtrs: sharedCopy(cuts.ptrs),
      cutValues: sharedCopy(cuts.values),
      minValues: sharedCopy(cuts.minValues),
      expTab: sharedCopy(EXP2_TAB),
      pow2: sharedCopy(POW2),
    };
    const worker = new Worker(workerSource(), { eval: true, workerData, transferList: [port2] });
    await new Promise<void>((resolve, reject) => {
      worker.once('online', () => resolve());
      worker.once('error', reject);
    });
    // From here on the main thread drives the worker synchronously; it must not keep the process alive.
    worker.unref();
    return new ThreadedBackend(data, worker, port1, ctrl);
  }

  /** Sends the current array set to the worker (it reads it before its next task). */
  private publish(): void {
    this.gen++;
    const a = this.arrays;
    this.port.postMessage({
      gen: this.gen,
      arrays: {
        gh: a.gh,
        rows: a.rows,
        stats: a.stats,
        results2: this.results2,
        params: a.params,
        features: a.features,
        tasks: this.tasks,
        scratch: a.scratch,
        leftCounts: a.leftCounts,
        parts: this.parts,
        margin: a.margin,
        label: a.label,
        weight: a.weight,
        grad: a.grad,
        leafRanges: this.leafRanges,
        leafValues: this.leafValues,
      },
    });
  }

  private start(op: number, nTasks: number, begin: number, end: number): number {
    if (this.closed) throw new Error('the training threads are closed');
    const c = this.ctrl;
    c[OP] = op;
    c[N_TASKS] = nTasks;
    c[BEGIN] = begin;
    c[END] = end;
    c[GEN] = this.gen;
    c[CHUNKS] = this.pool.chunks.length;
    const seq = Atomics.add(c, SEQ, 1) + 1;
    Atomics.notify(c, SEQ);
    return seq;
  }

  private finish(seq: number): void {
    const c = this.ctrl;
    const started = Date.now();
    for (;;) {
      const done = Atomics.load(c, DONE);
      if (done === seq) break;
      Atomics.wait(c, DONE, done, 1000);
      if (Date.now() - started > WORKER_TIMEOUT_MS) throw new Error('the training worker stopped answering');
    }
    if (c[ERROR] !== 0) {
      const m = receiveMessageOnPort(this.port);
      throw new Error(`training worker failed: ${(m?.message as { error?: string } | undefined)?.error ?? 'unknown error'}`);
    }
  }

  reserveNodes(nodes: number): void {
    if (this.arrays.stats.length >= 3 * nodes) return;
    const cap = Math.max(nodes, (this.arrays.stats.length / 3) * 2);
    this.arrays.stats = sharedF64(3 * cap);
    this.arrays.results = sharedF64(RESULT_STRIDE * cap);
    this.results2 = sharedF64(RESULT_STRIDE * cap);
    this.arrays.leftCounts = sharedI32(cap);
    this.publish();
  }

  private copyTasks(tasks: Int32Array, nTasks: number): void {
    if (this.tasks.length < 4 * nTasks) {
      this.tasks = sharedI32(4 * Math.max(nTasks, this.tasks.length / 2));
      this.publish();
    }
    this.tasks.set(tasks.subarray(0, 4 * nTasks));
  }

  /**
   * Several nodes: split the nodes between the threads by rows (each thread builds whole histograms; at
   * deep levels every thread pays for every row it reads, so splitting features would not halve the time).
   * One node or very unequal ones: split the features.
   */
  build(tasks: Int32Array, nTasks: number): void {
    const d = this.data;
    const a = this.arrays;
    const F = d.cols;
    let total = 0;
    let largest = 0;
    for (let t = 0; t < nTasks; t++) {
      const rows = tasks[4 * t + 3]! - tasks[4 * t + 2]!;
      total += rows;
      if (rows > largest) largest = rows;
    }
    if (total < MIN_SHARED_ROWS || (F < 2 && nTasks < 2)) {
      buildHistograms(this.kernelFull, d.bins, a.gh, a.rows, this.pool.chunks, tasks, 0, nTasks, d.offsets, 0, F, this.sink);
      return;
    }
    this.copyTasks(tasks, nTasks);
    if (nTasks >= 2 && largest <= 0.6 * total) {
      // The first `split` tasks here, the rest on the worker: the split point closest to half the rows.
      let split = 1;
      let best = Infinity;
      for (let k = 1, acc = 0; k < nTasks; k++) {
        acc += tasks[4 * (k - 1) + 3]! - tasks[4 * (k - 1) + 2]!;
        const worse = Math.max(acc, total - acc);
        if (worse < best) {
          best = worse;
          split = k;
        }
      }
      this.ctrl[MODE] = 0;
      const seq = this.start(OP_BUILD, nTasks, split, nTasks);
      buildHistograms(this.kernelFull, d.bins, a.gh, a.rows, this.pool.chunks, this.tasks, 0, split, d.offsets, 0, F, this.sink);
      this.finish(seq);
      return;
    }
    this.ctrl[MODE] = 1;
    const seq = this.start(OP_BUILD, nTasks, 0, nTasks);
    buildHistograms(this.kernelLow, d.bins, a.gh, a.rows, this.pool.chunks, this.tasks, 0, nTasks, d.offsets, 0, F >> 1, this.sink);
    this.finish(seq);
  }

  findSplits(tasks: Int32Array, nTasks: number, nFeatures: number): void {
    const d = this.data;
    const a = this.arrays;
    const c = d.cuts;
    if (nFeatures < 2) {
      findSplits(this.pool.chunks, tasks, nTasks, a.stats, a.results, d.offsets, d.nBins, c.ptrs, c.values, c.minValues, a.features, 0, nFeatures, a.params);
      return;
    }
    this.copyTasks(tasks, nTasks);
    const mid = nFeatures >> 1;
    const seq = this.start(OP_SPLITS, nTasks, mid, nFeatures);
    findSplits(this.pool.chunks, this.tasks, nTasks, a.stats, a.results, d.offsets, d.nBins, c.ptrs, c.values, c.minValues, a.features, 0, mid, a.params);
    this.finish(seq);
    // Merge: the worker's features all come after ours, so (XGBoost's SplitEntry::Update) its best
    // replaces ours only with a strictly larger loss change.
    const r = a.results;
    const r2 = this.results2;
    for (let t = 0; t < nTasks; t++) {
      const o = this.tasks[4 * t + 3]! * RESULT_STRIDE;
      if (r2[o]! > r[o]!) for (let i = 0; i < RESULT_STRIDE; i++) r[o + i] = r2[o + i]!;
    }
  }

  partition(tasks: Int32Array, nTasks: number): void {
    const d = this.data;
    const a = this.arrays;
    let total = 0;
    for (let t = 0; t < nTasks; t++) total += tasks[t * PARTITION_STRIDE + 1]! - tasks[t * PARTITION_STRIDE]!;
    if (total < MIN_SHARED_ROWS) {
      partitionRows(d.columnBins, d.rows, a.rows, a.scratch, tasks, 0, nTasks, a.leftCounts);
      return;
    }
    if (this.parts.length < PARTITION_STRIDE * (nTasks + 1)) {
      this.parts = sharedI32(PARTITION_STRIDE * Math.max(nTasks + 1, this.parts.length / 3));
      this.publish();
    }
    if (nTasks === 1) {
      // One node: each thread partitions half of its rows, then the halves' blocks are put in order.
      const b = tasks[0]!;
      const e = tasks[1]!;
      const m = b + ((e - b) >> 1);
      const p = this.parts;
      p.set(tasks.subarray(0, PARTITION_STRIDE));
      p.set(tasks.subarray(0, PARTITION_STRIDE), PARTITION_STRIDE);
      p[1] = m;
      p[PARTITION_STRIDE] = m;
      const seq = this.start(OP_PARTITION, 2, 1, 2);
      partitionRows(d.columnBins, d.rows, a.rows, a.scratch, p, 0, 1, a.leftCounts);
      this.finish(seq);
      // Now [L1 R1 | L2 R2], with R1 still in scratch at [b, b + r1): make it [L1 L2 | R1 R2].
      const l1 = a.leftCounts[0]!;
      const l2 = a.leftCounts[1]!;
      const r1 = m - b - l1;
      a.rows.copyWithin(b + l1, m, m + l2);
      a.rows.set(a.scratch.subarray(b, b + r1), b + l1 + l2);
      a.leftCounts[0] = l1 + l2;
      return;
    }
    this.parts.set(tasks.subarray(0, PARTITION_STRIDE * nTasks));
    // Split the nodes so that both threads get about half of the rows.
    let split = 0;
    for (let acc = 0; split < nTasks && acc * 2 < total; split++) acc += tasks[split * PARTITION_STRIDE + 1]! - tasks[split * PARTITION_STRIDE]!;
    const seq = this.start(OP_PARTITION, nTasks, split, nTasks);
    partitionRows(d.columnBins, d.rows, a.rows, a.scratch, this.parts, 0, split, a.leftCounts);
    this.finish(seq);
  }

  setup(label: Float32Array, weight: Float32Array | undefined, K: number, base: number): void {
    const a = this.arrays;
    const n = this.data.rows;
    a.label = new Float32Array(allocate(n, 4, true));
    a.label.set(label);
    if (weight) {
      a.weight = new Float32Array(allocate(n, 4, true));
      a.weight.set(weight);
    } else a.weight = new Float32Array(new SharedArrayBuffer(0));
    a.margin = new Float32Array(allocate(n * K, 4, true)).fill(base);
    a.grad = K > 1 ? new Float32Array(allocate(2 * n * K, 4, true)) : new Float32Array(new SharedArrayBuffer(0));
    this.publish();
  }

  gradients(kind: number, scalePos: number): void {
    const a = this.arrays;
    const n = this.data.rows;
    if (n < MIN_SHARED_ROWS) {
      gradientKernel(kind, a.margin, a.label, a.weight, scalePos, a.gh, 0, n, EXP2_TAB, POW2);
      return;
    }
    a.params[4] = scalePos;
    this.ctrl[ARG0] = kind;
    const mid = n >> 1;
    const seq = this.start(OP_GRADIENTS, 0, mid, n);
    gradientKernel(kind, a.margin, a.label, a.weight, scalePos, a.gh, 0, mid, EXP2_TAB, POW2);
    this.finish(seq);
  }

  softmax(K: number): void {
    const a = this.arrays;
    const n = this.data.rows;
    if (this.softmaxTmp.length < K) this.softmaxTmp = new Float64Array(K);
    if (n < MIN_SHARED_ROWS) {
      softmaxKernel(a.margin, a.label, a.weight, K, a.grad, 0, n, EXP2_TAB, POW2, this.softmaxTmp);
      return;
    }
    this.ctrl[ARG1] = K;
    const mid = n >> 1;
    const seq = this.start(OP_SOFTMAX, 0, mid, n);
    softmaxKernel(a.margin, a.label, a.weight, K, a.grad, 0, mid, EXP2_TAB, POW2, this.softmaxTmp);
    this.finish(seq);
  }

  addLeaves(ranges: Int32Array, values: Float64Array, count: number, K: number, k: number): void {
    const a = this.arrays;
    const n = this.data.rows;
    if (n < MIN_SHARED_ROWS || count < 2) {
      addLeavesKernel(ranges, values, 0, count, a.rows, a.margin, K, k);
      return;
    }
    if (this.leafValues.length < count) {
      this.leafRanges = sharedI32(4 * count);
      this.leafValues = sharedF64(2 * count);
      this.publish();
    }
    this.leafRanges.set(ranges.subarray(0, 2 * count));
    this.leafValues.set(values.subarray(0, count));
    // Leaves hold disjoint rows: the first leaves up to about half of the rows here, the rest on the worker.
    let split = 0;
    for (let acc = 0; split < count && acc * 2 < n; split++) acc += ranges[2 * split + 1]! - ranges[2 * split]!;
    this.ctrl[ARG1] = K;
    this.ctrl[ARG2] = k;
    const seq = this.start(OP_LEAVES, count, split, count);
    addLeavesKernel(this.leafRanges, this.leafValues, 0, split, a.rows, a.margin, K, k);
    this.finish(seq);
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.ctrl[OP] = OP_EXIT;
    Atomics.add(this.ctrl, SEQ, 1);
    Atomics.notify(this.ctrl, SEQ);
    this.port.close();
    void this.worker.terminate();
  }
}
