/**
 * Recipe 7: baseline and scheduled monitoring. `suggest_baseline()` on the training CSV (with header) writes
 * `statistics.json` and `constraints.json`; the book edits constraint 0 (`inferred_type` -> Fractional) and
 * saves it; `create_monitoring_schedule()` on the recipe-6 endpoint with `CronExpressionGenerator.hourly()`;
 * the good input `1,92,83,86,96,67` and the bad input `1,92,-83.3,86,-96,67` go through the endpoint; the book
 * then waits about an hour for the scheduled execution — here one execution runs on demand over the last
 * hour of captured traffic, and `latest_monitoring_constraint_violations()` / `latest_monitoring_statistics()`
 * read its files: a data type violation for `science` (it got -83.3) and a non-negative violation for
 * `random1` (it got -96).
 *
 * plumbline reads captured rows by the model's own feature names (the endpoint's model declares them), so the
 * book's edit of feature 0 is no longer needed; it is kept here because the book does it.
 *
 * Run on its own after recipes 2, 4 and 6: `node --import tsx examples/recipe-07-monitoring.ts`.
 */
import { pathToFileURL } from 'node:url';
import {
  createPlatform,
  CronExpressionGenerator,
  CSVSerializer,
  DatasetFormat,
  isPlatformError,
  JSONDeserializer,
  type EndpointPredictor,
  type MonitoringExecution,
  type Platform,
  type Violation,
} from '../src/index.js';

export const SCHEDULE_NAME = 'schedule-chapter07';
export const GOOD_INPUT = '1,92,83,86,96,67';
export const BAD_INPUT = '1,92,-83.3,86,-96,67';

export interface Recipe7Options {
  /** The training CSV with a header (recipe 2's `training_data_path`). */
  trainingDataUri: string;
  endpointName: string;
  predictor: EndpointPredictor;
  /** The good input (default the book's `1,92,83,86,96,67`). */
  csvInput?: string;
}

export interface Recipe7Result {
  scheduleName: string;
  baseline: { statistics: string; constraints: string };
  /** feature -> inferred_type in the suggested constraints. */
  inferredTypes: Record<string, string>;
  execution: MonitoringExecution;
  violations: Violation[];
  /** How captured columns were matched to the baseline. */
  mapping: string;
  files: { statistics: string; constraintViolations: string; report: string };
}

export async function recipe7(platform: Platform, log: (line: string) => void, options: Recipe7Options): Promise<Recipe7Result> {
  const monitor = platform.monitor.defaultModelMonitor();
  const base = platform.objectStore.uriOf('chapter07');
  try {
    await platform.monitor.deleteMonitoringSchedule(SCHEDULE_NAME);
    log(`[recipe 7] deleted the previous monitoring schedule "${SCHEDULE_NAME}"`);
  } catch (e) {
    if (!isPlatformError(e) || e.code !== 'NOT_FOUND') throw e;
  }

  let started = performance.now();
  const baseline = await monitor.suggestBaseline({ baselineDataset: options.trainingDataUri, datasetFormat: DatasetFormat.csv(true), outputS3Uri: `${base}/model-monitor/baseline-results` });
  log(`[recipe 7] suggest_baseline on ${options.trainingDataUri}: ${baseline.statistics.dataset.item_count} rows in ${(performance.now() - started).toFixed(0)} ms`);
  const inferredTypes = Object.fromEntries(baseline.constraints.features.map((f) => [f.name, f.inferred_type]));
  log(`[recipe 7]   inferred types: ${Object.entries(inferredTypes).map(([k, v]) => `${k}=${v}`).join(', ')}`);
  log(`[recipe 7]   ${baseline.files.statistics}`);
  log(`[recipe 7]   ${baseline.files.constraints}`);

  // constraints.body_dict['features'][0]['inferred_type'] = 'Fractional'; constraints.save()
  const constraints = monitor.suggestedConstraints()!;
  constraints.body.features[0]!.inferred_type = 'Fractional';
  await monitor.saveConstraints(constraints);
  log(`[recipe 7] edited constraints: features[0] (${constraints.body.features[0]!.name}) inferred_type -> Fractional, saved`);

  const cron = CronExpressionGenerator.hourly();
  const schedule = await monitor.createMonitoringSchedule({
    monitorScheduleName: SCHEDULE_NAME,
    endpointInput: options.endpointName,
    outputS3Uri: `${base}/report-path`,
    statistics: monitor.baselineStatistics()!,
    constraints,
    scheduleCronExpression: cron,
    enableCloudwatchMetrics: true,
  });
  log(`[recipe 7] monitoring schedule ${schedule.MonitoringScheduleName}: ${schedule.MonitoringScheduleStatus}, ${cron}, endpoint ${schedule.EndpointName}`);

  const predictor = options.predictor;
  predictor.serializer = new CSVSerializer();
  predictor.deserializer = new JSONDeserializer();
  const good = options.csvInput ?? GOOD_INPUT;
  await predictor.predict(good);
  log(`[recipe 7] good input "${good}" sent`);
  await predictor.predict(BAD_INPUT);
  log(`[recipe 7] bad input "${BAD_INPUT}" sent`);

  // The book waits for the hourly execution; plumbline runs one now over the last hour of captured traffic.
  started = performance.now();
  const execution = await monitor.runNow();
  log(
    `[recipe 7] execution ${execution.MonitoringExecutionName}: ${execution.MonitoringExecutionStatus} (${execution.RecordsAnalysed ?? 0} captured records, ${execution.DataAnalysisStartTime} to ${execution.DataAnalysisEndTime}) in ${(performance.now() - started).toFixed(0)} ms`,
  );
  if (execution.MonitoringExecutionStatus === 'Failed') throw new Error(`monitoring execution failed: ${execution.FailureReason}`);
  log(`[recipe 7]   columns: ${execution.ColumnMapping}`);
  const violationsFile = await monitor.latestMonitoringConstraintViolations();
  const statisticsFile = await monitor.latestMonitoringStatistics();
  const violations = (violationsFile?.body.violations ?? []) as Violation[];
  for (const v of violations) log(`[recipe 7]   violation ${v.feature_name} ${v.constraint_check_type}${v.extension ? ' (plumbline extension)' : ''}: ${v.description}`);
  log(`[recipe 7] constraint_violations.json: ${violationsFile?.fileUri}`);
  log(`[recipe 7] statistics.json: ${statisticsFile?.fileUri}`);
  log(`[recipe 7] report: ${execution.Outputs.report}`);
  return {
    scheduleName: SCHEDULE_NAME,
    baseline: baseline.files,
    inferredTypes,
    execution,
    violations,
    mapping: execution.ColumnMapping ?? '',
    files: { statistics: execution.Outputs.statistics!, constraintViolations: execution.Outputs.constraint_violations!, report: execution.Outputs.report! },
  };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const { recipe6 } = await import('./recipe-06-serving.js');
  const platform = await createPlatform();
  try {
    const r6 = await recipe6(platform, console.log);
    await recipe7(platform, console.log, { trainingDataUri: platform.objectStore.uriOf('chapter07/input/training_data.csv'), endpointName: r6.endpointName, predictor: r6.predictor });
  } finally {
    await platform.close();
  }
}
