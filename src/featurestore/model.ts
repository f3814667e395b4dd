/**
 * @module featurestore/model
 * The feature store's shared types, named as SageMaker Feature Store names them (SMFS responses keep
 * their PascalCase field names so existing tooling and AWS SDK clients read them unchanged).
 */
import type { TtlDuration } from '../core/time.js';

export type FeatureType = 'Integral' | 'Fractional' | 'String';

export interface FeatureDefinition {
  FeatureName: string;
  FeatureType: FeatureType;
}

/** One feature value on the wire: SMFS sends every scalar as a string. */
export interface FeatureValue {
  FeatureName: string;
  ValueAsString: string;
}

export type TargetStore = 'OnlineStore' | 'OfflineStore';

export type FeatureGroupStatus = 'Creating' | 'Created' | 'CreateFailed' | 'Deleting' | 'DeleteFailed';

/** What the catalog stores for a feature group: the SMFS DescribeFeatureGroup shape. */
export interface FeatureGroupDescription {
  FeatureGroupArn: string;
  FeatureGroupName: string;
  RecordIdentifierFeatureName: string;
  EventTimeFeatureName: string;
  FeatureDefinitions: FeatureDefinition[];
  /** ISO-8601. */
  CreationTime: string;
  LastModifiedTime: string;
  OnlineStoreConfig?: { EnableOnlineStore: boolean; TtlDuration?: TtlDuration; StorageType: 'Standard' | 'InMemory' };
  OfflineStoreConfig?: {
    S3StorageConfig: { S3Uri: string; ResolvedOutputS3Uri: string };
    DisableGlueTableCreation: boolean;
    DataCatalogConfig: { TableName: string; Catalog: string; Database: string };
    TableFormat: 'Glue';
  };
  FeatureGroupStatus: FeatureGroupStatus;
  OfflineStoreStatus?: { Status: 'Active' | 'Blocked' | 'Disabled'; BlockedReason?: string };
  LastUpdateStatus?: { Status: 'Successful' | 'Failed' | 'InProgress'; FailureReason?: string };
  Description?: string;
  Tags?: { Key: string; Value: string }[];
  /** Notes from definition inference (booleans stored as Integral, timestamps as String). */
  Notes?: string[];
}

/** What the offline store needs to know about a group to write and query its files. */
export interface OfflineGroup {
  name: string;
  /** The SQL table names the group answers to: its own name and its DataCatalogConfig.TableName. */
  tableNames: string[];
  /** Object-store key prefix ending in `/data`, e.g. `offline-store/users-1700000000/data`. */
  dataPrefix: string;
  recordIdentifierName: string;
  eventTimeFeatureName: string;
  eventTimeType: 'String' | 'Fractional';
  definitions: FeatureDefinition[];
}

/** One row bound for the offline store, values as SMFS strings (absent = null). */
export interface OfflineRow {
  values: Record<string, string>;
  /** Event time of the row, epoch ms (used for the hour partition). */
  eventTimeMs: number;
  writeTimeMs: number;
  apiInvocationTimeMs: number;
  isDeleted: boolean;
}

/** A stored online record. */
export interface OnlineRecord {
  recordId: string;
  eventTimeMs: number;
  /** Feature values as SMFS strings; absent features are not present. Empty for soft-deleted records. */
  values: Record<string, string>;
  expiresAtMs: number | null;
  softDeleted: boolean;
}

export interface OnlineWrite {
  recordId: string;
  eventTimeMs: number;
  values: Record<string, string>;
  expiresAtMs: number | null;
}

export type DeleteOutcome = 'deleted' | 'stale' | 'absent';
