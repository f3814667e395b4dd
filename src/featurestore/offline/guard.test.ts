import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isPlatformError } from '../../core/errors.js';
import type { OfflineGroup } from '../model.js';
import { guardQuery, statementKeywords } from './guard.js';

const fractional: OfflineGroup = {
  name: 'students',
  tableNames: ['students', 'students_1700000000'],
  dataPrefix: 'offline-store/students-1700000000/data',
  recordIdentifierName: 'index',
  eventTimeFeatureName: 'event_time',
  eventTimeType: 'Fractional',
  definitions: [
    { FeatureName: 'index', FeatureType: 'Integral' },
    { FeatureName: 'event_time', FeatureType: 'Fractional' },
    { FeatureName: 'math', FeatureType: 'Fractional' },
  ],
};
const stringTime: OfflineGroup = {
  name: 'orders',
  tableNames: ['orders'],
  dataPrefix: 'offline-store/orders-1700000000/data',
  recordIdentifierName: 'order_id',
  eventTimeFeatureName: 'ts',
  eventTimeType: 'String',
  definitions: [
    { FeatureName: 'order_id', FeatureType: 'String' },
    { FeatureName: 'ts', FeatureType: 'String' },
  ],
};

let db: DuckDBInstance;
let conn: DuckDBConnection;

beforeAll(async () => {
  db = await DuckDBInstance.create(':memory:');
  conn = await db.connect();
});
afterAll(() => {
  conn.closeSync();
  db.closeSync();
});

async function rejection(sql: string): Promise<{ code: string; message: string }> {
  try {
    await guardQuery(conn, sql, [fractional, stringTime]);
  } catch (e) {
    if (isPlatformError(e)) return { code: e.code, message: e.message };
    throw e;
  }
  throw new Error(`expected ${sql} to be rejected`);
}

describe('offline SQL guard', () => {
  it.each([
    ["COPY students TO '/tmp/x.csv'", 'got COPY'],
    ["ATTACH '/tmp/x.duckdb' AS x", 'got ATTACH'],
    ['INSTALL httpfs', 'got INSTALL'],
    ['PRAGMA version', 'got PRAGMA'],
    ['CREATE TABLE t AS SELECT 1', 'got CREATE'],
    ['INSERT INTO students VALUES (1)', 'got INSERT'],
    ["SELECT 1; COPY students TO '/tmp/x'", 'got COPY'],
    ['SELECT 1; SELECT 2', 'got 2 statements'],
    ['', 'got an empty query'],
  ])('rejects %s', async (sql, expected) => {
    const r = await rejection(sql);
    expect(r.code).toBe('QUERY_REJECTED');
    expect(r.message).toContain('only a single SELECT statement is allowed');
    expect(r.message).toContain(expected);
  });

  it.each([
    ["SELECT * FROM read_csv('/etc/passwd')", 'table function read_csv()'],
    ["SELECT * FROM read_text('/etc/passwd')", 'table function read_text()'],
    ["SELECT * FROM glob('/etc/*')", 'table function glob()'],
    ["SELECT * FROM students WHERE index IN (SELECT * FROM query_table('x'))", 'table function query_table()'],
    ["SELECT current_setting('allowed_directories')", 'function current_setting()'],
    ["SELECT getenv('HOME')", 'function getenv()'],
    ['SELECT * FROM secrets', 'unknown table "secrets"'],
    ["FROM '/etc/passwd'", 'unknown table "/etc/passwd"'],
    ['SELECT * FROM main.students', 'table main.students is not allowed'],
    ['SHOW TABLES', 'SHOW tables is not allowed'],
  ])('rejects %s', async (sql, expected) => {
    const r = await rejection(sql);
    expect(r.code).toBe('QUERY_REJECTED');
    expect(r.message).toContain(expected);
  });

  it('reports syntax errors as QUERY_FAILED', async () => {
    const r = await rejection('SELEC 1');
    expect(r.code).toBe('QUERY_FAILED');
    expect(r.message).toMatch(/syntax error/);
  });

  it('passes CTEs (also recursive and nested), window functions, joins, DESCRIBE and VALUES unchanged', async () => {
    const ok = [
      'WITH latest AS (SELECT *, row_number() OVER (PARTITION BY index ORDER BY event_time DESC) AS rn FROM students) ' +
        'SELECT l.index, o.order_id FROM latest l JOIN orders o ON o.order_id = CAST(l.index AS VARCHAR) WHERE rn = 1',
      'WITH RECURSIVE r(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM r WHERE n < 3) SELECT * FROM r',
      'SELECT * FROM (WITH x AS (SELECT 1 AS a) SELECT * FROM x) JOIN STUDENTS_1700000000 ON true',
      'DESCRIBE students',
      'SELECT * FROM (VALUES (1), (2)) v(a)',
    ];
    for (const sql of ok) expect(await guardQuery(conn, sql, [fractional, stringTime])).toBe(sql);
  });

  it('scopes CTE names to their query', async () => {
    const r = await rejection('SELECT * FROM (WITH x AS (SELECT 1) SELECT * FROM x), x');
    expect(r.message).toContain('unknown table "x"');
  });

  it('wraps timestamps compared with a Fractional event time in epoch()', async () => {
    const sql =
      'SELECT * FROM (SELECT *, row_number() OVER (PARTITION BY index ORDER BY event_time desc) AS row_num FROM "students_1700000000" ' +
      "where event_time <= timestamp '2030-01-01 00:00:00') WHERE row_num = 1 and NOT is_deleted";
    const out = await guardQuery(conn, sql, [fractional]);
    expect(out).toContain("event_time <= epoch(CAST('2030-01-01 00:00:00' AS TIMESTAMP))");
    const between = await guardQuery(conn, "SELECT * FROM students WHERE event_time BETWEEN timestamp '2020-01-01' AND now()", [fractional]);
    expect(between).toContain("BETWEEN epoch(CAST('2020-01-01' AS TIMESTAMP)) AND epoch(now())");
    // Numbers compare as they are; 64-bit constants survive the round trip through JSON.
    const plain = await guardQuery(conn, 'SELECT * FROM students WHERE event_time > 1700000000 AND index <> 9223372036854775807', [fractional]);
    expect(plain).toBe('SELECT * FROM students WHERE event_time > 1700000000 AND index <> 9223372036854775807');
    const both = await guardQuery(conn, "SELECT * FROM students WHERE timestamp '2030-01-01' > event_time AND index <> 9223372036854775807", [fractional]);
    expect(both).toContain('9223372036854775807');
    expect(both).toContain("epoch(CAST('2030-01-01' AS TIMESTAMP)) > event_time");
  });

  it('casts a String event time to TIMESTAMP when compared with a timestamp', async () => {
    const out = await guardQuery(conn, "SELECT * FROM orders WHERE ts <= timestamp '2030-01-01'", [stringTime]);
    expect(out).toContain("TRY_CAST(ts AS TIMESTAMP) <= CAST('2030-01-01' AS TIMESTAMP)");
  });

  it('finds statement keywords past comments and strings', () => {
    expect(statementKeywords("-- x;\n/* y; */ select ';'; (copy t to 'a;b')")).toEqual(['SELECT', 'COPY']);
  });
});
