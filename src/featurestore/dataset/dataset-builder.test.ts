/**
 * @module featurestore/dataset/dataset-builder.test
 * The dataset builder against a raw in-memory DuckDB: every group "view" is a plain table with the
 * offline schema, filled from the hand-written fixtures below. Hours after 2024-01-01T00:00Z are `h`.
 */
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tableFromRows, tableToRows, type Column, type ColumnTable } from '../../core/columns.js';
import { isPlatformError, ValidationError } from '../../core/errors.js';
import type { FeatureType, OfflineGroup } from '../model.js';
import type { OfflineSession, QueryResult } from '../offline/offline-session.js';
import { createDataset } from './dataset-builder.js';
import { builderFromSpec } from './dataset-spec.js';
import { quoteIdent, quoteLiteral } from './sql-text.js';

// ---------- a test-only OfflineSession ----------

const SQL_TYPE: Record<Column['type'], string> = { int: 'BIGINT', float: 'DOUBLE', bool: 'BOOLEAN', timestamp: 'TIMESTAMP', string: 'VARCHAR' };

function literal(v: unknown, type: string): string {
  if (v === null || v === undefined) return `NULL::${type}`;
  if (v instanceof Date) return `TIMESTAMP ${quoteLiteral(v.toISOString().replace('Z', ''))}`;
  if (typeof v === 'number') return type === 'TIMESTAMP' ? literal(new Date(v), type) : `${v}::${type}`;
  if (typeof v === 'boolean') return String(v);
  return `${quoteLiteral(String(v))}::${type}`;
}

class MemorySession implements OfflineSession {
  constructor(readonly connection: DuckDBConnection) {}

  async registerTable(name: string, table: ColumnTable): Promise<void> {
    const cols = table.columns.map((c) => `${quoteIdent(c.name)} ${SQL_TYPE[c.type]}`);
    await this.connection.run(`CREATE OR REPLACE TEMP TABLE ${quoteIdent(name)} (${cols.join(', ')})`);
    if (table.length === 0) return;
    const rows = tableToRows(table).map((r) => `(${table.columns.map((c) => literal(r[c.name], SQL_TYPE[c.type])).join(', ')})`);
    await this.connection.run(`INSERT INTO ${quoteIdent(name)} VALUES ${rows.join(', ')}`);
  }

  async run(sql: string): Promise<QueryResult> {
    const reader = await this.connection.runAndReadAll(sql);
    const sqlTypes = reader.columnTypes().map(String);
    const data = reader.getColumnsJS();
    const columns = reader.columnNames().map((name, i): Column => {
      const t = sqlTypes[i]!;
      const vals = data[i]!;
      if (t === 'VARCHAR') return { name, type: 'string', values: vals.map((v) => (v === null ? null : String(v))) };
      if (t === 'BOOLEAN') {
        return { name, type: 'bool', values: Uint8Array.from(vals, (v) => (v ? 1 : 0)), valid: Uint8Array.from(vals, (v) => (v === null ? 0 : 1)) };
      }
      const type = t.startsWith('TIMESTAMP') ? 'timestamp' : /INT/.test(t) ? 'int' : 'float';
      return { name, type, values: Float64Array.from(vals, (v) => (v === null ? NaN : v instanceof Date ? v.getTime() : Number(v))) };
    });
    return { table: { length: reader.currentRowCount, columns }, sqlTypes };
  }
}

// ---------- fixtures ----------

const T0 = Date.UTC(2024, 0, 1) / 1000;
const sec = (h: number) => T0 + h * 3600;
const iso = (h: number) => new Date(sec(h) * 1000).toISOString().replace('.000Z', 'Z');

interface FixtureRow {
  v: Record<string, string | number | null>;
  /** write hour; api_invocation hour defaults to it */
  w: number;
  a?: number;
  del?: boolean;
}

function group(name: string, rid: string, et: string, etType: 'String' | 'Fractional', defs: [string, FeatureType][]): OfflineGroup {
  return {
    name,
    tableNames: [name],
    dataPrefix: `offline-store/${name}-1/data`,
    recordIdentifierName: rid,
    eventTimeFeatureName: et,
    eventTimeType: etType,
    definitions: defs.map(([FeatureName, FeatureType]) => ({ FeatureName, FeatureType })),
  };
}

