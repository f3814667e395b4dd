/**
 * @module cli/commands/explain
 * `plumbline clarify explain`: SHAP explanations of a registered model (Kernel SHAP for any model,
 * TreeSHAP for tree models) and partial dependence, from flags and/or a Clarify analysis_config.json;
 * writes analysis.json, explanations_shap/out.csv and baseline.csv, report.html, and prints the ranking.
 */
import type { Command } from 'commander';
import { ValidationError } from '../../core/errors.js';
import { AGG_METHODS, PDPConfig, parseExplainabilityConfig, runExplainability, SHAPConfig, type AggMethod, type ExplainMethod, type ParsedExplainabilityConfig, type RunExplainabilityOptions, type RunExplainabilityResult, type ShapConfigInput } from '../../index.js';
import { integerFlag, listFlag, readJsonFile } from '../flag-values.js';
import type { CommandContext } from '../main.js';

/** The flags of `clarify explain` as commander hands them over. */
export interface ClarifyExplainFlags {
  data: string;
  model?: string;
  config?: string;
  label?: string;
  baseline?: string;
  numClusters?: string;
  numSamples?: string;
  aggMethod?: string;
  useLogit?: boolean;
  seed?: string;
  features?: string;
  method?: string;
  pdp?: string | boolean;
  gridResolution?: string;
  topK?: string;
  localValues?: boolean;
  output?: string;
}

export function registerExplain(clarify: Command, ctx: CommandContext): void {
  clarify
    .command('explain')
    .description('SHAP explanations (Kernel SHAP, exact TreeSHAP) and partial dependence; writes analysis.json, out.csv, report.html')
    .requiredOption('--data <file>', 'records to explain (CSV with a header, Parquet, JSON Lines), a path or an object-store URI')
    .option('--model <name>', 'registered model to explain')
    .option('--config <file>', 'a Clarify analysis_config.json (methods.shap / methods.pdp; flags override its fields)')
    .option('--label <column>', 'label column of the data (not a feature)')
    .option('--baseline <file>', 'baseline rows (a file with the model features; header-less: one column per feature)')
    .option('--num-clusters <k>', 'baseline = k cluster centres of the data (K-means / K-prototypes) instead of --baseline')
    .option('--num-samples <n>', 'coalitions per record (Kernel SHAP)')
    .option('--agg-method <m>', `global aggregation: ${AGG_METHODS.join(', ')} (default mean_abs)`)
    .option('--use-logit', 'explain log-odds of the model probability')
    .option('--seed <n>', 'seed of the coalition sampler')
    .option('--features <list>', 'comma-separated features to explain (default all)')
    .option('--method <m>', 'auto (TreeSHAP for tree models, Kernel SHAP otherwise) | kernel | tree', 'auto')
    .option('--pdp [features]', 'partial dependence: comma-separated features, or the top-k by SHAP when none are given')
    .option('--grid-resolution <n>', 'PDP grid points per feature (default 15)')
    .option('--top-k <n>', 'PDP: how many of the most important features (default 10)')
    .option('--no-local-values', 'do not write explanations_shap/out.csv')
    .option('--output <dir>', 'folder or object-store URI for the outputs', 'clarify-explain-output')
    .action(async (o: ClarifyExplainFlags) => {
      const file = o.config ? parseExplainabilityConfig(await readJsonFile(o.config, '--config')) : undefined;
      const options = explainOptionsFromFlags(o, file);
      const result = await ctx.withPlatform((p) => runExplainability(p, { ...options, progress: ctx.progress() }));
      ctx.out().result(
        { method: result.method, methodNote: result.methodNote, ranking: result.ranking, analysis: result.analysis, files: result.files ?? null, seconds: result.seconds },
        () => formatExplanation(result),
      );
    });
}

