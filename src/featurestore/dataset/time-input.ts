/**
 * @module featurestore/dataset/time-input
 * Times given to the dataset builder (`asOf`, `withEventTimeRange`): a Date, epoch milliseconds, or an
 * ISO-8601 string (a string of digits is read as unix seconds, as everywhere else in the CLI).
 */
import { invalid } from '../../core/errors.js';
import { parseTimeInput } from '../../core/time.js';

export type TimeInput = Date | number | string;

/** 0000-01-01T00:00:00Z and 9999-12-31T23:59:59.999Z: the range a SQL TIMESTAMP literal can spell. */
const MIN_MS = -62167219200000;
const MAX_MS = Date.UTC(9999, 11, 31, 23, 59, 59, 999);

/** Epoch milliseconds for a time input; ValidationError naming `field` when unreadable or out of range. */
export function timeInputToMs(value: TimeInput, field: string): number {
  let ms: number;
  if (value instanceof Date) ms = value.getTime();
  else if (typeof value === 'number') ms = value;
  else if (typeof value === 'string') ms = parseTimeInput(value, field);
  else throw invalid(field, value, 'a Date, epoch milliseconds or an ISO-8601 time');
  if (!Number.isFinite(ms) || ms < MIN_MS || ms > MAX_MS) {
    throw invalid(field, value instanceof Date ? String(value) : value, 'a time between years 0000 and 9999');
  }
  return ms;
}