const users = group('users', 'user_id', 'event_time', 'String', [
  ['user_id', 'String'],
  ['event_time', 'String'],
  ['age', 'Integral'],
  ['city', 'String'],
]);
const u = (id: string, h: number, age: number | null, city: string | null, w: number, a?: number, del = false): FixtureRow => ({
  v: { user_id: id, event_time: iso(h), age, city },
  w,
  ...(a !== undefined ? { a } : {}),
  del,
});
const usersRows: FixtureRow[] = [
  u('u1', 0, 30, 'A', 0),
  u('u1', 2, 31, 'B', 2, 2),
  u('u1', 2, 32, 'B2', 2 + 10 / 60, 2), // same event and api time, later write: wins
  u('u1', 5, 33, 'C', 5),
  u('u2', 1, 40, 'D', 1 + 20 / 60, 1 + 5 / 60),
  u('u2', 1, 41, 'E', 1 + 15 / 60, 1 + 10 / 60), // later api_invocation_time wins over later write_time
  u('u3', 1, 50, 'F', 1),
  u('u3', 3, null, null, 3, undefined, true), // deleted for good
  u('u4', 1, 60, 'G', 1),
  u('u4', 2, null, null, 2, undefined, true),
  u('u4', 4, 61, 'H', 4), // re-created after the delete
  u('u5', 1, 70, 'I', 1),
  u('u5', 1, null, null, 1.5, undefined, true), // marker written after a put at the same event time
  u('u6', 1, null, null, 1, undefined, true),
  u('u6', 1, 80, 'J', 1.5), // put written after a marker at the same event time
];

const scores = group('user-scores', 'user_id', 'ts', 'Fractional', [
  ['user_id', 'String'],
  ['ts', 'Fractional'],
  ['score', 'Fractional'],
]);
const s = (id: string, h: number, score: number | null, w: number, del = false): FixtureRow => ({ v: { user_id: id, ts: sec(h), score }, w, del });
const scoresRows: FixtureRow[] = [
  s('u1', 1, 0.1, 1),
  s('u1', 3, 0.3, 3),
  s('u1', 3, 0.35, 3.5), // tie at h3: the later write wins
  s('u1', 6, 0.6, 6),
  s('u2', 0, 0.2, 0),
  s('u2', 2, null, 2, true),
  s('u2', 4, 0.24, 4),
  s('u3', 1, 0.5, 1),
  s('u5', 1, 0.7, 1),
  s('u5', 2, null, 2, true),
];

const devices = group('devices', 'device_id', 'at', 'Fractional', [
  ['device_id', 'String'],
  ['at', 'Fractional'],
  ['owner', 'String'],
  ['battery', 'Integral'],
]);
const devicesRows: FixtureRow[] = [
  { v: { device_id: 'd1', at: sec(1), owner: 'u1', battery: 90 }, w: 1 },
  { v: { device_id: 'd1', at: sec(3), owner: null, battery: null }, w: 3, del: true },
  { v: { device_id: 'd2', at: sec(0), owner: 'u2', battery: 50 }, w: 0 },
];

// `tier` was added to the group later: older rows hold NULL for it.
const profiles = group('profiles', 'user_id', 'updated', 'Fractional', [
  ['user_id', 'String'],
  ['updated', 'Fractional'],
  ['plan', 'String'],
  ['tier', 'Integral'],
]);
const profilesRows: FixtureRow[] = [
  { v: { user_id: 'u1', updated: sec(0), plan: 'basic', tier: null }, w: 0 },
  { v: { user_id: 'u1', updated: sec(4), plan: 'pro', tier: 2 }, w: 4 },
];

const FIXTURES: [OfflineGroup, FixtureRow[]][] = [
  [users, usersRows],
  [scores, scoresRows],
  [devices, devicesRows],
  [profiles, profilesRows],
];
const GROUPS = new Map(FIXTURES.map(([g]) => [g.name, g]));

