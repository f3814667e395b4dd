/**
 * @module clarify/processor
 * `ClarifyProcessor`: SageMaker's `SageMakerClarifyProcessor` on one laptop. `runPreTrainingBias`,
 * `runPostTrainingBias` and `runBias` start a job on `platform.jobs` (status, progress, outputs in the catalog)
 * and resolve with the `Job` at once; `await job.wait()` gives the result, and the outputs (analysis.json,
 * report.md, report.html under the DataConfig's outputPath) are listed in `job.describe()`. Configuration
 * errors are thrown by the call itself, before any job starts; data errors (a missing column...) fail the job
 * with the message, and `wait()` rejects with the same error.
 *
 * `runExplainability` (SHAP and partial dependence, explain/) runs the same way; `startJob` is the shared way
 * to run one.
 */
import { methodList, POST_TRAINING_METRICS, PRE_TRAINING_METRICS, resolveBootstrap, runBias, type BiasRunContext, type BootstrapOptions, type PostTrainingMetric, type PreTrainingMetric, type RunBiasOptions, type RunBiasResult } from '../bias/index.js';
import { ValidationError } from '../core/errors.js';
import { PDPConfig, runExplainability, SHAPConfig, type ExplainMethod, type ExplainRunContext, type RunExplainabilityOptions, type RunExplainabilityResult } from '../explain/index.js';
import type { Job, JobContext, JobOutcome, JobRunner } from '../jobs/index.js';
import { BiasConfig, DataConfig, ModelConfig, ModelPredictedLabelConfig } from './configs.js';

/** What the processor needs from the platform. */
export interface ClarifyPlatform extends BiasRunContext {
  models: BiasRunContext['models'] & ExplainRunContext['models'];
  jobs: JobRunner;
}

export interface ClarifyExplainOptions extends Omit<ClarifyRunOptions, 'bootstrap'> {
  /** 'auto' (default): exact TreeSHAP for tree models, Kernel SHAP otherwise. */
  method?: ExplainMethod;
  /** Names replacing label0, label1, ... (Clarify `predictor.label_headers`). */
  labelHeaders?: string[];
}

export interface ClarifyRunOptions {
  /** Job name (default: generated from the job type and the time). */
  jobName?: string;
  /** Wait for the job to finish before resolving (SageMaker's `wait=True`); a failed job then rejects. */
  wait?: boolean;
  /** Bootstrap confidence intervals for every metric (beyond Clarify). */
  bootstrap?: BootstrapOptions;
}

export type ClarifyMethods<M> = 'all' | M[];

/** The result of a bias job. */
export type ClarifyBiasResult = RunBiasResult;

export const CLARIFY_JOB_TYPES = {
  preTrainingBias: 'clarify-pre-training-bias',
  postTrainingBias: 'clarify-post-training-bias',
  bias: 'clarify-bias',
  explainability: 'clarify-explainability',
} as const;

export class ClarifyProcessor {
  constructor(private readonly platform: ClarifyPlatform) {}

  /** Pre-training bias of the data (SageMaker `run_pre_training_bias`). */
  async runPreTrainingBias(dataConfig: DataConfig, biasConfig: BiasConfig, methods: ClarifyMethods<PreTrainingMetric> = 'all', options: ClarifyRunOptions = {}): Promise<Job<ClarifyBiasResult>> {
    const pre = methodList('methods', methods, PRE_TRAINING_METRICS);
    return this.bias(CLARIFY_JOB_TYPES.preTrainingBias, dataConfig, biasConfig, undefined, undefined, { pre }, options);
  }

  /**
   * Post-training bias of a model's predicted labels (SageMaker `run_post_training_bias`). Without a model
   * config, the predicted labels are the column `dataConfig.predictedLabel`.
   */
  async runPostTrainingBias(
    dataConfig: DataConfig,
    biasConfig: BiasConfig,
    modelConfig?: ModelConfig,
    modelPredictedLabelConfig?: ModelPredictedLabelConfig,
    methods: ClarifyMethods<PostTrainingMetric> = 'all',
    options: ClarifyRunOptions = {},
  ): Promise<Job<ClarifyBiasResult>> {
    const post = methodList('methods', methods, POST_TRAINING_METRICS);
    return this.bias(CLARIFY_JOB_TYPES.postTrainingBias, dataConfig, biasConfig, modelConfig, modelPredictedLabelConfig, { post }, options);
  }

  /** Pre- and post-training bias in one job (SageMaker `run_bias`). */
  async runBias(
    dataConfig: DataConfig,
    biasConfig: BiasConfig,
    modelConfig?: ModelConfig,
    modelPredictedLabelConfig?: ModelPredictedLabelConfig,
    preTrainingMethods: ClarifyMethods<PreTrainingMetric> = 'all',
    postTrainingMethods: ClarifyMethods<PostTrainingMetric> = 'all',
    options: ClarifyRunOptions = {},
  ): Promise<Job<ClarifyBiasResult>> {
    const pre = methodList('preTrainingMethods', preTrainingMethods, PRE_TRAINING_METRICS);
    const post = methodList('postTrainingMethods', postTrainingMethods, POST_TRAINING_METRICS);
    return this.bias(CLARIFY_JOB_TYPES.bias, dataConfig, biasConfig, modelConfig, modelPredictedLabelConfig, { pre, post }, options);
  }

