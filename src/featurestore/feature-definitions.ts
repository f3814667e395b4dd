/**
 * @module featurestore/feature-definitions
 * Feature definitions: inferring them from a table as SageMaker's `load_feature_definitions` does, and the
 * naming rules of the SMFS API.
 */
import type { ColumnTable } from '../core/columns.js';
import { ValidationError, type Issue } from '../core/errors.js';
import type { FeatureDefinition, FeatureType } from './model.js';

export const FEATURE_GROUP_NAME_PATTERN = /^[a-zA-Z0-9]([_-]*[a-zA-Z0-9]){0,63}$/;
export const FEATURE_NAME_PATTERN = /^[a-zA-Z0-9]([-_]*[a-zA-Z0-9]){0,63}$/;
export const RESERVED_FEATURE_NAMES = ['is_deleted', 'write_time', 'api_invocation_time'] as const;
export const FEATURE_TYPES: readonly FeatureType[] = ['Integral', 'Fractional', 'String'];
export const MAX_FEATURE_DEFINITIONS = 2500;

export interface InferredDefinitions {
  definitions: FeatureDefinition[];
  /** Where plumbline chose a type SageMaker would have refused (booleans, timestamps). */
  notes: string[];
}

/**
 * ints -> Integral, floats -> Fractional, strings -> String, as SageMaker infers them. Where SageMaker
 * raises "Failed to infer Feature type", plumbline picks the sensible type and says so in a note:
 * booleans become Integral (0/1) and timestamps become String (ISO-8601).
 */
export function inferFeatureDefinitions(table: ColumnTable): InferredDefinitions {
  const notes: string[] = [];
  const definitions = table.columns.map((c): FeatureDefinition => {
    switch (c.type) {
      case 'int':
        return { FeatureName: c.name, FeatureType: 'Integral' };
      case 'float':
        return { FeatureName: c.name, FeatureType: 'Fractional' };
      case 'bool':
        notes.push(`column "${c.name}" is boolean: stored as Integral (1 = true, 0 = false)`);
        return { FeatureName: c.name, FeatureType: 'Integral' };
      case 'timestamp':
        notes.push(`column "${c.name}" is a timestamp: stored as String (ISO-8601 UTC)`);
        return { FeatureName: c.name, FeatureType: 'String' };
      default:
        return { FeatureName: c.name, FeatureType: 'String' };
    }
  });
  return { definitions, notes };
}

/** Checks a list of definitions against the SMFS rules; returns the issues found (empty when valid). */
export function definitionIssues(definitions: FeatureDefinition[], path = 'featureDefinitions'): Issue[] {
  const issues: Issue[] = [];
  if (!Array.isArray(definitions) || definitions.length === 0) {
    return [{ path, message: 'expected at least one feature definition' }];
  }
  if (definitions.length > MAX_FEATURE_DEFINITIONS) {
    issues.push({ path, message: `got ${definitions.length} definitions, expected at most ${MAX_FEATURE_DEFINITIONS}` });
  }
  const seen = new Map<string, string>();
  definitions.forEach((d, i) => {
    const at = `${path}[${i}]`;
    const name = d?.FeatureName;
    if (typeof name !== 'string' || !FEATURE_NAME_PATTERN.test(name)) {
      issues.push({ path: `${at}.FeatureName`, message: `got ${JSON.stringify(name)}, expected 1-64 letters, digits, '-' or '_', starting and ending with a letter or digit` });
    } else if ((RESERVED_FEATURE_NAMES as readonly string[]).includes(name.toLowerCase())) {
      issues.push({ path: `${at}.FeatureName`, message: `"${name}" is reserved for the offline store (${RESERVED_FEATURE_NAMES.join(', ')})` });
    } else {
      // SQL engines (DuckDB, Athena) fold identifiers case-insensitively, so "A" and "a" would collide offline.
      const folded = name.toLowerCase();
      const previous = seen.get(folded);
      if (previous !== undefined) issues.push({ path: `${at}.FeatureName`, message: `"${name}" duplicates "${previous}" (names are compared case-insensitively)` });
      else seen.set(folded, name);
    }
    if (!FEATURE_TYPES.includes(d?.FeatureType)) {
      issues.push({ path: `${at}.FeatureType`, message: `got ${JSON.stringify(d?.FeatureType)}, expected one of Integral, Fractional, String` });
    }
  });
  return issues;
}

export function assertDefinitions(definitions: FeatureDefinition[], path?: string): void {
  const issues = definitionIssues(definitions, path);
  if (issues.length > 0) throw new ValidationError(issues);
}

/** Parses `name:Type` (CLI `--add-feature`). */
export function parseFeatureSpec(spec: string): FeatureDefinition {
  const m = /^([^:]+):(Integral|Fractional|String)$/i.exec(spec.trim());
  if (!m) throw new ValidationError([{ path: 'feature', message: `got ${JSON.stringify(spec)}, expected NAME:TYPE with TYPE one of Integral, Fractional, String` }]);
  const type = FEATURE_TYPES.find((t) => t.toLowerCase() === m[2]!.toLowerCase())!;
  return { FeatureName: m[1]!, FeatureType: type };
}
