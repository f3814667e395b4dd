/**
 * @module models/gbt/predict/glibc-float
 * glibc's `expf` and `logf` (2.27+, the ARM optimized-routines algorithms XGBoost links to on Linux),
 * ported operation for operation so transformed predictions match XGBoost's float32 bits. Neither function
 * is correctly rounded: they evaluate a short polynomial in float64 and round to float32 once, and about one
 * result in a few hundred lands on the other side of a float32 rounding boundary than Math.exp/Math.log
 * would. On x86-64 CPUs with FMA (every CPU since ~2013; glibc picks its `__expf_fma` build at load
 * time) and on aarch64 the polynomial uses fused multiply-adds, emulated here exactly in float64
 * (Dekker's product and Boldo-Melquiond's round-to-odd sum). Constants are glibc's tables, bit for bit.
 */

const scratch = new Float64Array(1);
const words = new Uint32Array(scratch.buffer);
const LITTLE = new Uint8Array(Uint16Array.of(1).buffer)[0] === 1;
const LO = LITTLE ? 0 : 1;
const HI = LITTLE ? 1 : 0;
const SPLIT = 134217729; // 2^27 + 1

/** A C99 hexadecimal float literal ('0x1.8p+52'), so constants read exactly as in glibc's sources. */
function h(literal: string): number {
  const m = /^(-?)0x([01])\.([0-9a-f]*)p([+-]\d+)$/.exec(literal)!;
  const value = parseInt(m[2]! + m[3]!, 16) * 2 ** (Number(m[4]) - 4 * m[3]!.length);
  return m[1] === '-' ? -value : value;
}

/** a * b + c rounded once, as a hardware fused multiply-add (finite inputs, no overflow or underflow). */
export function fma(a: number, b: number, c: number): number {
  const ph = a * b;
  let t = SPLIT * a;
  const ah = t - (t - a);
  const al = a - ah;
  t = SPLIT * b;
  const bh = t - (t - b);
  const bl = b - bh;
  const pl = ah * bh - ph + ah * bl + al * bh + al * bl;
  const th = c + ph;
  const bv = th - c;
  const tl = c - (th - bv) + (ph - bv);
  return th + addRoundToOdd(tl, pl);
}

/** x + y rounded to odd: exact sums stay, inexact ones take the neighbour whose last bit is 1. */
function addRoundToOdd(x: number, y: number): number {
  const s = x + y;
  const bv = s - x;
  const e = x - (s - bv) + (y - bv);
  if (e === 0) return s;
  scratch[0] = s;
  if ((words[LO]! & 1) === 1) return s;
  // s is even, so the neighbour toward the exact sum is odd: step the magnitude up or down by one unit.
  if (e > 0 === s > 0) {
    words[LO] = words[LO]! + 1;
  } else if (words[LO] === 0) {
    words[LO] = 0xffffffff;
    words[HI] = words[HI]! - 1;
  } else {
    words[LO] = words[LO]! - 1;
  }
  return scratch[0]!;
}

/** 2^(i/32) for i = 0..31 (glibc's __exp2f_data.tab with the i << 47 offsets added back). */
const EXP2_TABLE = (() => {
  const bits = [
    '3ff0000000000000', '3fefd9b0d3158574', '3fefb5586cf9890f', '3fef9301d0125b51', '3fef72b83c7d517b', '3fef54873168b9aa',
    '3fef387a6e756238', '3fef1e9df51fdee1', '3fef06fe0a31b715', '3feef1a7373aa9cb', '3feedea64c123422', '3feece086061892d',
    '3feebfdad5362a27', '3feeb42b569d4f82', '3feeab07dd485429', '3feea47eb03a5585', '3feea09e667f3bcd', '3fee9f75e8ec5f74',
    '3feea11473eb0187', '3feea589994cce13', '3feeace5422aa0db', '3feeb737b0cdc5e5', '3feec49182a3f090', '3feed503b23e255d',
    '3feee89f995ad3ad', '3feeff76f2fb5e47', '3fef199bdd85529c', '3fef3720dcef9069', '3fef5818dcfba487', '3fef7c97337b9b5f',
    '3fefa4afa2a490da', '3fefd0765b6e4540',
  ];
  const view = new DataView(new ArrayBuffer(8));
  return Float64Array.from(bits, (hex, i) => {
    view.setBigUint64(0, BigInt(`0x${hex}`) + (BigInt(i) << 47n));
    return view.getFloat64(0);
  });
})();

/** 2^e for e = -160..160 (exact; Math.pow need not be). */
const POW2 = Float64Array.from({ length: 321 }, (_, i) => {
  let v = 1;
  for (let e = i - 160; e > 0; e--) v *= 2;
  for (let e = i - 160; e < 0; e++) v /= 2;
  return v;
});
const EXP_INV_LN2_N = h('0x1.71547652b82fep+5'); // 32 / ln 2
const EXP_SHIFT = h('0x1.8p+52');
const EXP_C0 = h('0x1.c6af84b912394p-20');
const EXP_C1 = h('0x1.ebfce50fac4f3p-13');
const EXP_C2 = h('0x1.62e42ff0c52d6p-6');

