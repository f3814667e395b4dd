/**
 * @module models/gbt/train/threads
 * A backend on two threads: the calling thread and one worker share every kernel call. All arrays live
 * in shared memory (the wasm arena's, or SharedArrayBuffers); a call writes its tasks, wakes the worker
 * (`Atomics.notify`), does its own share, and waits for the worker's share, so there is no message round
 * trip per call. Both sides poll the control word for about 0.1 ms before sleeping on it (`Atomics.wait`,
 * allowed on Node's main thread): the calls of a tree follow each other within microseconds, and waking a
 * sleeping thread costs about as much as a small call. Arrays replaced or added later (bigger task
 * buffers, a new histogram chunk) reach the worker as port messages that it reads synchronously
 * (`receiveMessageOnPort`) before its next task.
 *
 * Shares: histograms by nodes when a level has several (each node's histogram built whole by one thread,
 * then subtracted from its sibling's) or else by features; split search by features (merged as XGBoost
 * merges its per-thread candidates); partitions by halves of every node (both threads count their halves'
 * right rows, then move their rows to their places); gradients and margin updates by rows. Every value is
 * computed by exactly one thread in the same order as on one thread, so the model is identical to a
 * one-thread run.
 *
 * The worker runs the source text of the kernels (`new Worker(code, { eval: true })`), so it needs no file
 * of its own and works the same from TypeScript sources and compiled output.
 */
import { MessageChannel, receiveMessageOnPort, Worker, type MessagePort } from 'node:worker_threads';
import {
  allocate,
  carryOver,
  countHere,
  gradientsHere,
  kernelBuffers,
  placeScatter,
  resetRows,
  scatterHere,
  scatterTasks,
  setupArrays,
  wasmHistOf,
  type Backend, type BinnedMatrix, type HistPool, type KernelArrays, type WasmHist } from './backend.js';
