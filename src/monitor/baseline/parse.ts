/**
 * @module monitor/baseline/parse
 * Reads `statistics.json` and `constraints.json` (from plumbline or from SageMaker's container) into typed
 * objects, checking every field. Accepts what real files contain: Jackson's "NaN"/"Infinity" strings for
 * doubles, the legacy `enable_comparisons` / `min_domain_mass` keys, and all three spellings of per-feature
 * overrides (`monitoringConfigOverrides`, `monitoring_config_overrides` on the feature or inside
 * `string_constraints`), which are read into `monitoringConfigOverrides`. Errors name the file and the field.
 */
import { ValidationError, describeValue, type Issue } from '../../core/errors.js';
import {
  INFERRED_TYPES,
  type CategoricalBucket,
  type ComparisonMethod,
  type ConstraintsJson,
  type DistributionConstraints,
  type EnabledFlag,
  type FeatureConstraint,
  type FeatureStatistics,
  type InferredType,
  type KllBucket,
  type MonitoringConfig,
  type NumericalStatistics,
  type StatisticsJson,
  type StringStatistics,
} from './types.js';

type Obj = Record<string, unknown>;

class Reader {
  readonly issues: Issue[] = [];
  constructor(private readonly source: string) {}

  fail(path: string, value: unknown, expected: string): undefined {
    if (this.issues.length < 20) this.issues.push({ path: `${this.source}: ${path}`, message: `got ${describeValue(value)}, expected ${expected}` });
    return undefined;
  }

  object(value: unknown, path: string): Obj | undefined {
    if (value !== null && typeof value === 'object' && !Array.isArray(value)) return value as Obj;
    return this.fail(path, value, 'an object');
  }

  array(value: unknown, path: string): unknown[] | undefined {
    if (Array.isArray(value)) return value;
    return this.fail(path, value, 'an array');
  }

  /** A double: a JSON number or Jackson's "NaN" / "Infinity" / "-Infinity". */
  number(value: unknown, path: string): number {
    if (typeof value === 'number') return value;
    if (value === 'NaN') return NaN;
    if (value === 'Infinity') return Infinity;
    if (value === '-Infinity') return -Infinity;
    this.fail(path, value, 'a number');
    return NaN;
  }

  count(value: unknown, path: string): number {
    if (typeof value === 'number' && Number.isInteger(value) && value >= 0) return value;
    // Some writers emit counts as doubles (`418.0` parses as 418); anything else is wrong.
    this.fail(path, value, 'a count (an integer >= 0)');
    return 0;
  }

  string(value: unknown, path: string): string {
    if (typeof value === 'string') return value;
    this.fail(path, value, 'a string');
    return '';
  }

  share(value: unknown, path: string): number | undefined {
    if (typeof value === 'number' && value >= 0 && value <= 1) return value;
    return this.fail(path, value, 'a number from 0 to 1');
  }

  flag(value: unknown, path: string): EnabledFlag | undefined {
    if (value === 'Enabled' || value === 'Disabled') return value;
    if (value === true) return 'Enabled';
    if (value === false) return 'Disabled';
    return this.fail(path, value, '"Enabled" or "Disabled"');
  }

  type(value: unknown, path: string): InferredType {
    if (typeof value === 'string' && (INFERRED_TYPES as readonly string[]).includes(value)) return value as InferredType;
    if (value === 'Boolean') return 'String';
    this.fail(path, value, `one of ${INFERRED_TYPES.join(', ')}`);
    return 'Unknown';
  }

  throwIfAny(): void {
    if (this.issues.length > 0) throw new ValidationError(this.issues, { source: this.source });
  }
}

/**
 * The file's root object. Throws at once when it is not an object, or when it is the model-quality kind of
 * the file (no `features`, and a key matching `modelQualityKey`) where the data-quality one is expected.
 */
