/**
 * A workspace for serving tests: the chapter's scholarship data in the feature group `cookbook-feature-group`
 * (online store, for enrichment) and a small XGBoost-compatible model trained on it (`features` order:
 * sex, math, science, technology, random1, random2), as recipe 4 does with fewer rounds.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createPlatform, generateScholarship, writeTable, type Platform, type PlatformOptions } from '../../src/index.js';

export const FEATURES = ['sex', 'math', 'science', 'technology', 'random1', 'random2'];
export const GROUP = 'cookbook-feature-group';

export interface ServingFixture {
  home: string;
  platform: Platform;
  cleanup(): Promise<void>;
}

/** Creates the workspace; `models` names the models to train (different seeds give different models). */
export async function servingFixture(options: { models?: string[]; rounds?: number; platform?: PlatformOptions } = {}): Promise<ServingFixture> {
  const home = mkdtempSync(join(tmpdir(), 'plumbline-serving-'));
  const platform = await createPlatform({ home, offlineFlushIntervalMs: 0, purgeIntervalMs: 0, ...options.platform });
  const table = generateScholarship({ rows: 1000, seed: 42, eventTime: 1_700_000_000 });
  const fg = platform.featureStore.featureGroup(GROUP);
  fg.loadFeatureDefinitions(table);
  await fg.create({ recordIdentifierName: 'index', eventTimeFeatureName: 'event_time' });
  await fg.ingest(table);
  const csv = join(home, 'train.csv');
  await writeTable({ length: table.length, columns: table.columns.filter((c) => c.name !== 'index' && c.name !== 'event_time') }, csv);
  for (const [i, name] of (options.models ?? ['cookbook-xgboost']).entries()) {
    await platform.models
      .estimator({ objective: 'binary:logistic', max_depth: 4 + i, eta: 0.3, num_round: options.rounds ?? 20 })
      .fit({ train: { data: csv, label: 'approved' } }, { modelName: name });
  }
  return {
    home,
    platform,
    async cleanup() {
      await platform.close();
      rmSync(home, { recursive: true, force: true });
    },
  };
}
