/**
 * @module table/duckdb-read
 * DuckDB query results to ColumnTable, chunk by chunk and column by column. Each result column gets a builder
 * that copies each chunk's vector into typed arrays; 64-bit integers and timestamps are read as two 32-bit
 * halves so no BigInt is created per value, and repeated strings are decoded once.
 */
import { DuckDBTypeId, type DuckDBConnection, type DuckDBType, type DuckDBValue, type DuckDBVector } from '@duckdb/node-api';
import type { Column, ColumnTable } from '../core/columns.js';
import { rawBoolBytes, rawInt64Pairs, rawItems, rawStringHeaders, rawValidity } from './duckdb-raw.js';

const TWO_32 = 4294967296;
/** 2^53 / 2^32: the high word at which a 64-bit integer stops fitting a double exactly. */
const SAFE_HI = 2097152;
const INT64_MAX = 9223372036854775807n;

interface Builder {
  append(vector: DuckDBVector, n: number): void;
  finish(name: string): Column;
}

const PART_ROWS = 65536;

/**
 * Values collected in fixed-size parts and joined once at the end: one copy of the data instead of the repeated
 * copies (and large zeroed allocations) of a doubling array.
 */
class Float64Buffer {
  private readonly parts: Float64Array[] = [];
  private current = new Float64Array(0);
  /** Where the next values go in the array `reserve` returned. */
  offset = 0;
  length = 0;

  /** Returns the array to write `n` values into, starting at `this.offset`; then call `commit(n)`. */
  reserve(n: number): Float64Array {
    if (this.offset + n > this.current.length) {
      if (this.offset > 0) this.parts.push(this.current.subarray(0, this.offset));
      this.current = new Float64Array(Math.max(PART_ROWS, n));
      this.offset = 0;
    }
    return this.current;
  }

  commit(n: number): void {
    this.offset += n;
    this.length += n;
  }

  finish(): Float64Array {
    const out = new Float64Array(this.length);
    let at = 0;
    for (const part of this.parts) {
      out.set(part, at);
      at += part.length;
    }
    out.set(this.current.subarray(0, this.offset), at);
    return out;
  }
}

type NumberKernel = (vector: DuckDBVector, out: Float64Array, at: number, n: number) => void;

class NumberBuilder implements Builder {
  private readonly buffer = new Float64Buffer();
  constructor(
    private readonly type: 'int' | 'float' | 'timestamp',
    private readonly kernel: NumberKernel,
  ) {}
  append(vector: DuckDBVector, n: number): void {
    const out = this.buffer.reserve(n);
    this.kernel(vector, out, this.buffer.offset, n);
    this.buffer.commit(n);
  }
  finish(name: string): Column {
    return { name, type: this.type, values: this.buffer.finish() };
  }
}

/** Fixed-width numbers that fit a double: one native `set`, then NaN over the nulls. */
type NumericArray = Float64Array | Float32Array | Int32Array | Int16Array | Int8Array | Uint32Array | Uint16Array | Uint8Array;

function copyKernel(ctor: abstract new (length: number) => NumericArray): NumberKernel {
  return (vector, out, at, n) => {
    const items = rawItems(vector, ctor, n);
    const valid = rawValidity(vector, n);
    if (items === undefined || valid === undefined) {
      for (let i = 0; i < n; i++) {
        const v = vector.getItem(i);
        out[at + i] = v === null ? NaN : Number(v);
      }
      return;
    }
    out.set(items, at);
    if (valid !== null) {
      for (let i = 0; i < n; i++) if (((valid[i >> 3]! >> (i & 7)) & 1) === 0) out[at + i] = NaN;
    }
  };
}

function decimalKernel(vector: DuckDBVector, out: Float64Array, at: number, n: number): void {
  for (let i = 0; i < n; i++) {
    const v = vector.getItem(i) as { toDouble(): number } | null;
    out[at + i] = v === null ? NaN : v.toDouble();
  }
}

const DAY_MS = 86_400_000;