function dataQualityRoot(r: Reader, json: unknown, file: 'statistics' | 'constraints', modelQualityKey: RegExp): Obj {
  const root = r.object(json, '(file)');
  if (!root) return (r.throwIfAny(), undefined as never);
  if (!('features' in root) && Object.keys(root).some((k) => modelQualityKey.test(k))) {
    r.fail('features', undefined, `data-quality ${file} with \`features\` (this is a model-quality ${file} file)`);
    r.throwIfAny();
  }
  // A statistics.json given as constraints (or the reverse) would otherwise half-parse: say which file it is.
  const other = file === 'statistics' ? 'constraints' : 'statistics';
  const featureHas = (keys: string[]) => Array.isArray(root.features) && root.features.some((f) => f !== null && typeof f === 'object' && keys.some((k) => k in f));
  const swapped =
    file === 'constraints'
      ? 'dataset' in root || featureHas(['numerical_statistics', 'string_statistics'])
      : !('dataset' in root) && ('monitoring_config' in root || featureHas(['num_constraints', 'string_constraints']));
  if (swapped) {
    r.fail('(file)', Object.keys(root), `a ${file}.json, not a ${other}.json (were the statistics and constraints files swapped?)`);
    r.throwIfAny();
  }
  return root;
}

/**
 * Visits each object of the `features` array with its path (`features[i]`) and its name, recording an issue for
 * an entry that is not an object (not visited), a name that is not a string, or a name used by an earlier feature.
 */
function forEachNamedFeature(r: Reader, list: unknown, visit: (feature: Obj, path: string, name: string, raw: unknown) => void): void {
  const names = new Set<string>();
  (r.array(list, 'features') ?? []).forEach((raw, i) => {
    const p = `features[${i}]`;
    const f = r.object(raw, p);
    if (!f) return;
    const name = r.string(f.name, `${p}.name`);
    if (name !== '' && names.has(name)) r.fail(`${p}.name`, name, 'a feature name not used by an earlier feature');
    names.add(name);
    visit(f, p, name, raw);
  });
}

/** Validates a data-quality `statistics.json` (plumbline's or the container's) and returns it typed. */
export function parseStatistics(json: unknown, source = 'statistics.json'): StatisticsJson {
  const r = new Reader(source);
  const root = dataQualityRoot(r, json, 'statistics', /_metrics$/);
  const version = root.version === undefined ? 0.0 : r.number(root.version, 'version');
  const dataset = r.object(root.dataset, 'dataset');
  const itemCount = dataset ? r.count(dataset.item_count, 'dataset.item_count') : 0;
  const features: FeatureStatistics[] = [];
  forEachNamedFeature(r, root.features, (f, p, name, raw) => {
    const feature: FeatureStatistics = { name, inferred_type: r.type(f.inferred_type, `${p}.inferred_type`) };
    if (f.numerical_statistics !== undefined) {
      const n = readNumerical(r, f.numerical_statistics, `${p}.numerical_statistics`);
      if (n) feature.numerical_statistics = n;
    }
    if (f.string_statistics !== undefined) {
      const s = readString(r, f.string_statistics, `${p}.string_statistics`);
      if (s) feature.string_statistics = s;
    }
    if (!feature.numerical_statistics && !feature.string_statistics && feature.inferred_type !== 'Unknown') r.fail(p, raw, 'numerical_statistics or string_statistics');
    features.push(feature);
  });
  r.throwIfAny();
  return { version, dataset: { item_count: itemCount }, features };
}

function readCommon(r: Reader, raw: unknown, p: string): { num_present: number; num_missing: number } {
  const c = r.object(raw, `${p}.common`);
  return { num_present: r.count(c?.num_present, `${p}.common.num_present`), num_missing: r.count(c?.num_missing, `${p}.common.num_missing`) };
}

