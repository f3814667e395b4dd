import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { fixedClock } from '../../core/clock.js';
import { tableFromRows, tableToRows, type ColumnTable } from '../../core/columns.js';
import { isPlatformError } from '../../core/errors.js';
import { FsObjectStore } from '../../storage/fs/fs-object-store.js';
import type { ObjectStore } from '../../storage/object-store.js';
import type { FeatureDefinition, OfflineGroup, OfflineRow } from '../model.js';
import { OfflineStore, type OfflineStoreOptions } from './offline-store.js';

const T0 = Date.UTC(2024, 2, 1, 10, 15, 0);
const HOUR = 3_600_000;

const open: OfflineStore[] = [];
const dirs: string[] = [];

afterEach(async () => {
  for (const s of open.splice(0)) await s.close().catch(() => undefined);
  for (const d of dirs.splice(0)) await rm(d, { recursive: true, force: true });
});

async function setup(options: Partial<OfflineStoreOptions> = {}, wrap?: (s: ObjectStore) => ObjectStore) {
  const dir = await mkdtemp(join(tmpdir(), 'plumbline-offline-'));
  dirs.push(dir);
  const objects = new FsObjectStore(join(dir, 'objects'));
  const objectStore = wrap ? wrap(objects) : objects;
  const make = (extra: Partial<OfflineStoreOptions> = {}): OfflineStore => {
    const s = new OfflineStore({
      objectStore,
      spoolPath: join(dir, 'spool.sqlite'),
      clock: fixedClock(T0),
      tempDir: join(dir, 'tmp'),
      flushIntervalMs: 0,
      ...options,
      ...extra,
    });
    open.push(s);
    return s;
  };
  return { dir, objects, store: make(), make };
}

function group(name: string, definitions: FeatureDefinition[], eventTimeType: 'String' | 'Fractional' = 'Fractional'): OfflineGroup {
  return {
    name,
    tableNames: [name, `${name.replaceAll('-', '_')}_1700000000`],
    dataPrefix: `offline-store/${name}-1700000000/data`,
    recordIdentifierName: definitions[0]!.FeatureName,
    eventTimeFeatureName: 'event_time',
    eventTimeType,
    definitions,
  };
}

const usersDefs: FeatureDefinition[] = [
  { FeatureName: 'id', FeatureType: 'Integral' },
  { FeatureName: 'event_time', FeatureType: 'Fractional' },
  { FeatureName: 'score', FeatureType: 'Fractional' },
  { FeatureName: 'name', FeatureType: 'String' },
];
const users = group('users', usersDefs);

function row(values: Record<string, string>, eventTimeMs: number, isDeleted = false): OfflineRow {
  return { values, eventTimeMs, writeTimeMs: T0 + 1000, apiInvocationTimeMs: T0, isDeleted };
}

const userRow = (id: number, eventMs: number, score = id / 2, name = `u${id}`): OfflineRow =>
  row({ id: String(id), event_time: String(eventMs / 1000), score: String(score), name }, eventMs);

async function rows(store: OfflineStore, sql: string, groups: OfflineGroup[] = [users]) {
  return tableToRows((await store.query(sql, groups)).table);
}

async function code(p: Promise<unknown>): Promise<string> {
  try {
    await p;
  } catch (e) {
    return isPlatformError(e) ? `${e.code}: ${e.message}` : `Error: ${(e as Error).message}`;
  }
  return 'resolved';
}

