/**
 * @module server/aws-sdk.test
 * SageMaker runtime conformance: the real AWS SDK v3 client (`@aws-sdk/client-sagemaker-runtime`) pointed at
 * `plumbline serve` on 127.0.0.1 invokes endpoints (ContentType, Accept, TargetVariant, InferenceId,
 * CustomAttributes), reads the answer's headers as it reads SageMaker's, raises its typed exceptions
 * (ValidationError, ModelError) with the server's messages, and the SDK's request lands in the capture files
 * with its inference id.
 */
import { createServer as createHttpServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { InvokeEndpointCommand, ModelError, SageMakerRuntimeClient, ValidationError } from '@aws-sdk/client-sagemaker-runtime';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FEATURES, servingFixture, type ServingFixture } from '../../test/helpers/serving-fixture.js';
import { createServer, listCaptureFiles, readCaptureFile, resolveCaptureSink, tableFromRows, type Platform } from '../index.js';

const ROW = '1,92,83,86,96,67';

let fx: ServingFixture;
let platform: Platform;
let app: FastifyInstance;
let broken: Server;
let client: SageMakerRuntimeClient;

async function expected(model: string, row: string): Promise<number> {
  const values = row.split(',').map(Number);
  const table = tableFromRows([Object.fromEntries(FEATURES.map((f, i) => [f, values[i]!]))]);
  const out = await platform.models.predict(model, table);
  return (out.columns.find((c) => c.name === 'score')!.values as Float64Array)[0]!;
}

/** The SDK's error for a call that must fail. */
async function failure(input: ConstructorParameters<typeof InvokeEndpointCommand>[0]): Promise<Error & { $metadata: { httpStatusCode?: number }; $fault: string }> {
  try {
    await client.send(new InvokeEndpointCommand(input));
  } catch (e) {
    return e as Error & { $metadata: { httpStatusCode?: number }; $fault: string };
  }
  throw new Error('the call succeeded');
}

beforeAll(async () => {
  fx = await servingFixture({ models: ['cookbook-xgboost', 'challenger'] });
  platform = fx.platform;
  // A model server that fails every prediction: SageMaker reports this as ModelError.
  broken = createHttpServer((req, res) => {
    res.statusCode = req.url === '/ping' ? 200 : 500;
    res.end('boom');
  });
  await new Promise<void>((r) => broken.listen(0, '127.0.0.1', r));
  await platform.models.registerRemote('broken', `http://127.0.0.1:${(broken.address() as AddressInfo).port}`, FEATURES);
  await platform.endpoints.create({
    endpointName: 'sdk-endpoint',
    variants: [
      { variantName: 'Champion', modelName: 'cookbook-xgboost', initialWeight: 1 },
      { variantName: 'Challenger', modelName: 'challenger', initialWeight: 1 },
    ],
    dataCaptureConfig: { enableCapture: true, samplingPercentage: 100 },
  });
  await platform.endpoints.create({ endpointName: 'sdk-broken', variants: [{ modelName: 'broken' }] });
  app = await createServer({ platform, syncIntervalMs: 0 });
  await app.listen({ port: 0, host: '127.0.0.1' });
  client = new SageMakerRuntimeClient({
    endpoint: `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`,
    region: 'us-east-1',
    credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY' },
    maxAttempts: 1,
  });
});

afterAll(async () => {
  client?.destroy();
  await app?.close();
  broken?.close();
  await fx?.cleanup();
});

