/**
 * @module models/gbt/train/backend
 * Where the kernels run. `LocalBackend` runs them on the calling thread; `threads.ts` provides one that
 * splits the features with a worker. Both share the arrays below (plain or shared memory) and a pool of
 * node histograms in fixed-size chunks, so a histogram slot is addressed by (chunk, base).
 */
import { buildHistograms, compileHistKernel, findSplits, histKernelSource, partitionRows, RESULT_STRIDE, type HistKernel } from './kernels.js';
import type { Cuts } from './quantile.js';

/** The binned training matrix and its histogram layout. */
export interface BinnedMatrix {
  rows: number;
  cols: number;
  /**
   * Row-major bin codes (row r's features at `r * cols`) for the histograms; code `nBins[f]` marks a
   * missing value. Row-major because histograms of deep nodes read scattered rows: one cache line per row
   * instead of one per (row, feature), measured 1.7x faster than column-major at depth 7 of the benchmark.
   */
  bins: Uint8Array | Uint16Array;
  /** The same codes column-major (feature f at `f * rows`), for partitioning rows by one feature. */
  columnBins: Uint8Array | Uint16Array;
  nBins: Int32Array;
  /** Start (in doubles) of feature f in a node histogram; `offsets[cols]` = doubles per histogram. */
  offsets: Int32Array;
  cuts: Cuts;
  /** Features with at least one missing value. */
  hasMissing: Uint8Array;
  /** No missing value anywhere (XGBoost's `IsDense`, which changes how the root sums are taken). */
  dense: boolean;
}

/** Arrays the kernels read and write, allocated by the backend (shared memory when threaded). */
export interface KernelArrays {
  /** Gradient pairs of the tree being grown (g at 2r, h at 2r+1). */
  gh: Float64Array;
  /** Row indices, partitioned in place into node ranges. */
  rows: Uint32Array;
  /** [G, H, root gain] per node of the batch being evaluated. */
  stats: Float64Array;
  /** RESULT_STRIDE doubles per node of the batch. */
  results: Float64Array;
  /** [lambda, alpha, max_delta_step, min_child_weight]. */
  params: Float64Array;
  /** Feature subset for the batch (ascending). */
  features: Int32Array;
  /** Scratch for partitions (one slot per row). */
  scratch: Uint32Array;
  /** Left row counts of a partition batch. */
  leftCounts: Int32Array;
}

export interface Backend {
  readonly arrays: KernelArrays;
  readonly pool: HistPool;
  /** Make room for `nodes` stats/results entries (may reallocate `arrays.stats` / `arrays.results`). */
  reserveNodes(nodes: number): void;
  /** Build the histograms of `nTasks` tasks (4 ints each, see kernels.ts) over all features. */
  build(tasks: Int32Array, nTasks: number): void;
  /** Best splits of `nTasks` split tasks over `arrays.features[0..nFeatures)`. */
  findSplits(tasks: Int32Array, nTasks: number, nFeatures: number): void;
  /** Partitions `arrays.rows` for `nTasks` partition tasks (PARTITION_STRIDE ints each); left counts into `arrays.leftCounts`. */
  partition(tasks: Int32Array, nTasks: number): void;
  close(): void;
}

/** Node histograms in chunks of equal slots; a slot id maps to (chunk, base). */
export class HistPool {
  readonly chunks: Float64Array[] = [];
  private readonly free: number[] = [];
  private count = 0;
  readonly slotsPerChunk: number;

  constructor(
    readonly histSize: number,
    private readonly shared: boolean,
    private readonly onChunk?: (chunk: Float64Array) => void,
  ) {
    // About 4 MB per chunk.
    this.slotsPerChunk = Math.max(1, Math.floor((4 << 20) / 8 / Math.max(1, histSize)));
  }

  acquire(): number {
    const id = this.free.pop();
    if (id !== undefined) return id;
    if (this.count === this.chunks.length * this.slotsPerChunk) {
      const bytes = this.slotsPerChunk * this.histSize * 8;
      const chunk = new Float64Array(this.shared ? new SharedArrayBuffer(bytes) : new ArrayBuffer(bytes));
      this.chunks.push(chunk);
      this.onChunk?.(chunk);
    }
    return this.count++;
  }

  release(id: number): void {
    this.free.push(id);
  }

  chunkOf(id: number): number {
    return Math.floor(id / this.slotsPerChunk);
  }

  baseOf(id: number): number {
    return (id % this.slotsPerChunk) * this.histSize;
  }
}

export function allocate(length: number, bytes: number, shared: boolean): ArrayBuffer | SharedArrayBuffer {
  const size = Math.max(1, length) * bytes;
  return shared ? new SharedArrayBuffer(size) : new ArrayBuffer(size);
}

/** Runs the kernels on this thread. */
export class LocalBackend implements Backend {
  readonly arrays: KernelArrays;
  readonly pool: HistPool;
  private readonly sink = new Float64Array(1);
  private readonly kernel: HistKernel;

  constructor(private readonly data: BinnedMatrix) {
    this.kernel = compileHistKernel(histKernelSource(data.offsets, data.cols, 0, data.cols));
    const n = data.rows;
    this.arrays = {
      gh: new Float64Array(2 * n),
      rows: new Uint32Array(n),
      stats: new Float64Array(3 * 64),
      results: new Float64Array(RESULT_STRIDE * 64),
      params: new Float64Array(4),
      features: new Int32Array(Math.max(1, data.cols)),
      scratch: new Uint32Array(n),
      leftCounts: new Int32Array(64),
    };
    this.pool = new HistPool(data.offsets[data.cols]!, false);
  }

  reserveNodes(nodes: number): void {
    if (this.arrays.stats.length >= 3 * nodes) return;
    const cap = Math.max(nodes, (this.arrays.stats.length / 3) * 2);
    this.arrays.stats = new Float64Array(3 * cap);
    this.arrays.results = new Float64Array(RESULT_STRIDE * cap);
    this.arrays.leftCounts = new Int32Array(cap);
  }

  partition(tasks: Int32Array, nTasks: number): void {
    const a = this.arrays;
    partitionRows(this.data.columnBins, this.data.rows, a.rows, a.scratch, tasks, 0, nTasks, a.leftCounts);
  }

  build(tasks: Int32Array, nTasks: number): void {
    const d = this.data;
    buildHistograms(this.kernel, d.bins, this.arrays.gh, this.arrays.rows, this.pool.chunks, tasks, 0, nTasks, d.offsets, 0, d.cols, this.sink);
  }

  findSplits(tasks: Int32Array, nTasks: number, nFeatures: number): void {
    const d = this.data;
    const a = this.arrays;
    findSplits(this.pool.chunks, tasks, nTasks, a.stats, a.results, d.offsets, d.nBins, d.cuts.ptrs, d.cuts.values, d.cuts.minValues, a.features, 0, nFeatures, a.params);
  }

  close(): void {}
}