/**
 * glibc `expf` (FMA build) of a float32 value; the result is a float32 value.
 *
 * A plain float64 evaluation first: it differs from the fused one by less than 2^-32 of the result (both are
 * within 1.69 * 2^-34 of exp(x), glibc's bound), so when it lies further than 2^-30 of itself from a float32
 * rounding boundary both round to the same float32. Otherwise (about 1 call in 100) the fused evaluation decides.
 */
export function expf(x: number): number {
  if (x !== x) return x;
  if (x > 88.72283172607421875) return Infinity; // x > log(2^128)
  if (x < -103.97207641601562) return 0; // x < log(2^-150)
  const z = EXP_INV_LN2_N * x;
  const k = z + EXP_SHIFT - EXP_SHIFT;
  const r = z - k;
  const y = ((EXP_C0 * r + EXP_C1) * (r * r) + (EXP_C2 * r + 1)) * (EXP2_TABLE[k & 31]! * POW2[(k >> 5) + 160]!);
  const rounded = Math.fround(y);
  // Half the smaller float32 gap around `rounded` is at least rounded * 2^-25 (normal floats).
  if (Math.abs(y - rounded) < rounded * 2.9802322387695312e-8 - y * 9.313225746154785e-10) return rounded;
  return expfFused(x);
}

/** glibc's FMA evaluation, operation for operation. */
function expfFused(x: number): number {
  const kShifted = fma(EXP_INV_LN2_N, x, EXP_SHIFT);
  const k = kShifted - EXP_SHIFT; // the integer nearest x * 32 / ln 2
  const r = fma(EXP_INV_LN2_N, x, -k);
  const s = EXP2_TABLE[k & 31]! * POW2[(k >> 5) + 160]!;
  const z = fma(r, EXP_C0, EXP_C1);
  const r2 = r * r;
  const y = fma(r, EXP_C2, 1);
  return Math.fround(fma(z, r2, y) * s);
}

/** glibc's __logf_data: [1/c, log c] for 16 subintervals of [0x3f330000, 2 * 0x3f330000). */
const LOG_TABLE = [
  h('0x1.661ec79f8f3bep+0'), h('-0x1.57bf7808caadep-2'), h('0x1.571ed4aaf883dp+0'), h('-0x1.2bef0a7c06ddbp-2'),
  h('0x1.49539f0f010b0p+0'), h('-0x1.01eae7f513a67p-2'), h('0x1.3c995b0b80385p+0'), h('-0x1.b31d8a68224e9p-3'),
  h('0x1.30d190c8864a5p+0'), h('-0x1.6574f0ac07758p-3'), h('0x1.25e227b0b8ea0p+0'), h('-0x1.1aa2bc79c8100p-3'),
  h('0x1.1bb4a4a1a343fp+0'), h('-0x1.a4e76ce8c0e5ep-4'), h('0x1.12358f08ae5bap+0'), h('-0x1.1973c5a611cccp-4'),
  h('0x1.0953f419900a7p+0'), h('-0x1.252f438e10c1ep-5'), h('0x1.0000000000000p+0'), 0,
  h('0x1.e608cfd9a47acp-1'), h('0x1.aa5aa5df25984p-5'), h('0x1.ca4b31f026aa0p-1'), h('0x1.c5e53aa362eb4p-4'),
  h('0x1.b2036576afce6p-1'), h('0x1.526e57720db08p-3'), h('0x1.9c2d163a1aa2dp-1'), h('0x1.bc2860d224770p-3'),
  h('0x1.886e6037841edp-1'), h('0x1.1058bc8a07ee1p-2'), h('0x1.767dcf5534862p-1'), h('0x1.4043057b6ee09p-2'),
];
const LOG_LN2 = h('0x1.62e42fefa39efp-1');
const LOG_A0 = h('-0x1.00ea348b88334p-2');
const LOG_A1 = h('0x1.5575b0be00b6ap-2');
const LOG_A2 = h('-0x1.ffffef20a4123p-2');
const f32 = new Float32Array(1);
const u32 = new Int32Array(f32.buffer);

/** glibc `logf` (FMA build) of a float32 value; the result is a float32 value. */
export function logf(x: number): number {
  f32[0] = x;
  const ix = u32[0]!;
  if (ix === 0x3f800000) return 0;
  // Zero, subnormal, negative, infinite or NaN: glibc's special cases are correctly rounded or exact.
  if (ix - 0x00800000 >>> 0 >= 0x7f800000 - 0x00800000) return Math.fround(Math.log(x));
  const tmp = ix - 0x3f330000;
  const i = (tmp >> 19) & 15;
  const k = tmp >> 23;
  u32[0] = ix - (tmp & 0xff800000);
  const z = f32[0]!;
  const r = fma(z, LOG_TABLE[2 * i]!, -1);
  const y0 = fma(k, LOG_LN2, LOG_TABLE[2 * i + 1]!);
  const r2 = r * r;
  let y = fma(r, LOG_A1, LOG_A2);
  y = fma(r2, LOG_A0, y);
  return Math.fround(fma(r2, y, r + y0));
}
