/**
 * @module models/gbt/xgboost/json-fields
 * Typed reads of XGBoost JSON fields. Every failure is a ValidationError naming the dotted path, the value
 * found and what was expected. XGBoost writes most scalar parameters as strings ("3", "5E-1"); numbers are
 * accepted too.
 */
import { invalid } from '../../../core/errors.js';

export type JsonObject = Record<string, unknown>;

export function objectAt(value: unknown, path: string): JsonObject {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw invalid(path, value, 'an object');
  return value as JsonObject;
}

export function arrayAt(value: unknown, path: string, length?: number): unknown[] {
  if (!Array.isArray(value)) throw invalid(path, value, 'an array');
  if (length !== undefined && value.length !== length) throw invalid(`${path}.length`, value.length, `${length} (one entry per node)`);
  return value;
}

export function stringAt(value: unknown, path: string): string {
  if (typeof value !== 'string') throw invalid(path, value, 'a string');
  return value;
}

/** An integer parameter written as a string ("3") or a number, at least `min`. */
export function intParam(value: unknown, path: string, min = 0): number {
  const n = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
  if (typeof n !== 'number' || !Number.isSafeInteger(n) || n < min) throw invalid(path, value, `an integer >= ${min}`);
  return n;
}

/** A float parameter such as `base_score`: "5E-1", "[5E-1]" (XGBoost 2.1+ vectors of one value) or a number. */
export function floatParam(value: unknown, path: string): number {
  let n: unknown = value;
  if (typeof value === 'string') {
    const text = value.trim().replace(/^\[(.*)\]$/, '$1');
    n = text === '' || text.includes(',') ? NaN : Number(text);
  }
  if (typeof n !== 'number' || !Number.isFinite(n)) throw invalid(path, value, 'a finite number');
  return n;
}

export function intArray(value: unknown, path: string, length?: number): Int32Array {
  const a = arrayAt(value, path, length);
  const out = new Int32Array(a.length);
  for (let i = 0; i < a.length; i++) {
    const v = a[i];
    if (typeof v !== 'number' || !Number.isInteger(v) || v < -2147483648 || v > 2147483647) throw invalid(`${path}[${i}]`, v, 'a 32-bit integer');
    out[i] = v;
  }
  return out;
}

export function floatArray(value: unknown, path: string, length?: number): Float32Array {
  const a = arrayAt(value, path, length);
  const out = new Float32Array(a.length);
  for (let i = 0; i < a.length; i++) {
    const v = a[i];
    if (typeof v !== 'number') throw invalid(`${path}[${i}]`, v, 'a number');
    out[i] = v;
  }
  return out;
}

/** 0/1 flags (XGBoost 1.x writes integers; booleans are accepted). */
export function flagArray(value: unknown, path: string, length?: number): Uint8Array {
  const a = arrayAt(value, path, length);
  const out = new Uint8Array(a.length);
  for (let i = 0; i < a.length; i++) {
    const v = a[i];
    if (v === 1 || v === true) out[i] = 1;
    else if (v !== 0 && v !== false) throw invalid(`${path}[${i}]`, v, '0 or 1');
  }
  return out;
}

export function stringArray(value: unknown, path: string): string[] {
  const a = arrayAt(value, path);
  for (let i = 0; i < a.length; i++) if (typeof a[i] !== 'string') throw invalid(`${path}[${i}]`, a[i], 'a string');
  return a as string[];
}
