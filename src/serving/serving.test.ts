/**
 * @module serving/serving.test
 * Endpoints end to end on a real workspace: the in-process SDK predictor, `plumbline serve` over real HTTP on
 * 127.0.0.1 (content types, headers, 400/404/413/500, metrics, control plane), variants and live updates under
 * load, enrichment from the online store, the standalone container, and real capture files.
 */
import { createServer as createHttpServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { readFileSync } from 'node:fs';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FEATURES, GROUP, servingFixture, type ServingFixture } from '../../test/helpers/serving-fixture.js';
import { CSVDeserializer, createPlatform, createServer, JSONDeserializer, listCaptureFiles, readCaptureFile, resolveCaptureSink, tableFromRows, type Platform } from '../index.js';
import { createContainerApp } from './index.js';

let fx: ServingFixture;
let platform: Platform;
let app: FastifyInstance;
let base: string;
let broken: Server;

const ROW = '1,92,83,86,96,67';

async function expected(model: string, row: string): Promise<number> {
  const values = row.split(',').map(Number);
  const table = tableFromRows([Object.fromEntries(FEATURES.map((f, i) => [f, values[i]!]))]);
  const out = await platform.models.predict(model, table);
  return (out.columns.find((c) => c.name === 'score')!.values as Float64Array)[0]!;
}

async function captured(endpoint: string) {
  await platform.endpoints.flushCapture(endpoint);
  const d = await platform.endpoints.describe(endpoint);
  const sink = resolveCaptureSink(platform.objectStore, d.DataCaptureConfig?.DestinationS3Uri ?? platform.endpoints.defaultCaptureDestination);
  const files = await listCaptureFiles(sink, endpoint);
  return { files, records: (await Promise.all(files.map((f) => readCaptureFile(sink, f)))).flat() };
}

function post(path: string, body: string | Uint8Array, headers: Record<string, string> = {}) {
  return fetch(`${base}${path}`, { method: 'POST', headers: { 'content-type': 'text/csv', ...headers }, body });
}

beforeAll(async () => {
  fx = await servingFixture({ models: ['cookbook-xgboost', 'challenger'] });
  platform = fx.platform;
  // A "model" whose server fails: the endpoint must answer 500 and stay up.
  broken = createHttpServer((req, res) => {
    res.statusCode = req.url === '/ping' ? 200 : 500;
    res.end('boom');
  });
  await new Promise<void>((r) => broken.listen(0, '127.0.0.1', r));
  await platform.models.registerRemote('broken', `http://127.0.0.1:${(broken.address() as AddressInfo).port}`, FEATURES);
  app = await createServer({ platform, syncIntervalMs: 0 });
  await app.listen({ port: 0, host: '127.0.0.1' });
  base = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await app?.close();
  broken?.close();
  await fx?.cleanup();
});

