import { describe, expect, it } from 'vitest';
import { formatFloat, formatTimestamp, quoteCsvField } from './csv-format.js';

describe('formatFloat', () => {
  it('matches Python repr (what pandas writes and DuckDB prints)', () => {
    const cases: [number, string][] = [
      [1, '1.0'],
      [-2, '-2.0'],
      [0, '0.0'],
      [-0, '-0.0'],
      [0.1, '0.1'],
      [0.30000000000000004, '0.30000000000000004'],
      [1e-4, '0.0001'],
      [1.5e-4, '0.00015'],
      [1e-5, '1e-05'],
      [-2.5e-7, '-2.5e-07'],
      [1e15, '1000000000000000.0'],
      [1234567890123456, '1234567890123456.0'],
      [1e16, '1e+16'],
      [12345678901234567, '1.2345678901234568e+16'],
      [1.5e300, '1.5e+300'],
      [5e-324, '5e-324'],
      [Number.MAX_VALUE, '1.7976931348623157e+308'],
      [123456789.125, '123456789.125'],
      [1704067200, '1704067200.0'],
      [Infinity, 'inf'],
      [-Infinity, '-inf'],
    ];
    for (const [x, text] of cases) expect([x, formatFloat(x)]).toEqual([x, text]);
  });
});

describe('formatTimestamp', () => {
  it('prints UTC with trimmed microseconds like DuckDB', () => {
    expect(formatTimestamp(Date.UTC(2024, 0, 2, 3, 4, 5))).toBe('2024-01-02 03:04:05');
    expect(formatTimestamp(Date.UTC(2024, 0, 2, 3, 4, 5, 678))).toBe('2024-01-02 03:04:05.678');
    expect(formatTimestamp(1.5)).toBe('1970-01-01 00:00:00.0015');
    expect(formatTimestamp(-1)).toBe('1969-12-31 23:59:59.999');
    expect(formatTimestamp(Date.UTC(999, 0, 2))).toBe('0999-01-02 00:00:00');
    expect(formatTimestamp(Infinity)).toBe('infinity');
    expect(formatTimestamp(-Infinity)).toBe('-infinity');
  });
});

describe('quoteCsvField', () => {
  it('quotes only when needed, and the empty string', () => {
    expect(quoteCsvField('plain text; tab\there')).toBe('plain text; tab\there');
    expect(quoteCsvField('a,b')).toBe('"a,b"');
    expect(quoteCsvField('say "hi"')).toBe('"say ""hi"""');
    expect(quoteCsvField('two\nlines')).toBe('"two\nlines"');
    expect(quoteCsvField('cr\r')).toBe('"cr\r"');
    expect(quoteCsvField('')).toBe('""');
  });
});
