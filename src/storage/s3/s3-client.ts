/**
 * @module storage/s3/s3-client
 * Builds the S3 client from the workspace's `s3` options, and recognises "no such object" answers.
 */
import { S3Client, type S3ClientConfig } from '@aws-sdk/client-s3';
import type { S3Options } from '../../config/index.js';
import { PlatformError } from '../../core/errors.js';

/**
 * Client settings. Credentials: explicit ones from the config; else, for AWS itself, the SDK's default chain;
 * else (an endpoint override, i.e. an S3-compatible server) the env keys, the named profile, or dummy keys.
 */
export function s3ClientConfig(options: S3Options, env: NodeJS.ProcessEnv = process.env): S3ClientConfig {
  return {
    region: options.region,
    forcePathStyle: options.forcePathStyle,
    ...(options.endpoint ? { endpoint: options.endpoint } : {}),
    ...credentialsFor(options, env),
    // Many S3-compatible servers (s3rver, older MinIO, Ceph) do not understand the CRC32 headers and
    // aws-chunked trailers the SDK sends by default; s3rver even stores the chunk framing as object bytes.
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
  };
}

function credentialsFor(options: S3Options, env: NodeJS.ProcessEnv): Pick<S3ClientConfig, 'credentials'> {
  const { accessKeyId, secretAccessKey } = options;
  if (accessKeyId !== undefined || secretAccessKey !== undefined) {
    if (!accessKeyId || !secretAccessKey) {
      throw new PlatformError('CONFIG_INVALID', 's3: accessKeyId and secretAccessKey must be given together');
    }
    return { credentials: { accessKeyId, secretAccessKey } };
  }
  if (!options.endpoint || env.AWS_PROFILE) return {};
  if (env.AWS_ACCESS_KEY_ID && env.AWS_SECRET_ACCESS_KEY) {
    return {
      credentials: {
        accessKeyId: env.AWS_ACCESS_KEY_ID,
        secretAccessKey: env.AWS_SECRET_ACCESS_KEY,
        ...(env.AWS_SESSION_TOKEN ? { sessionToken: env.AWS_SESSION_TOKEN } : {}),
      },
    };
  }
  // Not the default chain: with no keys it would probe the EC2 metadata service and stall for seconds.
  // s3rver accepts only this pair; servers that skip auth accept anything.
  return { credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' } };
}

export function createS3Client(options: S3Options): S3Client {
  return new S3Client(s3ClientConfig(options));
}

/**
 * GetObject answers NoSuchKey; HeadObject has no body, so the SDK can only name its 404 NotFound
 * (which a missing bucket also gives).
 */
export function isNoSuchKey(e: unknown): boolean {
  const name = (e as { name?: unknown } | null)?.name;
  return name === 'NoSuchKey' || name === 'NotFound';
}
