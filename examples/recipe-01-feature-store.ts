/**
 * Recipe 1: generate the scholarship dataset and store it in a feature group.
 * SageMaker: load_feature_definitions -> create(record_identifier_name="index", event_time_feature_name=
 * "event_time", enable_online_store=True) -> describe() -> ingest(df, max_workers=3) -> get_record("300").
 *
 * Run on its own: `node --import tsx examples/recipe-01-feature-store.ts` (or `npx plumbline demo`).
 */
import { pathToFileURL } from 'node:url';
import { createPlatform, generateScholarship, isPlatformError, type ColumnTable, type FeatureGroupDescription, type GetRecordResult, type IngestResult, type Platform, type Progress } from '../src/index.js';

export const FEATURE_GROUP_NAME = 'cookbook-feature-group';

export interface Recipe1Result {
  table: ColumnTable;
  description: FeatureGroupDescription;
  ingest: IngestResult;
  record300: GetRecordResult;
}

export async function recipe1(platform: Platform, log: (line: string) => void, options: { rows?: number; seed?: number; progress?: Progress } = {}): Promise<Recipe1Result> {
  const rows = options.rows ?? 1000;
  log(`[recipe 1] generating ${rows} scholarship rows (80% male, scores 60..100, approved = math+science+technology > 240, first 60% forced approved, shuffled)`);
  const table = generateScholarship({ rows, seed: options.seed ?? 42, eventTime: Math.floor(platform.clock.now() / 1000) });

  const featureGroup = platform.featureStore.featureGroup(FEATURE_GROUP_NAME);
  try {
    // Re-running the demo starts from a clean group, history included.
    await featureGroup.delete({ purge: true });
    log(`[recipe 1] deleted the previous "${FEATURE_GROUP_NAME}"`);
  } catch (e) {
    if (!isPlatformError(e) || e.code !== 'FEATURE_GROUP_NOT_FOUND') throw e;
  }
  const definitions = featureGroup.loadFeatureDefinitions(table);
  log(`[recipe 1] feature definitions: ${definitions.map((d) => `${d.FeatureName}:${d.FeatureType}`).join(', ')}`);
  await featureGroup.create({ recordIdentifierName: 'index', eventTimeFeatureName: 'event_time', enableOnlineStore: true });
  const description = await featureGroup.describe();
  log(`[recipe 1] describe(): FeatureGroupStatus = ${description.FeatureGroupStatus}`);

  const ingest = await featureGroup.ingest(table, { workers: 3, ...(options.progress ? { progress: options.progress } : {}) });
  log(`[recipe 1] ingest: ${ingest.written} rows written, ${ingest.rejected} rejected, in ${(ingest.seconds * 1000).toFixed(0)} ms`);

  const record300 = await featureGroup.getRecord('300');
  log(`[recipe 1] get_record("300"): ${(record300.Record ?? []).map((f) => `${f.FeatureName}=${f.ValueAsString}`).join(' ')}`);
  return { table, description, ingest, record300 };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const platform = await createPlatform();
  try {
    await recipe1(platform, console.log);
  } finally {
    await platform.close();
  }
}
