import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tableToRows } from '../core/columns.js';
import { isPlatformError } from '../core/errors.js';
import { formatFromPath, readTable } from './read-table.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'plumbline-read-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function file(name: string, content: string | Buffer): Promise<string> {
  const path = join(dir, name);
  await writeFile(path, content);
  return path;
}

async function failure(promise: Promise<unknown>): Promise<{ code: string; message: string }> {
  const e = await promise.then(
    () => undefined,
    (err: unknown) => err,
  );
  if (!isPlatformError(e)) throw new Error(`expected a PlatformError, got ${String(e)}`);
  return { code: e.code, message: e.message };
}

describe('readTable CSV', () => {
  it('detects a header and auto-types columns', async () => {
    const path = await file('with-header.csv', 'id,score,ok,at,name\n1,2.5,true,2024-01-02 03:04:05,a\n2,,,,\n3,-1,false,2024-01-02 03:04:05.5,b\n');
    const table = await readTable(path);
    expect(table.columns.map((c) => [c.name, c.type])).toEqual([
      ['id', 'int'],
      ['score', 'float'],
      ['ok', 'bool'],
      ['at', 'timestamp'],
      ['name', 'string'],
    ]);
    expect(tableToRows(table)).toEqual([
      { id: 1, score: 2.5, ok: true, at: Date.UTC(2024, 0, 2, 3, 4, 5), name: 'a' },
      { id: 2, score: null, ok: null, at: null, name: null },
      { id: 3, score: -1, ok: false, at: Date.UTC(2024, 0, 2, 3, 4, 5, 500), name: 'b' },
    ]);
  });

  it('names header-less columns _c0, _c1, ... or as given', async () => {
    const path = await file('no-header.csv', '1,2.5,x\n3,4.5,y\n');
    const detected = await readTable(path);
    expect(detected.columns.map((c) => c.name)).toEqual(['_c0', '_c1', '_c2']);
    expect(detected.length).toBe(2);
    expect((await readTable(path, { header: false })).columns.map((c) => c.name)).toEqual(['_c0', '_c1', '_c2']);
    const named = await readTable(path, { columns: ['a', 'b', 'c'] });
    expect(tableToRows(named)).toEqual([
      { a: 1, b: 2.5, c: 'x' },
      { a: 3, b: 4.5, c: 'y' },
    ]);
    const wrong = await failure(readTable(path, { columns: ['a', 'b'] }));
    expect(wrong.message).toMatch(/columns: .* expected 3 names/);
  });

  it('reads the first line as data with header: false and as names with header: true', async () => {
    const path = await file('strings.csv', 'x,y\nfoo,bar\n');
    expect(tableToRows(await readTable(path, { header: false }))).toEqual([
      { _c0: 'x', _c1: 'y' },
      { _c0: 'foo', _c1: 'bar' },
    ]);
    expect(tableToRows(await readTable(path, { header: true }))).toEqual([{ x: 'foo', y: 'bar' }]);
  });

  it('gives a 0-row table for a header-only file', async () => {
    const table = await readTable(await file('header-only.csv', 'a,b,c\n'));
    expect(table.length).toBe(0);
    expect(table.columns.map((c) => c.name)).toEqual(['a', 'b', 'c']);
  });

  it('reads gzip-compressed CSV and takes the format from `format`', async () => {
    const gz = await file('data.csv.gz', gzipSync('a,b\n1,x\n'));
    expect(tableToRows(await readTable(gz))).toEqual([{ a: 1, b: 'x' }]);
    const txt = await file('data.txt', 'a,b\n1,x\n');
    expect(tableToRows(await readTable(txt, { format: 'csv' }))).toEqual([{ a: 1, b: 'x' }]);
  });
});

describe('readTable JSON and Parquet', () => {
  it('reads JSON Lines and JSON arrays', async () => {
    const lines = await file('rows.jsonl', '{"a": 1, "b": "x", "c": 1.5}\n{"a": 2, "b": null, "c": null}\n');
    const expected = [
      { a: 1, b: 'x', c: 1.5 },
      { a: 2, b: null, c: null },
    ];
    expect(tableToRows(await readTable(lines))).toEqual(expected);
    const ndjson = await file('rows.ndjson', '{"a": 1, "b": "x", "c": 1.5}\n{"a": 2, "b": null, "c": null}\n');
    expect(tableToRows(await readTable(ndjson))).toEqual(expected);
    const array = await file('rows.json', JSON.stringify([expected[0], expected[1]]));
    expect(tableToRows(await readTable(array))).toEqual(expected);
  });
});

describe('readTable errors', () => {
  it('fails with NOT_FOUND naming a missing path', async () => {
    const path = join(dir, 'missing.csv');
    const e = await failure(readTable(path));
    expect(e.code).toBe('NOT_FOUND');
    expect(e.message).toContain(path);
  });

  it('fails with a ValidationError naming an empty or unreadable file and the format expected', async () => {
    const empty = await failure(readTable(await file('empty.csv', '')));
    expect(empty.code).toBe('VALIDATION_FAILED');
    expect(empty.message).toMatch(/empty\.csv" as CSV: the file is empty/);
    const blank = await failure(readTable(await file('blank.csv', '\n\n')));
    expect(blank.message).toMatch(/blank\.csv" as CSV: the file holds only whitespace/);
    const parquet = await failure(readTable(await file('bad.parquet', 'this is not parquet at all')));
    expect(parquet.code).toBe('VALIDATION_FAILED');
    expect(parquet.message).toMatch(/could not read ".*bad\.parquet" as Parquet: /);
    const json = await failure(readTable(await file('bad.jsonl', '{"a": 1}\n{not json\n')));
    expect(json.message).toMatch(/bad\.jsonl" as JSON Lines: /);
    await mkdir(join(dir, 'folder.csv'));
    expect((await failure(readTable(join(dir, 'folder.csv')))).message).toMatch(/expected a file, not a directory/);
  });

  it('refuses unknown extensions and contradictory options', async () => {
    const e = await failure(readTable(await file('data.xml', '<a/>')));
    expect(e.message).toMatch(/source: got ".*data\.xml", expected a file ending in \.csv/);
    const path = await file('opts.csv', 'a\n1\n');
    expect((await failure(readTable(path, { columns: ['a'], header: true }))).message).toMatch(/^header:/);
    expect((await failure(readTable(path, { format: 'xls' as 'csv' }))).message).toMatch(/format: got "xls"/);
    expect((await failure(readTable('s3://bucket/key.csv'))).message).toMatch(/local file path/);
  });

  it('knows formats from extensions', () => {
    expect(['a.csv', 'a.CSV.gz', 'a.parquet', 'a.jsonl', 'a.ndjson', 'a.json', 'a.txt'].map(formatFromPath)).toEqual([
      'csv',
      'csv',
      'parquet',
      'jsonl',
      'jsonl',
      'json',
      undefined,
    ]);
  });
});
