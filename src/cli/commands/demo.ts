/**
 * @module cli/commands/demo
 * `plumbline demo`: the chapter end to end on the embedded default, recipes 1 to 7 (feature store, offline SQL
 * and exports, pre-training bias, training and post-training bias, SHAP, an endpoint with capture, monitoring).
 */
import type { Command } from 'commander';
import { recipe1 } from '../../../examples/recipe-01-feature-store.js';
import { recipe2 } from '../../../examples/recipe-02-offline-store.js';
import { recipe3 } from '../../../examples/recipe-03-pretraining-bias.js';
import { recipe4Bias, recipe4Train } from '../../../examples/recipe-04-train-model.js';
import { recipe5 } from '../../../examples/recipe-05-explainability.js';
import { recipe6 } from '../../../examples/recipe-06-serving.js';
import { recipe7 } from '../../../examples/recipe-07-monitoring.js';
import { intOption, type CommandContext } from '../main.js';

export function registerDemo(program: Command, ctx: CommandContext): void {
  program
    .command('demo')
    .description('run the chapter\'s seven recipes end to end on this workspace (feature store, bias, training, SHAP, endpoint with capture, monitoring)')
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
        const r5 = await recipe5(platform, log, r2.paths.test_data_path, { progress: ctx.progress() });
        const r6 = await recipe6(platform, log);
        const r7 = await recipe7(platform, log, { trainingDataUri: r2.paths.training_data_path, endpointName: r6.endpointName, predictor: r6.predictor });
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
          explainability: { ranking: r5.ranking, globalShapValues: r5.globalShapValues, expectedValue: r5.expectedValue, treeRanking: r5.treeRanking, analysis: r5.analysisUri, report: r5.reportUri, localValues: r5.outCsvUri, seconds: r5.seconds },
          endpoint: { name: r6.endpointName, csvInput: r6.csvInput, prediction: r6.prediction, score: r6.score, captureDestination: r6.captureDestination, captureFile: r6.captureFile },
          monitoring: {
            schedule: r7.scheduleName,
            baseline: r7.baseline,
            execution: r7.execution.MonitoringExecutionName,
            status: r7.execution.MonitoringExecutionStatus,
            mapping: r7.mapping,
            violations: r7.violations.map((v) => ({ feature: v.feature_name, check: v.constraint_check_type, description: v.description })),
            files: r7.files,
          },
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
          `SHAP ranking (Kernel SHAP, median): ${summary.explainability.ranking.join(' > ')} (${summary.explainability.report})`,
          `endpoint ${summary.endpoint.name}: predict("${summary.endpoint.csvInput}") = ${summary.endpoint.score}; captured in ${summary.endpoint.captureFile}`,
          `monitoring ${summary.monitoring.schedule}: ${summary.monitoring.status}`,
          ...summary.monitoring.violations.map((v) => `  ${v.feature} ${v.check}: ${v.description}`),
          `  statistics.json            ${summary.monitoring.files.statistics}`,
          `  constraint_violations.json ${summary.monitoring.files.constraintViolations}`,
          `  report                     ${summary.monitoring.files.report}`,
        ].join('\n'),
      );
    });
}