describe('the AWS SDK SageMakerRuntimeClient against plumbline serve', () => {
  it('invokes a target variant and reads ContentType, InvokedProductionVariant and CustomAttributes', async () => {
    const out = await client.send(
      new InvokeEndpointCommand({
        EndpointName: 'sdk-endpoint',
        ContentType: 'text/csv',
        Accept: 'application/json',
        Body: ROW,
        TargetVariant: 'Challenger',
        InferenceId: 'sdk-inference-1',
        CustomAttributes: 'c000b4f9-df62-4c85-a0bf-7c525f9104a4',
      }),
    );
    expect(out.$metadata.httpStatusCode).toBe(200);
    expect(out.ContentType).toBe('application/json');
    expect(out.InvokedProductionVariant).toBe('Challenger');
    expect(out.CustomAttributes).toBe('c000b4f9-df62-4c85-a0bf-7c525f9104a4');
    const answer = JSON.parse(new TextDecoder().decode(out.Body)) as { predictions: { score: number }[] };
    expect(answer.predictions).toHaveLength(1);
    expect(answer.predictions[0]!.score).toBe(await expected('challenger', ROW));

    const csv = await client.send(new InvokeEndpointCommand({ EndpointName: 'sdk-endpoint', ContentType: 'text/csv', Accept: 'text/csv', Body: `${ROW}\n${ROW}`, TargetVariant: 'Champion' }));
    expect(csv.ContentType).toMatch(/^text\/csv(;|$)/);
    expect(csv.InvokedProductionVariant).toBe('Champion');
    expect(csv.CustomAttributes).toBeUndefined();
    const score = await expected('cookbook-xgboost', ROW);
    expect(new TextDecoder().decode(csv.Body).trim().split('\n').map(Number)).toEqual([score, score]);

    const json = await client.send(
      new InvokeEndpointCommand({ EndpointName: 'sdk-endpoint', ContentType: 'application/json', Accept: 'application/json', Body: JSON.stringify({ instances: [ROW.split(',').map(Number)] }), TargetVariant: 'Champion' }),
    );
    expect(json.ContentType).toBe('application/json');
    expect(JSON.parse(new TextDecoder().decode(json.Body))).toEqual({ predictions: [{ score }] });
  });

  it('records the SDK request in the capture files with its inference id and custom attributes', async () => {
    await client.send(
      new InvokeEndpointCommand({ EndpointName: 'sdk-endpoint', ContentType: 'text/csv', Accept: 'application/json', Body: ROW, TargetVariant: 'Champion', InferenceId: 'sdk-captured-42', CustomAttributes: 'trace=7' }),
    );
    await platform.endpoints.flushCapture('sdk-endpoint');
    const d = await platform.endpoints.describe('sdk-endpoint');
    const sink = resolveCaptureSink(platform.objectStore, d.DataCaptureConfig!.DestinationS3Uri);
    const files = await listCaptureFiles(sink, 'sdk-endpoint', { variant: 'Champion' });
    const records = (await Promise.all(files.map((f) => readCaptureFile(sink, f)))).flat();
    const mine = records.filter((r) => r.eventMetadata?.inferenceId === 'sdk-captured-42');
    expect(mine).toHaveLength(1);
    const r = mine[0]!;
    expect(r.eventMetadata?.customAttributes).toEqual(['trace=7']);
    expect(r.captureData.endpointInput).toMatchObject({ observedContentType: 'text/csv', mode: 'INPUT', data: ROW, encoding: 'CSV' });
    expect(r.captureData.endpointOutput).toMatchObject({ observedContentType: 'application/json', mode: 'OUTPUT', encoding: 'JSON' });
    expect(JSON.parse(r.captureData.endpointOutput!.data)).toEqual({ predictions: [{ score: await expected('cookbook-xgboost', ROW) }] });
  });

  it('raises ValidationError for a malformed CSV body, naming the column and the value', async () => {
    const e = await failure({ EndpointName: 'sdk-endpoint', ContentType: 'text/csv', Body: '1,92,abc,86,96,67', TargetVariant: 'Champion' });
    expect(e).toBeInstanceOf(ValidationError);
    expect(e.name).toBe('ValidationError');
    expect(e.$fault).toBe('client');
    expect(e.$metadata.httpStatusCode).toBe(400);
    expect((e.$metadata as { requestId?: string }).requestId).toMatch(/^[0-9a-f-]{36}$/);
    expect(e.message).toMatch(/science/);
    expect(e.message).toMatch(/"abc"/);
    const wrong = await failure({ EndpointName: 'sdk-endpoint', ContentType: 'text/csv', Body: '1,92,83' });
    expect(wrong).toBeInstanceOf(ValidationError);
    expect(wrong.message).toMatch(/3/);
  });

  it('raises ValidationError for an unknown endpoint, an unknown variant and a payload over 6 MB', async () => {
    const unknown = await failure({ EndpointName: 'no-such-endpoint', ContentType: 'text/csv', Body: ROW });
    expect(unknown).toBeInstanceOf(ValidationError);
    expect(unknown.message).toMatch(/no-such-endpoint/);
    expect(unknown.$metadata.httpStatusCode).toBe(404);
    const variant = await failure({ EndpointName: 'sdk-endpoint', ContentType: 'text/csv', Body: ROW, TargetVariant: 'Nope' });
    expect(variant).toBeInstanceOf(ValidationError);
    expect(variant.message).toMatch(/TargetVariant/);
    expect(variant.message).toMatch(/Champion, Challenger/);
    const big = await failure({ EndpointName: 'sdk-endpoint', ContentType: 'text/csv', Body: `${ROW}\n`.repeat(400_000) });
    expect(big).toBeInstanceOf(ValidationError);
    expect(big.$metadata.httpStatusCode).toBe(413);
    expect(big.message).toMatch(/6 MB/);
  });

  it('raises ModelError with OriginalStatusCode when the model fails, and the endpoint keeps serving', async () => {
    const e = (await failure({ EndpointName: 'sdk-broken', ContentType: 'text/csv', Body: ROW })) as ModelError & { $metadata: { httpStatusCode?: number } };
    expect(e).toBeInstanceOf(ModelError);
    expect(e.name).toBe('ModelError');
    expect(e.message).toMatch(/model "broken"/);
    expect(e.OriginalStatusCode).toBe(500);
    expect(e.OriginalMessage).toBe(e.message);
    const ok = await client.send(new InvokeEndpointCommand({ EndpointName: 'sdk-endpoint', ContentType: 'text/csv', Body: ROW }));
    expect(ok.$metadata.httpStatusCode).toBe(200);
  });
});
