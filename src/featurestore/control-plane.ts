/**
 * @module featurestore/control-plane
 * Create, describe, list, update and delete feature groups with SMFS's validation rules and response shapes.
 */
import { NotFoundError, PlatformError, ValidationError, invalid, type Issue } from '../core/errors.js';
import { formatIso, parseTtl, type TtlDuration } from '../core/time.js';
import { FEATURE_GROUP_KIND, offlineGroupOf, type FeatureGroupRecord, type FeatureStoreContext } from './context.js';
import { FEATURE_GROUP_NAME_PATTERN, definitionIssues } from './feature-definitions.js';
import type { FeatureDefinition, FeatureGroupDescription, FeatureGroupStatus } from './model.js';

export interface CreateFeatureGroupRequest {
  featureGroupName: string;
  recordIdentifierName: string;
  eventTimeFeatureName: string;
  featureDefinitions: FeatureDefinition[];
  /** Default true. */
  enableOnlineStore?: boolean;
  /** Offline store location (a URI inside the object store, or a key prefix); `false` disables the offline store. Default: the object store's root. */
  s3Uri?: string | false;
  /** Group default TTL of online records: `7d`, `12h`, or `{Unit, Value}`. */
  ttl?: string | TtlDuration;
  description?: string;
  tags?: { Key: string; Value: string }[] | Record<string, string>;
  /** Notes from definition inference, kept in the description. */
  notes?: string[];
}

export async function createFeatureGroup(ctx: FeatureStoreContext, request: CreateFeatureGroupRequest): Promise<FeatureGroupDescription> {
  const issues: Issue[] = [];
  const name = request.featureGroupName;
  if (typeof name !== 'string' || !FEATURE_GROUP_NAME_PATTERN.test(name)) {
    issues.push({ path: 'featureGroupName', message: `got ${JSON.stringify(name)}, expected 1-64 letters, digits, '-' or '_', starting and ending with a letter or digit` });
  }
  const definitions = request.featureDefinitions ?? [];
  issues.push(...definitionIssues(definitions));
  const findDef = (n: string) => definitions.find((d) => d.FeatureName === n);
  if (!request.recordIdentifierName) issues.push({ path: 'recordIdentifierName', message: 'is required' });
  else if (!findDef(request.recordIdentifierName)) {
    issues.push({ path: 'recordIdentifierName', message: `"${request.recordIdentifierName}" is not among the feature definitions (${definitions.map((d) => d.FeatureName).join(', ')})` });
  }
  if (!request.eventTimeFeatureName) issues.push({ path: 'eventTimeFeatureName', message: 'is required' });
  else {
    const eventDef = findDef(request.eventTimeFeatureName);
    if (!eventDef) {
      issues.push({ path: 'eventTimeFeatureName', message: `"${request.eventTimeFeatureName}" is not among the feature definitions (${definitions.map((d) => d.FeatureName).join(', ')})` });
    } else if (eventDef.FeatureType === 'Integral') {
      issues.push({ path: 'eventTimeFeatureName', message: `"${eventDef.FeatureName}" has type Integral, expected String (ISO-8601) or Fractional (unix seconds)` });
    }
  }
  const online = request.enableOnlineStore ?? true;
  const offline = request.s3Uri !== false;
  if (!online && !offline) issues.push({ path: 'enableOnlineStore', message: 'at least one of the online store and the offline store must be enabled' });
  let ttl: TtlDuration | undefined;
  if (request.ttl !== undefined) {
    if (!online) issues.push({ path: 'ttl', message: 'a TTL needs the online store (it expires online records)' });
    else {
      try {
        ttl = parseTtl(request.ttl);
      } catch (e) {
        issues.push(...(e as ValidationError).issues);
      }
    }
  }
  if (request.description !== undefined && (typeof request.description !== 'string' || request.description.length > 128)) {
    issues.push({ path: 'description', message: 'expected at most 128 characters' });
  }
  const tags = normalizeTags(request.tags, issues);
  let offlineRoot = '';
  if (offline && typeof request.s3Uri === 'string') {
    const key = ctx.objectStore.keyOf(request.s3Uri);
    if (key === undefined) issues.push({ path: 's3Uri', message: `got ${JSON.stringify(request.s3Uri)}, expected a location inside the object store ${ctx.objectStore.rootUri}` });
    else offlineRoot = key.replace(/\/+$/, '');
  }
  if (issues.length > 0) throw new ValidationError(issues);

  const now = ctx.clock.now();
  const epoch = Math.floor(now / 1000);
  const dataPrefix = `${offlineRoot ? offlineRoot + '/' : ''}offline-store/${name}-${epoch}/data`;
  const description: FeatureGroupDescription = {
    FeatureGroupArn: arnOf(ctx, name),
    FeatureGroupName: name,
    RecordIdentifierFeatureName: request.recordIdentifierName,
    EventTimeFeatureName: request.eventTimeFeatureName,
    FeatureDefinitions: definitions.map((d) => ({ FeatureName: d.FeatureName, FeatureType: d.FeatureType })),
    CreationTime: formatIso(now),
    LastModifiedTime: formatIso(now),
    ...(online ? { OnlineStoreConfig: { EnableOnlineStore: true, StorageType: 'Standard' as const, ...(ttl ? { TtlDuration: ttl } : {}) } } : {}),
    ...(offline
      ? {
          OfflineStoreConfig: {
            S3StorageConfig: { S3Uri: ctx.objectStore.uriOf(offlineRoot), ResolvedOutputS3Uri: ctx.objectStore.uriOf(dataPrefix) },
            DisableGlueTableCreation: false,
            DataCatalogConfig: { TableName: `${name.toLowerCase().replace(/-/g, '_')}_${epoch}`, Catalog: 'AwsDataCatalog', Database: 'sagemaker_featurestore' },
            TableFormat: 'Glue' as const,
          },
          OfflineStoreStatus: { Status: 'Active' as const },
        }
      : {}),
    FeatureGroupStatus: 'Created',
    ...(request.description !== undefined ? { Description: request.description } : {}),
    ...(tags.length > 0 ? { Tags: tags } : {}),
    ...(request.notes && request.notes.length > 0 ? { Notes: request.notes } : {}),
  };
  const record: FeatureGroupRecord = { description, ...(offline ? { dataPrefix } : {}) };
  await ctx.catalog.create(FEATURE_GROUP_KIND, name, record, now);
  ctx.groups?.invalidate(name);
  return description;
}

