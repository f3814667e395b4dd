/**
 * The feature store's behaviour end to end through the public SDK, run on every backend combination:
 * the embedded default (SQLite + files) and the scale-out one (PostgreSQL catalog + Redis online store).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPlatform, fixedClock, generateScholarship, tableFromRows, tableToRows, type Platform, type WorkspaceConfigInput } from '../../src/index.js';

export interface ScenarioBackend {
  name: string;
  /** Backend URLs (undefined = embedded); called once per suite. */
  config(): Promise<WorkspaceConfigInput | undefined> | WorkspaceConfigInput | undefined;
  cleanup?(): Promise<void>;
}

// A whole hour a day ahead of the real clock: Redis expires keys by the real clock, so TTL tests need
// expiry times in the real future while the injected clock moves past them.
const T0 = Math.ceil(Date.now() / 3_600_000) * 3_600_000 + 86_400_000;

export function runFeatureStoreScenarios(backend: ScenarioBackend): void {
  describe(`feature store on ${backend.name}`, () => {
    let home: string;
    let platform: Platform;
    const clock = fixedClock(T0);

    beforeAll(async () => {
      home = mkdtempSync(join(tmpdir(), 'plumbline-fs-'));
      const config = await backend.config();
      platform = await createPlatform({ home, clock, offlineFlushIntervalMs: 0, purgeIntervalMs: 0, ...(config ? { config } : {}) });
    });
    afterAll(async () => {
      await platform?.close();
      await backend.cleanup?.();
      rmSync(home, { recursive: true, force: true });
    });

    const scholarship = (rows = 100) => generateScholarship({ rows, seed: 7, eventTime: T0 / 1000 - 3600 });

    it('creates, describes, lists and ingests the cookbook group as the recipe does', async () => {
      const table = scholarship(1000);
      const fg = platform.featureStore.featureGroup('cookbook-feature-group');
      const defs = fg.loadFeatureDefinitions(table);
      expect(defs).toEqual([
        { FeatureName: 'approved', FeatureType: 'Integral' },
        { FeatureName: 'sex', FeatureType: 'Integral' },
        { FeatureName: 'math', FeatureType: 'Integral' },
        { FeatureName: 'science', FeatureType: 'Integral' },
        { FeatureName: 'technology', FeatureType: 'Integral' },
        { FeatureName: 'random1', FeatureType: 'Integral' },
        { FeatureName: 'random2', FeatureType: 'Integral' },
        { FeatureName: 'index', FeatureType: 'Integral' },
        { FeatureName: 'event_time', FeatureType: 'Fractional' },
      ]);
      await fg.create({ recordIdentifierName: 'index', eventTimeFeatureName: 'event_time', enableOnlineStore: true });
      const d = await fg.describe();
      expect(d.FeatureGroupStatus).toBe('Created');
      expect(d.OfflineStoreConfig?.S3StorageConfig.ResolvedOutputS3Uri).toMatch(/offline-store\/cookbook-feature-group-\d+\/data$/);
      expect(d.OfflineStoreConfig?.DataCatalogConfig.TableName).toMatch(/^cookbook_feature_group_\d+$/);
      const result = await fg.ingest(table, { workers: 3 });
      expect(result).toMatchObject({ rows: 1000, written: 1000, rejected: 0, online: { applied: 1000, stale: 0 } });
      const r = await fg.getRecord('300');
      const row = tableToRows(table).find((x) => x.index === 300)!;
      expect(r.Record).toContainEqual({ FeatureName: 'math', ValueAsString: String(row.math) });
      expect(r.Record).toContainEqual({ FeatureName: 'index', ValueAsString: '300' });
      // Re-running the same ingest leaves the online store as it was.
      const again = await fg.ingest(table);
      expect(again.online).toEqual({ applied: 1000, stale: 0 });
      expect(await fg.getRecord('300')).toEqual(r);
    });

    it('answers the recipe\'s three split queries and the point-in-time query at once', async () => {
      const query = await platform.featureStore.featureGroup('cookbook-feature-group').athenaQuery();
      const t = query.tableName;
      const train = await platform.featureStore.query(`SELECT approved, sex, math, science, technology, random1, random2 FROM "${t}" ORDER BY index ASC LIMIT 600`);
      expect(train.table.length).toBe(600);
      expect(train.table.columns.map((c) => c.name)).toEqual(['approved', 'sex', 'math', 'science', 'technology', 'random1', 'random2']);
      const validation = await platform.featureStore.query(`SELECT approved FROM "${t}" WHERE index > 600 ORDER BY index ASC LIMIT 200`);
      expect(validation.table.length).toBe(200);
      // Two ingests wrote every record twice offline; the point-in-time query keeps one per record.
      const pit = await platform.featureStore.query(
        `SELECT * FROM (SELECT *, row_number() OVER (PARTITION BY index ORDER BY event_time desc) AS row_num FROM "${t}" where event_time <= timestamp '2030-01-01 00:00:00') WHERE row_num = 1 and NOT is_deleted`,
      );
      expect(pit.table.length).toBe(1000);
      const all = await platform.featureStore.query(`SELECT count(*) AS n FROM "cookbook-feature-group"`);
      expect(tableToRows(all.table)[0]!.n).toBe(2000);
    });

    it('rejects invalid groups with errors that name the field', async () => {
      const fs = platform.featureStore;
      const base = { recordIdentifierName: 'id', eventTimeFeatureName: 't', featureDefinitions: [{ FeatureName: 'id', FeatureType: 'String' as const }, { FeatureName: 't', FeatureType: 'Fractional' as const }] };
      await expect(fs.createFeatureGroup({ ...base, featureGroupName: '-bad' })).rejects.toMatchObject({ code: 'VALIDATION_FAILED', message: expect.stringContaining('featureGroupName') });
      await expect(fs.createFeatureGroup({ ...base, featureGroupName: 'g1', recordIdentifierName: 'nope' })).rejects.toThrow(/recordIdentifierName: "nope" is not among/);
      await expect(
        fs.createFeatureGroup({ ...base, featureGroupName: 'g1', featureDefinitions: [...base.featureDefinitions, { FeatureName: 'write_time', FeatureType: 'String' }] }),
      ).rejects.toThrow(/reserved/);
      await expect(
        fs.createFeatureGroup({ ...base, featureGroupName: 'g1', featureDefinitions: [{ FeatureName: 'id', FeatureType: 'String' }, { FeatureName: 't', FeatureType: 'Integral' }] }),
      ).rejects.toThrow(/expected String \(ISO-8601\) or Fractional/);
      await expect(fs.createFeatureGroup({ ...base, featureGroupName: 'g1', enableOnlineStore: false, s3Uri: false })).rejects.toThrow(/at least one/);
      await expect(fs.createFeatureGroup({ ...base, featureGroupName: 'g1', ttl: '7x' })).rejects.toThrow(/ttl: got "7x"/);
      await fs.createFeatureGroup({ ...base, featureGroupName: 'g1' });
      await expect(fs.createFeatureGroup({ ...base, featureGroupName: 'g1' })).rejects.toMatchObject({ code: 'ALREADY_EXISTS' });
      await expect(fs.describeFeatureGroup('missing')).rejects.toMatchObject({ code: 'FEATURE_GROUP_NOT_FOUND' });
      const d = await fs.describeFeatureGroup('g1');
      expect((await fs.describeFeatureGroup(d.FeatureGroupArn)).FeatureGroupName).toBe('g1');
    });

    it('keeps the latest record online by event time (>= replaces, older goes offline only)', async () => {
      const fs = platform.featureStore;
      await fs.createFeatureGroup({
        featureGroupName: 'users',
        recordIdentifierName: 'id',
        eventTimeFeatureName: 't',
        featureDefinitions: [
          { FeatureName: 'id', FeatureType: 'String' },
          { FeatureName: 't', FeatureType: 'String' },
          { FeatureName: 'score', FeatureType: 'Fractional' },
          { FeatureName: 'n', FeatureType: 'Integral' },
        ],
      });
      expect(await fs.putRecord('users', { id: 'u1', t: '2026-01-01T00:00:00Z', score: 1.5, n: 1 })).toEqual({ onlineApplied: true, offlineWritten: true });
      clock.advance(1000);
      expect((await fs.putRecord('users', { id: 'u1', t: '2025-12-31T00:00:00Z', score: 0.5, n: 0 })).onlineApplied).toBe(false);
      clock.advance(1000);
      expect((await fs.putRecord('users', [{ FeatureName: 'id', ValueAsString: 'u1' }, { FeatureName: 't', ValueAsString: '2026-01-01T00:00:00Z' }, { FeatureName: 'score', ValueAsString: '2.5' }])).onlineApplied).toBe(true);
      const r = await fs.getRecord('users', 'u1');
      // A put is a full overwrite: n is gone.
      expect(r.Record).toEqual([
        { FeatureName: 'id', ValueAsString: 'u1' },
        { FeatureName: 't', ValueAsString: '2026-01-01T00:00:00Z' },
        { FeatureName: 'score', ValueAsString: '2.5' },
      ]);
      expect((await fs.getRecord('users', 'u1', { featureNames: ['score'] })).Record).toEqual([{ FeatureName: 'score', ValueAsString: '2.5' }]);
      expect(await fs.getRecord('users', 'nobody')).toEqual({});
      await expect(fs.putRecord('users', { id: 'u2', t: '2026-01-01', score: 1 })).rejects.toThrow(/event time "t" "2026-01-01" is not ISO-8601/);
      await expect(fs.putRecord('users', { id: 'u2', t: '2026-01-01T00:00:00Z', n: 'five' })).rejects.toThrow(/n: "five" is not an integer/);
      await expect(fs.putRecord('users', { id: 'u2', t: '2026-01-01T00:00:00Z', extra: 1 })).rejects.toThrow(/feature "extra" is not defined/);
      const offline = await fs.query(`SELECT id, score, is_deleted FROM users ORDER BY write_time, score`);
      expect(offline.table.length).toBe(3);
    });

    it('deletes records with SMFS rules and leaves markers offline', async () => {
      const fs = platform.featureStore;
      await fs.putRecord('users', { id: 'd1', t: '2026-02-01T00:00:00Z', score: 1 });
      // Stale soft delete: record intact, marker still written.
      expect(await fs.deleteRecord('users', 'd1', '2026-01-01T00:00:00Z')).toEqual({ online: 'stale', offlineMarker: true });
      expect((await fs.getRecord('users', 'd1')).Record).toBeDefined();
      // Stale hard delete: a validation error and no marker.
      await expect(fs.deleteRecord('users', 'd1', '2026-01-01T00:00:00Z', { deletionMode: 'HardDelete' })).rejects.toThrow(/EventTime/);
      expect(await fs.deleteRecord('users', 'd1', '2026-03-01T00:00:00Z')).toEqual({ online: 'deleted', offlineMarker: true });
      expect(await fs.getRecord('users', 'd1')).toEqual({});
      expect((await fs.listRecords('users', { includeSoftDeletedRecords: true })).RecordIdentifiers).toContain('d1');
      expect((await fs.listRecords('users')).RecordIdentifiers).not.toContain('d1');
      // A newer put revives it; an older one does not.
      expect((await fs.putRecord('users', { id: 'd1', t: '2026-02-15T00:00:00Z', score: 2 })).onlineApplied).toBe(false);
      expect((await fs.putRecord('users', { id: 'd1', t: '2026-03-02T00:00:00Z', score: 3 })).onlineApplied).toBe(true);
      expect(await fs.deleteRecord('users', 'd1', '2026-04-01T00:00:00Z', { deletionMode: 'HardDelete' })).toEqual({ online: 'deleted', offlineMarker: true });
      const markers = await fs.query(`SELECT id, t, score FROM users WHERE is_deleted AND id = 'd1' ORDER BY t`);
      expect(tableToRows(markers.table)).toEqual([
        { id: 'd1', t: '2026-01-01T00:00:00Z', score: null },
        { id: 'd1', t: '2026-03-01T00:00:00Z', score: null },
        { id: 'd1', t: '2026-04-01T00:00:00Z', score: null },
      ]);
    });

    it('builds point-in-time datasets from entity rows and from a group', async () => {
      const fs = platform.featureStore;
      const entities = tableFromRows(
        [
          { id: 'u1', t: '2026-01-01T12:00:00Z', label: 1 },
          { id: 'u1', t: '2025-12-31T12:00:00Z', label: 0 },
          { id: 'u1', t: '2025-01-01T00:00:00Z', label: 0 },
        ],
        ['id', 't', 'label'],
      );
      const dataset = await fs.createDataset({ table: entities, recordIdentifierName: 'id', eventTimeFeatureName: 't' });
      dataset.withFeatureGroup(await fs.offlineGroup('users'), { includedFeatureNames: ['score'], joinType: 'LEFT_JOIN' }).pointInTimeAccurateJoin();
      const rows = tableToRows(await dataset.toTable());
      expect(rows.map((r) => [r.t, r.score])).toEqual([
        ['2025-01-01T00:00:00Z', null],
        ['2025-12-31T12:00:00Z', 0.5],
        ['2026-01-01T12:00:00Z', 2.5],
      ]);
      const latest = await fs.createDataset('cookbook-feature-group');
      const out = await latest.toFile(platform.objectStore.uriOf('datasets/latest.parquet'));
      expect(out.rows).toBe(1000);
      expect(await platform.objectStore.exists('datasets/latest.parquet')).toBe(true);
    });

    it('batch-gets across groups with errors for unknown groups', async () => {
      const r = await platform.featureStore.batchGetRecord([
        { FeatureGroupName: 'users', RecordIdentifiersValueAsString: ['u1', 'missing'] },
        { FeatureGroupName: 'cookbook-feature-group', RecordIdentifiersValueAsString: ['1', '2'], FeatureNames: ['math'] },
        { FeatureGroupName: 'nope', RecordIdentifiersValueAsString: ['x'] },
      ]);
      expect(r.Records.map((x) => `${x.FeatureGroupName}/${x.RecordIdentifierValueAsString}`)).toEqual(['users/u1', 'cookbook-feature-group/1', 'cookbook-feature-group/2']);
      expect(r.Records[1]!.Record.map((f) => f.FeatureName)).toEqual(['math']);
      expect(r.Errors).toEqual([expect.objectContaining({ FeatureGroupName: 'nope', RecordIdentifierValueAsString: 'x', ErrorCode: 'ResourceNotFound' })]);
      expect(r.UnprocessedIdentifiers).toEqual([]);
    });

    it('expires records after their TTL and reports ExpiresAt', async () => {
      const fs = platform.featureStore;
      await fs.createFeatureGroup({
        featureGroupName: 'sessions',
        recordIdentifierName: 'id',
        eventTimeFeatureName: 't',
        ttl: '1h',
        featureDefinitions: [{ FeatureName: 'id', FeatureType: 'String' }, { FeatureName: 't', FeatureType: 'Fractional' }],
      });
      const t = clock.now() / 1000;
      await fs.putRecord('sessions', { id: 'a', t });
      await fs.putRecord('sessions', { id: 'b', t }, { ttlDuration: '3h' });
      expect((await fs.getRecord('sessions', 'a', { expirationTimeResponse: 'Enabled' })).ExpiresAt).toBe(new Date(clock.now() + 3_600_000).toISOString());
      clock.advance(2 * 3_600_000);
      expect(await fs.getRecord('sessions', 'a')).toEqual({});
      expect((await fs.getRecord('sessions', 'b')).Record).toBeDefined();
      clock.advance(2 * 3_600_000);
      expect(await fs.getRecord('sessions', 'b')).toEqual({});
      expect(await fs.purgeExpiredRecords()).toBe(2);
      expect((await fs.listRecords('sessions')).RecordIdentifiers).toEqual([]);
      clock.set(T0);
    });

    it('ingests what is valid and reports each rejected row with its number and reason', async () => {
      const fs = platform.featureStore;
      await fs.createFeatureGroup({
        featureGroupName: 'mixed',
        recordIdentifierName: 'id',
        eventTimeFeatureName: 't',
        featureDefinitions: [
          { FeatureName: 'id', FeatureType: 'Integral' },
          { FeatureName: 't', FeatureType: 'Fractional' },
          { FeatureName: 'x', FeatureType: 'Integral' },
        ],
      });
      const table = tableFromRows(
        [
          { id: '1', t: '1700000000', x: '5' },
          { id: null, t: '1700000000', x: '5' },
          { id: '3', t: 'yesterday', x: '5' },
          { id: '4', t: '1700000000', x: 'five' },
          { id: '5', t: '1700000000', x: '5.0' },
          { id: '6', t: 'NaN', x: '1' },
        ],
        ['id', 't', 'x'],
      );
      const r = await fs.ingest('mixed', table);
      expect(r.written).toBe(2);
      expect(r.rejected).toBe(4);
      expect(r.rejections.map((x) => x.row)).toEqual([2, 3, 4, 6]);
      expect(r.rejections[0]!.reason).toMatch(/record identifier "id" is missing/);
      expect(r.rejections[1]!.reason).toMatch(/"yesterday" is not unix seconds/);
      expect(r.rejections[2]!.reason).toMatch(/x: "five" is not an integer/);
      expect((await fs.getRecord('mixed', '5')).Record).toContainEqual({ FeatureName: 'x', ValueAsString: '5' });
      await expect(fs.ingest('mixed', tableFromRows([{ id: 1, t: 1, y: 2 }]))).rejects.toThrow(/column "y" is not a feature of "mixed"/);
    });

    it('updates definitions and TTL, lists with filters and pagination, deletes with and without purge', async () => {
      const fs = platform.featureStore;
      const updated = await fs.updateFeatureGroup('users', { featureAdditions: [{ FeatureName: 'level', FeatureType: 'String' }] });
      expect(updated.FeatureDefinitions.map((f) => f.FeatureName)).toContain('level');
      await expect(fs.updateFeatureGroup('users', { featureAdditions: [{ FeatureName: 'Score', FeatureType: 'String' }] })).rejects.toThrow(/featureAdditions\[0\].FeatureName: "Score" duplicates "score"/);
      await fs.putRecord('users', { id: 'u9', t: '2026-05-01T00:00:00Z', level: 'gold' });
      const q = await fs.query(`SELECT id, level FROM users WHERE level IS NOT NULL`);
      expect(tableToRows(q.table)).toEqual([{ id: 'u9', level: 'gold' }]);

      const page1 = await fs.listFeatureGroups({ sortBy: 'Name', sortOrder: 'Ascending', maxResults: 2 });
      expect(page1.FeatureGroupSummaries.map((s) => s.FeatureGroupName)).toEqual(['cookbook-feature-group', 'g1']);
      const page2 = await fs.listFeatureGroups({ sortBy: 'Name', sortOrder: 'Ascending', maxResults: 2, nextToken: page1.NextToken! });
      expect(page2.FeatureGroupSummaries.map((s) => s.FeatureGroupName)).toEqual(['mixed', 'sessions']);
      expect((await fs.listFeatureGroups({ nameContains: 'user' })).FeatureGroupSummaries.map((s) => s.FeatureGroupName)).toEqual(['users']);

      const kept = await fs.deleteFeatureGroup('users');
      expect(kept.offlineDataKeptAt).toBeDefined();
      const files = await platform.objectStore.list(platform.objectStore.keyOf(kept.offlineDataKeptAt!)!);
      expect(files.length).toBeGreaterThan(0);
      await expect(fs.getRecord('users', 'u1')).rejects.toMatchObject({ code: 'FEATURE_GROUP_NOT_FOUND' });
      const purged = await fs.deleteFeatureGroup('mixed', { purge: true });
      expect(purged.purgedObjects).toBeGreaterThan(0);
    });

    it('exports query results into the object store as CSV with and without header', async () => {
      const fs = platform.featureStore;
      const uri = platform.objectStore.uriOf('exports/train.csv');
      const r = await fs.exportQuery(`SELECT approved, sex FROM "cookbook-feature-group" ORDER BY index LIMIT 3`, { uri, header: true });
      expect(r.rows).toBe(3);
      const text = Buffer.from(await platform.objectStore.get('exports/train.csv')).toString('utf8');
      expect(text.split('\n')[0]).toBe('approved,sex');
      await fs.exportQuery(`SELECT approved, sex FROM "cookbook-feature-group" ORDER BY index LIMIT 3`, { uri: platform.objectStore.uriOf('exports/train_nh.csv'), header: false });
      const nh = Buffer.from(await platform.objectStore.get('exports/train_nh.csv')).toString('utf8');
      expect(nh.trim().split('\n')).toHaveLength(3);
      await expect(fs.query('DROP TABLE users')).rejects.toMatchObject({ code: 'QUERY_REJECTED' });
    });
  });
}
