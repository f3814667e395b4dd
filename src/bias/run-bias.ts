/**
 * @module bias/run-bias
 * `runBias(platform, options)`: the bias part of a Clarify processing job on one laptop. Reads the data,
 * turns a registered model's scores into predicted labels (score > probability threshold → 1, else 0, as
 * Clarify's job does), computes the pre- and post-training metrics (with bootstrap intervals on request) and
 * writes `analysis.json`, `report.md` and `report.html` to a local folder or under an object-store URI.
 * Reports progress by step (read, predict, pre-training, post-training, write) and stops between steps when
 * its signal is aborted.
 */
import type { Column, ColumnTable } from '../core/columns.js';
import { getColumn } from '../core/columns.js';
import { invalid, ValidationError } from '../core/errors.js';
import { noProgress, type Progress } from '../core/progress.js';
import type { ModelRegistry } from '../models/index.js';
import { outputLocation, type ObjectStore } from '../storage/index.js';
import { readTable } from '../table/index.js';
import { biasAnalysisJson, type BiasAnalysisJson } from './analysis-json.js';
import { biasReportHtml } from './bias-report-html.js';
import { biasReportMarkdown } from './bias-report-md.js';
import { resolveBootstrap, type BootstrapOptions } from './bootstrap.js';
import { resolveGroups, type BiasConfig } from './groups.js';
import type { PostTrainingMetric, PreTrainingMetric } from './metric.js';
import { postTrainingBias, preTrainingBias, type BiasStageResult } from './report.js';
import { columnTypeNotes, groupWarnings, inferClarifyKinds } from './run-notes.js';

/** What a bias run needs from the platform: the model registry (predicted labels) and the object store (outputs). */
export interface BiasRunContext {
  models: Pick<ModelRegistry, 'predict' | 'localPathOf'>;
  objectStore: ObjectStore;
}

export interface RunBiasOptions {
  /** A header CSV / Parquet / JSON file (local path or object-store URI), or a table. */
  data: string | ColumnTable;
  config: BiasConfig;
  /** Pre-training metrics. With neither `pre` nor `post`: all pre-training, plus all post-training when predicted labels exist. */
  pre?: 'all' | readonly PreTrainingMetric[];
  /** Post-training metrics; needs a predicted label column or a model. */
  post?: 'all' | readonly PostTrainingMetric[];
  /** Column of predicted labels (overrides config.predictedLabel). With `modelName`, the name given to the derived column. */
  predictedLabel?: string;
  /** Registered model whose score (its last output column, or `modelOutput`) becomes the predicted label. */
  modelName?: string;
  /** The model output column holding the score: a name, or an index among the outputs (Clarify's `predictor.label`). */
  modelOutput?: string | number;
  /** Score above this is a positive prediction (1), else 0. Default 0.5. */
  probabilityThreshold?: number;
  /** Column names for a header-less CSV (Clarify `headers`). */
  headers?: string[];
  /** Local folder, or an object-store URI prefix (`s3://bucket/prefix`, `file:///...`). Nothing is written without it. */
  output?: string;
  /** Bootstrap confidence intervals for every metric (beyond Clarify), e.g. `{ level: 0.95, samples: 1000, seed: 0 }`. */
  bootstrap?: BootstrapOptions;
  /** Title of report.md / report.html. */
  title?: string;
  progress?: Progress;
  /** Checked between steps; an aborted signal stops the run with its reason. */
  signal?: AbortSignal;
}

export interface RunBiasResult {
  analysis: BiasAnalysisJson;
  /** Where analysis.json, report.md and report.html were written (paths or URIs); absent without `output`. */
  files?: BiasOutputFiles;
  reportMd: string;
  reportHtml: string;
  /** The predicted label column used for post-training metrics, if any. */
  predictedLabel?: string;
  /** Things a person should know about the inputs, e.g. a label with only one class (also in the reports). */
  warnings: string[];
}

export interface BiasOutputFiles {
  analysisJson: string;
  reportMd: string;
  reportHtml: string;
}

/** Name of the column holding model-derived predicted labels when none is given. */
export const DEFAULT_PREDICTED_LABEL = 'predicted_label';

