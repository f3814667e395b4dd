/**
 * @module models/gbt/train/wasm
 * The histogram and partition kernels as WebAssembly SIMD, written out as bytes by the generator below
 * (no toolchain: the module is a few hundred instructions, generated per dataset like the JS histogram
 * kernel, with the row size and feature offsets as constants and the feature loop unrolled). A row's
 * (g, h) pair goes into a bin with one `f64x2.add` (one load, add and store of 16 bytes) and the accesses
 * need no bounds checks, which makes the histogram kernel 2-3x faster than the JS one, and the partition
 * kernel moves a row in 16/8/4-byte pieces (about 4x faster than JS). Sums are IEEE double additions in
 * row order as in the JS kernels, so results are bit-identical to them (kernels.test.ts checks).
 *
 * Wasm reads only its linear memory, so the arrays the kernels read (the codes, the position sets, the
 * node histograms, the side tables) live in one shared `WebAssembly.Memory` (`Arena`) that both threads
 * map.
 *
 * Exports, byte addresses and positions:
 * - `k0` `k1` `k2` `(bins, gh, hist, begin, end) -> 0`: add positions `begin..end` (row i's codes at
 *   `bins + i * rowBytes`, its pair at `gh + 8i`) into the node histogram at `hist` (doubles, feature f at
 *   `offsets[f]`, bin b's pair at `+ 2b`); 0 = all features, 1 = features [0, mid), 2 = [mid, cols);
 * - `count` and `scatter`: the two passes of a partition (kernels.ts `countRight`, `scatterRows`);
 * - `copy(dst, src, bytes)`: a forward copy (each tree's working copy of the codes).
 */

/** The parts of the WebAssembly API used here (the project's TypeScript libs do not declare it). */
export interface WasmMemory {
  readonly buffer: ArrayBufferLike;
  grow(pages: number): number;
}
/** A compiled module (opaque; structured-clonable to workers). */
export interface WasmModule {
  readonly __wasmModule?: never;
}
interface WasmApi {
  Memory: new (descriptor: { initial: number; maximum: number; shared: boolean }) => WasmMemory;
  Module: new (bytes: Uint8Array) => WasmModule;
  Instance: new (module: WasmModule, imports: object) => { exports: Record<string, unknown> };
  validate(bytes: Uint8Array): boolean;
}
const WA = (globalThis as unknown as { WebAssembly?: WasmApi }).WebAssembly;

/** 4 GiB (the wasm32 limit), reserved as address space only; pages are committed as the arena grows. */
const MAX_PAGES = 65536;
const PAGE = 65536;
/** Above this many features the unrolled module gets large: the JS kernel (a loop past 256) is used. */
export const WASM_MAX_FEATURES = 4096;

function uleb(n: number, out: number[]): void {
  do {
    let b = n & 0x7f;
    n >>>= 7;
    if (n !== 0) b |= 0x80;
    out.push(b);
  } while (n !== 0);
}

function sleb(n: number, out: number[]): void {
  for (;;) {
    const b = n & 0x7f;
    n >>= 7;
    if ((n === 0 && (b & 0x40) === 0) || (n === -1 && (b & 0x40) !== 0)) {
      out.push(b);
      return;
    }
    out.push(b | 0x80);
  }
}

function section(id: number, body: number[], out: number[]): void {
  out.push(id);
  uleb(body.length, out);
  for (const b of body) out.push(b);
}

function name(s: string, out: number[]): void {
  uleb(s.length, out);
  for (let i = 0; i < s.length; i++) out.push(s.charCodeAt(i));
}

// Opcodes used.
const LOCAL_GET = 0x20;
const LOCAL_SET = 0x21;
const LOCAL_TEE = 0x22;
const I32_CONST = 0x41;
const I32_LOAD8_U = 0x2d;
const I32_LOAD16_U = 0x2f;
const I32_EQZ = 0x45;
const I32_LT_U = 0x49;
const I32_ADD = 0x6a;
const I32_MUL = 0x6c;
const I32_SHL = 0x74;
const BLOCK = 0x02;
const LOOP = 0x03;
const BR = 0x0c;
const BR_IF = 0x0d;
const END = 0x0b;
const VOID = 0x40;
const SIMD = 0xfd;
const V128_LOAD = 0x00;
const V128_STORE = 0x0b;
const V128_LOAD64_ZERO = 0x5d;
const F64X2_PROMOTE_LOW_F32X4 = 0x5f;
const F64X2_ADD = 0xf0;
const I32_LOAD = 0x28;
const I64_LOAD = 0x29;
const I32_STORE = 0x36;
const I32_STORE8 = 0x3a;
const SELECT = 0x1b;
const I64_STORE = 0x37;
const I32_SUB = 0x6b;
const T_I32 = 0x7f;
const T_I64 = 0x7e;
const T_V128 = 0x7b;