const SQL_FEATURE: Record<FeatureType, string> = { Integral: 'BIGINT', Fractional: 'DOUBLE', String: 'VARCHAR' };
async function createGroupTable(conn: DuckDBConnection, g: OfflineGroup, rows: FixtureRow[]): Promise<void> {
  const cols = g.definitions.map((d) => `${quoteIdent(d.FeatureName)} ${SQL_FEATURE[d.FeatureType]}`);
  await conn.run(`CREATE TABLE ${quoteIdent(g.name)} (${cols.join(', ')}, write_time TIMESTAMP, api_invocation_time TIMESTAMP, is_deleted BOOLEAN)`);
  const ts = (h: number) => literal(new Date(sec(h) * 1000), 'TIMESTAMP');
  const values = rows.map(
    (r) =>
      `(${g.definitions.map((d) => literal(r.v[d.FeatureName], SQL_FEATURE[d.FeatureType])).join(', ')}, ${ts(r.w)}, ${ts(r.a ?? r.w)}, ${r.del ?? false})`,
  );
  await conn.run(`INSERT INTO ${quoteIdent(g.name)} VALUES ${values.join(', ')}`);
}

/** Entity rows for point-in-time joins: [id, hour]. */
const ENTITY: [string, number][] = [
  ['u1', 0], ['u1', 1], ['u1', 2], ['u1', 2], ['u1', 3], ['u1', 5], ['u1', 7],
  ['u2', 1], ['u2', 3], ['u2', 4],
  ['u3', 2], ['u3', 4],
  ['u5', 3],
  ['u9', 1],
];
function entityTable(time: (h: number) => unknown = iso): ColumnTable {
  return tableFromRows(ENTITY.map(([id, h], i) => ({ index: id, event_time: time(h), label: i })), ['index', 'event_time', 'label']);
}
const entities = (time?: (h: number) => unknown) => ({ table: entityTable(time), recordIdentifierName: 'index', eventTimeFeatureName: 'event_time' });

// ---------- harness ----------

let instance: DuckDBInstance;
let conn: DuckDBConnection;
let session: MemorySession;

beforeAll(async () => {
  instance = await DuckDBInstance.create(':memory:');
  conn = await instance.connect();
  session = new MemorySession(conn);
  for (const [g, rows] of FIXTURES) await createGroupTable(conn, g, rows);
});
afterAll(() => {
  conn?.closeSync();
});

type Row = Record<string, number | boolean | string | null>;
async function run(b: { toTable(s: OfflineSession): Promise<ColumnTable> }): Promise<Row[]> {
  return tableToRows(await b.toTable(session));
}
const pick = (rows: Row[], ...cols: string[]) => rows.map((r) => cols.map((c) => r[c]));
const round = (v: unknown) => (typeof v === 'number' ? Math.round(v * 1000) / 1000 : v);

function expectValidation(fn: () => unknown, path: string, ...fragments: string[]): void {
  let caught: unknown;
  try {
    fn();
  } catch (e) {
    caught = e;
  }
  expect(isPlatformError(caught) && caught instanceof ValidationError).toBe(true);
  const issues = (caught as ValidationError).issues;
  expect(issues.map((i) => i.path)).toContain(path);
  for (const f of fragments) expect((caught as Error).message).toContain(f);
}

// ---------- tests ----------

