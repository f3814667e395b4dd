import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tableToRows, type Column, type ColumnTable } from '../core/columns.js';
import { isPlatformError } from '../core/errors.js';
import { insertTable, quoteIdent, quoteLiteral, runToTable } from './duckdb-columns.js';
import { useRawVectorAccess } from './duckdb-raw.js';

let instance: DuckDBInstance;
let conn: DuckDBConnection;

beforeAll(async () => {
  instance = await DuckDBInstance.create(':memory:');
  conn = await instance.connect();
});

afterAll(() => {
  conn.closeSync();
  instance.closeSync();
});

function col(table: ColumnTable, name: string): Column {
  const c = table.columns.find((x) => x.name === name);
  if (c === undefined) throw new Error(`no column ${name}`);
  return c;
}

describe('quoting', () => {
  it('doubles quotes in identifiers and literals', async () => {
    expect(quoteIdent('a"b')).toBe('"a""b"');
    expect(quoteLiteral("it's")).toBe("'it''s'");
    const { table } = await runToTable(conn, `SELECT ${quoteLiteral("it's \\n")} AS ${quoteIdent('we"ird name')}`);
    expect(table.columns[0]!.name).toBe('we"ird name');
    expect(table.columns[0]!.values[0]).toBe("it's \\n");
  });
});

function sampleTable(n: number): ColumnTable {
  const ints = new Float64Array(n);
  const floats = new Float64Array(n);
  const times = new Float64Array(n);
  const bools = new Uint8Array(n);
  const valid = new Uint8Array(n);
  const strings: (string | null)[] = new Array(n);
  for (let i = 0; i < n; i++) {
    const isNull = i % 9 === 4;
    ints[i] = isNull ? NaN : (i - Math.floor(n / 2)) * 1_000_003_001;
    floats[i] = isNull ? NaN : i / 7 - 100;
    times[i] = isNull ? NaN : Date.UTC(2020, 0, 1) + i * 86_399_123.5;
    bools[i] = isNull ? 0 : i % 2;
    valid[i] = isNull ? 0 : 1;
    strings[i] = isNull ? null : i % 3 === 0 ? '' : `row ${i} ${'x'.repeat(i % 20)}`;
  }
  return {
    length: n,
    columns: [
      { name: 'i', type: 'int', values: ints },
      { name: 'f', type: 'float', values: floats },
      { name: 't', type: 'timestamp', values: times },
      { name: 'b', type: 'bool', values: bools, valid },
      { name: 's', type: 'string', values: strings },
    ],
  };
}