// Params and locals of a kernel function.
const P_BINS = 0;
const P_GH = 1;
const P_HIST = 2;
const P_BEGIN = 3;
const P_END = 4;
const L_RB = 5;
const L_P = 6;
const L_GH = 7; // v128

/** Code of one kernel function (with its size prefix). */
function kernelFunction(offsets: Int32Array, rowBytes: number, wide: boolean, fBegin: number, fEnd: number): number[] {
  const c: number[] = [];
  const op = (...bytes: number[]): void => {
    for (const b of bytes) c.push(b);
  };
  const get = (i: number): void => op(LOCAL_GET, i);
  const set = (i: number): void => op(LOCAL_SET, i);
  const i32 = (v: number): void => {
    c.push(I32_CONST);
    sleb(v, c);
  };
  const memarg = (align: number, offset: number): void => {
    c.push(align);
    uleb(offset, c);
  };
  const simd = (code: number): void => {
    c.push(SIMD);
    uleb(code, c);
  };
  // rb = bins + begin * rowBytes; gh += 8 * begin; while (begin < end) { ...; begin++; rb += rowBytes; gh += 8 }
  get(P_BINS);
  get(P_BEGIN);
  i32(rowBytes);
  op(I32_MUL, I32_ADD);
  set(L_RB);
  get(P_GH);
  get(P_BEGIN);
  i32(3);
  op(I32_SHL, I32_ADD);
  set(P_GH);
  op(BLOCK, VOID, LOOP, VOID);
  get(P_BEGIN);
  get(P_END);
  op(I32_LT_U, I32_EQZ, BR_IF, 1);
  // pair = promote(f32x2 at gh)
  get(P_GH);
  simd(V128_LOAD64_ZERO);
  memarg(3, 0);
  simd(F64X2_PROMOTE_LOW_F32X4);
  set(L_GH);
  for (let f = fBegin; f < fEnd; f++) {
    // p = hist + 16 * bin; *(p + 8 offsets[f]) += pair
    get(L_RB);
    if (wide) {
      op(I32_LOAD16_U);
      memarg(1, 2 * f);
    } else {
      op(I32_LOAD8_U);
      memarg(0, f);
    }
    i32(4);
    op(I32_SHL);
    get(P_HIST);
    op(I32_ADD, LOCAL_TEE, L_P);
    get(L_P);
    simd(V128_LOAD);
    memarg(3, 8 * offsets[f]!);
    get(L_GH);
    simd(F64X2_ADD);
    simd(V128_STORE);
    memarg(3, 8 * offsets[f]!);
  }
  get(P_BEGIN);
  i32(1);
  op(I32_ADD);
  set(P_BEGIN);
  get(L_RB);
  i32(rowBytes);
  op(I32_ADD);
  set(L_RB);
  get(P_GH);
  i32(8);
  op(I32_ADD);
  set(P_GH);
  op(BR, 0, END, END);
  i32(0);
  op(END);

  const body: number[] = [];
  // locals: 2 x i32 (rb, p), 1 x v128 (pair)
  uleb(2, body);
  uleb(2, body);
  body.push(T_I32);
  uleb(1, body);
  body.push(T_V128);
  for (const b of c) body.push(b);
  const out: number[] = [];
  uleb(body.length, out);
  for (const b of body) out.push(b);
  return out;
}

/** Emits the code of a row's side: `table[code of row i]` (code at `work + i * rowBytes + at`). */
function emitSide(c: number[], work: number, i: number, at: number, table: number, rowBytes: number, wide: boolean): void {
  c.push(LOCAL_GET, table, LOCAL_GET, work, LOCAL_GET, i, I32_CONST);
  sleb(rowBytes, c);
  c.push(I32_MUL, I32_ADD, LOCAL_GET, at, I32_ADD);
  if (wide) c.push(I32_LOAD16_U, 1, 0);
  else c.push(I32_LOAD8_U, 0, 0);
  c.push(I32_ADD, I32_LOAD8_U, 0, 0);
}