function dateKernel(vector: DuckDBVector, out: Float64Array, at: number, n: number): void {
  const items = rawItems(vector, Int32Array, n);
  const valid = rawValidity(vector, n);
  if (items === undefined || valid === undefined) {
    for (let i = 0; i < n; i++) {
      const v = vector.getItem(i) as { days: number } | null;
      out[at + i] = v === null ? NaN : daysToMs(v.days);
    }
    return;
  }
  for (let i = 0; i < n; i++) {
    out[at + i] = valid !== null && ((valid[i >> 3]! >> (i & 7)) & 1) === 0 ? NaN : daysToMs(items[i]!);
  }
}

function daysToMs(days: number): number {
  // DuckDB stores DATE 'infinity' / '-infinity' as +/-(2^31 - 1) days.
  if (days === 2147483647) return Infinity;
  if (days === -2147483647) return -Infinity;
  return days * DAY_MS;
}

/**
 * 64-bit time values to epoch ms: `divisor` ticks per ms (1000 for micros, 1e6 for nanos) or `multiplier` ms per
 * tick (1000 for seconds). Division is split across the two halves so the integer part stays exact even where
 * the tick count itself is past 2^53 (any nanosecond timestamp after 1970-04).
 */
function timeKernel(divisor: number, multiplier: number, ticksOf: (v: DuckDBValue) => bigint): NumberKernel {
  const hiMul = Math.floor(TWO_32 / divisor);
  const loMul = TWO_32 - hiMul * divisor;
  return (vector, out, at, n) => {
    const pairs = rawInt64Pairs(vector, n, false);
    const valid = rawValidity(vector, n);
    if (pairs === undefined || valid === undefined) {
      for (let i = 0; i < n; i++) {
        const v = vector.getItem(i);
        out[at + i] = v === null ? NaN : bigTicksToMs(ticksOf(v), divisor, multiplier);
      }
      return;
    }
    for (let i = 0; i < n; i++) {
      if (valid !== null && ((valid[i >> 3]! >> (i & 7)) & 1) === 0) {
        out[at + i] = NaN;
        continue;
      }
      const lo = pairs[2 * i]! >>> 0;
      const hi = pairs[2 * i + 1]!;
      // DuckDB's timestamp 'infinity' / '-infinity' are +/-(2^63 - 1).
      if (hi === 2147483647 && lo === 4294967295) out[at + i] = Infinity;
      else if (hi === -2147483648 && lo === 1) out[at + i] = -Infinity;
      else if (divisor === 1) out[at + i] = (hi * TWO_32 + lo) * multiplier;
      else {
        const r = hi * loMul + lo;
        const q = Math.floor(r / divisor);
        out[at + i] = hi * hiMul + q + (r - q * divisor) / divisor;
      }
    }
  };
}

function bigTicksToMs(ticks: bigint, divisor: number, multiplier: number): number {
  if (ticks === INT64_MAX) return Infinity;
  if (ticks === -INT64_MAX) return -Infinity;
  if (divisor === 1) return Number(ticks) * multiplier;
  const d = BigInt(divisor);
  let q = ticks / d;
  let r = ticks % d;
  if (r < 0n) {
    q -= 1n;
    r += d;
  }
  return Number(q) + Number(r) / divisor;
}

/**
 * Integers of any width. Values stay numbers while every one fits +/-2^53; the first one that does not turns the
 * whole column into exact decimal strings (the numbers read so far are exact, so `String` of them is too).
 */
class IntegerBuilder implements Builder {
  private buffer = new Float64Buffer();
  private strings: (string | null)[] | null = null;
  constructor(private readonly wide: 'signed' | 'unsigned' | 'huge') {}

