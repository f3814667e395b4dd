/**
 * @module models/training-data
 * Training inputs as the SageMaker XGBoost container takes them: a CSV without header whose first column is
 * the label, or any table or file with a named label column. Produces the feature matrix and label vector.
 */
import type { ColumnTable } from '../core/columns.js';
import { ValidationError } from '../core/errors.js';
import { readTable } from '../table/index.js';
import { matrixFromTable, type FeatureMatrix } from './predictor.js';

export interface TrainingInput {
  /** A file (CSV, Parquet, JSON Lines) or a table. */
  data: string | ColumnTable;
  /** Label column name; omit with `labelFirst` for a header-less CSV whose first column is the label. */
  label?: string;
  labelFirst?: boolean;
}

export interface LoadedTrainingData {
  matrix: FeatureMatrix;
  label: Float64Array;
  featureNames: string[];
  labelName: string;
  rows: number;
}

/**
 * Loads a training or validation set. With `labelFirst`, a CSV is read without header and the first column
 * is the label; features are named `featureNames` when given, else `f0..f{n-1}` as XGBoost names them.
 */
export async function loadTrainingData(input: TrainingInput, options: { featureNames?: string[]; field?: string } = {}): Promise<LoadedTrainingData> {
  const field = options.field ?? 'train';
  const labelFirst = input.labelFirst ?? input.label === undefined;
  let table: ColumnTable;
  if (typeof input.data === 'string') {
    table = await readTable(input.data, labelFirst && /\.csv(\.gz)?$/i.test(input.data) ? { header: false } : {});
  } else table = input.data;
  if (table.length === 0) throw new ValidationError([{ path: field, message: `${typeof input.data === 'string' ? input.data : 'the table'} has no rows` }]);
  const labelName = labelFirst ? table.columns[0]!.name : input.label!;
  const labelColumn = table.columns.find((c) => c.name === labelName);
  if (!labelColumn) {
    throw new ValidationError([{ path: `${field}.label`, message: `no column "${labelName}" (columns: ${table.columns.map((c) => c.name).join(', ')})` }]);
  }
  const featureColumns = table.columns.filter((c) => c !== labelColumn);
  if (featureColumns.length === 0) throw new ValidationError([{ path: field, message: 'there are no feature columns besides the label' }]);
  let names = featureColumns.map((c) => c.name);
  if (options.featureNames) {
    if (options.featureNames.length !== names.length) {
      throw new ValidationError([{ path: `${field}.featureNames`, message: `got ${options.featureNames.length} names for ${names.length} feature columns` }]);
    }
    names = options.featureNames;
  } else if (labelFirst && typeof input.data === 'string') {
    names = names.map((_, i) => `f${i}`);
  }
  const renamed: ColumnTable = { length: table.length, columns: featureColumns.map((c, i) => ({ ...c, name: names[i]! })) };
  const matrix = matrixFromTable(renamed, names);
  if (labelColumn.type === 'string') {
    const bad = labelColumn.values.findIndex((v) => v === null || !Number.isFinite(Number(v)));
    throw new ValidationError([{ path: `${field}.label`, message: `label "${labelName}" must be numeric; row ${bad + 1} holds ${JSON.stringify(labelColumn.values[bad])}` }]);
  }
  const label = new Float64Array(table.length);
  if (labelColumn.type === 'bool') for (let i = 0; i < table.length; i++) label[i] = labelColumn.valid[i] === 0 ? NaN : labelColumn.values[i]!;
  else label.set(labelColumn.values);
  return { matrix, label, featureNames: names, labelName, rows: table.length };
}
