import { mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ColumnTable } from '../core/columns.js';
import { createRandom } from '../core/random.js';
import { readTable } from './read-table.js';
import { tableToCsv, writeTable } from './write-table.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'plumbline-write-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** Every column type, with nulls, in values that read back as the same types. */
function typicalTable(n: number): ColumnTable {
  const ints = new Float64Array(n);
  const floats = new Float64Array(n);
  const times = new Float64Array(n);
  const bools = new Uint8Array(n);
  const valid = new Uint8Array(n);
  const strings: (string | null)[] = new Array(n);
  for (let i = 0; i < n; i++) {
    const isNull = i % 5 === 3;
    ints[i] = isNull ? NaN : (i - 40) * 123_456_789_011;
    floats[i] = isNull ? NaN : i % 4 === 0 ? i : i / 3 - 7.25;
    times[i] = isNull ? NaN : Date.UTC(2023, 11, 31, 23, 59, 59, 999) + i * 3_600_007;
    bools[i] = isNull ? 0 : i % 2;
    valid[i] = isNull ? 0 : 1;
    strings[i] = isNull ? null : i % 7 === 0 ? 'with, comma' : i % 7 === 1 ? 'say "hi"' : `name ${i}`;
  }
  return {
    length: n,
    columns: [
      { name: 'id', type: 'int', values: ints },
      { name: 'score', type: 'float', values: floats },
      { name: 'at', type: 'timestamp', values: times },
      { name: 'ok', type: 'bool', values: bools, valid },
      { name: 'label', type: 'string', values: strings },
    ],
  };
}

/** Awkward values: special floats, huge ints, sub-ms timestamps, empty and multi-line strings. */
function awkwardTable(n: number): ColumnTable {
  const random = createRandom(7);
  const bits = new Float64Array(1);
  const words = new Uint32Array(bits.buffer);
  const floats = new Float64Array(n);
  const ints = new Float64Array(n);
  const times = new Float64Array(n);
  const strings: (string | null)[] = new Array(n);
  for (let i = 0; i < n; i++) {
    words[0] = random.uint32();
    words[1] = random.uint32();
    const kind = i % 5;
    floats[i] =
      kind === 0 && Number.isFinite(bits[0]!) ? bits[0]! : kind === 1 ? random.next() * 10 ** random.int(-30, 30) : kind === 2 ? random.int(-1e6, 1e6) / 1000 : random.int(-1e6, 1e6);
    ints[i] = i % 11 === 0 ? NaN : random.int(-(2 ** 52), 2 ** 52) * (i % 2 ? 1 : 2);
    times[i] = i % 13 === 0 ? NaN : random.int(-5e12, 5e12) + (i % 3 === 0 ? random.int(0, 999) / 1000 : 0);
    strings[i] = i % 6 === 0 ? null : i % 6 === 1 ? '' : i % 6 === 2 ? 'a,"b"\nc\r' : `ü ${i}`;
  }
  floats.set([NaN, Infinity, -Infinity, -0, 1e16, 1e-5, 1e-4, 1e15]);
  times.set([Infinity, -Infinity], 1);
  return {
    length: n,
    columns: [
      { name: 'f', type: 'float', values: floats },
      { name: 'i', type: 'int', values: ints },
      { name: 'needs "quotes", here', type: 'timestamp', values: times },
      { name: 's', type: 'string', values: strings },
      { name: 'b', type: 'bool', values: Uint8Array.from({ length: n }, (_, i) => i % 2), valid: Uint8Array.from({ length: n }, (_, i) => (i % 3 ? 1 : 0)) },
    ],
  };
}

describe('tableToCsv and writeTable', () => {
  it('give identical bytes, with and without a header', async () => {
    const table = awkwardTable(5000);
    for (const header of [true, false]) {
      const path = join(dir, `same-${header}.csv`);
      await writeTable(table, path, { header });
      expect((await readFile(path, 'utf8')) === tableToCsv(table, { header })).toBe(true);
    }
    const single: ColumnTable = { length: 3, columns: [{ name: 'x', type: 'string', values: ['a', null, ''] }] };
    await writeTable(single, join(dir, 'single.csv'));
    expect(await readFile(join(dir, 'single.csv'), 'utf8')).toBe(tableToCsv(single));
    expect(tableToCsv(single)).toBe('x\na\n\n""\n');
  });

  it('write ints without a decimal point and floats in repr form', () => {
    const table: ColumnTable = {
      length: 2,
      columns: [
        { name: 'n', type: 'int', values: new Float64Array([1, NaN]) },
        { name: 'x', type: 'float', values: new Float64Array([1, 0.1]) },
        { name: 'b', type: 'bool', values: new Uint8Array([1, 0]), valid: new Uint8Array([1, 1]) },
        { name: 't', type: 'timestamp', values: new Float64Array([Date.UTC(2024, 0, 1), NaN]) },
      ],
    };
    expect(tableToCsv(table)).toBe('n,x,b,t\n1,1.0,true,2024-01-01 00:00:00\n,0.1,false,\n');
  });

  it('refuse a fraction in an int column', async () => {
    const table: ColumnTable = { length: 1, columns: [{ name: 'n', type: 'int', values: new Float64Array([2.5]) }] };
    expect(() => tableToCsv(table)).toThrow(/n\[0\]: got 2\.5, expected an integer/);
    await expect(writeTable(table, join(dir, 'frac.csv'))).rejects.toThrow(/n\[0\]: got 2\.5, expected an integer/);
  });
});

