/**
 * @module featurestore/record-encoding
 * Turns input columns into what the stores keep, column by column: SMFS value strings for the online
 * store, typed columns for the offline store, and a reason for every row that cannot be stored.
 * Single records (PutRecord) go through the same path as one-row tables, so both follow one set of rules.
 */
import { valueAt, type Column, type ColumnTable } from '../core/columns.js';
import { parseEventTime } from '../core/time.js';
import type { FeatureDefinition } from './model.js';

/** SMFS quota: a feature value and a whole record are each at most 350 KB. */
export const MAX_VALUE_CHARS = 358_400;

const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;
const INTEGER_TEXT = /^[+-]?\d+(\.0*)?$/;

export interface EncodedColumn {
  definition: FeatureDefinition;
  /** Value strings as SMFS sends them; null = absent. */
  text: (string | null)[];
  /** The typed column bound for Parquet: 'int' (or 'string' with exact decimals beyond 2^53), 'float' or 'string'. */
  typed: Column;
}

export interface EncodedTable {
  length: number;
  columns: EncodedColumn[];
  /** Event time per row in epoch ms (NaN where rejected). */
  eventTimeMs: Float64Array;
  /** Record identifier text per row. */
  recordIds: (string | null)[];
  /** First reason per rejected row; rows absent from the map are valid. */
  rejected: Map<number, string>;
}

/**
 * Encodes a table against a group's definitions. Columns the group does not define are an error of the
 * caller (checked before); definitions without a column are null for every row.
 */
export function encodeTable(table: ColumnTable, definitions: FeatureDefinition[], recordIdentifierName: string, eventTimeFeatureName: string): EncodedTable {
  const n = table.length;
  const rejected = new Map<number, string>();
  const reject = (row: number, reason: string): void => {
    if (!rejected.has(row)) rejected.set(row, reason);
  };
  const byName = new Map(table.columns.map((c) => [c.name, c]));
  // The event time gets its own message below, naming what an event time must look like.
  const ignore = (): void => {};
  const columns = definitions.map((d) => encodeColumn(d, byName.get(d.FeatureName), n, d.FeatureName === eventTimeFeatureName ? ignore : reject));
  const rawTime = byName.get(eventTimeFeatureName);
  const idColumn = columns.find((c) => c.definition.FeatureName === recordIdentifierName)!;
  const timeColumn = columns.find((c) => c.definition.FeatureName === eventTimeFeatureName)!;
  const eventTimeMs = new Float64Array(n).fill(NaN);
  const eventType = timeColumn.definition.FeatureType === 'String' ? 'String' : 'Fractional';
  for (let i = 0; i < n; i++) {
    if (idColumn.text[i] === null) reject(i, `record identifier "${recordIdentifierName}" is missing`);
    else if (idColumn.text[i]!.length > 2048) reject(i, `record identifier "${recordIdentifierName}" is longer than 2 KB`);
    const raw = rawTime ? valueAt(rawTime, i) : null;
    const t = timeColumn.text[i] ?? (raw === null ? null : String(raw));
    if (t === null) {
      reject(i, `event time "${eventTimeFeatureName}" is missing`);
      continue;
    }
    const ms = parseEventTime(t, eventType);
    if (ms === undefined) {
      reject(i, `event time "${eventTimeFeatureName}" ${JSON.stringify(t)} is not ${eventType === 'String' ? 'ISO-8601 UTC (yyyy-MM-ddTHH:mm:ssZ or yyyy-MM-ddTHH:mm:ss.SSSZ)' : 'unix seconds between years 0000 and 9999'}`);
      continue;
    }
    eventTimeMs[i] = ms;
  }
  for (let i = 0; i < n; i++) {
    let size = 0;
    for (const c of columns) size += c.text[i]?.length ?? 0;
    if (size > MAX_VALUE_CHARS) reject(i, `record is ${size} characters, more than the ${MAX_VALUE_CHARS} allowed`);
  }
  return { length: n, columns, eventTimeMs, recordIds: idColumn.text, rejected };
}

function encodeColumn(definition: FeatureDefinition, column: Column | undefined, n: number, reject: (row: number, reason: string) => void): EncodedColumn {
  const name = definition.FeatureName;
  const text: (string | null)[] = new Array(n).fill(null);
  if (column === undefined) {
    const typed: Column =
      definition.FeatureType === 'String' ? { name, type: 'string', values: new Array(n).fill(null) } : { name, type: definition.FeatureType === 'Integral' ? 'int' : 'float', values: new Float64Array(n).fill(NaN) };
    return { definition, text, typed };
  }
  switch (definition.FeatureType) {
    case 'Integral':
      return { definition, text, typed: encodeIntegral(name, column, n, text, reject) };
    case 'Fractional':
      return { definition, text, typed: encodeFractional(name, column, n, text, reject) };
    default:
      return { definition, text, typed: encodeString(name, column, n, text, reject) };
  }
}

