/**
 * The feature-store scenarios with the offline store and exports on an S3-compatible server (s3rver,
 * in process): Parquet files are uploaded there and DuckDB reads them through the local cache.
 */
import { runFeatureStoreScenarios } from '../helpers/feature-store-scenarios.js';
import { startS3rver, type TestS3 } from '../helpers/s3rver.js';

let s3: TestS3 | undefined;
runFeatureStoreScenarios({
  name: 'an S3 object store (s3rver)',
  async config() {
    s3 = await startS3rver();
    return { objectStore: `s3://${s3.bucket}/workspace`, s3: { endpoint: s3.endpoint, forcePathStyle: true, accessKeyId: s3.accessKeyId, secretAccessKey: s3.secretAccessKey } };
  },
  async cleanup() {
    await s3?.stop();
  },
});