  /**
   * SHAP values (and partial dependence with a PDPConfig) of a registered model on the data (SageMaker
   * `run_explainability`); `explainabilityConfig` is a SHAPConfig, a PDPConfig or a list of both.
   */
  async runExplainability(dataConfig: DataConfig, modelConfig: ModelConfig, explainabilityConfig: SHAPConfig | PDPConfig | (SHAPConfig | PDPConfig)[], options: ClarifyExplainOptions = {}): Promise<Job<RunExplainabilityResult>> {
    expectInstance('dataConfig', dataConfig, DataConfig);
    expectInstance('modelConfig', modelConfig, ModelConfig);
    const configs = Array.isArray(explainabilityConfig) ? explainabilityConfig : [explainabilityConfig];
    const shap = configs.filter((c): c is SHAPConfig => c instanceof SHAPConfig);
    const pdp = configs.filter((c): c is PDPConfig => c instanceof PDPConfig);
    if (configs.length === 0 || shap.length + pdp.length !== configs.length || shap.length > 1 || pdp.length > 1) {
      throw new ValidationError([{ path: 'explainabilityConfig', message: 'expected a SHAPConfig, a PDPConfig, or a list with at most one of each' }]);
    }
    const run: RunExplainabilityOptions = { data: dataConfig.dataPath, modelName: modelConfig.modelName, output: dataConfig.outputPath };
    if (dataConfig.label !== undefined) run.label = dataConfig.label;
    if (dataConfig.headers) run.headers = dataConfig.headers;
    if (shap[0]) run.shap = shap[0];
    if (pdp[0]) run.pdp = pdp[0];
    if (options.method) run.method = options.method;
    if (options.labelHeaders) run.labelHeaders = options.labelHeaders;
    const parameters = { dataConfig: { ...dataConfig }, modelConfig: { ...modelConfig }, ...(shap[0] ? { shapConfig: { ...shap[0] } } : {}), ...(pdp[0] ? { pdpConfig: { ...pdp[0] } } : {}), method: options.method ?? 'auto' };
    return this.startJob(CLARIFY_JOB_TYPES.explainability, options, parameters, async (ctx) => {
      const result = await runExplainability(this.platform, { ...run, progress: ctx.progress });
      const outputs = Object.fromEntries(Object.entries(result.files ?? {}).filter((e): e is [string, string] => e[1] !== undefined));
      return { outputs, result };
    });
  }

  private async bias(
    type: string,
    data: DataConfig,
    bias: BiasConfig,
    model: ModelConfig | undefined,
    predicted: ModelPredictedLabelConfig | undefined,
    methods: { pre?: 'all' | PreTrainingMetric[]; post?: 'all' | PostTrainingMetric[] },
    options: ClarifyRunOptions,
  ): Promise<Job<ClarifyBiasResult>> {
    expectInstance('dataConfig', data, DataConfig);
    expectInstance('biasConfig', bias, BiasConfig);
    if (model !== undefined) expectInstance('modelConfig', model, ModelConfig);
    if (predicted !== undefined) expectInstance('modelPredictedLabelConfig', predicted, ModelPredictedLabelConfig);
    if (data.label === undefined) throw new ValidationError([{ path: 'dataConfig.label', message: 'is required for bias analysis (the label column)' }]);
    if (methods.post !== undefined && model === undefined && data.predictedLabel === undefined) {
      throw new ValidationError([{ path: 'modelConfig', message: 'post-training bias needs a model (modelConfig) or a predicted label column (dataConfig.predictedLabel)' }]);
    }
    const run: RunBiasOptions = {
      data: data.dataPath,
      config: bias.toMetricsConfig(data.label, model === undefined ? data.predictedLabel : undefined),
      output: data.outputPath,
      ...methods,
    };
    if (data.headers) run.headers = data.headers;
    if (model) {
      run.modelName = model.modelName;
      if (data.predictedLabel !== undefined) run.predictedLabel = data.predictedLabel;
      if (predicted) {
        run.probabilityThreshold = predicted.probabilityThreshold;
        if (predicted.label !== undefined) run.modelOutput = predicted.label;
      }
    }
    if (options.bootstrap) run.bootstrap = resolveBootstrap(options.bootstrap);
    const parameters = {
      dataConfig: { ...data },
      biasConfig: { labelValuesOrThreshold: bias.labelValuesOrThreshold, facets: bias.facets, ...(bias.groupName !== undefined ? { groupName: bias.groupName } : {}) },
      ...(model ? { modelConfig: { ...model } } : {}),
      ...(predicted ? { modelPredictedLabelConfig: { ...predicted } } : {}),
      methods,
      ...(options.bootstrap ? { bootstrap: options.bootstrap } : {}),
    };
    return this.startJob(type, options, parameters, async (ctx) => {
      const result = await runBias(this.platform, { ...run, progress: ctx.progress, signal: ctx.signal });
      return { outputs: { ...result.files! }, result };
    });
  }

  /** Starts `work` as a job of `type`; with `options.wait`, resolves once it has finished. */
  protected async startJob<T>(type: string, options: { jobName?: string; wait?: boolean }, parameters: unknown, work: (ctx: JobContext) => Promise<JobOutcome<T>>): Promise<Job<T>> {
    const job = await this.platform.jobs.start({ type, ...(options.jobName !== undefined ? { name: options.jobName } : {}), parameters }, work);
    if (options.wait) await job.wait();
    return job;
  }
}

function expectInstance<T>(path: string, value: unknown, ctor: new (...args: never[]) => T): void {
  if (!(value instanceof ctor)) throw new ValidationError([{ path, message: `expected a ${ctor.name} (new ${ctor.name}({...})), got ${value === null ? 'null' : typeof value}` }]);
}
