/**
 * @module explain/run-explainability
 * `runExplainability(platform, options)`: the explainability part of a Clarify processing job on one
 * laptop. Reads the data, resolves the baseline (given rows / file, or cluster centres), explains a
 * registered model with Kernel SHAP (any model) or TreeSHAP (tree models; `method: 'auto'` picks it for
 * them), aggregates global values with `agg_method`, optionally computes partial dependence, and writes
 * Clarify's files: `analysis.json`, `explanations_shap/out.csv` (local values, `<feature>_label0`
 * columns), `explanations_shap/baseline.csv` (the baseline used, header-less like the dataset), plus
 * `report.html`.
 */
import { getColumn, type ColumnTable } from '../core/columns.js';
import { invalid, ValidationError } from '../core/errors.js';
import { noProgress, type Progress } from '../core/progress.js';
import { matrixFromTable, type FeatureMatrix, type ModelRegistry, type Predictor, type TreeEnsemble } from '../models/index.js';
import { outputLocation, type ObjectStore } from '../storage/index.js';
import { readTable } from '../table/index.js';
import { aggregate } from './aggregate.js';
import { baselineMatrix } from './baseline.js';
import { PDPConfig, SHAPConfig, type PdpConfigInput, type ShapConfigInput } from './config.js';
import { kernelShap } from './kernel-shap.js';
import { baselineClusters } from './kmeans.js';
import { partialDependence, type PartialDependence } from './pdp.js';
import { explainReportHtml } from './report.js';
import { treeCoalitionEvaluator } from './tree-game.js';
import { treeShap } from './tree-shap.js';
import { interventionalTreeShap } from './tree-shap-interventional.js';

/** What an explainability run needs from the platform. */
export interface ExplainRunContext {
  models: Pick<ModelRegistry, 'predictor' | 'describe' | 'localPathOf'>;
  objectStore: ObjectStore;
}

export type ExplainMethod = 'auto' | 'kernel' | 'tree';

export interface RunExplainabilityOptions {
  /** A header CSV / Parquet / JSON file (local path or object-store URI), or a table. */
  data: string | ColumnTable;
  /** Registered model to explain. */
  modelName: string;
  /** Label column of the data (left out of the features). */
  label?: string;
  /** Column names for a header-less CSV (Clarify `headers`). */
  headers?: string[];
  shap?: SHAPConfig | ShapConfigInput;
  pdp?: PDPConfig | PdpConfigInput;
  /** 'auto' (default): TreeSHAP for tree models, Kernel SHAP otherwise. */
  method?: ExplainMethod;
  /** Names replacing label0, label1, ... (Clarify `predictor.label_headers`). */
  labelHeaders?: string[];
  /** Local folder, or an object-store URI prefix. Nothing is written without it. */
  output?: string;
  progress?: Progress;
  /** Report title (Clarify `methods.report.title`). */
  title?: string;
}

export interface ExplanationJson {
  global_shap_values: Record<string, number>;
  expected_value: number;
}

export interface PdpJson {
  feature_name: string;
  data_type: 'numerical' | 'categorical';
  feature_values: number[];
  model_predictions: number[][];
  label_headers: string[];
}

export interface ExplainabilityAnalysisJson {
  version: '1.0';
  explanations: {
    kernel_shap?: Record<string, ExplanationJson>;
    tree_shap?: Record<string, ExplanationJson & { feature_perturbation: 'interventional' | 'tree_path_dependent'; model_output: 'margin' }>;
    pdp?: PdpJson[];
  };
}

export interface RunExplainabilityResult {
  method: 'kernel' | 'tree';
  /** Which method ran and why (printed by the CLI). */
  methodNote: string;
  analysis: ExplainabilityAnalysisJson;
  /** Explained features, in the order of the local values. */
  features: string[];
  /** label0, label1, ... or the label headers. */
  labels: string[];
  /** Per label: rows x features local SHAP values. */
  local: { label: string; values: Float64Array }[];
  /** Features of label[0] from most to least important (by the size of the global value). */
  ranking: string[];
  rows: number;
  baselineRows?: number;
  nSamples?: number;
  exact?: boolean;
  files?: { analysisJson: string; reportHtml: string; outCsv?: string; baselineCsv?: string };
  seconds: number;
}

