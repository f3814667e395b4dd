/**
 * @module explain/baseline
 * The Kernel SHAP baseline as Clarify takes it: in-place rows (features only, in the model's feature
 * order), rows as objects keyed by feature name, or a file (path or object-store URI; with a header naming
 * the model's features, or header-less with exactly one column per feature); without one, cluster centres
 * of the data (explain/kmeans.ts). Every value must be a number (empty / null = missing).
 */
import type { ColumnTable } from '../core/columns.js';
import { invalid, ValidationError } from '../core/errors.js';
import { matrixFromTable, type FeatureMatrix } from '../models/index.js';
import { readTable } from '../table/index.js';
import type { BaselineInput } from './config.js';

export async function baselineMatrix(input: BaselineInput, featureNames: string[], localPathOf: (p: string) => Promise<string>): Promise<FeatureMatrix> {
  const M = featureNames.length;
  if (typeof input === 'string') {
    const path = await localPathOf(input);
    let table: ColumnTable;
    try {
      table = await readTable(path);
    } catch (e) {
      throw new ValidationError([{ path: 'baseline', message: `cannot read ${JSON.stringify(input)} (${(e as Error).message})` }]);
    }
    const names = table.columns.map((c) => c.name);
    if (featureNames.every((n) => names.includes(n))) return checkedMatrix(table, featureNames, input);
    // A header-less file (its columns come back as _c0, _c1, ...): one column per feature, in order.
    const headerless = names.every((n, j) => n === `_c${j}`);
    if (!headerless || names.length !== M) {
      const missing = featureNames.filter((n) => !names.includes(n));
      throw new ValidationError([
        {
          path: 'baseline',
          message: headerless
            ? `${JSON.stringify(input)} has ${names.length} columns and no header; the model reads ${M} features (${featureNames.join(', ')}): give exactly ${M} columns, or a header with those names`
            : `${JSON.stringify(input)} has columns ${names.join(', ')}, without ${missing.join(', ')}; the model reads ${featureNames.join(', ')} (a header must name them, or leave the header out and give exactly ${M} columns)`,
        },
      ]);
    }
    const renamed: ColumnTable = { length: table.length, columns: table.columns.map((c, j) => ({ ...c, name: featureNames[j]! })) };
    return checkedMatrix(renamed, featureNames, input);
  }
  if (!Array.isArray(input) || input.length === 0) throw invalid('baseline', input, 'a non-empty list of rows');
  const values = new Float64Array(input.length * M);
  input.forEach((row, i) => {
    if (Array.isArray(row)) {
      if (row.length !== M) throw invalid(`baseline[${i}]`, row, `${M} values, one per feature (${featureNames.join(', ')})`);
      row.forEach((v, j) => (values[i * M + j] = cell(v, `baseline[${i}][${j}] (${featureNames[j]})`)));
    } else if (typeof row === 'object' && row !== null) {
      const keys = Object.keys(row);
      const unknown = keys.filter((k) => !featureNames.includes(k));
      if (unknown.length > 0) throw invalid(`baseline[${i}]`, unknown.join(', '), `only the model's features (${featureNames.join(', ')})`);
      featureNames.forEach((n, j) => (values[i * M + j] = cell((row as Record<string, unknown>)[n] ?? null, `baseline[${i}].${n}`)));
    } else throw invalid(`baseline[${i}]`, row, 'a list of feature values or an object keyed by feature name');
  });
  return { rows: input.length, cols: M, values };
}

function cell(v: unknown, path: string): number {
  if (v === null || v === undefined || v === '') return NaN;
  if (typeof v === 'number' && !Number.isNaN(v)) return v;
  if (typeof v === 'boolean') return v ? 1 : 0;
  if (typeof v === 'string' && v.trim() !== '' && Number.isFinite(Number(v))) return Number(v);
  throw invalid(path, v, 'a number (the model reads numeric features)');
}

/**
 * The baseline matrix of a file's table. A column read as text is fine when every value is a number or
 * empty (e.g. a column left empty, read as text by the CSV reader): empty means missing (NaN).
 */
function checkedMatrix(table: ColumnTable, featureNames: string[], source: string): FeatureMatrix {
  const columns = table.columns.map((c) => {
    if (c.type !== 'string' || !featureNames.includes(c.name)) return c;
    const values = new Float64Array(table.length);
    for (let i = 0; i < table.length; i++) {
      const v = c.values[i];
      if (v === null || v === undefined || v.trim() === '') values[i] = NaN;
      else if (Number.isFinite(Number(v))) values[i] = Number(v);
      else throw new ValidationError([{ path: `baseline.${c.name}`, message: `${JSON.stringify(source)} column "${c.name}" holds non-numeric values (e.g. ${JSON.stringify(v)} in row ${i + 1}); the model reads numbers` }]);
    }
    return { name: c.name, type: 'float' as const, values };
  });
  return matrixFromTable({ length: table.length, columns }, featureNames);
}
