/**
 * @module monitor/checks
 * Model Monitor's data-quality checks and `constraint_violations.json`: checkConstraints / evaluateConstraints,
 * Deequ's drift distances, and the file's exact text form.
 */
export {
  checkConstraints,
  evaluateConstraints,
  EXTENSION_CHECKS,
  type CheckInput,
  type CheckReport,
  type CheckResult,
  type CheckType,
  type Violation,
  type ViolationsJson,
} from './check-constraints.js';
export { kllLinf, categoricalLinf, chiSquaredPValue, robust, DEFAULT_C_ALPHA } from './distance.js';
export { formatViolationsJson, parseViolations } from './violations-json.js';
