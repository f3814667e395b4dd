/**
 * @module models/estimator
 * `Estimator`: SageMaker's built-in XGBoost estimator in camelCase, training in process with plumbline's
 * XGBoost-compatible trainer and registering the result as an XGBoost JSON model.
 *
 * @example
 * const estimator = platform.models.estimator().setHyperparameters({ objective: 'binary:logistic', max_depth: 8, eta: 0.1, min_child_weight: 4, num_round: 500 });
 * const { model } = await estimator.fit({ train: 'training_data_no_header.csv', validation: 'validation_data_no_header.csv' }, { modelName: 'scholarship' });
 */
import { ValidationError } from '../core/errors.js';
import type { Progress } from '../core/progress.js';
import { train, type TrainResult } from './gbt/train/index.js';
import { xgboostArtifact } from './model-loaders.js';
import type { ModelDescription } from './model-record.js';
import type { ModelRegistry } from './registry.js';
import { loadTrainingData, type TrainingInput } from './training-data.js';

export interface FitInputs {
  /** A file (a header-less CSV with the label first, as SageMaker's XGBoost takes) or a table/file with `label`. */
  train: string | TrainingInput;
  validation?: string | TrainingInput;
}

export interface FitOptions {
  modelName: string;
  /** Names for the features of a header-less CSV (default f0, f1, ...). */
  featureNames?: string[];
  progress?: Progress;
  /** Receives XGBoost-style evaluation lines (`[10]\ttrain-logloss:0.3\tvalidation-logloss:0.4`). */
  log?: (line: string) => void;
  threads?: 1 | 2;
}

export interface FitResult {
  model: ModelDescription;
  evals: TrainResult['evals'];
  bestIteration?: number;
  seconds: number;
}

export class Estimator {
  private hyperparameters: Record<string, string | number> = {};

  constructor(private readonly registry: ModelRegistry) {}

  /** Sets hyper-parameters as SageMaker does (strings or numbers; unknown names are refused at fit). */
  setHyperparameters(hyperparameters: Record<string, string | number>): this {
    this.hyperparameters = { ...this.hyperparameters, ...hyperparameters };
    return this;
  }

  /** Data given as an object-store URI is read from its local copy. */
  private async resolve(input: TrainingInput): Promise<TrainingInput> {
    return typeof input.data === 'string' ? { ...input, data: await this.registry.localPathOf(input.data) } : input;
  }

  async fit(inputs: FitInputs, options: FitOptions): Promise<FitResult> {
    const started = performance.now();
    const trainInput = await this.resolve(typeof inputs.train === 'string' ? { data: inputs.train } : inputs.train);
    const validationInput = inputs.validation === undefined ? undefined : await this.resolve(typeof inputs.validation === 'string' ? { data: inputs.validation } : inputs.validation);
    const names = options.featureNames ? { featureNames: options.featureNames } : {};
    const trainData = await loadTrainingData(trainInput, { ...names, field: 'train' });
    const validationData = validationInput ? await loadTrainingData(validationInput, { ...names, field: 'validation' }) : undefined;
    if (validationData && validationData.featureNames.join() !== trainData.featureNames.join()) {
      throw new ValidationError([{ path: 'validation', message: `features ${validationData.featureNames.join(', ')} differ from the training features ${trainData.featureNames.join(', ')}` }]);
    }
    // Refuse a taken name before spending minutes on training.
    await this.registry.assertNameFree(options.modelName);
    const result = await train(
      this.hyperparameters,
      { matrix: trainData.matrix, label: trainData.label },
      {
        ...(validationData ? { validation: { matrix: validationData.matrix, label: validationData.label } } : {}),
        ...(options.progress ? { progress: options.progress } : {}),
        ...(options.log ? { log: options.log } : {}),
        ...(options.threads ? { threads: options.threads } : {}),
      },
    );
    result.model.featureNames = trainData.featureNames;
    const last = result.evals[result.evals.length - 1];
    const metrics: Record<string, number> = {};
    if (last) {
      for (const [metric, value] of Object.entries(last.train ?? {})) metrics[`train-${metric}`] = value;
      for (const [metric, value] of Object.entries(last.validation ?? {})) metrics[`validation-${metric}`] = value;
    }
    const model = await this.registry.registerArtifact(options.modelName, xgboostArtifact(result.model), {
      featureNames: trainData.featureNames,
      outputNames: outputNamesOf(result.model.objective, result.model.numClass),
      label: trainData.labelName,
      objective: result.model.objective,
      hyperparameters: Object.fromEntries(Object.entries(this.hyperparameters).map(([k, v]) => [k, String(v)])),
      ...(typeof inputs.train === 'string' ? { trainingDataUri: inputs.train } : typeof inputs.train.data === 'string' ? { trainingDataUri: inputs.train.data } : {}),
      ...(typeof inputs.validation === 'string' ? { validationDataUri: inputs.validation } : inputs.validation && typeof inputs.validation.data === 'string' ? { validationDataUri: inputs.validation.data } : {}),
      metrics,
      ...(result.bestIteration !== undefined ? { bestIteration: result.bestIteration } : {}),
      numTrees: result.model.trees.length,
      source: 'trained',
    });
    return { model, evals: result.evals, ...(result.bestIteration !== undefined ? { bestIteration: result.bestIteration } : {}), seconds: (performance.now() - started) / 1000 };
  }
}

function outputNamesOf(objective: string, numClass: number): string[] {
  return objective === 'multi:softprob' ? Array.from({ length: numClass }, (_, i) => String(i)) : ['score'];
}
