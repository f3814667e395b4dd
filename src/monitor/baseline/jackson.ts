/**
 * @module monitor/baseline/jackson
 * Text exactly as the analyzer container writes its JSON files (Jackson's default pretty printer):
 * `"key" : value`, two-space indentation per object level, arrays inline (`[ 1.0, 2.0 ]`, `[ {` ... `} ]`),
 * `{ }` / `[ ]` when empty, doubles always with a decimal part in Java's `Double.toString` form (`2048.0`,
 * `1.0E-4`), non-finite doubles as the strings "NaN" / "Infinity".
 */
import type { ConstraintsJson, FeatureConstraint, StatisticsJson } from './types.js';

/** Java's `Double.toString`: plain between 1e-3 and 1e7, otherwise `d.dddE±n`; always a decimal point. */
export function javaDouble(x: number): string {
  if (Object.is(x, -0)) return '-0.0';
  if (x === 0) return '0.0';
  const a = Math.abs(x);
  if (a >= 1e-3 && a < 1e7) {
    const s = String(x);
    return s.includes('.') ? s : s + '.0';
  }
  const [mantissa, exponent] = x.toExponential().split('e') as [string, string];
  return `${mantissa.includes('.') ? mantissa : mantissa + '.0'}E${exponent.replace('+', '')}`;
}

type Path = readonly string[];

/** Serialises `value` like Jackson; `isDouble(path)` says which numbers are Java doubles (path of keys, `[]` for array items). */
export function jacksonStringify(value: unknown, isDouble: (path: Path) => boolean): string {
  return write(value, [], 0, isDouble);
}

function write(value: unknown, path: Path, level: number, isDouble: (path: Path) => boolean): string {
  if (value === null || value === undefined) return 'null';
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) return JSON.stringify(Number.isNaN(value) ? 'NaN' : value > 0 ? 'Infinity' : '-Infinity');
    if (isDouble(path)) return javaDouble(value);
    return Number.isInteger(value) ? String(value) : javaDouble(value);
  }
  if (typeof value === 'string' || typeof value === 'boolean') return JSON.stringify(value);
  if (Array.isArray(value)) {
    if (value.length === 0) return '[ ]';
    const inner = [...path, '[]'];
    return `[ ${value.map((v) => write(v, inner, level, isDouble)).join(', ')} ]`;
  }
  if (typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).filter(([, v]) => v !== undefined);
    if (entries.length === 0) return '{ }';
    const pad = '  '.repeat(level + 1);
    const body = entries.map(([k, v]) => `${pad}${JSON.stringify(k)} : ${write(v, [...path, k], level + 1, isDouble)}`).join(',\n');
    return `{\n${body}\n${'  '.repeat(level)}}`;
  }
  return JSON.stringify(String(value));
}

const STATISTICS_DOUBLES = new Set(['version', 'mean', 'sum', 'std_dev', 'min', 'max', 'lower_bound', 'upper_bound', 'c', 'k', 'distinct_count']);
const CONSTRAINTS_DOUBLES = new Set(['version', 'completeness', 'datatype_check_threshold', 'domain_content_threshold', 'comparison_threshold', 'categorical_comparison_threshold']);

function statisticsDouble(path: Path): boolean {
  const key = path[path.length - 1]!;
  if (STATISTICS_DOUBLES.has(key)) return true;
  if (path.includes('kll') && (key === 'count' || path.includes('data'))) return true;
  return false;
}

/** `statistics.json` text as the container writes it (plumbline's `observed` counts are left out). */
export function formatStatisticsJson(stats: StatisticsJson): string {
  const clean = {
    version: stats.version,
    dataset: { item_count: stats.dataset.item_count },
    features: stats.features.map((f) => {
      const out: Record<string, unknown> = { name: f.name, inferred_type: f.inferred_type };
      if (f.numerical_statistics) out.numerical_statistics = f.numerical_statistics;
      if (f.string_statistics) out.string_statistics = f.string_statistics;
      return out;
    }),
  };
  return jacksonStringify(clean, statisticsDouble);
}

/** `constraints.json` text as the container writes it (overrides in the documented camelCase form). */
export function formatConstraintsJson(constraints: ConstraintsJson): string {
  const clean = {
    version: constraints.version,
    features: constraints.features.map((f: FeatureConstraint) => {
      const out: Record<string, unknown> = { name: f.name, inferred_type: f.inferred_type };
      if (f.completeness !== undefined) out.completeness = f.completeness;
      if (f.num_constraints) out.num_constraints = f.num_constraints;
      if (f.string_constraints) out.string_constraints = f.string_constraints;
      if (f.monitoringConfigOverrides) out.monitoringConfigOverrides = f.monitoringConfigOverrides;
      return out;
    }),
    monitoring_config: constraints.monitoring_config,
  };
  return jacksonStringify(clean, (p) => CONSTRAINTS_DOUBLES.has(p[p.length - 1]!));
}
