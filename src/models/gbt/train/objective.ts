/**
 * @module models/gbt/train/objective
 * Float32 math of the objectives as XGBoost 1.7 computes it: the float sigmoid, the starting margin from
 * base_score and the output transforms, on the predict module's glibc expf/logf ports. (The gradient kernels,
 * which inline expf from the tables below so that they can run in a worker, are in kernels.ts.)
 */
import { expf, logf } from '../predict/index.js';
import type { Objective } from '../tree-ensemble.js';

export { expf };

const f32 = Math.fround;

// The tables of glibc's expf (sysdeps/ieee754/flt-32/e_expf.c: exp(x) = 2^(k/32) * 2^(r/32) with a 32-entry
// table and a cubic), for the gradient kernels, which inline expf so that a worker can run their source.
// Everything else uses the predict module's port (glibc-float.ts); kernels.test.ts checks the two agree.
// fround(Math.exp(x)) differs from glibc in ~0.06% of inputs, enough to move XGBoost's node sums by an ulp.
export const EXP2_TAB = new Float64Array([
  1.0, 1.0218971486541166, 1.0442737824274138, 1.0671404006768237, 1.0905077326652577, 1.1143867425958924,
  1.1387886347566916, 1.1637248587775775, 1.189207115002721, 1.215247359980469, 1.241857812073484, 1.2690509571917332,
  1.2968395546510096, 1.3252366431597413, 1.3542555469368927, 1.383909881963832, 1.4142135623730951, 1.4451808069770467,
  1.4768261459394993, 1.5091644275934228, 1.5422108254079407, 1.5759808451078865, 1.6104903319492543, 1.645755478153965,
  1.681792830507429, 1.718619298122478, 1.7562521603732995, 1.7947090750031072, 1.8340080864093424, 1.8741676341103,
  1.9152065613971474, 1.9571441241754002,
]);
/** 2^m for m in [-200, 200], exact. */
export const POW2 = new Float64Array(401);
for (let m = -200; m <= 200; m++) POW2[m + 200] = 2 ** m;

/** XGBoost's float sigmoid: 1 / (1 + expf(-x)). */
export function sigmoid32(x: number): number {
  return f32(1 / f32(expf(-x) + 1));
}

/** The starting margin XGBoost derives from base_score (`ProbToMargin`), in float32. */
export function baseMargin32(objective: Objective, baseScore: number): number {
  const b = f32(baseScore);
  if (objective === 'binary:logistic' || objective === 'reg:logistic') return f32(-logf(f32(f32(1 / b) - 1)));
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
