/**
 * @module models/remote/remote-predictor.test
 * A real fastify server on 127.0.0.1 playing SageMaker containers: one route prefix per behaviour (JSON
 * scores, JSON probabilities, CSV, 500, 400, slow, garbage), each recording the requests it received.
 */
import Fastify, { type FastifyInstance } from 'fastify';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { isPlatformError } from '../../core/errors.js';
import type { FeatureMatrix } from '../predictor.js';
import { createRemotePredictor } from './index.js';

interface Seen {
  bodies: string[];
  headers: Array<Record<string, unknown>>;
  inFlight: number;
  maxInFlight: number;
}

const seen = new Map<string, Seen>();
let app: FastifyInstance;
let base: string;

/** The "model": sigmoid of the row sum, missing (empty) fields counting as 0. */
function score(line: string): number {
  const sum = line.split(',').reduce((s, f) => s + (f === '' ? 0 : Number(f)), 0);
  return 1 / (1 + Math.exp(-sum));
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function record(variant: string, body: string, headers: Record<string, unknown>): Seen {
  const s = seen.get(variant) ?? { bodies: [], headers: [], inFlight: 0, maxInFlight: 0 };
  seen.set(variant, s);
  s.bodies.push(body);
  s.headers.push(headers);
  return s;
}

beforeAll(async () => {
  // A request aborted while its connection was opening leaves a socket that never sends headers; Node counts
  // it as active until headersTimeout (60 s), so close must destroy connections rather than wait for idle.
  app = Fastify({ forceCloseConnections: true });
  app.addContentTypeParser('text/csv', { parseAs: 'string' }, (_req, body, done) => done(null, body));
  app.get<{ Params: { variant: string } }>('/:variant/ping', async (req, reply) => {
    if (req.params.variant === 'fail') return reply.code(503).send({ message: 'model not loaded' });
    return reply.code(200).send('');
  });
  app.post<{ Params: { variant: string }; Body: string }>('/:variant/invocations', async (req, reply) => {
    const { variant } = req.params;
    const s = record(variant, req.body, req.headers);
    s.inFlight++;
    s.maxInFlight = Math.max(s.maxInFlight, s.inFlight);
    try {
      await sleep(variant === 'slow' ? 1_000 : 25);
      const scores = req.body.split('\n').map(score);
      switch (variant) {
        case 'json':
          return reply.send({ predictions: scores.map((x) => ({ score: x })) });
        case 'proba':
          return reply.send({ predictions: scores.map((x) => ({ probabilities: [1 - x, x] })) });
        case 'csv':
          return reply.type('text/csv').send(scores.join('\n') + '\n');
        case 'fail':
          return reply.code(500).send({ message: 'model exploded: out of memory' });
        case 'reject':
          return reply.code(415).type('text/plain').send('This predictor only supports CSV data');
        case 'garbage':
          return reply.type('text/html').send('<html><body>Bad Gateway</body></html>');
        default:
          return reply.send({ predictions: scores });
      }
    } finally {
      s.inFlight--;
    }
  });
  base = await app.listen({ host: '127.0.0.1', port: 0 });
});

afterAll(async () => {
  await app.close();
});

beforeEach(() => seen.clear());

function matrix(rows: number, cols = 3): FeatureMatrix {
  return { rows, cols, values: Float64Array.from({ length: rows * cols }, (_, i) => ((i * 7919) % 101) / 50 - 1) };
}

function expectedScores(m: FeatureMatrix): number[] {
  return Array.from({ length: m.rows }, (_, i) => {
    let sum = 0;
    for (let j = 0; j < m.cols; j++) sum += Number.isNaN(m.values[i * m.cols + j]!) ? 0 : m.values[i * m.cols + j]!;
    return 1 / (1 + Math.exp(-sum));
  });
}

async function rejection(promise: Promise<unknown>): Promise<{ code: string; message: string; details?: Record<string, unknown> }> {
  try {
    await promise;
  } catch (e) {
    if (isPlatformError(e)) return { code: e.code, message: e.message, ...(e.details ? { details: e.details } : {}) };
    throw e;
  }
  throw new Error('expected a rejection');
}

const features = ['a', 'b', 'c'];

describe('createRemotePredictor: predictions', () => {
  it('sends CSV rows and reads JSON scores', async () => {
    const p = createRemotePredictor({ url: `${base}/json/`, featureNames: features, headers: { Authorization: 'Bearer t0ken' } });
    expect(p.kind).toBe('remote');
    expect(p.outputNames).toEqual(['score']);
    const m = matrix(4);
    m.values[1] = NaN;
    m.values[5] = 0.1 + 0.2;
    expect(Array.from(await p.predict(m))).toEqual(expectedScores(m));
    const body = seen.get('json')!.bodies[0]!;
    expect(body.split('\n')).toHaveLength(4);
    expect(body.split('\n')[0]).toBe(`${m.values[0]},,${m.values[2]}`);
    expect(body.split('\n')[1]!.split(',')[2]).toBe('0.30000000000000004');
    expect(seen.get('json')!.headers[0]).toMatchObject({ 'content-type': 'text/csv', accept: 'application/json', authorization: 'Bearer t0ken' });
  });

  it('reads probability lists into one column per class', async () => {
    const p = createRemotePredictor({ url: `${base}/proba`, featureNames: features, outputNames: ['0', '1'] });
    const m = matrix(3);
    const out = await p.predict(m);
    expect(Array.from(out)).toEqual(expectedScores(m).flatMap((x) => [1 - x, x]));
  });

  it('reads a CSV response and asks for it with Accept: text/csv', async () => {
    const p = createRemotePredictor({ url: `${base}/csv`, featureNames: features, accept: 'text/csv' });
    const m = matrix(5);
    expect(Array.from(await p.predict(m))).toEqual(expectedScores(m));
    expect(seen.get('csv')!.headers[0]).toMatchObject({ accept: 'text/csv' });
  });

  it('splits 2,500 rows into 3 requests, 2 in flight at a time, keeping row order', async () => {
    const p = createRemotePredictor({ url: `${base}/json`, featureNames: features });
    const m = matrix(2_500);
    expect(Array.from(await p.predict(m))).toEqual(expectedScores(m));
    const s = seen.get('json')!;
    expect(s.bodies.map((b) => b.split('\n').length).sort()).toEqual([1_000, 1_000, 500]);
    expect(s.maxInFlight).toBe(2);
  });

  it('sends nothing for no rows and rejects a wrong feature count naming both numbers', async () => {
    const p = createRemotePredictor({ url: `${base}/json`, featureNames: features });
    expect(await p.predict({ rows: 0, cols: 3, values: new Float64Array(0) })).toEqual(new Float64Array(0));
    expect(seen.get('json')).toBeUndefined();
    const e = await rejection(p.predict(matrix(2, 4)));
    expect(e.code).toBe('VALIDATION_FAILED');
    expect(e.message).toBe('matrix.cols: got 4 feature columns, the remote model reads 3 (a, b, c)');
  });
});

describe('createRemotePredictor: failures', () => {
  it('maps a 5xx to retryable STORE_UNAVAILABLE with the server message, and stops sending', async () => {
    const p = createRemotePredictor({ url: `${base}/fail`, featureNames: features, maxRowsPerRequest: 10 });
    const e = await rejection(p.predict(matrix(100)));
    expect(e.code).toBe('STORE_UNAVAILABLE');
    expect(e.message).toBe(`remote model POST /invocations (${base}/fail/invocations) answered 500 Internal Server Error: model exploded: out of memory`);
    expect(e.details).toEqual({ url: `${base}/fail/invocations`, status: 500 });
    expect(seen.get('fail')!.bodies.length).toBeLessThanOrEqual(2); // of 10 batches
  });

  it('maps a 4xx to VALIDATION_FAILED with the server text', async () => {
    const p = createRemotePredictor({ url: `${base}/reject`, featureNames: features });
    const e = await rejection(p.predict(matrix(2)));
    expect(e.code).toBe('VALIDATION_FAILED');
    expect(e.message).toContain('answered 415 Unsupported Media Type: This predictor only supports CSV data');
  });

  it('times out a slow server with TIMEOUT', async () => {
    const p = createRemotePredictor({ url: `${base}/slow`, featureNames: features, timeoutMs: 150 });
    const started = Date.now();
    const e = await rejection(p.predict(matrix(2)));
    expect(e.code).toBe('TIMEOUT');
    expect(e.message).toBe(`remote model POST /invocations (${base}/slow/invocations) did not answer within 150 ms`);
    expect(Date.now() - started).toBeLessThan(900);
  });

  it('quotes an unparsable response', async () => {
    const p = createRemotePredictor({ url: `${base}/garbage`, featureNames: features });
    const e = await rejection(p.predict(matrix(2)));
    expect(e.code).toBe('SCHEMA_MISMATCH');
    expect(e.message).toContain('the response starts with "<html><body>Bad Gateway</body></html>"');
  });

  it('says when outputNames does not match the number of values per row', async () => {
    const p = createRemotePredictor({ url: `${base}/proba`, featureNames: features });
    const e = await rejection(p.predict(matrix(2)));
    expect(e.code).toBe('SCHEMA_MISMATCH');
    expect(e.message).toContain('2 values per row where 1 were expected (outputNames has 1; pass outputNames to match the model)');
  });

  it('reports connection failures with the socket error', async () => {
    const closed = Fastify();
    const url = await closed.listen({ host: '127.0.0.1', port: 0 });
    await closed.close();
    const p = createRemotePredictor({ url, featureNames: features });
    const e = await rejection(p.predict(matrix(1)));
    expect(e.code).toBe('STORE_UNAVAILABLE');
    expect(e.message).toMatch(/ECONNREFUSED/);
    expect((await rejection(p.checkHealth())).code).toBe('STORE_UNAVAILABLE');
  });
});

describe('createRemotePredictor: health and options', () => {
  it('checks /ping', async () => {
    await expect(createRemotePredictor({ url: `${base}/json`, featureNames: features }).checkHealth()).resolves.toBeUndefined();
    const e = await rejection(createRemotePredictor({ url: `${base}/fail`, featureNames: features }).checkHealth());
    expect(e.code).toBe('STORE_UNAVAILABLE');
    expect(e.message).toBe(`remote model GET /ping (${base}/fail/ping) answered 503 Service Unavailable: model not loaded`);
  });

  it('validates its options', () => {
    expect(() => createRemotePredictor({ url: 'localhost:8080', featureNames: features })).toThrow(/url: got "localhost:8080", expected an http\(s\) URL/);
    expect(() => createRemotePredictor({ url: base, featureNames: [] })).toThrow(/featureNames/);
    expect(() => createRemotePredictor({ url: base, featureNames: features, maxRowsPerRequest: 0 })).toThrow('maxRowsPerRequest: got 0, expected a positive integer');
    expect(() => createRemotePredictor({ url: base, featureNames: features, timeoutMs: 1.5 })).toThrow(/timeoutMs/);
  });
});