describe('feature-group base: dedup, deletes, filters', () => {
  it('keeps one row per (record id, event time), latest api_invocation_time then write_time; markers hide older rows', async () => {
    const rows = await run(createDataset(users));
    expect(pick(rows, 'user_id', 'event_time', 'age')).toEqual([
      ['u1', iso(0), 30],
      ['u1', iso(2), 32], // same api time, later write
      ['u1', iso(5), 33],
      ['u2', iso(1), 41], // later api time beats later write time
      ['u4', iso(4), 61], // re-created after its marker; the h1 row stays hidden
      ['u6', iso(1), 80], // the put came after the marker at the same event time
    ]);
    expect(Object.keys(rows[0]!)).toEqual(['user_id', 'event_time', 'age', 'city']); // no write_time & co
  });

  it('includeDuplicatedRecords keeps every version; markers still hide rows at or before them', async () => {
    const rows = await run(createDataset(users).includeDuplicatedRecords());
    const got = pick(rows, 'user_id', 'event_time', 'age').sort((a, b) => String(a).localeCompare(String(b)));
    expect(got).toEqual([
      ['u1', iso(0), 30],
      ['u1', iso(2), 31],
      ['u1', iso(2), 32],
      ['u1', iso(5), 33],
      ['u2', iso(1), 40],
      ['u2', iso(1), 41],
      ['u4', iso(4), 61],
    ]);
  });

  it('includeDeletedRecords brings hidden rows back but never the markers', async () => {
    const rows = await run(createDataset(users).includeDeletedRecords());
    expect(pick(rows, 'user_id', 'age')).toEqual([
      ['u1', 30], ['u1', 32], ['u1', 33], ['u2', 41], ['u3', 50], ['u4', 60], ['u4', 61], ['u5', 70], ['u6', 80],
    ]);
  });

  it('asOf filters on write_time before dedup and deletes', async () => {
    const rows = await run(createDataset(users).asOf(new Date((sec(2) + 300) * 1000)));
    // u1@h2's winning version was written at h2:10 → the h2:00 one shows; u3's marker (h3) is not written yet.
    expect(pick(rows, 'user_id', 'event_time', 'age')).toEqual([
      ['u1', iso(0), 30],
      ['u1', iso(2), 31],
      ['u2', iso(1), 41],
      ['u3', iso(1), 50],
      ['u6', iso(1), 80],
    ]);
  });

  it('withEventTimeRange is inclusive on event time and also filters markers', async () => {
    const rows = await run(createDataset(users).withEventTimeRange(iso(1), (sec(2) * 1000)));
    expect(pick(rows, 'user_id', 'event_time', 'age')).toEqual([
      ['u1', iso(2), 32],
      ['u2', iso(1), 41],
      ['u3', iso(1), 50], // its marker (h3) is outside the range
      ['u6', iso(1), 80],
    ]);
  });

  it('withNumberOfRecentRecordsByRecordIdentifier and withNumberOfRecordsFromQueryResults', async () => {
    const recent = await run(createDataset(users).withNumberOfRecentRecordsByRecordIdentifier(1));
    expect(pick(recent, 'user_id', 'age')).toEqual([['u1', 33], ['u2', 41], ['u4', 61], ['u6', 80]]);
    const two = await run(createDataset(users).withNumberOfRecentRecordsByRecordIdentifier(2).withNumberOfRecordsFromQueryResults(3));
    expect(pick(two, 'user_id', 'age')).toEqual([['u1', 32], ['u1', 33], ['u2', 41]]);
  });

  it('base includedFeatureNames', async () => {
    const rows = await run(createDataset(users, { includedFeatureNames: ['city', 'user_id'] }).withNumberOfRecordsFromQueryResults(1));
    expect(rows).toEqual([{ city: 'A', user_id: 'u1' }]);
  });
});

