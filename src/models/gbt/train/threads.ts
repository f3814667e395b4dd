/**
 * @module models/gbt/train/threads
 * A backend on two threads: the calling thread and one worker split the features of every histogram build
 * and split search between them. All arrays live in SharedArrayBuffers; a call writes the tasks, wakes the
 * worker with `Atomics.notify`, does its own half, and waits on `Atomics.wait` (allowed on Node's main
 * thread) for the worker's half, so there is no message round trip per call. Arrays that are replaced or
 * added later (a bigger stats buffer, a new histogram chunk) reach the worker as port messages that it
 * reads synchronously (`receiveMessageOnPort`) before its next task.
 *
 * Each feature's histogram is summed by one thread in row order and the split search merges the two halves
 * the way XGBoost merges per-thread candidates, so the results are identical to one thread.
 *
 * The worker runs the source text of `kernels.ts` (`new Worker(code, { eval: true })`), so it needs no file
 * of its own and works the same from TypeScript sources and compiled output.
 */
import { MessageChannel, receiveMessageOnPort, Worker, type MessagePort } from 'node:worker_threads';
import { allocate, HistPool, type Backend, type BinnedMatrix, type KernelArrays } from './backend.js';
import { buildHistograms, compileHistKernel, findSplits, histKernelSource, PARTITION_STRIDE, partitionRows, RESULT_STRIDE, type HistKernel } from './kernels.js';

const SEQ = 0;
const DONE = 1;
const OP = 2;
const N_TASKS = 3;
const BEGIN = 4;
const END = 5;
const GEN = 6;
const ERROR = 7;
const CHUNKS = 8;
/** Build mode: 0 = whole histograms of tasks [BEGIN, END); 1 = the upper half of the features of all tasks. */
const MODE = 9;

const OP_BUILD = 1;
const OP_SPLITS = 2;
const OP_EXIT = 3;
const OP_PARTITION = 4;

/** How long a call may wait for the worker before giving up (a crashed worker never answers). */
const WORKER_TIMEOUT_MS = 10 * 60 * 1000;

