import { describe, expect, it } from 'vitest';
import { compactTimestamp, deterministicSuffix, hourOf, objectKey, offlineSchema, partitionPath, randomSuffix } from './layout.js';

describe('offline layout', () => {
  it('names hour partitions and files the SMFS way', () => {
    const ms = Date.UTC(2020, 5, 30, 6, 44, 1, 250);
    expect(partitionPath(hourOf(ms))).toBe('year=2020/month=06/day=30/hour=06');
    expect(compactTimestamp(ms)).toBe('20200630T064401Z');
    expect(objectKey('offline-store/users-1700000000/data', hourOf(ms), ms, 'A'.repeat(16))).toBe(
      'offline-store/users-1700000000/data/year=2020/month=06/day=30/hour=06/20200630T064401Z_AAAAAAAAAAAAAAAA.parquet',
    );
    expect(partitionPath(hourOf(Date.UTC(999, 0, 2, 23)))).toBe('year=0999/month=01/day=02/hour=23');
  });

  it('derives 16 alphanumerics deterministically, and random ones otherwise', () => {
    const a = deterministicSuffix('spool', 'users', 1, 10);
    expect(a).toMatch(/^[A-Za-z0-9]{16}$/);
    expect(deterministicSuffix('spool', 'users', 1, 10)).toBe(a);
    expect(deterministicSuffix('spool', 'users', 1, 11)).not.toBe(a);
    expect(randomSuffix()).toMatch(/^[A-Za-z0-9]{16}$/);
    expect(randomSuffix()).not.toBe(randomSuffix());
  });

  it('puts the system columns after the definitions', () => {
    const schema = offlineSchema({
      name: 'g',
      tableNames: ['g'],
      dataPrefix: 'p/data',
      recordIdentifierName: 'id',
      eventTimeFeatureName: 'ts',
      eventTimeType: 'String',
      definitions: [
        { FeatureName: 'id', FeatureType: 'Integral' },
        { FeatureName: 'x', FeatureType: 'Fractional' },
        { FeatureName: 'ts', FeatureType: 'String' },
      ],
    });
    expect(schema.map((c) => `${c.name} ${c.sqlType}`)).toEqual([
      'id BIGINT',
      'x DOUBLE',
      'ts VARCHAR',
      'write_time TIMESTAMP',
      'api_invocation_time TIMESTAMP',
      'is_deleted BOOLEAN',
    ]);
  });
});
