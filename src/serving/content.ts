/**
 * @module serving/content
 * Request bodies to a feature matrix and predictions to response bodies, for the content types SageMaker's
 * built-in containers speak: `text/csv` (one line per row, no header), `application/json`
 * (`{"instances": [[...], ...]}`, a list of lists, objects keyed by feature name or `{"features": [...]}`) and
 * `application/jsonlines`. Malformed input is a validation error naming the row, the column and the value.
 * With enrichment, a request holding only record identifiers (one CSV field per line, or objects with only the
 * record-identifier key) asks for the features to be read from the online store.
 */
import { ValidationError, describeValue } from '../core/errors.js';
import type { FeatureMatrix } from '../models/index.js';

export type RequestFormat = 'csv' | 'json' | 'jsonlines';
export type ResponseFormat = 'csv' | 'json' | 'jsonlines';

export type ParsedBody = { kind: 'matrix'; matrix: FeatureMatrix } | { kind: 'records'; ids: string[] };

/** The media type without parameters, lower case. */
export function mediaType(contentType: string | undefined): string {
  if (!contentType) return '';
  const semi = contentType.indexOf(';');
  return (semi < 0 ? contentType : contentType.slice(0, semi)).trim().toLowerCase();
}

export function requestFormat(contentType: string | undefined): RequestFormat {
  const media = mediaType(contentType);
  if (media === 'text/csv' || media === '') return 'csv';
  if (media === 'application/json') return 'json';
  if (media === 'application/jsonlines' || media === 'application/x-jsonlines' || media === 'application/json-lines') return 'jsonlines';
  throw new ValidationError([{ path: 'ContentType', message: `got ${describeValue(contentType)}, expected text/csv, application/json or application/jsonlines` }]);
}

/** The response format for an Accept header; without one (or `*\/*`), CSV for CSV requests and JSON otherwise. */
export function responseFormat(accept: string | undefined, request: RequestFormat): ResponseFormat {
  if (!accept) return request;
  for (const part of accept.split(',')) {
    const media = mediaType(part);
    if (media === 'text/csv') return 'csv';
    if (media === 'application/json') return 'json';
    if (media === 'application/jsonlines' || media === 'application/x-jsonlines') return 'jsonlines';
    if (media === '*/*' || media === 'text/*' || media === 'application/*') return request;
  }
  throw new ValidationError([{ path: 'Accept', message: `got ${describeValue(accept)}, expected text/csv, application/json or application/jsonlines` }]);
}

export const RESPONSE_CONTENT_TYPES: Record<ResponseFormat, string> = {
  csv: 'text/csv; charset=utf-8',
  json: 'application/json',
  jsonlines: 'application/jsonlines',
};

export interface ParseOptions {
  featureNames: string[];
  /** The record-identifier feature name when the endpoint enriches from the online store. */
  recordIdName?: string;
}

export function parseBody(body: string, format: RequestFormat, options: ParseOptions): ParsedBody {
  if (body.trim() === '') throw new ValidationError([{ path: 'body', message: `is empty; expected ${format === 'csv' ? 'CSV rows' : 'JSON'} with ${options.featureNames.length} features (${options.featureNames.join(', ')})` }]);
  if (format === 'csv') return parseCsv(body, options);
  if (format === 'json') {
    let parsed: unknown;
    try {
      parsed = JSON.parse(body);
    } catch (e) {
      throw new ValidationError([{ path: 'body', message: `is not valid JSON (${(e as Error).message})` }]);
    }
    return rowsFromJson(parsed, options);
  }
  const items: unknown[] = [];
  const lines = body.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!.trim();
    if (line === '') continue;
    try {
      items.push(JSON.parse(line));
    } catch (e) {
      throw new ValidationError([{ path: `line ${i + 1}`, message: `is not valid JSON (${(e as Error).message})` }]);
    }
  }
  return rowsFromItems(items, options, 'line');
}

function parseCsv(body: string, options: ParseOptions): ParsedBody {
  const names = options.featureNames;
  const cols = names.length;
  let lines = body.split('\n');
  if (lines[lines.length - 1]!.trim() === '') lines = lines.slice(0, -1);
  const n = lines.length;
  if (options.recordIdName !== undefined && cols > 1 && lines.every((l) => !l.includes(','))) {
    return { kind: 'records', ids: lines.map((l) => l.trim()) };
  }
  const values = new Float64Array(n * cols);
  for (let i = 0; i < n; i++) {
    let line = lines[i]!;
    if (line.endsWith('\r')) line = line.slice(0, -1);
    let start = 0;
    for (let j = 0; j < cols; j++) {
      let end = line.indexOf(',', start);
      if (end < 0) {
        if (j !== cols - 1) throw columnCount(i, n, line.split(',').length, names);
        end = line.length;
      } else if (j === cols - 1) throw columnCount(i, n, line.split(',').length, names);
      values[i * cols + j] = csvNumber(line.slice(start, end), i, n, j, names);
      start = end + 1;
    }
  }
  return { kind: 'matrix', matrix: { rows: n, cols, values } };
}

function csvNumber(field: string, row: number, rows: number, col: number, names: string[]): number {
  const v = Number(field);
  if (!Number.isNaN(v)) {
    // Number('') is 0: an empty field is a missing value, as XGBoost reads CSV.
    if (v === 0 && field.trim() === '') return NaN;
    return v;
  }
  const t = field.trim().toLowerCase();
  if (t === 'nan' || t === 'na' || t === 'null') return NaN;
  if (t === 'inf') return Infinity;
  if (t === '-inf') return -Infinity;
  throw new ValidationError([{ path: where(row, rows, col, names), message: `got ${describeValue(field)}, expected a number` }]);
}

