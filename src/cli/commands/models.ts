/**
 * @module cli/commands/models
 * `plumbline train`, `plumbline models import|list|describe|delete|export` and `plumbline predict`.
 */
import type { Command } from 'commander';
import { ValidationError, writeTable, type ModelDescription } from '../../index.js';
import { tableToCsv } from '../../table/index.js';
import { type CommandContext } from '../main.js';

/** Hyper-parameter flags of `train`, as XGBoost names them (dashes or underscores both accepted). */
const HYPERPARAMETERS = [
  'objective', 'num_round', 'eta', 'max_depth', 'min_child_weight', 'gamma', 'lambda', 'alpha', 'max_delta_step', 'subsample',
  'colsample_bytree', 'colsample_bylevel', 'scale_pos_weight', 'base_score', 'max_bin', 'seed', 'num_class', 'early_stopping_rounds',
  'eval_metric', 'verbose_eval',
];

export function registerModels(program: Command, ctx: CommandContext): void {
  const train = program
    .command('train')
    .description('train an XGBoost-compatible gradient-boosted tree model and register it')
    .requiredOption('--train <file>', 'training data: a header-less CSV with the label first (as SageMaker XGBoost), or any file with --label')
    .option('--validation <file>', 'validation data in the same layout')
    .option('--label <column>', 'label column name (data with a header)')
    .option('--label-first', 'the label is the first column of a header-less CSV (the default without --label)')
    .option('--feature-names <names>', 'comma-separated names for the features of a header-less CSV')
    .requiredOption('--model-name <name>', 'name to register the model under')
    .option('--threads <n>', '1 or 2 worker threads', (v) => (v === '2' ? 2 : 1));
  for (const h of HYPERPARAMETERS) train.option(`--${h.replace(/_/g, '-')} <value>`, `XGBoost ${h}`);
  train.option('--hyperparameters <json>', 'hyper-parameters as a JSON object (as SageMaker passes them)');
  train.action(async (o) => {
    const hyperparameters: Record<string, string> = o.hyperparameters ? parseHyperparameters(o.hyperparameters) : {};
    for (const h of HYPERPARAMETERS) {
      const v = o[camel(h)];
      if (v !== undefined) hyperparameters[h] = String(v);
    }
    const labelled = o.label ? { label: o.label as string } : { labelFirst: true };
    const out = ctx.out();
    const result = await ctx.withPlatform((p) =>
      p.models
        .estimator(hyperparameters)
        .fit(
          { train: { data: o.train, ...labelled }, ...(o.validation ? { validation: { data: o.validation, ...labelled } } : {}) },
          {
            modelName: o.modelName,
            ...(o.featureNames ? { featureNames: String(o.featureNames).split(',') } : {}),
            progress: ctx.progress(),
            log: (line) => out.info(line),
            ...(o.threads ? { threads: o.threads } : {}),
          },
        ),
    );
    out.result(result, () =>
      [
        `trained ${result.model.ModelName} (${result.model.numTrees} trees) in ${result.seconds.toFixed(2)}s`,
        ...Object.entries(result.model.metrics ?? {}).map(([k, v]) => `  ${k.padEnd(24)} ${v.toFixed(6)}`),
        ...(result.bestIteration !== undefined ? [`  best iteration           ${result.bestIteration}`] : []),
        `model: ${result.model.artifactUri}`,
      ].join('\n'),
    );
  });

  const models = program.command('models').description('the model registry');
  models
    .command('import <file>')
    .description('register an XGBoost JSON (save_model("model.json")) or ONNX model file')
    .requiredOption('--name <name>', 'model name')
    .option('--format <format>', 'xgboost-json or onnx (default: from the extension)')
    .option('--feature-names <names>', 'comma-separated feature names when the file has none')
    .option('--label <column>', 'label column the model predicts (kept for later use)')
    .action(async (file: string, o) => {
      const d = await ctx.withPlatform((p) =>
        p.models.importModel(file, {
          name: o.name,
          ...(o.format ? { format: o.format } : {}),
          ...(o.featureNames ? { featureNames: String(o.featureNames).split(',') } : {}),
          ...(o.label ? { label: o.label } : {}),
        }),
      );
      ctx.out().result(d, () => describeModel(d));
    });
  models
    .command('register-remote <name>')
    .description('register a model served elsewhere by a SageMaker-style server (GET /ping, POST /invocations)')
    .requiredOption('--url <url>', 'base URL of the server')
    .requiredOption('--feature-names <names>', 'comma-separated features the server expects, in CSV column order')
    .option('--output-names <names>', 'comma-separated output columns (default: score)')
    .action(async (name: string, o) => {
      const d = await ctx.withPlatform((p) =>
        p.models.registerRemote(name, o.url, String(o.featureNames).split(','), o.outputNames ? String(o.outputNames).split(',') : undefined),
      );
      ctx.out().result(d, () => describeModel(d));
    });
  models
    .command('list')
    .description('list models')
    .action(async () => {
      const list = await ctx.withPlatform((p) => p.models.list());
      ctx.out().result(list, () => (list.length === 0 ? '(no models)' : list.map((m) => `${m.ModelName}\t${m.format}\t${m.objective ?? '-'}\t${m.CreationTime}`).join('\n')));
    });
  models
    .command('describe <name>')
    .action(async (name: string) => {
      const d = await ctx.withPlatform((p) => p.models.describe(name));
      ctx.out().result(d, () => describeModel(d));
    });
  models
    .command('delete <name>')
    .action(async (name: string) => {
      await ctx.withPlatform((p) => p.models.delete(name));
      ctx.out().result({ deleted: name }, () => `deleted model ${name}`);
    });
  models
    .command('export <name> <file>')
    .description('write the model file (XGBoost JSON loads in XGBoost; ONNX in any ONNX runtime)')
    .action(async (name: string, file: string) => {
      const r = await ctx.withPlatform((p) => p.models.export(name, file));
      ctx.out().result(r, () => `wrote ${r.format} model to ${r.path}`);
    });

  program
    .command('predict')
    .description('batch prediction with a registered model')
    .requiredOption('--model <name>', 'model name')
    .requiredOption('--data <file>', 'CSV/Parquet/JSONL with the model\'s features (by name, or by position for f0, f1, ... models)')
    .option('--label <column>', 'a label column to leave out of positional matching')
    .option('--no-header', 'the CSV has no header row')
    .option('--out <file>', 'write the data with prediction columns (.csv, .parquet, .jsonl); default: CSV on stdout')
    .action(async (o) => {
      const table = await ctx.withPlatform(async (p) => p.models.predict(o.model, await p.models.localPathOf(o.data), { ...(o.label ? { label: o.label } : {}), header: o.header }));
      if (o.out) {
        await writeTable(table, o.out);
        ctx.out().result({ rows: table.length, path: o.out }, () => `wrote ${table.length} predictions to ${o.out}`);
      } else ctx.io.stdout.write(tableToCsv(table));
    });
}

