/**
 * Recipe 2: query the offline store with SQL and export training/validation/test sets.
 * SageMaker: athena_query().table_name -> describe()['OfflineStoreConfig'] -> three Athena queries ->
 * to_csv with and without header -> upload to S3. Here the queries run at once with DuckDB (no 15-minute
 * wait) and the CSV files land in the workspace's object store.
 *
 * Run on its own after recipe 1: `node --import tsx examples/recipe-02-offline-store.ts`.
 */
import { pathToFileURL } from 'node:url';
import { createPlatform, tableToRows, type Platform } from '../src/index.js';
import { FEATURE_GROUP_NAME } from './recipe-01-feature-store.js';

export interface Recipe2Result {
  tableName: string;
  offlineFiles: string[];
  /** Object-store URIs of the exported files, keyed like the book's variables. */
  paths: {
    training_data_path: string;
    validation_data_path: string;
    test_data_path: string;
    training_data_path_nh: string;
    validation_data_path_nh: string;
    test_data_path_nh: string;
  };
  rows: { training: number; validation: number; test: number };
  /** Latest version of each record as of now, deleted records excluded (the "There's more" query). */
  pointInTimeRows: number;
}

const COLUMNS = 'approved, sex, math, science, technology, random1, random2';

export async function recipe2(platform: Platform, log: (line: string) => void, options: { prefix?: string } = {}): Promise<Recipe2Result> {
  const featureGroup = platform.featureStore.featureGroup(FEATURE_GROUP_NAME);
  const table = (await featureGroup.athenaQuery()).tableName;
  const description = await featureGroup.describe();
  const resolved = description.OfflineStoreConfig!.S3StorageConfig.ResolvedOutputS3Uri;
  const dataKey = platform.objectStore.keyOf(resolved)!;
  const offlineFiles = (await platform.objectStore.list(dataKey + '/')).map((o) => platform.objectStore.uriOf(o.key));
  log(`[recipe 2] offline store: ${offlineFiles.length} Parquet file(s) under ${resolved}`);
  log(`[recipe 2] table name: "${table}" (the group name "${FEATURE_GROUP_NAME}" works too)`);

  const queries = {
    training: `SELECT ${COLUMNS} FROM "${table}" ORDER BY index ASC LIMIT 600`,
    validation: `SELECT ${COLUMNS} FROM "${table}" WHERE index > 600 ORDER BY index ASC LIMIT 200`,
    test: `SELECT ${COLUMNS} FROM "${table}" WHERE index > 800 ORDER BY index ASC LIMIT 200`,
  };
  const prefix = options.prefix ?? 'chapter07';
  const uri = (name: string) => platform.objectStore.uriOf(`${prefix}/input/${name}`);
  const rows = { training: 0, validation: 0, test: 0 };
  const paths = {} as Recipe2Result['paths'];
  for (const [split, sql] of Object.entries(queries) as [keyof typeof queries, string][]) {
    log(`[recipe 2] QUERY: ${sql}`);
    const query = await featureGroup.athenaQuery();
    query.run(sql);
    await query.wait();
    rows[split] = query.asTable().length;
    const base = split === 'training' ? 'training_data' : split === 'validation' ? 'validation_data' : 'test_data';
    const withHeader = await platform.featureStore.exportQuery(sql, { uri: uri(`${base}.csv`), format: 'csv', header: true });
    const noHeader = await platform.featureStore.exportQuery(sql, { uri: uri(`${base}_no_header.csv`), format: 'csv', header: false });
    paths[`${base}_path` as keyof Recipe2Result['paths']] = withHeader.uri;
    paths[`${base}_path_nh` as keyof Recipe2Result['paths']] = noHeader.uri;
    log(`[recipe 2] ${split}: ${rows[split]} rows -> ${withHeader.uri} (+ _no_header.csv)`);
  }

  const asOf = new Date(platform.clock.now()).toISOString().replace('T', ' ').replace('Z', '');
  const pit = `SELECT * FROM
    (SELECT *, row_number() OVER (PARTITION BY index
        ORDER BY event_time desc) AS row_num
        FROM "${table}"
        where event_time <= timestamp '${asOf}')
WHERE row_num = 1 and
NOT is_deleted`;
  const latest = await platform.featureStore.query(pit);
  log(`[recipe 2] point-in-time query (latest version per record as of ${asOf}, deleted excluded): ${latest.table.length} rows`);
  const first = tableToRows(latest.table, { timestamps: 'iso' })[0];
  if (first) log(`[recipe 2] e.g. ${JSON.stringify(first)}`);
  return { tableName: table, offlineFiles, paths, rows, pointInTimeRows: latest.table.length };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const platform = await createPlatform();
  try {
    await recipe2(platform, console.log);
  } finally {
    await platform.close();
  }
}
