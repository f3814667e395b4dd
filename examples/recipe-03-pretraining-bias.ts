/**
 * Recipe 3: pre-training bias. SageMaker: DataConfig(label='approved', headers=..., dataset_type='text/csv'),
 * BiasConfig(label_values_or_threshold=[1], facet_name='sex'), run_pre_training_bias(methods=['CI']) writes
 * analysis.json after a 5-10 minute job. Here the same calls (`ClarifyProcessor`, `DataConfig`, `BiasConfig`) run
 * a job on platform.jobs that computes the metric with Clarify's definitions in milliseconds; analysis.json
 * (Clarify's schema), report.md and report.html land in the object store.
 *
 * Run on its own after recipe 2: `node --import tsx examples/recipe-03-pretraining-bias.ts`.
 */
import { pathToFileURL } from 'node:url';
import { BiasConfig, ClarifyProcessor, createPlatform, DataConfig, type Platform } from '../src/index.js';

export interface Recipe3Result {
  /** CI per facet value, e.g. { '0': 0.59, '1': -0.59 }. */
  ci: Record<string, number | null>;
  analysisUri: string;
  reportUri: string;
  /** report.html: a chart per facet value with the metric's range, and a plain reading. */
  reportHtmlUri: string;
}

export async function recipe3(platform: Platform, log: (line: string) => void, trainingDataUri: string): Promise<Recipe3Result> {
  // As the book: DataConfig + BiasConfig + run_pre_training_bias(methods=['CI']), here a job on platform.jobs.
  // No facet values: Clarify reports each value of `sex` in turn (d = that value, a = the rest).
  const processor = new ClarifyProcessor(platform);
  const job = await processor.runPreTrainingBias(
    new DataConfig({ dataPath: trainingDataUri, outputPath: platform.objectStore.uriOf('chapter07/output/pre_training_bias'), label: 'approved', datasetType: 'text/csv' }),
    new BiasConfig({ labelValuesOrThreshold: [1], facetName: 'sex' }),
    ['CI'],
  );
  log(`[recipe 3] Clarify job ${job.name} started`);
  const run = await job.wait();
  log(`[recipe 3] job ${job.name}: ${(await job.describe()).status}`);
  const ci: Record<string, number | null> = {};
  for (const facet of run.analysis.pre_training_bias_metrics!.facets['sex']!) {
    const metric = facet.metrics.find((m) => m.name === 'CI');
    ci[String(facet.value_or_threshold)] = typeof metric?.value === 'number' ? metric.value : null;
  }
  for (const [value, v] of Object.entries(ci)) log(`[recipe 3] CI for sex=${value}: ${v?.toFixed(4)}${value === '0' ? ' (the book reads about 0.59: far fewer females than males)' : ''}`);
  log(`[recipe 3] analysis.json: ${run.files!.analysisJson}`);
  log(`[recipe 3] report.html:   ${run.files!.reportHtml} (open it in a browser; report.md beside it)`);
  return { ci, analysisUri: run.files!.analysisJson, reportUri: run.files!.reportMd, reportHtmlUri: run.files!.reportHtml };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const platform = await createPlatform();
  try {
    await recipe3(platform, console.log, platform.objectStore.uriOf('chapter07/input/training_data.csv'));
  } finally {
    await platform.close();
  }
}
