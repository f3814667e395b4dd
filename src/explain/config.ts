/**
 * @module explain/config
 * `SHAPConfig` and `PDPConfig` as the SageMaker SDK names them (camelCase options), validated when built,
 * and the explainability part of a Clarify `analysis_config.json` (`methods.shap`, `methods.pdp`,
 * `headers`, `label`, `predictor.model_name`, `predictor.label_headers`, `methods.report.title`) read into them.
 */
import { invalid, ValidationError } from '../core/errors.js';
import { checkAggMethod, type AggMethod } from './aggregate.js';

/** A baseline: in-place rows (features only), a file path or object-store URI, or rows as objects. */
export type BaselineInput = (number | string | null)[][] | Record<string, unknown>[] | string;

export interface ShapConfigInput {
  baseline?: BaselineInput;
  /** Clusters of the data used as baseline (K-means / K-prototypes) when no baseline is given. */
  numClusters?: number;
  numSamples?: number;
  aggMethod?: AggMethod;
  useLogit?: boolean;
  /** Write explanations_shap/out.csv. Default true (as the SDK). */
  saveLocalShapValues?: boolean;
  seed?: number;
  /** Feature names or indices; default all. */
  featuresToExplain?: (string | number)[];
  /** Features treated as categorical by K-prototypes (default: features with at most two distinct values). */
  categoricalFeatures?: (string | number)[];
}

export class SHAPConfig {
  readonly baseline?: BaselineInput;
  readonly numClusters?: number;
  readonly numSamples?: number;
  readonly aggMethod: AggMethod;
  readonly useLogit: boolean;
  readonly saveLocalShapValues: boolean;
  readonly seed?: number;
  readonly featuresToExplain?: (string | number)[];
  readonly categoricalFeatures?: (string | number)[];

  constructor(input: ShapConfigInput = {}) {
    if (input.baseline !== undefined && input.numClusters !== undefined) {
      throw new ValidationError([{ path: 'num_clusters', message: 'give a baseline or num_clusters, not both' }]);
    }
    if (input.baseline !== undefined) {
      if (typeof input.baseline === 'string') {
        if (input.baseline.trim() === '') throw invalid('baseline', input.baseline, 'a file path, an object-store URI or a list of rows');
      } else if (!Array.isArray(input.baseline) || input.baseline.length === 0) throw invalid('baseline', input.baseline, 'a non-empty list of rows, a file path or an object-store URI');
      this.baseline = input.baseline;
    }
    if (input.numClusters !== undefined) {
      if (!Number.isInteger(input.numClusters) || input.numClusters < 1) throw invalid('num_clusters', input.numClusters, 'an integer >= 1');
      this.numClusters = input.numClusters;
    }
    if (input.numSamples !== undefined) {
      if (!Number.isInteger(input.numSamples) || input.numSamples < 2) throw invalid('num_samples', input.numSamples, 'an integer >= 2');
      this.numSamples = input.numSamples;
    }
    this.aggMethod = input.aggMethod === undefined ? 'mean_abs' : checkAggMethod(input.aggMethod);
    if (input.useLogit !== undefined && typeof input.useLogit !== 'boolean') throw invalid('use_logit', input.useLogit, 'true or false');
    this.useLogit = input.useLogit ?? false;
    if (input.saveLocalShapValues !== undefined && typeof input.saveLocalShapValues !== 'boolean') throw invalid('save_local_shap_values', input.saveLocalShapValues, 'true or false');
    this.saveLocalShapValues = input.saveLocalShapValues ?? true;
    if (input.seed !== undefined) {
      if (!Number.isInteger(input.seed)) throw invalid('seed', input.seed, 'an integer');
      this.seed = input.seed;
    }
    if (input.featuresToExplain !== undefined) this.featuresToExplain = featureList('features_to_explain', input.featuresToExplain);
    if (input.categoricalFeatures !== undefined) this.categoricalFeatures = featureList('categorical_features', input.categoricalFeatures, true);
  }

  /** The `methods.shap` object of an analysis_config.json. */
  toAnalysisConfig(): Record<string, unknown> {
    return {
      ...(this.baseline !== undefined ? { baseline: this.baseline } : {}),
      ...(this.numClusters !== undefined ? { num_clusters: this.numClusters } : {}),
      ...(this.numSamples !== undefined ? { num_samples: this.numSamples } : {}),
      agg_method: this.aggMethod,
      use_logit: this.useLogit,
      save_local_shap_values: this.saveLocalShapValues,
      ...(this.seed !== undefined ? { seed: this.seed } : {}),
      ...(this.featuresToExplain !== undefined ? { features_to_explain: this.featuresToExplain } : {}),
    };
  }
}

export interface PdpConfigInput {
  /** Feature names or indices; default the top-k features by global SHAP value. */
  features?: (string | number)[];
  /** Grid points per numeric feature (default 15, as the SDK). */
  gridResolution?: number;
  /** With no `features`: how many of the most important features (default 10, as the SDK). */
  topK?: number;
}

export class PDPConfig {
  readonly features?: (string | number)[];
  readonly gridResolution: number;
  readonly topK: number;