function functionBody(locals: [number, number][], c: number[]): number[] {
  const body: number[] = [];
  uleb(locals.length, body);
  for (const [count, type] of locals) {
    uleb(count, body);
    body.push(type);
  }
  for (const b of c) body.push(b);
  const out: number[] = [];
  uleb(body.length, out);
  for (const b of body) out.push(b);
  return out;
}

/** `count(work, table, begin, end, at) -> rows going right` among positions begin..end. */
function countFunction(rowBytes: number, wide: boolean): number[] {
  const [WORK, TABLE, I, END_, AT, SUM] = [0, 1, 2, 3, 4, 5];
  const c: number[] = [];
  c.push(BLOCK, VOID, LOOP, VOID, LOCAL_GET, I, LOCAL_GET, END_, I32_LT_U, I32_EQZ, BR_IF, 1);
  c.push(LOCAL_GET, SUM);
  emitSide(c, WORK, I, AT, TABLE, rowBytes, wide);
  c.push(I32_ADD, LOCAL_SET, SUM);
  c.push(LOCAL_GET, I, I32_CONST, 1, I32_ADD, LOCAL_SET, I, BR, 0, END, END, LOCAL_GET, SUM, END);
  return functionBody([[1, T_I32]], c);
}

/**
 * `scatter(work, gh, rows, dWork, dGh, dRows, table, begin, end, at, dl, dr)`: each row of positions
 * begin..end goes, whole (codes in 16/8/4-byte pieces, gradient pair, id), to the next left position dl
 * or right position dr of the destination arrays; one write per row (the destination is chosen with a
 * `select`, no branch). `scatterIds` (same parameters) moves the ids only (a partition into leaves).
 */
function scatterFunction(rowBytes: number, wide: boolean, idsOnly: boolean): number[] {
  const [WORK, GH, ROWS, DWORK, DGH, DROWS, TABLE, I, END_, AT, DL, DR] = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11];
  const [RIGHT, D, SRC, DST] = [12, 13, 14, 15];
  const c: number[] = [];
  const op = (...bytes: number[]): void => {
    for (const b of bytes) c.push(b);
  };
  const i32 = (v: number): void => {
    c.push(I32_CONST);
    sleb(v, c);
  };
  const memarg = (align: number, offset: number): void => {
    c.push(align);
    uleb(offset, c);
  };
  op(BLOCK, VOID, LOOP, VOID, LOCAL_GET, I, LOCAL_GET, END_, I32_LT_U, I32_EQZ, BR_IF, 1);
  emitSide(c, WORK, I, AT, TABLE, rowBytes, wide);
  op(LOCAL_SET, RIGHT);
  // d = right ? dr : dl
  op(LOCAL_GET, DR, LOCAL_GET, DL, LOCAL_GET, RIGHT, SELECT, LOCAL_SET, D);
  // src = work + i * rowBytes; dst = dWork + d * rowBytes
  op(LOCAL_GET, WORK, LOCAL_GET, I);
  i32(rowBytes);
  op(I32_MUL, I32_ADD, LOCAL_SET, SRC, LOCAL_GET, DWORK, LOCAL_GET, D);
  i32(rowBytes);
  op(I32_MUL, I32_ADD, LOCAL_SET, DST);
  let o = idsOnly ? rowBytes : 0;
  for (; o + 16 <= rowBytes; o += 16) {
    op(LOCAL_GET, DST, LOCAL_GET, SRC, SIMD, V128_LOAD);
    memarg(0, o);
    op(SIMD, V128_STORE);
    memarg(0, o);
  }
  for (; o + 8 <= rowBytes; o += 8) {
    op(LOCAL_GET, DST, LOCAL_GET, SRC, I64_LOAD);
    memarg(0, o);
    op(I64_STORE);
    memarg(0, o);
  }
  for (; o + 4 <= rowBytes; o += 4) {
    op(LOCAL_GET, DST, LOCAL_GET, SRC, I32_LOAD);
    memarg(0, o);
    op(I32_STORE);
    memarg(0, o);
  }
  // gradient pair and id
  if (!idsOnly) op(LOCAL_GET, DGH, LOCAL_GET, D, I32_CONST, 3, I32_SHL, I32_ADD, LOCAL_GET, GH, LOCAL_GET, I, I32_CONST, 3, I32_SHL, I32_ADD, I64_LOAD, 0, 0, I64_STORE, 0, 0);
  op(LOCAL_GET, DROWS, LOCAL_GET, D, I32_CONST, 2, I32_SHL, I32_ADD, LOCAL_GET, ROWS, LOCAL_GET, I, I32_CONST, 2, I32_SHL, I32_ADD, I32_LOAD, 0, 0, I32_STORE, 0, 0);
  // dl += 1 - right; dr += right; i++
  op(LOCAL_GET, DL, I32_CONST, 1, I32_ADD, LOCAL_GET, RIGHT, I32_SUB, LOCAL_SET, DL);
  op(LOCAL_GET, DR, LOCAL_GET, RIGHT, I32_ADD, LOCAL_SET, DR);
  op(LOCAL_GET, I, I32_CONST, 1, I32_ADD, LOCAL_SET, I, BR, 0, END, END, I32_CONST, 0, END);
  return functionBody(
    [
      [4, T_I32],
      [1, T_I64],
      [1, T_V128],
    ],
    c,
  );
}