describe('OfflineStore layout', () => {
  it('writes one SMFS-named file per event-time hour with the offline schema', async () => {
    const { store, objects } = await setup();
    const table = tableFromRows([
      { id: 1, event_time: (T0 + 5_000) / 1000, score: 0.5, name: 'a' },
      { id: 2, event_time: (T0 + 9_000) / 1000, score: 1.5, name: 'b' },
      { id: 3, event_time: (T0 + HOUR) / 1000, score: null, name: null },
    ]);
    const keys = await store.writeColumns(users, table, {
      eventTimeMs: new Float64Array([T0 + 5_000, T0 + 9_000, T0 + HOUR]),
      writeTimeMs: T0 + 60_000,
      apiInvocationTimeMs: T0 + 30_000,
    });
    expect(keys.sort()).toEqual([
      expect.stringMatching(/^offline-store\/users-1700000000\/data\/year=2024\/month=03\/day=01\/hour=10\/20240301T101509Z_[A-Za-z0-9]{16}\.parquet$/),
      expect.stringMatching(/^offline-store\/users-1700000000\/data\/year=2024\/month=03\/day=01\/hour=11\/20240301T111500Z_[A-Za-z0-9]{16}\.parquet$/),
    ]);
    expect((await store.listFiles(users)).map((f) => f.key).sort()).toEqual(keys.sort());

    const path = await objects.localPath(keys.sort()[0]!);
    const described = await store.session([], (s) => s.run(`DESCRIBE SELECT * FROM read_parquet('${path}', hive_partitioning = false)`));
    expect(tableToRows(described.table).map((r) => `${r.column_name} ${r.column_type}`)).toEqual([
      'id BIGINT',
      'event_time DOUBLE',
      'score DOUBLE',
      'name VARCHAR',
      'write_time TIMESTAMP',
      'api_invocation_time TIMESTAMP',
      'is_deleted BOOLEAN',
    ]);
    const got = await rows(store, 'SELECT id, score, name, write_time, api_invocation_time, is_deleted FROM users ORDER BY id');
    expect(got).toEqual([
      { id: 1, score: 0.5, name: 'a', write_time: T0 + 60_000, api_invocation_time: T0 + 30_000, is_deleted: false },
      { id: 2, score: 1.5, name: 'b', write_time: T0 + 60_000, api_invocation_time: T0 + 30_000, is_deleted: false },
      { id: 3, score: null, name: null, write_time: T0 + 60_000, api_invocation_time: T0 + 30_000, is_deleted: false },
    ]);
  });

  it('keeps exact 64-bit Integral values from string columns and nulls missing definitions', async () => {
    const { store } = await setup();
    const table: ColumnTable = {
      length: 2,
      columns: [
        { name: 'id', type: 'string', values: ['9223372036854775807', '-9007199254740993'] },
        { name: 'event_time', type: 'float', values: new Float64Array([T0 / 1000, T0 / 1000]) },
      ],
    };
    await store.writeColumns(users, table, { eventTimeMs: new Float64Array([T0, T0]), writeTimeMs: T0, apiInvocationTimeMs: T0 });
    const got = await rows(store, 'SELECT CAST(id AS VARCHAR) AS id, score, name FROM users ORDER BY users.id');
    expect(got).toEqual([
      { id: '-9007199254740993', score: null, name: null },
      { id: '9223372036854775807', score: null, name: null },
    ]);
  });
  it('refuses columns that are not features and event times that are not times', async () => {
    const { store } = await setup();
    const meta = { eventTimeMs: new Float64Array([T0]), writeTimeMs: T0, apiInvocationTimeMs: T0 };
    expect(await code(store.writeColumns(users, tableFromRows([{ id: 1, extra: 2 }]), meta))).toBe(
      'VALIDATION_FAILED: table.columns: extra is not a feature of feature group "users"',
    );
    expect(await code(store.writeColumns(users, tableFromRows([{ id: 1 }]), { ...meta, eventTimeMs: new Float64Array([NaN]) }))).toMatch(
      /^VALIDATION_FAILED: meta.eventTimeMs\[0\]/,
    );
    expect(await store.listFiles(users)).toEqual([]);
  });
});

