/**
 * @module monitor/quality/metrics
 * ModelQualityMonitor's metrics on (ground truth, prediction) pairs held in typed arrays:
 * regression `mae, mse, rmse, r2` (r2 over the predictions' variance, as the container writes it); binary classification the confusion matrix, rates, precision/recall/accuracy,
 * ROC and precision-recall curves, AUC and F0.5/F1/F2 with their best-constant-classifier counterparts;
 * multiclass accuracy and weighted recall/precision/F-scores. Every metric is `{value, standard_deviation}`:
 * the deviation over 5 resamples of 80 % when there are at least 200 rows, else the string "NaN" (as
 * SageMaker writes it).
 */
import { invalid } from '../../core/errors.js';
import { createRandom } from '../../core/random.js';

export type ProblemType = 'Regression' | 'BinaryClassification' | 'MulticlassClassification';
export const PROBLEM_TYPES: ProblemType[] = ['Regression', 'BinaryClassification', 'MulticlassClassification'];

export interface MetricValue {
  value: number;
  standard_deviation: number | 'NaN';
}

export type ConfusionMatrix = Record<string, Record<string, number>>;

export interface ModelQualityStatistics {
  version: number;
  dataset: { item_count: number };
  regression_metrics?: Record<string, MetricValue>;
  binary_classification_metrics?: Record<string, MetricValue | { confusion_matrix: ConfusionMatrix } | unknown>;
  multiclass_classification_metrics?: Record<string, MetricValue | unknown>;
}

export interface QualityInput {
  problemType: ProblemType;
  /** Ground truth: numbers for regression and binary (0/1), labels as text for multiclass. */
  labels: (string | null)[];
  /** Predicted values / labels (the inference attribute). */
  predictions: (string | null)[];
  /** Predicted probabilities of the positive class (binary), when known. */
  probabilities?: (string | null)[];
  /** Binary: probability (or score) at or above which the prediction is positive; default 0.5. */
  probabilityThreshold?: number;
  /** Binary: the positive label (default "1"). */
  positiveLabel?: string;
}

const STD_MIN_ROWS = 200;

export function computeModelQuality(input: QualityInput): ModelQualityStatistics {
  if (!PROBLEM_TYPES.includes(input.problemType)) throw invalid('problemType', input.problemType, PROBLEM_TYPES.join(', '));
  const n = input.labels.length;
  const keep: number[] = [];
  for (let i = 0; i < n; i++) if (input.labels[i] != null && input.predictions[i] != null) keep.push(i);
  const base = { version: 0.0, dataset: { item_count: keep.length } };
  const withStd = <T extends Record<string, number>>(compute: (rows: number[]) => T): Record<keyof T, MetricValue> => {
    const full = compute(keep);
    const out = {} as Record<keyof T, MetricValue>;
    let samples: T[] = [];
    if (keep.length >= STD_MIN_ROWS) {
      const random = createRandom(42);
      samples = Array.from({ length: 5 }, () => {
        const idx = keep.slice();
        random.shuffle(idx);
        return compute(idx.slice(0, Math.floor(idx.length * 0.8)));
      });
    }
    for (const k of Object.keys(full) as (keyof T)[]) {
      out[k] = { value: full[k], standard_deviation: samples.length ? std(samples.map((s) => s[k])) : 'NaN' };
    }
    return out;
  };
  if (input.problemType === 'Regression') {
    const y = toNumbers(input.labels, 'groundTruth');
    const p = toNumbers(input.predictions, 'prediction');
    return { ...base, regression_metrics: withStd((rows) => regression(y, p, rows)) };
  }
  if (input.problemType === 'BinaryClassification') {
    const positive = input.positiveLabel ?? '1';
    const threshold = input.probabilityThreshold ?? 0.5;
    const y = new Uint8Array(n);
    for (let i = 0; i < n; i++) y[i] = isPositive(input.labels[i], positive) ? 1 : 0;
    const scoreSource = input.probabilities ?? input.predictions;
    const score = new Float64Array(n);
    const pred = new Uint8Array(n);
    for (let i = 0; i < n; i++) {
      const s = scoreSource[i];
      const v = s == null ? NaN : Number(s);
      score[i] = Number.isFinite(v) ? v : s === positive ? 1 : 0;
      const p = input.predictions[i];
      const pv = p == null ? NaN : Number(p);
      pred[i] = input.probabilities ? (p === positive || pv === Number(positive) ? 1 : 0) : Number.isFinite(pv) ? (pv >= threshold ? 1 : 0) : p === positive ? 1 : 0;
    }
    const scalars = withStd((rows) => binaryScalars(y, pred, score, rows));
    const curves = binaryCurves(y, score, keep);
    const cm = confusion(keep.map((i) => String(y[i])), keep.map((i) => String(pred[i])));
    return {
      ...base,
      binary_classification_metrics: { confusion_matrix: cm, ...scalars, receiver_operating_characteristic_curve: curves.roc, precision_recall_curve: curves.pr },
    };
  }
  const labels = input.labels.map((v) => (v == null ? null : normLabel(v)));
  const preds = input.predictions.map((v) => (v == null ? null : normLabel(v)));
  const scalars = withStd((rows) => multiclass(labels, preds, rows));
  return {
    ...base,
    multiclass_classification_metrics: { confusion_matrix: confusion(keep.map((i) => labels[i]!), keep.map((i) => preds[i]!)), ...scalars },
  };
}

