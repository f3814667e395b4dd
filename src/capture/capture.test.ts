/**
 * @module capture/capture.test
 * DataCaptureConfig conversions, the capture line format against SageMaker's own capture files, and the
 * buffered writer: size/timer/on-demand flushes, bounded memory, retries, unique file names per replica.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { fixedClock } from '../core/clock.js';
import { isPlatformError } from '../core/errors.js';
import { FsObjectStore, type ObjectStore } from '../storage/index.js';
import {
  CaptureFormatter,
  CaptureWriter,
  captureFileName,
  hourFolder,
  jsonString,
  listCaptureFiles,
  parseCaptureLines,
  resolveCaptureSink,
  toApiCaptureConfig,
  normalizeHour,
  type CaptureSink,
} from './index.js';

const FIXTURES = new URL('../../test/fixtures/sagemaker-examples/sagemaker-python-sdk/monitor/', import.meta.url);
const dirs: string[] = [];
const tempDir = () => {
  const d = mkdtempSync(join(tmpdir(), 'plumbline-capture-'));
  dirs.push(d);
  return d;
};
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

function errorOf(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    if (isPlatformError(e)) return e.message;
    throw e;
  }
  throw new Error('expected an error');
}

describe('DataCaptureConfig', () => {
  it('maps the SDK form (the book\'s call) to the API form with SageMaker defaults', () => {
    const api = toApiCaptureConfig(
      { enable_capture: true, sampling_percentage: 100, destination_s3_uri: 's3://bucket/prefix/model-monitor/', capture_options: ['REQUEST', 'RESPONSE'], csv_content_types: ['text/csv'], json_content_types: ['application/json'] },
      'unused',
    );
    expect(api).toEqual({
      EnableCapture: true,
      InitialSamplingPercentage: 100,
      DestinationS3Uri: 's3://bucket/prefix/model-monitor',
      CaptureOptions: [{ CaptureMode: 'Input' }, { CaptureMode: 'Output' }],
      CaptureContentTypeHeader: { CsvContentTypes: ['text/csv'], JsonContentTypes: ['application/json'] },
    });
    const defaults = toApiCaptureConfig({ enableCapture: true }, 'file:///tmp/dc');
    expect(defaults.InitialSamplingPercentage).toBe(20);
    expect(defaults.DestinationS3Uri).toBe('file:///tmp/dc');
    expect(toApiCaptureConfig(api, 'x')).toEqual(api);
  });

  it('names the field, the value and what was expected', () => {
    expect(errorOf(() => toApiCaptureConfig({ samplingPercentage: 101 }, 'd'))).toBe('InitialSamplingPercentage: got 101, expected an integer from 0 to 100');
    expect(errorOf(() => toApiCaptureConfig({ captureOptions: ['REQUEST', 'BOTH'] }, 'd'))).toContain('captureOptions[1]: got "BOTH", expected REQUEST or RESPONSE');
    expect(errorOf(() => toApiCaptureConfig({ csvContentTypes: ['csv'] }, 'd'))).toContain('CaptureContentTypeHeader.CsvContentTypes[0]: got "csv"');
  });
});

describe('capture lines', () => {
  const config = toApiCaptureConfig({ enableCapture: true, samplingPercentage: 100 }, 'd');

  it('have the keys, values and order of SageMaker\'s own capture files', () => {
    const f = new CaptureFormatter(config);
    const line = f.line({ inputContentType: 'text/csv', input: '1,92,83,86,96,67', outputContentType: 'text/csv; charset=utf-8', output: '0.8712', time: Date.UTC(2026, 10, 26, 9, 14, 3, 500) });
    const record = JSON.parse(line);
    expect(Object.keys(record)).toEqual(['captureData', 'eventMetadata', 'eventVersion']);
    expect(record.captureData).toEqual({
      endpointInput: { observedContentType: 'text/csv', mode: 'INPUT', data: '1,92,83,86,96,67', encoding: 'CSV' },
      endpointOutput: { observedContentType: 'text/csv; charset=utf-8', mode: 'OUTPUT', data: '0.8712', encoding: 'CSV' },
    });
    expect(record.eventMetadata.inferenceTime).toBe('2026-11-26T09:14:03Z');
    expect(record.eventMetadata.eventId).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(record.eventMetadata).not.toHaveProperty('inferenceId');
    expect(record.eventVersion).toBe('0');
    // Same structure as a real line written by SageMaker (keys of every object, recursively).
    const real = JSON.parse(readFileSync(new URL('captured-data.jsonl', FIXTURES), 'utf8').split('\n')[0]!);
    const shape = (o: unknown): unknown => (o && typeof o === 'object' ? Object.fromEntries(Object.entries(o).map(([k, v]) => [k, shape(v)]).sort()) : typeof o);
    expect(shape(record)).toEqual(shape(real));
  });

  it('records the inference id and custom attributes; unknown content types are base64', () => {
    const f = new CaptureFormatter(toApiCaptureConfig({ captureOptions: ['REQUEST'] }, 'd'));
    const record = JSON.parse(f.line({ inputContentType: 'application/x-npy', input: new Uint8Array([1, 2, 255]), outputContentType: 'text/csv', output: '1', time: 0, inferenceId: 'id-7', customAttributes: 'a=b' }));
    expect(record.captureData).toEqual({ endpointInput: { observedContentType: 'application/x-npy', mode: 'INPUT', data: 'AQL/', encoding: 'BASE64' } });
    expect(record.eventMetadata).toMatchObject({ inferenceId: 'id-7', customAttributes: ['a=b'] });
    expect(new CaptureFormatter(config).encodingOf('Application/JSON; charset=utf-8')).toBe('JSON');
  });

  it('escape data exactly as JSON.stringify, whatever the content types of consecutive lines', () => {
    const texts = ['1,92,83,86,96,67', 'a"b', 'back\\slash', 'tab\there', 'line\nbreak', '\u2028\u2029', 'é😀', '\ud800 lone', 'x'.repeat(300) + '"', '', '{"predictions": [{"score": 0.98}]}'];
    for (const t of texts) expect(jsonString(t), t).toBe(JSON.stringify(t));
    const f = new CaptureFormatter(config);
    const types = ['text/csv', 'application/json', 'application/x-npy', 'text/csv'];
    for (const [i, t] of texts.entries()) {
      const inType = types[i % types.length]!;
      const outType = types[(i + 1) % types.length]!;
      const record = JSON.parse(f.line({ inputContentType: inType, input: t, outputContentType: outType, output: t, time: 0, inferenceId: t, customAttributes: t }));
      const expectData = (type: string) => (f.encodingOf(type) === 'BASE64' ? Buffer.from(t).toString('base64') : t);
      expect(record.captureData.endpointInput).toEqual({ observedContentType: inType, mode: 'INPUT', data: expectData(inType), encoding: f.encodingOf(inType) });
      expect(record.captureData.endpointOutput).toEqual({ observedContentType: outType, mode: 'OUTPUT', data: expectData(outType), encoding: f.encodingOf(outType) });
      expect(record.eventMetadata).toMatchObject({ inferenceId: t, customAttributes: [t] });
    }
  });

  it('go to yyyy/MM/dd/HH folders in mm-ss-SSS-uuid.jsonl files', () => {
    expect(hourFolder(Date.UTC(2022, 3, 18, 0, 20, 48, 871))).toBe('2022/04/18/00');
    expect(captureFileName(Date.UTC(2022, 3, 18, 0, 20, 48, 871))).toMatch(/^20-48-871-[0-9a-f-]{36}\.jsonl$/);
    expect(normalizeHour('2026-11-26T09:14:03Z')).toBe('2026/11/26/09');
    expect(normalizeHour('2026/11/26')).toBe('2026/11/26');
  });

  it('reads SageMaker\'s capture files', () => {
    for (const name of ['capture.jsonl', 'captured-data.jsonl']) {
      const records = parseCaptureLines(readFileSync(new URL(name, FIXTURES), 'utf8'), name);
      expect(records.length).toBeGreaterThan(1);
      for (const r of records) expect(r.captureData.endpointInput?.mode).toBe('INPUT');
    }
    expect(errorOf(() => parseCaptureLines('{"captureData":{}}\nnot json\n', 'f.jsonl'))).toMatch(/^f\.jsonl:2: is not JSON/);
  });
});

describe('CaptureWriter', () => {
  const clock = fixedClock(Date.UTC(2026, 10, 26, 9, 0, 0));
  const sinkIn = (dir: string): CaptureSink => resolveCaptureSink(new FsObjectStore(join(dir, 'objects')), pathToFileURL(join(dir, 'capture')).href);

  it('resolves destinations inside the workspace store, local folders, and refuses others', () => {
    const dir = tempDir();
    const store = new FsObjectStore(join(dir, 'objects'));
    expect(resolveCaptureSink(store, 'model-monitor/data-capture/').prefix).toBe('model-monitor/data-capture/');
    expect(resolveCaptureSink(store, store.uriOf('dc')).store).toBe(store);
    expect(resolveCaptureSink(store, join(dir, 'elsewhere')).store).not.toBe(store);
    expect(errorOf(() => resolveCaptureSink(store, 'gs://bucket/x'))).toContain('DestinationS3Uri: got "gs://bucket/x"');
  });

  it('writes every accepted line on demand, one file per variant and hour, unique names across writers', async () => {
    const dir = tempDir();
    const sink = sinkIn(dir);
    const a = new CaptureWriter({ sink, endpointName: 'ep', clock, flushIntervalMs: 0 });
    const b = new CaptureWriter({ sink, endpointName: 'ep', clock, flushIntervalMs: 0 });
    for (let i = 0; i < 10; i++) a.write('AllTraffic', '2026/11/26/09', `{"n":${i}}`);
    a.write('AllTraffic', '2026/11/26/10', '{"n":10}');
    a.write('blue', '2026/11/26/09', '{"n":11}');
    b.write('AllTraffic', '2026/11/26/09', '{"n":12}');
    await Promise.all([a.flush(), b.flush()]);
    const files = await listCaptureFiles(sink, 'ep');
    expect(files.map((f) => `${f.variant} ${f.hour}`)).toEqual(['AllTraffic 2026/11/26/09', 'AllTraffic 2026/11/26/09', 'blue 2026/11/26/09', 'AllTraffic 2026/11/26/10']);
    expect(new Set(files.map((f) => f.key)).size).toBe(4);
    const lines = (await Promise.all(files.map((f) => readFileSync(new URL(f.uri), 'utf8')))).join('').trim().split('\n');
    expect(lines.map((l) => JSON.parse(l).n).sort((x, y) => x - y)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]);
    expect(a.stats).toMatchObject({ accepted: 12, written: 12, dropped: 0, files: 3, pendingBytes: 0 });
    expect(await listCaptureFiles(sink, 'ep', { variant: 'AllTraffic', hour: '2026-11-26T10' })).toHaveLength(1);
  });

  it('keeps every line intact across chunk boundaries and reused chunks', async () => {
    const dir = tempDir();
    const sink = sinkIn(dir);
    const w = new CaptureWriter({ sink, endpointName: 'chunks', clock, flushIntervalMs: 0 });
    const expected: string[] = [];
    for (let round = 0; round < 3; round++) {
      for (let i = 0; i < 120; i++) {
        const line = JSON.stringify({ round, i, pad: `é${String(i).repeat(2000 + round * 700)}` });
        expected.push(line);
        w.write('v', `2026/11/26/0${i % 2}`, line);
      }
      await w.flush();
    }
    const files = await listCaptureFiles(sink, 'chunks');
    const lines = files.flatMap((f) => readFileSync(new URL(f.uri), 'utf8').trim().split('\n'));
    expect(lines.sort()).toEqual(expected.sort());
  });

  it('flushes on size and on its timer', async () => {
    const dir = tempDir();
    const sink = sinkIn(dir);
    const bySize = new CaptureWriter({ sink, endpointName: 'size', clock, flushIntervalMs: 0, flushBytes: 100 });
    for (let i = 0; i < 15; i++) bySize.write('v', '2026/11/26/09', `{"n":${i}}`);
    await expect.poll(() => bySize.stats.written, { timeout: 5000 }).toBe(15);
    for (let i = 15; i < 30; i++) bySize.write('v', '2026/11/26/09', `{"n":${i}}`);
    await bySize.flush();
    expect(bySize.stats.files).toBeGreaterThan(1);
    expect(bySize.stats.written).toBe(30);
    const timed = new CaptureWriter({ sink, endpointName: 'timed', clock, flushIntervalMs: 10 });
    timed.write('v', '2026/11/26/09', '{}');
    await expect.poll(() => timed.stats.written, { timeout: 5000 }).toBe(1);
    await timed.close();
  });

  it('drops and counts past its memory bound instead of waiting, and refuses lines after close', async () => {
    const dir = tempDir();
    const w = new CaptureWriter({ sink: sinkIn(dir), endpointName: 'ep', clock, flushIntervalMs: 0, maxBufferBytes: 100 });
    let accepted = 0;
    for (let i = 0; i < 20; i++) if (w.write('v', '2026/11/26/09', 'x'.repeat(19))) accepted++;
    expect(accepted).toBe(5);
    expect(w.stats.dropped).toBe(15);
    await w.close();
    expect(w.stats.written).toBe(5);
    expect(w.write('v', '2026/11/26/09', 'late')).toBe(false);
  });

  it('never waits for a stalled destination: lines past the bound are dropped and counted', async () => {
    const dir = tempDir();
    const real = new FsObjectStore(dir);
    const stalled: ObjectStore = Object.create(real, { put: { value: () => new Promise<void>(() => {}) } });
    const w = new CaptureWriter({ sink: { uri: real.rootUri, store: stalled, prefix: '' }, endpointName: 'ep', clock, flushIntervalMs: 0, flushBytes: 1000, maxBufferBytes: 10_000 });
    let accepted = 0;
    for (let i = 0; i < 2000; i++) {
      if (w.write('v', '2026/11/26/09', `{"n":${String(i).padStart(4, '0')}}`)) accepted++;
      if (i % 100 === 0) await new Promise((r) => setImmediate(r));
    }
    // The stalled writes hold their bytes: memory stays bounded and later lines are dropped, not queued.
    expect(accepted).toBeLessThanOrEqual(1000);
    expect(w.stats.dropped).toBe(2000 - accepted);
    expect(w.stats.pendingBytes).toBeLessThanOrEqual(10_000);
  });

  it('keeps lines whose write failed and writes them on the next flush', async () => {
    const dir = tempDir();
    const real = new FsObjectStore(dir);
    let fail = true;
    const flaky: ObjectStore = Object.create(real, {
      put: { value: async (key: string, body: string) => (fail ? Promise.reject(new Error('disk full')) : real.put(key, body)) },
    });
    const sink: CaptureSink = { uri: real.rootUri, store: flaky, prefix: '' };
    const errors: unknown[] = [];
    const w = new CaptureWriter({ sink, endpointName: 'ep', clock, flushIntervalMs: 0, onError: (e) => errors.push(e) });
    w.write('v', '2026/11/26/09', '{"a":1}');
    await expect(w.flush()).rejects.toThrow('disk full');
    expect(w.stats).toMatchObject({ written: 0, failedWrites: 1 });
    w.write('v', '2026/11/26/09', '{"a":2}');
    fail = false;
    await w.flush();
    const files = await listCaptureFiles({ ...sink, store: real }, 'ep');
    expect(files).toHaveLength(1);
    expect(readFileSync(new URL(files[0]!.uri), 'utf8')).toBe('{"a":1}\n{"a":2}\n');
    expect(w.stats).toMatchObject({ written: 2, pendingBytes: 0 });
    expect(errors).toHaveLength(1);
  });
});
