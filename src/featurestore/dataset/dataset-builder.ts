/**
 * @module featurestore/dataset/dataset-builder
 * SageMaker's DatasetBuilder in camelCase, over the local offline store, with a true point-in-time join.
 *
 * ```ts
 * const rows = await createDataset(users, { includedFeatureNames: ['user_id', 'event_time', 'age'] })
 *   .withFeatureGroup(scores, { includedFeatureNames: ['score'], joinType: 'LEFT_JOIN', ttlMs: 7 * 86_400_000 })
 *   .pointInTimeAccurateJoin()
 *   .toTable(session);
 * ```
 *
 * Semantics (each table: the base and every joined group):
 * 1. Dedup: one row per (record id, event time), keeping the latest `api_invocation_time`, then the
 *    latest `write_time`. Delete markers take part, so a put and a marker at the same event time
 *    resolve to whichever came last. `includeDuplicatedRecords()` skips this for the base and for plain
 *    joins; a point-in-time join always collapses ties (it must pick exactly one row).
 * 2. Deletes: a marker (`is_deleted`) hides the rows of its record id whose event time is <= the
 *    marker's: the record did not exist from the marker on until a newer put. Markers never appear as
 *    output rows. `includeDeletedRecords()` drops the markers before anything else, so nothing is hidden.
 * 3. `asOf(t)` (write_time <= t) and `withEventTimeRange(start, end)` (inclusive, on event time) filter
 *    every table, markers included, before dedup and joining. The event-time range also filters
 *    entity rows; `asOf` does not (they have no write time).
 * 4. Plain join: each base row meets the latest surviving version of the target (greatest event time,
 *    then api_invocation_time, write_time) with an equal join key. Default key: base record id =
 *    target record id; `targetFeatureNameInBase` / `featureNameInTarget` override either side.
 * 5. `pointInTimeAccurateJoin()`: Feast's rule. For each base row, the target row with the same key and
 *    the greatest event time <= the base row's event time (ties as in 1). If `ttlMs` is set, that row
 *    must also be >= base time − ttl. If the row found is a delete marker, the features are NULL
 *    (with `includeDeletedRecords()` markers do not exist, so the previous put is found). Exactly one
 *    output row per base row: LEFT_JOIN keeps unmatched base rows with NULL features, INNER_JOIN drops
 *    them; RIGHT/FULL/CROSS are rejected. Event times compare as epoch microseconds, so String (ISO)
 *    and Fractional (unix seconds) groups and entity rows mix freely.
 * 6. Base: a feature-group base is deduplicated and delete-filtered like any table; entity rows are kept
 *    as given. `withNumberOfRecentRecordsByRecordIdentifier(n)` keeps the n most recent base rows per
 *    base record id (by base event time) before joining. `withNumberOfRecordsFromQueryResults(n)` is a LIMIT.
 * 7. Output: the base's included features (never write_time / api_invocation_time / is_deleted), then
 *    each target's included features in join order. A name already taken becomes `<group>.<feature>`
 *    (SageMaker-style dotted, e.g. `scores.event_time`), then `<group>.<feature>.2`… if still taken.
 *    Rows are ordered by base record id, then base event time.
 *
 * Defaults follow SageMaker: joinType INNER_JOIN, all features included. `ttlMs` requires the
 * point-in-time join. Validation errors match the SDK's: negative n, a point-in-time join with no
 * joined group, unknown included feature names, and (on an entity-row base with no joined group)
 * includeDuplicatedRecords / includeDeletedRecords / asOf.
 */
import type { ColumnTable } from '../../core/columns.js';
import { invalid, ValidationError } from '../../core/errors.js';
import type { OfflineGroup } from '../model.js';
import type { OfflineSession } from '../offline/offline-session.js';
import { buildDatasetSql } from './dataset-sql.js';
import { JOIN_TYPES, type DatasetPlan, type GroupSource, type JoinType, type KeyKind, type OutputColumn, type TargetPlan } from './dataset-plan.js';
import { isEntityRows, prepareEntityRows, type EntityRows, type PreparedEntities } from './entity-rows.js';
import { timeInputToMs, type TimeInput } from './time-input.js';

export interface DatasetOptions {
  /** Base features to output (default: all). */
  includedFeatureNames?: string[];
}

export interface FeatureGroupJoinOptions {
  /** Base column compared with the target key (default: the base record identifier). */
  targetFeatureNameInBase?: string;
  /** Target features to output (default: all of the target's features). */
  includedFeatureNames?: string[];
  /** Target column compared with the base column (default: the target record identifier). */
  featureNameInTarget?: string;
  /** Default INNER_JOIN, as in SageMaker. */
  joinType?: JoinType;
  /** Point-in-time joins only: rows older than base event time − ttlMs do not count. */
  ttlMs?: number;
}