  append(vector: DuckDBVector, n: number): void {
    if (this.strings === null) {
      const out = this.buffer.reserve(n);
      if (this.readNumbers(vector, out, this.buffer.offset, n)) {
        this.buffer.commit(n);
        return;
      }
      this.strings = toDecimalStrings(this.buffer.finish());
      this.buffer = new Float64Buffer();
    }
    const strings = this.strings;
    for (let i = 0; i < n; i++) {
      const v = vector.getItem(i);
      strings.push(v === null ? null : String(v));
    }
  }

  /** False when some value does not fit a double exactly. */
  private readNumbers(vector: DuckDBVector, out: Float64Array, at: number, n: number): boolean {
    const pairs = this.wide === 'huge' ? undefined : rawInt64Pairs(vector, n, this.wide === 'unsigned');
    const valid = rawValidity(vector, n);
    if (pairs === undefined || valid === undefined) {
      for (let i = 0; i < n; i++) {
        const v = vector.getItem(i) as bigint | null;
        if (v === null) out[at + i] = NaN;
        else if (v >= -9007199254740992n && v <= 9007199254740992n) out[at + i] = Number(v);
        else return false;
      }
      return true;
    }
    for (let i = 0; i < n; i++) {
      if (valid !== null && ((valid[i >> 3]! >> (i & 7)) & 1) === 0) {
        out[at + i] = NaN;
        continue;
      }
      const lo = pairs[2 * i]! >>> 0;
      const hi = pairs[2 * i + 1]!;
      if (hi < -SAFE_HI || hi > SAFE_HI || (hi === SAFE_HI && lo !== 0)) return false;
      out[at + i] = hi * TWO_32 + lo;
    }
    return true;
  }

  finish(name: string): Column {
    if (this.strings !== null) return { name, type: 'string', values: this.strings };
    return { name, type: 'int', values: this.buffer.finish() };
  }
}

function toDecimalStrings(values: Float64Array): (string | null)[] {
  const out: (string | null)[] = new Array(values.length);
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    out[i] = Number.isNaN(v) ? null : String(v);
  }
  return out;
}

class BoolBuilder implements Builder {
  private values = new Uint8Array(2048);
  private valid = new Uint8Array(2048);
  private length = 0;

  append(vector: DuckDBVector, n: number): void {
    const at = this.length;
    if (at + n > this.values.length) {
      let size = this.values.length * 2;
      while (size < at + n) size *= 2;
      const values = new Uint8Array(size);
      const valid = new Uint8Array(size);
      values.set(this.values.subarray(0, at));
      valid.set(this.valid.subarray(0, at));
      this.values = values;
      this.valid = valid;
    }
    const values = this.values;
    const validOut = this.valid;
    const bytes = rawBoolBytes(vector, n);
    const bits = rawValidity(vector, n);
    if (bytes === undefined || bits === undefined) {
      for (let i = 0; i < n; i++) {
        const v = vector.getItem(i);
        values[at + i] = v === true ? 1 : 0;
        validOut[at + i] = v === null ? 0 : 1;
      }
    } else {
      for (let i = 0; i < n; i++) {
        const ok = bits === null ? 1 : (bits[i >> 3]! >> (i & 7)) & 1;
        validOut[at + i] = ok;
        values[at + i] = ok === 1 && bytes[i] !== 0 ? 1 : 0;
      }
    }
    this.length = at + n;
  }

  finish(name: string): Column {
    const n = this.length;
    return { name, type: 'bool', values: this.values.slice(0, n), valid: this.valid.slice(0, n) };
  }
}

const utf8 = new TextDecoder();

/**
 * Remembers the JS string for a 16-byte DuckDB string header, so repeated values (categories, dictionary-encoded
 * Parquet) are decoded once and shared. A header equal in all 16 bytes is the same string: inline strings
 * (<= 12 bytes) carry their bytes, longer ones a prefix and a pointer, which is only trusted within one chunk
 * (`generation`), where the memory behind it cannot change.
 */
class StringInterner {
  private static readonly SIZE = 4096;
  private readonly keys = new Uint32Array(StringInterner.SIZE * 4);
  private readonly values: (string | undefined)[] = new Array(StringInterner.SIZE).fill(undefined);
  private readonly generations = new Int32Array(StringInterner.SIZE);
  private slot = 0;

