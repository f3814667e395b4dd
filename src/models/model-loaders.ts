/**
 * @module models/model-loaders
 * From artifact bytes to a Predictor, per model format, and from a trained ensemble to its artifact.
 * The only place that knows every format; the registry stays format-free.
 */
import { invalid, ValidationError } from '../core/errors.js';
import { parseXgboostJson, serializeXgboostJson } from './gbt/xgboost/index.js';
import { TreeEnsemblePredictor } from './gbt/predict/index.js';
import type { TreeEnsemble } from './gbt/tree-ensemble.js';
import type { ModelDescription, ModelFormat } from './model-record.js';
import type { Predictor } from './predictor.js';

export interface ModelArtifact {
  format: Exclude<ModelFormat, 'remote'>;
  bytes: Uint8Array;
  fileName: string;
  featureNames: string[];
  outputNames: string[];
  objective?: string;
  numTrees?: number;
}

/** The artifact of a tree ensemble: XGBoost's JSON model format, loadable by XGBoost itself. */
export function xgboostArtifact(model: TreeEnsemble): ModelArtifact {
  const predictor = new TreeEnsemblePredictor(model);
  return {
    format: 'xgboost-json',
    bytes: Buffer.from(serializeXgboostJson(model), 'utf8'),
    fileName: 'model.json',
    featureNames: predictor.featureNames,
    outputNames: predictor.outputNames,
    objective: model.objective,
    numTrees: model.trees.length,
  };
}

/** Reads and checks a model file before anything is stored; `featureNames` fill in names the file lacks. */
export async function readModelArtifact(format: Exclude<ModelFormat, 'remote'>, bytes: Uint8Array, featureNames?: string[]): Promise<ModelArtifact> {
  if (format === 'xgboost-json') {
    const model = parseXgboostJson(Buffer.from(bytes).toString('utf8'));
    if (featureNames) {
      if (featureNames.length !== model.numFeature) throw invalid('featureNames', featureNames.length, `${model.numFeature} names (the model reads ${model.numFeature} features)`);
      model.featureNames = featureNames;
    }
    return xgboostArtifact(model);
  }
  if (format === 'onnx') {
    const predictor = await loadOnnx(bytes, featureNames);
    return { format, bytes, fileName: 'model.onnx', featureNames: predictor.featureNames, outputNames: predictor.outputNames };
  }
  throw invalid('format', format, 'xgboost-json or onnx');
}

export async function loadPredictor(description: ModelDescription, bytes: Uint8Array | undefined): Promise<Predictor> {
  switch (description.format) {
    case 'xgboost-json': {
      const model = parseXgboostJson(Buffer.from(bytes!).toString('utf8'));
      model.featureNames = description.featureNames;
      return new TreeEnsemblePredictor(model);
    }
    case 'onnx':
      return loadOnnx(bytes!, description.featureNames);
    case 'remote': {
      const { createRemotePredictor } = await import('./remote/index.js');
      return createRemotePredictor({ url: description.remoteUrl!, featureNames: description.featureNames, outputNames: description.outputNames });
    }
    default:
      throw new ValidationError([{ path: 'format', message: `unknown model format ${JSON.stringify((description as { format: unknown }).format)}` }]);
  }
}

async function loadOnnx(bytes: Uint8Array, featureNames: string[] | undefined): Promise<Predictor> {
  // onnxruntime-node is loaded only when an ONNX model is used.
  const { loadOnnxPredictor } = await import('./onnx/index.js');
  return loadOnnxPredictor(bytes, featureNames ? { featureNames } : {});
}
