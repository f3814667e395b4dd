/**
 * @module catalog/adapter-support
 * What every catalog adapter shares: the errors of the port (worded the same whatever the backend),
 * input checks, and wrapping of driver failures in StoreError.
 */
import { invalid, isPlatformError, NotFoundError, PlatformError, StoreError } from '../core/errors.js';

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

/** Our own errors pass through; driver failures become a StoreError naming the store and the operation. */
export function toStoreError(store: string, operation: string, e: unknown): PlatformError {
  if (isPlatformError(e)) return e;
  // Node's AggregateError (e.g. ECONNREFUSED on both ::1 and 127.0.0.1) has an empty message.
  if (e instanceof Error && e.message === '') {
    const parts = e instanceof AggregateError ? e.errors.map((x: unknown) => (x instanceof Error ? x.message : String(x))) : [];
    const code = (e as { code?: unknown }).code;
    const why = parts.join('; ') || (typeof code === 'string' ? code : e.name);
    return new StoreError(store, operation, new Error(why, { cause: e }));
  }
  return new StoreError(store, operation, e);
}
