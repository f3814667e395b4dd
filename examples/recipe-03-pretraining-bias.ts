/**
 * Recipe 3: pre-training bias. SageMaker: DataConfig(label='approved', headers=..., dataset_type='text/csv'),
 * BiasConfig(label_values_or_threshold=[1], facet_name='sex'), run_pre_training_bias(methods=['CI']) writes
 * analysis.json after a 5-10 minute job. Here the same metric comes from Clarify's definitions in
 * milliseconds, and analysis.json (Clarify's schema) lands in the object store.
 *
 * Run on its own after recipe 2: `node --import tsx examples/recipe-03-pretraining-bias.ts`.
 */
import { pathToFileURL } from 'node:url';
import { biasAnalysisJson, createPlatform, preTrainingBias, readTable, type BiasStageResult, type Platform } from '../src/index.js';

export interface Recipe3Result {
  result: BiasStageResult;
  /** CI per facet value, e.g. { '0': 0.59, '1': -0.59 }. */
  ci: Record<string, number | null>;
  analysisUri: string;
}

export async function recipe3(platform: Platform, log: (line: string) => void, trainingDataUri: string): Promise<Recipe3Result> {
  const local = await platform.objectStore.localPath(platform.objectStore.keyOf(trainingDataUri)!);
  const training = await readTable(local);
  // No facet values: Clarify reports each value of `sex` in turn (d = that value, a = the rest).
  const result = preTrainingBias(training, { label: { name: 'approved', values: [1] }, facets: [{ name: 'sex' }] }, { methods: ['CI'] });
  const key = 'chapter07/output/pre_training_bias/analysis.json';
  await platform.objectStore.put(key, JSON.stringify(biasAnalysisJson({ pre: result }), null, 2));
  const ci: Record<string, number | null> = {};
  for (const report of result.facets[0]!.reports) ci[report.valueOrThreshold] = report.metrics.find((m) => m.name === 'CI')?.value ?? null;
  for (const [value, v] of Object.entries(ci)) log(`[recipe 3] CI for sex=${value}: ${v?.toFixed(4)}${value === '0' ? ' (the book reads about 0.59: far fewer females than males)' : ''}`);
  const analysisUri = platform.objectStore.uriOf(key);
  log(`[recipe 3] analysis.json: ${analysisUri}`);
  return { result, ci, analysisUri };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const platform = await createPlatform();
  try {
    await recipe3(platform, console.log, platform.objectStore.uriOf('chapter07/input/training_data.csv'));
  } finally {
    await platform.close();
  }
}
