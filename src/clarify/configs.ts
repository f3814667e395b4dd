/**
 * @module clarify/configs
 * The SageMaker Python SDK's Clarify configuration objects, in TypeScript spelling: `DataConfig`, `BiasConfig`,
 * `ModelConfig`, `ModelPredictedLabelConfig`. Each checks its fields when constructed (errors name the field
 * and the value) and converts to what the bias engine (bias/) takes.
 *
 * | SageMaker SDK | here |
 * | --- | --- |
 * | `DataConfig(s3_data_input_path, s3_output_path, label, headers, dataset_type)` | `new DataConfig({ dataPath, outputPath, label, headers, datasetType, predictedLabel })` |
 * | `BiasConfig(label_values_or_threshold, facet_name, facet_values_or_threshold, group_name)` | `new BiasConfig({ labelValuesOrThreshold, facetName, facetValuesOrThreshold, groupName })` |
 * | `ModelConfig(model_name, instance_type, ...)` | `new ModelConfig({ modelName })` (a model of the registry; no endpoint) |
 * | `ModelPredictedLabelConfig(label, probability, probability_threshold)` | `new ModelPredictedLabelConfig({ label, probabilityThreshold })` |
 *
 * Paths are local paths or object-store URIs (`s3://bucket/...` with the S3 backend, `file://...`). Here a number
 * in `...ValuesOrThreshold` is a threshold (continuous column) and a list holds categorical values; Clarify instead
 * guesses the column kind from the data (plumbline's analysis_config.json reading does too for a one-number list,
 * see bias/run-notes `inferClarifyKinds`, so existing configurations run unchanged).
 *
 * Intersectional facets (beyond Clarify): an entry of `facetName` may itself be a list of columns, e.g.
 * `facetName: [['sex', 'age_band']]`; its values are then combinations, e.g. `facetValuesOrThreshold: [[[0, '18-30']]]`
 * (omit them for one report per combination present in the data).
 */
import { invalid } from '../core/errors.js';
import type { BiasMetricsConfig, CategoryValue, FacetConfig } from '../bias/index.js';

/** Dataset types Clarify accepts that plumbline reads (the reader goes by the file's extension). */
export const DATASET_TYPES = ['text/csv', 'application/jsonlines', 'application/x-parquet'] as const;

export interface DataConfigOptions {
  /** Input data: a local path or an object-store URI (SageMaker `s3_data_input_path`). */
  dataPath: string;
  /** Where analysis.json, report.md and report.html go (SageMaker `s3_output_path`). */
  outputPath: string;
  /** Label column (a name; with `headers`, also an index). */
  label?: string | number;
  /** Column names of a header-less CSV. */
  headers?: string[];
  /** `text/csv` (default), `application/jsonlines` or `application/x-parquet`. */
  datasetType?: string;
  /** A column of the data holding predicted labels (post-training bias without a model). */
  predictedLabel?: string | number;
}

export class DataConfig {
  readonly dataPath: string;
  readonly outputPath: string;
  readonly label?: string;
  readonly headers?: string[];
  readonly datasetType: string;
  readonly predictedLabel?: string;

  constructor(options: DataConfigOptions) {
    this.dataPath = nonEmpty('dataConfig.dataPath', options.dataPath);
    this.outputPath = nonEmpty('dataConfig.outputPath', options.outputPath);
    if (options.headers !== undefined) {
      if (!Array.isArray(options.headers) || !options.headers.every((h) => typeof h === 'string' && h !== '')) {
        throw invalid('dataConfig.headers', options.headers, 'a list of column names');
      }
      this.headers = [...options.headers];
    }
    if (options.label !== undefined) this.label = column('dataConfig.label', options.label, this.headers);
    if (options.predictedLabel !== undefined) this.predictedLabel = column('dataConfig.predictedLabel', options.predictedLabel, this.headers);
    const type = options.datasetType ?? 'text/csv';
    if (!(DATASET_TYPES as readonly string[]).includes(type)) throw invalid('dataConfig.datasetType', type, `one of ${DATASET_TYPES.join(', ')}`);
    this.datasetType = type;
  }
}

type FacetValues = CategoryValue[] | CategoryValue[][] | number;

export interface BiasConfigOptions {
  /** Positive label values (a list), or a threshold: label > threshold is positive. */
  labelValuesOrThreshold: CategoryValue[] | number;
  /** The sensitive column, or a list of them (one facet each); a list inside the list is an intersectional facet. */
  facetName: string | (string | string[])[];
  /**
   * The sensitive group d: values (a list), or a threshold (facet > threshold). With several facets, one entry per
   * facet (undefined = one report per value). Omitted: one report per value of each facet.
   */
  facetValuesOrThreshold?: FacetValues | (FacetValues | undefined)[];
  /** Subgroup column for CDDL / CDDPL (SageMaker `group_name`). */
  groupName?: string;
}

export class BiasConfig {
  readonly labelValuesOrThreshold: CategoryValue[] | number;
  readonly facets: FacetConfig[];
  readonly groupName?: string;