/**
 * `copy(dst, src, bytes)`, forwards (so dst <= src may overlap): 16 bytes at a time, then single bytes (V8's
 * `memory.copy` on shared memory was measured 3x slower than this loop).
 */
function copyFunction(): number[] {
  const [DST, SRC, N] = [0, 1, 2];
  const c: number[] = [];
  const op = (...bytes: number[]): void => {
    for (const b of bytes) c.push(b);
  };
  const step = (size: number, load: number[], store: number[]): void => {
    // while (n >= size) { store(dst, load(src)); dst += size; src += size; n -= size }
    op(BLOCK, VOID, LOOP, VOID);
    op(LOCAL_GET, N, I32_CONST, size, I32_LT_U, BR_IF, 1);
    op(LOCAL_GET, DST, LOCAL_GET, SRC, ...load, ...store);
    for (const l of [DST, SRC]) op(LOCAL_GET, l, I32_CONST, size, I32_ADD, LOCAL_SET, l);
    op(LOCAL_GET, N, I32_CONST, size, I32_SUB, LOCAL_SET, N);
    op(BR, 0, END, END);
  };
  step(16, [SIMD, V128_LOAD, 0, 0], [SIMD, V128_STORE, 0, 0]);
  step(1, [I32_LOAD8_U, 0, 0], [I32_STORE8, 0, 0]);
  op(END);
  const body = [0, ...c];
  const out: number[] = [];
  uleb(body.length, out);
  for (const b of body) out.push(b);
  return out;
}

function f32Const(x: number, out: number[]): void {
  const b = new Uint8Array(Float32Array.of(x).buffer);
  out.push(0x43, ...b);
}

function f64Const(x: number, out: number[]): void {
  const b = new Uint8Array(Float64Array.of(x).buffer);
  out.push(0x44, ...b);
}

/**
 * `grad(margin, label, weight, gh, tabs, begin, end, weighted, spw) -> 0`: kernels.ts `gradientKernel`
 * for binary:logistic / reg:logistic, in wasm: the same glibc expf (tables at `tabs`: the 32 doubles of
 * EXP2_TAB, then POW2) and float32 steps. Each float32 operation of the JS kernel (a double operation on
 * float32 values, rounded by Math.fround) is the wasm f32 operation: double rounding is harmless for
 * + - * / of float32 values, so the pairs are bit-identical (kernels.test.ts checks).
 */