describe('in-process endpoints (the embedded default)', () => {
  it('deploys a model, predicts with CSVSerializer/JSONDeserializer and captures the pair', async () => {
    const predictor = await platform.endpoints.model('cookbook-xgboost').deploy({
      endpointName: 'recipe6',
      dataCaptureConfig: { enableCapture: true, samplingPercentage: 100, captureOptions: ['REQUEST', 'RESPONSE'], csvContentTypes: ['text/csv'], jsonContentTypes: ['application/json'] },
    });
    const d = await predictor.describe();
    expect(d).toMatchObject({ EndpointName: 'recipe6', EndpointStatus: 'InService', EndpointConfigName: 'recipe6', ProductionVariants: [{ VariantName: 'AllTraffic', ModelName: 'cookbook-xgboost', CurrentWeight: 1 }] });
    expect(d.DataCaptureConfig).toMatchObject({ EnableCapture: true, CaptureStatus: 'Started', CurrentSamplingPercentage: 100 });
    const config = await platform.endpoints.describeConfig('recipe6');
    expect(config.DataCaptureConfig).toEqual({
      EnableCapture: true,
      InitialSamplingPercentage: 100,
      DestinationS3Uri: platform.objectStore.uriOf('model-monitor/data-capture'),
      CaptureOptions: [{ CaptureMode: 'Input' }, { CaptureMode: 'Output' }],
      CaptureContentTypeHeader: { CsvContentTypes: ['text/csv'], JsonContentTypes: ['application/json'] },
    });
    const result = (await predictor.predict(ROW, { inferenceId: 'rec-950' })) as { predictions: { score: number }[] };
    expect(result.predictions[0]!.score).toBe(await expected('cookbook-xgboost', ROW));
    predictor.deserializer = new CSVDeserializer();
    expect(await predictor.predict([[1, 92, 83, 86, 96, 67], [0, 60, 70, 65, 80, 90]])).toHaveLength(2);
    await predictor.flushCapture();
    const { files, records } = await captured('recipe6');
    expect(files[0]!.key).toMatch(/^model-monitor\/data-capture\/recipe6\/AllTraffic\/\d{4}\/\d{2}\/\d{2}\/\d{2}\/\d{2}-\d{2}-\d{3}-[0-9a-f-]{36}\.jsonl$/);
    expect(records).toHaveLength(2);
    expect(records[0]!.captureData.endpointInput).toEqual({ observedContentType: 'text/csv', mode: 'INPUT', data: ROW, encoding: 'CSV' });
    expect(records[0]!.captureData.endpointOutput).toEqual({ observedContentType: 'application/json', mode: 'OUTPUT', data: JSON.stringify({ predictions: [{ score: result.predictions[0]!.score }] }), encoding: 'JSON' });
    expect(records[0]!.eventMetadata!.inferenceId).toBe('rec-950');
    expect(records[1]!.captureData.endpointOutput!.encoding).toBe('CSV');
  });

  it('changes capture on the live endpoint and turns it off', async () => {
    const predictor = platform.endpoints.predictor('recipe6');
    const before = (await captured('recipe6')).records.length;
    const d = await predictor.updateDataCaptureConfig({ enableCapture: true, samplingPercentage: 0 });
    expect(d.DataCaptureConfig?.CurrentSamplingPercentage).toBe(0);
    expect(d.EndpointConfigName).toMatch(/^recipe6-\d{20}$/);
    await predictor.predict(ROW);
    expect((await captured('recipe6')).records.length).toBe(before);
    const off = await predictor.updateDataCaptureConfig(null);
    expect(off.DataCaptureConfig).toBeUndefined();
    await predictor.updateDataCaptureConfig({ enableCapture: true, samplingPercentage: 100 });
    await predictor.predict(ROW);
    expect((await captured('recipe6')).records.length).toBe(before + 1);
  });

  it('changes the capture destination under load without losing or doubling a captured pair', async () => {
    await platform.endpoints.create({ endpointName: 'moving-capture', variants: [{ modelName: 'cookbook-xgboost' }], dataCaptureConfig: { samplingPercentage: 100, destinationS3Uri: 'moving/a' } });
    let stop = false;
    const answered: string[] = [];
    let n = 0;
    const load = Promise.all(
      Array.from({ length: 6 }, async () => {
        while (!stop) {
          const id = `req-${n++}`;
          await platform.endpoints.invoke('moving-capture', { body: ROW, contentType: 'text/csv', inferenceId: id });
          answered.push(id);
        }
      }),
    );
    for (const dest of ['moving/b', 'moving/a', 'moving/b']) {
      await new Promise((r) => setTimeout(r, 20));
      await platform.endpoints.updateDataCaptureConfig('moving-capture', { samplingPercentage: 100, destinationS3Uri: dest });
    }
    await new Promise((r) => setTimeout(r, 20));
    stop = true;
    await load;
    await platform.endpoints.flushCapture('moving-capture');
    const ids: string[] = [];
    const perDestination: number[] = [];
    for (const dest of ['moving/a', 'moving/b']) {
      const sink = resolveCaptureSink(platform.objectStore, dest);
      let count = 0;
      for (const f of await listCaptureFiles(sink, 'moving-capture')) {
        for (const r of await readCaptureFile(sink, f)) {
          ids.push(r.eventMetadata!.inferenceId!);
          count++;
        }
      }
      perDestination.push(count);
    }
    expect(answered.length).toBeGreaterThan(20);
    expect(perDestination.every((c) => c > 0)).toBe(true);
    expect(ids.sort()).toEqual([...answered].sort());
    await platform.endpoints.delete('moving-capture');
  });

  it('picks up changes another process made to the catalog (sync)', async () => {
    const other = await createPlatform({ home: fx.home, offlineFlushIntervalMs: 0, purgeIntervalMs: 0 });
    try {
      await other.endpoints.create({ endpointName: 'shared', variants: [{ modelName: 'cookbook-xgboost' }], dataCaptureConfig: { enableCapture: true, samplingPercentage: 100 } });
      await platform.endpoints.invoke('shared', { body: ROW, contentType: 'text/csv' });
      await other.endpoints.updateDataCaptureConfig('shared', null);
      await platform.endpoints.sync();
      await platform.endpoints.invoke('shared', { body: ROW, contentType: 'text/csv' });
      expect((await captured('shared')).records).toHaveLength(1);
      await other.endpoints.delete('shared');
      await platform.endpoints.sync();
      await expect(platform.endpoints.invoke('shared', { body: ROW, contentType: 'text/csv' })).rejects.toThrow('endpoint "shared" not found');
    } finally {
      await other.close();
    }
  });

  it('marks an endpoint Failed when its model cannot be loaded, and serves nothing from it', async () => {
    const bytes = readFileSync(new URL('../../test/fixtures/xgboost/binary-logistic-base-score.model.json', import.meta.url));
    const d = await platform.models.importModel(bytes, { name: 'vanishing', format: 'xgboost-json' });
    await platform.objectStore.delete(platform.objectStore.keyOf(d.artifactUri!)!);
    await expect(platform.endpoints.create({ endpointName: 'doomed', variants: [{ modelName: 'vanishing' }] })).rejects.toThrow();
    const failed = await platform.endpoints.describe('doomed');
    expect(failed.EndpointStatus).toBe('Failed');
    expect(failed.FailureReason).toMatch(/not found/);
    await expect(platform.endpoints.invoke('doomed', { body: '1,2,3,4,5,6' })).rejects.toThrow('endpoint "doomed" is Failed');
    await platform.endpoints.delete('doomed');
  });

  it('refuses bad definitions with the field and value', async () => {
    await expect(platform.endpoints.create({ endpointName: 'bad_name', variants: [{ modelName: 'cookbook-xgboost' }] })).rejects.toThrow(/endpointName: got "bad_name"/);
    await expect(platform.endpoints.create({ endpointName: 'x', variants: [{ modelName: 'nope' }] })).rejects.toThrow('model "nope" not found');
    await expect(platform.endpoints.model('cookbook-xgboost').deploy({ endpointName: 'recipe6' })).rejects.toThrow('endpoint "recipe6" already exists');
    await expect(platform.endpoints.create({ endpointName: 'x', variants: [{ modelName: 'cookbook-xgboost' }], dataCaptureConfig: { samplingPercentage: 150 } })).rejects.toThrow('InitialSamplingPercentage: got 150');
    // A destination no writer can use is refused before anything is created (no Failed endpoint left behind).
    await expect(platform.endpoints.create({ endpointName: 'bad-dest', variants: [{ modelName: 'cookbook-xgboost' }], dataCaptureConfig: { destinationS3Uri: 's3://bucket/x' } })).rejects.toThrow(
      /DestinationS3Uri: got "s3:\/\/bucket\/x", expected a location inside the workspace's object store/,
    );
    await expect(platform.endpoints.describe('bad-dest')).rejects.toThrow('endpoint "bad-dest" not found');
  });

  it('stores capture destinations as URIs: workspace paths as store URIs, absolute folders as file:// URIs', async () => {
    const inStore = await platform.endpoints.create({ endpointName: 'dest-rel', variants: [{ modelName: 'cookbook-xgboost' }], dataCaptureConfig: { destinationS3Uri: 'my/capture/' } });
    expect(inStore.DataCaptureConfig?.DestinationS3Uri).toBe(platform.objectStore.uriOf('my/capture'));
    const folder = `${fx.home}/outside-capture`;
    const d = await platform.endpoints.updateDataCaptureConfig('dest-rel', { samplingPercentage: 100, destinationS3Uri: folder });
    expect(d.DataCaptureConfig?.DestinationS3Uri).toBe(`file://${folder}`);
    await platform.endpoints.invoke('dest-rel', { body: ROW, contentType: 'text/csv' });
    await platform.endpoints.flushCapture('dest-rel');
    const files = await listCaptureFiles(resolveCaptureSink(platform.objectStore, d.DataCaptureConfig!.DestinationS3Uri), 'dest-rel');
    expect(files).toHaveLength(1);
    expect(files[0]!.uri.startsWith(`file://${folder}/dest-rel/AllTraffic/`)).toBe(true);
    await platform.endpoints.delete('dest-rel');
  });
});

