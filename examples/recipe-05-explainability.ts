/**
 * Recipe 5: explainability. SageMaker: SHAPConfig(baseline=<first 200 rows of the test features>,
 * num_samples=50, agg_method='median'), run_explainability() — a 12 to 18 minute Clarify job that logs a
 * global SHAP value per feature. Here the same Kernel SHAP (same knobs, same outputs: analysis.json,
 * explanations_shap/out.csv, baseline.csv, plus report.html) runs in seconds on the test split, and exact
 * TreeSHAP (what XGBoost's pred_contribs gives) is printed beside it for comparison.
 *
 * Run on its own after recipe 4: `node --import tsx examples/recipe-05-explainability.ts`.
 */
import { pathToFileURL } from 'node:url';
import { createPlatform, readTable, runExplainability, SHAPConfig, tableToRows, type Platform, type Progress } from '../src/index.js';
import { FEATURE_NAMES, MODEL_NAME } from './recipe-04-train-model.js';

export interface Recipe5Result {
  /** Features from most to least important (Kernel SHAP, the book's configuration). */
  ranking: string[];
  /** Global SHAP values (median) per feature. */
  globalShapValues: Record<string, number>;
  expectedValue: number;
  /** The exact TreeSHAP ranking (mean |SHAP| in log-odds), for comparison. */
  treeRanking: string[];
  analysisUri: string;
  reportUri: string;
  outCsvUri: string;
  seconds: number;
}

export async function recipe5(platform: Platform, log: (line: string) => void, testDataPath: string, options: { progress?: Progress } = {}): Promise<Recipe5Result> {
  const started = performance.now();
  // baseline = features.iloc[0:200].values.tolist(): the first 200 test rows without `approved`.
  const test = await readTable(await platform.models.localPathOf(testDataPath));
  const baseline = tableToRows(test)
    .slice(0, 200)
    .map((row) => FEATURE_NAMES.map((f) => row[f] as number));
  const shapConfig = new SHAPConfig({ baseline, numSamples: 50, aggMethod: 'median' });
  log(`[recipe 5] Kernel SHAP on ${test.length} test records: baseline ${baseline.length} rows, num_samples 50, agg_method median`);
  // The table already read is explained as is (runExplainability would otherwise read the file again).
  const run = await runExplainability(platform, {
    data: test,
    label: 'approved',
    modelName: MODEL_NAME,
    shap: shapConfig,
    pdp: { topK: 3, gridResolution: 15 },
    method: 'kernel',
    output: platform.objectStore.uriOf('chapter07/output/explainability'),
    title: 'Recipe 5: explainability of the scholarship model',
    ...(options.progress ? { progress: options.progress } : {}),
  });
  const section = run.analysis.explanations.kernel_shap!.label0!;
  log(`[recipe 5] ${run.methodNote}`);
  log(`[recipe 5] global SHAP values (median), most to least important:`);
  for (const f of run.ranking) log(`[recipe 5]   ${f.padEnd(11)} ${section.global_shap_values[f]!.toFixed(5)}`);
  log(`[recipe 5] expected value ${section.expected_value.toFixed(5)}; ${run.seconds.toFixed(2)}s (Clarify: 12 to 18 minutes)`);
  const tree = await runExplainability(platform, { data: test, label: 'approved', modelName: MODEL_NAME, shap: { aggMethod: 'mean_abs' }, method: 'tree' });
  log(`[recipe 5] exact TreeSHAP (XGBoost's pred_contribs, mean |SHAP| in log-odds): ${tree.ranking.join(' > ')}`);
  log(`[recipe 5] analysis.json: ${run.files!.analysisJson}`);
  log(`[recipe 5] report.html:   ${run.files!.reportHtml}`);
  return {
    ranking: run.ranking,
    globalShapValues: section.global_shap_values,
    expectedValue: section.expected_value,
    treeRanking: tree.ranking,
    analysisUri: run.files!.analysisJson,
    reportUri: run.files!.reportHtml,
    outCsvUri: run.files!.outCsv!,
    seconds: (performance.now() - started) / 1000,
  };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const platform = await createPlatform();
  try {
    await recipe5(platform, console.log, platform.objectStore.uriOf('chapter07/input/test_data.csv'));
  } finally {
    await platform.close();
  }
}
