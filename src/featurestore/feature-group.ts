/**
 * @module featurestore/feature-group
 * `FeatureGroup`: the SageMaker SDK's FeatureGroup in camelCase. Holds a name and the definitions loaded
 * from a table; every call goes to the feature store's use cases.
 *
 * @example
 * const fg = platform.featureStore.featureGroup('cookbook-feature-group');
 * fg.loadFeatureDefinitions(table);
 * await fg.create({ recordIdentifierName: 'index', eventTimeFeatureName: 'event_time', enableOnlineStore: true });
 * await fg.ingest(table, { workers: 3 });
 * const record = await fg.getRecord('300');
 */
import type { ColumnTable } from '../core/columns.js';
import { ValidationError } from '../core/errors.js';
import type { TtlDuration } from '../core/time.js';
import type { FeatureStoreContext } from './context.js';
import {
  createFeatureGroup,
  deleteFeatureGroup,
  describeFeatureGroup,
  updateFeatureGroup,
  type DeleteFeatureGroupResult,
  type UpdateFeatureGroupRequest,
} from './control-plane.js';
import { inferFeatureDefinitions } from './feature-definitions.js';
import { ingest, type IngestOptions, type IngestResult } from './ingest.js';
import type { FeatureDefinition, FeatureGroupDescription } from './model.js';
import type { OfflineQuery } from './offline-query.js';
import type { QueryResult } from './offline/offline-session.js';
import {
  deleteRecord,
  getRecord,
  listRecords,
  putRecord,
  type DeleteRecordOptions,
  type DeleteRecordResult,
  type GetRecordOptions,
  type GetRecordResult,
  type PutRecordOptions,
  type PutRecordResult,
  type RecordInput,
} from './records.js';

export interface FeatureGroupCreateOptions {
  recordIdentifierName: string;
  eventTimeFeatureName: string;
  /** Default true. */
  enableOnlineStore?: boolean;
  /** Offline store location inside the object store, or `false` for no offline store. Default: the object store root. */
  s3Uri?: string | false;
  ttl?: string | TtlDuration;
  description?: string;
  tags?: { Key: string; Value: string }[] | Record<string, string>;
  /** Definitions to use instead of those from `loadFeatureDefinitions`. */
  featureDefinitions?: FeatureDefinition[];
}

export class FeatureGroup {
  featureDefinitions: FeatureDefinition[] = [];
  private notes: string[] = [];

  constructor(
    readonly name: string,
    private readonly ctx: FeatureStoreContext,
    private readonly offline: { athenaQuery(name: string): Promise<OfflineQuery>; query(sql: string): Promise<QueryResult> },
  ) {}

  /** Infers definitions from a table (ints -> Integral, floats -> Fractional, strings -> String) and keeps them for `create`. */
  loadFeatureDefinitions(table: ColumnTable): FeatureDefinition[] {
    const inferred = inferFeatureDefinitions(table);
    this.featureDefinitions = inferred.definitions;
    this.notes = inferred.notes;
    return inferred.definitions;
  }

  /** Notes from the last `loadFeatureDefinitions` (types chosen where SageMaker would have refused). */
  get inferenceNotes(): readonly string[] {
    return this.notes;
  }

  async create(options: FeatureGroupCreateOptions): Promise<FeatureGroupDescription> {
    const definitions = options.featureDefinitions ?? this.featureDefinitions;
    if (definitions.length === 0) {
      throw new ValidationError([{ path: 'featureDefinitions', message: 'none loaded: call loadFeatureDefinitions(table) first or pass featureDefinitions' }]);
    }
    return createFeatureGroup(this.ctx, {
      featureGroupName: this.name,
      recordIdentifierName: options.recordIdentifierName,
      eventTimeFeatureName: options.eventTimeFeatureName,
      featureDefinitions: definitions,
      ...(options.enableOnlineStore !== undefined ? { enableOnlineStore: options.enableOnlineStore } : {}),
      ...(options.s3Uri !== undefined ? { s3Uri: options.s3Uri } : {}),
      ...(options.ttl !== undefined ? { ttl: options.ttl } : {}),
      ...(options.description !== undefined ? { description: options.description } : {}),
      ...(options.tags !== undefined ? { tags: options.tags } : {}),
      notes: this.notes,
    });
  }

  describe(): Promise<FeatureGroupDescription> {
    return describeFeatureGroup(this.ctx, this.name);
  }

  update(request: UpdateFeatureGroupRequest): Promise<FeatureGroupDescription> {
    return updateFeatureGroup(this.ctx, this.name, request);
  }

  delete(options: { purge?: boolean } = {}): Promise<DeleteFeatureGroupResult> {
    return deleteFeatureGroup(this.ctx, this.name, options);
  }

  ingest(source: ColumnTable | string, options?: IngestOptions): Promise<IngestResult> {
    return ingest(this.ctx, this.name, source, options);
  }

  putRecord(record: RecordInput, options?: PutRecordOptions): Promise<PutRecordResult> {
    return putRecord(this.ctx, this.name, record, options);
  }

  getRecord(recordId: string, options?: GetRecordOptions): Promise<GetRecordResult> {
    return getRecord(this.ctx, this.name, recordId, options);
  }

  deleteRecord(recordId: string, eventTime: string | number, options?: DeleteRecordOptions): Promise<DeleteRecordResult> {
    return deleteRecord(this.ctx, this.name, recordId, eventTime, options);
  }

  listRecords(options?: { maxResults?: number; nextToken?: string; includeSoftDeletedRecords?: boolean }) {
    return listRecords(this.ctx, this.name, options);
  }

  /** An Athena-style query object over this group's offline store (`athena_query()` in the SageMaker SDK). */
  athenaQuery(): Promise<OfflineQuery> {
    return this.offline.athenaQuery(this.name);
  }

  /** Runs a read-only SELECT on the offline store at once (this group's table is named after it). */
  query(sql: string): Promise<QueryResult> {
    return this.offline.query(sql);
  }
}