function workerSource(): string {
  return `
'use strict';
const { workerData, receiveMessageOnPort } = require('node:worker_threads');
const buildHistograms = (${buildHistograms.toString()});
const findSplits = (${findSplits.toString()});
const partitionRows = (${partitionRows.toString()});
const { ctrl, port, bins, columnBins, nRows, nCols, mid, offsets, nBins, cutPtrs, cutValues, minValues } = workerData;
const kernelFull = new Function('return ' + workerData.fullKernel)();
const kernelHigh = new Function('return ' + workerData.highKernel)();
const chunks = [];
const sink = new Float64Array(1);
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
    if (op === ${OP_BUILD}) {
      if (ctrl[${MODE}] === 0) buildHistograms(kernelFull, bins, A.gh, A.rows, chunks, A.tasks, ctrl[${BEGIN}], ctrl[${END}], offsets, 0, nCols, sink);
      else buildHistograms(kernelHigh, bins, A.gh, A.rows, chunks, A.tasks, 0, ctrl[${N_TASKS}], offsets, mid, nCols, sink);
    }
    else if (op === ${OP_SPLITS}) findSplits(chunks, A.tasks, ctrl[${N_TASKS}], A.stats, A.results2, offsets, nBins, cutPtrs, cutValues, minValues, A.features, ctrl[${BEGIN}], ctrl[${END}], A.params);
    else partitionRows(columnBins, nRows, A.rows, A.scratch, A.parts, ctrl[${BEGIN}], ctrl[${END}], A.leftCounts);
  } catch (e) {
    ctrl[${ERROR}] = 1;
    port.postMessage({ error: String((e && e.stack) || e) });
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

export class ThreadedBackend implements Backend {
  readonly arrays: KernelArrays;
  readonly pool: HistPool;
  /** The worker's split results (merged into `arrays.results`). */
  private results2: Float64Array;
  private tasks: Int32Array;
  private parts: Int32Array;
  private readonly ctrl: Int32Array;
  private readonly sink = new Float64Array(1);
  private readonly kernelFull: HistKernel;
  private readonly kernelLow: HistKernel;
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
    const sab = <T>(Ctor: new (b: ArrayBuffer | SharedArrayBuffer) => T, length: number, bytes: number): T => new Ctor(allocate(length, bytes, true));
    this.arrays = {
      gh: sab(Float64Array, 2 * n, 8),
      rows: sab(Uint32Array, n, 4),
      stats: sab(Float64Array, 3 * 64, 8),
      results: sab(Float64Array, RESULT_STRIDE * 64, 8),
      params: sab(Float64Array, 4, 8),
      features: sab(Int32Array, Math.max(1, data.cols), 4),
      scratch: sab(Uint32Array, n, 4),
      leftCounts: sab(Int32Array, 64, 4),
    };
    this.results2 = sab(Float64Array, RESULT_STRIDE * 64, 8);
    this.tasks = sab(Int32Array, 4 * 64, 4);
    this.parts = sab(Int32Array, PARTITION_STRIDE * 64, 4);
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
      nCols: data.cols,
      nRows: data.rows,
      mid: data.cols >> 1,
      fullKernel: histKernelSource(data.offsets, data.cols, 0, data.cols),
      highKernel: histKernelSource(data.offsets, data.cols, data.cols >> 1, data.cols),
      columnBins: data.columnBins,
      offsets: sharedCopy(data.offsets),
      nBins: sharedCopy(data.nBins),
      cutPtrs: sharedCopy(cuts.ptrs),
      cutValues: sharedCopy(cuts.values),
      minValues: sharedCopy(cuts.minValues),
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
      },
    });
  }

  reserveNodes(nodes: number): void {
    if (this.arrays.stats.length >= 3 * nodes) return;
    const cap = Math.max(nodes, (this.arrays.stats.length / 3) * 2);
    this.arrays.stats = new Float64Array(allocate(3 * cap, 8, true));
    this.arrays.results = new Float64Array(allocate(RESULT_STRIDE * cap, 8, true));
    this.results2 = new Float64Array(allocate(RESULT_STRIDE * cap, 8, true));
    this.arrays.leftCounts = new Int32Array(allocate(cap, 4, true));
    this.publish();
  }

  partition(tasks: Int32Array, nTasks: number): void {
    const d = this.data;
    const a = this.arrays;
    if (this.parts.length < PARTITION_STRIDE * nTasks) {
      this.parts = new Int32Array(allocate(PARTITION_STRIDE * Math.max(nTasks, this.parts.length / 3), 4, true));
      this.publish();
    }
    this.parts.set(tasks.subarray(0, PARTITION_STRIDE * nTasks));
    // Split the nodes so that both threads get about half of the rows.
    let total = 0;
    for (let t = 0; t < nTasks; t++) total += tasks[t * PARTITION_STRIDE + 1]! - tasks[t * PARTITION_STRIDE]!;
    let split = 0;
    for (let acc = 0; split < nTasks && acc * 2 < total; split++) acc += tasks[split * PARTITION_STRIDE + 1]! - tasks[split * PARTITION_STRIDE]!;
    if (split === nTasks || total < 4096) {
      partitionRows(d.columnBins, d.rows, a.rows, a.scratch, this.parts, 0, nTasks, a.leftCounts);
      return;
    }
    const seq = this.start(OP_PARTITION, nTasks, split, nTasks);
    partitionRows(d.columnBins, d.rows, a.rows, a.scratch, this.parts, 0, split, a.leftCounts);
    this.finish(seq);
  }

  private copyTasks(tasks: Int32Array, nTasks: number): void {
    if (this.tasks.length < 4 * nTasks) {
      this.tasks = new Int32Array(allocate(4 * Math.max(nTasks, this.tasks.length / 2), 4, true));
      this.publish();
    }
    this.tasks.set(tasks.subarray(0, 4 * nTasks));
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
    if (total < 2048 || (F < 2 && nTasks < 2)) {
      buildHistograms(this.kernelFull, d.bins, a.gh, a.rows, this.pool.chunks, tasks, 0, nTasks, d.offsets, 0, F, this.sink);
      return;
    }
    this.copyTasks(tasks, nTasks);
    if (nTasks >= 2 && largest <= 0.6 * total) {
      let split = 0;
      for (let acc = 0; split < nTasks - 1 && (acc + tasks[4 * split + 3]! - tasks[4 * split + 2]!) * 2 <= total; split++) {
        acc += tasks[4 * split + 3]! - tasks[4 * split + 2]!;
      }
      if (split === 0) split = 1;
      this.ctrl[MODE] = 0;
      const seq = this.start(OP_BUILD, nTasks, split, nTasks);
      buildHistograms(this.kernelFull, d.bins, a.gh, a.rows, this.pool.chunks, this.tasks, 0, split, d.offsets, 0, F, this.sink);
      this.finish(seq);
      return;
    }
    const mid = F >> 1;
    this.ctrl[MODE] = 1;
    const seq = this.start(OP_BUILD, nTasks, 0, nTasks);
    buildHistograms(this.kernelLow, d.bins, a.gh, a.rows, this.pool.chunks, this.tasks, 0, nTasks, d.offsets, 0, mid, this.sink);
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
