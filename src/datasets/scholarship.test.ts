import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ColumnTable } from '../core/columns.js';
import { readTable } from '../table/read-table.js';
import { tableToCsv } from '../table/write-table.js';
import { DEFAULT_EVENT_TIME, SCHOLARSHIP_COLUMNS, generateScholarship, writeScholarship } from './index.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'plumbline-scholarship-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

function values(table: ColumnTable, name: string): Float64Array {
  const c = table.columns.find((x) => x.name === name);
  if (c === undefined || c.type === 'string' || c.type === 'bool') throw new Error(`no numeric column ${name}`);
  return c.values;
}

function count(a: Float64Array, predicate: (v: number) => boolean): number {
  let n = 0;
  for (const v of a) if (predicate(v)) n++;
  return n;
}

describe('generateScholarship', () => {
  it('has the book columns, in order, with their types', () => {
    const table = generateScholarship();
    expect(table.length).toBe(1000);
    expect(table.columns.map((c) => c.name)).toEqual([...SCHOLARSHIP_COLUMNS]);
    expect(table.columns.map((c) => c.type)).toEqual(['int', 'int', 'int', 'int', 'int', 'int', 'int', 'int', 'float']);
  });

  it.each([1000, 999, 7, 1])('keeps the 80/20 sex split, forced approvals and the approval rule (%i rows)', (rows) => {
    const table = generateScholarship({ rows, seed: 3 });
    const sex = values(table, 'sex');
    expect(count(sex, (v) => v === 1)).toBe(Math.round(0.8 * rows));
    expect(count(sex, (v) => v === 0)).toBe(rows - Math.round(0.8 * rows));
    const approved = values(table, 'approved');
    expect(count(approved, (v) => v === 1)).toBeGreaterThanOrEqual(Math.round(0.6 * rows));
    const [math, science, technology] = ['math', 'science', 'technology'].map((n) => values(table, n)) as [Float64Array, Float64Array, Float64Array];
    for (let i = 0; i < rows; i++) {
      if (math[i]! + science[i]! + technology[i]! > 240) expect(approved[i]).toBe(1);
      expect(approved[i] === 0 || approved[i] === 1).toBe(true);
    }
  });

  it('draws scores uniformly in 60..100 and shuffles the rows', () => {
    const table = generateScholarship({ rows: 5000 });
    for (const name of ['math', 'science', 'technology', 'random1', 'random2']) {
      const v = values(table, name);
      expect(Math.min(...v)).toBe(60);
      expect(Math.max(...v)).toBe(100);
      expect(v.every(Number.isInteger)).toBe(true);
    }
    // Shuffled: males are spread over the whole table, not the first 80%.
    const sex = values(table, 'sex');
    expect(count(sex.subarray(4000), (v) => v === 1)).toBeGreaterThan(600);
  });

  it('numbers rows 1..N in the shuffled order', () => {
    const index = values(generateScholarship({ rows: 2500 }), 'index');
    expect(Array.from(index)).toEqual(Array.from({ length: 2500 }, (_, i) => i + 1));
  });

  it('pins the default output (seed 42), so a change to the draw order shows up here', () => {
    expect(tableToCsv(generateScholarship({ rows: 5 }))).toBe(
      'approved,sex,math,science,technology,random1,random2,index,event_time\n' +
        '1,0,79,81,100,72,85,1,1704067200.0\n' +
        '1,1,69,68,62,75,94,2,1704067200.0\n' +
        '1,1,94,95,76,87,94,3,1704067200.0\n' +
        '1,1,78,77,70,91,75,4,1704067200.0\n' +
        '1,1,63,74,71,94,69,5,1704067200.0\n',
    );
  });

  it('is deterministic per seed', () => {
    expect(generateScholarship({ rows: 500, seed: 9 })).toEqual(generateScholarship({ rows: 500, seed: 9 }));
    expect(generateScholarship({ rows: 500, seed: 9 })).not.toEqual(generateScholarship({ rows: 500, seed: 10 }));
  });

  it('stamps one event time, or spreads it over [t, t + spread) in whole ms', () => {
    expect(values(generateScholarship({ rows: 10 }), 'event_time').every((v) => v === DEFAULT_EVENT_TIME)).toBe(true);
    expect(values(generateScholarship({ rows: 10, eventTime: 1700000000.5 }), 'event_time').every((v) => v === 1700000000.5)).toBe(true);
    const spread = values(generateScholarship({ rows: 2000, eventTime: 1_700_000_000, eventTimeSpreadSeconds: 86_400 }), 'event_time');
    for (const v of spread) {
      expect(v).toBeGreaterThanOrEqual(1_700_000_000);
      expect(v).toBeLessThan(1_700_000_000 + 86_400);
      expect(Math.abs(v * 1000 - Math.round(v * 1000))).toBeLessThan(1e-3);
    }
    expect(new Set(spread).size).toBeGreaterThan(1900);
    // The spread draws come after everything else, so the other columns do not change.
    const plain = generateScholarship({ rows: 2000, eventTime: 1_700_000_000 });
    const spreadTable = generateScholarship({ rows: 2000, eventTime: 1_700_000_000, eventTimeSpreadSeconds: 86_400 });
    expect(spreadTable.columns.slice(0, 8)).toEqual(plain.columns.slice(0, 8));
  });

  it('refuses bad options with the field, the value and what was expected', () => {
    expect(() => generateScholarship({ rows: 0 })).toThrow(/rows: got 0, expected an integer from 1 to 10,000,000/);
    expect(() => generateScholarship({ rows: 1.5 })).toThrow(/rows: got 1\.5/);
    expect(() => generateScholarship({ rows: 10_000_001 })).toThrow(/rows: got 10000001/);
    expect(() => generateScholarship({ seed: NaN })).toThrow(/seed: got NaN, expected a finite integer/);
    expect(() => generateScholarship({ seed: 1.5 })).toThrow(/seed: got 1\.5/);
    expect(() => generateScholarship({ eventTime: Infinity })).toThrow(/eventTime: got Infinity/);
    expect(() => generateScholarship({ eventTimeSpreadSeconds: -1 })).toThrow(/eventTimeSpreadSeconds: got -1, expected a finite number of seconds >= 0/);
  });
});

describe('writeScholarship', () => {
  it.each(['csv', 'parquet'])('writes byte-identical %s files for the same seed', async (format) => {
    const a = join(dir, `a.${format}`);
    const b = join(dir, `b.${format}`);
    await writeScholarship(a, { rows: 3000, seed: 5 });
    await writeScholarship(b, { rows: 3000, seed: 5 });
    expect((await readFile(a)).equals(await readFile(b))).toBe(true);
    expect(await readTable(a)).toEqual(generateScholarship({ rows: 3000, seed: 5 }));
  });

  it('writes the CSV the way pandas would', async () => {
    const path = join(dir, 'small.csv');
    await writeScholarship(path, { rows: 3, seed: 1 });
    const lines = (await readFile(path, 'utf8')).split('\n');
    expect(lines[0]).toBe('approved,sex,math,science,technology,random1,random2,index,event_time');
    expect(lines[1]).toMatch(/^[01],[01],\d+,\d+,\d+,\d+,\d+,1,1704067200\.0$/);
    expect(lines).toHaveLength(5);
  });

  it('refuses other extensions', async () => {
    await expect(writeScholarship(join(dir, 'x.json'))).rejects.toThrow(/path: got ".*x\.json", expected a file path ending in \.csv or \.parquet/);
  });
});