function readNumerical(r: Reader, raw: unknown, p: string): NumericalStatistics | undefined {
  const o = r.object(raw, p);
  if (!o) return undefined;
  const out: NumericalStatistics = {
    common: readCommon(r, o.common, p),
    mean: r.number(o.mean, `${p}.mean`),
    sum: r.number(o.sum, `${p}.sum`),
    std_dev: r.number(o.std_dev, `${p}.std_dev`),
    min: r.number(o.min, `${p}.min`),
    max: r.number(o.max, `${p}.max`),
  };
  if (o.distribution !== undefined) {
    const d = r.object(o.distribution, `${p}.distribution`);
    const kll = d ? r.object(d.kll, `${p}.distribution.kll`) : undefined;
    if (kll) {
      const buckets: KllBucket[] = (r.array(kll.buckets, `${p}.distribution.kll.buckets`) ?? []).map((b, j) => {
        const bp = `${p}.distribution.kll.buckets[${j}]`;
        const bo = r.object(b, bp);
        return { lower_bound: r.number(bo?.lower_bound, `${bp}.lower_bound`), upper_bound: r.number(bo?.upper_bound, `${bp}.upper_bound`), count: r.number(bo?.count, `${bp}.count`) };
      });
      const sp = `${p}.distribution.kll.sketch`;
      const sketch = r.object(kll.sketch, sp);
      const params = sketch ? r.object(sketch.parameters, `${sp}.parameters`) : undefined;
      const c = r.number(params?.c, `${sp}.parameters.c`);
      const k = r.number(params?.k, `${sp}.parameters.k`);
      if (params && !(c > 0 && c < 1)) r.fail(`${sp}.parameters.c`, params.c, 'a shrinking factor between 0 and 1 (0.64)');
      if (params && !(Number.isInteger(k) && k >= 2)) r.fail(`${sp}.parameters.k`, params.k, 'a sketch size, an integer >= 2 (2048.0)');
      const data = (sketch ? r.array(sketch.data, `${sp}.data`) ?? [] : []).map((level, h) =>
        (r.array(level, `${sp}.data[${h}]`) ?? []).map((x, j) => r.number(x, `${sp}.data[${h}][${j}]`)),
      );
      out.distribution = { kll: { buckets, sketch: { parameters: { c, k }, data } } };
    }
  }
  return out;
}

function readString(r: Reader, raw: unknown, p: string): StringStatistics | undefined {
  const o = r.object(raw, p);
  if (!o) return undefined;
  const out: StringStatistics = { common: readCommon(r, o.common, p), distinct_count: r.number(o.distinct_count, `${p}.distinct_count`) };
  if (o.distribution !== undefined) {
    const d = r.object(o.distribution, `${p}.distribution`);
    const cat = d ? r.object(d.categorical, `${p}.distribution.categorical`) : undefined;
    if (cat) {
      const buckets: CategoricalBucket[] = (r.array(cat.buckets, `${p}.distribution.categorical.buckets`) ?? []).map((b, j) => {
        const bp = `${p}.distribution.categorical.buckets[${j}]`;
        const bo = r.object(b, bp);
        const value = typeof bo?.value === 'number' || typeof bo?.value === 'boolean' ? String(bo.value) : r.string(bo?.value, `${bp}.value`);
        return { value, count: r.number(bo?.count, `${bp}.count`) };
      });
      out.distribution = { categorical: { buckets } };
    }
  }
  return out;
}

/** Validates `constraints.json` (plumbline's, the container's, or hand-edited) and returns it typed. */
export function parseConstraints(json: unknown, source = 'constraints.json'): ConstraintsJson {
  const r = new Reader(source);
  const root = dataQualityRoot(r, json, 'constraints', /_constraints$/);
  const version = root.version === undefined ? 0.0 : r.number(root.version, 'version');
  const features: FeatureConstraint[] = [];
  forEachNamedFeature(r, root.features, (f, p, name) => {
    const out: FeatureConstraint = { name, inferred_type: r.type(f.inferred_type, `${p}.inferred_type`) };
    if (f.completeness !== undefined) {
      const c = r.share(f.completeness, `${p}.completeness`);
      if (c !== undefined) out.completeness = c;
    }
    if (f.num_constraints !== undefined) {
      const n = r.object(f.num_constraints, `${p}.num_constraints`);
      if (n && n.is_non_negative !== undefined) {
        if (typeof n.is_non_negative === 'boolean') out.num_constraints = { is_non_negative: n.is_non_negative };
        else r.fail(`${p}.num_constraints.is_non_negative`, n.is_non_negative, 'true or false');
      } else if (n) out.num_constraints = {};
    }
    const overrides: MonitoringConfig[] = [];
    if (f.string_constraints !== undefined) {
      const s = r.object(f.string_constraints, `${p}.string_constraints`);
      if (s) {
        out.string_constraints = {};
        if (s.domains !== undefined) {
          const domains = r.array(s.domains, `${p}.string_constraints.domains`);
          if (domains) out.string_constraints.domains = domains.map((d, j) => (typeof d === 'number' || typeof d === 'boolean' ? String(d) : r.string(d, `${p}.string_constraints.domains[${j}]`)));
        }
        if (s.monitoring_config_overrides !== undefined) overrides.push(readConfig(r, s.monitoring_config_overrides, `${p}.string_constraints.monitoring_config_overrides`));
        if (s.monitoringConfigOverrides !== undefined) overrides.push(readConfig(r, s.monitoringConfigOverrides, `${p}.string_constraints.monitoringConfigOverrides`));
      }
    }
    if (f.monitoring_config_overrides !== undefined) overrides.push(readConfig(r, f.monitoring_config_overrides, `${p}.monitoring_config_overrides`));
    if (f.monitoringConfigOverrides !== undefined) overrides.push(readConfig(r, f.monitoringConfigOverrides, `${p}.monitoringConfigOverrides`));
    if (overrides.length > 0) out.monitoringConfigOverrides = mergeConfigs(overrides);
    features.push(out);
  });
  const monitoring_config = root.monitoring_config === undefined ? {} : readConfig(r, root.monitoring_config, 'monitoring_config');
  r.throwIfAny();
  return { version, features, monitoring_config };
}

