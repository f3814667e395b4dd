/**
 * @module explain/tree-game-kernel
 * The margins of one coalition's records (x on S, b off S) for a tree ensemble; see tree-game.ts for the
 * method. Self-contained (no imports, helpers or closures outside its body): worker threads run its source.
 */

export interface GameTree {
  left: Int32Array;
  right: Int32Array;
  splitIndex: Int32Array;
  splitCondition: Float32Array;
  defaultLeft: Uint8Array;
}

type Tree = GameTree;

/** Margins (float32 values), (row u, baseline row b, group g) at (u * uB + b) * groups + g. */
export function coalitionMargins(
  trees: GameTree[],
  treeInfo: Int32Array,
  inner: Int32Array[],
  groups: number,
  base: number,
  data: { cols: number; values: Float64Array },
  baseline: { cols: number; values: Float64Array },
  inS: Uint8Array,
  uniqueRows: number[],
  uniqueBase: number[],
): Float64Array {
  /** Past this many inner nodes on one side of a tree, direction patterns are keyed through a Map. */
  const DIRECT_BITS = 16;
  const uX = uniqueRows.length;
  const uB = uniqueBase.length;
  // Trees that only see the row's side (or only the baseline's, or neither) add to a per-row (per
  // baseline row, constant) term; only trees that see both need a per-record lookup. Those are grouped
  // by how they partition the rows (or the baseline rows, whichever gives fewer groups: trees splitting
  // alike partition alike), and each group keeps one summed table, so a record costs one addition per group.
  const perRow = new Float64Array(uX * groups);
  const perBase = new Float64Array(uB * groups);
  const constant = new Float64Array(groups).fill(base);
  interface Mixed { g: number; alpha: Int32Array; nA: number; beta: Int32Array; nB: number; table: Float32Array }
  const mixed: Mixed[] = [];
  const alpha = new Int32Array(uX);
  const beta = new Int32Array(uB);
  const repX: number[] = [];
  const repB: number[] = [];
  for (let ti = 0; ti < trees.length; ti++) {
    const t = trees[ti]!;
    const g = treeInfo[ti] ?? 0;
    const nodes = inner[ti]!;
    classify(t, nodes, inS, uniqueRows, data.values, data.cols, 1, alpha, repX);
    classify(t, nodes, inS, uniqueBase, baseline.values, baseline.cols, 0, beta, repB);
    const nA = repX.length;
    const nB = repB.length;
    const table = new Float32Array(nA * nB);
    for (let a = 0; a < nA; a++) {
      const xo = repX[a]! * data.cols;
      for (let b = 0; b < nB; b++) {
        const bo = repB[b]! * baseline.cols;
        let n = 0;
        while (t.left[n] !== -1) {
          const d = inS[t.splitIndex[n]!] === 1 ? right(t, n, data.values, xo) : right(t, n, baseline.values, bo);
          n = d === 1 ? t.right[n]! : t.left[n]!;
        }
        table[a * nB + b] = t.splitCondition[n]!;
      }
    }
    if (nA === 1 && nB === 1) constant[g] = constant[g]! + table[0]!;
    else if (nA === 1) for (let b = 0; b < uB; b++) perBase[b * groups + g] = perBase[b * groups + g]! + table[beta[b]!]!;
    else if (nB === 1) for (let u = 0; u < uX; u++) perRow[u * groups + g] = perRow[u * groups + g]! + table[alpha[u]!]!;
    else mixed.push({ g, alpha: Int32Array.from(alpha), nA, beta: Int32Array.from(beta), nB, table });
  }
  const byRows = groupBy(mixed, (m) => m.alpha, (m) => m.nA);
  const byBase = groupBy(mixed, (m) => m.beta, (m) => m.nB);
  const margins = new Float64Array(uX * uB * groups);
  if (byRows.length <= byBase.length) {
    // Per row-partition group: a table of (row class) x (baseline row), summed over its trees.
    const sums = byRows.map((grp) => {
      const first = grp[0]!;
      const tmp = new Float64Array(first.nA * uB);
      for (const m of grp) {
        for (let a = 0; a < m.nA; a++) {
          const to = a * m.nB;
          const o = a * uB;
          for (let b = 0; b < uB; b++) tmp[o + b] = tmp[o + b]! + m.table[to + m.beta[b]!]!;
        }
      }
      return { g: first.g, ids: first.alpha, tmp };
    });
    const row = new Float64Array(uB);
    for (let u = 0; u < uX; u++) {
      for (let g = 0; g < groups; g++) {
        const c = constant[g]! + perRow[u * groups + g]!;
        for (let b = 0; b < uB; b++) row[b] = c + perBase[b * groups + g]!;
        for (const sum of sums) {
          if (sum.g !== g) continue;
          const src = sum.tmp;
          const o = sum.ids[u]! * uB;
          for (let b = 0; b < uB; b++) row[b] = row[b]! + src[o + b]!;
        }
        const mo = u * uB * groups + g;
        for (let b = 0; b < uB; b++) margins[mo + b * groups] = Math.fround(row[b]!);
      }
    }
  } else {
    // Per baseline-partition group: a table of (baseline class) x (row), summed over its trees.
    const sums = byBase.map((grp) => {
      const first = grp[0]!;
      const tmp = new Float64Array(first.nB * uX);
      for (const m of grp) {
        for (let bc = 0; bc < m.nB; bc++) {
          const o = bc * uX;
          for (let u = 0; u < uX; u++) tmp[o + u] = tmp[o + u]! + m.table[m.alpha[u]! * m.nB + bc]!;
        }
      }
      return { g: first.g, ids: first.beta, tmp };
    });
    const col = new Float64Array(uX);
    for (let b = 0; b < uB; b++) {
      for (let g = 0; g < groups; g++) {
        const c = constant[g]! + perBase[b * groups + g]!;
        for (let u = 0; u < uX; u++) col[u] = c + perRow[u * groups + g]!;
        for (const sum of sums) {
          if (sum.g !== g) continue;
          const src = sum.tmp;
          const o = sum.ids[b]! * uX;
          for (let u = 0; u < uX; u++) col[u] = col[u]! + src[o + u]!;
        }
        for (let u = 0; u < uX; u++) margins[(u * uB + b) * groups + g] = Math.fround(col[u]!);
      }
    }
  }
  return margins;


  /** Groups trees (of one output group each) whose class ids over one side are identical. */
  function groupBy<T extends { g: number }>(items: T[], ids: (m: T) => Int32Array, classes: (m: T) => number): T[][] {
    const byHash = new Map<number, T[][]>();
    const out: T[][] = [];
    for (const m of items) {
      const v = ids(m);
      let h = 0x811c9dc5 ^ m.g;
      for (let i = 0; i < v.length; i++) h = Math.imul(h ^ v[i]!, 0x01000193);
      const candidates = byHash.get(h) ?? [];
      let group = candidates.find((grp) => grp[0]!.g === m.g && classes(grp[0]!) === classes(m) && sameIds(ids(grp[0]!), v));
      if (!group) {
        group = [];
        candidates.push(group);
        byHash.set(h, candidates);
        out.push(group);
      }
      group.push(m);
    }
    return out;
  }

  function sameIds(a: Int32Array, b: Int32Array): boolean {
    if (a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
    return true;
  }

  /** 1 when the row at offset o goes right at node n (float32 comparison, missing to the default child). */
  function right(t: Tree, n: number, values: Float64Array, o: number): number {
    const v = Math.fround(values[o + t.splitIndex[n]!]!);
    if (v !== v) return t.defaultLeft[n] === 1 ? 0 : 1;
    return v < t.splitCondition[n]! ? 0 : 1;
  }

  /** Classes of rows by their directions at the tree's inner nodes whose feature is on `side` (1 = in S). */
  function classify(t: Tree, nodes: Int32Array, inS: Uint8Array, rows: number[], values: Float64Array, cols: number, side: number, ids: Int32Array, reps: number[]): void {
    reps.length = 0;
    let bits = 0;
    for (let k = 0; k < nodes.length; k++) if (inS[t.splitIndex[nodes[k]!]!] === side) bits++;
    if (bits === 0) {
      ids.fill(0);
      if (rows.length > 0) reps.push(rows[0]!);
      return;
    }
    const direct = bits <= DIRECT_BITS ? new Int32Array(1 << bits).fill(-1) : undefined;
    const map = direct ? undefined : new Map<string, number>();
    for (let r = 0; r < rows.length; r++) {
      const o = rows[r]! * cols;
      let key = 0;
      let text = '';
      let bit = 0;
      for (let k = 0; k < nodes.length; k++) {
        const n = nodes[k]!;
        if (inS[t.splitIndex[n]!] !== side) continue;
        const d = right(t, n, values, o);
        if (direct) key |= d << bit;
        else text += d;
        bit++;
      }
      let id = direct ? direct[key]! : (map!.get(text) ?? -1);
      if (id === -1) {
        id = reps.length;
        reps.push(rows[r]!);
        if (direct) direct[key] = id;
        else map!.set(text, id);
      }
      ids[r] = id;
    }
  }
}