function normLabel(v: string): string {
  const n = Number(v);
  return v.trim() !== '' && Number.isFinite(n) ? String(n) : v;
}

function isPositive(v: string | null, positive: string): boolean {
  if (v == null) return false;
  if (v === positive) return true;
  const n = Number(v);
  return v.trim() !== '' && Number.isFinite(n) && n === Number(positive);
}

function toNumbers(values: (string | null)[], field: string): Float64Array {
  const out = new Float64Array(values.length);
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (v == null) {
      out[i] = NaN;
      continue;
    }
    const x = Number(v);
    if (!Number.isFinite(x)) throw invalid(field, v, 'a number (regression)');
    out[i] = x;
  }
  return out;
}

function regression(y: Float64Array, p: Float64Array, rows: number[]): { mae: number; mse: number; rmse: number; r2: number } {
  let ae = 0;
  let se = 0;
  for (const i of rows) {
    const d = y[i]! - p[i]!;
    ae += Math.abs(d);
    se += d * d;
  }
  const m = rows.length;
  // r2 as the container computes it: the total sum of squares is taken over the PREDICTIONS (Spark's
  // RegressionMetrics fed (label, prediction) the wrong way round). Verified on the real container's
  // statistics.json (r2 -3.2088 where 1 - SSE/SS(labels) would give -0.3351).
  let sp = 0;
  for (const i of rows) sp += p[i]!;
  const mean = sp / m;
  let tot = 0;
  for (const i of rows) tot += (p[i]! - mean) ** 2;
  const mse = se / m;
  return { mae: ae / m, mse, rmse: Math.sqrt(mse), r2: tot === 0 ? NaN : 1 - se / tot };
}

function fbeta(precision: number, recall: number, beta: number): number {
  const b2 = beta * beta;
  const d = b2 * precision + recall;
  return d === 0 ? 0 : ((1 + b2) * precision * recall) / d;
}

function binaryScalars(y: Uint8Array, pred: Uint8Array, score: Float64Array, rows: number[]): Record<string, number> {
  let tp = 0;
  let fp = 0;
  let tn = 0;
  let fn = 0;
  for (const i of rows) {
    if (y[i]) pred[i] ? tp++ : fn++;
    else pred[i] ? fp++ : tn++;
  }
  const m = rows.length;
  const pos = tp + fn;
  const neg = tn + fp;
  const recall = pos === 0 ? 0 : tp / pos;
  const precision = tp + fp === 0 ? 0 : tp / (tp + fp);
  const accuracy = m === 0 ? 0 : (tp + tn) / m;
  // Best constant classifier: always answer the majority class of the ground truth.
  const constPositive = pos >= neg;
  const cRecall = constPositive ? 1 : 0;
  const cPrecision = constPositive ? (m === 0 ? 0 : pos / m) : 0;
  const cAccuracy = m === 0 ? 0 : Math.max(pos, neg) / m;
  return {
    recall,
    precision,
    accuracy,
    recall_best_constant_classifier: cRecall,
    precision_best_constant_classifier: cPrecision,
    accuracy_best_constant_classifier: cAccuracy,
    true_positive_rate: recall,
    true_negative_rate: neg === 0 ? 0 : tn / neg,
    false_positive_rate: neg === 0 ? 0 : fp / neg,
    false_negative_rate: pos === 0 ? 0 : fn / pos,
    auc: auc(y, score, rows),
    f0_5: fbeta(precision, recall, 0.5),
    f0_5_best_constant_classifier: fbeta(cPrecision, cRecall, 0.5),
    f1: fbeta(precision, recall, 1),
    f1_best_constant_classifier: fbeta(cPrecision, cRecall, 1),
    f2: fbeta(precision, recall, 2),
    f2_best_constant_classifier: fbeta(cPrecision, cRecall, 2),
  };
}

