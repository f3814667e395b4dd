import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { tableToRows } from '../../core/columns.js';
import { FsObjectStore } from '../../storage/index.js';
import { captureSource, decodeCaptureLine, readCaptureWindow, splitCsvLine } from './index.js';

const fixtures = fileURLToPath(new URL('../../../test/fixtures/sagemaker-examples/sagemaker-python-sdk/monitor/', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'plumbline-capture-window-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function put(root: string, key: string, text: string): void {
  mkdirSync(join(root, key, '..'), { recursive: true });
  writeFileSync(join(root, key), text);
}

const line = (input: string, output: string, time: string, extra: Record<string, string> = {}) =>
  JSON.stringify({
    captureData: {
      endpointInput: { observedContentType: 'text/csv', mode: 'INPUT', data: input, encoding: 'CSV' },
      endpointOutput: { observedContentType: 'text/csv; charset=utf-8', mode: 'OUTPUT', data: output, encoding: 'CSV' },
    },
    eventMetadata: { eventId: `e-${time}-${input}`, inferenceTime: time, ...extra },
    eventVersion: '0',
  });

describe('readCaptureWindow', () => {
  it('reads the SDK fixture capture files (key order free, template inferenceTime placed by hour folder)', async () => {
    const root = join(dir, 'sdk');
    put(root, 'ep/AllTraffic/2026/11/26/09/00-00-000-a.jsonl', readFileSync(join(fixtures, 'capture.jsonl'), 'utf8'));
    put(root, 'ep/AllTraffic/2019/11/24/07/30-50-000-b.jsonl', readFileSync(join(fixtures, 'captured-data.jsonl'), 'utf8'));
    const w = await readCaptureWindow({ source: captureSource(root), endpoint: 'ep', start: Date.UTC(2026, 10, 26, 9), end: Date.UTC(2026, 10, 26, 10) });
    const lines = readFileSync(join(fixtures, 'capture.jsonl'), 'utf8').split('\n').filter((l) => l.trim() !== '').length;
    expect(lines).toBeGreaterThan(40);
    expect(w.records).toBe(lines);
    expect(w.unreadable.count).toBe(0);
    expect(w.table.length).toBe(lines);
    // Output first, then the 7 inputs, named _c0.._c7 without a baseline.
    expect(w.table.columns.map((c) => c.name)).toEqual(['_c0', '_c1', '_c2', '_c3', '_c4', '_c5', '_c6', '_c7']);
    expect(tableToRows(w.table)[0]).toEqual({ _c0: '0.302709460258', _c1: '9', _c2: '45', _c3: '45', _c4: '42', _c5: '7', _c6: '5', _c7: '0' });
    expect(w.predictions[0]).toBe('0.302709460258');
    expect(w.eventIds[0]).toBe('74b0dd56-e7c8-368e-94b1-14a138a96000');
    expect(w.notes.join(' ')).toContain('no readable inferenceTime');

    // TensorFlow-Serving JSON: {"instances": [...]} with {"predictions": [...]} gives one row per instance.
    const json = await readCaptureWindow({ source: captureSource(root), endpoint: 'ep', start: Date.UTC(2019, 10, 24, 7, 31), end: Date.UTC(2019, 10, 24, 8) });
    expect(json.records).toBe(1);
    expect(tableToRows(json.table)).toEqual([
      { _c0: '3.5', _c1: '1' },
      { _c0: '4', _c1: '2' },
      { _c0: '5.5', _c1: '5' },
    ]);
  });

  it('filters by inferenceTime, maps by position onto baseline names, and counts unreadable lines', async () => {
    const root = join(dir, 'window');
    const names = ['approved', 'sex', 'math', 'science', 'technology', 'random1', 'random2'];
    put(
      root,
      'ep/AllTraffic/2026/11/26/10/05-00-000-x.jsonl',
      [
        line('1,92,83,86,96,67', '0.87', '2026-11-26T10:05:00Z'),
        '{not json',
        line('1,92,-83.3,86,-96,67', '0.12', '2026-11-26T10:59:59Z'),
        line('0,70,70,70,70,70', '0.5', '2026-11-26T11:00:00Z'), // outside [10:00, 11:00)
        JSON.stringify({ eventMetadata: { eventId: 'x' } }),
      ].join('\n') + '\n',
    );
    // A late file in the next hour folder holding a record of the window is still read.
    put(root, 'ep/AllTraffic/2026/11/26/11/00-30-000-y.jsonl', line('0,61,62,63,64,65', '0.3', '2026-11-26T10:30:00Z') + '\n');
    put(root, 'ep/Other/2026/11/26/10/05-00-000-z.jsonl', line('1,1,1,1,1,1', '0.9', '2026-11-26T10:10:00Z') + '\n');
    const w = await readCaptureWindow({ source: captureSource(root), endpoint: 'ep', variant: 'AllTraffic', start: Date.UTC(2026, 10, 26, 10), end: Date.UTC(2026, 10, 26, 11), baselineNames: names });
    expect(w.records).toBe(3);
    expect(w.unreadable.count).toBe(2);
    expect(w.unreadable.samples[0]).toMatchObject({ line: 2 });
    expect(w.unreadable.samples[1]!.reason).toContain('captureData');
    expect(w.mapping.kind).toBe('position');
    expect(w.table.columns.map((c) => c.name)).toEqual(names);
    const rows = tableToRows(w.table);
    expect(rows.map((r) => r.science)).toEqual(['83', '-83.3', '62']);
    expect(rows.map((r) => r.approved)).toEqual(['0.87', '0.12', '0.3']);
    const all = await readCaptureWindow({ source: captureSource(root), endpoint: 'ep', start: Date.UTC(2026, 10, 26, 10), end: Date.UTC(2026, 10, 26, 11), baselineNames: names });
    expect(all.records).toBe(4);
  });

  it("matches inputs by the model's feature names and leaves the label out", async () => {
    const root = join(dir, 'model');
    put(root, 'ep/AllTraffic/2026/11/26/10/a.jsonl', line('1,92,-83.3,86,-96,67', '0.12', '2026-11-26T10:05:00Z') + '\n');
    const names = ['approved', 'sex', 'math', 'science', 'technology', 'random1', 'random2'];
    const model = { name: 'm', featureNames: names.slice(1) };
    const w = await readCaptureWindow({ source: captureSource(root), endpoint: 'ep', start: Date.UTC(2026, 10, 26, 10), end: Date.UTC(2026, 10, 26, 11), baselineNames: names, model });
    expect(w.mapping.kind).toBe('model');
    expect(w.mapping.notCaptured).toEqual(['approved']);
    expect(w.mapping.description).toContain("model m's feature names");
    expect(tableToRows(w.table)).toEqual([{ sex: '1', math: '92', science: '-83.3', technology: '86', random1: '-96', random2: '67' }]);
    expect(w.predictions).toEqual(['0.12']);
    const pos = await readCaptureWindow({ source: captureSource(root), endpoint: 'ep', start: Date.UTC(2026, 10, 26, 10), end: Date.UTC(2026, 10, 26, 11), baselineNames: names, model, mapping: 'position' });
    expect(pos.mapping.kind).toBe('position');
    expect(tableToRows(pos.table)[0]!.approved).toBe('0.12');
  });

  it('reads through the object store and decodes BASE64, flat JSON and mixed encodings', async () => {
    const store = new FsObjectStore(join(dir, 'store'));
    const rec = {
      captureData: {
        endpointInput: { observedContentType: 'text/csv', mode: 'INPUT', data: Buffer.from('1,2,3\n').toString('base64'), encoding: 'BASE64' },
        endpointOutput: { observedContentType: 'application/json', mode: 'OUTPUT', data: '{"predictions": [0.5]}', encoding: 'JSON' },
      },
      eventMetadata: { eventId: 'b', inferenceId: '42', inferenceTime: '2026-11-26T10:00:01Z' },
      eventVersion: '0',
    };
    const flat = { ...rec, captureData: { endpointInput: { observedContentType: 'application/json', mode: 'INPUT', data: '{"a": 1, "b": "x"}', encoding: 'JSON' } } };
    await store.put('capture/ep/AllTraffic/2026/11/26/10/f.jsonl', JSON.stringify(rec) + '\n' + JSON.stringify(flat) + '\n');
    const w = await readCaptureWindow({ source: captureSource(store.uriOf('capture'), store), endpoint: 'ep', start: Date.UTC(2026, 10, 26, 10), end: Date.UTC(2026, 10, 26, 11) });
    expect(w.records).toBe(2);
    expect(w.inferenceIds[0]).toBe('42');
    expect(tableToRows(w.table)).toEqual([
      { _c0: '0.5', _c1: '1', _c2: '2', _c3: '3', a: null, b: null },
      { _c0: null, _c1: null, _c2: null, _c3: null, a: '1', b: 'x' },
    ]);
    expect(w.notes.join(' ')).toContain('Encoding mismatch');
    await store.close();
  });

  it('lists only the hour folders of the window (plus one hour each side) on a destination with many hours', async () => {
    const root = join(dir, 'many-hours');
    const t0 = Date.UTC(2026, 0, 1, 0);
    const HOURS = 24 * 30;
    const p = (n: number) => String(n).padStart(2, '0');
    for (const variant of ['AllTraffic', 'Shadow']) {
      for (let h = 0; h < HOURS; h++) {
        const d = new Date(t0 + h * 3_600_000);
        const folder = `${d.getUTCFullYear()}/${p(d.getUTCMonth() + 1)}/${p(d.getUTCDate())}/${p(d.getUTCHours())}`;
        const time = new Date(t0 + h * 3_600_000 + 60_000).toISOString().replace('.000Z', 'Z');
        put(root, `ep/${variant}/${folder}/01-00-000-${variant}.jsonl`, line(`${h},2`, '0.5', time) + '\n');
      }
    }
    const inner = captureSource(root);
    const listed: string[] = [];
    const read: string[] = [];
    const source = {
      location: inner.location,
      list: (prefix: string) => (listed.push(prefix), inner.list(prefix)),
      read: (key: string) => (read.push(key), inner.read(key)),
      folders: (prefix: string) => inner.folders!(prefix),
    };
    const start = t0 + 400 * 3_600_000;
    const w = await readCaptureWindow({ source, endpoint: 'ep', start, end: start + 2 * 3_600_000, baselineNames: ['label', 'a', 'b'] });
    // Two hours in the window, two variants: four records.
    expect(w.records).toBe(4);
    expect(w.table.columns.find((c) => c.name === 'a')!.values).toEqual(['400', '401', '400', '401']);
    // Hours 398..402 per variant (the window's two, one slack hour before and after, and the partly covered one): never the endpoint folder.
    expect(listed.every((prefix) => /^ep\/(AllTraffic|Shadow)\/\d{4}\/\d{2}\/\d{2}\/\d{2}\/$/.test(prefix))).toBe(true);
    expect(listed.length).toBeLessThanOrEqual(2 * 5);
    expect(read.length).toBeLessThanOrEqual(2 * 5);
    expect(read.every((k) => /\/2026\/01\/17\//.test(k))).toBe(true);
    // One variant: only its folders.
    listed.length = 0;
    const one = await readCaptureWindow({ source, endpoint: 'ep', variant: 'Shadow', start, end: start + 3_600_000 });
    expect(one.records).toBe(1);
    expect(listed.every((prefix) => prefix.startsWith('ep/Shadow/'))).toBe(true);
    // Through the object store (file-backed), the same answer.
    const store = new FsObjectStore(root);
    const viaStore = await readCaptureWindow({ source: captureSource(store.rootUri, store), endpoint: 'ep', start, end: start + 2 * 3_600_000, baselineNames: ['label', 'a', 'b'] });
    expect(viaStore.records).toBe(4);
  });

  it('splits quoted CSV and rejects nested JSON with a reason', () => {
    expect(splitCsvLine('a,"b,c",,"d""e"')).toEqual(['a', 'b,c', null, 'd"e']);
    expect(() =>
      decodeCaptureLine(JSON.stringify({ captureData: { endpointInput: { data: '{"a": {"b": 1}}', encoding: 'JSON', mode: 'INPUT', observedContentType: 'application/json' } } })),
    ).toThrow(/nested JSON/);
    expect(() => captureSource('s3://elsewhere/x', new FsObjectStore(join(dir, 'store2')))).toThrow(/captureDestination/);
  });
});
