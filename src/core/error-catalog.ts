/**
 * @module core/error-catalog
 * The one place that maps an error code to its HTTP status, CLI exit code and title.
 * Domain code raises codes; the shells (CLI, HTTP) read this table. `docs/errors.md` is generated from it.
 */

export const ERROR_CATALOG = {
  VALIDATION_FAILED: { status: 400, exitCode: 2, title: 'Validation failed', retryable: false },
  CONFIG_INVALID: { status: 400, exitCode: 2, title: 'Invalid configuration', retryable: false },
  QUERY_REJECTED: { status: 400, exitCode: 2, title: 'Query rejected', retryable: false },
  QUERY_FAILED: { status: 400, exitCode: 2, title: 'Query failed', retryable: false },
  NOT_FOUND: { status: 404, exitCode: 3, title: 'Resource not found', retryable: false },
  FEATURE_GROUP_NOT_FOUND: { status: 404, exitCode: 3, title: 'Feature group not found', retryable: false },
  OBJECT_NOT_FOUND: { status: 404, exitCode: 3, title: 'Object not found', retryable: false },
  ALREADY_EXISTS: { status: 409, exitCode: 3, title: 'Resource already exists', retryable: false },
  CONFLICT: { status: 409, exitCode: 3, title: 'Conflict', retryable: false },
  SCHEMA_MISMATCH: { status: 422, exitCode: 3, title: 'Schema mismatch', retryable: false },
  INGEST_REJECTED_ROWS: { status: 422, exitCode: 6, title: 'Some rows were rejected', retryable: false },
  PAYLOAD_TOO_LARGE: { status: 413, exitCode: 2, title: 'Payload too large', retryable: false },
  MODEL_ERROR: { status: 500, exitCode: 1, title: 'Model error', retryable: false },
  UNSUPPORTED_CAPABILITY: { status: 501, exitCode: 2, title: 'Unsupported capability', retryable: false },
  STORE_UNAVAILABLE: { status: 503, exitCode: 4, title: 'Store unavailable', retryable: true },
  TIMEOUT: { status: 504, exitCode: 4, title: 'Timed out', retryable: true },
  CHECKS_FAILED: { status: 200, exitCode: 5, title: 'Checks failed', retryable: false },
  INTERNAL: { status: 500, exitCode: 1, title: 'Internal error', retryable: false },
} as const satisfies Record<string, { status: number; exitCode: number; title: string; retryable: boolean }>;

export type ErrorCode = keyof typeof ERROR_CATALOG;

export function catalogEntry(code: ErrorCode) {
  return ERROR_CATALOG[code];
}
