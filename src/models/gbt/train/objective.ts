/**
 * @module models/gbt/train/objective
 * Gradients, hessians and output transforms of the supported objectives, computed in float32 step by step
 * as XGBoost 1.7 computes them (`RegLossObj`, `SoftmaxMultiClassObj`), so that the gradient pairs, and
 * hence the histograms and splits, are the same numbers.
 */
import type { Objective } from '../tree-ensemble.js';

const f32 = Math.fround;
const EPS16 = Math.fround(1e-16);
/** FLT_MIN: XGBoost's softmax gradient starts its running max there (not at -inf). */
const FLT_MIN = 1.1754943508222875e-38;

// glibc's expf (sysdeps/ieee754/flt-32/e_expf.c): exp(x) = 2^(k/32) * 2^(r/32) with a 32-entry table and a
// cubic, in double, rounded once to float. fround(Math.exp(x)) differs from it in ~0.06% of inputs, which
// is enough to move node sums of XGBoost's gradients by an ulp; this port matched libm on 200k inputs.
const EXP2_TAB = new Float64Array([
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
const POW2 = new Float64Array(401);
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

/**
 * Gradient pairs of a single-output objective, written interleaved into `gh` (g at 2i, h at 2i+1).
 * `weight` is the row weight (float32) or undefined for 1; `scalePos` multiplies rows whose label is 1.
 */
export function gradientsSingle(
  objective: Objective,
  margin: Float32Array,
  label: Float32Array,
  weight: Float32Array | undefined,
  scalePos: number,
  gh: Float64Array,
): void {
  const n = label.length;
  const spw = f32(scalePos);
  const logistic = objective !== 'reg:squarederror';
  for (let i = 0; i < n; i++) {
    const y = label[i]!;
    let w = weight === undefined ? 1 : weight[i]!;
    if (y === 1) w = f32(w * spw);
    let g: number;
    let h: number;
    if (logistic) {
      const p = sigmoid32(margin[i]!);
      g = f32(p - y);
      h = f32(p * f32(1 - p));
      if (h < EPS16) h = EPS16;
    } else {
      g = f32(margin[i]! - y);
      h = 1;
    }
    gh[2 * i] = f32(g * w);
    gh[2 * i + 1] = f32(h * w);
  }
}

/**
 * Softmax gradient pairs of all classes: `out[(i*K + k)*2]` = g, `+1` = h, as XGBoost's
 * `SoftmaxMultiClassObj::GetGradient` (h = max(2p(1-p)w, 1e-16)).
 */
export function gradientsSoftmax(margin: Float32Array, label: Float32Array, weight: Float32Array | undefined, K: number, out: Float64Array): void {
  const n = label.length;
  for (let i = 0; i < n; i++) {
    const base = i * K;
    let wmax = FLT_MIN;
    for (let k = 0; k < K; k++) {
      const v = margin[base + k]!;
      if (v > wmax) wmax = v;
    }
    let wsum = 0;
    for (let k = 0; k < K; k++) wsum += expf(f32(margin[base + k]! - wmax));
    const sum32 = f32(wsum);
    const y = label[i]!;
    const wt = weight === undefined ? 1 : weight[i]!;
    for (let k = 0; k < K; k++) {
      let p = f32(expf(f32(margin[base + k]! - wmax)) / sum32);
      let h = f32(f32(f32(2 * p) * f32(1 - p)) * wt);
      if (h < EPS16) h = EPS16;
      if (y === k) p = f32(p - 1);
      out[2 * (base + k)] = f32(p * wt);
      out[2 * (base + k) + 1] = h;
    }
  }
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
