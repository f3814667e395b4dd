/**
 * @module featurestore/dataset/dataset-spec.test
 * The JSON spec: field-named validation errors, and equivalence with the fluent builder (compared on
 * the generated SQL, so no database is needed here).
 */
import { describe, expect, it } from 'vitest';
import { tableFromRows } from '../../core/columns.js';
import { ValidationError } from '../../core/errors.js';
import type { OfflineGroup } from '../model.js';
import { createDataset } from './dataset-builder.js';
import { builderFromSpec, parseDatasetSpec } from './dataset-spec.js';

const grp = (name: string): OfflineGroup => ({
  name,
  tableNames: [name, `${name}_1700000000`],
  dataPrefix: `offline-store/${name}-1700000000/data`,
  recordIdentifierName: 'user_id',
  eventTimeFeatureName: 'event_time',
  eventTimeType: 'String',
  definitions: [
    { FeatureName: 'user_id', FeatureType: 'String' },
    { FeatureName: 'event_time', FeatureType: 'String' },
    { FeatureName: 'score', FeatureType: 'Fractional' },
  ],
});
const resolve = async (name: string) => {
  if (name === 'missing') throw new Error('feature group "missing" not found');
  return grp(name);
};
const load = async () => tableFromRows([{ index: 'u1', event_time: '2024-01-01T00:00:00Z' }]);

async function issuesOf(spec: unknown): Promise<ValidationError['issues']> {
  try {
    await builderFromSpec(spec, resolve, load);
  } catch (e) {
    expect(e).toBeInstanceOf(ValidationError);
    return (e as ValidationError).issues;
  }
  throw new Error('expected a ValidationError');
}
const paths = async (spec: unknown) => (await issuesOf(spec)).map((i) => i.path);

describe('datasetSpecSchema', () => {
  it('fills defaults', () => {
    const s = parseDatasetSpec({ base: { featureGroup: 'users' } });
    expect(s).toMatchObject({ featureGroups: [], pointInTimeAccurateJoin: false, includeDeletedRecords: false, includeDuplicatedRecords: false });
  });

  it('names bad fields', async () => {
    expect(await paths({})).toEqual(['base']);
    expect(await paths({ base: { featureGroup: 'users', file: 'x.csv' } })).toEqual(['base']);
    expect(await paths({ base: { file: 'x.csv' } })).toEqual(['base.recordIdentifierName', 'base.eventTimeFeatureName']);
    expect(await paths({ base: { featureGroup: 'users', eventTimeType: 'String' } })).toEqual(['base.eventTimeType']);
    expect(await paths({ base: { featureGroup: 'users' }, pointInTimeAccurateJoins: true })).toEqual(['pointInTimeAccurateJoins']);
    expect(await paths({ base: { featureGroup: 'users' }, featureGroups: [{ name: 'scores', joinType: 'OUTER' }] })).toEqual(['featureGroups[0].joinType']);
    expect(await paths({ base: { featureGroup: 'users' }, featureGroups: [{ name: 'scores', ttl: '7x' }] })).toEqual(['featureGroups[0].ttl']);
    expect(await paths({ base: { featureGroup: 'users' }, numberOfRecentRecordsByRecordIdentifier: -1 })).toEqual(['numberOfRecentRecordsByRecordIdentifier']);
    expect(await paths({ base: { featureGroup: 'users' }, numberOfRecordsFromQueryResults: 1.5 })).toEqual(['numberOfRecordsFromQueryResults']);
    expect(await paths({ base: { featureGroup: 'users' }, asOf: 'yesterday-ish' })).toEqual(['asOf']);
    expect(await paths({ base: { featureGroup: 'users' }, eventTimeRange: { start: '2024-02-01T00:00:00Z', end: '2024-01-01T00:00:00Z' } })).toEqual(['eventTimeRange.end']);
  });

  it('reports builder rules with the spec path', async () => {
    const unknown = await issuesOf({ base: { featureGroup: 'users' }, featureGroups: [{ name: 'scores', includedFeatureNames: ['score', 'age'] }] });
    expect(unknown).toEqual([{ path: 'featureGroups[0].includedFeatureNames', message: 'feature "age" is not in feature group "scores"' }]);
    expect(await paths({ base: { featureGroup: 'users', includedFeatureNames: ['nope'] } })).toEqual(['base.includedFeatureNames']);
    expect(await paths({ base: { file: 'e.csv', recordIdentifierName: 'id', eventTimeFeatureName: 'event_time' } })).toEqual(['base.recordIdentifierName']);
    expect(await paths({ base: { featureGroup: 'users' }, pointInTimeAccurateJoin: true })).toEqual(['pointInTimeAccurateJoin']);
    expect(await paths({ base: { featureGroup: 'users' }, featureGroups: [{ name: 'scores', joinType: 'FULL_JOIN' }], pointInTimeAccurateJoin: true })).toEqual([
      'featureGroups[0].joinType',
    ]);
  });

  it('lets resolver errors through unchanged', async () => {
    await expect(builderFromSpec({ base: { featureGroup: 'missing' } }, resolve, load)).rejects.toThrow('feature group "missing" not found');
  });
});

describe('builderFromSpec', () => {
  it('produces the same query as the fluent builder', async () => {
    const fromSpec = await builderFromSpec(
      {
        base: { featureGroup: 'users', includedFeatureNames: ['user_id', 'event_time'] },
        featureGroups: [{ name: 'scores', includedFeatureNames: ['score'], joinType: 'LEFT_JOIN', ttl: '7d' }],
        pointInTimeAccurateJoin: true,
        includeDuplicatedRecords: true,
        includeDeletedRecords: true,
        asOf: '2024-03-01T00:00:00Z',
        eventTimeRange: { start: '2024-01-01T00:00:00Z', end: 1709251200000 },
        numberOfRecentRecordsByRecordIdentifier: 2,
        numberOfRecordsFromQueryResults: 100,
      },
      resolve,
      load,
    );
    const fluent = createDataset(grp('users'), { includedFeatureNames: ['user_id', 'event_time'] })
      .withFeatureGroup(grp('scores'), { includedFeatureNames: ['score'], joinType: 'LEFT_JOIN', ttlMs: 7 * 86_400_000 })
      .pointInTimeAccurateJoin()
      .includeDuplicatedRecords()
      .includeDeletedRecords()
      .asOf(new Date('2024-03-01T00:00:00Z'))
      .withEventTimeRange('2024-01-01T00:00:00Z', '2024-03-01T00:00:00Z')
      .withNumberOfRecentRecordsByRecordIdentifier(2)
      .withNumberOfRecordsFromQueryResults(100);
    expect(fromSpec.toSql()).toBe(fluent.toSql());
    expect(fromSpec.toSql()).toContain('LIMIT 100');
    expect(fromSpec.toSql()).toContain('FROM "users"');
  });
});
