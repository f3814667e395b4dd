/**
 * Recipe 4, training step: train XGBoost (binary:logistic, max_depth 8, eta 0.1, min_child_weight 4,
 * num_round 500) on the header-less training CSV from recipe 2 (label first), with the validation CSV,
 * and register the model. SageMaker: Estimator(xgboost image).set_hyperparameters(...).fit({'train', 'validation'}).
 * Here the trainer is plumbline's own, in process, and the model is an XGBoost JSON file XGBoost can load.
 *
 * Run on its own after recipe 2: `node --import tsx examples/recipe-04-train-model.ts`.
 */
import { pathToFileURL } from 'node:url';
import { BiasConfig, ClarifyProcessor, createPlatform, DataConfig, isPlatformError, ModelConfig, ModelPredictedLabelConfig, type FitResult, type Platform, type Progress } from '../src/index.js';
import type { Recipe2Result } from './recipe-02-offline-store.js';

export const MODEL_NAME = 'cookbook-xgboost';
export const FEATURE_NAMES = ['sex', 'math', 'science', 'technology', 'random1', 'random2'];

export async function recipe4Train(platform: Platform, log: (line: string) => void, paths: Recipe2Result['paths'], options: { progress?: Progress } = {}): Promise<FitResult> {
  try {
    await platform.models.delete(MODEL_NAME);
  } catch (e) {
    if (!isPlatformError(e) || e.code !== 'NOT_FOUND') throw e;
  }
  const estimator = platform.models.estimator({
    objective: 'binary:logistic',
    max_depth: 8,
    eta: 0.1,
    min_child_weight: 4,
    num_round: 500,
    eval_metric: 'auc',
    verbose_eval: 100,
  });
  log(`[recipe 4] training ${MODEL_NAME}: binary:logistic, max_depth=8, eta=0.1, min_child_weight=4, num_round=500`);
  const fit = await estimator.fit(
    { train: paths.training_data_path_nh, validation: paths.validation_data_path_nh },
    { modelName: MODEL_NAME, featureNames: FEATURE_NAMES, log: (line) => log(`[recipe 4]   ${line}`), ...(options.progress ? { progress: options.progress } : {}) },
  );
  const auc = fit.model.metrics?.['validation-auc'];
  log(`[recipe 4] trained in ${fit.seconds.toFixed(2)}s; validation AUC ${auc?.toFixed(4) ?? 'n/a'}; model at ${fit.model.artifactUri}`);
  return fit;
}

export interface Recipe4BiasResult {
  /** Per facet value of `sex`: DPPL and RD. */
  metrics: Record<string, { DPPL: number | null; RD: number | null }>;
  analysisUri: string;
  reportHtmlUri: string;
}

/**
 * Recipe 4, post-training bias: the model's predicted label (score > probability_threshold 0.5) on the
 * training data, then DPPL and RD for `sex`, as run_post_training_bias(methods=['DPPL', 'RD']) does: a
 * ClarifyProcessor job with ModelConfig + ModelPredictedLabelConfig.
 */
export async function recipe4Bias(platform: Platform, log: (line: string) => void, trainingDataUri: string): Promise<Recipe4BiasResult> {
  const processor = new ClarifyProcessor(platform);
  const job = await processor.runPostTrainingBias(
    new DataConfig({ dataPath: trainingDataUri, outputPath: platform.objectStore.uriOf('chapter07/output/post_training_bias'), label: 'approved', datasetType: 'text/csv' }),
    new BiasConfig({ labelValuesOrThreshold: [1], facetName: 'sex' }),
    new ModelConfig({ modelName: MODEL_NAME }),
    new ModelPredictedLabelConfig({ probabilityThreshold: 0.5 }),
    ['DPPL', 'RD'],
  );
  log(`[recipe 4] Clarify job ${job.name} started`);
  const run = await job.wait();
  const metrics: Recipe4BiasResult['metrics'] = {};
  for (const facet of run.analysis.post_training_bias_metrics!.facets['sex']!) {
    const value = (name: string) => {
      const v = facet.metrics.find((m) => m.name === name)?.value;
      return typeof v === 'number' ? v : null;
    };
    metrics[String(facet.value_or_threshold)] = { DPPL: value('DPPL'), RD: value('RD') };
    log(`[recipe 4] post-training bias for sex=${facet.value_or_threshold}: DPPL ${value('DPPL')?.toFixed(4)}, RD ${value('RD')?.toFixed(4)}`);
  }
  log(`[recipe 4] analysis.json: ${run.files!.analysisJson}`);
  log(`[recipe 4] report.html:   ${run.files!.reportHtml} (open it in a browser; report.md beside it)`);
  return { metrics, analysisUri: run.files!.analysisJson, reportHtmlUri: run.files!.reportHtml };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const platform = await createPlatform();
  try {
    const uri = (name: string) => platform.objectStore.uriOf(`chapter07/input/${name}`);
    await recipe4Train(platform, console.log, {
      training_data_path: uri('training_data.csv'),
      validation_data_path: uri('validation_data.csv'),
      test_data_path: uri('test_data.csv'),
      training_data_path_nh: uri('training_data_no_header.csv'),
      validation_data_path_nh: uri('validation_data_no_header.csv'),
      test_data_path_nh: uri('test_data_no_header.csv'),
    });
    await recipe4Bias(platform, console.log, uri('training_data.csv'));
  } finally {
    await platform.close();
  }
}
