/**
 * @module serving/content.test
 * Request bodies (CSV, JSON, JSON Lines) to matrices, error messages that name the column and the value, and
 * predictions to response bodies.
 */
import { describe, expect, it } from 'vitest';
import { isPlatformError } from '../core/errors.js';
import { formatPredictions, parseBody, requestFormat, responseFormat } from './content.js';

const names = ['sex', 'math', 'science', 'technology', 'random1', 'random2'];
const rows = (body: string, format: 'csv' | 'json' | 'jsonlines' = 'csv') => {
  const p = parseBody(body, format, { featureNames: names });
  if (p.kind !== 'matrix') throw new Error('expected a matrix');
  return { rows: p.matrix.rows, values: Array.from(p.matrix.values) };
};
const failure = (body: string, format: 'csv' | 'json' | 'jsonlines' = 'csv') => {
  try {
    parseBody(body, format, { featureNames: names });
  } catch (e) {
    if (isPlatformError(e)) {
      expect(e.code).toBe('VALIDATION_FAILED');
      return e.message;
    }
    throw e;
  }
  throw new Error('expected a failure');
};

describe('request bodies', () => {
  it('reads one CSV line, a batch, CRLF, a trailing newline and empty fields as missing', () => {
    expect(rows('1,92,83,86,96,67')).toEqual({ rows: 1, values: [1, 92, 83, 86, 96, 67] });
    expect(rows('1,92,83,86,96,67\r\n0,60,61,62,63,64\n')).toEqual({ rows: 2, values: [1, 92, 83, 86, 96, 67, 0, 60, 61, 62, 63, 64] });
    expect(rows('1,,83,86,96,nan').values.map((v) => (Number.isNaN(v) ? 'NaN' : v))).toEqual([1, 'NaN', 83, 86, 96, 'NaN']);
    expect(rows('1,92,-83.3,86,-96,67').values).toEqual([1, 92, -83.3, 86, -96, 67]);
  });

  it('names the column and the value of malformed CSV', () => {
    expect(failure('1,92,abc,86,96,67')).toBe('column 3 (science): got "abc", expected a number');
    expect(failure('1,92,83,86,96,67\n1,92,83,86,96,x7')).toBe('row 2, column 6 (random2): got "x7", expected a number');
    expect(failure('1,92,83,86,96')).toBe('body: has 5 columns, expected 6 (sex, math, science, technology, random1, random2)');
    expect(failure('1,92,83,86,96,67,1')).toBe('body: has 7 columns, expected 6 (sex, math, science, technology, random1, random2)');
    expect(failure('')).toMatch(/^body: is empty/);
  });

  it('reads the JSON forms: instances, list of lists, objects keyed by feature name, features objects, JSON Lines', () => {
    const one = [1, 92, 83, 86, 96, 67];
    expect(rows('{"instances": [[1,92,83,86,96,67]]}', 'json').values).toEqual(one);
    expect(rows('{"instances": [1,92,83,86,96,67]}', 'json').values).toEqual(one);
    expect(rows('[[1,92,83,86,96,67],[0,1,2,3,4,5]]', 'json').rows).toBe(2);
    expect(rows('[{"sex":1,"math":92,"science":83,"technology":86,"random1":96,"random2":"67"}]', 'json').values).toEqual(one);
    expect(rows('{"instances": [{"features": [1,92,83,86,96,67]}]}', 'json').values).toEqual(one);
    expect(rows('[1,92,83,86,96,67]\n{"sex":0,"math":1,"science":2,"technology":3,"random1":4,"random2":5}\n', 'jsonlines').rows).toBe(2);
    expect(failure('[[1,92,83]]', 'json')).toBe('body: has 3 values, expected 6 (sex, math, science, technology, random1, random2)');
    expect(failure('[{"sex":"male"}]', 'json')).toBe('column 1 (sex): got "male", expected a number');
    // A feature left out is missing (NaN); a key that names no feature is refused rather than silently ignored.
    expect(Number.isNaN(rows('[{"sex":1}]', 'json').values[1]!)).toBe(true);
    expect(failure('[{"sex":1,"maths":92}]', 'json')).toBe('key: got "maths", expected a feature name of the model (sex, math, science, technology, random1, random2)');
    expect(failure('{"sex":1}\n{"sex":1,"label":0}', 'jsonlines')).toBe('line 2, key: got "label", expected a feature name of the model (sex, math, science, technology, random1, random2)');
    expect(failure('{"instances": [', 'json')).toMatch(/^body: is not valid JSON/);
    expect(failure('[1,2,3,4,5,6]\n[1,2', 'jsonlines')).toMatch(/^line 2: is not valid JSON/);
  });

  it('recognises record-id-only requests when the endpoint enriches', () => {
    expect(parseBody('950', 'csv', { featureNames: names, recordIdName: 'index' })).toEqual({ kind: 'records', ids: ['950'] });
    expect(parseBody('[{"index": 950}, {"index": "12"}]', 'json', { featureNames: names, recordIdName: 'index' })).toEqual({ kind: 'records', ids: ['950', '12'] });
    expect(parseBody('1,92,83,86,96,67', 'csv', { featureNames: names, recordIdName: 'index' }).kind).toBe('matrix');
  });
});

describe('content negotiation and responses', () => {
  it('picks formats from Content-Type and Accept', () => {
    expect(requestFormat('text/csv; charset=utf-8')).toBe('csv');
    expect(requestFormat(undefined)).toBe('csv');
    expect(requestFormat('application/jsonlines')).toBe('jsonlines');
    expect(responseFormat(undefined, 'csv')).toBe('csv');
    expect(responseFormat('*/*', 'json')).toBe('json');
    expect(responseFormat('application/json', 'csv')).toBe('json');
    expect(() => requestFormat('image/png')).toThrow('ContentType: got "image/png", expected text/csv, application/json or application/jsonlines');
    expect(() => responseFormat('image/png', 'csv')).toThrow('Accept: got "image/png"');
  });

  it('writes CSV lines, SageMaker XGBoost JSON and JSON Lines', () => {
    const scores = Float64Array.from([0.25, 0.75]);
    expect(formatPredictions(scores, 2, ['score'], 'csv')).toBe('0.25\n0.75');
    expect(formatPredictions(scores, 2, ['score'], 'json')).toBe('{"predictions":[{"score":0.25},{"score":0.75}]}');
    expect(formatPredictions(scores, 1, ['0', '1'], 'csv')).toBe('0.25,0.75');
    expect(formatPredictions(scores, 1, ['0', '1'], 'jsonlines')).toBe('{"score":[0.25,0.75]}');
  });
});
