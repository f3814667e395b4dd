/**
 * @module table/duckdb-raw
 * Direct access to the buffers behind `@duckdb/node-api` vectors. The package's per-item `getItem`/`setItem`
 * pay a BigInt mask test per validity check and a BigInt per 64-bit value, which is several times slower than
 * a plain typed-array loop. The vector classes keep those buffers in (TypeScript-)private fields; each accessor
 * here checks the field's shape and size and returns `undefined` when it does not match, so a change inside the
 * package degrades to the slower public path instead of misreading data.
 */
import type { DuckDBVector } from '@duckdb/node-api';

/** The raw paths assume little-endian memory (every platform DuckDB ships Node binaries for). */
export const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

let enabled = LITTLE_ENDIAN;

/** Switches the raw paths on or off; tests turn them off to exercise the public fallback. */
export function useRawVectorAccess(on: boolean): void {
  enabled = on && LITTLE_ENDIAN;
}

interface VectorInternals {
  items?: unknown;
  dataView?: unknown;
  validity?: { data?: unknown; offset?: unknown };
}

function internals(vector: DuckDBVector): VectorInternals {
  return vector as unknown as VectorInternals;
}

/** The vector's value buffer when it is a `ctor` array of exactly `n` items. */
export function rawItems<T extends ArrayBufferView & { length: number }>(
  vector: DuckDBVector,
  ctor: abstract new (length: number) => T,
  n: number,
): T | undefined {
  if (!enabled) return undefined;
  const items = internals(vector).items;
  return items instanceof ctor && (items as T).length === n ? (items as T) : undefined;
}

/** The 64-bit items of a BIGINT/UBIGINT/TIMESTAMP* vector as (lo, hi) 32-bit pairs. */
export function rawInt64Pairs(vector: DuckDBVector, n: number, unsigned: boolean): Int32Array | Uint32Array | undefined {
  const items = unsigned ? rawItems(vector, BigUint64Array, n) : rawItems(vector, BigInt64Array, n);
  if (items === undefined) return undefined;
  return unsigned
    ? new Uint32Array(items.buffer, items.byteOffset, n * 2)
    : new Int32Array(items.buffer, items.byteOffset, n * 2);
}

/** One byte per row of a BOOLEAN vector (0 or 1). */
export function rawBoolBytes(vector: DuckDBVector, n: number): Uint8Array | undefined {
  if (!enabled) return undefined;
  const view = internals(vector).dataView;
  if (!(view instanceof DataView) || view.byteLength !== n) return undefined;
  return new Uint8Array(view.buffer, view.byteOffset, n);
}

/** The 16-byte string headers of a VARCHAR vector. */
export function rawStringHeaders(vector: DuckDBVector, n: number): DataView | undefined {
  if (!enabled) return undefined;
  const view = internals(vector).dataView;
  return view instanceof DataView && view.byteLength === n * 16 ? view : undefined;
}

/**
 * The validity bitmap as bytes (row i is valid when bit `i & 7` of byte `i >> 3` is set), `null` when every
 * row is valid, or `undefined` when it cannot be read.
 */
export function rawValidity(vector: DuckDBVector, n: number): Uint8Array | null | undefined {
  if (!enabled) return undefined;
  const validity = internals(vector).validity;
  if (validity === undefined || validity === null || validity.offset !== 0) return undefined;
  const data = validity.data;
  if (data === null) return null;
  if (!(data instanceof BigUint64Array) || data.length * 64 < n) return undefined;
  return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
}
