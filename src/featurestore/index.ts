/** @module featurestore  Feature groups, online and offline stores, ingest, SQL and point-in-time datasets. */
export { FeatureStore, type ExportFormat } from './feature-store.js';
export { FeatureGroup, type FeatureGroupCreateOptions } from './feature-group.js';
export { OfflineQuery } from './offline-query.js';
export { inferFeatureDefinitions, parseFeatureSpec } from './feature-definitions.js';
export type { FeatureStoreContext } from './context.js';
export type { CreateFeatureGroupRequest, ListFeatureGroupsRequest, UpdateFeatureGroupRequest, DeleteFeatureGroupResult, FeatureGroupSummary } from './control-plane.js';
export type { IngestOptions, IngestResult, IngestRejection } from './ingest.js';
export type { PutRecordOptions, PutRecordResult, GetRecordOptions, GetRecordResult, BatchGetIdentifier, BatchGetRecordResult, DeleteRecordOptions, DeleteRecordResult, RecordInput } from './records.js';
export type { FeatureDefinition, FeatureType, FeatureValue, FeatureGroupDescription, TargetStore } from './model.js';
export type { QueryResult } from './offline/offline-session.js';
export { Dataset } from './dataset-export.js';
export { builderFromSpec, parseDatasetSpec, type DatasetSpec, type DatasetOptions, type EntityRows, type FeatureGroupJoinOptions } from './dataset/index.js';