function normalizeTags(tags: CreateFeatureGroupRequest['tags'], issues: Issue[]): { Key: string; Value: string }[] {
  if (tags === undefined) return [];
  const list = Array.isArray(tags) ? tags : Object.entries(tags).map(([Key, Value]) => ({ Key, Value }));
  if (list.length > 50) issues.push({ path: 'tags', message: `got ${list.length} tags, expected at most 50` });
  list.forEach((t, i) => {
    if (typeof t.Key !== 'string' || t.Key.length < 1 || t.Key.length > 128) issues.push({ path: `tags[${i}].Key`, message: 'expected 1-128 characters' });
    if (typeof t.Value !== 'string' || t.Value.length > 256) issues.push({ path: `tags[${i}].Value`, message: 'expected at most 256 characters' });
  });
  return list.map((t) => ({ Key: t.Key, Value: t.Value }));
}

export function arnOf(ctx: Pick<FeatureStoreContext, 'region' | 'account'>, name: string): string {
  return `arn:aws:sagemaker:${ctx.region}:${ctx.account}:feature-group/${name.toLowerCase()}`;
}

/** Accepts a feature group name or its ARN (as DescribeFeatureGroup does). */
export function nameFromNameOrArn(nameOrArn: string): string {
  const m = /^arn:aws[a-z-]*:sagemaker:[a-z0-9-]*:[0-9]{12}:feature-group\/(.+)$/.exec(nameOrArn);
  return m ? m[1]! : nameOrArn;
}

export async function loadFeatureGroup(ctx: FeatureStoreContext, nameOrArn: string): Promise<FeatureGroupRecord & { version: number }> {
  if (typeof nameOrArn !== 'string' || nameOrArn === '') throw invalid('featureGroupName', nameOrArn, 'a feature group name');
  const name = nameFromNameOrArn(nameOrArn);
  const cached = ctx.groups?.get(name);
  if (cached) return cached;
  let entry = await ctx.catalog.get<FeatureGroupRecord>(FEATURE_GROUP_KIND, name);
  if (!entry && name !== nameOrArn) {
    // ARNs carry the lowercased name; find the group whose name folds to it.
    const all = await ctx.catalog.list<FeatureGroupRecord>(FEATURE_GROUP_KIND);
    entry = all.find((e) => e.name.toLowerCase() === name.toLowerCase());
  }
  if (!entry) throw new NotFoundError('feature group', name, 'FEATURE_GROUP_NOT_FOUND', `feature group "${name}" not found`);
  const record = { ...entry.doc, version: entry.version };
  ctx.groups?.set(name, record);
  return record;
}

export async function describeFeatureGroup(ctx: FeatureStoreContext, nameOrArn: string): Promise<FeatureGroupDescription> {
  const record = await loadFeatureGroup(ctx, nameOrArn);
  const { Tags: _tags, ...rest } = record.description;
  return rest;
}

