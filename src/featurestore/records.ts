/**
 * @module featurestore/records
 * The SMFS runtime on one record at a time: PutRecord, GetRecord, BatchGetRecord, DeleteRecord and
 * ListRecords, with SMFS's rules (the >= event-time tie rule, soft/hard delete markers, TTL and ExpiresAt).
 */
import type { Column } from '../core/columns.js';
import { ValidationError, invalid, isPlatformError } from '../core/errors.js';
import { formatIso, parseEventTime, parseTtl, ttlToMs, type TtlDuration } from '../core/time.js';
import { offlineGroupOf, type FeatureGroupRecord, type FeatureStoreContext } from './context.js';
import { loadFeatureGroup } from './control-plane.js';
import type { FeatureValue, OfflineRow, OnlineRecord, TargetStore } from './model.js';
import { encodeTable, formatFractional } from './record-encoding.js';

export interface PutRecordOptions {
  /** Default: every store the group has. */
  targetStores?: TargetStore[];
  /** Record-level TTL; overrides the group default. */
  ttlDuration?: string | TtlDuration;
}

export type RecordInput = FeatureValue[] | Record<string, string | number | boolean | null | undefined>;

export interface PutRecordResult {
  /** Whether the online store took the record (false when its event time is older than the stored one). */
  onlineApplied: boolean | null;
  offlineWritten: boolean;
}

export async function putRecord(ctx: FeatureStoreContext, groupName: string, input: RecordInput, options: PutRecordOptions = {}): Promise<PutRecordResult> {
  const group = await loadFeatureGroup(ctx, groupName);
  const d = group.description;
  const values = recordToMap(input);
  const known = new Set(d.FeatureDefinitions.map((f) => f.FeatureName));
  const unknown = Object.keys(values).filter((k) => !known.has(k));
  if (unknown.length > 0) {
    throw new ValidationError(unknown.map((k) => ({ path: `Record.${k}`, message: `feature "${k}" is not defined in feature group "${d.FeatureGroupName}"` })));
  }
  const columns: Column[] = Object.entries(values).map(([name, v]) => ({ name, type: 'string', values: [v] }));
  const encoded = encodeTable({ length: 1, columns }, d.FeatureDefinitions, d.RecordIdentifierFeatureName, d.EventTimeFeatureName);
  const reason = encoded.rejected.get(0);
  if (reason !== undefined) throw new ValidationError([{ path: 'Record', message: reason }]);
  const stores = targetStoresOf(group, options.targetStores);
  if (options.ttlDuration !== undefined && !d.OnlineStoreConfig) throw invalid('ttlDuration', options.ttlDuration, 'no TTL: the feature group has no online store');
  const ttl = options.ttlDuration !== undefined ? parseTtl(options.ttlDuration, 'ttlDuration') : d.OnlineStoreConfig?.TtlDuration;

  const now = ctx.clock.now();
  const eventTimeMs = encoded.eventTimeMs[0]!;
  const stored: Record<string, string> = {};
  for (const c of encoded.columns) if (c.text[0] !== null) stored[c.definition.FeatureName] = c.text[0]!;
  const recordId = encoded.recordIds[0]!;

  // Offline first: the offline store keeps every version, so an acknowledged put is never missing there.
  let offlineWritten = false;
  const offline = offlineGroupOf(group);
  if (offline && stores.has('OfflineStore')) {
    await ctx.offline.append(offline, [{ values: stored, eventTimeMs, writeTimeMs: now, apiInvocationTimeMs: now, isDeleted: false }]);
    offlineWritten = true;
  }
  let onlineApplied: boolean | null = null;
  if (d.OnlineStoreConfig && stores.has('OnlineStore')) {
    const expiresAtMs = ttl ? eventTimeMs + ttlToMs(ttl) : null;
    const flags = await ctx.online.writeBatch(d.FeatureGroupName, [{ recordId, eventTimeMs, values: stored, expiresAtMs }], now);
    onlineApplied = flags[0] === 1;
  }
  return { onlineApplied, offlineWritten };
}