describe('OfflineStore spool', () => {
  it('round-trips appended rows through flush', async () => {
    const { store } = await setup();
    await store.append(users, [userRow(1, T0), userRow(2, T0 + 1000), userRow(3, T0 + 2 * HOUR)]);
    expect(await store.listFiles(users)).toEqual([]);
    expect(await store.flush()).toBe(3);
    expect(await store.flush()).toBe(0);
    const files = (await store.listFiles(users)).map((f) => f.key);
    expect(files).toHaveLength(2);
    expect(files[0]).toMatch(/hour=10\/20240301T101501Z_[A-Za-z0-9]{16}\.parquet$/);
    expect(files[1]).toMatch(/hour=12\/20240301T121500Z_[A-Za-z0-9]{16}\.parquet$/);
    const got = await rows(store, 'SELECT id, event_time, score, name, write_time, is_deleted FROM users ORDER BY id');
    expect(got).toEqual([
      { id: 1, event_time: T0 / 1000, score: 0.5, name: 'u1', write_time: T0 + 1000, is_deleted: false },
      { id: 2, event_time: (T0 + 1000) / 1000, score: 1, name: 'u2', write_time: T0 + 1000, is_deleted: false },
      { id: 3, event_time: (T0 + 2 * HOUR) / 1000, score: 1.5, name: 'u3', write_time: T0 + 1000, is_deleted: false },
    ]);
  });

  it('makes appended rows queryable at once, and flushes a group at flushRows', async () => {
    const { store } = await setup({ flushRows: 3 });
    await store.append(users, [userRow(1, T0)]);
    expect(await rows(store, 'SELECT count(*) AS n FROM users')).toEqual([{ n: 1 }]);
    await store.append(users, [userRow(2, T0), userRow(3, T0)]);
    await store.append(users, [userRow(4, T0), userRow(5, T0), userRow(6, T0)]);
    expect(await store.listFiles(users)).toHaveLength(2);
    expect(await rows(store, 'SELECT count(*) AS n, count(DISTINCT id) AS ids FROM users')).toEqual([{ n: 6, ids: 6 }]);
  });

  it('flushes on the timer', async () => {
    const { store } = await setup({ flushIntervalMs: 20 });
    await store.append(users, [userRow(1, T0)]);
    for (let i = 0; i < 100 && (await store.listFiles(users)).length === 0; i++) await new Promise((r) => setTimeout(r, 20));
    expect(await store.listFiles(users)).toHaveLength(1);
  });

  it('writes delete markers with is_deleted and null features', async () => {
    const { store } = await setup();
    await store.append(users, [userRow(1, T0), row({ id: '1', event_time: String((T0 + 5000) / 1000) }, T0 + 5000, true)]);
    const got = await rows(store, 'SELECT id, event_time, score, name, is_deleted FROM users ORDER BY event_time');
    expect(got).toEqual([
      { id: 1, event_time: T0 / 1000, score: 0.5, name: 'u1', is_deleted: false },
      { id: 1, event_time: (T0 + 5000) / 1000, score: null, name: null, is_deleted: true },
    ]);
  });

  it('turns values that do not convert into nulls', async () => {
    const { store } = await setup();
    await store.append(users, [row({ id: '1.5', event_time: String(T0 / 1000), score: 'abc', name: '' }, T0), row({ id: ' 7 ', score: '1e3' }, T0)]);
    expect(await rows(store, 'SELECT id, score, name FROM users ORDER BY id NULLS FIRST')).toEqual([
      { id: null, score: null, name: '' },
      { id: 7, score: 1000, name: null },
    ]);
  });

  it('reads older files that lack a later-added definition as NULL', async () => {
    const { store } = await setup();
    await store.append(users, [userRow(1, T0)]);
    const evolved = group('users', [...usersDefs, { FeatureName: 'city', FeatureType: 'String' }, { FeatureName: 'age', FeatureType: 'Integral' }]);
    // No file has the new columns yet: typed NULLs.
    const before = await store.query('SELECT id, city, age FROM users', [evolved]);
    expect(tableToRows(before.table)).toEqual([{ id: 1, city: null, age: null }]);
    expect(before.sqlTypes).toEqual(['BIGINT', 'VARCHAR', 'BIGINT']);
    await store.append(evolved, [row({ id: '2', event_time: String(T0 / 1000), city: 'Oslo', age: '41' }, T0)]);
    expect(await rows(store, 'SELECT id, city, age FROM users ORDER BY id', [evolved])).toEqual([
      { id: 1, city: null, age: null },
      { id: 2, city: 'Oslo', age: 41 },
    ]);
  });

  it('gives an empty group an empty view with the right types', async () => {
    const { store } = await setup();
    const result = await store.query('SELECT * FROM users_1700000000', [users]);
    expect(result.table.length).toBe(0);
    expect(result.sqlTypes).toEqual(['BIGINT', 'DOUBLE', 'DOUBLE', 'VARCHAR', 'TIMESTAMP', 'TIMESTAMP', 'BOOLEAN']);
  });

  it('rewrites the same object when a flush is retried after its upload', async () => {
    let failAfterUpload = true;
    const { store } = await setup({}, (inner) => {
      const wrapped = Object.create(inner) as ObjectStore;
      wrapped.putFile = async (key, path) => {
        await inner.putFile(key, path);
        if (failAfterUpload) {
          failAfterUpload = false;
          throw new Error('crash after upload');
        }
      };
      return wrapped;
    });
    await store.append(users, [userRow(1, T0), userRow(2, T0)]);
    expect(await code(store.flush())).toBe('Error: crash after upload');
    const first = (await store.listFiles(users)).map((f) => f.key);
    expect(first).toHaveLength(1);
    await store.append(users, [userRow(3, T0)]);
    expect(await store.flush()).toBe(3);
    const after = (await store.listFiles(users)).map((f) => f.key);
    expect(after).toHaveLength(2);
    expect(after).toContain(first[0]);
    expect(await rows(store, 'SELECT id, count(*) AS n FROM users GROUP BY id ORDER BY id')).toEqual([
      { id: 1, n: 1 },
      { id: 2, n: 1 },
      { id: 3, n: 1 },
    ]);
  });

  it('forgets the spool of a dropped group', async () => {
    const { store } = await setup();
    await store.append(users, [userRow(1, T0), userRow(2, T0)]);
    expect(await store.dropSpool('users')).toBe(2);
    expect(await store.flush()).toBe(0);
    expect(await store.listFiles(users)).toEqual([]);
  });

  it('flushes everything on close', async () => {
    const { store, make } = await setup();
    await store.append(users, [userRow(1, T0)]);
    await store.close();
    expect(await code(store.append(users, [userRow(2, T0)]))).toMatch(/closed/);
    const again = make();
    expect(await again.listFiles(users)).toHaveLength(1);
  });
});