function parseHyperparameters(text: string): Record<string, string> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (e) {
    throw new ValidationError([{ path: '--hyperparameters', message: `is not valid JSON (${(e as Error).message})` }]);
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) throw new ValidationError([{ path: '--hyperparameters', message: 'expected a JSON object such as {"max_depth": 8}' }]);
  return Object.fromEntries(Object.entries(parsed).map(([k, v]) => [k, String(v)]));
}

function camel(name: string): string {
  return name.replace(/_([a-z])/g, (_m, c: string) => c.toUpperCase());
}

function describeModel(d: ModelDescription): string {
  return [
    `ModelName      ${d.ModelName}`,
    `ModelArn       ${d.ModelArn}`,
    `CreationTime   ${d.CreationTime}`,
    `Format         ${d.format}${d.objective ? ` (${d.objective})` : ''}`,
    `Features       ${d.featureNames.join(', ')}`,
    `Outputs        ${d.outputNames.join(', ')}`,
    ...(d.label ? [`Label          ${d.label}`] : []),
    ...(d.artifactUri ? [`Artifact       ${d.artifactUri}`] : []),
    ...(d.remoteUrl ? [`Remote         ${d.remoteUrl}`] : []),
    ...(d.numTrees !== undefined ? [`Trees          ${d.numTrees}`] : []),
    ...Object.entries(d.metrics ?? {}).map(([k, v]) => `${k.padEnd(14)} ${v}`),
    ...Object.entries(d.hyperparameters ?? {}).map(([k, v]) => `  ${k} = ${v}`),
  ].join('\n');
}