function encodeIntegral(name: string, column: Column, n: number, text: (string | null)[], reject: (row: number, reason: string) => void): Column {
  const out = new Float64Array(n).fill(NaN);
  switch (column.type) {
    case 'int':
    case 'float': {
      const values = column.values;
      for (let i = 0; i < n; i++) {
        const v = values[i]!;
        if (Number.isNaN(v)) continue;
        if (!Number.isInteger(v)) reject(i, `${name}: ${v} is not an integer (feature type Integral)`);
        else if (!Number.isSafeInteger(v)) reject(i, `${name}: ${v} is beyond 2^53 and lost precision; send it as a string`);
        else {
          out[i] = v;
          text[i] = String(v);
        }
      }
      return { name, type: 'int', values: out };
    }
    case 'bool':
      for (let i = 0; i < n; i++) {
        if (column.valid[i] === 0) continue;
        out[i] = column.values[i]!;
        text[i] = String(column.values[i]);
      }
      return { name, type: 'int', values: out };
    case 'timestamp':
      for (let i = 0; i < n; i++) if (!Number.isNaN(column.values[i]!)) reject(i, `${name}: a timestamp cannot be stored as Integral`);
      return { name, type: 'int', values: out };
    case 'string': {
      let exact: (string | null)[] | undefined;
      for (let i = 0; i < n; i++) {
        const raw = column.values[i];
        if (raw === null || raw === undefined) continue;
        const s = raw.trim();
        if (!INTEGER_TEXT.test(s)) {
          reject(i, `${name}: ${JSON.stringify(raw.length > 40 ? raw.slice(0, 37) + '...' : raw)} is not an integer (feature type Integral)`);
          continue;
        }
        const digits = s.replace(/\.0*$/, '');
        const big = BigInt(digits);
        if (big < INT64_MIN || big > INT64_MAX) {
          reject(i, `${name}: ${digits} is outside the signed 64-bit range`);
          continue;
        }
        const canonical = big.toString();
        text[i] = canonical;
        const v = Number(big);
        if (Number.isSafeInteger(v)) out[i] = v;
        else exact ??= [];
      }
      if (exact) return { name, type: 'string', values: text.slice() };
      return { name, type: 'int', values: out };
    }
  }
}

function encodeFractional(name: string, column: Column, n: number, text: (string | null)[], reject: (row: number, reason: string) => void): Column {
  const out = new Float64Array(n).fill(NaN);
  switch (column.type) {
    case 'int':
    case 'float':
    case 'timestamp': {
      const values = column.values;
      const scale = column.type === 'timestamp' ? 1 / 1000 : 1;
      for (let i = 0; i < n; i++) {
        const v = values[i]! * scale;
        if (Number.isNaN(v)) continue;
        if (!Number.isFinite(v)) {
          reject(i, `${name}: ${v} is not a finite number (feature type Fractional)`);
          continue;
        }
        out[i] = v;
        text[i] = formatFractional(v);
      }
      return { name, type: 'float', values: out };
    }
    case 'bool':
      for (let i = 0; i < n; i++) {
        if (column.valid[i] === 0) continue;
        out[i] = column.values[i]!;
        text[i] = formatFractional(column.values[i]!);
      }
      return { name, type: 'float', values: out };
    case 'string':
      for (let i = 0; i < n; i++) {
        const raw = column.values[i];
        if (raw === null || raw === undefined) continue;
        const s = raw.trim();
        const v = s === '' ? NaN : Number(s);
        if (!Number.isFinite(v)) {
          reject(i, `${name}: ${JSON.stringify(raw.length > 40 ? raw.slice(0, 37) + '...' : raw)} is not a finite number (feature type Fractional)`);
          continue;
        }
        out[i] = v;
        text[i] = formatFractional(v);
      }
      return { name, type: 'float', values: out };
  }
}

function encodeString(name: string, column: Column, n: number, text: (string | null)[], reject: (row: number, reason: string) => void): Column {
  switch (column.type) {
    case 'string':
      for (let i = 0; i < n; i++) {
        const v = column.values[i];
        if (v === null || v === undefined) continue;
        if (v.length > MAX_VALUE_CHARS) reject(i, `${name}: value of ${v.length} characters is longer than the ${MAX_VALUE_CHARS} allowed`);
        else text[i] = v;
      }
      break;
    case 'bool':
      for (let i = 0; i < n; i++) if (column.valid[i] === 1) text[i] = column.values[i] === 1 ? 'true' : 'false';
      break;
    case 'timestamp':
      for (let i = 0; i < n; i++) {
        const v = column.values[i]!;
        if (!Number.isNaN(v)) text[i] = new Date(v).toISOString();
      }
      break;
    case 'int':
      for (let i = 0; i < n; i++) {
        const v = column.values[i]!;
        if (!Number.isNaN(v)) text[i] = String(v);
      }
      break;
    case 'float':
      for (let i = 0; i < n; i++) {
        const v = column.values[i]!;
        if (!Number.isNaN(v)) text[i] = formatFractional(v);
      }
      break;
  }
  return { name, type: 'string', values: text.slice() };
}

/** Fractional values as Python's `str(float)` writes them (what SageMaker's ingest sends): 1700000000.0, 0.5. */
export function formatFractional(v: number): string {
  if (Number.isInteger(v) && Math.abs(v) < 1e16) return `${v}.0`;
  return String(v);
}
