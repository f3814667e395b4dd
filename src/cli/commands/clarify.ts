/**
 * @module cli/commands/clarify
 * `plumbline clarify bias`: Clarify-compatible bias metrics on a data file, from flags and/or an
 * analysis_config.json; writes analysis.json, report.md and report.html and prints a compact table.
 * `--facet sex+age_band` is an intersectional facet (the combinations of both columns; `--facet-values` then
 * takes combinations as `0&18-30,1&51+`); `--ci 0.95` adds bootstrap intervals (`--ci-samples`, `--seed`).
 */
import type { Command } from 'commander';
import { ValidationError } from '../../core/errors.js';
import { formatValue, methodList, parseAnalysisConfig, POST_TRAINING_METRICS, PRE_TRAINING_METRICS, runBias, type BiasAnalysisJson, type ParsedAnalysisConfig, type BiasMetricsConfig, type CategoryValue, type PostTrainingMetric, type PreTrainingMetric, type RunBiasOptions } from '../../index.js';
import { listFlag, numberFlag, readJsonFile } from '../flag-values.js';
import type { CommandContext } from '../main.js';
import { registerExplain } from './explain.js';

/** The flags of `clarify bias` as commander hands them over. */
export interface ClarifyBiasFlags {
  data: string;
  config?: string;
  label?: string;
  labelValues?: string;
  labelThreshold?: string;
  facet?: string[];
  facetValues?: string;
  facetThreshold?: string;
  groupVariable?: string;
  predictedLabel?: string;
  model?: string;
  probabilityThreshold?: string;
  methods?: string;
  output?: string;
  ci?: string;
  ciSamples?: string;
  seed?: string;
}

