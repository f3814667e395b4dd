/**
 * @module models/gbt/train/params
 * Training parameters of the histogram booster, named and defaulted as XGBoost 1.7 names them
 * (`xgb.train(params, dtrain, num_boost_round=10)`), validated strictly: an unknown name is an error (XGBoost
 * only warns), and so is a value out of range. Values may be strings, as CLI flags and SageMaker
 * hyperparameters are; they are parsed here. Every problem found is reported at once, each naming the field
 * and the value.
 */
import { describeValue, ValidationError, type Issue } from '../../../core/errors.js';
import type { Objective } from '../tree-ensemble.js';

export const OBJECTIVES: readonly Objective[] = ['binary:logistic', 'reg:logistic', 'reg:squarederror', 'multi:softprob', 'multi:softmax'];

/** `error@0.7` is XGBoost's error rate at another threshold than 0.5. */
export type MetricName = 'logloss' | 'error' | 'auc' | 'rmse' | 'mae' | 'mlogloss' | 'merror' | `error@${string}`;

export interface TrainParams {
  objective: Objective;
  /** Boosting rounds (XGBoost's `num_boost_round`; SageMaker's `num_round`). */
  num_round: number;
  eta: number;
  max_depth: number;
  min_child_weight: number;
  gamma: number;
  lambda: number;
  alpha: number;
  max_delta_step: number;
  subsample: number;
  colsample_bytree: number;
  colsample_bylevel: number;
  scale_pos_weight: number;
  base_score: number;
  max_bin: number;
  seed: number;
  /** Classes of a multi-class objective; 0 otherwise. */
  num_class: number;
  early_stopping_rounds?: number;
  /** Metrics in the order given; early stopping watches the last. */
  eval_metric: MetricName[];
  /** Print the evaluation line every N rounds (and the last round); 0 prints nothing. */
  verbose_eval: number;
  /** Threads asked for through the parameters (`nthread`); the trainer uses at most 2. */
  nthread?: number;
}

export type RawParams = Record<string, unknown>;

const ALIASES: Record<string, string> = {
  learning_rate: 'eta',
  min_split_loss: 'gamma',
  reg_lambda: 'lambda',
  reg_alpha: 'alpha',
  num_boost_round: 'num_round',
};

/** Accepted for compatibility; only the single supported value is allowed. */
const FIXED: Record<string, string> = { tree_method: 'hist', grow_policy: 'depthwise', booster: 'gbtree' };

const KNOWN = [
  'objective', 'num_round', 'eta', 'max_depth', 'min_child_weight', 'gamma', 'lambda', 'alpha', 'max_delta_step', 'subsample',
  'colsample_bytree', 'colsample_bylevel', 'scale_pos_weight', 'base_score', 'max_bin', 'seed', 'num_class',
  'early_stopping_rounds', 'eval_metric', 'verbose_eval', 'nthread', 'verbosity',
];

const BINARY_METRICS = ['logloss', 'error', 'auc', 'rmse', 'mae'];
const REGRESSION_METRICS = ['rmse', 'mae'];
const MULTI_METRICS = ['mlogloss', 'merror'];

export function isMulti(objective: Objective): boolean {
  return objective === 'multi:softprob' || objective === 'multi:softmax';
}

export function isLogistic(objective: Objective): boolean {
  return objective === 'binary:logistic' || objective === 'reg:logistic';
}

/** XGBoost 1.7's default metric of each objective. */
export function defaultMetric(objective: Objective): MetricName {
  if (objective === 'binary:logistic') return 'logloss';
  if (isMulti(objective)) return 'mlogloss';
  return 'rmse';
}