  constructor(input: PdpConfigInput = {}) {
    if (input.features !== undefined) this.features = featureList('pdp.features', input.features);
    const grid = input.gridResolution ?? 15;
    if (!Number.isInteger(grid) || grid < 2) throw invalid('grid_resolution', input.gridResolution, 'an integer >= 2');
    this.gridResolution = grid;
    const topK = input.topK ?? 10;
    if (!Number.isInteger(topK) || topK < 1) throw invalid('top_k_features', input.topK, 'an integer >= 1');
    this.topK = topK;
  }

  toAnalysisConfig(): Record<string, unknown> {
    return { ...(this.features !== undefined ? { features: this.features } : {}), grid_resolution: this.gridResolution, top_k_features: this.topK };
  }
}

function featureList(field: string, value: unknown, allowEmpty = false): (string | number)[] {
  if (!Array.isArray(value) || (!allowEmpty && value.length === 0)) throw invalid(field, value, 'a non-empty list of feature names or indices');
  for (const v of value) {
    if (!(typeof v === 'string' && v !== '') && !(Number.isInteger(v) && (v as number) >= 0)) throw invalid(field, value, 'feature names or indices (integers >= 0)');
  }
  return [...(value as (string | number)[])];
}

export interface ParsedExplainabilityConfig {
  shap?: SHAPConfig;
  pdp?: PDPConfig;
  headers?: string[];
  label?: string;
  modelName?: string;
  labelHeaders?: string[];
  /** `methods.report.title`: the report's title. */
  title?: string;
}

/** Reads the explainability parts of a Clarify analysis_config.json (bias parts are ignored). */
export function parseExplainabilityConfig(json: unknown): ParsedExplainabilityConfig {
  if (typeof json !== 'object' || json === null || Array.isArray(json)) throw invalid('(analysis config)', json, 'a JSON object');
  const root = json as Record<string, unknown>;
  const out: ParsedExplainabilityConfig = {};
  if (root.headers !== undefined) {
    if (!Array.isArray(root.headers) || !root.headers.every((h) => typeof h === 'string')) throw invalid('headers', root.headers, 'a list of column names');
    out.headers = root.headers as string[];
  }
  if (root.label !== undefined) {
    if (typeof root.label === 'string') out.label = root.label;
    else if (Number.isInteger(root.label) && out.headers && out.headers[root.label as number] !== undefined) out.label = out.headers[root.label as number]!;
    else throw invalid('label', root.label, 'a column name, or an index into headers');
  }
  if (root.predictor !== undefined) {
    const p = object(root.predictor, 'predictor');
    if (p.model_name !== undefined) {
      if (typeof p.model_name !== 'string') throw invalid('predictor.model_name', p.model_name, 'a model name');
      out.modelName = p.model_name;
    }
    if (p.label_headers !== undefined) {
      if (!Array.isArray(p.label_headers) || !p.label_headers.every((h) => typeof h === 'string')) throw invalid('predictor.label_headers', p.label_headers, 'a list of names');
      out.labelHeaders = p.label_headers as string[];
    }
  }
  if (root.methods !== undefined) {
    const methods = object(root.methods, 'methods');
    if (methods.shap !== undefined) {
      const s = object(methods.shap, 'methods.shap');
      for (const k of ['text_config', 'image_config']) if (s[k] !== undefined) throw invalid(`methods.shap.${k}`, s[k], 'absent: text and image explanations are not supported');
      const input: ShapConfigInput = {};
      if (s.baseline !== undefined) input.baseline = s.baseline as BaselineInput;
      if (s.num_clusters !== undefined) input.numClusters = s.num_clusters as number;
      if (s.num_samples !== undefined) input.numSamples = s.num_samples as number;
      if (s.agg_method !== undefined) input.aggMethod = checkAggMethod(s.agg_method, 'methods.shap.agg_method');
      if (s.use_logit !== undefined) input.useLogit = s.use_logit as boolean;
      if (s.save_local_shap_values !== undefined) input.saveLocalShapValues = s.save_local_shap_values as boolean;
      if (s.seed !== undefined) input.seed = s.seed as number;
      if (s.features_to_explain !== undefined) input.featuresToExplain = s.features_to_explain as (string | number)[];
      out.shap = new SHAPConfig(input);
    }
    if (methods.report !== undefined) {
      const r = object(methods.report, 'methods.report');
      if (r.title !== undefined) {
        if (typeof r.title !== 'string') throw invalid('methods.report.title', r.title, 'a string');
        out.title = r.title;
      }
    }
    if (methods.pdp !== undefined) {
      const p = object(methods.pdp, 'methods.pdp');
      const input: PdpConfigInput = {};
      if (p.features !== undefined) input.features = p.features as (string | number)[];
      if (p.grid_resolution !== undefined) input.gridResolution = p.grid_resolution as number;
      if (p.top_k_features !== undefined) input.topK = p.top_k_features as number;
      out.pdp = new PDPConfig(input);
    }
  }
  return out;
}

function object(v: unknown, path: string): Record<string, unknown> {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) throw invalid(path, v, 'a JSON object');
  return v as Record<string, unknown>;
}
