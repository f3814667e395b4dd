/**
 * @module models/gbt/train/objective
 * Float32 math of the objectives as XGBoost 1.7 computes it: glibc's expf, the float sigmoid, the starting
 * margin from base_score, and the output transforms. (The gradient kernels, which inline the same expf so
 * that they can run in a worker, are in kernels.ts.)
 */
import type { Objective } from '../tree-ensemble.js';

const f32 = Math.fround;

// glibc's expf (sysdeps/ieee754/flt-32/e_expf.c): exp(x) = 2^(k/32) * 2^(r/32) with a 32-entry table and a
// cubic, in double, rounded once to float. fround(Math.exp(x)) differs from it in ~0.06% of inputs, which
// is enough to move node sums of XGBoost's gradients by an ulp; this port matched libm on 200k inputs.
export const EXP2_TAB = new Float64Array([
  1.0, 1.0218971486541166, 1.0442737824274138, 1.0671404006768237, 1.0905077326652577, 1.1143867425958924,
  1.1387886347566916, 1.1637248587775775, 1.189207115002721, 1.215247359980469, 1.241857812073484, 1.2690509571917332,
  1.2968395546510096, 1.3252366431597413, 1.3542555469368927, 1.383909881963832, 1.4142135623730951, 1.4451808069770467,
  1.4768261459394993, 1.5091644275934228, 1.5422108254079407, 1.5759808451078865, 1.6104903319492543, 1.645755478153965,
  1.681792830507429, 1.718619298122478, 1.7562521603732995, 1.7947090750031072, 1.8340080864093424, 1.8741676341103,
  1.9152065613971474, 1.9571441241754002,
]);
const EXP_C0 = 1.6938359250920212e-6;
const EXP_C1 = 0.00023459809789509004;
const EXP_C2 = 0.021660849396613134;
const EXP_INV_LN2_N = 46.16624130844683;
const EXP_SHIFT = 6755399441055744.0;
/** 2^m for m in [-200, 200], exact. */
export const POW2 = new Float64Array(401);
for (let m = -200; m <= 200; m++) POW2[m + 200] = 2 ** m;

/** expf(x) of glibc for a float32 x, as a float32 value. */
export function expf(x: number): number {
  if (!(x < 88.72283172607422)) return x === x ? Infinity : x;
  if (x < -103.97207641601562) return 0;
  const z = EXP_INV_LN2_N * x;
  const kd = z + EXP_SHIFT - EXP_SHIFT;
  const r = z - kd;
  const j = kd & 31;
  const s = EXP2_TAB[j]! * POW2[(kd - j) / 32 + 200]!;
  const zz = EXP_C0 * r + EXP_C1;
  const y = zz * (r * r) + (EXP_C2 * r + 1);
  return f32(y * s);
}

/** XGBoost's float sigmoid: 1 / (1 + expf(-x)). */
export function sigmoid32(x: number): number {
  return f32(1 / f32(expf(-x) + 1));
}

/** The starting margin XGBoost derives from base_score (`ProbToMargin`), in float32. */
export function baseMargin32(objective: Objective, baseScore: number): number {
  const b = f32(baseScore);
  if (objective === 'binary:logistic' || objective === 'reg:logistic') return f32(-f32(Math.log(f32(f32(1 / b) - 1))));
  return b;
}

/** Probabilities (or identity for squared error), float32, K per row for multi-class (XGBoost's Softmax). */
export function transform(objective: Objective, margin: Float32Array, K: number, out: Float32Array): void {
  if (objective === 'binary:logistic' || objective === 'reg:logistic') {
    for (let i = 0; i < margin.length; i++) out[i] = sigmoid32(margin[i]!);
  } else if (objective === 'reg:squarederror') {
    out.set(margin);
  } else {
    const rows = margin.length / K;
    for (let r = 0; r < rows; r++) {
      const b = r * K;
      let wmax = margin[b]!;
      for (let k = 1; k < K; k++) if (margin[b + k]! > wmax) wmax = margin[b + k]!;
      let wsum = 0;
      for (let k = 0; k < K; k++) {
        const e = expf(f32(margin[b + k]! - wmax));
        out[b + k] = e;
        wsum += e;
      }
      const s = f32(wsum);
      for (let k = 0; k < K; k++) out[b + k] = f32(out[b + k]! / s);
    }
  }
}