/** Turns the flags (and a parsed analysis_config.json, if any) into runExplainability options; flags win. */
export function explainOptionsFromFlags(o: ClarifyExplainFlags, file?: ParsedExplainabilityConfig): RunExplainabilityOptions {
  const model = o.model ?? file?.modelName;
  if (model === undefined) throw new ValidationError([{ path: '--model', message: 'is required (or give --config with "predictor": {"model_name": ...})' }]);
  const base = file?.shap;
  if (o.baseline !== undefined && o.numClusters !== undefined) throw new ValidationError([{ path: '--baseline', message: 'give --baseline or --num-clusters, not both' }]);
  const shap: ShapConfigInput = {};
  if (o.baseline !== undefined) shap.baseline = o.baseline;
  else if (o.numClusters !== undefined) shap.numClusters = integerFlag('--num-clusters', o.numClusters);
  else if (base?.baseline !== undefined) shap.baseline = base.baseline;
  else if (base?.numClusters !== undefined) shap.numClusters = base.numClusters;
  const numSamples = o.numSamples !== undefined ? integerFlag('--num-samples', o.numSamples) : base?.numSamples;
  if (numSamples !== undefined) shap.numSamples = numSamples;
  if (o.aggMethod !== undefined) {
    if (!(AGG_METHODS as readonly string[]).includes(o.aggMethod)) throw new ValidationError([{ path: '--agg-method', message: `got ${JSON.stringify(o.aggMethod)}, expected one of ${AGG_METHODS.join(', ')}` }]);
    shap.aggMethod = o.aggMethod as AggMethod;
  } else if (base) shap.aggMethod = base.aggMethod;
  const useLogit = o.useLogit ?? base?.useLogit;
  if (useLogit !== undefined) shap.useLogit = useLogit;
  const seed = o.seed !== undefined ? integerFlag('--seed', o.seed) : base?.seed;
  if (seed !== undefined) shap.seed = seed;
  const features = o.features !== undefined ? listFlag(o.features) : base?.featuresToExplain;
  if (features !== undefined) shap.featuresToExplain = features;
  if (o.localValues === false) shap.saveLocalShapValues = false;
  else if (base) shap.saveLocalShapValues = base.saveLocalShapValues;

  const method = o.method ?? 'auto';
  if (!['auto', 'kernel', 'tree'].includes(method)) throw new ValidationError([{ path: '--method', message: `got ${JSON.stringify(method)}, expected auto, kernel or tree` }]);
  const options: RunExplainabilityOptions = { data: o.data, modelName: model, shap: new SHAPConfig(shap), method: method as ExplainMethod };
  const label = o.label ?? file?.label;
  if (label !== undefined) options.label = label;
  if (file?.headers) options.headers = file.headers;
  if (file?.labelHeaders) options.labelHeaders = file.labelHeaders;
  if (file?.title !== undefined) options.title = file.title;
  if (o.pdp !== undefined || o.gridResolution !== undefined || o.topK !== undefined || file?.pdp) {
    options.pdp = new PDPConfig({
      ...(typeof o.pdp === 'string' ? { features: listFlag(o.pdp) } : file?.pdp?.features ? { features: file.pdp.features } : {}),
      ...(o.gridResolution !== undefined ? { gridResolution: integerFlag('--grid-resolution', o.gridResolution) } : file?.pdp ? { gridResolution: file.pdp.gridResolution } : {}),
      ...(o.topK !== undefined ? { topK: integerFlag('--top-k', o.topK) } : file?.pdp ? { topK: file.pdp.topK } : {}),
    });
  }
  if (o.output !== undefined) options.output = o.output;
  return options;
}

/** The method line, then feature, global value per label, rank. */
export function formatExplanation(r: RunExplainabilityResult): string {
  const section = r.analysis.explanations.kernel_shap ?? r.analysis.explanations.tree_shap ?? {};
  const header = ['rank', 'feature', ...r.labels.map((l) => `${l} global`)];
  const rows = r.ranking.map((f, i) => [String(i + 1), f, ...r.labels.map((l) => formatNumber(section[l]?.global_shap_values[f]))]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i]!.length)));
  const line = (cells: string[]) => cells.map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i]!))).join('  ').trimEnd();
  const expected = r.labels.map((l) => `${l}: ${formatNumber(section[l]?.expected_value)}`).join(', ');
  return [
    `method: ${r.methodNote}`,
    '',
    line(header),
    line(widths.map((w) => '-'.repeat(w))),
    ...rows.map(line),
    '',
    `expected value ${expected}; ${r.rows} records in ${r.seconds.toFixed(2)}s`,
    ...(r.files ? [`analysis: ${r.files.analysisJson}`, `report:   ${r.files.reportHtml}`, ...(r.files.outCsv ? [`local:    ${r.files.outCsv}`] : []), ...(r.files.baselineCsv ? [`baseline: ${r.files.baselineCsv}`] : [])] : []),
  ].join('\n');
}

function formatNumber(v: number | undefined): string {
  return v === undefined ? 'n/a' : v.toPrecision(6);
}