describe.each([
  ['raw buffers', true],
  ['public vector API', false],
])('through %s', (_label, raw) => {
  beforeAll(() => useRawVectorAccess(raw));
  afterAll(() => useRawVectorAccess(true));

  describe('runToTable', () => {
    it('maps every integer width to int and keeps nulls as NaN', async () => {
      const { table, sqlTypes } = await runToTable(
        conn,
        `SELECT * FROM (VALUES
          ((-128)::TINYINT, (-32768)::SMALLINT, (-2147483648)::INTEGER, (-9007199254740992)::BIGINT, 255::UTINYINT, 65535::USMALLINT, 4294967295::UINTEGER, 9007199254740992::UBIGINT, (-5)::HUGEINT, 7::UHUGEINT),
          (NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL)
        ) t(a, b, c, d, e, f, g, h, i, j)`,
      );
      expect(sqlTypes).toEqual(['TINYINT', 'SMALLINT', 'INTEGER', 'BIGINT', 'UTINYINT', 'USMALLINT', 'UINTEGER', 'UBIGINT', 'HUGEINT', 'UHUGEINT']);
      expect(table.columns.every((c) => c.type === 'int')).toBe(true);
      expect(tableToRows(table)).toEqual([
        { a: -128, b: -32768, c: -2147483648, d: -9007199254740992, e: 255, f: 65535, g: 4294967295, h: 9007199254740992, i: -5, j: 7 },
        { a: null, b: null, c: null, d: null, e: null, f: null, g: null, h: null, i: null, j: null },
      ]);
    });

    it('turns a BIGINT column past +/-2^53 into exact decimal strings, even when the big value comes late', async () => {
      const { table, sqlTypes } = await runToTable(
        conn,
        `SELECT CASE WHEN i = 9000 THEN 9223372036854775807 WHEN i = 9001 THEN -9223372036854775808 WHEN i % 7 = 0 THEN NULL ELSE i - 5000 END::BIGINT AS x,
                CASE WHEN i = 3 THEN 18446744073709551615 ELSE i END::UBIGINT AS u,
                CASE WHEN i = 5 THEN 170141183460469231731687303715884105727 ELSE -i END::HUGEINT AS h
         FROM range(10000) r(i) ORDER BY i`,
      );
      expect(sqlTypes).toEqual(['BIGINT', 'UBIGINT', 'HUGEINT']);
      const x = col(table, 'x');
      expect(x.type).toBe('string');
      expect(x.values[0]).toBe(null);
      expect(x.values[1]).toBe('-4999');
      expect(x.values[9000]).toBe('9223372036854775807');
      expect(x.values[9001]).toBe('-9223372036854775808');
      expect(x.values[8999]).toBe('3999');
      expect(col(table, 'u').values[3]).toBe('18446744073709551615');
      expect(col(table, 'u').values[4]).toBe('4');
      expect(col(table, 'h').values[5]).toBe('170141183460469231731687303715884105727');
      expect(col(table, 'h').values[6]).toBe('-6');
    });

    it('keeps 2^53 + 1 exact', async () => {
      const { table } = await runToTable(conn, `SELECT 9007199254740993::BIGINT AS x`);
      expect(table.columns[0]).toEqual({ name: 'x', type: 'string', values: ['9007199254740993'] });
    });

    it('maps FLOAT, DOUBLE and DECIMAL to float', async () => {
      const { table, sqlTypes } = await runToTable(
        conn,
        `SELECT * FROM (VALUES (1.5::FLOAT, 0.1::DOUBLE, 12.34::DECIMAL(10,2), 123456789012.345678::DECIMAL(30,6)), (NULL, NULL, NULL, NULL)) t(a, b, c, d)`,
      );
      expect(sqlTypes).toEqual(['FLOAT', 'DOUBLE', 'DECIMAL(10,2)', 'DECIMAL(30,6)']);
      expect(table.columns.map((c) => c.type)).toEqual(['float', 'float', 'float', 'float']);
      expect(tableToRows(table)).toEqual([
        { a: 1.5, b: 0.1, c: 12.34, d: 123456789012.345678 },
        { a: null, b: null, c: null, d: null },
      ]);
    });

    it('maps BOOLEAN to bool with a validity mask', async () => {
      const { table } = await runToTable(conn, `SELECT CASE WHEN i % 3 = 0 THEN NULL ELSE i % 2 = 0 END AS b FROM range(5000) r(i) ORDER BY i`);
      const b = table.columns[0]!;
      expect(b.type).toBe('bool');
      if (b.type !== 'bool') return;
      expect(b.values.length).toBe(5000);
      for (const i of [0, 1, 2, 3, 4, 4095, 4096, 4999]) {
        expect(b.valid[i]).toBe(i % 3 === 0 ? 0 : 1);
        if (i % 3 !== 0) expect(b.values[i]).toBe(i % 2 === 0 ? 1 : 0);
      }
    });

    it('maps every timestamp flavour and DATE to epoch ms, infinities included', async () => {
      const { table, sqlTypes } = await runToTable(
        conn,
        `SELECT * FROM (VALUES
          (TIMESTAMP '2024-01-02 03:04:05.678901', TIMESTAMPTZ '2024-01-02 03:04:05.5+00', TIMESTAMP_MS '2024-01-02 03:04:05.678', TIMESTAMP_S '2024-01-02 03:04:05', TIMESTAMP_NS '2024-01-02 03:04:05.123456789', DATE '2024-01-02'),
          (TIMESTAMP '1969-12-31 23:59:59.999', TIMESTAMPTZ '1900-01-01 00:00:00+00', TIMESTAMP_MS '1969-12-31 23:59:59.999', TIMESTAMP_S '1960-01-01 00:00:00', TIMESTAMP_NS '1969-12-31 23:59:59.999', DATE '1960-01-01'),
          ('infinity'::TIMESTAMP, '-infinity'::TIMESTAMPTZ, NULL, NULL, NULL, 'infinity'::DATE),
          (NULL, NULL, NULL, NULL, NULL, NULL)
        ) t(ts, tz, ms, s, ns, d)`,
      );
      expect(sqlTypes).toEqual(['TIMESTAMP', 'TIMESTAMP WITH TIME ZONE', 'TIMESTAMP_MS', 'TIMESTAMP_S', 'TIMESTAMP_NS', 'DATE']);
      expect(table.columns.every((c) => c.type === 'timestamp')).toBe(true);
      const rows = tableToRows(table);
      const base = Date.UTC(2024, 0, 2, 3, 4, 5);
      expect(rows[0]!.ts).toBeCloseTo(base + 678.901, 6);
      expect(rows[0]).toMatchObject({ tz: base + 500, ms: base + 678, s: base, d: Date.UTC(2024, 0, 2) });
      expect(rows[0]!.ns).toBeCloseTo(base + 123.456789, 3);
      expect(rows[1]).toMatchObject({ ts: -1, tz: Date.UTC(1900, 0, 1), ms: -1, s: Date.UTC(1960, 0, 1), ns: -1, d: Date.UTC(1960, 0, 1) });
      expect(rows[2]).toMatchObject({ ts: Infinity, tz: -Infinity, d: Infinity });
      expect(Object.values(rows[3]!)).toEqual([null, null, null, null, null, null]);
    });

    it('keeps whole-millisecond nanosecond timestamps exact', async () => {
      const { table } = await runToTable(conn, `SELECT TIMESTAMP_NS '2024-05-06 07:08:09.123' AS x`);
      expect(table.columns[0]!.values[0]).toBe(Date.UTC(2024, 4, 6, 7, 8, 9, 123));
    });

    it('reads VARCHAR of every length, repeated or not, across many chunks', async () => {
      const { table } = await runToTable(
        conn,
        `SELECT CASE WHEN i % 11 = 0 THEN NULL WHEN i % 11 = 1 THEN '' ELSE 'c' || (i % 13) END AS short,
                'a longer value that is not inlined #' || (i % 5) AS long_repeated,
                'unique-' || i AS mixed,
                CASE WHEN i % 2 = 0 THEN 'héllo ' || (i % 3) ELSE '日本語テキスト' || i END AS unicode
         FROM range(20000) r(i) ORDER BY i`,
      );
      const [short, long, mixed, unicode] = table.columns as [Column, Column, Column, Column];
      expect(table.length).toBe(20000);
      for (let i = 0; i < 20000; i += 997) {
        expect(short.values[i]).toBe(i % 11 === 0 ? null : i % 11 === 1 ? '' : `c${i % 13}`);
        expect(long.values[i]).toBe(`a longer value that is not inlined #${i % 5}`);
        expect(mixed.values[i]).toBe(`unique-${i}`);
        expect(unicode.values[i]).toBe(i % 2 === 0 ? `héllo ${i % 3}` : `日本語テキスト${i}`);
      }
      expect(new Set(short.values as (string | null)[]).size).toBe(15);
    });

    it('gives other types their string form', async () => {
      const { table, sqlTypes } = await runToTable(
        conn,
        `SELECT [1, 2] AS l, {'a': 1} AS s, '00000000-0000-0000-0000-000000000001'::UUID AS u, INTERVAL 1 DAY AS iv, TIME '10:11:12' AS t, 'x'::BLOB AS e`,
      );
      expect(sqlTypes).toEqual(['INTEGER[]', 'STRUCT("a" INTEGER)', 'UUID', 'INTERVAL', 'TIME', 'BLOB']);
      expect(table.columns.every((c) => c.type === 'string')).toBe(true);
      expect(tableToRows(table)[0]).toEqual({ l: '[1, 2]', s: "{'a': 1}", u: '00000000-0000-0000-0000-000000000001', iv: '1 day', t: '10:11:12', e: 'x' });
    });

    it('returns a 0-row table with typed columns for an empty result', async () => {
      const { table, sqlTypes } = await runToTable(conn, `SELECT 1::BIGINT AS a, 'x' AS b, true AS c FROM range(0)`);
      expect(table.length).toBe(0);
      expect(sqlTypes).toEqual(['BIGINT', 'VARCHAR', 'BOOLEAN']);
      expect(table.columns.map((c) => [c.name, c.type, c.values.length])).toEqual([
        ['a', 'int', 0],
        ['b', 'string', 0],
        ['c', 'bool', 0],
      ]);
    });

    it('renames repeated column names', async () => {
      const { table } = await runToTable(conn, `SELECT 1 AS a, 2 AS a`);
      expect(table.columns.map((c) => c.name)).toEqual(['a', 'a:1']);
    });
  });

  describe('insertTable', () => {
    it('round-trips every column type with nulls across several chunks', async () => {
      const table = sampleTable(5000);
      await insertTable(conn, 'round_trip', table);
      const { table: back, sqlTypes } = await runToTable(conn, 'SELECT * FROM round_trip');
      expect(sqlTypes).toEqual(['BIGINT', 'DOUBLE', 'TIMESTAMP', 'BOOLEAN', 'VARCHAR']);
      expect(back).toEqual(table);
    });

    it('keeps integers exact up to 2^53 and the full BIGINT range edge cases', async () => {
      const values = new Float64Array([2 ** 53, -(2 ** 53), 2 ** 62, -(2 ** 63), 0, -0, -1, 4294967295, 4294967296, -4294967297]);
      await insertTable(conn, 'edges', { length: values.length, columns: [{ name: 'x', type: 'int', values }] });
      const { table } = await runToTable(conn, 'SELECT x::VARCHAR AS s FROM edges');
      expect(table.columns[0]!.values).toEqual([
        '9007199254740992',
        '-9007199254740992',
        '4611686018427387904',
        '-9223372036854775808',
        '0',
        '0',
        '-1',
        '4294967295',
        '4294967296',
        '-4294967297',
      ]);
    });

    it('writes ms timestamps, fractions of a ms and infinities', async () => {
      const values = new Float64Array([0, 1.5, -1.25, Date.UTC(2024, 1, 29, 12), Infinity, -Infinity, NaN]);
      await insertTable(conn, 'times', { length: values.length, columns: [{ name: 't', type: 'timestamp', values }] });
      const { table } = await runToTable(conn, 'SELECT t::VARCHAR AS s FROM times');
      expect(table.columns[0]!.values).toEqual([
        '1970-01-01 00:00:00',
        '1970-01-01 00:00:00.0015',
        '1969-12-31 23:59:59.99875',
        '2024-02-29 12:00:00',
        'infinity',
        '-infinity',
        null,
      ]);
    });

    it('applies sqlTypes overrides, directly or through a CAST', async () => {
      const table = sampleTable(3000);
      await insertTable(conn, 'typed', table, {
        sqlTypes: { i: 'HUGEINT', f: 'DECIMAL(12,3)', t: 'TIMESTAMP WITH TIME ZONE', b: 'BOOLEAN', s: 'VARCHAR' },
      });
      const { table: back, sqlTypes } = await runToTable(conn, 'SELECT * FROM typed');
      expect(sqlTypes).toEqual(['HUGEINT', 'DECIMAL(12,3)', 'TIMESTAMP WITH TIME ZONE', 'BOOLEAN', 'VARCHAR']);
      expect(col(back, 'i')).toEqual(col(table, 'i'));
      expect(col(back, 't')).toEqual(col(table, 't'));
      const f = col(back, 'f').values as Float64Array;
      const expected = col(table, 'f').values as Float64Array;
      for (let i = 0; i < 3000; i++) {
        if (Number.isNaN(expected[i]!)) expect(f[i]).toBeNaN();
        else expect(f[i]).toBeCloseTo(expected[i]!, 3);
      }
    });

    it('reads number columns as epoch ms when the target is a time type', async () => {
      const ms = Date.UTC(2024, 2, 3, 4, 5, 6, 789);
      await insertTable(
        conn,
        'as_time',
        {
          length: 1,
          columns: [
            { name: 'a', type: 'int', values: new Float64Array([ms]) },
            { name: 'b', type: 'float', values: new Float64Array([ms]) },
            { name: 'c', type: 'timestamp', values: new Float64Array([ms]) },
            { name: 'd', type: 'timestamp', values: new Float64Array([ms]) },
          ],
        },
        { sqlTypes: { a: 'TIMESTAMP', b: 'TIMESTAMP_MS', c: 'DATE', d: 'TIMESTAMP_NS' } },
      );
      const { table } = await runToTable(conn, 'SELECT a::VARCHAR, b::VARCHAR, c::VARCHAR, d::VARCHAR FROM as_time');
      expect(table.columns.map((c) => c.values[0])).toEqual([
        '2024-03-03 04:05:06.789',
        '2024-03-03 04:05:06.789',
        '2024-03-03',
        '2024-03-03 04:05:06.789',
      ]);
    });

    it('creates TEMP tables, replaces existing ones and handles 0 rows', async () => {
      await insertTable(conn, 'tmp_t', sampleTable(10), { temporary: true });
      await insertTable(conn, 'tmp_t', sampleTable(0), { temporary: true });
      const { table } = await runToTable(conn, `SELECT count(*) AS n, any_value(temporary) AS temp FROM duckdb_tables() WHERE table_name = 'tmp_t'`);
      expect(tableToRows(table)).toEqual([{ n: 1, temp: true }]);
      expect((await runToTable(conn, 'SELECT * FROM temp.main.tmp_t')).table.length).toBe(0);
    });

    it('writes the persistent table even when a TEMP table shadows its name', async () => {
      await insertTable(conn, 'shadowed', sampleTable(3), { temporary: true });
      await insertTable(conn, 'shadowed', sampleTable(7));
      expect((await runToTable(conn, 'SELECT * FROM memory.main.shadowed')).table.length).toBe(7);
      expect((await runToTable(conn, 'SELECT * FROM temp.main.shadowed')).table.length).toBe(3);
    });

    it('refuses bad input with errors naming the field and value', async () => {
      const frac: ColumnTable = { length: 2, columns: [{ name: 'n', type: 'int', values: new Float64Array([1, 1.5]) }] };
      await expect(insertTable(conn, 'bad', frac)).rejects.toThrow(/n\[1\]: got 1\.5, expected an integer/);
      // The half-built table is dropped.
      expect((await runToTable(conn, `SELECT count(*) AS n FROM duckdb_tables() WHERE table_name = 'bad'`)).table.columns[0]!.values[0]).toBe(0);

      const t = sampleTable(2);
      const error = await insertTable(conn, 'bad', t, { sqlTypes: { nope: 'BIGINT' } }).catch((e: unknown) => e);
      expect(isPlatformError(error) && error.code).toBe('VALIDATION_FAILED');
      expect(String(error)).toMatch(/sqlTypes\.nope/);
      await expect(insertTable(conn, 'bad', t, { sqlTypes: { i: 'BIGINT; DROP TABLE x' } })).rejects.toThrow(/sqlTypes\.i/);
      const dup: ColumnTable = {
        length: 0,
        columns: [
          { name: 'A', type: 'int', values: new Float64Array(0) },
          { name: 'a', type: 'int', values: new Float64Array(0) },
        ],
      };
      await expect(insertTable(conn, 'bad', dup)).rejects.toThrow(/columns\[1\]\.name/);
      await expect(insertTable(conn, 'bad', { length: 0, columns: [] })).rejects.toThrow(/at least one column/);
    });
  });
});
