/**
 * @module explain/tree-game
 * Kernel SHAP's model calls for a tree ensemble, without walking every synthetic record through every
 * tree. For a coalition S, a record (x on S, b off S) reaches in tree t the leaf fixed by x's directions at
 * the nodes that split on S and b's directions at the others. So per tree, rows are grouped by their
 * S-side directions (α), baseline rows by their other-side directions (β), and a small table gives the
 * leaf value of each (α, β); trees that only split on one side's features add a per-row or
 * per-baseline-row term, and trees that partition the rows (or the baseline rows) alike share one summed
 * table, so a record's margin costs one addition per distinct partition rather than a walk per tree. Margins are summed in
 * float64 (XGBoost sums in float32: scores differ from the predictor's by float32 rounding, ~1e-7) and
 * rounded to float32 before XGBoost's transform (checked in tree-game.test.ts).
 *
 * Each row's directions at every inner node are computed once (direction masks), so classing the rows for a
 * coalition is a mask and a table lookup; summed tables over the same features are merged while their joint
 * classes stay few. With many coalitions, worker threads (started when the evaluator is built, so they load
 * while the caller scores the data) take one coalition at a time.
 */
import { baseMarginF32, transformMargins, type FeatureMatrix, type TreeEnsemble } from '../models/index.js';
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import type { CoalitionEvaluator } from './kernel-shap.js';
import { coalitionMargins, directionMasks, type GameTree } from './tree-game-kernel.js';
import { marginGroupCount } from './tree-shap.js';

export interface TreeGameOptions {
  /** Worker threads for several coalitions at once; default min(2, cores). 1 computes on the calling thread. */
  threads?: number;
  /** Below this many record x tree lookups in a batch the calling thread does the work; default 2^24. */
  minWork?: number;
}

export function treeCoalitionEvaluator(model: TreeEnsemble, data: FeatureMatrix, baseline: FeatureMatrix, options: TreeGameOptions = {}): CoalitionEvaluator {
  const groups = marginGroupCount(model);
  const base = baseMarginF32(model);
  const trees: GameTree[] = model.trees.map((t) => ({ left: t.left, right: t.right, splitIndex: t.splitIndex, splitCondition: t.splitCondition, defaultLeft: t.defaultLeft }));
  const inner = model.trees.map((t) => {
    const nodes: number[] = [];
    for (let n = 0; n < t.left.length; n++) if (t.left[n] !== -1) nodes.push(n);
    return Int32Array.from(nodes);
  });
  const threads = Math.max(1, Math.floor(options.threads ?? Math.min(2, availableParallelism())));
  const minWork = options.minWork ?? 1 << 24;
  // Each row's directions at every inner node, once: a coalition then classifies rows with a mask and a lookup.
  const d = { cols: data.cols, values: data.values, masks: directionMasks(trees, inner, data.values, data.cols) };
  const b = { cols: baseline.cols, values: baseline.values, masks: directionMasks(trees, inner, baseline.values, baseline.cols) };
  const workerData = { trees, treeInfo: model.treeInfo, inner, groups, base, data: d, baseline: b };
  // When one coalition of all rows is already a large job, the workers start now, while the caller scores the
  // data and the baseline and builds the coalitions, rather than when the coalitions come.
  let pool: Pool | undefined = threads > 1 && data.rows * baseline.rows * model.trees.length >= minWork ? new Pool(threads, workerData) : undefined;
  const transform = (m: Float64Array, records: number) => transformMargins(model, m, records);
  return {
    async scores(inS, uniqueRows, uniqueBase) {
      const margins = coalitionMargins(trees, model.treeInfo, inner, groups, base, d, b, inS, uniqueRows, uniqueBase);
      return transform(margins, uniqueRows.length * uniqueBase.length);
    },
    async scoresMany(tasks) {
      const work = tasks.reduce((s, t) => s + t.uniqueRows.length * t.uniqueBase.length, 0) * model.trees.length;
      if (threads === 1 || tasks.length < 2 || work < minWork) {
        pool?.close();
        pool = undefined;
        return tasks.map((t) => transform(coalitionMargins(trees, model.treeInfo, inner, groups, base, d, b, t.inS, t.uniqueRows, t.uniqueBase), t.uniqueRows.length * t.uniqueBase.length));
      }
      const p = pool ?? new Pool(threads, workerData);
      pool = undefined;
      try {
        return await p.run(tasks, transform);
      } finally {
        p.close();
      }
    },
  };
}