/** Parses and validates raw parameters; throws one ValidationError listing every problem. */
export function parseTrainParams(raw: RawParams): TrainParams {
  const issues: Issue[] = [];
  const bad = (path: string, value: unknown, expected: string): void => {
    issues.push({ path, message: `got ${describeValue(value)}, expected ${expected}` });
  };

  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
    throw new ValidationError([{ path: 'params', message: `got ${describeValue(raw)}, expected an object of parameters` }]);
  }
  // Resolve aliases; refuse unknown names.
  const values = new Map<string, { key: string; value: unknown }>();
  for (const [key, value] of Object.entries(raw)) {
    if (value === undefined) continue;
    const name = ALIASES[key] ?? key;
    if (!KNOWN.includes(name) && !(name in FIXED)) {
      issues.push({ path: key, message: `unknown parameter "${key}" (known: ${[...KNOWN, ...Object.keys(ALIASES), ...Object.keys(FIXED)].sort().join(', ')})` });
      continue;
    }
    const prior = values.get(name);
    if (prior) {
      issues.push({ path: key, message: `"${key}" and "${prior.key}" name the same parameter; give one` });
      continue;
    }
    values.set(name, { key, value });
  }
  for (const [name, only] of Object.entries(FIXED)) {
    const v = values.get(name);
    if (v && String(v.value) !== only) bad(v.key, v.value, `"${only}" (the only ${name} this trainer implements)`);
  }

  const get = (name: string): { key: string; value: unknown } | undefined => values.get(name);

  /** A finite number, from a number or a numeric string. */
  const num = (name: string, fallback: number, check: (x: number) => boolean, expected: string, integer = false): number => {
    const entry = get(name);
    if (!entry) return fallback;
    const x = parseNumber(entry.value);
    if (x === undefined || (integer && !Number.isInteger(x)) || !check(x)) {
      bad(entry.key, entry.value, expected);
      return fallback;
    }
    return x;
  };

  // objective
  let objective: Objective = 'reg:squarederror';
  const objEntry = get('objective');
  if (objEntry) {
    if (typeof objEntry.value === 'string' && (OBJECTIVES as readonly string[]).includes(objEntry.value)) objective = objEntry.value as Objective;
    else bad(objEntry.key, objEntry.value, `one of ${OBJECTIVES.join(', ')}`);
  }
  const multi = isMulti(objective);

  const num_round = num('num_round', 10, (x) => x >= 1, 'an integer >= 1', true);
  const eta = num('eta', 0.3, (x) => x > 0, 'a number > 0');
  const max_depth = num('max_depth', 6, (x) => x >= 0 && x <= 63, 'an integer from 0 (no limit) to 63', true);
  const min_child_weight = num('min_child_weight', 1, (x) => x >= 0, 'a number >= 0');
  const gamma = num('gamma', 0, (x) => x >= 0, 'a number >= 0');
  const lambda = num('lambda', 1, (x) => x >= 0, 'a number >= 0');
  const alpha = num('alpha', 0, (x) => x >= 0, 'a number >= 0');
  const max_delta_step = num('max_delta_step', 0, (x) => x >= 0, 'a number >= 0 (0 = no limit)');
  const subsample = num('subsample', 1, (x) => x > 0 && x <= 1, 'a number in (0, 1]');
  const colsample_bytree = num('colsample_bytree', 1, (x) => x > 0 && x <= 1, 'a number in (0, 1]');
  const colsample_bylevel = num('colsample_bylevel', 1, (x) => x > 0 && x <= 1, 'a number in (0, 1]');
  const scale_pos_weight = num('scale_pos_weight', 1, (x) => x > 0, 'a number > 0');
  const max_bin = num('max_bin', 256, (x) => x >= 2 && x <= 65535, 'an integer from 2 to 65535', true);
  const seed = num('seed', 0, (x) => Math.abs(x) <= Number.MAX_SAFE_INTEGER, 'an integer', true);
  const logistic = isLogistic(objective);
  const base_score = num(
    'base_score',
    0.5,
    logistic ? (x) => x > 0 && x < 1 : () => true,
    logistic ? `a probability in (0, 1) for ${objective}` : 'a finite number',
  );

  let num_class = 0;
  const ncEntry = get('num_class');
  if (multi) {
    if (!ncEntry) issues.push({ path: 'num_class', message: `is required for ${objective} (the number of classes, >= 2)` });
    else num_class = num('num_class', 0, (x) => x >= 2 && x <= 65536, 'an integer >= 2', true);
  } else if (ncEntry) {
    bad(ncEntry.key, ncEntry.value, `no num_class: it applies only to multi:softprob and multi:softmax, not ${objective}`);
  }
  if (multi && get('scale_pos_weight')) {
    const e = get('scale_pos_weight')!;
    bad(e.key, e.value, `no scale_pos_weight: it does not apply to ${objective}`);
  }

  let early_stopping_rounds: number | undefined;
  if (get('early_stopping_rounds')) early_stopping_rounds = num('early_stopping_rounds', 0, (x) => x >= 1, 'an integer >= 1', true);

  // eval_metric: a name, a comma-separated list or an array of names.
  const allowed = multi ? MULTI_METRICS : logistic ? BINARY_METRICS : REGRESSION_METRICS;
  let eval_metric: MetricName[] = [defaultMetric(objective)];
  const emEntry = get('eval_metric');
  if (emEntry) {
    const list = Array.isArray(emEntry.value)
      ? emEntry.value
      : typeof emEntry.value === 'string'
        ? emEntry.value.split(',').map((s) => s.trim()).filter((s) => s !== '')
        : undefined;
    if (!list || list.length === 0) bad(emEntry.key, emEntry.value, `a metric name or a list of them (${allowed.join(', ')})`);
    else {
      const parsed: MetricName[] = [];
      for (const m of list) {
        const ok = typeof m === 'string' && (allowed.includes(m) || (allowed.includes('error') && /^error@(0|1|0?\.\d+|1\.0*)$/.test(m)));
        if (!ok) bad(emEntry.key, m, `a metric for ${objective}: ${allowed.join(', ')}${allowed.includes('error') ? ', error@<threshold>' : ''}`);
        else if (!parsed.includes(m as MetricName)) parsed.push(m as MetricName);
      }
      if (parsed.length > 0) eval_metric = parsed;
    }
  }

  let verbose_eval = 1;
  const veEntry = get('verbose_eval');
  if (veEntry) {
    const v = veEntry.value;
    if (v === true || v === 'true' || v === 'True') verbose_eval = 1;
    else if (v === false || v === 'false' || v === 'False') verbose_eval = 0;
    else verbose_eval = num('verbose_eval', 1, (x) => x >= 0, 'true, false or an integer >= 0 (print every N rounds)', true);
  }

  let nthread: number | undefined;
  if (get('nthread')) nthread = num('nthread', 1, (x) => x >= 1, 'an integer >= 1', true);
  if (get('verbosity')) num('verbosity', 1, (x) => x >= 0 && x <= 3, 'an integer from 0 to 3', true);

  if (issues.length > 0) throw new ValidationError(issues);
  return {
    objective,
    num_round,
    eta,
    max_depth,
    min_child_weight,
    gamma,
    lambda,
    alpha,
    max_delta_step,
    subsample,
    colsample_bytree,
    colsample_bylevel,
    scale_pos_weight,
    base_score,
    max_bin,
    seed,
    num_class,
    ...(early_stopping_rounds !== undefined ? { early_stopping_rounds } : {}),
    eval_metric,
    verbose_eval,
    ...(nthread !== undefined ? { nthread } : {}),
  };
}

/** A finite number from a number or a whole numeric string ("0.3", "1e-3", " 6 "); undefined otherwise. */
function parseNumber(value: unknown): number | undefined {
  if (typeof value === 'number') return Number.isFinite(value) ? value : undefined;
  if (typeof value === 'string') {
    const s = value.trim();
    if (s === '' || !/^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i.test(s)) return undefined;
    const x = Number(s);
    return Number.isFinite(x) ? x : undefined;
  }
  return undefined;
}