  /** The cached string for the header, or undefined (and the slot to `store` into). */
  find(a: number, b: number, c: number, d: number, generation: number): string | undefined {
    let h = Math.imul(a ^ Math.imul(b, 0x9e3779b1), 0x85ebca6b) ^ Math.imul(c ^ Math.imul(d, 0x27d4eb2f), 0xc2b2ae35);
    h = (h ^ (h >>> 15)) & (StringInterner.SIZE - 1);
    this.slot = h;
    const k = h * 4;
    const keys = this.keys;
    if (keys[k] === a && keys[k + 1] === b && keys[k + 2] === c && keys[k + 3] === d && this.generations[h] === generation) {
      return this.values[h];
    }
    return undefined;
  }

  /** Stores into the slot the last `find` looked at. */
  store(a: number, b: number, c: number, d: number, generation: number, value: string): void {
    const h = this.slot;
    const k = h * 4;
    this.keys[k] = a;
    this.keys[k + 1] = b;
    this.keys[k + 2] = c;
    this.keys[k + 3] = d;
    this.generations[h] = generation;
    this.values[h] = value;
  }
}

/** Decodes an inline string: a plain loop for ASCII (far cheaper than a TextDecoder call), UTF-8 otherwise. */
function decodeInline(bytes: Uint8Array, start: number, len: number): string {
  let s = '';
  for (let k = 0; k < len; k++) {
    const b = bytes[start + k]!;
    if (b > 127) return utf8.decode(bytes.subarray(start, start + len));
    s += String.fromCharCode(b);
  }
  return s;
}

/** After this many inline lookups, interning stops for a column whose values hardly repeat. */
const INTERN_PROBE = 16384;

class StringBuilder implements Builder {
  private readonly values: (string | null)[] = [];
  private readonly interner = new StringInterner();
  private chunks = 0;
  private lookups = 0;
  private hits = 0;
  private internInline = true;
  constructor(private readonly varchar: boolean) {}

  append(vector: DuckDBVector, n: number): void {
    const out = this.values;
    const headers = this.varchar ? rawStringHeaders(vector, n) : undefined;
    const valid = headers === undefined ? undefined : rawValidity(vector, n);
    if (headers === undefined || valid === undefined || headers.byteOffset % 4 !== 0) {
      for (let i = 0; i < n; i++) {
        const v = vector.getItem(i);
        out.push(v === null ? null : typeof v === 'string' ? v : String(v));
      }
      return;
    }
    const words = new Uint32Array(headers.buffer, headers.byteOffset, n * 4);
    const bytes = new Uint8Array(headers.buffer, headers.byteOffset, n * 16);
    const interner = this.interner;
    const generation = ++this.chunks;
    const internInline = this.internInline;
    let lookups = 0;
    let hits = 0;
    for (let i = 0; i < n; i++) {
      if (valid !== null && ((valid[i >> 3]! >> (i & 7)) & 1) === 0) {
        out.push(null);
        continue;
      }
      const w = i * 4;
      const len = words[w]!;
      if (len === 0) {
        out.push('');
        continue;
      }
      const inline = len <= 12;
      if (inline && !internInline) {
        out.push(decodeInline(bytes, i * 16 + 4, len));
        continue;
      }
      const b = words[w + 1]!;
      const c = words[w + 2]!;
      const d = words[w + 3]!;
      // Inline entries are keyed by content and stay valid across chunks (generation 0).
      const gen = inline ? 0 : generation;
      lookups++;
      const found = interner.find(len, b, c, d, gen);
      if (found !== undefined) {
        hits++;
        out.push(found);
        continue;
      }
      // Long strings live behind a native pointer that only the package's getItem can follow.
      const value = inline ? decodeInline(bytes, i * 16 + 4, len) : (vector.getItem(i) as string);
      interner.store(len, b, c, d, gen, value);
      out.push(value);
    }
    if (internInline) {
      this.lookups += lookups;
      this.hits += hits;
      if (this.lookups >= INTERN_PROBE && this.hits * 4 < this.lookups) this.internInline = false;
    }
  }

