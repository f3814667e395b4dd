import { describe, expect, it } from 'vitest';
import { createRandom } from './random.js';
import { parseEventTime, parseTtl, ttlToMs } from './time.js';
import { parseJson, stringifyJson } from './json.js';
import { describeValue, invalid, isPlatformError, PlatformError } from './errors.js';
import { sliceTable, tableFromRows, tableToRows, takeRows } from './columns.js';

describe('core', () => {
  it('seeded random is deterministic, uniform enough and in range', () => {
    const a = createRandom(42);
    const b = createRandom(42);
    const xs = Array.from({ length: 1000 }, () => a.int(60, 100));
    expect(Array.from({ length: 1000 }, () => b.int(60, 100))).toEqual(xs);
    expect(Math.min(...xs)).toBe(60);
    expect(Math.max(...xs)).toBe(100);
    expect(createRandom(43).int(60, 100) === xs[0] && createRandom(44).int(60, 100) === xs[0]).toBe(false);
    const mean = xs.reduce((s, x) => s + x, 0) / xs.length;
    expect(Math.abs(mean - 80)).toBeLessThan(1.5);
  });

  it('parses SMFS event times strictly', () => {
    expect(parseEventTime('2024-05-01T12:00:00Z', 'String')).toBe(Date.UTC(2024, 4, 1, 12));
    expect(parseEventTime('2024-05-01T12:00:00.123Z', 'String')).toBe(Date.UTC(2024, 4, 1, 12, 0, 0, 123));
    expect(new Date(parseEventTime('0050-01-01T00:00:00Z', 'String')!).toISOString()).toBe('0050-01-01T00:00:00.000Z');
    for (const bad of ['2024-05-01', '2024-05-01 12:00:00Z', '2024-05-01T12:00:00+01:00', '2020-06-31T00:00:00Z', '2024-05-01T24:00:00Z', '']) {
      expect(parseEventTime(bad, 'String'), bad).toBeUndefined();
    }
    expect(parseEventTime('1700000000.5', 'Fractional')).toBe(1700000000500);
    expect(parseEventTime(1700000000, 'Fractional')).toBe(1700000000000);
    expect(parseEventTime('NaN', 'Fractional')).toBeUndefined();
    expect(parseEventTime('', 'Fractional')).toBeUndefined();
    expect(parseEventTime('1e20', 'Fractional')).toBeUndefined();
  });

  it('parses TTL durations', () => {
    expect(parseTtl('7d')).toEqual({ Unit: 'Days', Value: 7 });
    expect(ttlToMs(parseTtl('2h'))).toBe(7_200_000);
    expect(parseTtl({ Unit: 'Weeks', Value: 1 })).toEqual({ Unit: 'Weeks', Value: 1 });
    expect(() => parseTtl('7x')).toThrow(/ttl: got "7x", expected a duration/);
    expect(() => parseTtl('0d')).toThrow();
  });

  it('writes non-finite numbers and bigints as JSON', () => {
    const text = stringifyJson({ a: NaN, b: Infinity, c: -Infinity, d: 10n, e: 2n ** 70n, f: new Float64Array([1, 2]) });
    expect(text).toBe('{"a":"NaN","b":"Infinity","c":"-Infinity","d":10,"e":"1180591620717411303424","f":[1,2]}');
    expect(parseJson<{ b: number }>(text, { reviveNonFinite: true }).b).toBe(Infinity);
  });

  it('errors carry codes, identified by brand', () => {
    const e = invalid('rows', 'x', 'an integer');
    expect(isPlatformError(e)).toBe(true);
    expect(e.code).toBe('VALIDATION_FAILED');
    expect(e.message).toBe('rows: got "x", expected an integer');
    expect(isPlatformError(new Error('x'))).toBe(false);
    expect(new PlatformError('NOT_FOUND', 'gone').code).toBe('NOT_FOUND');
    expect(describeValue('x'.repeat(100))).toHaveLength(82);
  });

  it('column tables round-trip rows and slice or take rows', () => {
    const t = tableFromRows([
      { a: 1, b: 'x', c: true, d: 1.5 },
      { a: 2, b: null, c: false, d: null },
      { a: 3, b: 'z', c: null, d: 2 },
    ]);
    expect(t.columns.map((c) => c.type)).toEqual(['int', 'string', 'bool', 'float']);
    expect(tableToRows(sliceTable(t, 1, 3))).toEqual([
      { a: 2, b: null, c: false, d: null },
      { a: 3, b: 'z', c: null, d: 2 },
    ]);
    expect(tableToRows(takeRows(t, [2, 0])).map((r) => r.a)).toEqual([3, 1]);
  });
});