// esbuild-based runners (tsx, vitest) wrap inner functions in __name(...) to keep their names.
const WORKER_SOURCE = `
const { parentPort, workerData: w } = require('node:worker_threads');
const __name = (fn) => fn;
const coalitionMargins = ${coalitionMargins.toString()};
parentPort.on('message', (t) => {
  const m = coalitionMargins(w.trees, w.treeInfo, w.inner, w.groups, w.base, w.data, w.baseline, t.inS, t.uniqueRows, t.uniqueBase);
  parentPort.postMessage({ id: t.id, m }, [m.buffer]);
});
`;

/** Unused workers are stopped after this long (an evaluator built but never asked for many coalitions). */
const IDLE_MS = 60_000;

type Task = { inS: Uint8Array; uniqueRows: number[]; uniqueBase: number[] };

/**
 * Worker threads holding the model and the data, handed one coalition at a time (largest first, the next
 * to whichever finishes): the scores of a coalition are transformed on the calling thread as it arrives.
 * Workers are unreferenced while idle, so they never keep the process alive.
 */
class Pool {
  private readonly workers: Worker[];
  private readonly timer: ReturnType<typeof setTimeout>;
  private closed = false;
  private exited = false;

  constructor(threads: number, workerData: Record<string, unknown>) {
    this.workers = Array.from({ length: threads }, () => {
      const w = new Worker(WORKER_SOURCE, { eval: true, workerData });
      w.unref();
      // Errors are reported by run(); an idle worker's error only ends it.
      w.on('error', () => undefined);
      w.once('exit', () => (this.exited = true));
      return w;
    });
    this.timer = setTimeout(() => this.close(), IDLE_MS);
    this.timer.unref();
  }

  run(tasks: Task[], transform: (m: Float64Array, records: number) => Float64Array): Promise<Float64Array[]> {
    const order = tasks.map((t, i) => ({ i, w: t.uniqueRows.length * t.uniqueBase.length })).sort((x, y) => y.w - x.w).map((o) => o.i);
    const results = new Array<Float64Array>(tasks.length);
    return new Promise((resolve, reject) => {
      if (this.closed || this.exited) return reject(new Error('Kernel SHAP worker pool is no longer running'));
      let next = 0;
      let done = 0;
      let failed = false;
      const fail = (e: Error) => {
        if (failed) return;
        failed = true;
        this.close();
        reject(e);
      };
      const send = (w: Worker) => {
        if (next >= order.length) return;
        const id = order[next++]!;
        const t = tasks[id]!;
        w.postMessage({ id, inS: t.inS, uniqueRows: t.uniqueRows, uniqueBase: t.uniqueBase });
      };
      for (const w of this.workers) {
        w.ref();
        w.on('message', (msg: { id: number; m: Float64Array }) => {
          if (failed) return;
          const t = tasks[msg.id]!;
          results[msg.id] = transform(msg.m, t.uniqueRows.length * t.uniqueBase.length);
          done++;
          if (done === tasks.length) resolve(results);
          else send(w);
        });
        w.once('error', fail);
        w.once('exit', (code) => {
          if (done < tasks.length) fail(new Error(`Kernel SHAP worker exited with code ${code} before finishing`));
        });
        send(w);
      }
    });
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    clearTimeout(this.timer);
    for (const w of this.workers) {
      w.removeAllListeners('message');
      w.removeAllListeners('exit');
      void w.terminate();
    }
  }
}