  finish(name: string): Column {
    return { name, type: 'string', values: this.values };
  }
}

function builderFor(type: DuckDBType): Builder {
  switch (type.typeId) {
    case DuckDBTypeId.TINYINT:
      return new NumberBuilder('int', copyKernel(Int8Array));
    case DuckDBTypeId.SMALLINT:
      return new NumberBuilder('int', copyKernel(Int16Array));
    case DuckDBTypeId.INTEGER:
      return new NumberBuilder('int', copyKernel(Int32Array));
    case DuckDBTypeId.UTINYINT:
      return new NumberBuilder('int', copyKernel(Uint8Array));
    case DuckDBTypeId.USMALLINT:
      return new NumberBuilder('int', copyKernel(Uint16Array));
    case DuckDBTypeId.UINTEGER:
      return new NumberBuilder('int', copyKernel(Uint32Array));
    case DuckDBTypeId.BIGINT:
      return new IntegerBuilder('signed');
    case DuckDBTypeId.UBIGINT:
      return new IntegerBuilder('unsigned');
    case DuckDBTypeId.HUGEINT:
    case DuckDBTypeId.UHUGEINT:
      return new IntegerBuilder('huge');
    case DuckDBTypeId.FLOAT:
      return new NumberBuilder('float', copyKernel(Float32Array));
    case DuckDBTypeId.DOUBLE:
      return new NumberBuilder('float', copyKernel(Float64Array));
    case DuckDBTypeId.DECIMAL:
      return new NumberBuilder('float', decimalKernel);
    case DuckDBTypeId.BOOLEAN:
      return new BoolBuilder();
    case DuckDBTypeId.TIMESTAMP:
    case DuckDBTypeId.TIMESTAMP_TZ:
      return new NumberBuilder('timestamp', timeKernel(1000, 1, (v) => (v as { micros: bigint }).micros));
    case DuckDBTypeId.TIMESTAMP_MS:
      return new NumberBuilder('timestamp', timeKernel(1, 1, (v) => (v as { millis: bigint }).millis));
    case DuckDBTypeId.TIMESTAMP_S:
      return new NumberBuilder('timestamp', timeKernel(1, 1000, (v) => (v as { seconds: bigint }).seconds));
    case DuckDBTypeId.TIMESTAMP_NS:
      return new NumberBuilder('timestamp', timeKernel(1_000_000, 1, (v) => (v as { nanos: bigint }).nanos));
    case DuckDBTypeId.DATE:
      return new NumberBuilder('timestamp', dateKernel);
    case DuckDBTypeId.VARCHAR:
      return new StringBuilder(true);
    default:
      return new StringBuilder(false);
  }
}

/**
 * Runs SQL on a connection and returns the result as a ColumnTable plus the DuckDB type name of each column.
 * Columns with repeated names are renamed the way DuckDB's client does (`a`, `a:1`). DuckDB errors propagate
 * unchanged; callers add the context (which file, which feature group).
 */
export async function runToTable(conn: DuckDBConnection, sql: string): Promise<{ table: ColumnTable; sqlTypes: string[] }> {
  const result = await conn.stream(sql);
  const count = result.columnCount;
  const types = result.columnTypes();
  const names = result.deduplicatedColumnNames();
  const builders = types.map(builderFor);
  let length = 0;
  for (;;) {
    const chunk = await result.fetchChunk();
    if (chunk === null) break;
    const n = chunk.rowCount;
    if (n === 0) break;
    for (let c = 0; c < count; c++) builders[c]!.append(chunk.getColumnVector(c), n);
    length += n;
  }
  const columns = builders.map((b, c) => b.finish(names[c]!));
  return { table: { length, columns }, sqlTypes: types.map((t) => t.toString()) };
}
