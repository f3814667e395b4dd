/**
 * @module monitor/baseline/suggest-baseline
 * `suggestBaseline(ctx, options)`: Model Monitor's baselining job on one laptop. Reads the baseline dataset
 * (CSV with or without header, JSON Lines, Parquet; a local path, an object-store URI, or a table), computes
 * `statistics.json`, suggests `constraints.json`, and writes both, in the container's exact text form, to a
 * local folder or under an object-store URI. `startSuggestBaselineJob` runs it as a job (status, progress and
 * outputs in the catalog), as `suggest_baseline(wait=False)` does.
 */
import { open } from 'node:fs/promises';
import type { ColumnTable } from '../../core/columns.js';
import { invalid, ValidationError } from '../../core/errors.js';
import { noProgress, type Progress } from '../../core/progress.js';
import type { Job, JobRunner } from '../../jobs/index.js';
import { outputLocation, type ObjectStore } from '../../storage/index.js';
import { formatFromPath, readTable, type ReadFormat } from '../../table/index.js';
import { suggestConstraints } from './constraints.js';
import { formatConstraintsJson, formatStatisticsJson } from './jackson.js';
import { computeStatistics } from './statistics.js';
import type { ConstraintsJson, MonitoringConfig, StatisticsJson } from './types.js';

/** SageMaker's `DatasetFormat`: `csv(header)`, `json(lines=True)`, `parquet()` (API casing accepted too). */
export type DatasetFormat = { csv: { header: boolean; output_columns_position?: 'START' | 'END' } } | { json: { lines: true } } | { parquet: Record<string, never> };

export interface SuggestBaselineOptions {
  /** Local file path, object-store URI (`file://…`, `s3://…` inside the workspace store) or a table. */
  dataset: string | ColumnTable;
  /** Default: from the file extension; CSV files are read with a header line (SageMaker's default). */
  datasetFormat?: DatasetFormat;
  /** Local folder or object-store URI prefix receiving `statistics.json` and `constraints.json`. */
  output: string;
  /** Merged over the default `monitoring_config` (e.g. a ChiSquared categorical drift method). */
  monitoringConfig?: MonitoringConfig;
  progress?: Progress;
}

export interface SuggestBaselineResult {
  statistics: StatisticsJson;
  constraints: ConstraintsJson;
  /** Where the two files were written (paths or URIs). */
  files: { statistics: string; constraints: string };
}

export interface BaselineContext {
  objectStore: ObjectStore;
}

const URI = /^[a-z][a-z0-9+.-]*:\/\//i;

export async function suggestBaseline(ctx: BaselineContext, options: SuggestBaselineOptions): Promise<SuggestBaselineResult> {
  const progress = options.progress ?? noProgress;
  if (typeof options.output !== 'string' || options.output.trim() === '') throw invalid('output', options.output, 'a local folder or an object-store URI');
  if (URI.test(options.output) && ctx.objectStore.keyOf(options.output) === undefined) {
    throw invalid('output', options.output, `a local folder or a location inside the object store ${ctx.objectStore.rootUri}`);
  }
  const table = typeof options.dataset === 'string' ? await loadDataset(ctx, options.dataset, options.datasetFormat) : checkTable(options.dataset);
  if (table.length === 0) throw new ValidationError([{ path: 'dataset', message: 'the baseline dataset has no rows' }]);
  if (table.columns.length === 0) throw new ValidationError([{ path: 'dataset', message: 'the baseline dataset has no columns' }]);
  const statistics = computeStatistics(table, { progress });
  const constraints = suggestConstraints(statistics, options.monitoringConfig ? { monitoringConfig: options.monitoringConfig } : {});
  const files = await writeBaseline(ctx, options.output, statistics, constraints);
  return { statistics, constraints, files };
}

/** Runs `suggestBaseline` as a job of type `baseline-suggestion`; outputs are the two files. */
export async function startSuggestBaselineJob(
  ctx: BaselineContext & { jobs: JobRunner },
  options: Omit<SuggestBaselineOptions, 'progress'> & { jobName?: string },
): Promise<Job<SuggestBaselineResult>> {
  const { jobName, ...rest } = options;
  const parameters = {
    dataset: typeof rest.dataset === 'string' ? rest.dataset : `(table of ${rest.dataset.length} rows)`,
    dataset_format: rest.datasetFormat ?? 'auto',
    output_path: rest.output,
  };
  return ctx.jobs.start({ type: 'baseline-suggestion', ...(jobName ? { name: jobName } : {}), parameters }, async (job) => {
    const result = await suggestBaseline(ctx, { ...rest, progress: job.progress });
    return { outputs: { statistics: result.files.statistics, constraints: result.files.constraints }, result };
  });
}