describe('point-in-time accurate join (entity rows with ISO times against a Fractional group)', () => {
  const LEFT = [null, 0.1, 0.1, 0.1, 0.35, 0.35, 0.6, 0.2, null, 0.24, 0.5, 0.5, null, null];

  it('picks the newest row at or before each base time, never after; one row per base row', async () => {
    const b = createDataset(entities()).withFeatureGroup(scores, { includedFeatureNames: ['score', 'ts'], joinType: 'LEFT_JOIN' }).pointInTimeAccurateJoin();
    const rows = await run(b);
    expect(rows.map((r) => r.label)).toEqual(ENTITY.map((_, i) => i)); // order: id, then event time
    expect(rows.map((r) => r.score)).toEqual(LEFT);
    // the matched target row: equal times count (u1@h1 → h1), later rows never (u1@h5 → h3, not h6)
    expect(rows[1]!.ts).toBe(sec(1));
    expect(rows[5]!.ts).toBe(sec(3));
    expect(Object.keys(rows[0]!)).toEqual(['index', 'event_time', 'label', 'score', 'ts']);
  });

  it('INNER_JOIN drops base rows without a live match (none, a marker, unknown id)', async () => {
    const rows = await run(createDataset(entities()).withFeatureGroup(scores, { includedFeatureNames: ['score'] }).pointInTimeAccurateJoin());
    expect(rows.map((r) => r.label)).toEqual([1, 2, 3, 4, 5, 6, 7, 9, 10, 11]);
  });

  it('TTL: rows older than base time − ttl do not count (boundary inclusive)', async () => {
    const b = createDataset(entities())
      .withFeatureGroup(scores, { includedFeatureNames: ['score'], joinType: 'LEFT_JOIN', ttlMs: 2 * 3600_000 })
      .pointInTimeAccurateJoin();
    const rows = await run(b);
    // u1@h5 → h3 row is exactly 2h old: kept; u3@h4 → h1 row is 3h old: dropped; u1@h0/h2 unchanged.
    expect(rows.map((r) => r.score)).toEqual([null, 0.1, 0.1, 0.1, 0.35, 0.35, 0.6, 0.2, null, 0.24, 0.5, null, null, null]);
  });

  it('includeDeletedRecords ignores markers: the previous put is found', async () => {
    const b = createDataset(entities()).withFeatureGroup(scores, { includedFeatureNames: ['score'], joinType: 'LEFT_JOIN' }).pointInTimeAccurateJoin().includeDeletedRecords();
    const rows = await run(b);
    expect(rows.map((r) => r.score)).toEqual([null, 0.1, 0.1, 0.1, 0.35, 0.35, 0.6, 0.2, 0.2, 0.24, 0.5, 0.5, 0.7, null]);
  });

  it('unix-seconds and timestamp event-time columns give the same result as ISO strings', async () => {
    for (const time of [(h: number) => sec(h), (h: number) => new Date(sec(h) * 1000)]) {
      const b = createDataset(entities(time)).withFeatureGroup(scores, { includedFeatureNames: ['score'], joinType: 'LEFT_JOIN' }).pointInTimeAccurateJoin();
      expect((await run(b)).map((r) => r.score)).toEqual(LEFT);
    }
  });

  it('chains several groups; a later-added column is NULL on older rows', async () => {
    const b = createDataset(entities())
      .withFeatureGroup(scores, { includedFeatureNames: ['score'], joinType: 'LEFT_JOIN' })
      .withFeatureGroup(profiles, { includedFeatureNames: ['plan', 'tier'], joinType: 'LEFT_JOIN' })
      .pointInTimeAccurateJoin()
      .withNumberOfRecordsFromQueryResults(7);
    expect(pick(await run(b), 'label', 'score', 'plan', 'tier')).toEqual([
      [0, null, 'basic', null],
      [1, 0.1, 'basic', null],
      [2, 0.1, 'basic', null],
      [3, 0.1, 'basic', null],
      [4, 0.35, 'basic', null],
      [5, 0.35, 'pro', 2],
      [6, 0.6, 'pro', 2],
    ]);
  });

  it('joins on a non-identifier target feature; a marker still ends its record', async () => {
    const base = { table: tableFromRows([{ id: 'u1', t: iso(2) }, { id: 'u1', t: iso(4) }, { id: 'u2', t: iso(1) }]), recordIdentifierName: 'id', eventTimeFeatureName: 't' };
    const pit = createDataset(base).withFeatureGroup(devices, { featureNameInTarget: 'owner', includedFeatureNames: ['device_id', 'battery'], joinType: 'LEFT_JOIN' }).pointInTimeAccurateJoin();
    expect(pick(await run(pit), 'id', 'device_id', 'battery')).toEqual([['u1', 'd1', 90], ['u1', null, null], ['u2', 'd2', 50]]);
    const plain = createDataset(base).withFeatureGroup(devices, { featureNameInTarget: 'owner', includedFeatureNames: ['battery'], joinType: 'LEFT_JOIN' });
    expect(pick(await run(plain), 'id', 'battery')).toEqual([['u1', null], ['u1', null], ['u2', 50]]);
  });

  it('feature-group base (String times) against a Fractional group; clashing names get the group prefix', async () => {
    const rows = await run(createDataset(users).withFeatureGroup(scores, { joinType: 'LEFT_JOIN' }).pointInTimeAccurateJoin());
    expect(Object.keys(rows[0]!)).toEqual(['user_id', 'event_time', 'age', 'city', 'user-scores.user_id', 'ts', 'score']);
    expect(pick(rows, 'user_id', 'event_time', 'score').map((r) => r.map(round))).toEqual([
      ['u1', iso(0), null],
      ['u1', iso(2), 0.1],
      ['u1', iso(5), 0.35],
      ['u2', iso(1), 0.2],
      ['u4', iso(4), null], // u4 has no scores
      ['u6', iso(1), null],
    ]);
  });
});

