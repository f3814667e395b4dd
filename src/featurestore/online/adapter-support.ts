/**
 * @module featurestore/online/adapter-support
 * What the online-store adapters share: the ListRecords token (the last record id of a page, so a page
 * resumes strictly after it whatever was written meanwhile), input checks worded the same on every backend,
 * and wrapping of driver failures in StoreError.
 */
import { invalid } from '../../core/errors.js';
import type { OnlineWrite } from '../model.js';

const TOKEN_PREFIX = 'r1.';
const TOKEN_BODY = /^[A-Za-z0-9_-]*$/;

/** An opaque token naming the record id after which the next page starts. */
export function encodeListToken(lastRecordId: string): string {
  return TOKEN_PREFIX + Buffer.from(lastRecordId, 'utf8').toString('base64url');
}

/** The record id a token resumes after; a token we did not issue is a validation error. */
export function decodeListToken(token: string): string {
  const body = token.slice(TOKEN_PREFIX.length);
  if (!token.startsWith(TOKEN_PREFIX) || !TOKEN_BODY.test(body)) throw invalid('nextToken', token, 'a NextToken returned by a previous ListRecords call');
  return Buffer.from(body, 'base64url').toString('utf8');
}

export function checkMaxResults(maxResults: number): void {
  if (!Number.isSafeInteger(maxResults) || maxResults < 1) throw invalid('maxResults', maxResults, 'a positive integer');
}

/**
 * Event and expiry times must be finite numbers: NaN would compare false both ways and could never be
 * overwritten. Checked here so every backend refuses the same writes the same way.
 */
export function checkWrites(writes: readonly OnlineWrite[]): void {
  for (let i = 0; i < writes.length; i++) {
    const w = writes[i]!;
    if (typeof w.recordId !== 'string') throw invalid(`writes[${i}].recordId`, w.recordId, 'a string');
    if (!Number.isFinite(w.eventTimeMs)) throw invalid(`writes[${i}].eventTimeMs`, w.eventTimeMs, 'a finite number of epoch milliseconds');
    if (w.expiresAtMs !== null && !Number.isFinite(w.expiresAtMs)) throw invalid(`writes[${i}].expiresAtMs`, w.expiresAtMs, 'null or a finite number of epoch milliseconds');
  }
}

export function checkEventTime(eventTimeMs: number): void {
  if (!Number.isFinite(eventTimeMs)) throw invalid('eventTimeMs', eventTimeMs, 'a finite number of epoch milliseconds');
}

export { toStoreError } from '../../core/errors.js';