function recordToMap(input: RecordInput): Record<string, string | null> {
  const out: Record<string, string | null> = {};
  if (Array.isArray(input)) {
    if (input.length === 0) throw invalid('Record', input, 'at least one feature value');
    input.forEach((fv, i) => {
      if (!fv || typeof fv.FeatureName !== 'string') throw invalid(`Record[${i}].FeatureName`, fv?.FeatureName, 'a feature name');
      if (typeof fv.ValueAsString !== 'string') throw invalid(`Record[${i}].ValueAsString`, fv.ValueAsString, 'a string');
      if (fv.FeatureName in out) throw invalid(`Record[${i}].FeatureName`, fv.FeatureName, 'each feature once');
      out[fv.FeatureName] = fv.ValueAsString;
    });
    return out;
  }
  if (input === null || typeof input !== 'object') throw invalid('Record', input, 'a list of {FeatureName, ValueAsString} or an object of feature values');
  for (const [k, v] of Object.entries(input)) {
    if (v === undefined || v === null) continue;
    out[k] = String(v);
  }
  if (Object.keys(out).length === 0) throw invalid('Record', input, 'at least one feature value');
  return out;
}

/** The stores a write goes to: the requested ones (each must exist on the group), or every store it has. */
export function targetStoresOf(group: FeatureGroupRecord, requested: TargetStore[] | undefined): Set<TargetStore> {
  const d = group.description;
  if (requested === undefined) {
    const all = new Set<TargetStore>();
    if (d.OnlineStoreConfig) all.add('OnlineStore');
    if (d.OfflineStoreConfig) all.add('OfflineStore');
    return all;
  }
  if (!Array.isArray(requested) || requested.length < 1 || requested.length > 2) throw invalid('targetStores', requested, 'a list of 1 or 2 of OnlineStore, OfflineStore');
  for (const s of requested) {
    if (s !== 'OnlineStore' && s !== 'OfflineStore') throw invalid('targetStores', s, 'OnlineStore or OfflineStore');
    if (s === 'OnlineStore' && !d.OnlineStoreConfig) throw invalid('targetStores', s, `a store that feature group "${d.FeatureGroupName}" has (it has no online store)`);
    if (s === 'OfflineStore' && !d.OfflineStoreConfig) throw invalid('targetStores', s, `a store that feature group "${d.FeatureGroupName}" has (it has no offline store)`);
  }
  return new Set(requested);
}

export interface GetRecordOptions {
  featureNames?: string[];
  expirationTimeResponse?: 'Enabled' | 'Disabled';
}

export interface GetRecordResult {
  Record?: FeatureValue[];
  ExpiresAt?: string;
}

export async function getRecord(ctx: FeatureStoreContext, groupName: string, recordId: string, options: GetRecordOptions = {}): Promise<GetRecordResult> {
  const group = await loadFeatureGroup(ctx, groupName);
  const d = group.description;
  if (typeof recordId !== 'string' || recordId === '') throw invalid('recordIdentifierValueAsString', recordId, 'a record identifier');
  if (!d.OnlineStoreConfig) throw invalid('featureGroupName', d.FeatureGroupName, 'a feature group with an online store');
  const names = checkFeatureNames(group, options.featureNames);
  const [record] = await ctx.online.readBatch(d.FeatureGroupName, [recordId], ctx.clock.now());
  return record ? toResponse(record, names, options.expirationTimeResponse === 'Enabled') : {};
}

function checkFeatureNames(group: FeatureGroupRecord, featureNames: string[] | undefined): string[] {
  const all = group.description.FeatureDefinitions.map((f) => f.FeatureName);
  if (featureNames === undefined) return all;
  if (!Array.isArray(featureNames) || featureNames.length === 0) throw invalid('featureNames', featureNames, 'at least one feature name');
  for (const n of featureNames) {
    if (!all.includes(n)) throw invalid('featureNames', n, `a feature of "${group.description.FeatureGroupName}" (${all.join(', ')})`);
  }
  return featureNames;
}