export async function runBias(platform: BiasRunContext, options: RunBiasOptions): Promise<RunBiasResult> {
  const threshold = options.probabilityThreshold ?? 0.5;
  if (!Number.isFinite(threshold)) throw invalid('probabilityThreshold', threshold, 'a number such as 0.5');
  const bootstrap = options.bootstrap ? resolveBootstrap(options.bootstrap) : undefined;
  const progress = options.progress ?? noProgress;
  // One unit per step done: read, predict, pre-training, post-training, write.
  const step = (_next: string) => {
    options.signal?.throwIfAborted();
    progress.tick(1);
  };
  progress.start(STEPS, 'bias analysis');
  let table = typeof options.data === 'string' ? await loadData(platform, options.data, options.headers, options.config.label.name) : options.data;
  const config: BiasConfig = inferClarifyKinds(table, { ...options.config });
  if (options.predictedLabel !== undefined) config.predictedLabel = options.predictedLabel;

  step('predicting');
  if (options.modelName !== undefined) {
    const name = config.predictedLabel ?? DEFAULT_PREDICTED_LABEL;
    if (getColumn(table, name)) throw invalid('predictedLabel', name, `a column name not already in the data for the labels predicted by model "${options.modelName}"`);
    const predicted = await platform.models.predict(options.modelName, table, { label: config.label.name });
    const outputs = predicted.columns.slice(table.columns.length);
    const score = pickOutput(outputs, options.modelOutput, options.modelName);
    const values = new Float64Array(table.length);
    for (let i = 0; i < table.length; i++) {
      const s = score.values[i]!;
      values[i] = Number.isNaN(s) ? NaN : s > threshold ? 1 : 0;
    }
    const column: Column = { name, type: 'int', values };
    table = { length: table.length, columns: [...table.columns, column] };
    config.predictedLabel = name;
  }

  // Neither stage chosen: pre-training always, post-training too when predicted labels are available.
  const neither = options.pre === undefined && options.post === undefined;
  const wantPre = options.pre !== undefined || neither;
  const wantPost = options.post !== undefined || (neither && config.predictedLabel !== undefined);
  if (wantPost && config.predictedLabel === undefined) {
    throw new ValidationError([{ path: 'post', message: 'post-training metrics need a predicted label column (predictedLabel) or a model (modelName)' }]);
  }
  const groups = resolveGroups(table, config);
  const results: { pre?: BiasStageResult; post?: BiasStageResult } = {};
  step('pre-training metrics');
  if (wantPre) results.pre = preTrainingBias(table, config, { groups, methods: options.pre ?? 'all', ...(bootstrap ? { bootstrap } : {}) });
  step('post-training metrics');
  if (wantPost) results.post = postTrainingBias(table, config, { groups, methods: options.post ?? 'all', ...(bootstrap ? { bootstrap } : {}) });
  const analysis = biasAnalysisJson(results);

  const facetNames = config.facets.map((f) => (Array.isArray(f.name) ? f.name.join(' x ') : f.name));
  const notes = [
    ...(typeof options.data === 'string' ? [`data: \`${options.data}\` (${table.length} rows)`] : [`data: ${table.length} rows`]),
    `facets: ${facetNames.map((f) => `\`${f}\``).join(', ')}`,
    ...(options.modelName !== undefined ? [`model: \`${options.modelName}\`, score > ${threshold} is a positive prediction (column \`${config.predictedLabel}\`)`] : []),
    ...(options.modelName === undefined && config.predictedLabel !== undefined && wantPost ? [`predicted labels: column \`${config.predictedLabel}\``] : []),
    ...(config.groupVariable !== undefined ? [`group variable: \`${config.groupVariable}\``] : []),
    ...(bootstrap ? [`confidence intervals: ${bootstrap.level * 100}% bootstrap percentile intervals, ${bootstrap.samples} replicates, seed ${bootstrap.seed}`] : []),
    ...columnTypeNotes(table, config),
  ];
  const warnings = groupWarnings(groups, config, wantPost);
  notes.push(...warnings.map((w) => `warning: ${w}`));
  const title = options.title ?? 'Bias report';
  const reportMd = biasReportMarkdown(analysis, { title, notes });
  const reportHtml = biasReportHtml(analysis, { title, notes, ...(bootstrap ? { bootstrap } : {}) });
  const out: RunBiasResult = { analysis, reportMd, reportHtml, warnings };
  if (config.predictedLabel !== undefined && wantPost) out.predictedLabel = config.predictedLabel;
  step('writing reports');
  if (options.output !== undefined) out.files = await writeOutputs(platform, options.output, analysis, reportMd, reportHtml);
  progress.tick(1);
  progress.done();
  return out;
}

/** read, predict, pre, post, write. */
const STEPS = 5;

function pickOutput(outputs: Column[], which: string | number | undefined, model: string): Extract<Column, { values: Float64Array }> {
  let score: Column | undefined;
  if (which === undefined) score = outputs[outputs.length - 1];
  else if (typeof which === 'number') {
    score = outputs[which];
    if (!score) throw invalid('modelOutput', which, `an output index below ${outputs.length} (outputs of model "${model}": ${outputs.map((c) => c.name).join(', ')})`);
  } else {
    score = outputs.find((c) => c.name === which);
    if (!score) throw invalid('modelOutput', which, `an output of model "${model}" (${outputs.map((c) => c.name).join(', ')})`);
  }
  if (!score || score.type === 'string' || score.type === 'bool') throw new ValidationError([{ path: 'modelName', message: `model "${model}" gave no numeric output column` }]);
  return score;
}

async function loadData(platform: BiasRunContext, data: string, headers: string[] | undefined, label: string): Promise<ColumnTable> {
  const path = await platform.models.localPathOf(data);
  const table = await readTable(path);
  if (!headers || getColumn(table, label)) return table;
  // A header-less file (Clarify `headers`): read again with the configured names.
  return readTable(path, { columns: headers });
}

async function writeOutputs(platform: BiasRunContext, output: string, analysis: BiasAnalysisJson, reportMd: string, reportHtml: string): Promise<BiasOutputFiles> {
  const location = outputLocation(platform.objectStore, output, { localAs: 'path' });
  return {
    analysisJson: await location.write('analysis.json', JSON.stringify(analysis, null, 2) + '\n'),
    reportMd: await location.write('report.md', reportMd),
    reportHtml: await location.write('report.html', reportHtml),
  };
}