describe('plumbline serve over HTTP', () => {
  beforeAll(async () => {
    const res = await fetch(`${base}/endpoints`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        endpointName: 'http-ep',
        variants: [{ variantName: 'blue', modelName: 'cookbook-xgboost', initialWeight: 1 }, { variantName: 'green', modelName: 'challenger', initialWeight: 1 }],
        dataCaptureConfig: { enableCapture: true, samplingPercentage: 100 },
      }),
    });
    expect(res.status, await res.clone().text()).toBe(201);
  });

  it('answers the SageMaker runtime path in CSV, JSON and JSON Lines, per variant', async () => {
    const csv = await post('/endpoints/http-ep/invocations', ROW, { 'x-amzn-sagemaker-target-variant': 'blue', 'x-amzn-sagemaker-inference-id': 'inf-1' });
    expect(csv.status).toBe(200);
    expect(csv.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    expect(csv.headers.get('x-amzn-invoked-production-variant')).toBe('blue');
    expect(Number(await csv.text())).toBe(await expected('cookbook-xgboost', ROW));
    const json = await post('/endpoints/http-ep/invocations', JSON.stringify({ instances: [[1, 92, 83, 86, 96, 67], [0, 70, 71, 72, 73, 74]] }), { 'content-type': 'application/json', 'x-amzn-sagemaker-target-variant': 'green' });
    const body = (await json.json()) as { predictions: { score: number }[] };
    expect(body.predictions[0]!.score).toBe(await expected('challenger', ROW));
    expect(body.predictions).toHaveLength(2);
    const lines = await post('/endpoints/http-ep/invocations', '[1,92,83,86,96,67]\n{"sex":0,"math":70,"science":71,"technology":72,"random1":73,"random2":74}', { 'content-type': 'application/jsonlines', accept: 'text/csv' });
    expect((await lines.text()).split('\n')).toHaveLength(2);
    const seen = new Set<string>();
    for (let i = 0; i < 40; i++) seen.add((await post('/endpoints/http-ep/invocations', ROW)).headers.get('x-amzn-invoked-production-variant')!);
    expect([...seen].sort()).toEqual(['blue', 'green']);
    const { records, files } = await captured('http-ep');
    expect(new Set(files.map((f) => f.variant))).toEqual(new Set(['blue', 'green']));
    expect(records.find((r) => r.eventMetadata?.inferenceId === 'inf-1')!.captureData.endpointInput!.data).toBe(ROW);
    expect(records).toHaveLength(43);
  });

  it('answers 400 naming the column and value, 404 for unknown endpoints, 413 past 6 MB', async () => {
    const bad = await post('/endpoints/http-ep/invocations', '1,92,abc,86,96,67');
    expect(bad.status).toBe(400);
    expect(await bad.json()).toMatchObject({ code: 'VALIDATION_FAILED', detail: 'column 3 (science): got "abc", expected a number' });
    const short = await post('/endpoints/http-ep/invocations', '1,92,83');
    expect(((await short.json()) as { detail: string }).detail).toBe('body: has 3 columns, expected 6 (sex, math, science, technology, random1, random2)');
    expect((await post('/endpoints/http-ep/invocations', '')).status).toBe(400);
    expect((await post('/endpoints/http-ep/invocations', ROW, { 'x-amzn-sagemaker-target-variant': 'red' })).status).toBe(400);
    const missing = await post('/endpoints/nope/invocations', ROW);
    expect(missing.status).toBe(404);
    expect(await missing.json()).toMatchObject({ code: 'NOT_FOUND', detail: 'endpoint "nope" not found' });
    const noRoute = await fetch(`${base}/no-such-route`);
    expect(noRoute.status).toBe(404);
    expect(await noRoute.json()).toMatchObject({ code: 'NOT_FOUND', title: 'Resource not found', detail: 'no route GET /no-such-route' });
    const big = await post('/endpoints/http-ep/invocations', (ROW + '\n').repeat(400_000));
    expect(big.status).toBe(413);
    expect(await big.json()).toMatchObject({ code: 'PAYLOAD_TOO_LARGE' });
    expect((await post('/endpoints/http-ep/invocations', ROW)).status).toBe(200);
  });

  it('answers 500 when the model fails and keeps serving', async () => {
    await platform.endpoints.create({ endpointName: 'flaky', variants: [{ variantName: 'bad', modelName: 'broken' }, { variantName: 'good', modelName: 'cookbook-xgboost', initialWeight: 0 }] });
    const failed = await post('/endpoints/flaky/invocations', ROW);
    expect(failed.status).toBe(500);
    expect(await failed.json()).toMatchObject({ code: 'MODEL_ERROR' });
    expect((await post('/endpoints/flaky/invocations', ROW, { 'x-amzn-sagemaker-target-variant': 'good' })).status).toBe(200);
    const metrics = await (await fetch(`${base}/metrics`)).text();
    expect(metrics).toContain('plumbline_endpoint_errors_total{endpoint="flaky",variant="bad",class="5xx"} 1');
    expect(metrics).toContain('plumbline_endpoint_errors_total{endpoint="http-ep",variant="-",class="4xx"} 1');
    expect(metrics).toMatch(/plumbline_endpoint_invocations_total\{endpoint="http-ep",variant="blue"\} \d+/);
    expect(metrics).toMatch(/plumbline_endpoint_model_latency_seconds_count\{endpoint="http-ep",variant="green"\} \d+/);
    expect(metrics).toMatch(/plumbline_endpoint_overhead_latency_seconds_bucket\{le="0.001",endpoint="http-ep",variant="blue"\} \d+/);
    expect(metrics).toMatch(/plumbline_capture_records_total\{endpoint="http-ep",variant="blue"\} \d+/);
  });

  it('swaps models and weights under load without failing a request', async () => {
    let stop = false;
    const statuses: number[] = [];
    const load = Promise.all(
      Array.from({ length: 8 }, async () => {
        while (!stop) statuses.push((await post('/endpoints/http-ep/invocations', ROW)).status);
      }),
    );
    for (const weights of [[1, 0], [0, 1], [1, 1]] as const) {
      const res = await fetch(`${base}/endpoints/http-ep`, {
        method: 'PATCH',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ variants: [{ variantName: 'blue', modelName: 'cookbook-xgboost', initialWeight: weights[0] }, { variantName: 'green', modelName: 'challenger', initialWeight: weights[1] }] }),
      });
      expect(res.status).toBe(200);
      await new Promise((r) => setTimeout(r, 30));
    }
    stop = true;
    await load;
    expect(statuses.length).toBeGreaterThan(10);
    expect(statuses.every((s) => s === 200)).toBe(true);
    const d = (await (await fetch(`${base}/endpoints/http-ep`)).json()) as { EndpointStatus: string; ProductionVariants: { CurrentWeight: number }[] };
    expect(d).toMatchObject({ EndpointStatus: 'InService', ProductionVariants: [{ CurrentWeight: 1 }, { CurrentWeight: 1 }] });
    const { records } = await captured('http-ep');
    // Every answered request was captured once, across three config swaps.
    expect(records.length).toBe(43 + 1 + statuses.length);
  });

  it('works through the SDK predictor over HTTP, and deletes', async () => {
    const predictor = platform.endpoints.predictor('http-ep', { url: base });
    predictor.deserializer = new JSONDeserializer();
    const r = (await predictor.predict(ROW, { targetVariant: 'blue' })) as { predictions: { score: number }[] };
    expect(r.predictions[0]!.score).toBe(await expected('cookbook-xgboost', ROW));
    expect(predictor.lastVariant).toBe('blue');
    await predictor.updateDataCaptureConfig({ enableCapture: true, samplingPercentage: 50 });
    expect((await predictor.describe()).DataCaptureConfig?.CurrentSamplingPercentage).toBe(50);
    await predictor.flushCapture();
    await predictor.deleteEndpoint();
    await expect(predictor.describe()).rejects.toThrow('endpoint "http-ep" not found');
    expect((await post('/endpoints/http-ep/invocations', ROW)).status).toBe(404);
  });
});

