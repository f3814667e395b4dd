/**
 * @module models/remote/parse-predictions.test
 * Response bodies of the common SageMaker containers, and the CSV request encoding.
 */
import { describe, expect, it } from 'vitest';
import { isPlatformError } from '../../core/errors.js';
import { csvRows, formatCsvValue } from './csv-rows.js';
import { parsePredictions } from './parse-predictions.js';

const JSON_TYPE = 'application/json';
const parse = (body: string, type: string | null, rows: number, width = 1) => Array.from(parsePredictions(body, type, rows, width, 'the server'));

describe('parsePredictions', () => {
  it('reads JSON prediction objects, numbers and lists', () => {
    expect(parse('{"predictions": [{"score": 0.25}, {"score": 0.75}]}', JSON_TYPE, 2)).toEqual([0.25, 0.75]);
    expect(parse('{"predictions": [0.1, 0.2, 0.3]}', JSON_TYPE, 3)).toEqual([0.1, 0.2, 0.3]);
    expect(parse('{"predictions": [{"probabilities": [0.2, 0.8]}, {"probabilities": [0.6, 0.4]}]}', JSON_TYPE, 2, 2)).toEqual([0.2, 0.8, 0.6, 0.4]);
    expect(parse('{"predictions": [{"score": [0.1, 0.9], "predicted_label": 1}]}', JSON_TYPE, 1, 2)).toEqual([0.1, 0.9]);
    expect(parse('{"predictions": [{"predicted_label": "1", "probability": 0.8}]}', JSON_TYPE, 1)).toEqual([0.8]);
    expect(parse('{"scores": [[1, 2], [3, 4]]}', JSON_TYPE, 2, 2)).toEqual([1, 2, 3, 4]);
    expect(parse('[0.5, null, "0.25"]', JSON_TYPE, 3)).toEqual([0.5, NaN, 0.25]);
    expect(parse('[[0.5, 0.5]]', null, 1, 2)).toEqual([0.5, 0.5]);
    expect(parse('0.5', JSON_TYPE, 1)).toEqual([0.5]);
  });

  it('reads CSV and newline-separated output, whatever the content type says', () => {
    expect(parse('0.1\n0.2\n0.3\n', 'text/csv; charset=utf-8', 3)).toEqual([0.1, 0.2, 0.3]);
    expect(parse('0.1,0.2,0.3', 'text/csv', 3)).toEqual([0.1, 0.2, 0.3]);
    expect(parse('0.1,0.9\r\n0.4,0.6\r\n', 'text/plain', 2, 2)).toEqual([0.1, 0.9, 0.4, 0.6]);
    expect(parse('[0.1, 0.9]\n[0.4, 0.6]', 'text/csv', 2, 2)).toEqual([0.1, 0.9, 0.4, 0.6]);
    expect(parse('[0.1, 0.2, 0.7]', 'text/csv', 1, 3)).toEqual([0.1, 0.2, 0.7]);
    expect(parse('1e-7\n\nnan\n-inf', 'text/csv', 3)).toEqual([1e-7, NaN, -Infinity]);
  });

  function failure(body: string, type: string | null, rows: number, width = 1): string {
    try {
      parsePredictions(body, type, rows, width, 'the server');
    } catch (e) {
      if (isPlatformError(e)) {
        expect(e.code).toBe('SCHEMA_MISMATCH');
        return e.message;
      }
      throw e;
    }
    throw new Error('expected a failure');
  }

  it('names the problem and quotes the start of the body', () => {
    const html = `<html><body>${'x'.repeat(400)}</body></html>`;
    const message = failure(html, 'text/html', 1);
    expect(message).toMatch(/^the server answered a non-numeric value "<html><body>x+"; the response starts with "<html><body>x+"$/);
    expect(message).toContain(JSON.stringify(html.slice(0, 200)));
    expect(message).not.toContain(html.slice(0, 201));
    expect(failure('{"predictions": [0.1', JSON_TYPE, 1)).toMatch(/^the server answered invalid JSON; the response starts with/);
    expect(failure('{"result": 1}', JSON_TYPE, 1)).toContain('JSON without a "predictions" list');
    expect(failure('[{"label": 1}]', JSON_TYPE, 1)).toContain('a prediction object without any of probabilities, scores, score');
    expect(failure('0.1\n0.2', 'text/csv', 3)).toContain('2 predictions for 3 rows');
    expect(failure('[[0.1, 0.2, 0.7]]', JSON_TYPE, 1, 1)).toContain('3 values per row where 1 were expected');
    expect(failure('', 'text/csv', 1)).toContain('an empty body');
  });
});

describe('csvRows', () => {
  it('writes shortest round-trip numbers, NaN as an empty field, no header', () => {
    const values = Float64Array.from([0.1, NaN, -3, 1 / 3, 1e21, Infinity]);
    expect(csvRows({ rows: 2, cols: 3, values }, 0, 2)).toBe('0.1,,-3\n0.3333333333333333,1e+21,inf');
    expect(csvRows({ rows: 2, cols: 3, values }, 1, 2)).toBe('0.3333333333333333,1e+21,inf');
    expect(Number(formatCsvValue(0.1 + 0.2))).toBe(0.1 + 0.2);
  });
});