describe('OfflineStore queries', () => {
  const students = group('students', [
    { FeatureName: 'index', FeatureType: 'Integral' },
    { FeatureName: 'event_time', FeatureType: 'Fractional' },
    { FeatureName: 'approved', FeatureType: 'Integral' },
    { FeatureName: 'sex', FeatureType: 'String' },
    { FeatureName: 'math', FeatureType: 'Fractional' },
    { FeatureName: 'science', FeatureType: 'Fractional' },
    { FeatureName: 'technology', FeatureType: 'Fractional' },
    { FeatureName: 'random1', FeatureType: 'Fractional' },
    { FeatureName: 'random2', FeatureType: 'Fractional' },
  ]);
  const table = `students_1700000000`;

  async function loadStudents(store: OfflineStore): Promise<void> {
    const n = 1000;
    const index = new Float64Array(n);
    const event = new Float64Array(n);
    const eventMs = new Float64Array(n);
    const num = (f: (i: number) => number) => Float64Array.from({ length: n }, (_, i) => f(i));
    for (let i = 0; i < n; i++) {
      index[i] = i;
      eventMs[i] = T0 + i * 1000;
      event[i] = eventMs[i]! / 1000;
    }
    await store.writeColumns(
      students,
      {
        length: n,
        columns: [
          { name: 'index', type: 'int', values: index },
          { name: 'event_time', type: 'float', values: event },
          { name: 'approved', type: 'int', values: num((i) => i % 2) },
          { name: 'sex', type: 'string', values: Array.from({ length: n }, (_, i) => (i % 3 === 0 ? 'F' : 'M')) },
          { name: 'math', type: 'float', values: num((i) => i * 0.5) },
          { name: 'science', type: 'float', values: num((i) => i * 0.25) },
          { name: 'technology', type: 'float', values: num((i) => 100 - i * 0.1) },
          { name: 'random1', type: 'float', values: num((i) => (i * 7919) % 1000) },
          { name: 'random2', type: 'float', values: num((i) => (i * 104729) % 997) },
        ],
      },
      { eventTimeMs: eventMs, writeTimeMs: T0 + HOUR, apiInvocationTimeMs: T0 + HOUR },
    );
    // Later versions of records 0..9 (index 0..4 then deleted), one in the future.
    const later = (i: number, ms: number, math: number): OfflineRow => row({ index: String(i), event_time: String(ms / 1000), math: String(math) }, ms);
    await store.append(students, [
      ...Array.from({ length: 10 }, (_, i) => later(i, T0 + 2 * HOUR + i, 1000 + i)),
      ...Array.from({ length: 5 }, (_, i) => row({ index: String(i), event_time: String((T0 + 3 * HOUR) / 1000) }, T0 + 3 * HOUR, true)),
      later(999, Date.UTC(2031, 0, 1), -1),
    ]);
  }

  it('runs the SageMaker recipe queries, including the Fractional point-in-time query', async () => {
    const { store } = await setup();
    await loadStudents(store);
    const first = await store.query(`SELECT approved, sex, math, science, technology, random1, random2 FROM "${table}" ORDER BY index ASC LIMIT 600`, [students]);
    expect(first.table.length).toBe(600);
    expect(first.sqlTypes).toEqual(['BIGINT', 'VARCHAR', 'DOUBLE', 'DOUBLE', 'DOUBLE', 'DOUBLE', 'DOUBLE']);

    const next = await rows(store, `SELECT index, approved, sex, math FROM "${table}" WHERE index > 600 ORDER BY index ASC LIMIT 200`, [students]);
    expect(next).toHaveLength(200);
    expect(next[0]).toEqual({ index: 601, approved: 1, sex: 'M', math: 300.5 });
    expect(next[199]!.index).toBe(800);

    const pit = await rows(
      store,
      `SELECT * FROM (SELECT *, row_number() OVER (PARTITION BY index ORDER BY event_time desc) AS row_num FROM "${table}" ` +
        `where event_time <= timestamp '2030-01-01 00:00:00') WHERE row_num = 1 and NOT is_deleted`,
      [students],
    );
    expect(pit).toHaveLength(995);
    const byIndex = new Map(pit.map((r) => [r.index, r]));
    expect(byIndex.has(0)).toBe(false);
    expect(byIndex.get(5)!.math).toBe(1005);
    expect(byIndex.get(10)!.math).toBe(5);
    expect(byIndex.get(999)!.math).toBe(499.5);
  });

  it('runs CTEs, window functions and joins between two groups', async () => {
    const { store } = await setup();
    await loadStudents(store);
    await store.append(users, [userRow(5, T0), userRow(6, T0)]);
    const got = await rows(
      store,
      `WITH latest AS (
         SELECT index, math, row_number() OVER (PARTITION BY index ORDER BY event_time DESC) AS rn FROM students WHERE index BETWEEN 5 AND 7),
       s AS (SELECT index, math, rank() OVER (ORDER BY math DESC) AS r FROM latest WHERE rn = 1)
       SELECT u.id, u.name, s.math, s.r FROM users u JOIN s ON s.index = u.id ORDER BY u.id`,
      [students, users],
    );
    expect(got).toEqual([
      { id: 5, name: 'u5', math: 1005, r: 3 },
      { id: 6, name: 'u6', math: 1006, r: 2 },
    ]);
  });

  it('keeps the views of concurrent calls apart', async () => {
    const { store } = await setup();
    const other = { ...group('others', usersDefs), tableNames: ['users'] };
    await store.append(users, [userRow(1, T0)]);
    await store.append(other, [userRow(2, T0), userRow(3, T0)]);
    const results = await Promise.all(
      Array.from({ length: 8 }, (_, i) => store.query('SELECT count(*) AS n FROM users', [i % 2 ? other : users])),
    );
    expect(results.map((r) => tableToRows(r.table)[0]!.n)).toEqual([1, 2, 1, 2, 1, 2, 1, 2]);
  });

  it('rejects what the guard refuses and reports DuckDB errors as QUERY_FAILED', async () => {
    const { store } = await setup();
    expect(await code(store.query("COPY users TO '/tmp/x.csv'", [users]))).toBe('QUERY_REJECTED: only a single SELECT statement is allowed; got COPY');
    expect(await code(store.query("SELECT * FROM read_csv('/etc/passwd')", [users]))).toMatch(/^QUERY_REJECTED: table function read_csv\(\) is not allowed/);
    expect(await code(store.query('SELECT * FROM other', [users]))).toMatch(/^QUERY_REJECTED: unknown table "other"; the feature group tables are: users, users_1700000000/);
    expect(await code(store.query('SELECT nope FROM users', [users]))).toMatch(/^QUERY_FAILED: Binder Error: Referenced column "nope" not found/);
    expect(await code(store.query('SELECT FROM WHERE', [users]))).toMatch(/^QUERY_FAILED: .*syntax error/);
  });

  it('is sandboxed even for trusted sessions', async () => {
    const { store } = await setup();
    await store.append(users, [userRow(1, T0)]);
    const r = await code(store.session([users], (s) => s.run("SELECT * FROM read_csv('/etc/passwd')")));
    expect(r).toMatch(/^QUERY_REJECTED: Permission Error/);
    expect(await code(store.session([users], (s) => s.run('SET enable_external_access = true')))).toMatch(/locked/);
    const n = await store.session([users], async (s) => {
      await s.registerTable('entities', tableFromRows([{ id: 1 }, { id: 5 }]));
      return tableToRows((await s.run('SELECT e.id, u.name FROM entities e LEFT JOIN users u USING (id) ORDER BY e.id')).table);
    });
    expect(n).toEqual([
      { id: 1, name: 'u1' },
      { id: 5, name: null },
    ]);
  });

  it('exports query results to csv (with and without header), parquet and jsonl', async () => {
    const { store, objects } = await setup();
    await store.append(users, [userRow(1, T0), userRow(2, T0)]);
    const sql = 'SELECT id, name FROM users ORDER BY id -- trailing comment';
    const csv = await store.exportQuery(sql, [users], { format: 'csv', key: 'exports/a.csv' });
    expect(csv).toEqual({ key: 'exports/a.csv', uri: objects.uriOf('exports/a.csv'), rows: 2 });
    expect(new TextDecoder().decode(await objects.get('exports/a.csv'))).toBe('id,name\n1,u1\n2,u2\n');
    await store.exportQuery(sql + '\n;', [users], { format: 'csv', header: false, key: 'exports/b.csv' });
    expect(new TextDecoder().decode(await objects.get('exports/b.csv'))).toBe('1,u1\n2,u2\n');
    await store.exportQuery(sql, [users], { format: 'jsonl', key: 'exports/c.jsonl' });
    expect(await readFile(await objects.localPath('exports/c.jsonl'), 'utf8')).toBe('{"id":1,"name":"u1"}\n{"id":2,"name":"u2"}\n');
    const pq = await store.exportQuery(sql, [users], { format: 'parquet', key: 'exports/d.parquet' });
    expect(pq.rows).toBe(2);
    const path = await objects.localPath('exports/d.parquet');
    const back = await store.session([], (s) => s.run(`SELECT * FROM read_parquet('${path}') ORDER BY id`));
    expect(tableToRows(back.table)).toEqual([
      { id: 1, name: 'u1' },
      { id: 2, name: 'u2' },
    ]);
    expect(await code(store.exportQuery("SELECT * FROM read_text('/etc/passwd')", [users], { format: 'csv', key: 'exports/e.csv' }))).toMatch(
      /^QUERY_REJECTED/,
    );
    expect(await objects.exists('exports/e.csv')).toBe(false);
    expect(await code(store.exportQuery('SELECT 1', [users], { format: 'csv', key: '../escape.csv' }))).toMatch(/^VALIDATION_FAILED: key/);
  });
});