import {
  addLeavesKernel,
  buildHistograms,
  buildHistogramsWasm,
  BUILD_STRIDE,
  countRight,
  countRightWasm,
  scatterRows,
  scatterRowsWasm,
  SCATTER_STRIDE,
  compileHistKernel,
  findSplits,
  gradientKernel,
  histKernelSource,
  PARTITION_STRIDE,
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
/** The current position set (0 or 1) for builds, partitions and margin updates. */
const PARITY = 13;

const OP_BUILD = 1;
const OP_SPLITS = 2;
const OP_EXIT = 3;
const OP_COUNT = 4;
const OP_SCATTER = 8;
const OP_RESET = 9;
const OP_GRADIENTS = 5;
const OP_SOFTMAX = 6;
const OP_LEAVES = 7;

/** Below this many rows a call runs on this thread alone (waking the worker costs more). */
const MIN_SHARED_ROWS = 4096;

/**
 * Polls of a control word before sleeping on it. Waking a sleeping thread costs about 0.1 ms here (more
 * when the cores are busy), and the calls of one tree follow each other within microseconds, so the
 * worker polls for the next call (and the caller for the worker's end) for some 0.1 ms first.
 */
const SPIN = 1 << 16;

/** How long a call may wait for the worker before giving up (a crashed worker never answers). */
const WORKER_TIMEOUT_MS = 10 * 60 * 1000;

function workerSource(): string {
  return `
'use strict';
const { workerData, receiveMessageOnPort } = require('node:worker_threads');
const buildHistograms = (${buildHistograms.toString()});
const buildHistogramsWasm = (${buildHistogramsWasm.toString()});
const countRight = (${countRight.toString()});
const countRightWasm = (${countRightWasm.toString()});
const scatterRows = (${scatterRows.toString()});
const scatterRowsWasm = (${scatterRowsWasm.toString()});
const findSplits = (${findSplits.toString()});
const gradientKernel = (${gradientKernel.toString()});
const softmaxKernel = (${softmaxKernel.toString()});
const addLeavesKernel = (${addLeavesKernel.toString()});
const { ctrl, port, bins, stride, words, binBytes, nCols, mid, offsets, nBins, cutPtrs, cutValues, minValues, expTab, pow2 } = workerData;
const kernelFull = new Function('return ' + workerData.fullKernel)();
const kernelHigh = new Function('return ' + workerData.highKernel)();
const wasm = workerData.histModule ? new WebAssembly.Instance(workerData.histModule, { env: { mem: workerData.memory } }).exports : null;
const chunks = [];
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
  let seq = Atomics.load(ctrl, ${SEQ});
  for (let i = 0; seq === last && i < ${SPIN}; i++) seq = Atomics.load(ctrl, ${SEQ});
  if (seq === last) {
    Atomics.wait(ctrl, ${SEQ}, last);
    continue;
  }
  last = seq;
  const op = ctrl[${OP}];
  if (op === ${OP_EXIT}) break;
  try {
    sync();
    const b = ctrl[${BEGIN}];
    const e = ctrl[${END}];
    const S = A.sets[ctrl[${PARITY}]];
    const D = A.sets[1 - ctrl[${PARITY}]];
    if (op === ${OP_BUILD} && wasm) {
      if (ctrl[${MODE}] === 0) buildHistogramsWasm(wasm.k0, S.work.byteOffset, S.gh.byteOffset, chunks, A.tasks, b, e, offsets, 0, nCols);
      else buildHistogramsWasm(wasm.k2, S.work.byteOffset, S.gh.byteOffset, chunks, A.tasks, 0, ctrl[${N_TASKS}], offsets, mid, nCols);
    } else if (op === ${OP_BUILD}) {
      if (ctrl[${MODE}] === 0) buildHistograms(kernelFull, S.work, S.gh, chunks, A.tasks, b, e, offsets, 0, nCols);
      else buildHistograms(kernelHigh, S.work, S.gh, chunks, A.tasks, 0, ctrl[${N_TASKS}], offsets, mid, nCols);
    } else if (op === ${OP_SPLITS}) {
      findSplits(chunks, A.tasks, ctrl[${N_TASKS}], A.stats, A.results2, offsets, nBins, cutPtrs, cutValues, minValues, A.features, b, e, A.params);
    } else if (op === ${OP_RESET}) {
      const set = A.sets[0];
      for (let i = b; i < e; i++) set.rows[i] = i;
      const rowBytes = stride * binBytes;
      wasm.copy(set.work.byteOffset + b * rowBytes, bins.byteOffset + b * rowBytes, (e - b) * rowBytes);
    } else if (op === ${OP_COUNT}) {
      if (wasm) countRightWasm(wasm.count, S.work, binBytes, A.tables[1], A.parts, b, e, A.rights);
      else countRight(S.work, stride, A.tables[1], A.parts, b, e, A.rights);
    } else if (op === ${OP_SCATTER}) {
      const idsOnly = ctrl[${ARG0}];
      if (wasm) scatterRowsWasm(idsOnly === 1 ? wasm.scatterIds : wasm.scatter, S.work, binBytes, S.ghWords, S.rows, D.words, D.ghWords, D.rows, A.tables[1], A.parts, b, e);
      else scatterRows(S.work, stride, S.words, words, S.ghWords, S.rows, D.words, D.ghWords, D.rows, A.tables[1], A.parts, b, e, idsOnly);
    } else if (op === ${OP_GRADIENTS}) {
      if (wasm && ctrl[${ARG0}] === 0) {
        const weighted = A.weight.length > 0;
        wasm.grad(A.margin.byteOffset, A.label.byteOffset, weighted ? A.weight.byteOffset : A.label.byteOffset, A.gh.byteOffset, A.tabs.byteOffset, b, e, weighted ? 1 : 0, A.params[4]);
      } else gradientKernel(ctrl[${ARG0}], A.margin, A.label, A.weight, A.params[4], A.gh, b, e, expTab, pow2);
    } else if (op === ${OP_SOFTMAX}) {
      if (tmp.length < ctrl[${ARG1}]) tmp = new Float64Array(ctrl[${ARG1}]);
      softmaxKernel(A.margin, A.label, A.weight, ctrl[${ARG1}], A.grad, b, e, expTab, pow2, tmp);
    } else if (op === ${OP_LEAVES}) {
      addLeavesKernel(A.leafRanges, A.leafValues, b, e, S.rows, A.margin, ctrl[${ARG1}], ctrl[${ARG2}]);
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

/** 32-bit words per row of the bin codes. */
function wordsPerRow(data: BinnedMatrix): number {
  return data.stride / (data.bins instanceof Uint16Array ? 2 : 4);
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
  private rights: Int32Array;
  /** The current position set. */
  private cur: 0 | 1 = 0;
  private leafRanges: Int32Array;
  private leafValues: Float64Array;
  private readonly ctrl: Int32Array;
  private readonly kernelFull: HistKernel;
  private readonly kernelLow: HistKernel;
  private readonly wasm: WasmHist | null;
  private softmaxTmp = new Float64Array(16);
  private gen = 0;
  private closed = false;

  private constructor(
    private readonly data: BinnedMatrix,
    private readonly worker: Worker,
    private readonly port: MessagePort,
    ctrl: Int32Array,
    wasm: WasmHist | null,
  ) {
    this.ctrl = ctrl;
    this.wasm = wasm;
    this.kernelFull = compileHistKernel(histKernelSource(data.offsets, data.stride, 0, data.cols));
    this.kernelLow = compileHistKernel(histKernelSource(data.offsets, data.stride, 0, data.cols >> 1));
    const { pool, sets, tables, tabs } = kernelBuffers(data, true, (chunk) => this.port.postMessage({ chunk }));
    this.arrays = {
      gh: sets[0].gh,
      sets,
      tables,
      tabs,
      stats: sharedF64(3 * 64),
      results: sharedF64(RESULT_STRIDE * 64),
      // [lambda, alpha, max_delta_step, min_child_weight, scale_pos_weight]
      params: sharedF64(5),
      features: sharedI32(Math.max(1, data.cols)),
      leftCounts: sharedI32(64),
      margin: new Float32Array(allocate(0, 4, true)),
      label: new Float32Array(allocate(0, 4, true)),
      weight: new Float32Array(0),
      grad: new Float32Array(0),
    };
    this.results2 = sharedF64(RESULT_STRIDE * 64);
    this.tasks = sharedI32(4 * 64);
    this.parts = sharedI32(SCATTER_STRIDE * 128);
    this.rights = sharedI32(128);
    this.leafRanges = sharedI32(2 * 64);
    this.leafValues = sharedF64(64);
    this.pool = pool;
    this.publish();
  }

  static async create(data: BinnedMatrix): Promise<ThreadedBackend> {
    const ctrl = new Int32Array(new SharedArrayBuffer(16 * 4));
    const { port1, port2 } = new MessageChannel();
    const cuts = data.cuts;
    const wasm = wasmHistOf(data);
    const workerData = {
      histModule: wasm?.module,
      memory: data.arena?.memory,
      ctrl,
      port: port2,
      // The matrix's codes, for the worker's half of each tree's copy (wasm: in the shared arena).
      bins: wasm ? data.bins : null,
      stride: data.stride,
      words: wordsPerRow(data),
      binBytes: data.bins instanceof Uint16Array ? 2 : 1,
      nCols: data.cols,
      mid: data.cols >> 1,
      fullKernel: histKernelSource(data.offsets, data.stride, 0, data.cols),
      highKernel: histKernelSource(data.offsets, data.stride, data.cols >> 1, data.cols),
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
    return new ThreadedBackend(data, worker, port1, ctrl, wasm);
  }

  /** Sends the current array set to the worker (it reads it before its next task). */
  private publish(): void {
    this.gen++;
    const a = this.arrays;
    this.port.postMessage({
      gen: this.gen,
      arrays: {
        gh: a.gh,
        sets: a.sets,
        tables: a.tables,
        tabs: a.tabs,
        rights: this.rights,
        stats: a.stats,
        results2: this.results2,
        params: a.params,
        features: a.features,
        tasks: this.tasks,
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
    let spins = 0;
    for (;;) {
      const done = Atomics.load(c, DONE);
      if (done === seq) break;
      if (++spins < SPIN) continue;
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

  private copyTasks(tasks: Int32Array, nTasks: number, stride: number): void {
    if (this.tasks.length < stride * nTasks) {
      this.tasks = sharedI32(stride * Math.max(nTasks, this.tasks.length / 2));
      this.publish();
    }
    this.tasks.set(tasks.subarray(0, stride * nTasks));
  }

  /**
   * Several nodes: split the nodes between the threads by rows (each thread builds whole histograms; at
   * deep levels every thread pays for every row it reads, so splitting features would not halve the time).
   * One node or very unequal ones: split the features.
   */
  /** Halves of the positions on each thread (with wasm, whose memory both threads share). */
  resetRows(): void {
    const n = this.data.rows;
    this.cur = 0;
    if (!this.wasm || n < MIN_SHARED_ROWS) {
      resetRows(this.data, this.wasm, this.arrays);
      return;
    }
    const mid = n >> 1;
    const seq = this.start(OP_RESET, 0, mid, n);
    resetRows(this.data, this.wasm, this.arrays, 0, mid);
    this.finish(seq);
  }

  build(tasks: Int32Array, nTasks: number): void {
    const F = this.data.cols;
    let total = 0;
    let largest = 0;
    for (let t = 0; t < nTasks; t++) {
      const rows = tasks[BUILD_STRIDE * t + 3]! - tasks[BUILD_STRIDE * t + 2]!;
      total += rows;
      if (rows > largest) largest = rows;
    }
    if (total < MIN_SHARED_ROWS || (F < 2 && nTasks < 2)) {
      this.buildHere(tasks, 0, nTasks, 0);
      return;
    }
    this.copyTasks(tasks, nTasks, BUILD_STRIDE);
    this.ctrl[PARITY] = this.cur;
    if (nTasks >= 2 && largest <= 0.6 * total) {
      // The first `split` tasks here, the rest on the worker: the split point closest to half the rows.
      let split = 1;
      let best = Infinity;
      for (let k = 1, acc = 0; k < nTasks; k++) {
        acc += tasks[BUILD_STRIDE * (k - 1) + 3]! - tasks[BUILD_STRIDE * (k - 1) + 2]!;
        const worse = Math.max(acc, total - acc);
        if (worse < best) {
          best = worse;
          split = k;
        }
      }
      this.ctrl[MODE] = 0;
      const seq = this.start(OP_BUILD, nTasks, split, nTasks);
      this.buildHere(this.tasks, 0, split, 0);
      this.finish(seq);
      return;
    }
    this.ctrl[MODE] = 1;
    const seq = this.start(OP_BUILD, nTasks, 0, nTasks);
    this.buildHere(this.tasks, 0, nTasks, 1);
    this.finish(seq);
  }

  /** Tasks [tBegin, tEnd) on this thread: all features (`part` 0) or the lower half (1). */
  private buildHere(tasks: Int32Array, tBegin: number, tEnd: number, part: 0 | 1): void {
    const d = this.data;
    const set = this.arrays.sets[this.cur];
    const fEnd = part === 0 ? d.cols : d.cols >> 1;
    if (this.wasm) {
      buildHistogramsWasm(this.wasm.kernels[part]!, set.work.byteOffset, set.gh.byteOffset, this.pool.chunks, tasks, tBegin, tEnd, d.offsets, 0, fEnd);
      return;
    }
    buildHistograms(part === 0 ? this.kernelFull : this.kernelLow, set.work, set.gh, this.pool.chunks, tasks, tBegin, tEnd, d.offsets, 0, fEnd);
  }

  findSplits(tasks: Int32Array, nTasks: number, nFeatures: number): void {
    const d = this.data;
    const a = this.arrays;
    const c = d.cuts;
    if (nFeatures < 2) {
      findSplits(this.pool.chunks, tasks, nTasks, a.stats, a.results, d.offsets, d.nBins, c.ptrs, c.values, c.minValues, a.features, 0, nFeatures, a.params);
      return;
    }
    this.copyTasks(tasks, nTasks, 4);
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

  /**
   * Few rows: here. Else every node is cut in two halves, one per thread: both threads count their
   * halves' right rows, then scatter them to their places (L1 L2 R1 R2), so the shares are equal and
   * nothing is merged after.
   */
  partition(tasks: Int32Array, nTasks: number, idsOnly = false): void {
    const a = this.arrays;
    const src = a.sets[this.cur];
    const dst = a.sets[1 - this.cur]!;
    let total = 0;
    for (let t = 0; t < nTasks; t++) total += tasks[t * PARTITION_STRIDE + 1]! - tasks[t * PARTITION_STRIDE]!;
    const halves = total >= MIN_SHARED_ROWS;
    const pieces = halves ? 2 * nTasks : nTasks;
    if (this.parts.length < SCATTER_STRIDE * pieces || this.rights.length < pieces) {
      this.parts = sharedI32(SCATTER_STRIDE * 2 * pieces);
      this.rights = sharedI32(2 * pieces);
      this.publish();
    }
    scatterTasks(tasks, nTasks, halves, this.parts);
    if (!halves) {
      countHere(this.data, this.wasm, src, a.tables[0], this.parts, 0, nTasks, this.rights);
      placeScatter(this.parts, nTasks, false, this.rights, a.leftCounts);
      scatterHere(this.data, this.wasm, src, dst, a.tables[0], this.parts, 0, nTasks, idsOnly);
    } else {
      this.ctrl[PARITY] = this.cur;
      let seq = this.start(OP_COUNT, pieces, nTasks, pieces);
      countHere(this.data, this.wasm, src, a.tables[0], this.parts, 0, nTasks, this.rights);
      this.finish(seq);
      placeScatter(this.parts, nTasks, true, this.rights, a.leftCounts);
      this.ctrl[ARG0] = idsOnly ? 1 : 0;
      seq = this.start(OP_SCATTER, pieces, nTasks, pieces);
      scatterHere(this.data, this.wasm, src, dst, a.tables[0], this.parts, 0, nTasks, idsOnly);
      this.finish(seq);
    }
    carryOver(this.data.rows, src, dst, tasks, nTasks);
    this.cur = this.cur === 0 ? 1 : 0;
  }

  setup(label: Float32Array, weight: Float32Array | undefined, K: number, base: number): void {
    Object.assign(this.arrays, setupArrays(this.data, true, label, weight, K, base));
    this.publish();
  }

  gradients(kind: number, scalePos: number): void {
    const a = this.arrays;
    const n = this.data.rows;
    if (n < MIN_SHARED_ROWS) {
      gradientsHere(this.wasm, a, kind, scalePos, 0, n);
      return;
    }
    a.params[4] = scalePos;
    this.ctrl[ARG0] = kind;
    const mid = n >> 1;
    const seq = this.start(OP_GRADIENTS, 0, mid, n);
    gradientsHere(this.wasm, a, kind, scalePos, 0, mid);
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
      addLeavesKernel(ranges, values, 0, count, a.sets[this.cur].rows, a.margin, K, k);
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
    this.ctrl[PARITY] = this.cur;
    const seq = this.start(OP_LEAVES, count, split, count);
    addLeavesKernel(this.leafRanges, this.leafValues, 0, split, a.sets[this.cur].rows, a.margin, K, k);
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
