/**
 * @module bias/clarify-config
 * Reads the bias part of a Clarify `analysis_config.json` into a BiasConfig plus the chosen methods, with
 * explicit checks that name the field and the value. Fields for SHAP, PDP, reports, endpoints, separate
 * facet / prediction files are accepted and ignored. Beyond Clarify, a facet's `name_or_index` may be a list
 * (an intersectional facet) with `value_or_threshold` a list of value combinations. A bare number is a threshold,
 * a list holds values, except a one-number list (`[40]`, what the SDK writes for a threshold too), flagged
 * `kindFromData` and resolved against the data by `inferClarifyKinds` as Clarify's type guess would.
 */
import { invalid, ValidationError } from '../core/errors.js';
import type { BiasConfig, CategoryValue, FacetConfig, LabelConfig } from './groups.js';
import { POST_TRAINING_METRICS, PRE_TRAINING_METRICS, type PostTrainingMetric, type PreTrainingMetric } from './metric.js';

export type MethodsChoice<M> = 'all' | M[];

export interface ParsedAnalysisConfig {
  bias: BiasConfig;
  preMethods: MethodsChoice<PreTrainingMetric> | undefined;
  postMethods: MethodsChoice<PostTrainingMetric> | undefined;
  probabilityThreshold?: number;
  modelName?: string;
  headers?: string[];
  datasetType?: string;
}

type Json = Record<string, unknown>;

export function parseAnalysisConfig(json: unknown): ParsedAnalysisConfig {
  const root = object(json, '(analysis config)');
  const headers = optionalStringList(root, 'headers');
  const datasetType = optionalString(root, 'dataset_type');
  const column = (path: string, v: unknown): string => columnName(path, v, headers);

  if (root.label === undefined) throw invalid('label', undefined, 'the label column name or index');
  const label: LabelConfig = { name: column('label', root.label), ...rule('label_values_or_threshold', root.label_values_or_threshold, true) };

  if (root.facet === undefined) throw invalid('facet', undefined, 'a list of {name_or_index, value_or_threshold}');
  if (!Array.isArray(root.facet) || root.facet.length === 0) throw invalid('facet', root.facet, 'a non-empty list of {name_or_index, value_or_threshold}');
  const facets: FacetConfig[] = root.facet.map((f, i) => {
    const path = `facet[${i}]`;
    const o = object(f, path);
    if (o.name_or_index === undefined) throw invalid(`${path}.name_or_index`, undefined, 'a column name or index');
    if (Array.isArray(o.name_or_index)) {
      // Beyond Clarify: an intersectional facet over several columns, values as combinations.
      if (o.name_or_index.length < 2) throw invalid(`${path}.name_or_index`, o.name_or_index, 'a column name or index, or a list of two or more (an intersectional facet)');
      const names = o.name_or_index.map((v, j) => column(`${path}.name_or_index[${j}]`, v));
      return { name: names, ...combinations(`${path}.value_or_threshold`, o.value_or_threshold, names.length) };
    }
    return { name: column(`${path}.name_or_index`, o.name_or_index), ...rule(`${path}.value_or_threshold`, o.value_or_threshold, false) };
  });

  const bias: BiasConfig = { facets, label };
  if (root.group_variable !== undefined) bias.groupVariable = column('group_variable', root.group_variable);
  if (root.predicted_label !== undefined) bias.predictedLabel = column('predicted_label', root.predicted_label);

  let preMethods: ParsedAnalysisConfig['preMethods'];
  let postMethods: ParsedAnalysisConfig['postMethods'];
  if (root.methods !== undefined) {
    const methods = object(root.methods, 'methods');
    if (methods.pre_training_bias !== undefined) {
      preMethods = methodList('methods.pre_training_bias.methods', object(methods.pre_training_bias, 'methods.pre_training_bias').methods, PRE_TRAINING_METRICS);
    }
    if (methods.post_training_bias !== undefined) {
      postMethods = methodList('methods.post_training_bias.methods', object(methods.post_training_bias, 'methods.post_training_bias').methods, POST_TRAINING_METRICS);
    }
  }

  const out: ParsedAnalysisConfig = { bias, preMethods, postMethods };
  let threshold = root.probability_threshold;
  let modelName: string | undefined;
  if (root.predictor !== undefined) {
    const predictor = object(root.predictor, 'predictor');
    modelName = optionalString(predictor, 'model_name', 'predictor.');
    // Some hand-written configs put the cut inside the predictor; the SDK writes it at the top level.
    if (threshold === undefined) threshold = predictor.probability_threshold;
  }
  if (threshold !== undefined) {
    if (typeof threshold !== 'number' || !Number.isFinite(threshold)) throw invalid('probability_threshold', threshold, 'a number such as 0.5');
    out.probabilityThreshold = threshold;
  }
  if (modelName !== undefined) out.modelName = modelName;
  if (headers !== undefined) out.headers = headers;
  if (datasetType !== undefined) out.datasetType = datasetType;
  return out;
}