const PROBABILITY_OBJECTIVES = ['binary:logistic', 'reg:logistic', 'multi:softprob'];

export async function runExplainability(platform: ExplainRunContext, options: RunExplainabilityOptions): Promise<RunExplainabilityResult> {
  const started = performance.now();
  const progress = options.progress ?? noProgress;
  const shap = options.shap instanceof SHAPConfig ? options.shap : new SHAPConfig(options.shap ?? {});
  const pdpConfig = options.pdp === undefined ? undefined : options.pdp instanceof PDPConfig ? options.pdp : new PDPConfig(options.pdp);
  const method = options.method ?? 'auto';
  if (!['auto', 'kernel', 'tree'].includes(method)) throw invalid('method', method, 'auto, kernel or tree');

  const description = await platform.models.describe(options.modelName);
  const predictor = await platform.models.predictor(options.modelName);
  const featureNames = predictor.featureNames;
  const M = featureNames.length;
  const tree = treeModelOf(predictor);
  if (shap.useLogit && description.objective !== undefined && !PROBABILITY_OBJECTIVES.includes(description.objective)) {
    throw invalid('use_logit', true, `a model with probability output; model "${options.modelName}" has objective ${description.objective} (no probabilities), so leave use_logit off`);
  }

  // Data -> the model's input matrix.
  let table = typeof options.data === 'string' ? await loadData(platform, options.data, options.headers, options.label) : options.data;
  if (options.label !== undefined && !getColumn(table, options.label)) throw invalid('label', options.label, `a column of the data (${table.columns.map((c) => c.name).join(', ')})`);
  if (table.length === 0) throw invalid('data', typeof options.data === 'string' ? options.data : 'a table with no rows', 'at least one record to explain');
  table = featureTable(table, featureNames, options.label);
  const X = matrixFromTable(table, featureNames);

  const explainIdx = (shap.featuresToExplain ?? featureNames).map((f) => featureIndex(f, featureNames, 'features_to_explain'));
  const features = explainIdx.map((j) => featureNames[j]!);
  const predict = (m: FeatureMatrix) => predictor.predict(m);

  // Baseline: given, or cluster centres of the data.
  let baseline: FeatureMatrix | undefined;
  const explicitBaseline = shap.baseline !== undefined || shap.numClusters !== undefined;
  const chosen: 'kernel' | 'tree' = method === 'auto' ? (tree ? 'tree' : 'kernel') : method;
  if (chosen === 'tree' && !tree) throw invalid('method', 'tree', `kernel or auto: model "${options.modelName}" (${predictor.kind}) is not a tree ensemble`);
  if (chosen === 'kernel' || explicitBaseline) {
    if (shap.baseline !== undefined) baseline = await baselineMatrix(shap.baseline, featureNames, (p) => localPathOf(platform, p, 'baseline'));
    else {
      const categorical = shap.categoricalFeatures !== undefined ? shap.categoricalFeatures.map((f) => featureIndex(f, featureNames, 'categorical_features')) : binaryColumns(X);
      baseline = baselineClusters(X, shap.numClusters, { categorical, seed: shap.seed ?? 0 }).centers;
    }
  }

  const outputs = predictor.outputNames.length;
  const labels = labelKeys(options.labelHeaders, outputs);
  const local: { label: string; values: Float64Array }[] = [];
  const global: Record<string, Record<string, number>> = {};
  const expected: Record<string, number> = {};
  const analysis: ExplainabilityAnalysisJson = { version: '1.0', explanations: {} };
  let methodNote: string;
  let nSamples: number | undefined;
  let exact: boolean | undefined;
  let space: string;

  if (chosen === 'kernel') {
    const evaluator = tree ? treeCoalitionEvaluator(tree, X, baseline!) : undefined;
    const r = await kernelShap(predict, X, baseline!, {
      ...(shap.numSamples !== undefined ? { numSamples: shap.numSamples } : {}),
      seed: shap.seed ?? 0,
      useLogit: shap.useLogit,
      featuresToExplain: explainIdx,
      ...(evaluator ? { evaluator } : {}),
      progress,
    });
    nSamples = r.nSamples;
    exact = r.exact;
    const F = features.length;
    analysis.explanations.kernel_shap = {};
    labels.forEach((label, k) => {
      const values = new Float64Array(X.rows * F);
      for (let i = 0; i < X.rows; i++) for (let p = 0; p < F; p++) values[i * F + p] = r.values[(i * r.outputs + k) * F + p]!;
      local.push({ label, values });
      global[label] = Object.fromEntries(features.map((f, p) => [f, aggregate(shap.aggMethod, values, X.rows, F, p)]));
      expected[label] = r.expectedValue[k]!;
      analysis.explanations.kernel_shap![label] = { global_shap_values: global[label]!, expected_value: expected[label]! };
    });
    space = shap.useLogit ? 'log-odds of the model output (use_logit)' : 'model output';
    methodNote =
      `Kernel SHAP${method === 'auto' ? ` (method auto: model "${options.modelName}" is not a tree ensemble)` : ''}: ${r.exact ? `all ${r.coalitions} coalitions enumerated, exact Shapley values` : `${r.nSamples} sampled coalitions (${r.coalitions} distinct, seed ${shap.seed ?? 0})`} ` +
      `against a baseline of ${baseline!.rows} row${baseline!.rows === 1 ? '' : 's'}${shap.baseline === undefined ? ' (cluster centres of the data)' : ''}` +
      `${tree ? '; the tree model scores coalitions through its trees directly' : ''}.`;
  } else {
    const G = tree!.objective.startsWith('multi:') ? tree!.numClass : 1;
    const contribs = baseline ? interventionalTreeShap(tree!, X, baseline, progress) : await treeShap(tree!, X);
    const perturbation = baseline ? ('interventional' as const) : ('tree_path_dependent' as const);
    const F = features.length;
    analysis.explanations.tree_shap = {};
    // One explanation per margin group (multi:softmax predicts a class index but has a margin per class).
    if (G !== labels.length) labels.splice(0, labels.length, ...Array.from({ length: G }, (_, g) => `label${g}`));
    labels.forEach((label, g) => {
      const values = new Float64Array(X.rows * F);
      for (let i = 0; i < X.rows; i++) for (let p = 0; p < F; p++) values[i * F + p] = contribs[(i * G + g) * (M + 1) + explainIdx[p]!]!;
      local.push({ label, values });
      global[label] = Object.fromEntries(features.map((f, p) => [f, aggregate(shap.aggMethod, values, X.rows, F, p)]));
      expected[label] = contribs[g * (M + 1) + M]!;
      analysis.explanations.tree_shap![label] = { global_shap_values: global[label]!, expected_value: expected[label]!, feature_perturbation: perturbation, model_output: 'margin' };
    });
    space = tree!.objective.includes('logistic') || tree!.objective.startsWith('multi:') ? 'margin (log-odds)' : 'model output';
    methodNote =
      `TreeSHAP${method === 'auto' ? ` (method auto: model "${options.modelName}" is a tree ensemble)` : ''}, exact, ` +
      (baseline ? `interventional against a baseline of ${baseline.rows} row${baseline.rows === 1 ? '' : 's'}` : "path-dependent (XGBoost's pred_contribs)") +
      `; values in ${space} space` +
      (shap.numSamples !== undefined ? `; num_samples (${shap.numSamples}) applies to Kernel SHAP only and was not used` : '') +
      '.';
  }

  // Partial dependence.
  const pdp: (PartialDependence & { name: string })[] = [];
  if (pdpConfig) {
    const chosenFeatures = pdpConfig.features
      ? pdpConfig.features.map((f) => featureIndex(f, featureNames, 'pdp.features'))
      : [...explainIdx].sort((a, b) => Math.abs(global[labels[0]!]![featureNames[b]!]!) - Math.abs(global[labels[0]!]![featureNames[a]!]!)).slice(0, pdpConfig.topK);
    for (const j of chosenFeatures) pdp.push({ ...(await partialDependence(predict, X, j, pdpConfig.gridResolution)), name: featureNames[j]! });
    const pdpLabels = labelKeys(options.labelHeaders, outputs);
    analysis.explanations.pdp = pdp.map((p) => ({ feature_name: p.name, data_type: p.dataType, feature_values: p.grid, model_predictions: p.predictions, label_headers: pdpLabels }));
  }

  const first = global[labels[0]!]!;
  const ranking = [...features].sort((a, b) => Math.abs(first[b]!) - Math.abs(first[a]!));
  const seconds = (performance.now() - started) / 1000;
  const result: RunExplainabilityResult = { method: chosen, methodNote, analysis, features, labels, local, ranking, rows: X.rows, seconds };
  if (baseline && (chosen === 'kernel' || explicitBaseline)) result.baselineRows = baseline.rows;
  if (nSamples !== undefined) result.nSamples = nSamples;
  if (exact !== undefined) result.exact = exact;

  if (options.output !== undefined) {
    const reportHtml = explainReportHtml({
      title: options.title ?? 'Explainability report',
      modelName: options.modelName,
      method: chosen,
      methodNote,
      rows: X.rows,
      ...(result.baselineRows !== undefined ? { baselineRows: result.baselineRows } : {}),
      ...(nSamples !== undefined ? { nSamples } : {}),
      ...(exact !== undefined ? { exact } : {}),
      aggMethod: shap.aggMethod,
      space,
      features,
      labels,
      global,
      expected,
      local,
      featureValues: selectColumns(X, explainIdx),
      pdp,
      seconds,
    });
    const files: Record<string, string> = {
      'analysis.json': JSON.stringify(analysis, null, 2) + '\n',
      'report.html': reportHtml,
    };
    if (shap.saveLocalShapValues) files['explanations_shap/out.csv'] = localCsv(features, local);
    if (baseline && result.baselineRows !== undefined) files['explanations_shap/baseline.csv'] = matrixCsv(baseline);
    const written = await writeOutputs(platform, options.output, files);
    result.files = {
      analysisJson: written['analysis.json']!,
      reportHtml: written['report.html']!,
      ...(written['explanations_shap/out.csv'] ? { outCsv: written['explanations_shap/out.csv'] } : {}),
      ...(written['explanations_shap/baseline.csv'] ? { baselineCsv: written['explanations_shap/baseline.csv'] } : {}),
    };
  }
  return result;
}

