/**
 * @module core/time
 * Durations ("7d", "12h", SMFS `{Unit, Value}`) and SMFS event times (ISO-8601 UTC or unix seconds).
 */
import { invalid } from './errors.js';

export type TtlUnit = 'Seconds' | 'Minutes' | 'Hours' | 'Days' | 'Weeks';
export interface TtlDuration {
  Unit: TtlUnit;
  Value: number;
}

const UNIT_MS: Record<TtlUnit, number> = {
  Seconds: 1000,
  Minutes: 60_000,
  Hours: 3_600_000,
  Days: 86_400_000,
  Weeks: 604_800_000,
};
const SHORT: Record<string, TtlUnit> = { s: 'Seconds', m: 'Minutes', h: 'Hours', d: 'Days', w: 'Weeks' };

export function ttlToMs(ttl: TtlDuration): number {
  return ttl.Value * UNIT_MS[ttl.Unit];
}

/** Parses `7d`, `12h`, `30m`, `45s`, `2w` or an SMFS `{Unit, Value}` object. */
export function parseTtl(input: string | TtlDuration, field = 'ttl'): TtlDuration {
  if (typeof input === 'object' && input !== null) {
    if (!(input.Unit in UNIT_MS)) throw invalid(`${field}.Unit`, input.Unit, 'one of Seconds, Minutes, Hours, Days, Weeks');
    if (!Number.isInteger(input.Value) || input.Value < 1) throw invalid(`${field}.Value`, input.Value, 'an integer >= 1');
    return { Unit: input.Unit, Value: input.Value };
  }
  const m = /^(\d+)\s*([smhdw])$/.exec(String(input).trim());
  if (!m || Number(m[1]) < 1) throw invalid(field, input, 'a duration such as 45s, 30m, 12h, 7d or 2w');
  return { Unit: SHORT[m[2]!]!, Value: Number(m[1]) };
}

const ISO_EVENT_TIME = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.(\d{3}))?Z$/;

/**
 * Parses an SMFS event time to epoch milliseconds. String event times must be ISO-8601 UTC in exactly
 * `yyyy-MM-ddTHH:mm:ssZ` or `yyyy-MM-ddTHH:mm:ss.SSSZ`; Fractional ones are unix seconds.
 * Returns undefined when the value cannot be read.
 */
export function parseEventTime(value: string | number, type: 'String' | 'Fractional'): number | undefined {
  if (type === 'Fractional') {
    const n = typeof value === 'number' ? value : value.trim() === '' ? NaN : Number(value);
    if (!Number.isFinite(n)) return undefined;
    const ms = Math.round(n * 1000);
    return ms >= MIN_EVENT_MS && ms <= MAX_EVENT_MS ? ms : undefined;
  }
  if (typeof value !== 'string') return undefined;
  const m = ISO_EVENT_TIME.exec(value);
  if (!m) return undefined;
  const [, y, mo, d, h, mi, s, frac] = m;
  const date = new Date(Date.UTC(2000, Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s), frac ? Number(frac) : 0));
  date.setUTCFullYear(Number(y), Number(mo) - 1, Number(d));
  const ms = date.getTime();
  const back = date;
  // Reject impossible dates such as 2020-06-31 (Date.UTC would roll them over).
  if (back.getUTCDate() !== Number(d) || back.getUTCMonth() !== Number(mo) - 1 || back.getUTCHours() !== Number(h)) return undefined;
  return ms;
}

/** 0000-01-01T00:00:00.000Z and 9999-12-31T23:59:59.999Z, the SMFS event-time range. */
const MIN_EVENT_MS = -62167219200000;
const MAX_EVENT_MS = Date.UTC(9999, 11, 31, 23, 59, 59, 999);

/** `yyyy-MM-ddTHH:mm:ss.SSSZ` for an epoch-millisecond time. */
export function formatIso(ms: number): string {
  return new Date(ms).toISOString();
}

/** Human date-time parsing for CLI flags and SDK options: ISO-8601, unix seconds, or a Date. */
export function parseTimeInput(value: string | number | Date, field: string): number {
  if (value instanceof Date) return value.getTime();
  if (typeof value === 'number') return value > 1e11 ? value : value * 1000;
  const trimmed = value.trim();
  if (/^-?\d+(\.\d+)?$/.test(trimmed)) return Number(trimmed) * 1000;
  const ms = Date.parse(/[zZ]|[+-]\d\d:?\d\d$/.test(trimmed) || !trimmed.includes('T') && trimmed.length <= 10 ? trimmed : trimmed + 'Z');
  if (Number.isNaN(ms)) throw invalid(field, value, 'an ISO-8601 time (2024-05-01T12:00:00Z) or unix seconds');
  return ms;
}