/** `"all"`, or a list of metric names checked against `valid` (case as Clarify writes them). */
export function methodList<M extends string>(path: string, value: unknown, valid: readonly M[]): MethodsChoice<M> {
  if (value === 'all') return 'all';
  const items = typeof value === 'string' ? value.split(',').map((s) => s.trim()).filter((s) => s !== '') : value;
  if (!Array.isArray(items) || items.length === 0 || !items.every((m): m is string => typeof m === 'string')) {
    throw invalid(path, value, `"all" or a list of metric names (${valid.join(', ')})`);
  }
  const unknown = items.filter((m) => !(valid as readonly string[]).includes(m));
  if (unknown.length > 0) {
    throw new ValidationError([{ path, message: `unknown metric${unknown.length > 1 ? 's' : ''} ${unknown.map((m) => JSON.stringify(m)).join(', ')}; valid: ${valid.join(', ')}` }]);
  }
  return [...new Set(items)] as M[];
}

function rule(path: string, value: unknown, required: boolean): { values?: CategoryValue[]; threshold?: number; kindFromData?: boolean } {
  if (value === undefined || value === null) {
    if (required) throw invalid(path, value, 'a list of values or a number');
    return {};
  }
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw invalid(path, value, 'a list of values or a number');
    return { threshold: value };
  }
  if (Array.isArray(value)) {
    value.forEach((v, i) => {
      if (typeof v !== 'string' && typeof v !== 'boolean' && !(typeof v === 'number' && Number.isFinite(v))) {
        throw invalid(`${path}[${i}]`, v, 'a string, number or boolean');
      }
    });
    if (required && value.length === 0) throw invalid(path, value, 'at least one positive label value, or a number');
    // Clarify reads [40] as a threshold on a continuous column and as a value on a categorical one: decided from the data.
    if (value.length === 1 && typeof value[0] === 'number') return { values: value as CategoryValue[], kindFromData: true };
    return { values: value as CategoryValue[] };
  }
  throw invalid(path, value, 'a list of values or a number');
}

function combinations(path: string, value: unknown, width: number): { values?: CategoryValue[][] } {
  if (value === undefined || value === null) return {};
  const ok = (c: unknown): c is CategoryValue[] =>
    Array.isArray(c) && c.length === width && c.every((v) => typeof v === 'string' || typeof v === 'boolean' || (typeof v === 'number' && Number.isFinite(v)));
  if (!Array.isArray(value) || !value.every(ok)) throw invalid(path, value, `a list of value combinations, ${width} values each (one per column)`);
  return value.length > 0 ? { values: value } : {};
}

function columnName(path: string, value: unknown, headers: string[] | undefined): string {
  if (typeof value === 'string') {
    if (value === '') throw invalid(path, value, 'a column name or index');
    return value;
  }
  if (typeof value === 'number' && Number.isInteger(value) && value >= 0) {
    if (!headers) throw invalid(path, value, 'a column name (an index needs "headers")');
    const name = headers[value];
    if (name === undefined) throw invalid(path, value, `an index below ${headers.length} (the number of headers)`);
    return name;
  }
  throw invalid(path, value, 'a column name or index');
}

function object(value: unknown, path: string): Json {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) throw invalid(path, value, 'a JSON object');
  return value as Json;
}

function optionalString(o: Json, key: string, prefix = ''): string | undefined {
  const v = o[key];
  if (v === undefined) return undefined;
  if (typeof v !== 'string' || v === '') throw invalid(prefix + key, v, 'a non-empty string');
  return v;
}

function optionalStringList(o: Json, key: string): string[] | undefined {
  const v = o[key];
  if (v === undefined) return undefined;
  if (!Array.isArray(v) || !v.every((s) => typeof s === 'string')) throw invalid(key, v, 'a list of column names');
  return v as string[];
}