/** ROC AUC by the rank-sum (Mann-Whitney) formula with ties averaged. */
function auc(y: Uint8Array, score: Float64Array, rows: number[]): number {
  const idx = rows.slice().sort((a, b) => score[a]! - score[b]!);
  let pos = 0;
  let rankSum = 0;
  for (let i = 0; i < idx.length; ) {
    let j = i;
    while (j + 1 < idx.length && score[idx[j + 1]!] === score[idx[i]!]) j++;
    const rank = (i + j) / 2 + 1;
    for (let k = i; k <= j; k++) if (y[idx[k]!]) {
      pos++;
      rankSum += rank;
    }
    i = j + 1;
  }
  const neg = idx.length - pos;
  if (pos === 0 || neg === 0) return NaN;
  return (rankSum - (pos * (pos + 1)) / 2) / (pos * neg);
}

function binaryCurves(y: Uint8Array, score: Float64Array, rows: number[]) {
  const idx = rows.slice().sort((a, b) => score[b]! - score[a]!);
  let pos = 0;
  for (const i of rows) pos += y[i]!;
  const neg = rows.length - pos;
  const fprs = [0];
  const tprs = [0];
  const precisions: number[] = [];
  const recalls: number[] = [];
  let tp = 0;
  let fp = 0;
  for (let i = 0; i < idx.length; ) {
    let j = i;
    while (j + 1 < idx.length && score[idx[j + 1]!] === score[idx[i]!]) j++;
    for (let k = i; k <= j; k++) y[idx[k]!] ? tp++ : fp++;
    fprs.push(neg === 0 ? 0 : fp / neg);
    tprs.push(pos === 0 ? 0 : tp / pos);
    precisions.push(tp / (tp + fp));
    recalls.push(pos === 0 ? 0 : tp / pos);
    i = j + 1;
  }
  return { roc: { false_positive_rates: fprs, true_positive_rates: tprs }, pr: { precisions, recalls } };
}

function confusion(actual: string[], predicted: string[]): ConfusionMatrix {
  const classes = [...new Set([...actual, ...predicted])].sort();
  const cm: ConfusionMatrix = {};
  for (const a of classes) {
    cm[a] = {};
    for (const p of classes) cm[a]![p] = 0;
  }
  for (let i = 0; i < actual.length; i++) cm[actual[i]!]![predicted[i]!]!++;
  return cm;
}

function multiclass(labels: (string | null)[], preds: (string | null)[], rows: number[]): Record<string, number> {
  const classes = new Map<string, { tp: number; fp: number; fn: number; support: number }>();
  const get = (c: string) => {
    let e = classes.get(c);
    if (!e) classes.set(c, (e = { tp: 0, fp: 0, fn: 0, support: 0 }));
    return e;
  };
  let correct = 0;
  for (const i of rows) {
    const a = labels[i]!;
    const p = preds[i]!;
    get(a).support++;
    if (a === p) {
      correct++;
      get(a).tp++;
    } else {
      get(a).fn++;
      get(p).fp++;
    }
  }
  const m = rows.length;
  let wr = 0;
  let wp = 0;
  const wf = { 0.5: 0, 1: 0, 2: 0 } as Record<number, number>;
  let majorityCount = -1;
  for (const e of classes.values()) {
    const r = e.tp + e.fn === 0 ? 0 : e.tp / (e.tp + e.fn);
    const pr = e.tp + e.fp === 0 ? 0 : e.tp / (e.tp + e.fp);
    const w = m === 0 ? 0 : e.support / m;
    wr += w * r;
    wp += w * pr;
    for (const b of [0.5, 1, 2]) wf[b]! += w * fbeta(pr, r, b);
    if (e.support > majorityCount) {
      majorityCount = e.support;
    }
  }
  // Best constant classifier: always the majority class. Its recall is 1 on that class, 0 elsewhere.
  const share = m === 0 ? 0 : majorityCount / m;
  const cf = (b: number) => share * fbeta(share, 1, b);
  return {
    accuracy: m === 0 ? 0 : correct / m,
    accuracy_best_constant_classifier: share,
    weighted_recall: wr,
    weighted_recall_best_constant_classifier: share,
    weighted_precision: wp,
    weighted_precision_best_constant_classifier: share * share,
    weighted_f0_5: wf[0.5]!,
    weighted_f0_5_best_constant_classifier: cf(0.5),
    weighted_f1: wf[1]!,
    weighted_f1_best_constant_classifier: cf(1),
    weighted_f2: wf[2]!,
    weighted_f2_best_constant_classifier: cf(2),
  };
}

function std(values: number[]): number {
  const m = values.reduce((a, b) => a + b, 0) / values.length;
  return Math.sqrt(values.reduce((a, b) => a + (b - m) ** 2, 0) / values.length);
}