function gradFunction(): number[] {
  const [MARGIN, LABEL, WEIGHT, GH, TABS, I, END_, WEIGHTED, SPW] = [0, 1, 2, 3, 4, 5, 6, 7, 8];
  // locals: f32 y, w, e, p, h; f64 x, z, kd, r; i32 ki
  const [Y, W, E, P, H] = [9, 10, 11, 12, 13];
  const [X, Z, KD, R] = [14, 15, 16, 17];
  const KI = 18;
  const F32_LOAD = 0x2a;
  const F32_STORE = 0x38;
  const F64_LOAD = 0x2b;
  const F32_EQ = 0x5b;
  const F32_LT = 0x5d;
  const F64_EQ = 0x61;
  const F64_LT = 0x63;
  const F32_NEG = 0x8c;
  const F32_ADD = 0x92;
  const F32_SUB = 0x93;
  const F32_MUL = 0x94;
  const F32_DIV = 0x95;
  const F64_ADD = 0xa0;
  const F64_SUB = 0xa1;
  const F64_MUL = 0xa2;
  const I32_TRUNC_F64_S = 0xaa;
  const F32_DEMOTE_F64 = 0xb6;
  const F64_PROMOTE_F32 = 0xbb;
  const I32_AND = 0x71;
  const I32_SHR_S = 0x75;
  const IF = 0x04;
  const ELSE = 0x05;
  const c: number[] = [];
  const op = (...bytes: number[]): void => {
    for (const b of bytes) c.push(b);
  };
  const at = (base: number, shift: number): void => op(LOCAL_GET, base, LOCAL_GET, I, I32_CONST, shift, I32_SHL, I32_ADD);
  op(BLOCK, VOID, LOOP, VOID, LOCAL_GET, I, LOCAL_GET, END_, I32_LT_U, I32_EQZ, BR_IF, 1);
  // y = label[i]; w = weighted ? weight[i] : 1; if (y == 1) w = w * spw
  at(LABEL, 2);
  op(F32_LOAD, 2, 0, LOCAL_SET, Y);
  at(WEIGHT, 2);
  op(F32_LOAD, 2, 0);
  f32Const(1, c);
  op(LOCAL_GET, WEIGHTED, SELECT, LOCAL_SET, W);
  op(LOCAL_GET, Y);
  f32Const(1, c);
  op(F32_EQ, IF, VOID, LOCAL_GET, W, LOCAL_GET, SPW, F32_MUL, LOCAL_SET, W, END);
  // x = -margin[i]
  at(MARGIN, 2);
  op(F32_LOAD, 2, 0, F32_NEG, F64_PROMOTE_F32, LOCAL_SET, X);
  // e = expf(x)
  op(LOCAL_GET, X);
  f64Const(88.72283172607422, c);
  op(F64_LT, I32_EQZ, IF, VOID);
  {
    // x NaN: NaN; else +Inf
    f32Const(Infinity, c);
    op(LOCAL_GET, X, F32_DEMOTE_F64, LOCAL_GET, X, LOCAL_GET, X, F64_EQ, SELECT, LOCAL_SET, E);
  }
  op(ELSE, LOCAL_GET, X);
  f64Const(-103.97207641601562, c);
  op(F64_LT, I32_EQZ, IF, VOID);
  {
    f64Const(46.16624130844683, c);
    op(LOCAL_GET, X, F64_MUL, LOCAL_SET, Z);
    op(LOCAL_GET, Z);
    f64Const(6755399441055744.0, c);
    op(F64_ADD);
    f64Const(6755399441055744.0, c);
    op(F64_SUB, LOCAL_SET, KD);
    op(LOCAL_GET, Z, LOCAL_GET, KD, F64_SUB, LOCAL_SET, R);
    op(LOCAL_GET, KD, I32_TRUNC_F64_S, LOCAL_SET, KI);
    // s = EXP2_TAB[ki & 31] * POW2[(ki >> 5) + 200]
    op(LOCAL_GET, TABS, LOCAL_GET, KI, I32_CONST, 31, I32_AND, I32_CONST, 3, I32_SHL, I32_ADD, F64_LOAD, 3, 0);
    op(LOCAL_GET, TABS, LOCAL_GET, KI, I32_CONST, 5, I32_SHR_S, I32_CONST, 0xc8, 0x01, I32_ADD, I32_CONST, 3, I32_SHL, I32_ADD, F64_LOAD, 3);
    uleb(256, c);
    op(F64_MUL);
    // ((c3 r + c2) (r r) + (c1 r + 1)) s
    f64Const(1.6938359250920212e-6, c);
    op(LOCAL_GET, R, F64_MUL);
    f64Const(0.00023459809789509004, c);
    op(F64_ADD, LOCAL_GET, R, LOCAL_GET, R, F64_MUL, F64_MUL);
    f64Const(0.021660849396613134, c);
    op(LOCAL_GET, R, F64_MUL);
    f64Const(1, c);
    op(F64_ADD, F64_ADD, F64_MUL, F32_DEMOTE_F64, LOCAL_SET, E);
  }
  op(ELSE);
  f32Const(0, c);
  op(LOCAL_SET, E, END, END);
  // p = 1 / (e + 1); g = p - y; h = max(p (1 - p), eps)
  f32Const(1, c);
  op(LOCAL_GET, E);
  f32Const(1, c);
  op(F32_ADD, F32_DIV, LOCAL_SET, P);
  op(LOCAL_GET, P);
  f32Const(1, c);
  op(LOCAL_GET, P, F32_SUB, F32_MUL, LOCAL_SET, H);
  op(LOCAL_GET, H);
  f32Const(1e-16, c);
  op(F32_LT, IF, VOID);
  f32Const(1e-16, c);
  op(LOCAL_SET, H, END);
  // gh[2i] = g w; gh[2i + 1] = h w
  at(GH, 3);
  op(LOCAL_GET, P, LOCAL_GET, Y, F32_SUB, LOCAL_GET, W, F32_MUL, F32_STORE, 2, 0);
  at(GH, 3);
  op(LOCAL_GET, H, LOCAL_GET, W, F32_MUL, F32_STORE, 2, 4);
  op(LOCAL_GET, I, I32_CONST, 1, I32_ADD, LOCAL_SET, I, BR, 0, END, END, I32_CONST, 0, END);
  return functionBody(
    [
      [5, 0x7d],
      [4, 0x7c],
      [1, T_I32],
    ],
    c,
  );
}

