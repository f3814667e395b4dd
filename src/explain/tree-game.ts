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
 */
import type { FeatureMatrix, TreeEnsemble } from '../models/index.js';
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { baseMarginF32, transformMargins } from '../models/gbt/predict/index.js';
import type { CoalitionEvaluator } from './kernel-shap.js';
import { coalitionMargins, type GameTree } from './tree-game-kernel.js';
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
  const d = { cols: data.cols, values: data.values };
  const b = { cols: baseline.cols, values: baseline.values };
  return {
    async scores(inS, uniqueRows, uniqueBase) {
      const margins = coalitionMargins(trees, model.treeInfo, inner, groups, base, d, b, inS, uniqueRows, uniqueBase);
      return transformMargins(model, margins, uniqueRows.length * uniqueBase.length);
    },
    async scoresMany(tasks) {
      const work = tasks.reduce((s, t) => s + t.uniqueRows.length * t.uniqueBase.length, 0) * model.trees.length;
      let margins: Float64Array[];
      if (threads === 1 || tasks.length < 2 || work < (options.minWork ?? 1 << 24)) {
        margins = tasks.map((t) => coalitionMargins(trees, model.treeInfo, inner, groups, base, d, b, t.inS, t.uniqueRows, t.uniqueBase));
      } else {
        // Split the coalitions into `threads` shares of about equal work.
        const shares: number[][] = Array.from({ length: threads }, () => []);
        const load = new Float64Array(threads);
        const order = tasks.map((t, i) => ({ i, w: t.uniqueRows.length * t.uniqueBase.length })).sort((x, y) => y.w - x.w);
        for (const { i, w } of order) {
          let k = 0;
          for (let j = 1; j < threads; j++) if (load[j]! < load[k]!) k = j;
          shares[k]!.push(i);
          load[k] = load[k]! + w;
        }
        margins = new Array<Float64Array>(tasks.length);
        await Promise.all(
          shares.filter((sh) => sh.length > 0).map(async (sh) => {
            const out = await runWorker({ trees, treeInfo: model.treeInfo, inner, groups, base, data: d, baseline: b, tasks: sh.map((i) => tasks[i]!) });
            sh.forEach((i, k) => (margins[i] = out[k]!));
          }),
        );
      }
      return margins.map((m, i) => transformMargins(model, m, tasks[i]!.uniqueRows.length * tasks[i]!.uniqueBase.length));
    },
  };
}

// esbuild-based runners (tsx, vitest) wrap inner functions in __name(...) to keep their names.
const WORKER_SOURCE = `
const { parentPort, workerData: w } = require('node:worker_threads');
const __name = (fn) => fn;
const coalitionMargins = ${coalitionMargins.toString()};
const out = w.tasks.map((t) => coalitionMargins(w.trees, w.treeInfo, w.inner, w.groups, w.base, w.data, w.baseline, t.inS, t.uniqueRows, t.uniqueBase));
parentPort.postMessage(out, out.map((m) => m.buffer));
`;

function runWorker(workerData: Record<string, unknown>): Promise<Float64Array[]> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(WORKER_SOURCE, { eval: true, workerData });
    let done = false;
    worker.once('message', (m: Float64Array[]) => {
      done = true;
      resolve(m);
    });
    worker.once('error', reject);
    worker.once('exit', (code) => {
      if (!done) reject(new Error(`Kernel SHAP worker exited with code ${code} before finishing`));
    });
  });
}
