/**
 * @module featurestore/feature-store
 * `FeatureStore`: the thin facade over the feature store's use cases (control plane, records, ingest,
 * SQL on the offline store, point-in-time datasets). It wires the ports once; each use case is a file.
 */
import type { ColumnTable } from '../core/columns.js';
import { invalid } from '../core/errors.js';
import { FEATURE_GROUP_KIND, offlineGroupOf, type FeatureGroupRecord, type FeatureStoreContext } from './context.js';
import {
  createFeatureGroup,
  deleteFeatureGroup,
  describeFeatureGroup,
  listFeatureGroups,
  loadFeatureGroup,
  updateFeatureGroup,
  type CreateFeatureGroupRequest,
  type ListFeatureGroupsRequest,
  type UpdateFeatureGroupRequest,
} from './control-plane.js';
import { Dataset, writeTableTo, type DatasetFileOptions } from './dataset-export.js';
import type { DatasetBuilder, DatasetOptions, EntityRows } from './dataset/index.js';
import { FeatureGroup } from './feature-group.js';
import { GroupCache } from './group-cache.js';
import { ingest, type IngestOptions } from './ingest.js';
import type { OfflineGroup } from './model.js';
import type { QueryResult } from './offline/offline-session.js';
import { OfflineQuery } from './offline-query.js';
import { batchGetRecord, deleteRecord, getRecord, listRecords, putRecord, type BatchGetIdentifier, type DeleteRecordOptions, type GetRecordOptions, type PutRecordOptions, type RecordInput } from './records.js';

export type ExportFormat = 'csv' | 'parquet' | 'jsonl';

export class FeatureStore {
  private readonly ctx: FeatureStoreContext;

  constructor(
    ctx: FeatureStoreContext,
    private readonly tempDir: string,
  ) {
    this.ctx = { groups: new GroupCache(), ...ctx };
  }

  /** A handle on a feature group by name (it need not exist yet: call `create`). */
  featureGroup(name: string): FeatureGroup {
    return new FeatureGroup(name, this.ctx, { athenaQuery: (n) => this.athenaQueryFor(n), query: (sql) => this.query(sql) });
  }

  createFeatureGroup(request: CreateFeatureGroupRequest) {
    return createFeatureGroup(this.ctx, request);
  }
  describeFeatureGroup(nameOrArn: string) {
    return describeFeatureGroup(this.ctx, nameOrArn);
  }
  listFeatureGroups(request?: ListFeatureGroupsRequest) {
    return listFeatureGroups(this.ctx, request);
  }
  updateFeatureGroup(nameOrArn: string, request: UpdateFeatureGroupRequest) {
    return updateFeatureGroup(this.ctx, nameOrArn, request);
  }
  deleteFeatureGroup(name: string, options?: { purge?: boolean }) {
    return deleteFeatureGroup(this.ctx, name, options);
  }

  ingest(groupName: string, source: ColumnTable | string, options?: IngestOptions) {
    return ingest(this.ctx, groupName, source, options);
  }
  putRecord(groupName: string, record: RecordInput, options?: PutRecordOptions) {
    return putRecord(this.ctx, groupName, record, options);
  }
  getRecord(groupName: string, recordId: string, options?: GetRecordOptions) {
    return getRecord(this.ctx, groupName, recordId, options);
  }
  batchGetRecord(identifiers: BatchGetIdentifier[], options?: { expirationTimeResponse?: 'Enabled' | 'Disabled' }) {
    return batchGetRecord(this.ctx, identifiers, options);
  }
  deleteRecord(groupName: string, recordId: string, eventTime: string | number, options?: DeleteRecordOptions) {
    return deleteRecord(this.ctx, groupName, recordId, eventTime, options);
  }
  listRecords(groupName: string, options?: { maxResults?: number; nextToken?: string; includeSoftDeletedRecords?: boolean }) {
    return listRecords(this.ctx, groupName, options);
  }