/** Names of the exported kernels: all features, the lower half, the upper half. */
export const WASM_KERNELS = ['k0', 'k1', 'k2'] as const;

/** Bytes of the histogram module for a dataset (row-major bins, `rowBytes` per row, `wide` = 16-bit codes). */
export function histModuleBytes(offsets: Int32Array, nCols: number, rowBytes: number, wide: boolean): Uint8Array {
  const mid = nCols >> 1;
  const ranges: [number, number][] = [
    [0, nCols],
    [0, mid],
    [mid, nCols],
  ];
  const out: number[] = [0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00];
  // type 0: (i32 x 5) -> i32 (histograms, count); type 1: (i32 x 12) -> i32 (scatter); type 2: (i32 x 3) -> ()
  // (copy); type 3: (i32 x 8, f32) -> i32 (gradients)
  const types: number[] = [4, 0x60, 5, T_I32, T_I32, T_I32, T_I32, T_I32, 1, T_I32, 0x60, 12];
  for (let i = 0; i < 12; i++) types.push(T_I32);
  types.push(1, T_I32, 0x60, 3, T_I32, T_I32, T_I32, 0, 0x60, 9);
  for (let i = 0; i < 8; i++) types.push(T_I32);
  types.push(0x7d, 1, T_I32);
  section(1, types, out);
  // import env.mem: shared memory, min 1 page, max MAX_PAGES
  const imports: number[] = [1];
  name('env', imports);
  name('mem', imports);
  imports.push(0x02, 0x03);
  uleb(1, imports);
  uleb(MAX_PAGES, imports);
  section(2, imports, out);
  const funcs: number[] = [];
  uleb(WASM_KERNELS.length + 5, funcs);
  for (let i = 0; i < WASM_KERNELS.length; i++) funcs.push(0);
  funcs.push(0, 1, 2, 3, 1);
  section(3, funcs, out);
  const exports: number[] = [];
  uleb(WASM_KERNELS.length + 5, exports);
  [...WASM_KERNELS, 'count', 'scatter', 'copy', 'grad', 'scatterIds'].forEach((n, i) => {
    name(n, exports);
    exports.push(0x00);
    uleb(i, exports);
  });
  section(7, exports, out);
  const code: number[] = [];
  uleb(WASM_KERNELS.length + 5, code);
  for (const [b, e] of ranges) for (const x of kernelFunction(offsets, rowBytes, wide, b, e)) code.push(x);
  for (const x of countFunction(rowBytes, wide)) code.push(x);
  for (const x of scatterFunction(rowBytes, wide, false)) code.push(x);
  for (const x of copyFunction()) code.push(x);
  for (const x of gradFunction()) code.push(x);
  for (const x of scatterFunction(rowBytes, wide, true)) code.push(x);
  section(10, code, out);
  return Uint8Array.from(out);
}

/** A wasm kernel: `(bins, gh, hist, begin, end)`, byte addresses into the arena and positions. */
export type WasmKernel = (bins: number, gh: number, hist: number, begin: number, end: number) => number;

let simd: boolean | undefined;

/** Whether this runtime validates the kernel module (wasm with SIMD and shared memory). */
export function wasmSimd(): boolean {
  if (simd === undefined) {
    try {
      simd = WA !== undefined && WA.validate(histModuleBytes(Int32Array.of(0, 2), 1, 4, false));
    } catch {
      simd = false;
    }
  }
  return simd === true;
}

