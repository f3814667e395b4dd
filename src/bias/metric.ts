/**
 * @module bias/metric
 * The result of one bias metric, Clarify's description strings, and smclarify's division rule.
 */

export const PRE_TRAINING_METRICS = ['CDDL', 'CI', 'DPL', 'JS', 'KL', 'KS', 'LP', 'TVD'] as const;
export const POST_TRAINING_METRICS = ['AD', 'CDDPL', 'DAR', 'DCA', 'DCR', 'DI', 'DPPL', 'DRR', 'FT', 'GE', 'RD', 'SD', 'TE'] as const;
export type PreTrainingMetric = (typeof PRE_TRAINING_METRICS)[number];
export type PostTrainingMetric = (typeof POST_TRAINING_METRICS)[number];
export type MetricName = PreTrainingMetric | PostTrainingMetric;

/** Exactly the `description` strings of Clarify's analysis.json (first docstring line in smclarify). */
export const METRIC_DESCRIPTIONS: Record<MetricName, string> = {
  CI: 'Class Imbalance (CI)',
  DPL: 'Difference in Positive Proportions in Labels (DPL)',
  KL: 'Kullback-Liebler Divergence (KL)',
  JS: 'Jensen-Shannon Divergence (JS)',
  LP: 'L-p Norm (LP)',
  TVD: 'Total Variation Distance (TVD)',
  KS: 'Kolmogorov-Smirnov Distance (KS)',
  CDDL: 'Conditional Demographic Disparity in Labels (CDDL)',
  DPPL: 'Difference in Positive Proportions in Predicted Labels (DPPL)',
  DI: 'Disparate Impact (DI)',
  DCA: 'Difference in Conditional Acceptance (DCA)',
  DCR: 'Difference in Conditional Rejection (DCR)',
  RD: 'Recall Difference (RD)',
  SD: 'Specificity Difference (SD)',
  DAR: 'Difference in Acceptance Rates (DAR)',
  DRR: 'Difference in Rejection Rates (DRR)',
  AD: 'Accuracy Difference (AD)',
  TE: 'Treatment Equality (TE)',
  CDDPL: 'Conditional Demographic Disparity in Predicted Labels (CDDPL)',
  FT: 'Flip Test (FT)',
  GE: 'Generalized Entropy (GE)',
};

export interface MetricResult {
  name: MetricName;
  description: string;
  /** ±Infinity is a legal value; null only together with `error`. */
  value: number | null;
  error?: string;
  /** Bootstrap percentile interval [low, high] when asked for (bias/bootstrap); absent for a failed metric. */
  confidenceInterval?: [number, number];
}

/** A metric that cannot be computed on this data (smclarify raises; the report keeps it with value null). */
export class MetricFailure extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'MetricFailure';
  }
}

export function fail(message: string): never {
  throw new MetricFailure(message);
}

/** smclarify `common.divide`: 0/0 = 0, x/0 = ±Infinity. */
export function divide(a: number, b: number): number {
  if (b === 0) return a === 0 ? 0 : a < 0 ? -Infinity : Infinity;
  return a / b;
}

/** Runs one kernel; a MetricFailure becomes `{ value: null, error }`, anything else is a bug and propagates. */
export function runMetric(name: MetricName, kernel: () => number): MetricResult {
  const description = METRIC_DESCRIPTIONS[name];
  try {
    return { name, description, value: kernel() };
  } catch (e) {
    if (e instanceof MetricFailure) return { name, description, value: null, error: e.message };
    throw e;
  }
}

/** The metrics to run, sorted by name as in Clarify's report; unknown names are a caller bug caught by the types. */
export function selectMetrics<M extends MetricName>(all: readonly M[], methods: 'all' | readonly M[] | undefined): M[] {
  const chosen = methods === undefined || methods === 'all' ? [...all] : all.filter((m) => methods.includes(m));
  return chosen.sort();
}
