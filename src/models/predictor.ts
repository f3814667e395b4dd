/**
 * @module models/predictor
 * The predictor port used by everything downstream of a model (bias, SHAP, serving): batch prediction over
 * a dense row-major matrix in the feature order the model expects. Adapters: tree ensembles (plumbline and
 * XGBoost models), ONNX models (onnxruntime-node) and remote models (any SageMaker-style /invocations server).
 */
import type { ColumnTable } from '../core/columns.js';
import { ValidationError } from '../core/errors.js';

/** Rows x cols values, row-major; NaN is a missing value. */
export interface FeatureMatrix {
  rows: number;
  cols: number;
  values: Float64Array;
}

export interface Predictor {
  /** 'xgboost', 'onnx', 'remote', ... */
  readonly kind: string;
  /** The features the model reads, in order. */
  readonly featureNames: string[];
  /** One name per output column: ['score'] for binary/regression, class labels for multi-class probabilities. */
  readonly outputNames: string[];
  /** Scores (probabilities for classifiers), row-major: rows x outputNames.length. */
  predict(matrix: FeatureMatrix): Promise<Float64Array>;
  close?(): Promise<void>;
}

/**
 * Builds the model's input matrix from a table by feature name. Missing columns and non-numeric columns are
 * validation errors naming the column; booleans become 0/1, nulls NaN.
 */
export function matrixFromTable(table: ColumnTable, featureNames: string[]): FeatureMatrix {
  const rows = table.length;
  const cols = featureNames.length;
  const values = new Float64Array(rows * cols);
  const missing = featureNames.filter((n) => !table.columns.some((c) => c.name === n));
  if (missing.length > 0) {
    throw new ValidationError(missing.map((n) => ({ path: `columns.${n}`, message: `the data has no column "${n}" (the model reads ${featureNames.join(', ')})` })));
  }
  for (let j = 0; j < cols; j++) {
    const column = table.columns.find((c) => c.name === featureNames[j])!;
    if (column.type === 'string') {
      throw new ValidationError([{ path: `columns.${column.name}`, message: `column "${column.name}" holds strings; the model needs numbers` }]);
    }
    if (column.type === 'bool') {
      for (let i = 0; i < rows; i++) values[i * cols + j] = column.valid[i] === 0 ? NaN : column.values[i]!;
    } else {
      const v = column.values;
      for (let i = 0; i < rows; i++) values[i * cols + j] = v[i]!;
    }
  }
  return { rows, cols, values };
}