function toResponse(record: OnlineRecord, names: string[], withExpiry: boolean): GetRecordResult {
  const out: FeatureValue[] = [];
  for (const n of names) {
    const v = record.values[n];
    if (v !== undefined) out.push({ FeatureName: n, ValueAsString: v });
  }
  return { Record: out, ...(withExpiry && record.expiresAtMs !== null ? { ExpiresAt: formatIso(record.expiresAtMs) } : {}) };
}

export interface BatchGetIdentifier {
  FeatureGroupName: string;
  RecordIdentifiersValueAsString: string[];
  FeatureNames?: string[];
}

export interface BatchGetRecordResult {
  Records: { FeatureGroupName: string; RecordIdentifierValueAsString: string; Record: FeatureValue[]; ExpiresAt?: string }[];
  Errors: { FeatureGroupName: string; RecordIdentifierValueAsString: string; ErrorCode: string; ErrorMessage: string }[];
  UnprocessedIdentifiers: BatchGetIdentifier[];
}

/** BatchGetRecord across groups: at most 100 records and 10 groups per call, as SMFS. */
export async function batchGetRecord(ctx: FeatureStoreContext, identifiers: BatchGetIdentifier[], options: { expirationTimeResponse?: 'Enabled' | 'Disabled' } = {}): Promise<BatchGetRecordResult> {
  if (!Array.isArray(identifiers) || identifiers.length < 1 || identifiers.length > 100) throw invalid('Identifiers', identifiers?.length, '1 to 100 identifiers');
  const total = identifiers.reduce((s, i) => s + (i.RecordIdentifiersValueAsString?.length ?? 0), 0);
  if (total > 100) throw invalid('Identifiers', total, 'at most 100 record identifiers in all');
  if (new Set(identifiers.map((i) => i.FeatureGroupName)).size > 10) throw invalid('Identifiers', identifiers.length, 'at most 10 feature groups');
  const result: BatchGetRecordResult = { Records: [], Errors: [], UnprocessedIdentifiers: [] };
  const now = ctx.clock.now();
  for (const [i, ident] of identifiers.entries()) {
    const ids = ident.RecordIdentifiersValueAsString;
    if (!Array.isArray(ids) || ids.length < 1) throw invalid(`Identifiers[${i}].RecordIdentifiersValueAsString`, ids, '1 to 100 record identifiers');
    let group: FeatureGroupRecord;
    let names: string[];
    try {
      group = await loadFeatureGroup(ctx, ident.FeatureGroupName);
      if (!group.description.OnlineStoreConfig) throw invalid('FeatureGroupName', ident.FeatureGroupName, 'a feature group with an online store');
      names = checkFeatureNames(group, ident.FeatureNames);
    } catch (e) {
      if (!isPlatformError(e)) throw e;
      const code = e.code === 'FEATURE_GROUP_NOT_FOUND' ? 'ResourceNotFound' : 'ValidationError';
      for (const id of ids) result.Errors.push({ FeatureGroupName: ident.FeatureGroupName, RecordIdentifierValueAsString: id, ErrorCode: code, ErrorMessage: e.message });
      continue;
    }
    const name = group.description.FeatureGroupName;
    const records = await ctx.online.readBatch(name, ids, now);
    records.forEach((r, k) => {
      if (!r) return;
      const response = toResponse(r, names, options.expirationTimeResponse === 'Enabled');
      result.Records.push({ FeatureGroupName: name, RecordIdentifierValueAsString: ids[k]!, Record: response.Record!, ...(response.ExpiresAt ? { ExpiresAt: response.ExpiresAt } : {}) });
    });
  }
  return result;
}

export interface DeleteRecordOptions {
  deletionMode?: 'SoftDelete' | 'HardDelete';
  targetStores?: TargetStore[];
}

export interface DeleteRecordResult {
  /** What happened online: deleted, stale (the record is newer than the delete; kept), absent, or null without online store. */
  online: 'deleted' | 'stale' | 'absent' | null;
  /** Whether a deleted-record marker was appended to the offline store. */
  offlineMarker: boolean;
}

