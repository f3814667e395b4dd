/**
 * @module models/model-record
 * What the registry keeps about a model (the catalog document), named as SageMaker's DescribeModel names
 * things where a name exists.
 */
export type ModelFormat = 'xgboost-json' | 'onnx' | 'remote';

export interface ModelDescription {
  ModelName: string;
  ModelArn: string;
  /** ISO-8601. */
  CreationTime: string;
  format: ModelFormat;
  /** Object-store URI of the artifact (absent for remote models). */
  artifactUri?: string;
  /** Base URL of a remote model's /invocations server. */
  remoteUrl?: string;
  /** Features the model reads, in order. */
  featureNames: string[];
  /** Output columns of `predict` (['score'] or class labels). */
  outputNames: string[];
  label?: string;
  objective?: string;
  hyperparameters?: Record<string, string>;
  trainingDataUri?: string;
  validationDataUri?: string;
  /** Final evaluation metrics, e.g. { 'validation-auc': 0.97 }. */
  metrics?: Record<string, number>;
  bestIteration?: number;
  numTrees?: number;
  /** Where the model came from: trained here, imported from a file, or a remote endpoint. */
  source: 'trained' | 'imported' | 'remote';
}

/** SageMaker's ModelName rule: 1-63 alphanumerics and hyphens, not starting or ending with a hyphen. */
export const MODEL_NAME_PATTERN = /^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}$/;
