/**
 * @module featurestore/dataset
 * Training datasets from the offline store: the fluent {@link DatasetBuilder} (SageMaker's
 * DatasetBuilder with a true point-in-time join) and its JSON spec form for the CLI.
 */
export { createDataset, DatasetBuilder, type DatasetOptions, type FeatureGroupJoinOptions } from './dataset-builder.js';
export { builderFromSpec, datasetSpecSchema, parseDatasetSpec, type DatasetSpec } from './dataset-spec.js';
export { buildDatasetSql } from './dataset-sql.js';
export type { DatasetPlan, JoinType } from './dataset-plan.js';
export type { EntityRows } from './entity-rows.js';
export type { TimeInput } from './time-input.js';