/**
 * DeleteRecord with SMFS's rules: the delete's event time must be later than the stored record's. A stale
 * SoftDelete keeps the online record but still writes the offline marker; a stale HardDelete is a
 * validation error and writes nothing.
 */
export async function deleteRecord(ctx: FeatureStoreContext, groupName: string, recordId: string, eventTime: string | number, options: DeleteRecordOptions = {}): Promise<DeleteRecordResult> {
  const group = await loadFeatureGroup(ctx, groupName);
  const d = group.description;
  if (typeof recordId !== 'string' || recordId === '') throw invalid('recordIdentifierValueAsString', recordId, 'a record identifier');
  const mode = options.deletionMode ?? 'SoftDelete';
  if (mode !== 'SoftDelete' && mode !== 'HardDelete') throw invalid('deletionMode', mode, 'SoftDelete or HardDelete');
  const eventType = d.FeatureDefinitions.find((f) => f.FeatureName === d.EventTimeFeatureName)!.FeatureType === 'String' ? 'String' : 'Fractional';
  const eventTimeMs = parseEventTime(typeof eventTime === 'number' ? eventTime : String(eventTime), eventType);
  if (eventTimeMs === undefined) {
    throw invalid('eventTime', eventTime, eventType === 'String' ? 'ISO-8601 UTC such as 2024-05-01T12:00:00Z' : 'unix seconds such as 1700000000.5');
  }
  const stores = targetStoresOf(group, options.targetStores);
  const now = ctx.clock.now();
  let online: DeleteRecordResult['online'] = null;
  if (d.OnlineStoreConfig && stores.has('OnlineStore')) {
    online =
      mode === 'SoftDelete'
        ? await ctx.online.softDelete(d.FeatureGroupName, recordId, eventTimeMs, now)
        : await ctx.online.hardDelete(d.FeatureGroupName, recordId, eventTimeMs, now);
    if (online === 'stale' && mode === 'HardDelete') {
      throw new ValidationError([{ path: 'EventTime', message: `${String(eventTime)} is not later than the stored record's event time; HardDelete needs a later EventTime` }]);
    }
  }
  let offlineMarker = false;
  const offline = offlineGroupOf(group);
  if (offline && stores.has('OfflineStore')) {
    const values: Record<string, string> = {
      [d.RecordIdentifierFeatureName]: recordId,
      [d.EventTimeFeatureName]: eventType === 'String' ? String(eventTime) : formatFractional(eventTimeMs / 1000),
    };
    const marker: OfflineRow = { values, eventTimeMs, writeTimeMs: now, apiInvocationTimeMs: now, isDeleted: true };
    await ctx.offline.append(offline, [marker]);
    offlineMarker = true;
  }
  return { online, offlineMarker };
}

export async function listRecords(
  ctx: FeatureStoreContext,
  groupName: string,
  options: { maxResults?: number; nextToken?: string; includeSoftDeletedRecords?: boolean } = {},
): Promise<{ RecordIdentifiers: string[]; NextToken?: string }> {
  const group = await loadFeatureGroup(ctx, groupName);
  const d = group.description;
  if (!d.OnlineStoreConfig) throw invalid('featureGroupName', d.FeatureGroupName, 'a feature group with an online store');
  const maxResults = options.maxResults ?? 100;
  if (!Number.isInteger(maxResults) || maxResults < 1 || maxResults > 100) throw invalid('maxResults', options.maxResults, 'an integer from 1 to 100');
  const page = await ctx.online.listRecords(
    d.FeatureGroupName,
    { maxResults, includeSoftDeleted: options.includeSoftDeletedRecords ?? false, ...(options.nextToken ? { nextToken: options.nextToken } : {}) },
    ctx.clock.now(),
  );
  return { RecordIdentifiers: page.recordIds, ...(page.nextToken ? { NextToken: page.nextToken } : {}) };
}
