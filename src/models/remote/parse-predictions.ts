/**
 * @module models/remote/parse-predictions
 * Reads an /invocations response body into rows x width numbers. Accepts what SageMaker containers
 * answer: JSON `{"predictions": [...]}` (items a number, a list, or an object with `probabilities`,
 * `scores`, `score`, `probability`, `prediction` or `predicted_value`), `{"scores": [...]}`, a bare list of
 * numbers or lists; and CSV / newline-separated numbers (the built-in XGBoost's text/csv output), including
 * its older single comma-separated line and `[a, b]` lines.
 */
import { PlatformError } from '../../core/errors.js';

const ITEM_KEYS = ['probabilities', 'scores', 'score', 'probability', 'prediction', 'predicted_value'] as const;
const BODY_KEYS = ['predictions', 'scores'] as const;

class FormatProblem extends Error {}

/**
 * Parses `body` into `rows * width` values, row-major. Throws a SCHEMA_MISMATCH PlatformError naming the
 * problem and quoting the body's first 200 characters.
 */
export function parsePredictions(body: string, contentType: string | null, rows: number, width: number, source: string): Float64Array {
  let parsed: number[][];
  try {
    parsed = reshape(readRows(body, contentType ?? ''), rows, width);
    if (parsed.length !== rows) throw new FormatProblem(`${parsed.length} predictions for ${rows} rows`);
    const wrong = parsed.find((r) => r.length !== width);
    if (wrong) {
      throw new FormatProblem(`${wrong.length} values per row where ${width} were expected (outputNames has ${width}; pass outputNames to match the model)`);
    }
  } catch (e) {
    if (!(e instanceof FormatProblem)) throw e;
    const start = JSON.stringify(body.slice(0, 200));
    throw new PlatformError('SCHEMA_MISMATCH', `${source} answered ${e.message}; the response starts with ${start}`, {
      details: { source, contentType, bodyStart: body.slice(0, 200) },
    });
  }
  const out = new Float64Array(rows * width);
  for (let i = 0; i < rows; i++) out.set(parsed[i]!, i * width);
  return out;
}

function readRows(body: string, contentType: string): number[][] {
  const text = body.trim();
  if (/json/i.test(contentType) || text.startsWith('{')) return rowsFromJson(parseJson(text));
  // "[0.1, 0.9]" lines are XGBoost's multi-class CSV, not JSON, once there are two of them.
  if (text.startsWith('[')) {
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      return rowsFromCsv(text);
    }
    return rowsFromJson(json);
  }
  return rowsFromCsv(text);
}

/** One line of values for many rows (old XGBoost CSV) or one flat list for a single row of several outputs. */
function reshape(parsed: number[][], rows: number, width: number): number[][] {
  if (parsed.length === 1 && width === 1 && rows > 1 && parsed[0]!.length === rows) return parsed[0]!.map((v) => [v]);
  if (rows === 1 && width > 1 && parsed.length === width && parsed.every((r) => r.length === 1)) return [parsed.map((r) => r[0]!)];
  return parsed;
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    throw new FormatProblem('invalid JSON');
  }
}

function rowsFromJson(value: unknown): number[][] {
  if (typeof value === 'number') return [[value]];
  if (Array.isArray(value)) return value.map(rowFromItem);
  if (isRecord(value)) {
    for (const key of BODY_KEYS) if (key in value) return rowsFromJson(value[key]);
  }
  throw new FormatProblem(`JSON without a "predictions" list`);
}

function rowFromItem(item: unknown): number[] {
  if (Array.isArray(item)) return item.map(toNumber);
  if (isRecord(item)) {
    for (const key of ITEM_KEYS) {
      if (key in item) {
        const v = item[key];
        return Array.isArray(v) ? v.map(toNumber) : [toNumber(v)];
      }
    }
    throw new FormatProblem(`a prediction object without any of ${ITEM_KEYS.join(', ')}`);
  }
  return [toNumber(item)];
}

function toNumber(v: unknown): number {
  if (typeof v === 'number') return v;
  if (v === null) return NaN;
  if (typeof v === 'string') return numberFromField(v);
  throw new FormatProblem(`a non-numeric prediction ${JSON.stringify(v)}`);
}

function rowsFromCsv(text: string): number[][] {
  if (text === '') throw new FormatProblem('an empty body');
  return text
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => line !== '')
    .map((line) => line.replace(/^\[(.*)\]$/, '$1').split(',').map(numberFromField));
}

function numberFromField(field: string): number {
  const s = field.trim().replace(/^"(.*)"$/, '$1');
  if (s === '' || /^nan$/i.test(s)) return NaN;
  if (/^[+]?inf(inity)?$/i.test(s)) return Infinity;
  if (/^-inf(inity)?$/i.test(s)) return -Infinity;
  const n = Number(s);
  if (Number.isNaN(n)) throw new FormatProblem(`a non-numeric value ${JSON.stringify(s.slice(0, 40))}`);
  return n;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