/** The TreeEnsemble behind a predictor, when it is a tree model. */
function treeModelOf(predictor: Predictor): TreeEnsemble | undefined {
  const model = (predictor as { model?: unknown }).model;
  if (predictor.kind !== 'xgboost' || typeof model !== 'object' || model === null) return undefined;
  const m = model as Partial<TreeEnsemble>;
  return Array.isArray(m.trees) && m.treeInfo instanceof Int32Array && typeof m.objective === 'string' ? (m as TreeEnsemble) : undefined;
}

function labelKeys(headers: string[] | undefined, outputs: number): string[] {
  if (headers === undefined) return Array.from({ length: outputs }, (_, k) => `label${k}`);
  if (headers.length !== outputs) throw invalid('label_headers', headers, `${outputs} name${outputs === 1 ? '' : 's'}, one per model output`);
  return [...headers];
}

function featureIndex(f: string | number, names: string[], field: string): number {
  const j = typeof f === 'number' ? f : names.indexOf(f);
  if (j < 0 || j >= names.length) throw invalid(field, f, `one of the model's features (${names.join(', ')}) or an index 0..${names.length - 1}`);
  return j;
}

/** Columns whose values are all 0/1 or two distinct values: categorical for K-prototypes. */
function binaryColumns(m: FeatureMatrix): number[] {
  const out: number[] = [];
  for (let j = 0; j < m.cols; j++) {
    const seen = new Set<number>();
    for (let i = 0; i < m.rows && seen.size <= 2; i++) {
      const v = m.values[i * m.cols + j]!;
      if (v === v) seen.add(v);
    }
    if (seen.size <= 2) out.push(j);
  }
  return out;
}

