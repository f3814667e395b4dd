/**
 * @module table/csv-format
 * Cell formatting for CSV text, matching what DuckDB's `COPY ... (FORMAT csv)` writes for the types
 * `insertTable` creates, so `tableToCsv` and `writeTable` give the same bytes:
 * - int: the integer (`1`, not `1.0`), as pandas writes int columns;
 * - float: Python `repr` style, which is what pandas writes and DuckDB prints: the shortest digits that
 *   round-trip, fixed notation for decimal exponents -4..15 with at least one decimal (`1.0`, `0.0001`),
 *   scientific otherwise (`1e+16`, `1e-05`), `inf`/`-inf`;
 * - bool: `true`/`false`; timestamp: `YYYY-MM-DD HH:MM:SS[.ffffff]` (UTC, trailing zeros trimmed);
 * - string: as is, quoted only when it holds a comma, quote, CR or LF, or is empty (so it differs from null);
 * - null: nothing.
 */
import type { Column } from '../core/columns.js';
import { invalid } from '../core/errors.js';

/** Python `repr` of a finite or infinite double. */
export function formatFloat(x: number): string {
  if (x === Infinity) return 'inf';
  if (x === -Infinity) return '-inf';
  if (x === 0) return Object.is(x, -0) ? '-0.0' : '0.0';
  // toExponential() without digits gives the shortest round-trip digits: "-1.2345e+21".
  const s = x.toExponential();
  const e = s.indexOf('e');
  const exp = Number(s.slice(e + 1));
  const negative = x < 0;
  const mantissa = s.slice(negative ? 1 : 0, e);
  const sign = negative ? '-' : '';
  if (exp < -4 || exp >= 16) {
    const abs = Math.abs(exp);
    return `${sign}${mantissa}e${exp < 0 ? '-' : '+'}${abs < 10 ? '0' : ''}${abs}`;
  }
  const digits = mantissa.length > 1 ? mantissa[0] + mantissa.slice(2) : mantissa;
  if (exp < 0) return `${sign}0.${'0'.repeat(-exp - 1)}${digits}`;
  if (digits.length <= exp + 1) return `${sign}${digits}${'0'.repeat(exp + 1 - digits.length)}.0`;
  return `${sign}${digits.slice(0, exp + 1)}.${digits.slice(exp + 1)}`;
}

const DAY_US = 86_400_000_000;
const TWO_63 = 9223372036854775808;

function pad(n: number, width: number): string {
  return String(n).padStart(width, '0');
}

/** An epoch-ms timestamp the way DuckDB prints a TIMESTAMP (microsecond precision). */
export function formatTimestamp(ms: number): string {
  if (ms === Infinity) return 'infinity';
  if (ms === -Infinity) return '-infinity';
  const micros = Math.round(ms * 1000);
  const days = Math.floor(micros / DAY_US);
  let rest = micros - days * DAY_US;
  const date = new Date(days * 86_400_000);
  const year = date.getUTCFullYear();
  const hh = Math.floor(rest / 3_600_000_000);
  rest -= hh * 3_600_000_000;
  const mm = Math.floor(rest / 60_000_000);
  rest -= mm * 60_000_000;
  const ss = Math.floor(rest / 1_000_000);
  const us = rest - ss * 1_000_000;
  const yearText = year <= 0 ? pad(1 - year, 4) : pad(year, 4);
  let text = `${yearText}-${pad(date.getUTCMonth() + 1, 2)}-${pad(date.getUTCDate(), 2)} ${pad(hh, 2)}:${pad(mm, 2)}:${pad(ss, 2)}`;
  if (us !== 0) text += `.${pad(us, 6).replace(/0+$/, '')}`;
  return year <= 0 ? `${text} (BC)` : text;
}

const NEEDS_QUOTES = /[",\r\n]/;

export function quoteCsvField(value: string): string {
  if (value === '') return '""';
  return NEEDS_QUOTES.test(value) ? `"${value.replaceAll('"', '""')}"` : value;
}

/** The CSV text of every cell of a column, '' for nulls. */
export function formatColumn(column: Column, length: number): string[] {
  const out: string[] = new Array(length);
  switch (column.type) {
    case 'string': {
      const values = column.values;
      for (let i = 0; i < length; i++) {
        const v = values[i];
        out[i] = v === null || v === undefined ? '' : quoteCsvField(v);
      }
      return out;
    }
    case 'bool': {
      const { values, valid } = column;
      for (let i = 0; i < length; i++) out[i] = valid[i] === 0 ? '' : values[i] === 0 ? 'false' : 'true';
      return out;
    }
    case 'int': {
      const values = column.values;
      for (let i = 0; i < length; i++) {
        const v = values[i]!;
        if (v !== v) out[i] = '';
        // Below 2^63 < 1e21, String() never switches to exponent notation.
        else if (Number.isInteger(v) && v >= -TWO_63 && v < TWO_63) out[i] = String(v);
        else throw invalid(`${column.name}[${i}]`, v, 'an integer within the BIGINT range');
      }
      return out;
    }
    case 'float': {
      const values = column.values;
      for (let i = 0; i < length; i++) {
        const v = values[i]!;
        out[i] = v !== v ? '' : formatFloat(v);
      }
      return out;
    }
    case 'timestamp': {
      const values = column.values;
      for (let i = 0; i < length; i++) {
        const v = values[i]!;
        out[i] = v !== v ? '' : formatTimestamp(v);
      }
      return out;
    }
  }
}
