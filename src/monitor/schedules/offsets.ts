/**
 * @module monitor/schedules/offsets
 * The ISO-8601 negative offsets of `DataAnalysisStartTime` / `DataAnalysisEndTime` and `StartTimeOffset` /
 * `EndTimeOffset`: `-PT1H`, `-PT30M`, `-P1D`, `-P1DT2H` (≤ 15 characters, pattern `^.?P.*`).
 */
import { invalid } from '../../core/errors.js';

const DURATION = /^([-+]?)P(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+)S)?)?$/;

/** Milliseconds of an offset (negative for `-P…`). */
export function parseOffset(text: string, field: string): number {
  const m = typeof text === 'string' && text.length <= 15 ? DURATION.exec(text.trim()) : null;
  if (!m || text.trim().endsWith('T') || (m[2] === undefined && m[3] === undefined && m[4] === undefined && m[5] === undefined)) {
    throw invalid(field, text, 'an ISO-8601 offset such as -PT1H, -PT30M or -P1D (at most 15 characters)');
  }
  const ms = ((Number(m[2] ?? 0) * 24 + Number(m[3] ?? 0)) * 60 + Number(m[4] ?? 0)) * 60_000 + Number(m[5] ?? 0) * 1000;
  return m[1] === '-' ? -ms : ms;
}
