/**
 * @module storage/s3/s3-object-store.test
 * The object-store contract against an in-process s3rver, plus the S3-only behaviour: URIs, the download cache
 * and the client settings.
 */
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { S3Client } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { S3Options } from '../../config/index.js';
import { startS3rver, type TestS3 } from '../../../test/helpers/s3rver.js';
import { runObjectStoreContract } from '../object-store.contract.js';
import { s3ClientConfig } from './s3-client.js';
import { S3ObjectStore } from './s3-object-store.js';

const BUCKET = 'plumbline-test';
let server: TestS3;
let dir: string;
let s3: S3Options;
let stores = 0;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'plumbline-s3-store-'));
  server = await startS3rver(BUCKET);
  s3 = { endpoint: server.endpoint, region: 'us-east-1', forcePathStyle: true, accessKeyId: server.accessKeyId, secretAccessKey: server.secretAccessKey };
});

afterAll(async () => {
  await server?.stop();
  if (dir) await rm(dir, { recursive: true, force: true });
});

/** A store on its own prefix of the shared bucket, with its own download cache. */
function openStore(prefix?: string): S3ObjectStore {
  const n = ++stores;
  return new S3ObjectStore({ type: 's3', bucket: BUCKET, prefix: prefix ?? `t${n}/nested`, s3, cacheDir: join(dir, `cache-${n}`) });
}

runObjectStoreContract({
  name: 'S3ObjectStore on s3rver',
  create: async () => {
    const store = openStore();
    return { store, cleanup: () => store.deletePrefix('').then(() => store.close()) };
  },
  skip: [
    {
      test: 'list shows no temporary files, even during a write',
      reason: 's3rver streams an upload into the final file, so it lists a partial object; S3 publishes a PUT atomically',
    },
  ],
});

describe('S3ObjectStore', () => {
  it('roots URIs at s3://bucket/prefix, or at the bucket for an empty prefix', async () => {
    const store = openStore('team/');
    expect(store.rootUri).toBe(`s3://${BUCKET}/team`);
    expect(store.uriOf('a/b.parquet')).toBe(`s3://${BUCKET}/team/a/b.parquet`);
    const bare = openStore('');
    expect(bare.rootUri).toBe(`s3://${BUCKET}`);
    expect(bare.keyOf(`s3://${BUCKET}/team/a/b.parquet`)).toBe('team/a/b.parquet');
    await Promise.all([store.close(), bare.close()]);
  });

  it('keeps keys under the prefix', async () => {
    const store = openStore();
    const outer = openStore('');
    await store.put('k', 'v');
    const prefix = store.rootUri.slice(`s3://${BUCKET}/`.length);
    expect((await outer.list(prefix)).map((o) => o.key)).toEqual([`${prefix}/k`]);
    await store.deletePrefix('');
    await Promise.all([store.close(), outer.close()]);
  });

  it('caches localPath downloads under cacheDir/bucket/prefix/key and reuses them while unchanged', async () => {
    const store = openStore('cached/p');
    await store.put('c/file.bin', 'v1');
    const path = await store.localPath('c/file.bin');
    expect(path).toBe(join(dir, `cache-${stores}`, BUCKET, 'cached', 'p', 'c', 'file.bin'));
    const first = await stat(path);
    expect(await store.localPath('c/file.bin')).toBe(path);
    expect((await stat(path)).ino).toBe(first.ino);
    await store.put('c/file.bin', 'v2');
    expect(await readFile(await store.localPath('c/file.bin'), 'utf8')).toBe('v2');
    await store.deletePrefix('');
    await store.close();
  });

  it('maps driver failures to STORE_UNAVAILABLE', async () => {
    const store = new S3ObjectStore({ type: 's3', bucket: 'no-such-bucket', prefix: '', s3, cacheDir: join(dir, 'cache-x') });
    await expect(store.put('k', 'v')).rejects.toMatchObject({ code: 'STORE_UNAVAILABLE' });
    await expect(store.list('')).rejects.toMatchObject({ code: 'STORE_UNAVAILABLE' });
    await store.close();
  });
});