export interface ListFeatureGroupsRequest {
  nameContains?: string;
  featureGroupStatusEquals?: FeatureGroupStatus;
  offlineStoreStatusEquals?: 'Active' | 'Blocked' | 'Disabled';
  creationTimeAfter?: number;
  creationTimeBefore?: number;
  sortBy?: 'Name' | 'FeatureGroupStatus' | 'OfflineStoreStatus' | 'CreationTime';
  sortOrder?: 'Ascending' | 'Descending';
  maxResults?: number;
  nextToken?: string;
}

export interface FeatureGroupSummary {
  FeatureGroupName: string;
  FeatureGroupArn: string;
  CreationTime: string;
  FeatureGroupStatus: FeatureGroupStatus;
  OfflineStoreStatus?: { Status: 'Active' | 'Blocked' | 'Disabled' };
}

export async function listFeatureGroups(ctx: FeatureStoreContext, request: ListFeatureGroupsRequest = {}): Promise<{ FeatureGroupSummaries: FeatureGroupSummary[]; NextToken?: string }> {
  const maxResults = request.maxResults ?? 100;
  if (!Number.isInteger(maxResults) || maxResults < 1 || maxResults > 100) throw invalid('maxResults', request.maxResults, 'an integer from 1 to 100');
  const sortBy = request.sortBy ?? 'CreationTime';
  if (!['Name', 'FeatureGroupStatus', 'OfflineStoreStatus', 'CreationTime'].includes(sortBy)) throw invalid('sortBy', sortBy, 'Name, FeatureGroupStatus, OfflineStoreStatus or CreationTime');
  const sortOrder = request.sortOrder ?? 'Descending';
  if (sortOrder !== 'Ascending' && sortOrder !== 'Descending') throw invalid('sortOrder', sortOrder, 'Ascending or Descending');
  let offset = 0;
  if (request.nextToken !== undefined) {
    offset = Number(Buffer.from(request.nextToken, 'base64url').toString('utf8'));
    if (!Number.isInteger(offset) || offset < 0) throw invalid('nextToken', request.nextToken, 'a token returned by a previous call');
  }
  const entries = await ctx.catalog.list<FeatureGroupRecord>(FEATURE_GROUP_KIND);
  const summaries = entries
    .map((e) => e.doc.description)
    .filter((d) => !request.nameContains || d.FeatureGroupName.includes(request.nameContains))
    .filter((d) => !request.featureGroupStatusEquals || d.FeatureGroupStatus === request.featureGroupStatusEquals)
    .filter((d) => !request.offlineStoreStatusEquals || d.OfflineStoreStatus?.Status === request.offlineStoreStatusEquals)
    .filter((d) => request.creationTimeAfter === undefined || Date.parse(d.CreationTime) > request.creationTimeAfter)
    .filter((d) => request.creationTimeBefore === undefined || Date.parse(d.CreationTime) < request.creationTimeBefore)
    .map(
      (d): FeatureGroupSummary => ({
        FeatureGroupName: d.FeatureGroupName,
        FeatureGroupArn: d.FeatureGroupArn,
        CreationTime: d.CreationTime,
        FeatureGroupStatus: d.FeatureGroupStatus,
        ...(d.OfflineStoreStatus ? { OfflineStoreStatus: { Status: d.OfflineStoreStatus.Status } } : {}),
      }),
    );
  const key = (s: FeatureGroupSummary): string =>
    sortBy === 'Name' ? s.FeatureGroupName : sortBy === 'FeatureGroupStatus' ? s.FeatureGroupStatus : sortBy === 'OfflineStoreStatus' ? (s.OfflineStoreStatus?.Status ?? '') : s.CreationTime;
  summaries.sort((a, b) => {
    const c = key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : a.FeatureGroupName < b.FeatureGroupName ? -1 : 1;
    return sortOrder === 'Ascending' ? c : -c;
  });
  const page = summaries.slice(offset, offset + maxResults);
  const next = offset + maxResults < summaries.length ? Buffer.from(String(offset + maxResults)).toString('base64url') : undefined;
  return { FeatureGroupSummaries: page, ...(next ? { NextToken: next } : {}) };
}

export interface UpdateFeatureGroupRequest {
  featureAdditions?: FeatureDefinition[];
  /** New default TTL for online records; `null` removes it. Applies to records written after the update. */
  ttl?: string | TtlDuration | null;
  description?: string;
}

