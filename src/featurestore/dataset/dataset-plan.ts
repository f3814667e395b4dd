/**
 * @module featurestore/dataset/dataset-plan
 * The resolved, validated description of a dataset query: what the fluent builder and the JSON spec
 * produce and what the SQL generator consumes. Holds names and numbers only, no DuckDB or I/O.
 */

export type JoinType = 'INNER_JOIN' | 'LEFT_JOIN' | 'RIGHT_JOIN' | 'FULL_JOIN' | 'CROSS_JOIN';
export const JOIN_TYPES: readonly JoinType[] = ['INNER_JOIN', 'LEFT_JOIN', 'RIGHT_JOIN', 'FULL_JOIN', 'CROSS_JOIN'];

/** How a join key compares: numbers with numbers, strings with strings; a mixed pair compares as DOUBLE. */
export type KeyKind = 'number' | 'string' | 'other';

/** An offline-store view (one feature group) as a source table. */
export interface GroupSource {
  kind: 'group';
  /** The group name (used for prefixes and messages). */
  name: string;
  /** The SQL view to read. */
  view: string;
  /** Feature columns in definition order (the view's columns before write_time etc.). */
  columns: string[];
  kinds: Record<string, KeyKind>;
  recordIdentifierName: string;
  eventTimeFeatureName: string;
  eventTimeType: 'String' | 'Fractional';
}

/** Entity rows registered as a temporary table, with a helper column holding event time as epoch ms. */
export interface EntitySource {
  kind: 'entity';
  table: string;
  columns: string[];
  kinds: Record<string, KeyKind>;
  recordIdentifierName: string;
  eventTimeFeatureName: string;
  eventTimeMsColumn: string;
}

export interface OutputColumn {
  /** Column in the source table. */
  column: string;
  /** Column name in the result. */
  alias: string;
}

export interface TargetPlan {
  group: GroupSource;
  /** Column of the base compared with `targetKey`. */
  baseKey: string;
  targetKey: string;
  joinType: JoinType;
  outputs: OutputColumn[];
  /** Point-in-time joins only: target rows older than base time − ttl do not count. */
  ttlMs?: number;
}

export interface DatasetPlan {
  base: GroupSource | EntitySource;
  baseOutputs: OutputColumn[];
  targets: TargetPlan[];
  pointInTimeAccurateJoin: boolean;
  includeDuplicatedRecords: boolean;
  includeDeletedRecords: boolean;
  /** write_time <= asOf, epoch ms. */
  asOfMs?: number;
  /** Inclusive event-time bounds, epoch ms. */
  eventTimeStartMs?: number;
  eventTimeEndMs?: number;
  numberOfRecentRecordsByRecordIdentifier?: number;
  numberOfRecordsFromQueryResults?: number;
}
