/**
 * @module bias/report
 * Runs the metrics of one stage for every facet (and every facet value in one-vs-all), as smclarify's
 * `bias_report`: facets are independent, metrics sorted by name, a failing metric is kept with its error.
 * With `bootstrap`, each facet report gets its own seeded random stream (bias/bootstrap) for the intervals.
 */
import type { ColumnTable } from '../core/columns.js';
import { bootstrapStream, resolveBootstrap, type BootstrapOptions } from './bootstrap.js';
import { ValidationError } from '../core/errors.js';
import { flipFeatures } from './ft.js';
import { resolveGroups, type BiasConfig, type ResolvedGroups, type ResolveOptions } from './groups.js';
import type { MetricResult, PostTrainingMetric, PreTrainingMetric } from './metric.js';
import { postTrainingMetrics } from './post-training.js';
import { preTrainingMetrics } from './pre-training.js';

export interface FacetReport {
  valueOrThreshold: string;
  metrics: MetricResult[];
}

export interface BiasStageResult {
  stage: 'pre_training' | 'post_training';
  label: string;
  labelValueOrThreshold: string;
  facets: { name: string; reports: FacetReport[] }[];
}

export interface StageOptions<M> extends ResolveOptions {
  methods?: 'all' | readonly M[];
  /** Reuse masks already resolved for the other stage. */
  groups?: ResolvedGroups;
  /** Bootstrap confidence intervals for every metric (bias/bootstrap). */
  bootstrap?: BootstrapOptions;
}

/** Random stream ids: one per facet report and stage, so adding metrics or stages changes no interval. */
function streamOf(stage: 0 | 1, facet: number, report: number): number {
  return (facet * 100_003 + report) * 2 + stage;
}

export function preTrainingBias(table: ColumnTable, config: BiasConfig, options: StageOptions<PreTrainingMetric> = {}): BiasStageResult {
  const groups = options.groups ?? resolveGroups(table, config, options);
  const b = options.bootstrap ? resolveBootstrap(options.bootstrap) : undefined;
  return {
    stage: 'pre_training',
    label: config.label.name,
    labelValueOrThreshold: groups.labelValueOrThreshold,
    facets: groups.facets.map((facet, fi) => ({
      name: facet.name,
      reports: facet.groups.map((g, ri) => ({
        valueOrThreshold: g.valueOrThreshold,
        metrics: preTrainingMetrics({ d: g.d, label: groups.label, group: groups.group }, options.methods, b && { options: b, random: bootstrapStream(b, streamOf(0, fi, ri)) }),
      })),
    })),
  };
}

export function postTrainingBias(table: ColumnTable, config: BiasConfig, options: StageOptions<PostTrainingMetric> = {}): BiasStageResult {
  if (config.predictedLabel === undefined) {
    throw new ValidationError([{ path: 'predictedLabel', message: 'post-training bias needs a predicted label column' }]);
  }
  const groups = options.groups ?? resolveGroups(table, config, options);
  const predicted = groups.predicted!;
  // smclarify fails the whole post-training report here rather than reporting DI = 0 etc.
  if (!predicted.includes(1)) {
    throw new ValidationError([
      {
        path: 'predictedLabel',
        message: `no row of "${config.predictedLabel}" is a positive label (No Label values are present in the predicted Label Column, Positive Predicted Index Series contains all False values)`,
      },
    ]);
  }
  const label = config.label.name;
  const b = options.bootstrap ? resolveBootstrap(options.bootstrap) : undefined;
  return {
    stage: 'post_training',
    label,
    labelValueOrThreshold: groups.labelValueOrThreshold,
    facets: groups.facets.map((facet, fi) => {
      const exclude = [...facet.columns, label, config.predictedLabel!];
      let features: Float64Array[] | undefined;
      const featureColumns = () => (features ??= flipFeatures(table, exclude, config.featureColumns));
      return {
        name: facet.name,
        reports: facet.groups.map((g, ri) => ({
          valueOrThreshold: g.valueOrThreshold,
          metrics: postTrainingMetrics(
            { d: g.d, label: groups.label, predicted, group: groups.group, features: featureColumns },
            options.methods,
            b && { options: b, random: bootstrapStream(b, streamOf(1, fi, ri)) },
          ),
        })),
      };
    }),
  };
}