function where(row: number, rows: number, col: number, names: string[]): string {
  return `${rows > 1 ? `row ${row + 1}, ` : ''}column ${col + 1} (${names[col]})`;
}

function columnCount(row: number, rows: number, got: number, names: string[]): ValidationError {
  return new ValidationError([{ path: rows > 1 ? `row ${row + 1}` : 'body', message: `has ${got} columns, expected ${names.length} (${names.join(', ')})` }]);
}

function rowsFromJson(parsed: unknown, options: ParseOptions): ParsedBody {
  if (Array.isArray(parsed)) {
    // A flat list of numbers is one row; otherwise each item is a row.
    if (parsed.length > 0 && parsed.every((v) => typeof v === 'number' || v === null)) return rowsFromItems([parsed], options, 'instance');
    return rowsFromItems(parsed, options, 'instance');
  }
  if (parsed !== null && typeof parsed === 'object') {
    const o = parsed as Record<string, unknown>;
    if ('instances' in o) {
      const inst = o.instances;
      if (!Array.isArray(inst)) throw new ValidationError([{ path: 'instances', message: `got ${describeValue(inst)}, expected a list of rows` }]);
      if (inst.length > 0 && inst.every((v) => typeof v === 'number' || v === null)) return rowsFromItems([inst], options, 'instance');
      return rowsFromItems(inst, options, 'instance');
    }
    return rowsFromItems([o], options, 'instance');
  }
  throw new ValidationError([{ path: 'body', message: `got ${describeValue(parsed)}, expected {"instances": [[...], ...]}, a list of rows or an object keyed by feature name` }]);
}

function rowsFromItems(items: unknown[], options: ParseOptions, label: 'instance' | 'line'): ParsedBody {
  const names = options.featureNames;
  const cols = names.length;
  if (items.length === 0) throw new ValidationError([{ path: 'body', message: 'holds no rows' }]);
  const idName = options.recordIdName;
  if (idName !== undefined && items.every((it) => isIdOnly(it, idName))) {
    return { kind: 'records', ids: items.map((it) => String((it as Record<string, unknown>)[idName])) };
  }
  const values = new Float64Array(items.length * cols);
  for (let i = 0; i < items.length; i++) {
    const at = items.length > 1 || label === 'line' ? `${label} ${i + 1}` : '';
    let item = items[i];
    if (item !== null && typeof item === 'object' && !Array.isArray(item) && Array.isArray((item as { features?: unknown }).features)) item = (item as { features: unknown[] }).features;
    if (Array.isArray(item)) {
      if (item.length !== cols) throw new ValidationError([{ path: at || 'body', message: `has ${item.length} values, expected ${cols} (${names.join(', ')})` }]);
      for (let j = 0; j < cols; j++) values[i * cols + j] = jsonNumber(item[j], at, j, names);
    } else if (item !== null && typeof item === 'object') {
      const o = item as Record<string, unknown>;
      // A feature left out is a missing value (as XGBoost reads it); a key that is no feature is a mistake (a typo
      // would otherwise predict from a missing value without a word).
      for (const key in o) {
        if (key !== idName && !names.includes(key)) {
          throw new ValidationError([{ path: `${at ? at + ', ' : ''}key`, message: `got ${describeValue(key)}, expected a feature name of the model (${names.join(', ')})` }]);
        }
      }
      for (let j = 0; j < cols; j++) values[i * cols + j] = jsonNumber(o[names[j]!], at, j, names);
    } else {
      throw new ValidationError([{ path: at || 'body', message: `got ${describeValue(item)}, expected a list of ${cols} numbers or an object keyed by feature name` }]);
    }
  }
  return { kind: 'matrix', matrix: { rows: items.length, cols, values } };
}

function isIdOnly(item: unknown, idName: string): boolean {
  if (item === null || typeof item !== 'object' || Array.isArray(item)) return false;
  const keys = Object.keys(item);
  return keys.length === 1 && keys[0] === idName;
}

function jsonNumber(v: unknown, at: string, col: number, names: string[]): number {
  if (typeof v === 'number') return v;
  if (v === null || v === undefined) return NaN;
  if (typeof v === 'boolean') return v ? 1 : 0;
  if (typeof v === 'string') {
    const n = Number(v);
    if (v.trim() !== '' && !Number.isNaN(n)) return n;
  }
  throw new ValidationError([{ path: `${at ? at + ', ' : ''}column ${col + 1} (${names[col]})`, message: `got ${describeValue(v)}, expected a number` }]);
}

/** Predictions (rows x outputs, row-major) as a response body. */
export function formatPredictions(scores: Float64Array, rows: number, outputNames: string[], format: ResponseFormat): string {
  const k = outputNames.length;
  if (format === 'csv') {
    if (k === 1) {
      if (rows === 1) return String(scores[0]);
      let s = String(scores[0]);
      for (let i = 1; i < rows; i++) s += '\n' + String(scores[i]);
      return s;
    }
    const lines = new Array<string>(rows);
    for (let i = 0; i < rows; i++) lines[i] = Array.from(scores.subarray(i * k, i * k + k), String).join(',');
    return lines.join('\n');
  }
  const items = new Array<string>(rows);
  for (let i = 0; i < rows; i++) {
    items[i] = k === 1 ? `{"score":${jsonValue(scores[i]!)}}` : `{"score":[${Array.from(scores.subarray(i * k, i * k + k), jsonValue).join(',')}]}`;
  }
  return format === 'json' ? `{"predictions":[${items.join(',')}]}` : items.join('\n');
}

function jsonValue(v: number): string {
  return Number.isFinite(v) ? String(v) : 'null';
}
