/**
 * @module core/errors
 * Typed errors with stable codes. Identify them with `isPlatformError(e)` (a brand check), not `instanceof`,
 * so that duplicated package copies still agree.
 */
import type { ErrorCode } from './error-catalog.js';

export type { ErrorCode } from './error-catalog.js';

const BRAND = Symbol.for('plumbline.PlatformError');

export interface Issue {
  /** Dotted path of the offending field, e.g. `featureDefinitions[2].featureType`. */
  path: string;
  message: string;
}

export class PlatformError extends Error {
  readonly [BRAND] = true;
  readonly code: ErrorCode;
  readonly details?: Record<string, unknown>;

  constructor(code: ErrorCode, message: string, options: { details?: Record<string, unknown>; cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'PlatformError';
    this.code = code;
    if (options.details !== undefined) this.details = options.details;
  }
}

/** Bad input: names the field, the value and what was expected. */
export class ValidationError extends PlatformError {
  readonly issues: Issue[];
  constructor(issues: Issue[] | string, details?: Record<string, unknown>) {
    const list = typeof issues === 'string' ? [{ path: '', message: issues }] : issues;
    super('VALIDATION_FAILED', list.map((i) => (i.path ? `${i.path}: ${i.message}` : i.message)).join('; '), { details });
    this.name = 'ValidationError';
    this.issues = list;
  }
}

export class NotFoundError extends PlatformError {
  readonly resource: string;
  readonly id: string;
  constructor(resource: string, id: string, code: ErrorCode = 'NOT_FOUND', message?: string) {
    super(code, message ?? `${resource} "${id}" not found`, { details: { resource, id } });
    this.name = 'NotFoundError';
    this.resource = resource;
    this.id = id;
  }
}

/** A backend failed (a database, Redis, S3): keeps which store and operation, and the driver error as cause. */
export class StoreError extends PlatformError {
  readonly store: string;
  readonly operation: string;
  constructor(store: string, operation: string, cause: unknown, code: ErrorCode = 'STORE_UNAVAILABLE') {
    const why = cause instanceof Error ? cause.message : String(cause);
    super(code, `${store} ${operation} failed: ${why}`, { details: { store, operation }, cause });
    this.name = 'StoreError';
    this.store = store;
    this.operation = operation;
  }
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

export function isPlatformError(e: unknown): e is PlatformError {
  return typeof e === 'object' && e !== null && (e as Record<symbol, unknown>)[BRAND] === true;
}

/** Shorthand for a one-field validation error: `invalid('ttl', '7x', 'a duration such as 7d or 12h')`. */
export function invalid(path: string, value: unknown, expected: string): ValidationError {
  return new ValidationError([{ path, message: `got ${describeValue(value)}, expected ${expected}` }]);
}

export function describeValue(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (typeof value === 'string') return JSON.stringify(value.length > 80 ? value.slice(0, 77) + '...' : value);
  if (typeof value === 'number' || typeof value === 'boolean' || value === null || typeof value === 'bigint') return String(value);
  try {
    const s = JSON.stringify(value);
    return s.length > 80 ? s.slice(0, 77) + '...' : s;
  } catch {
    return typeof value;
  }
}