describe('round trips', () => {
  it('table -> CSV -> table', async () => {
    const table = typicalTable(300);
    const path = join(dir, 'typical.csv');
    await writeTable(table, path);
    expect(await readTable(path)).toEqual(table);
  });

  it('table -> Parquet -> table -> CSV -> table', async () => {
    const table = typicalTable(3000);
    await writeTable(table, join(dir, 'typical.parquet'));
    const fromParquet = await readTable(join(dir, 'typical.parquet'));
    expect(fromParquet).toEqual(table);
    await writeTable(fromParquet, join(dir, 'from-parquet.csv'));
    expect(await readTable(join(dir, 'from-parquet.csv'))).toEqual(table);
  });

  it('keeps awkward values exactly through Parquet', async () => {
    const table = awkwardTable(3000);
    const path = join(dir, 'awkward.parquet');
    await writeTable(table, path);
    const back = await readTable(path);
    // Timestamps travel in whole microseconds.
    const t = table.columns[2]!.values as Float64Array;
    const rounded = t.map((v) => (Number.isFinite(v) ? Math.round(v * 1000) / 1000 : v));
    const expected = { ...table, columns: table.columns.map((c, i) => (i === 2 ? { ...c, values: rounded } : c)) };
    const bool = expected.columns[4]!;
    if (bool.type === 'bool') bool.values = bool.values.map((v, i) => (bool.valid[i] ? v : 0));
    expect(back).toEqual(expected);
  });

  it('table -> JSON Lines -> table', async () => {
    const table = typicalTable(50);
    const path = join(dir, 'typical.jsonl');
    await writeTable(table, path);
    const first = (await readFile(path, 'utf8')).split('\n')[0]!;
    expect(JSON.parse(first)).toMatchObject({ id: -4938271560440, score: 0, ok: false, label: 'with, comma' });
    const back = await readTable(path);
    expect(back.columns.map((c) => [c.name, c.type])).toEqual(table.columns.map((c) => [c.name, c.type]));
    expect(back).toEqual(table);
  });

  it('table -> .csv.gz -> table', async () => {
    const table = typicalTable(100);
    const path = join(dir, 'typical.csv.gz');
    await writeTable(table, path);
    const bytes = await readFile(path);
    expect([bytes[0], bytes[1]]).toEqual([0x1f, 0x8b]);
    expect(await readTable(path)).toEqual(table);
  });
});

describe('writeTable', () => {
  it('replaces the target atomically and leaves no temp files, even on failure', async () => {
    const sub = join(dir, 'atomic', 'nested');
    const path = join(sub, 'out.csv');
    await writeTable(typicalTable(5), path);
    await writeTable(typicalTable(3), path);
    expect((await readTable(path)).length).toBe(3);
    const before = await readFile(path, 'utf8');
    const bad: ColumnTable = { length: 1, columns: [{ name: 'n', type: 'int', values: new Float64Array([0.5]) }] };
    await expect(writeTable(bad, path)).rejects.toThrow(/expected an integer/);
    expect(await readFile(path, 'utf8')).toBe(before);
    expect(await readdir(sub)).toEqual(['out.csv']);
  });

  it('refuses unknown formats and empty tables', async () => {
    await expect(writeTable(typicalTable(1), join(dir, 'x.txt'))).rejects.toThrow(/target: got ".*x\.txt", expected a file ending in \.csv/);
    await expect(writeTable(typicalTable(1), join(dir, 'x.txt'), { format: 'xml' as 'csv' })).rejects.toThrow(/format: got "xml"/);
    await expect(writeTable({ length: 0, columns: [] }, join(dir, 'x.csv'))).rejects.toThrow(/at least one column/);
    await writeFile(join(dir, 'x.txt'), '');
    await writeTable(typicalTable(2), join(dir, 'x.txt'), { format: 'csv' });
    expect((await readFile(join(dir, 'x.txt'), 'utf8')).split('\n')[0]).toBe('id,score,at,ok,label');
  });
});