export function registerClarify(program: Command, ctx: CommandContext): void {
  const clarify = program.command('clarify').description('Clarify-compatible bias analysis and explanations (SHAP, partial dependence)');
  registerExplain(clarify, ctx);
  clarify
    .command('bias')
    .description('pre- and post-training bias metrics; writes analysis.json and report.md')
    .requiredOption('--data <file>', 'data with a header row (CSV, Parquet, JSON Lines), a path or an object-store URI')
    .option('--config <file>', "a Clarify analysis_config.json (flags below override its fields)")
    .option('--label <column>', 'label column')
    .option('--label-values <values>', 'comma-separated positive label values')
    .option('--label-threshold <t>', 'label > t is positive (instead of --label-values)')
    .option('--facet <column>', 'sensitive column (repeat for several); col1+col2 is an intersectional facet', (v: string, prev: string[] = []) => [...prev, v])
    .option('--facet-values <values>', 'comma-separated values of the sensitive group d (default: one report per value); for col1+col2, combinations such as 0&18-30')
    .option('--facet-threshold <t>', 'facet > t is the sensitive group d')
    .option('--group-variable <column>', 'subgroup column for CDDL / CDDPL')
    .option('--predicted-label <column>', 'column of predicted labels (post-training metrics)')
    .option('--model <name>', 'registered model whose score gives the predicted labels')
    .option('--probability-threshold <p>', 'score > p is a positive prediction (default 0.5)')
    .option('--methods <list>', 'all | pre | post | comma-separated metric names (CI,DPL,DI,...)')
    .option('--ci <level>', 'bootstrap confidence intervals at this level, e.g. 0.95')
    .option('--ci-samples <n>', 'bootstrap replicates (default 1000)')
    .option('--seed <n>', 'seed of the bootstrap (default 0)')
    .option('--output <dir>', 'folder or object-store URI for analysis.json, report.md and report.html', 'clarify-output')
    .action(async (o: ClarifyBiasFlags) => {
      const fileConfig = o.config ? parseAnalysisConfig(await readJsonFile(o.config, '--config')) : undefined;
      const options = biasOptionsFromFlags(o, fileConfig);
      const result = await ctx.withPlatform((p) => runBias(p, options));
      for (const w of result.warnings) ctx.out().info(`warning: ${w.replace(/`/g, '')}`);
      const value = { analysis: result.analysis, files: result.files ?? null, warnings: result.warnings };
      const files = result.files ? [`analysis: ${result.files.analysisJson}`, `report:   ${result.files.reportHtml}`, `markdown: ${result.files.reportMd}`] : [];
      ctx.out().result(value, () => [formatBiasTable(result.analysis, options.bootstrap?.level), '', ...files].join('\n'));
    });
}

/** Turns the flags (and a parsed analysis_config.json, if any) into runBias options; flags win. */
export function biasOptionsFromFlags(o: ClarifyBiasFlags, file?: ParsedAnalysisConfig): RunBiasOptions {
  const base = file?.bias;
  const labelName = o.label ?? base?.label.name;
  if (labelName === undefined) throw new ValidationError([{ path: '--label', message: 'is required (or give --config with "label")' }]);
  if (o.labelValues !== undefined && o.labelThreshold !== undefined) throw new ValidationError([{ path: '--label-values', message: 'give --label-values or --label-threshold, not both' }]);
  let labelRule: { values?: CategoryValue[]; threshold?: number; kindFromData?: boolean };
  if (o.labelValues !== undefined) labelRule = { values: values(o.labelValues) };
  else if (o.labelThreshold !== undefined) labelRule = { threshold: numberFlag('--label-threshold', o.labelThreshold) };
  else if (base) labelRule = { ...(base.label.values ? { values: base.label.values } : {}), ...(base.label.threshold !== undefined ? { threshold: base.label.threshold } : {}), ...(base.label.kindFromData ? { kindFromData: true } : {}) };
  else throw new ValidationError([{ path: '--label-values', message: 'give the positive label values (--label-values 1) or --label-threshold' }]);

  if (o.facetValues !== undefined && o.facetThreshold !== undefined) throw new ValidationError([{ path: '--facet-values', message: 'give --facet-values or --facet-threshold, not both' }]);
  let facets: BiasMetricsConfig["facets"];
  if (o.facet && o.facet.length > 0) {
    facets = o.facet.map((flag) => {
      const names = flag.split('+').map((s) => s.trim());
      if (names.some((n) => n === '')) throw new ValidationError([{ path: '--facet', message: `got ${JSON.stringify(flag)}, expected a column name or columns joined with + (sex+age_band)` }]);
      if (names.length > 1) {
        if (o.facetThreshold !== undefined) throw new ValidationError([{ path: '--facet-threshold', message: `cannot apply to the intersectional facet ${JSON.stringify(flag)}: give --facet-values combinations, or none` }]);
        if (o.facetValues === undefined) return { name: names };
        const combos = listFlag(o.facetValues).map((c) => values(c.replace(/&/g, ',')));
        const bad = combos.findIndex((c) => c.length !== names.length);
        if (bad >= 0) throw new ValidationError([{ path: '--facet-values', message: `got ${JSON.stringify(o.facetValues)}, expected combinations of ${names.length} values joined with & (one per column of ${flag}), separated by commas` }]);
        return { name: names, values: combos };
      }
      const rule = o.facetValues !== undefined ? { values: values(o.facetValues) } : o.facetThreshold !== undefined ? { threshold: numberFlag('--facet-threshold', o.facetThreshold) } : {};
      return { name: names[0]!, ...rule };
    });
  } else if (base) {
    if (o.facetValues !== undefined || o.facetThreshold !== undefined) throw new ValidationError([{ path: '--facet', message: 'is required with --facet-values / --facet-threshold' }]);
    facets = base.facets;
  } else throw new ValidationError([{ path: '--facet', message: 'is required (or give --config with "facet")' }]);

  const config: BiasMetricsConfig = { facets, label: { name: labelName, ...labelRule } };
  const group = o.groupVariable ?? base?.groupVariable;
  if (group !== undefined) config.groupVariable = group;
  const predicted = o.predictedLabel ?? base?.predictedLabel;
  const model = o.model ?? (o.predictedLabel === undefined ? file?.modelName : undefined);
  if (predicted !== undefined && model === undefined) config.predictedLabel = predicted;

  const options: RunBiasOptions = { data: o.data, config };
  if (model !== undefined) options.modelName = model;
  const threshold = o.probabilityThreshold !== undefined ? numberFlag('--probability-threshold', o.probabilityThreshold) : file?.probabilityThreshold;
  if (threshold !== undefined) options.probabilityThreshold = threshold;
  if (file?.headers) options.headers = file.headers;
  if (o.output !== undefined) options.output = o.output;
  if (o.ci !== undefined) {
    options.bootstrap = { level: numberFlag('--ci', o.ci) };
    if (o.ciSamples !== undefined) options.bootstrap.samples = numberFlag('--ci-samples', o.ciSamples);
    if (o.seed !== undefined) options.bootstrap.seed = numberFlag('--seed', o.seed);
  } else if (o.ciSamples !== undefined || o.seed !== undefined) {
    throw new ValidationError([{ path: o.ciSamples !== undefined ? '--ci-samples' : '--seed', message: 'needs --ci <level> (e.g. --ci 0.95)' }]);
  }

  const methods = o.methods !== undefined ? methodsFromFlag(o.methods, config.predictedLabel !== undefined || model !== undefined) : { pre: file?.preMethods, post: file?.postMethods };
  if (methods.pre !== undefined) options.pre = methods.pre;
  if (methods.post !== undefined) options.post = methods.post;
  return options;
}

/** `all` (post only with predictions), `pre`, `post`, or metric names split into their stages. */
export function methodsFromFlag(flag: string, hasPredictions: boolean): { pre?: 'all' | PreTrainingMetric[]; post?: 'all' | PostTrainingMetric[] } {
  const f = flag.trim();
  if (f === 'all') return hasPredictions ? { pre: 'all', post: 'all' } : { pre: 'all' };
  if (f === 'pre') return { pre: 'all' };
  if (f === 'post') return { post: 'all' };
  const names = listFlag(f);
  const valid = [...PRE_TRAINING_METRICS, ...POST_TRAINING_METRICS];
  methodList('--methods', names.length > 0 ? names : flag, valid);
  const pre = names.filter((n): n is PreTrainingMetric => (PRE_TRAINING_METRICS as readonly string[]).includes(n));
  const post = names.filter((n): n is PostTrainingMetric => (POST_TRAINING_METRICS as readonly string[]).includes(n));
  return { ...(pre.length > 0 ? { pre } : {}), ...(post.length > 0 ? { post } : {}) };
}

/** facet, value, stage, metric, value (and the interval with --ci): one line per metric. */
export function formatBiasTable(analysis: BiasAnalysisJson, ciLevel?: number): string {
  const rows: string[][] = [];
  const sections = [
    ['pre', analysis.pre_training_bias_metrics],
    ['post', analysis.post_training_bias_metrics],
  ] as const;
  for (const [stage, section] of sections) {
    if (!section) continue;
    for (const [facet, reports] of Object.entries(section.facets)) {
      for (const r of reports) {
        for (const m of r.metrics) {
          const value = m.value === null ? `failed: ${m.error ?? ''}` : formatValue(m);
          const interval = m.confidence_interval ? `[${formatValue({ value: m.confidence_interval[0] })}, ${formatValue({ value: m.confidence_interval[1] })}]` : '';
          rows.push(ciLevel !== undefined ? [facet, r.value_or_threshold, stage, m.name, m.value === null ? '' : interval, value] : [facet, r.value_or_threshold, stage, m.name, value]);
        }
      }
    }
  }
  const header = ciLevel !== undefined ? ['facet', 'value', 'stage', 'metric', `${Number((ciLevel * 100).toFixed(2))}% interval`, 'value'] : ['facet', 'value', 'stage', 'metric', 'value'];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) => cells.map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i]!))).join('  ').trimEnd();
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n');
}

function values(list: string): CategoryValue[] {
  return listFlag(list).map((s) => (String(Number(s)) === s ? Number(s) : s));
}