export async function updateFeatureGroup(ctx: FeatureStoreContext, nameOrArn: string, request: UpdateFeatureGroupRequest): Promise<FeatureGroupDescription> {
  const record = await loadFeatureGroup(ctx, nameOrArn);
  const d = record.description;
  const issues: Issue[] = [];
  const additions = request.featureAdditions ?? [];
  if (additions.length === 0 && request.ttl === undefined && request.description === undefined) {
    throw new ValidationError([{ path: 'request', message: 'nothing to update: give featureAdditions, ttl or description' }]);
  }
  if (additions.length > 100) issues.push({ path: 'featureAdditions', message: `got ${additions.length}, expected at most 100 per update` });
  const combined = [...d.FeatureDefinitions, ...additions];
  if (additions.length > 0) {
    for (const issue of definitionIssues(combined, 'featureDefinitions')) {
      const index = Number(/\[(\d+)\]/.exec(issue.path)?.[1] ?? -1);
      if (index >= d.FeatureDefinitions.length) {
        issues.push({ path: issue.path.replace(/^featureDefinitions\[(\d+)\]/, (_m, i) => `featureAdditions[${Number(i) - d.FeatureDefinitions.length}]`), message: issue.message });
      } else if (issue.path === 'featureDefinitions') issues.push({ path: 'featureAdditions', message: issue.message });
    }
  }
  let ttl: TtlDuration | null | undefined;
  if (request.ttl !== undefined) {
    if (!d.OnlineStoreConfig) issues.push({ path: 'ttl', message: 'the feature group has no online store' });
    else if (request.ttl !== null) {
      try {
        ttl = parseTtl(request.ttl);
      } catch (e) {
        issues.push(...(e as ValidationError).issues);
      }
    } else ttl = null;
  }
  if (request.description !== undefined && request.description.length > 128) issues.push({ path: 'description', message: 'expected at most 128 characters' });
  if (issues.length > 0) throw new ValidationError(issues);

  const now = ctx.clock.now();
  const next: FeatureGroupDescription = {
    ...d,
    FeatureDefinitions: combined.map((f) => ({ FeatureName: f.FeatureName, FeatureType: f.FeatureType })),
    LastModifiedTime: formatIso(now),
    LastUpdateStatus: { Status: 'Successful' },
    ...(request.description !== undefined ? { Description: request.description } : {}),
  };
  if (ttl !== undefined && next.OnlineStoreConfig) {
    const { TtlDuration: _old, ...onlineRest } = next.OnlineStoreConfig;
    next.OnlineStoreConfig = ttl === null ? onlineRest : { ...onlineRest, TtlDuration: ttl };
  }
  const updated: FeatureGroupRecord = { description: next, ...(record.dataPrefix ? { dataPrefix: record.dataPrefix } : {}) };
  ctx.groups?.invalidate(d.FeatureGroupName);
  await ctx.catalog.update(FEATURE_GROUP_KIND, d.FeatureGroupName, updated, now, record.version);
  ctx.groups?.invalidate(d.FeatureGroupName);
  return next;
}

export interface DeleteFeatureGroupResult {
  FeatureGroupName: string;
  /** Offline files removed (only with `purge`). */
  purgedObjects: number;
  /** Where the offline files stay when not purged. */
  offlineDataKeptAt?: string;
}

/**
 * Deletes a group: its catalog entry and online records go at once; its offline Parquet files stay (as in
 * SMFS) unless `purge` is set. Spooled offline rows are flushed first so the kept history is complete.
 */
export async function deleteFeatureGroup(ctx: FeatureStoreContext, name: string, options: { purge?: boolean } = {}): Promise<DeleteFeatureGroupResult> {
  if (name.startsWith('arn:')) throw invalid('featureGroupName', name, 'a feature group name (DeleteFeatureGroup does not take an ARN)');
  ctx.groups?.invalidate(nameFromNameOrArn(name));
  const record = await loadFeatureGroup(ctx, name);
  const d = record.description;
  const offline = offlineGroupOf(record);
  if (offline) await ctx.offline.flush([offline.name]);
  await ctx.offline.dropSpool(d.FeatureGroupName);
  if (d.OnlineStoreConfig) await ctx.online.dropGroup(d.FeatureGroupName);
  let purgedObjects = 0;
  if (options.purge && record.dataPrefix) {
    purgedObjects = await ctx.objectStore.deletePrefix(record.dataPrefix.replace(/\/data$/, '/'));
  }
  const deleted = await ctx.catalog.delete(FEATURE_GROUP_KIND, d.FeatureGroupName);
  ctx.groups?.invalidate(d.FeatureGroupName);
  if (!deleted) {
    throw new PlatformError('CONFLICT', `feature group "${d.FeatureGroupName}" was deleted concurrently`);
  }
  return {
    FeatureGroupName: d.FeatureGroupName,
    purgedObjects,
    ...(!options.purge && record.dataPrefix ? { offlineDataKeptAt: ctx.objectStore.uriOf(record.dataPrefix) } : {}),
  };
}
