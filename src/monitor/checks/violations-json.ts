/**
 * @module monitor/checks/violations-json
 * `constraint_violations.json`: the container's text form (Jackson pretty printer; an empty list when clean)
 * and a reader for real files.
 */
import { ValidationError, describeValue, type Issue } from '../../core/errors.js';
import { jacksonStringify } from '../baseline/index.js';
import type { Violation, ViolationsJson } from './check-constraints.js';

export function formatViolationsJson(v: ViolationsJson): string {
  return jacksonStringify({ violations: v.violations.map((x) => ({ ...x })) }, () => false);
}

/** Reads a `constraint_violations.json` (plumbline's or the container's). */
export function parseViolations(json: unknown, source = 'constraint_violations.json'): ViolationsJson {
  const issues: Issue[] = [];
  const fail = (path: string, value: unknown, expected: string) => issues.push({ path: `${source}: ${path}`, message: `got ${describeValue(value)}, expected ${expected}` });
  const root = json !== null && typeof json === 'object' && !Array.isArray(json) ? (json as Record<string, unknown>) : undefined;
  if (!root) fail('(file)', json, 'an object');
  const list = root?.violations;
  if (root && !Array.isArray(list)) fail('violations', list, 'an array');
  const violations: Violation[] = [];
  (Array.isArray(list) ? list : []).forEach((raw, i) => {
    const o = raw !== null && typeof raw === 'object' ? (raw as Record<string, unknown>) : {};
    const v: Violation = { feature_name: '', constraint_check_type: '', description: '' };
    for (const key of ['feature_name', 'constraint_check_type', 'description'] as const) {
      if (typeof o[key] === 'string') v[key] = o[key] as string;
      else fail(`violations[${i}].${key}`, o[key], 'a string');
    }
    if (o.extension === true) v.extension = true;
    violations.push(v);
  });
  if (issues.length > 0) throw new ValidationError(issues, { source });
  return { violations };
}