  /**
   * Runs a read-only SELECT over the offline store. Each feature group is a table named by its name
   * (and by its catalog table name, as `describe()` shows); data written a moment ago is included.
   */
  async query(sql: string): Promise<QueryResult> {
    if (typeof sql !== 'string' || sql.trim() === '') throw invalid('sql', sql, 'a SELECT statement');
    return this.ctx.offline.query(sql, await this.groupsIn(sql));
  }

  /** Runs a query and writes its result into the object store (`uri` inside it, or a key). */
  async exportQuery(sql: string, options: { uri: string; format?: ExportFormat; header?: boolean }): Promise<{ uri: string; rows: number }> {
    const key = this.ctx.objectStore.keyOf(options.uri);
    if (key === undefined || key === '') throw invalid('uri', options.uri, `a file location inside the object store ${this.ctx.objectStore.rootUri}`);
    const format = options.format ?? formatFromName(key);
    const out = await this.ctx.offline.exportQuery(sql, await this.groupsIn(sql), { format, header: options.header ?? true, key });
    return { uri: out.uri, rows: out.rows };
  }

  /** Offline groups by name, for the dataset builder. */
  async offlineGroup(name: string): Promise<OfflineGroup> {
    const record = await loadFeatureGroup(this.ctx, name);
    const group = offlineGroupOf(record);
    if (!group) throw invalid('featureGroupName', name, 'a feature group with an offline store');
    return group;
  }

  /**
   * Starts a training dataset from a feature group (by name) or from entity rows, as SageMaker's
   * `create_dataset`; join groups with `withFeatureGroup(await featureStore.offlineGroup(name))`,
   * then `toTable()` or `toFile(uri)`. `pointInTimeAccurateJoin()` is a true as-of join.
   */
  async createDataset(base: string | EntityRows, options: DatasetOptions = {}): Promise<Dataset> {
    const resolved = typeof base === 'string' ? await this.offlineGroup(base) : base;
    return new Dataset(resolved, options, { run: (b) => this.buildDataset(b), write: (b, uri, o) => this.writeDataset(b, uri, o) });
  }

  /** Runs a dataset builder (for example one made by `builderFromSpec`) against the offline store. */
  async buildDataset(builder: DatasetBuilder): Promise<ColumnTable> {
    return this.ctx.offline.session(await this.groupsIn(builder.toSql()), (session) => builder.toTable(session));
  }

  /** Runs a dataset builder and writes the result to an object-store location or a local file. */
  async writeDataset(builder: DatasetBuilder, uri: string, options: DatasetFileOptions = {}): Promise<{ uri: string; rows: number }> {
    return writeTableTo(await this.buildDataset(builder), uri, this.ctx.objectStore, this.tempDir, options);
  }

  /** Physically removes online records whose TTL has passed (reads already skip them); returns how many. */
  purgeExpiredRecords(): Promise<number> {
    return this.ctx.online.purgeExpired(this.ctx.clock.now());
  }

  /** Moves spooled offline writes into Parquet now (they also move on size, on a timer and on close). */
  flush(): Promise<number> {
    return this.ctx.offline.flush();
  }

  private async athenaQueryFor(name: string): Promise<OfflineQuery> {
    const group = await this.offlineGroup(name);
    return new OfflineQuery(group.tableNames[group.tableNames.length - 1]!, 'sagemaker_featurestore', {
      query: (sql) => this.query(sql),
      exportQuery: (sql, o) => this.exportQuery(sql, o),
    });
  }

  /** Offline groups whose table names appear in the SQL text; the guard rejects any other table. */
  private async groupsIn(sql: string): Promise<OfflineGroup[]> {
    const lower = sql.toLowerCase();
    const entries = await this.ctx.catalog.list<FeatureGroupRecord>(FEATURE_GROUP_KIND);
    const groups: OfflineGroup[] = [];
    for (const e of entries) {
      const g = offlineGroupOf(e.doc);
      if (g && g.tableNames.some((t) => lower.includes(t.toLowerCase()))) groups.push(g);
    }
    return groups;
  }
}

export function formatFromName(name: string): ExportFormat {
  if (/\.parquet$/i.test(name)) return 'parquet';
  if (/\.(jsonl|ndjson)$/i.test(name)) return 'jsonl';
  return 'csv';
}
