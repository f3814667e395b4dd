import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Fastify from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPlatform, tableFromRows, type Platform } from '../index.js';

describe('a remote model in the registry', () => {
  let dir: string;
  let platform: Platform;
  const app = Fastify();
  let url: string;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'plumbline-remote-'));
    platform = await createPlatform({ home: dir, offlineFlushIntervalMs: 0, purgeIntervalMs: 0 });
    // A SageMaker-style container: CSV rows in, one score per row out (here: the mean of the features / 100).
    app.addContentTypeParser('text/csv', { parseAs: 'string' }, (_req, body, done) => done(null, body));
    app.get('/ping', async () => '');
    app.post('/invocations', async (req) => {
      const rows = String(req.body).trim().split('\n').map((l) => l.split(',').map(Number));
      return { predictions: rows.map((r) => ({ score: r.reduce((s, x) => s + x, 0) / r.length / 100 })) };
    });
    url = await app.listen({ host: '127.0.0.1', port: 0 });
  });
  afterAll(async () => {
    await app.close();
    await platform.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('predicts through the server by feature name, like a local model', async () => {
    await platform.models.registerRemote('remote-mean', url, ['math', 'science']);
    expect(await platform.models.describe('remote-mean')).toMatchObject({ format: 'remote', remoteUrl: url, source: 'remote' });
    const out = await platform.models.predict('remote-mean', tableFromRows([{ science: 80, math: 60, other: 1 }, { science: 100, math: 100, other: 2 }]));
    expect(Array.from(out.columns.find((c) => c.name === 'score')!.values as Float64Array)).toEqual([0.7, 1]);
    await expect(platform.models.registerRemote('remote-bad', 'ftp://x', ['a'])).rejects.toThrow(/url: got "ftp:\/\/x"/);
  });
});