describe('s3ClientConfig', () => {
  const base: S3Options = { region: 'eu-west-1', forcePathStyle: false };
  const local: S3Options = { ...base, endpoint: 'http://127.0.0.1:9000', forcePathStyle: true };

  it('uses the SDK default credential chain for AWS itself', () => {
    expect(s3ClientConfig(base, { AWS_ACCESS_KEY_ID: 'a', AWS_SECRET_ACCESS_KEY: 'b' }).credentials).toBeUndefined();
  });

  it('prefers explicit keys, then env keys, then dummy keys for an endpoint override', () => {
    expect(s3ClientConfig({ ...local, accessKeyId: 'k', secretAccessKey: 's' }, {}).credentials).toEqual({ accessKeyId: 'k', secretAccessKey: 's' });
    expect(s3ClientConfig(local, { AWS_ACCESS_KEY_ID: 'a', AWS_SECRET_ACCESS_KEY: 'b' }).credentials).toEqual({ accessKeyId: 'a', secretAccessKey: 'b' });
    expect(s3ClientConfig(local, {}).credentials).toEqual({ accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' });
    expect(s3ClientConfig(local, { AWS_PROFILE: 'minio' }).credentials).toBeUndefined();
  });

  it('rejects half a key pair', () => {
    expect(() => s3ClientConfig({ ...local, accessKeyId: 'k' }, {})).toThrow(/together/);
  });
});

describe('S3ObjectStore paging', () => {
  // s3rver cannot page: its continuation tokens use DES, which Node 17+ (OpenSSL 3) refuses, and it walks
  // folders unsorted, so start-after would skip keys anyway. Canned answers stand in for the server here.
  type Command = { constructor: { name: string }; input: Record<string, unknown> };
  function fakeStore(answer: (command: Command) => unknown) {
    const client = new S3Client(s3ClientConfig({ region: 'us-east-1', forcePathStyle: true, endpoint: 'http://127.0.0.1:9' }, {}));
    // Copies, because the SDK's paginator reuses one input object for every page.
    const inputs: Record<string, unknown>[] = [];
    vi.spyOn(client, 'send').mockImplementation((async (command: Command) => {
      inputs.push({ ...command.input });
      return answer(command);
    }) as never);
    const store = new S3ObjectStore({ type: 's3', bucket: 'b', prefix: 'p', s3, cacheDir: join(dir, 'cache-fake') }, client);
    return { store, inputs };
  }
  const object = (key: string) => ({ Key: `p/${key}`, Size: 1, LastModified: new Date(0) });

  it('follows continuation tokens and sorts the result', async () => {
    const { store, inputs } = fakeStore(({ input }) =>
      input.ContinuationToken === undefined
        ? { Contents: [object('c'), object('a')], IsTruncated: true, NextContinuationToken: 'next' }
        : { Contents: [object('b')], IsTruncated: false },
    );
    expect((await store.list('')).map((o) => o.key)).toEqual(['a', 'b', 'c']);
    expect(inputs.map((i) => [i.Prefix, i.ContinuationToken])).toEqual([['p/', undefined], ['p/', 'next']]);
    await store.close();
  });

  it('deletes in batches of 1000', async () => {
    const keys = Array.from({ length: 2500 }, (_, i) => object(String(i).padStart(4, '0')));
    const { store, inputs } = fakeStore((command) => (command.constructor.name === 'ListObjectsV2Command' ? { Contents: keys } : {}));
    expect(await store.deletePrefix('')).toBe(2500);
    const batches = inputs.slice(1).map((i) => (i.Delete as { Objects: unknown[] }).Objects.length);
    expect(batches).toEqual([1000, 1000, 500]);
    await store.close();
  });
});