function checkTable(table: ColumnTable): ColumnTable {
  if (!table || typeof table !== 'object' || !Array.isArray(table.columns) || typeof table.length !== 'number') {
    throw invalid('dataset', table, 'a file path, an object-store URI or a column table');
  }
  return table;
}

function readFormat(format: DatasetFormat | undefined, path: string): { format?: ReadFormat; header?: boolean } {
  if (format === undefined) {
    const detected = formatFromPath(path);
    return detected === 'csv' ? { format: 'csv', header: true } : detected ? { format: detected } : {};
  }
  if (typeof format !== 'object' || format === null) throw invalid('datasetFormat', format, '{ csv: { header } }, { json: { lines: true } } or { parquet: {} }');
  const f = format as Record<string, unknown>;
  const csv = (f.csv ?? f.Csv) as Record<string, unknown> | undefined;
  if (csv) {
    const header = csv.header ?? csv.Header ?? true;
    if (typeof header !== 'boolean') throw invalid('datasetFormat.csv.header', header, 'true or false');
    const position = csv.output_columns_position;
    if (position !== undefined && position !== 'START') throw invalid('datasetFormat.csv.output_columns_position', position, '"START" (output columns first, the only layout supported)');
    return { format: 'csv', header };
  }
  const json = (f.json ?? f.Json) as Record<string, unknown> | undefined;
  if (json) {
    const lines = json.lines ?? json.Line ?? true;
    if (lines !== true && lines !== false) throw invalid('datasetFormat.json.lines', lines, 'true or false');
    return { format: lines ? 'jsonl' : 'json' };
  }
  if (f.parquet !== undefined || f.Parquet !== undefined) return { format: 'parquet' };
  throw invalid('datasetFormat', format, '{ csv: { header } }, { json: { lines: true } } or { parquet: {} }');
}

async function loadDataset(ctx: BaselineContext, dataset: string, format: DatasetFormat | undefined): Promise<ColumnTable> {
  if (dataset.trim() === '') throw invalid('dataset', dataset, 'a file path or an object-store URI');
  let path = dataset;
  if (URI.test(dataset)) {
    const key = ctx.objectStore.keyOf(dataset);
    if (key === undefined) throw invalid('dataset', dataset, `a local file or a location inside the object store ${ctx.objectStore.rootUri}`);
    path = await ctx.objectStore.localPath(key);
  }
  const f = readFormat(format, dataset);
  const table = await readTable(path, { ...(f.format ? { format: f.format } : {}), ...(f.header !== undefined ? { header: f.header } : {}) });
  if ((f.format ?? formatFromPath(path)) === 'csv') await checkOneColumnCsv(table, path, dataset);
  return table;
}

/**
 * DuckDB's CSV sniffer falls back to a single column when lines have different numbers of fields (one short
 * line is enough): the baseline would then hold one String feature named like the whole header. Refuse it.
 */
async function checkOneColumnCsv(table: ColumnTable, path: string, dataset: string): Promise<void> {
  const only = table.columns.length === 1 ? table.columns[0]! : undefined;
  if (!only || only.type !== 'string') return;
  // The file's first line, unquoted, is the header or the first value: a quoted "a, b" is a real single field.
  const handle = await open(path, 'r');
  let firstLine: string;
  try {
    const { buffer, bytesRead } = await handle.read(Buffer.alloc(65536), 0, 65536, 0);
    firstLine = buffer.toString('utf8', 0, bytesRead).split(/\r?\n/)[0]!;
  } finally {
    await handle.close();
  }
  const sample = [only.name, only.values[0]].find((v): v is string => typeof v === 'string' && v.includes(',') && v === firstLine);
  if (sample === undefined) return;
  throw invalid('dataset', dataset, `a CSV whose lines all have the same number of comma-separated fields (it was read as one column, e.g. "${sample.slice(0, 60)}"; look for a short or long line)`);
}

/** Writes both files (container text form) to a folder or an object-store prefix; returns their paths/URIs. */
export async function writeBaseline(ctx: BaselineContext, output: string, statistics: StatisticsJson, constraints: ConstraintsJson): Promise<{ statistics: string; constraints: string }> {
  const location = outputLocation(ctx.objectStore, output, { localAs: 'path' });
  return {
    statistics: await location.write('statistics.json', formatStatisticsJson(statistics)),
    constraints: await location.write('constraints.json', formatConstraintsJson(constraints)),
  };
}