function readConfig(r: Reader, raw: unknown, p: string): MonitoringConfig {
  const o = r.object(raw, p);
  const out: MonitoringConfig = {};
  if (!o) return out;
  if (o.evaluate_constraints !== undefined) {
    const v = r.flag(o.evaluate_constraints, `${p}.evaluate_constraints`);
    if (v) out.evaluate_constraints = v;
  }
  if (o.emit_metrics !== undefined) {
    const v = r.flag(o.emit_metrics, `${p}.emit_metrics`);
    if (v) out.emit_metrics = v;
  }
  if (o.datatype_check_threshold !== undefined) {
    const v = r.share(o.datatype_check_threshold, `${p}.datatype_check_threshold`);
    if (v !== undefined) out.datatype_check_threshold = v;
  }
  if (o.domain_content_threshold !== undefined) {
    const v = r.share(o.domain_content_threshold, `${p}.domain_content_threshold`);
    if (v !== undefined) out.domain_content_threshold = v;
  }
  if (o.distribution_constraints !== undefined) {
    const dp = `${p}.distribution_constraints`;
    const d = r.object(o.distribution_constraints, dp);
    if (d) {
      const dc: DistributionConstraints = {};
      if (d.perform_comparison !== undefined) {
        const v = r.flag(d.perform_comparison, `${dp}.perform_comparison`);
        if (v) dc.perform_comparison = v;
      } else if (typeof d.enable_comparisons === 'boolean') {
        // Legacy key (SDK fixture tests/data/monitor/constraints.json).
        dc.perform_comparison = d.enable_comparisons ? 'Enabled' : 'Disabled';
      }
      if (d.comparison_threshold !== undefined) {
        const v = r.share(d.comparison_threshold, `${dp}.comparison_threshold`);
        if (v !== undefined) dc.comparison_threshold = v;
      }
      if (d.comparison_method !== undefined) {
        const m = comparisonMethod(d.comparison_method);
        if (m) dc.comparison_method = m;
        else r.fail(`${dp}.comparison_method`, d.comparison_method, '"Simple" or "Robust"');
      }
      if (d.categorical_comparison_threshold !== undefined) {
        const v = r.share(d.categorical_comparison_threshold, `${dp}.categorical_comparison_threshold`);
        if (v !== undefined) dc.categorical_comparison_threshold = v;
      }
      if (d.categorical_drift_method !== undefined) {
        if (d.categorical_drift_method === 'LInfinity' || d.categorical_drift_method === 'ChiSquared') dc.categorical_drift_method = d.categorical_drift_method;
        else r.fail(`${dp}.categorical_drift_method`, d.categorical_drift_method, '"LInfinity" or "ChiSquared"');
      }
      out.distribution_constraints = dc;
    }
  }
  return out;
}

function comparisonMethod(v: unknown): ComparisonMethod | undefined {
  if (v === 'Simple' || v === 'linf_simple') return 'Simple';
  if (v === 'Robust' || v === 'linf_robust') return 'Robust';
  return undefined;
}

/** Later configs win, key by key (distribution constraints merged too). */
export function mergeConfigs(configs: MonitoringConfig[]): MonitoringConfig {
  const out: MonitoringConfig = {};
  for (const c of configs) {
    const { distribution_constraints, ...rest } = c;
    Object.assign(out, rest);
    if (distribution_constraints) out.distribution_constraints = { ...(out.distribution_constraints ?? {}), ...distribution_constraints };
  }
  return out;
}
