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
  data: { cols: number; values: Float64Array; masks?: Int32Array },
  baseline: { cols: number; values: Float64Array; masks?: Int32Array },
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
  interface Mixed { g: number; alpha: Int32Array; nA: number; beta: Int32Array; nB: number; table: Float32Array; featA: number; featB: number }
  const mixed: Mixed[] = [];
  const alpha = new Int32Array(uX);
  const beta = new Int32Array(uB);
  const repX: number[] = [];
  const repB: number[] = [];
  // Open-addressing table (keys stamped per use) for classifying rows by their direction masks.
  let hashBits = 4;
  while (1 << hashBits < 2 * Math.max(uX, uB)) hashBits++;
  const hashMask = (1 << hashBits) - 1;
  const hashKey = new Int32Array(1 << hashBits);
  const hashVal = new Int32Array(1 << hashBits);
  const hashStamp = new Int32Array(1 << hashBits);
  let stamp = 0;
  let directStamp: Int32Array | undefined;
  let directVal: Int32Array | undefined;
  const dataRows = data.values.length / data.cols;
  const baseRows = baseline.values.length / baseline.cols;
  for (let ti = 0; ti < trees.length; ti++) {
    const t = trees[ti]!;
    const g = treeInfo[ti] ?? 0;
    const nodes = inner[ti]!;
    if (data.masks && nodes.length <= 31) classifyMasked(t, nodes, inS, uniqueRows, data.masks, ti * dataRows, 1, alpha, repX);
    else classify(t, nodes, inS, uniqueRows, data.values, data.cols, 1, alpha, repX);
    if (baseline.masks && nodes.length <= 31) classifyMasked(t, nodes, inS, uniqueBase, baseline.masks, ti * baseRows, 0, beta, repB);
    else classify(t, nodes, inS, uniqueBase, baseline.values, baseline.cols, 0, beta, repB);
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
    else {
      // The features the tree reads on each side (bit f mod 31), to merge tables over the same features first.
      let featA = 0;
      let featB = 0;
      for (let k = 0; k < nodes.length; k++) {
        const f = t.splitIndex[nodes[k]!]!;
        if (inS[f] === 1) featA |= 1 << f % 31;
        else featB |= 1 << f % 31;
      }
      mixed.push({ g, alpha: Int32Array.from(alpha), nA, beta: Int32Array.from(beta), nB, table, featA, featB });
    }
  }
  const byRows = groupBy(mixed, (m) => m.alpha, (m) => m.nA);
  const byBase = groupBy(mixed, (m) => m.beta, (m) => m.nB);
  const margins = new Float64Array(uX * uB * groups);
  if (byRows.length <= byBase.length) {
    // Per row-partition group: a table of (row class) x (baseline row), summed over its trees.
    const rowSums = byRows.map((grp) => {
      const first = grp[0]!;
      const tmp = new Float64Array(first.nA * uB);
      for (const m of grp) {
        for (let a = 0; a < m.nA; a++) {
          const to = a * m.nB;
          const o = a * uB;
          for (let b = 0; b < uB; b++) tmp[o + b] = tmp[o + b]! + m.table[to + m.beta[b]!]!;
        }
      }
      return { g: first.g, ids: first.alpha, n: first.nA, tmp, feat: first.featA };
    });
    const sums = merge(rowSums, uX, uB);
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
    const baseSums = byBase.map((grp) => {
      const first = grp[0]!;
      const tmp = new Float64Array(first.nB * uX);
      for (const m of grp) {
        for (let bc = 0; bc < m.nB; bc++) {
          const o = bc * uX;
          for (let u = 0; u < uX; u++) tmp[o + u] = tmp[o + u]! + m.table[m.alpha[u]! * m.nB + bc]!;
        }
      }
      return { g: first.g, ids: first.beta, n: first.nB, tmp, feat: first.featB };
    });
    const sums = merge(baseSums, uB, uX);
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


  /**
   * Merges summed tables of one output group whose joint partition of the `len` items stays small: a merged
   * table has one row per joint class (the sum of its parts' rows), so a record then costs one addition
   * for several partitions. Stops merging into a table once its joint classes pass len / 8 (at most 4096): a merge step costs
   * (joint classes) x width additions and saves len x width.
   */
  function merge(parts: { g: number; ids: Int32Array; n: number; tmp: Float64Array; feat: number }[], len: number, width: number): { g: number; ids: Int32Array; n: number; tmp: Float64Array }[] {
    // Tables over the same features come together (their joint classes stay few: at most the distinct values
    // of those features), fewer features first.
    const bitCount = (v: number) => {
      let c = 0;
      for (let x = v; x !== 0; x &= x - 1) c++;
      return c;
    };
    parts = parts.map((p, i) => ({ p, i, c: bitCount(p.feat) })).sort((x, y) => x.c - y.c || x.p.feat - y.p.feat || x.i - y.i).map((o) => o.p);
    const cap = Math.max(1, Math.min(len >> 3, 4096));
    const out: { g: number; ids: Int32Array; n: number; tmp: Float64Array }[] = [];
    const open = new Map<number, { g: number; ids: Int32Array; n: number; tmp: Float64Array }>();
    const scratch = new Int32Array(len);
    const repA: number[] = [];
    const repB: number[] = [];
    for (const s of parts) {
      if (s.n > cap) {
        out.push(s);
        continue;
      }
      const cur = open.get(s.g);
      if (!cur) {
        open.set(s.g, s);
        continue;
      }
      // Joint classes of (cur, s), numbered by first appearance, through the stamped hash table.
      repA.length = 0;
      repB.length = 0;
      let nj = 0;
      stamp++;
      for (let u = 0; u < len && nj <= cap; u++) {
        const a = cur.ids[u]!;
        const b = s.ids[u]!;
        const key = a * s.n + b;
        let h = Math.imul(key, 0x9e3779b1) >>> (32 - hashBits);
        for (;;) {
          if (hashStamp[h] !== stamp) {
            hashStamp[h] = stamp;
            hashKey[h] = key;
            hashVal[h] = nj++;
            repA.push(a);
            repB.push(b);
            break;
          }
          if (hashKey[h] === key) break;
          h = (h + 1) & hashMask;
        }
        scratch[u] = hashVal[h]!;
      }
      if (nj > cap) {
        out.push(cur);
        open.set(s.g, s);
        continue;
      }
      const ids = scratch.slice();
      const tmp = new Float64Array(nj * width);
      for (let j = 0; j < nj; j++) {
        const o = j * width;
        const oa = repA[j]! * width;
        const ob = repB[j]! * width;
        for (let w = 0; w < width; w++) tmp[o + w] = cur.tmp[oa + w]! + s.tmp[ob + w]!;
      }
      open.set(s.g, { g: s.g, ids, n: nj, tmp });
    }
    for (const cur of open.values()) out.push(cur);
    return out;
  }

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

  /**
   * `classify` from precomputed direction masks (bit k: the row goes right at the tree's k-th inner node;
   * row r's mask at masks[mo + r]): the same classes, numbered in the same order of first appearance.
   */
  function classifyMasked(t: Tree, nodes: Int32Array, inS: Uint8Array, rows: number[], masks: Int32Array, mo: number, side: number, ids: Int32Array, reps: number[]): void {
    reps.length = 0;
    let sideMask = 0;
    for (let k = 0; k < nodes.length; k++) if (inS[t.splitIndex[nodes[k]!]!] === side) sideMask |= 1 << k;
    if (sideMask === 0) {
      ids.fill(0);
      if (rows.length > 0) reps.push(rows[0]!);
      return;
    }
    stamp++;
    if (nodes.length <= 16) {
      // Few inner nodes: the masked directions index a table directly.
      if (!directStamp) {
        directStamp = new Int32Array(1 << 16);
        directVal = new Int32Array(1 << 16);
      }
      const ds = directStamp;
      const dv = directVal!;
      for (let r = 0; r < rows.length; r++) {
        const key = masks[mo + rows[r]!]! & sideMask;
        if (ds[key] !== stamp) {
          ds[key] = stamp;
          dv[key] = reps.length;
          reps.push(rows[r]!);
        }
        ids[r] = dv[key]!;
      }
      return;
    }
    for (let r = 0; r < rows.length; r++) {
      const key = masks[mo + rows[r]!]! & sideMask;
      let h = Math.imul(key, 0x9e3779b1) >>> (32 - hashBits);
      for (;;) {
        if (hashStamp[h] !== stamp) {
          hashStamp[h] = stamp;
          hashKey[h] = key;
          hashVal[h] = reps.length;
          reps.push(rows[r]!);
          break;
        }
        if (hashKey[h] === key) break;
        h = (h + 1) & hashMask;
      }
      ids[r] = hashVal[h]!;
    }
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

/**
 * Direction masks of every row for `coalitionMargins`: tree-major (tree t, row r at t * rows + r), bit k set
 * when the row goes right at the tree's k-th inner node (float32 comparison, missing values to the default
 * child). Trees with more than 31 inner nodes get no mask (their rows are classified by walking).
 */
export function directionMasks(trees: GameTree[], inner: Int32Array[], values: Float64Array, cols: number): Int32Array {
  const rows = values.length / cols;
  const out = new Int32Array(trees.length * rows);
  for (let ti = 0; ti < trees.length; ti++) {
    const nodes = inner[ti]!;
    if (nodes.length > 31) continue;
    const t = trees[ti]!;
    for (let r = 0; r < rows; r++) {
      const o = r * cols;
      let m = 0;
      for (let k = 0; k < nodes.length; k++) {
        const n = nodes[k]!;
        const v = Math.fround(values[o + t.splitIndex[n]!]!);
        const right = v !== v ? (t.defaultLeft[n] === 1 ? 0 : 1) : v < t.splitCondition[n]! ? 0 : 1;
        m |= right << k;
      }
      out[ti * rows + r] = m;
    }
  }
  return out;
}