describe('enrichment and the standalone container', () => {
  it('fills a record id from the online store and captures the features the model saw', async () => {
    await platform.endpoints.create({ endpointName: 'enriched', variants: [{ modelName: 'cookbook-xgboost' }], featureGroupName: GROUP, dataCaptureConfig: { enableCapture: true, samplingPercentage: 100 } });
    const record = await platform.featureStore.getRecord(GROUP, '950');
    const row = FEATURES.map((f) => record.Record!.find((v) => v.FeatureName === f)!.ValueAsString).join(',');
    const byId = await platform.endpoints.invoke('enriched', { body: '950', contentType: 'text/csv' });
    expect(Number(byId.body)).toBe(await expected('cookbook-xgboost', row));
    const json = await platform.endpoints.invoke('enriched', { body: '{"index": 950}', contentType: 'application/json' });
    expect(JSON.parse(json.body).predictions[0].score).toBe(Number(byId.body));
    await expect(platform.endpoints.invoke('enriched', { body: '99999', contentType: 'text/csv' })).rejects.toThrow('record "99999" not found in the online store of feature group "cookbook-feature-group"');
    const { records } = await captured('enriched');
    expect(records[0]!.captureData.endpointInput).toMatchObject({ data: row.split(',').map(Number).join(','), encoding: 'CSV' });
  });

  it('speaks the container contract: GET /ping, POST /invocations', async () => {
    const container = await createContainerApp(platform.endpoints, 'enriched', platform.metrics);
    await container.listen({ port: 0, host: '127.0.0.1' });
    try {
      const url = `http://127.0.0.1:${(container.server.address() as AddressInfo).port}`;
      expect((await fetch(`${url}/ping`)).status).toBe(200);
      const res = await fetch(`${url}/invocations`, { method: 'POST', headers: { 'content-type': 'text/csv', accept: 'application/json' }, body: ROW });
      expect(res.status).toBe(200);
      expect(((await res.json()) as { predictions: unknown[] }).predictions).toHaveLength(1);
      expect((await fetch(`${url}/invocations`, { method: 'POST', headers: { 'content-type': 'text/csv' }, body: '1,x' })).status).toBe(400);
      expect(await (await fetch(`${url}/metrics`)).text()).toContain('plumbline_endpoint_invocations_total{endpoint="enriched"');
    } finally {
      await container.close();
    }
    await expect(createContainerApp(platform.endpoints, 'nope', platform.metrics)).rejects.toThrow('endpoint "nope" not found');
  });
});
