/**
 * @module storage/s3/s3-object-store
 * The object store on S3 or an S3-compatible server (MinIO, s3rver): keys live under `prefix/` in the bucket.
 * A single PutObject is atomic on S3, so writes need no temporary objects. `localPath` downloads into a local
 * cache that is reused while the object's ETag, size and LastModified stay the same.
 */
import { createReadStream, createWriteStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import {
  DeleteObjectCommand,
  DeleteObjectsCommand,
  GetObjectCommand,
  HeadObjectCommand,
  paginateListObjectsV2,
  PutObjectCommand,
  type S3Client,
} from '@aws-sdk/client-s3';
import type { ObjectStoreConfig } from '../../config/index.js';
import { NotFoundError, StoreError } from '../../core/errors.js';
import { checkKey, type ObjectInfo, type ObjectStore } from '../object-store.js';
import { LocalCache, type RemoteVersion } from './local-cache.js';
import { createS3Client, isNoSuchKey } from './s3-client.js';

export type S3ObjectStoreConfig = Extract<ObjectStoreConfig, { type: 's3' }>;

/** DeleteObjects takes at most this many keys per request. */
const DELETE_BATCH = 1000;

export class S3ObjectStore implements ObjectStore {
  readonly capabilities = { localFiles: false } as const;
  readonly rootUri: string;
  private readonly client: S3Client;
  private readonly bucket: string;
  /** `''` or `prefix/`, prepended to every key. */
  private readonly base: string;
  private readonly cache: LocalCache;

  /** `client` defaults to one built from `config.s3`; the store closes whichever it uses. */
  constructor(config: S3ObjectStoreConfig, client?: S3Client) {
    const prefix = config.prefix.replace(/^\/+|\/+$/g, '');
    if (prefix !== '') checkKey(prefix);
    this.bucket = config.bucket;
    this.base = prefix === '' ? '' : `${prefix}/`;
    this.rootUri = `s3://${config.bucket}${prefix === '' ? '' : `/${prefix}`}`;
    this.client = client ?? createS3Client(config.s3);
    this.cache = new LocalCache(config.cacheDir);
  }

  uriOf(key: string): string {
    return `${this.rootUri}/${checkKey(key)}`;
  }

  keyOf(uri: string): string | undefined {
    if (!uri.includes('://')) return validKey(uri.replace(/^\.\//, ''));
    if (uri === this.rootUri || uri === `${this.rootUri}/`) return '';
    return uri.startsWith(`${this.rootUri}/`) ? validKey(uri.slice(this.rootUri.length + 1)) : undefined;
  }

  async put(key: string, body: Uint8Array | string): Promise<void> {
    const Key = this.objectKey(key);
    const Body = typeof body === 'string' ? Buffer.from(body, 'utf8') : body;
    await this.call('put', key, () => this.client.send(new PutObjectCommand({ Bucket: this.bucket, Key, Body, ContentLength: Body.byteLength })));
  }

  async putFile(key: string, localPath: string): Promise<void> {
    const Key = this.objectKey(key);
    const { size } = await stat(localPath);
    await this.call('putFile', key, () =>
      this.client.send(new PutObjectCommand({ Bucket: this.bucket, Key, Body: createReadStream(localPath), ContentLength: size })),
    );
  }

  async get(key: string): Promise<Uint8Array> {
    const Key = this.objectKey(key);
    return this.call('get', key, async () => {
      const res = await this.client.send(new GetObjectCommand({ Bucket: this.bucket, Key }));
      return res.Body ? await res.Body.transformToByteArray() : new Uint8Array(0);
    });
  }

  async exists(key: string): Promise<boolean> {
    const Key = this.objectKey(key);
    try {
      await this.client.send(new HeadObjectCommand({ Bucket: this.bucket, Key }));
      return true;
    } catch (e) {
      if (isNoSuchKey(e)) return false;
      throw new StoreError('s3', `exists ${this.uriOf(key)}`, e);
    }
  }

  async list(prefix: string): Promise<ObjectInfo[]> {
    const out: ObjectInfo[] = [];
    await this.call('list', undefined, async () => {
      for await (const page of paginateListObjectsV2({ client: this.client }, { Bucket: this.bucket, Prefix: this.base + prefix })) {
        for (const o of page.Contents ?? []) {
          out.push({ key: o.Key!.slice(this.base.length), size: o.Size ?? 0, lastModified: o.LastModified?.getTime() ?? 0 });
        }
      }
    });
    // S3 itself lists in order, but not every S3-compatible server does (s3rver walks its folders unsorted).
    return out.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  }

  async delete(key: string): Promise<void> {
    const Key = this.objectKey(key);
    await this.call('delete', key, () => this.client.send(new DeleteObjectCommand({ Bucket: this.bucket, Key })));
  }

  async deletePrefix(prefix: string): Promise<number> {
    const keys = (await this.list(prefix)).map((o) => o.key);
    for (let i = 0; i < keys.length; i += DELETE_BATCH) {
      const Objects = keys.slice(i, i + DELETE_BATCH).map((k) => ({ Key: this.base + k }));
      const res = await this.call('deletePrefix', undefined, () =>
        this.client.send(new DeleteObjectsCommand({ Bucket: this.bucket, Delete: { Objects, Quiet: true } })),
      );
      const failed = res.Errors ?? [];
      if (failed.length > 0) {
        const first = failed[0];
        throw new StoreError('s3', `deletePrefix ${this.rootUri}/${prefix}`, new Error(`${failed.length} objects not deleted, e.g. ${first.Key}: ${first.Code} ${first.Message}`));
      }
    }
    return keys.length;
  }

  async localPath(key: string): Promise<string> {
    const Key = this.objectKey(key);
    const cachePath = `${this.bucket}/${Key}`;
    return this.call('localPath', key, async () => {
      const head = async () => versionOf(await this.client.send(new HeadObjectCommand({ Bucket: this.bucket, Key })));
      const cached = await this.cache.lookup(cachePath, head);
      if (cached !== undefined) return cached;
      const res = await this.client.send(new GetObjectCommand({ Bucket: this.bucket, Key }));
      return this.cache.store(cachePath, versionOf(res), async (tmp) => {
        const body = res.Body instanceof Readable ? res.Body : Readable.from([]);
        await pipeline(body, createWriteStream(tmp));
      });
    });
  }

  async close(): Promise<void> {
    this.client.destroy();
  }

  private objectKey(key: string): string {
    return this.base + checkKey(key);
  }

  /** Runs one S3 call: a missing object becomes OBJECT_NOT_FOUND (when `key` is given), any other failure a StoreError. */
  private async call<T>(operation: string, key: string | undefined, run: () => Promise<T>): Promise<T> {
    try {
      return await run();
    } catch (e) {
      if (key !== undefined && isNoSuchKey(e)) throw new NotFoundError('object', this.uriOf(key), 'OBJECT_NOT_FOUND');
      throw new StoreError('s3', key === undefined ? operation : `${operation} ${this.uriOf(key)}`, e);
    }
  }
}

function versionOf(res: { ETag?: string; ContentLength?: number; LastModified?: Date }): RemoteVersion {
  return { etag: res.ETag, size: res.ContentLength ?? 0, lastModified: res.LastModified?.getTime() };
}

function validKey(key: string): string | undefined {
  try {
    return checkKey(key);
  } catch {
    return undefined;
  }
}
