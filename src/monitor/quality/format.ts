/**
 * @module monitor/quality/format
 * Model-quality `statistics.json`, `constraints.json` and `constraint_violations.json` in the text form the
 * container writes (Jackson's pretty printer, as the data-quality files): `"key" : value`, and the metric
 * values, standard deviations, thresholds, `version` and curve points as Java doubles (`1.0`, `"NaN"`).
 */
import { jacksonStringify } from '../baseline/index.js';

const DOUBLE_KEYS = new Set(['version', 'value', 'standard_deviation', 'threshold']);
const CURVE_ARRAYS = new Set(['false_positive_rates', 'true_positive_rates', 'precisions', 'recalls']);

/** A model-quality file (statistics, constraints or violations) as the container writes it. */
export function formatModelQualityJson(value: unknown): string {
  return jacksonStringify(value, (path) => {
    const last = path[path.length - 1]!;
    return DOUBLE_KEYS.has(last) || (last === '[]' && CURVE_ARRAYS.has(path[path.length - 2]!));
  });
}
