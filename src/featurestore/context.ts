/**
 * @module featurestore/context
 * What every feature-store use case works with: the ports, chosen once from the workspace config.
 */
import type { Catalog } from '../catalog/catalog.js';
import type { Clock } from '../core/clock.js';
import type { ObjectStore } from '../storage/object-store.js';
import type { GroupCache } from './group-cache.js';
import type { FeatureGroupDescription, OfflineGroup } from './model.js';
import type { OfflineStore } from './offline/index.js';
import type { OnlineStore } from './online/online-store.js';

export interface FeatureStoreContext {
  catalog: Catalog;
  online: OnlineStore;
  offline: OfflineStore;
  objectStore: ObjectStore;
  clock: Clock;
  /** Region and account shown in ARNs (`arn:aws:sagemaker:<region>:<account>:feature-group/<name>`). */
  region: string;
  account: string;
  /** Short-lived cache of group descriptions for the record hot path (see group-cache.ts). */
  groups?: GroupCache;
}

export const FEATURE_GROUP_KIND = 'feature-group';

/** The catalog document of a feature group: the SMFS description plus where its offline files live. */
export interface FeatureGroupRecord {
  description: FeatureGroupDescription;
  /** Object-store key prefix of the offline data (`.../offline-store/<name>-<epoch>/data`); absent without offline store. */
  dataPrefix?: string;
}

export function offlineGroupOf(record: FeatureGroupRecord): OfflineGroup | undefined {
  const d = record.description;
  if (!record.dataPrefix || !d.OfflineStoreConfig) return undefined;
  const eventType = d.FeatureDefinitions.find((f) => f.FeatureName === d.EventTimeFeatureName)!.FeatureType;
  const tableNames = [d.FeatureGroupName];
  const catalogTable = d.OfflineStoreConfig.DataCatalogConfig.TableName;
  if (catalogTable !== d.FeatureGroupName) tableNames.push(catalogTable);
  return {
    name: d.FeatureGroupName,
    tableNames,
    dataPrefix: record.dataPrefix,
    recordIdentifierName: d.RecordIdentifierFeatureName,
    eventTimeFeatureName: d.EventTimeFeatureName,
    eventTimeType: eventType === 'String' ? 'String' : 'Fractional',
    definitions: d.FeatureDefinitions,
  };
}