describe('plain (latest-version) join', () => {
  it('joins each base row to the latest surviving version of the target record', async () => {
    const rows = await run(createDataset(entities()).withFeatureGroup(scores, { includedFeatureNames: ['score'], joinType: 'LEFT_JOIN' }));
    // u1 → h6 even for base rows before h6; u2 → h4 put after its marker; u5 deleted; u9 unknown.
    expect(rows.map((r) => r.score)).toEqual([0.6, 0.6, 0.6, 0.6, 0.6, 0.6, 0.6, 0.24, 0.24, 0.24, 0.5, 0.5, null, null]);
    const inner = await run(createDataset(entities()).withFeatureGroup(scores, { includedFeatureNames: ['score'] }));
    expect(inner).toHaveLength(12);
  });

  it('the same group twice gets prefixed, then numbered, names', async () => {
    const b = createDataset(users).withFeatureGroup(scores, { joinType: 'LEFT_JOIN' }).withFeatureGroup(scores, { joinType: 'LEFT_JOIN' });
    const rows = await run(b.withNumberOfRecordsFromQueryResults(1));
    expect(Object.keys(rows[0]!)).toEqual([
      'user_id', 'event_time', 'age', 'city',
      'user-scores.user_id', 'ts', 'score',
      'user-scores.user_id.2', 'user-scores.ts', 'user-scores.score',
    ]);
    expect(rows[0]!.score).toBe(0.6);
    expect(rows[0]!['user-scores.score']).toBe(0.6);
  });
});

describe('validation (as in SageMaker)', () => {
  it('rejects negative counts', () => {
    expectValidation(() => createDataset(users).withNumberOfRecentRecordsByRecordIdentifier(-1), 'numberOfRecentRecordsByRecordIdentifier');
    expectValidation(() => createDataset(users).withNumberOfRecordsFromQueryResults(-5), 'numberOfRecordsFromQueryResults');
  });

  it('rejects a point-in-time join with no joined group', () => {
    expectValidation(() => createDataset(users).pointInTimeAccurateJoin().toSql(), 'pointInTimeAccurateJoin');
  });

  it('names the unknown feature and the target group', () => {
    expectValidation(() => createDataset(users).withFeatureGroup(scores, { includedFeatureNames: ['score', 'age'] }), 'includedFeatureNames', '"age"', '"user-scores"');
    expectValidation(() => createDataset(users, { includedFeatureNames: ['nope'] }), 'includedFeatureNames', '"nope"', '"users"');
  });

  it('rejects RIGHT/FULL/CROSS with a point-in-time join, a ttl without one, and entity-only options', () => {
    expectValidation(() => createDataset(users).withFeatureGroup(scores, { joinType: 'RIGHT_JOIN' }).pointInTimeAccurateJoin().toSql(), 'featureGroups[0].joinType');
    expectValidation(() => createDataset(users).withFeatureGroup(scores, { ttlMs: 1000 }).toSql(), 'featureGroups[0].ttl');
    expectValidation(() => createDataset(entities()).asOf(0).toSql(), 'asOf');
    expectValidation(() => createDataset({ ...entities(), eventTimeFeatureName: 'when' }), 'eventTimeFeatureName');
    expectValidation(() => createDataset(entities(() => 'not a time')), 'event_time[0]');
  });

  it('quotes identifiers (names with - and ")', () => {
    const odd = group('we"ird-group', 'id-x', 'et', 'Fractional', [['id-x', 'String'], ['et', 'Fractional']]);
    const sql = createDataset(odd).toSql();
    expect(sql).toContain('FROM "we""ird-group"');
    expect(sql).toContain('"id-x"');
  });
});

describe('JSON spec', () => {
  it('builds the same dataset as the fluent API (file base, ttl)', async () => {
    const table = entityTable();
    const b = await builderFromSpec(
      {
        base: { file: 'entities.csv', recordIdentifierName: 'index', eventTimeFeatureName: 'event_time' },
        featureGroups: [{ name: 'user-scores', includedFeatureNames: ['score'], joinType: 'LEFT_JOIN', ttl: '2h' }],
        pointInTimeAccurateJoin: true,
      },
      async (name) => GROUPS.get(name)!,
      async (path) => {
        expect(path).toBe('entities.csv');
        return table;
      },
    );
    expect((await run(b)).map((r) => r.score)).toEqual([null, 0.1, 0.1, 0.1, 0.35, 0.35, 0.6, 0.2, null, 0.24, 0.5, null, null, null]);
  });
});