/** The compiled module of a dataset; `null` when this runtime has no wasm SIMD or the data does not fit. */
export function compileHistModule(offsets: Int32Array, nCols: number, rowBytes: number, wide: boolean): WasmModule | null {
  if (WA === undefined || !wasmSimd() || nCols > WASM_MAX_FEATURES || nCols < 1) return null;
  const bytes = histModuleBytes(offsets, nCols, rowBytes, wide);
  if (!WA.validate(bytes)) return null;
  return new WA.Module(bytes);
}

/**
 * Bump allocator over one shared wasm memory (64-byte aligned blocks, never freed: it lives as long as
 * one training run). Views stay valid when the memory grows (shared memory is never detached).
 */
export class Arena {
  readonly memory: WasmMemory;
  private top = 0;

  constructor(initialBytes: number) {
    if (WA === undefined) throw new Error('WebAssembly is not available');
    this.memory = new WA.Memory({ initial: Math.max(1, Math.ceil(initialBytes / PAGE)), maximum: MAX_PAGES, shared: true });
  }

  /** Whether `bytes` more (plus alignment) fit below the wasm32 limit. */
  static fits(bytes: number): boolean {
    return bytes < (MAX_PAGES - 16) * PAGE;
  }

  /** Byte offset of a new zeroed block. */
  alloc(bytes: number): number {
    const at = (this.top + 63) & ~63;
    const need = at + Math.max(1, bytes);
    const have = this.memory.buffer.byteLength;
    if (need > have) {
      const pages = Math.ceil((need - have) / PAGE);
      if (have / PAGE + pages > MAX_PAGES) throw new RangeError(`training buffers exceed 4 GiB (${need} bytes)`);
      this.memory.grow(pages);
    }
    this.top = need;
    return at;
  }

  get buffer(): SharedArrayBuffer {
    return this.memory.buffer as unknown as SharedArrayBuffer;
  }

  u8(length: number): Uint8Array {
    const at = this.alloc(length);
    return new Uint8Array(this.buffer, at, length);
  }

  u16(length: number): Uint16Array {
    const at = this.alloc(2 * length);
    return new Uint16Array(this.buffer, at, length);
  }

  u32(length: number): Uint32Array {
    const at = this.alloc(4 * length);
    return new Uint32Array(this.buffer, at, length);
  }

  f32(length: number): Float32Array {
    const at = this.alloc(4 * length);
    return new Float32Array(this.buffer, at, length);
  }

  f64(length: number): Float64Array {
    const at = this.alloc(8 * length);
    return new Float64Array(this.buffer, at, length);
  }
}

/** `count(work, table, begin, end, at)`: how many of positions begin..end go right. */
export type WasmCount = (work: number, table: number, begin: number, end: number, at: number) => number;
/** `scatter(work, gh, rows, dWork, dGh, dRows, table, begin, end, at, dl, dr)`, see `scatterFunction`. */
export type WasmScatter = (
  work: number,
  gh: number,
  rows: number,
  dWork: number,
  dGh: number,
  dRows: number,
  table: number,
  begin: number,
  end: number,
  at: number,
  dl: number,
  dr: number,
) => number;

/** `grad(margin, label, weight, gh, tabs, begin, end, weighted, spw)`, see `gradFunction`. */
export type WasmGrad = (margin: number, label: number, weight: number, gh: number, tabs: number, begin: number, end: number, weighted: number, spw: number) => number;

/** Copies `bytes` bytes from `src` to `dst`, forwards (the ranges may overlap only when dst <= src). */
export type WasmCopy = (dst: number, src: number, bytes: number) => void;

/** Instantiates the module on this thread over the arena's memory. */
export function instantiateHist(
  module: WasmModule,
  memory: WasmMemory,
): { kernels: WasmKernel[]; count: WasmCount; scatter: WasmScatter; scatterIds: WasmScatter; copy: WasmCopy; grad: WasmGrad } {
  const instance = new WA!.Instance(module, { env: { mem: memory } });
  return {
    kernels: WASM_KERNELS.map((n) => instance.exports[n] as unknown as WasmKernel),
    count: instance.exports.count as unknown as WasmCount,
    scatter: instance.exports.scatter as unknown as WasmScatter,
    scatterIds: instance.exports.scatterIds as unknown as WasmScatter,
    copy: instance.exports.copy as unknown as WasmCopy,
    grad: instance.exports.grad as unknown as WasmGrad,
  };
}