interface JoinSpec {
  group: GroupSource;
  baseKey: string;
  targetKey: string;
  joinType: JoinType;
  included: string[];
  ttlMs?: number;
}

/** Starts a dataset from a feature group (its rows are the base) or from entity rows. */
export function createDataset(base: OfflineGroup | EntityRows, options: DatasetOptions = {}): DatasetBuilder {
  return new DatasetBuilder(base, options);
}

export class DatasetBuilder {
  private readonly base: GroupSource | PreparedEntities;
  private readonly baseIncluded: string[];
  private readonly joins: JoinSpec[] = [];
  private pit = false;
  private duplicated = false;
  private deleted = false;
  private asOfMs?: number;
  private startMs?: number;
  private endMs?: number;
  private recentN?: number;
  private limitN?: number;

  constructor(base: OfflineGroup | EntityRows, options: DatasetOptions = {}) {
    this.base = isEntityRows(base) ? prepareEntityRows(base) : groupSource(base);
    const columns = this.baseSource().columns;
    this.baseIncluded = options.includedFeatureNames
      ? checkIncluded(options.includedFeatureNames, columns, this.baseLabel())
      : [...columns];
  }

  withFeatureGroup(group: OfflineGroup, options: FeatureGroupJoinOptions = {}): this {
    const target = groupSource(group);
    const label = `feature group "${target.name}"`;
    const baseKey = options.targetFeatureNameInBase ?? this.baseSource().recordIdentifierName;
    if (!this.baseSource().columns.includes(baseKey)) {
      throw new ValidationError([{ path: 'targetFeatureNameInBase', message: `feature "${baseKey}" is not in ${this.baseLabel()}` }]);
    }
    const targetKey = options.featureNameInTarget ?? target.recordIdentifierName;
    if (!target.columns.includes(targetKey)) {
      throw new ValidationError([{ path: 'featureNameInTarget', message: `feature "${targetKey}" is not in ${label}` }]);
    }
    const joinType = options.joinType ?? 'INNER_JOIN';
    if (!JOIN_TYPES.includes(joinType)) throw invalid('joinType', joinType, `one of ${JOIN_TYPES.join(', ')}`);
    if (options.ttlMs !== undefined && !(Number.isFinite(options.ttlMs) && options.ttlMs > 0)) {
      throw invalid('ttlMs', options.ttlMs, 'a positive number of milliseconds');
    }
    const included = options.includedFeatureNames
      ? checkIncluded(options.includedFeatureNames, target.columns, label)
      : [...target.columns];
    this.joins.push({ group: target, baseKey, targetKey, joinType, included, ...(options.ttlMs !== undefined ? { ttlMs: options.ttlMs } : {}) });
    return this;
  }

  pointInTimeAccurateJoin(): this {
    this.pit = true;
    return this;
  }

  includeDuplicatedRecords(): this {
    this.duplicated = true;
    return this;
  }

  includeDeletedRecords(): this {
    this.deleted = true;
    return this;
  }

  withNumberOfRecentRecordsByRecordIdentifier(n: number): this {
    this.recentN = checkCount(n, 'numberOfRecentRecordsByRecordIdentifier');
    return this;
  }

  withNumberOfRecordsFromQueryResults(n: number): this {
    this.limitN = checkCount(n, 'numberOfRecordsFromQueryResults');
    return this;
  }

  /** Only rows written to the offline store at or before `t` (time travel on write_time). */
  asOf(t: TimeInput): this {
    this.asOfMs = timeInputToMs(t, 'asOf');
    return this;
  }

  /** Only rows whose event time is within [start, end], both inclusive, either optional. */
  withEventTimeRange(start?: TimeInput, end?: TimeInput): this {
    const s = start === undefined ? undefined : timeInputToMs(start, 'eventTimeRange.start');
    const e = end === undefined ? undefined : timeInputToMs(end, 'eventTimeRange.end');
    if (s !== undefined && e !== undefined && s > e) throw invalid('eventTimeRange.end', end, 'a time not before eventTimeRange.start');
    this.startMs = s;
    this.endMs = e;
    return this;
  }