  constructor(options: BiasConfigOptions) {
    const label = options.labelValuesOrThreshold;
    if (typeof label === 'number') {
      if (!Number.isFinite(label)) throw invalid('biasConfig.labelValuesOrThreshold', label, 'a list of positive label values or a finite threshold');
    } else if (!Array.isArray(label) || label.length === 0 || !label.every(isValue)) {
      throw invalid('biasConfig.labelValuesOrThreshold', label, 'a non-empty list of positive label values (strings, numbers, booleans) or a threshold');
    }
    this.labelValuesOrThreshold = label;
    const several = Array.isArray(options.facetName);
    const names: (string | string[])[] = several ? (options.facetName as (string | string[])[]) : [options.facetName as string];
    if (names.length === 0) throw invalid('biasConfig.facetName', options.facetName, 'a column name or a non-empty list of them');
    const values = options.facetValuesOrThreshold;
    if (several && values !== undefined && (!Array.isArray(values) || values.length !== names.length)) {
      throw invalid('biasConfig.facetValuesOrThreshold', values, `one entry per facet (${names.length}), as facetName is a list`);
    }
    this.facets = names.map((name, i) => {
      const path = several ? `biasConfig.facetName[${i}]` : 'biasConfig.facetName';
      if (Array.isArray(name)) {
        if (name.length < 2 || !name.every((n) => typeof n === 'string' && n !== '')) throw invalid(path, name, 'a list of two or more column names (an intersectional facet)');
      } else if (typeof name !== 'string' || name === '') throw invalid(path, name, 'a column name');
      const own = several ? (values as (FacetValues | undefined)[] | undefined)?.[i] : (values as FacetValues | undefined);
      return { name: Array.isArray(name) ? [...name] : name, ...facetRule(several ? `biasConfig.facetValuesOrThreshold[${i}]` : 'biasConfig.facetValuesOrThreshold', own, Array.isArray(name)) };
    });
    if (options.groupName !== undefined) this.groupName = nonEmpty('biasConfig.groupName', options.groupName);
  }

  /** The bias engine's configuration for a label column (and predicted label column). */
  toMetricsConfig(label: string, predictedLabel?: string): BiasMetricsConfig {
    const l = this.labelValuesOrThreshold;
    const config: BiasMetricsConfig = { facets: this.facets.map((f) => ({ ...f })), label: { name: label, ...(typeof l === 'number' ? { threshold: l } : { values: [...l] }) } };
    if (this.groupName !== undefined) config.groupVariable = this.groupName;
    if (predictedLabel !== undefined) config.predictedLabel = predictedLabel;
    return config;
  }
}

export interface ModelConfigOptions {
  /** A model of the registry (`platform.models`). */
  modelName: string;
}

export class ModelConfig {
  readonly modelName: string;
  constructor(options: ModelConfigOptions) {
    this.modelName = nonEmpty('modelConfig.modelName', options.modelName);
  }
}

export interface ModelPredictedLabelConfigOptions {
  /** The model output holding the score: its name (e.g. "score") or index among the outputs. Default: the last. */
  label?: string | number;
  /** A score above this is a positive prediction (default 0.5). */
  probabilityThreshold?: number;
}

export class ModelPredictedLabelConfig {
  readonly label?: string | number;
  readonly probabilityThreshold: number;
  constructor(options: ModelPredictedLabelConfigOptions = {}) {
    if (options.label !== undefined) {
      const ok = (typeof options.label === 'string' && options.label !== '') || (Number.isInteger(options.label) && (options.label as number) >= 0);
      if (!ok) throw invalid('modelPredictedLabelConfig.label', options.label, 'an output name or index');
      this.label = options.label;
    }
    const t = options.probabilityThreshold ?? 0.5;
    if (typeof t !== 'number' || !Number.isFinite(t)) throw invalid('modelPredictedLabelConfig.probabilityThreshold', t, 'a number such as 0.5');
    this.probabilityThreshold = t;
  }
}

function facetRule(path: string, value: FacetValues | undefined, intersection: boolean): Pick<FacetConfig, 'values' | 'threshold'> {
  if (value === undefined || value === null) return {};
  if (typeof value === 'number') {
    if (intersection) throw invalid(path, value, 'value combinations (lists), as the facet spans several columns');
    if (!Number.isFinite(value)) throw invalid(path, value, 'a finite threshold');
    return { threshold: value };
  }
  if (!Array.isArray(value)) throw invalid(path, value, 'a list of values or a threshold');
  if (intersection) {
    if (!value.every((c) => Array.isArray(c) && c.every(isValue))) throw invalid(path, value, 'a list of value combinations, e.g. [[0, "18-30"]]');
    return { values: value as CategoryValue[][] };
  }
  if (!value.every(isValue)) throw invalid(path, value, 'a list of strings, numbers or booleans');
  return { values: value as CategoryValue[] };
}

function isValue(v: unknown): v is CategoryValue {
  return typeof v === 'string' || typeof v === 'boolean' || (typeof v === 'number' && Number.isFinite(v));
}

function nonEmpty(path: string, v: unknown): string {
  if (typeof v !== 'string' || v.trim() === '') throw invalid(path, v, 'a non-empty string');
  return v;
}

function column(path: string, v: string | number, headers: string[] | undefined): string {
  if (typeof v === 'string' && v !== '') return v;
  if (typeof v === 'number' && Number.isInteger(v) && v >= 0) {
    if (!headers) throw invalid(path, v, 'a column name (an index needs headers)');
    const name = headers[v];
    if (name === undefined) throw invalid(path, v, `an index below ${headers.length} (the number of headers)`);
    return name;
  }
  throw invalid(path, v, 'a column name or index');
}
