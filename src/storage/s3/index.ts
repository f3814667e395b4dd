/** @module storage/s3  The S3 object-store adapter. */
export { S3ObjectStore, type S3ObjectStoreConfig } from './s3-object-store.js';