  /** The resolved plan; throws the deferred validation errors (those that depend on call order). */
  plan(): DatasetPlan {
    if (this.pit && this.joins.length === 0) {
      throw new ValidationError([{ path: 'pointInTimeAccurateJoin', message: 'a point-in-time accurate join needs at least one joined feature group' }]);
    }
    if ('source' in this.base && this.joins.length === 0) {
      const set = { includeDuplicatedRecords: this.duplicated, includeDeletedRecords: this.deleted, asOf: this.asOfMs !== undefined };
      const misplaced = Object.entries(set).find(([, on]) => on)?.[0];
      if (misplaced) {
        throw new ValidationError([{ path: misplaced, message: 'only applies to feature groups: join one, or use a feature-group base' }]);
      }
    }
    this.joins.forEach((j, i) => {
      if (this.pit && j.joinType !== 'INNER_JOIN' && j.joinType !== 'LEFT_JOIN') {
        throw new ValidationError([
          { path: `featureGroups[${i}].joinType`, message: `${j.joinType} cannot be point-in-time accurate (one row per base row): use INNER_JOIN or LEFT_JOIN` },
        ]);
      }
      if (!this.pit && j.ttlMs !== undefined) {
        throw new ValidationError([{ path: `featureGroups[${i}].ttl`, message: 'a ttl only applies to a point-in-time accurate join' }]);
      }
    });
    const baseOutputs: OutputColumn[] = this.baseIncluded.map((c) => ({ column: c, alias: c }));
    const taken = new Set(this.baseIncluded);
    const targets: TargetPlan[] = this.joins.map((j) => ({
      group: j.group,
      baseKey: j.baseKey,
      targetKey: j.targetKey,
      joinType: j.joinType,
      outputs: j.included.map((c) => ({ column: c, alias: claim(taken, c, j.group.name) })),
      ...(j.ttlMs !== undefined ? { ttlMs: j.ttlMs } : {}),
    }));
    return {
      base: this.baseSource(),
      baseOutputs,
      targets,
      pointInTimeAccurateJoin: this.pit,
      includeDuplicatedRecords: this.duplicated,
      includeDeletedRecords: this.deleted,
      ...(this.asOfMs !== undefined ? { asOfMs: this.asOfMs } : {}),
      ...(this.startMs !== undefined ? { eventTimeStartMs: this.startMs } : {}),
      ...(this.endMs !== undefined ? { eventTimeEndMs: this.endMs } : {}),
      ...(this.recentN !== undefined ? { numberOfRecentRecordsByRecordIdentifier: this.recentN } : {}),
      ...(this.limitN !== undefined ? { numberOfRecordsFromQueryResults: this.limitN } : {}),
    };
  }

  /** The generated DuckDB query (an entity-row base is read from the table `toTable` registers). */
  toSql(): string {
    return buildDatasetSql(this.plan());
  }

  /** Registers the entity rows (if the base is entity rows) and runs the query in the session. */
  async toTable(session: OfflineSession): Promise<ColumnTable> {
    const sql = this.toSql();
    if ('source' in this.base) await session.registerTable(this.base.source.table, this.base.table);
    return (await session.run(sql)).table;
  }

  private baseSource() {
    return 'source' in this.base ? this.base.source : this.base;
  }

  private baseLabel(): string {
    return 'source' in this.base ? 'the entity rows' : `feature group "${this.base.name}"`;
  }
}

function groupSource(group: OfflineGroup): GroupSource {
  if (!group || typeof group.name !== 'string' || !Array.isArray(group.definitions)) {
    throw invalid('featureGroup', group, 'an offline feature group');
  }
  const kinds: Record<string, KeyKind> = {};
  for (const d of group.definitions) kinds[d.FeatureName] = d.FeatureType === 'String' ? 'string' : 'number';
  return {
    kind: 'group',
    name: group.name,
    view: group.tableNames.includes(group.name) ? group.name : (group.tableNames[0] ?? group.name),
    columns: group.definitions.map((d) => d.FeatureName),
    kinds,
    recordIdentifierName: group.recordIdentifierName,
    eventTimeFeatureName: group.eventTimeFeatureName,
    eventTimeType: group.eventTimeType,
  };
}

function checkIncluded(names: string[], columns: string[], label: string): string[] {
  if (!Array.isArray(names)) throw invalid('includedFeatureNames', names, 'a list of feature names');
  const unknown = names.filter((n) => !columns.includes(n));
  if (unknown.length) {
    throw new ValidationError(unknown.map((n) => ({ path: 'includedFeatureNames', message: `feature "${n}" is not in ${label}` })));
  }
  return [...new Set(names)];
}

function checkCount(n: number, field: string): number {
  if (typeof n !== 'number' || !Number.isInteger(n) || n < 0) throw invalid(field, n, 'a non-negative integer');
  return n;
}

function claim(taken: Set<string>, feature: string, group: string): string {
  let name = taken.has(feature) ? `${group}.${feature}` : feature;
  for (let k = 2; taken.has(name); k++) name = `${group}.${feature}.${k}`;
  taken.add(name);
  return name;
}
