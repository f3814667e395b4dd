/**
 * @module cli/commands/demo
 * `plumbline demo`: the chapter end to end on the embedded default (recipes 1 and 2 so far; each later
 * issue adds its recipe).
 */
import type { Command } from 'commander';
import { recipe1 } from '../../../examples/recipe-01-feature-store.js';
import { recipe2 } from '../../../examples/recipe-02-offline-store.js';
import { recipe3 } from '../../../examples/recipe-03-pretraining-bias.js';
import { recipe4Bias, recipe4Train } from '../../../examples/recipe-04-train-model.js';
import { intOption, type CommandContext } from '../main.js';

export function registerDemo(program: Command, ctx: CommandContext): void {
  program
    .command('demo')
    .description('run the chapter\'s recipes end to end on this workspace (feature store, offline SQL, exports, training)')
    .option('--rows <n>', 'rows of the scholarship dataset', intOption('rows', 10, 10_000_000), 1000)
    .option('--seed <n>', 'random seed', intOption('seed', 0, 2 ** 31 - 1), 42)
    .action(async (o) => {
      const out = ctx.out();
      const log = (line: string) => out.info(line);
      const started = performance.now();
      const summary = await ctx.withPlatform(async (platform) => {
        log(`workspace: ${platform.config.home}`);
        const r1 = await recipe1(platform, log, { rows: o.rows, seed: o.seed, progress: ctx.progress() });
        const r2 = await recipe2(platform, log);
        const r3 = await recipe3(platform, log, r2.paths.training_data_path);
        const r4 = await recipe4Train(platform, log, r2.paths, { progress: ctx.progress() });
        const r4bias = await recipe4Bias(platform, log, r2.paths.training_data_path);
        return {
          workspace: platform.config.home,
          featureGroup: { name: r1.description.FeatureGroupName, status: r1.description.FeatureGroupStatus, ingested: r1.ingest.written, rejected: r1.ingest.rejected },
          record300: r1.record300.Record ?? null,
          offlineFiles: r2.offlineFiles,
          rows: r2.rows,
          exports: r2.paths,
          pointInTimeRows: r2.pointInTimeRows,
          preTrainingBias: { CI: r3.ci, analysis: r3.analysisUri },
          postTrainingBias: { metrics: r4bias.metrics, analysis: r4bias.analysisUri },
          model: { name: r4.model.ModelName, uri: r4.model.artifactUri, trees: r4.model.numTrees, validationAuc: r4.model.metrics?.['validation-auc'] ?? null, seconds: r4.seconds },
        };
      });
      const seconds = (performance.now() - started) / 1000;
      out.result({ ...summary, seconds }, () =>
        [
          '',
          `done in ${seconds.toFixed(2)}s`,
          'training/validation/test sets:',
          ...Object.entries(summary.exports).map(([k, v]) => `  ${k.padEnd(24)} ${v}`),
          `pre-training bias: CI ${Object.entries(summary.preTrainingBias.CI).map(([k, v]) => `sex=${k}: ${v?.toFixed(3)}`).join(', ')} (${summary.preTrainingBias.analysis})`,
          `post-training bias: ${Object.entries(summary.postTrainingBias.metrics).map(([k, v]) => `sex=${k}: DPPL ${v.DPPL?.toFixed(3)} RD ${v.RD?.toFixed(3)}`).join(', ')} (${summary.postTrainingBias.analysis})`,
          `model ${summary.model.name}: validation AUC ${summary.model.validationAuc?.toFixed(4) ?? 'n/a'}, ${summary.model.uri}`,
        ].join('\n'),
      );
    });
}
