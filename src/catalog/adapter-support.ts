/**
 * @module catalog/adapter-support
 * What every catalog adapter shares: the errors of the port (worded the same whatever the backend),
 * input checks, and wrapping of driver failures in StoreError.
 */
import { invalid, NotFoundError, PlatformError } from '../core/errors.js';

export function alreadyExists(kind: string, name: string): PlatformError {
  return new PlatformError('ALREADY_EXISTS', `${kind} "${name}" already exists`, { details: { kind, name } });
}

export function versionConflict(kind: string, name: string, expected: number, actual: number): PlatformError {
  return new PlatformError(
    'CONFLICT',
    `${kind} "${name}" is at version ${actual}, not the expected ${expected}: it was changed meanwhile; read it again and retry`,
    { details: { kind, name, expectedVersion: expected, actualVersion: actual } },
  );
}

export function entryNotFound(kind: string, name: string): NotFoundError {
  return new NotFoundError(kind, name);
}

/** Serializes a document, refusing what JSON cannot hold rather than storing something else. */
export function encodeDoc(doc: unknown): string {
  let text: string | undefined;
  try {
    text = JSON.stringify(doc);
  } catch (e) {
    throw invalid('doc', doc, `a JSON document (${(e as Error).message})`);
  }
  if (text === undefined) throw invalid('doc', doc, 'a JSON document');
  return text;
}

/** Timestamps are stored as integers (SQLite INTEGER, Postgres BIGINT); reject fractions instead of diverging. */
export function checkNow(now: number): void {
  if (!Number.isSafeInteger(now)) throw invalid('now', now, 'epoch milliseconds as an integer');
}

export { toStoreError } from '../core/errors.js';