/** The data's feature columns: by name, or by position for models trained on header-less data (f0, f1, ...). */
function featureTable(table: ColumnTable, names: string[], label: string | undefined): ColumnTable {
  if (names.every((n) => getColumn(table, n))) return table;
  if (names.every((n, i) => n === `f${i}`)) {
    const cols = table.columns.filter((c) => c.name !== label);
    if (cols.length !== names.length) {
      throw new ValidationError([{ path: 'data', message: `the model reads ${names.length} features by position, the data has ${cols.length} columns${label ? ` besides "${label}"` : ''}` }]);
    }
    return { length: table.length, columns: cols.map((c, i) => ({ ...c, name: names[i]! })) };
  }
  const missing = names.filter((n) => !getColumn(table, n));
  throw new ValidationError([{ path: 'data', message: `the data has no column ${missing.map((m) => `"${m}"`).join(', ')} (the model reads ${names.join(', ')}; the data has ${table.columns.map((c) => c.name).join(', ')})` }]);
}

/** A local path, or the local file of an object-store URI; an error naming `field` for a URI outside the store. */
async function localPathOf(platform: ExplainRunContext, pathOrUri: string, field: string): Promise<string> {
  if (!/^[a-z][a-z0-9+.-]*:\/\//i.test(pathOrUri)) return pathOrUri;
  const key = platform.objectStore.keyOf(pathOrUri);
  if (key === undefined || key === '') throw invalid(field, pathOrUri, `a local path or a location inside the object store ${platform.objectStore.rootUri}`);
  return platform.objectStore.localPath(key);
}

async function loadData(platform: ExplainRunContext, data: string, headers: string[] | undefined, label: string | undefined): Promise<ColumnTable> {
  const path = await platform.models.localPathOf(data);
  const table = await readTable(path);
  if (!headers || (label !== undefined && getColumn(table, label)) || headers.every((h) => getColumn(table, h))) return table;
  return readTable(path, { columns: headers });
}

function selectColumns(m: FeatureMatrix, idx: number[]): Float64Array {
  const out = new Float64Array(m.rows * idx.length);
  for (let i = 0; i < m.rows; i++) idx.forEach((j, p) => (out[i * idx.length + p] = m.values[i * m.cols + j]!));
  return out;
}

const num = (v: number) => (Number.isNaN(v) ? '' : String(v));

function localCsv(features: string[], local: { label: string; values: Float64Array }[]): string {
  const header = local.flatMap((l) => features.map((f) => `${f}_${l.label}`));
  const rows = local[0] ? local[0].values.length / features.length : 0;
  const lines = [header.join(',')];
  for (let i = 0; i < rows; i++) lines.push(local.flatMap((l) => features.map((_, p) => num(l.values[i * features.length + p]!))).join(','));
  return lines.join('\n') + '\n';
}

function matrixCsv(m: FeatureMatrix): string {
  const lines: string[] = [];
  for (let i = 0; i < m.rows; i++) lines.push(Array.from(m.values.subarray(i * m.cols, (i + 1) * m.cols), num).join(','));
  return lines.join('\n') + '\n';
}

async function writeOutputs(platform: ExplainRunContext, output: string, files: Record<string, string>): Promise<Record<string, string>> {
  const location = outputLocation(platform.objectStore, output, { localAs: 'path' });
  const written: Record<string, string> = {};
  for (const [name, body] of Object.entries(files)) written[name] = await location.write(name, body);
  return written;
}
