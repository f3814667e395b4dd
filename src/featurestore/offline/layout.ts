/**
 * @module featurestore/offline/layout
 * Where offline rows live and what their Parquet files look like, following SMFS's Glue layout:
 * `<dataPrefix>/year=YYYY/month=MM/day=DD/hour=HH/<yyyyMMddTHHmmssZ>_<16 [A-Za-z0-9]>.parquet`, one hour
 * partition per UTC hour of the rows' event time, the name's timestamp being the latest event time in the file.
 */
import { createHash, randomBytes } from 'node:crypto';
import type { FeatureType, OfflineGroup } from '../model.js';

export const HOUR_MS = 3_600_000;

/** The columns every offline file carries after the group's features, in this order. */
export const SYSTEM_COLUMNS = [
  { name: 'write_time', sqlType: 'TIMESTAMP' },
  { name: 'api_invocation_time', sqlType: 'TIMESTAMP' },
  { name: 'is_deleted', sqlType: 'BOOLEAN' },
] as const;

export interface OfflineColumn {
  name: string;
  sqlType: string;
}

export function sqlTypeOf(type: FeatureType): 'BIGINT' | 'DOUBLE' | 'VARCHAR' {
  return type === 'Integral' ? 'BIGINT' : type === 'Fractional' ? 'DOUBLE' : 'VARCHAR';
}

/** The Parquet / view schema of a group: its definitions in order, then the system columns. */
export function offlineSchema(group: OfflineGroup): OfflineColumn[] {
  return [...group.definitions.map((d) => ({ name: d.FeatureName, sqlType: sqlTypeOf(d.FeatureType) })), ...SYSTEM_COLUMNS];
}

/** The hour number (hours since the epoch) of an epoch-millisecond time. */
export function hourOf(ms: number): number {
  return Math.floor(ms / HOUR_MS);
}

const pad = (n: number, width = 2): string => String(n).padStart(width, '0');

/** `year=YYYY/month=MM/day=DD/hour=HH` for an hour number. */
export function partitionPath(hour: number): string {
  const d = new Date(hour * HOUR_MS);
  return `year=${pad(d.getUTCFullYear(), 4)}/month=${pad(d.getUTCMonth() + 1)}/day=${pad(d.getUTCDate())}/hour=${pad(d.getUTCHours())}`;
}

/** `yyyyMMddTHHmmssZ` for an epoch-millisecond time. */
export function compactTimestamp(ms: number): string {
  const d = new Date(ms);
  return (
    `${pad(d.getUTCFullYear(), 4)}${pad(d.getUTCMonth() + 1)}${pad(d.getUTCDate())}` +
    `T${pad(d.getUTCHours())}${pad(d.getUTCMinutes())}${pad(d.getUTCSeconds())}Z`
  );
}

/** The object key of one Parquet file of a group. */
export function objectKey(dataPrefix: string, hour: number, latestEventMs: number, suffix: string): string {
  return `${dataPrefix.replace(/\/+$/, '')}/${partitionPath(hour)}/${compactTimestamp(latestEventMs)}_${suffix}.parquet`;
}

/** The listing prefix of a group's files (with the trailing slash, so `data2/` is not matched). */
export function dataListPrefix(group: OfflineGroup): string {
  return `${group.dataPrefix.replace(/\/+$/, '')}/`;
}

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

function alphanumeric(bytes: Uint8Array, length: number): string {
  let out = '';
  for (let i = 0; i < length; i++) out += ALPHABET[bytes[i]! % ALPHABET.length];
  return out;
}

/** 16 alphanumerics derived from `parts`: the same inputs always name the same file. */
export function deterministicSuffix(...parts: (string | number)[]): string {
  return alphanumeric(createHash('sha256').update(parts.join('\u0000')).digest(), 16);
}

/** 16 random alphanumerics, as SMFS names its files. */
export function randomSuffix(): string {
  return alphanumeric(randomBytes(16), 16);
}

/** Whether a key under a data prefix is a Parquet file (temporary or foreign objects are ignored). */
export function isDataFile(key: string): boolean {
  return key.endsWith('.parquet');
}
