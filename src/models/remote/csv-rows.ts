/**
 * @module models/remote/csv-rows
 * Feature rows as the SageMaker `text/csv` request body: one line per row, no header, numbers in
 * shortest round-trip form, a missing value (NaN) as an empty field.
 */
import type { FeatureMatrix } from '../predictor.js';

export function formatCsvValue(v: number): string {
  if (Number.isNaN(v)) return '';
  // Python's float() and pandas read these; JavaScript's "Infinity" is not universally accepted.
  if (v === Infinity) return 'inf';
  if (v === -Infinity) return '-inf';
  return String(v);
}

/** Rows [start, end) of the matrix as CSV lines joined by '\n' (no trailing newline). */
export function csvRows(matrix: FeatureMatrix, start: number, end: number): string {
  const { cols, values } = matrix;
  const lines = new Array<string>(end - start);
  const fields = new Array<string>(cols);
  for (let i = start; i < end; i++) {
    for (let j = 0; j < cols; j++) fields[j] = formatCsvValue(values[i * cols + j]!);
    lines[i - start] = fields.join(',');
  }
  return lines.join('\n');
}
