/**
 * @module serving/types
 * Endpoint and endpoint-config catalog documents, shaped like SageMaker's DescribeEndpointConfig and
 * DescribeEndpoint responses (plumbline extensions are marked), and the invocation request/response.
 */
import type { DataCaptureConfigApi, DataCaptureConfigInput } from '../capture/index.js';

export const ENDPOINT_KIND = 'endpoint';
export const ENDPOINT_CONFIG_KIND = 'endpoint-config';
/** SageMaker's EndpointName / VariantName rule. */
export const ENDPOINT_NAME_PATTERN = /^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}$/;
/** SageMaker's InvokeEndpoint payload limit: 6 MB. */
export const MAX_PAYLOAD_BYTES = 6 * 1024 * 1024;

export type EndpointStatus = 'Creating' | 'InService' | 'Updating' | 'Failed' | 'Deleting';

export interface ProductionVariantConfig {
  VariantName: string;
  ModelName: string;
  InitialInstanceCount: number;
  InstanceType: string;
  InitialVariantWeight: number;
}

export interface EndpointConfigDescription {
  EndpointConfigName: string;
  EndpointConfigArn: string;
  ProductionVariants: ProductionVariantConfig[];
  DataCaptureConfig?: DataCaptureConfigApi;
  /** plumbline extension: a request carrying only a record id gets its features from this group's online store. */
  FeatureStoreEnrichment?: { FeatureGroupName: string };
  CreationTime: string;
}

export interface ProductionVariantSummary {
  VariantName: string;
  /** plumbline extension (SageMaker shows DeployedImages). */
  ModelName: string;
  CurrentWeight: number;
  DesiredWeight: number;
  CurrentInstanceCount: number;
  DesiredInstanceCount: number;
}

export interface DataCaptureConfigSummary {
  EnableCapture: boolean;
  CaptureStatus: 'Started' | 'Stopped';
  CurrentSamplingPercentage: number;
  DestinationS3Uri: string;
  KmsKeyId?: string;
}

export interface EndpointDescription {
  EndpointName: string;
  EndpointArn: string;
  EndpointConfigName: string;
  ProductionVariants: ProductionVariantSummary[];
  DataCaptureConfig?: DataCaptureConfigSummary;
  EndpointStatus: EndpointStatus;
  FailureReason?: string;
  CreationTime: string;
  LastModifiedTime: string;
}

/** A variant as the SDK takes it. */
export interface VariantInput {
  /** Default `AllTraffic` for a single variant, `variant-<n>` otherwise. */
  variantName?: string;
  modelName: string;
  /** Relative traffic weight (default 1). */
  initialWeight?: number;
  initialInstanceCount?: number;
  instanceType?: string;
}

export interface CreateEndpointInput {
  endpointName: string;
  variants: VariantInput[];
  dataCaptureConfig?: DataCaptureConfigInput | DataCaptureConfigApi;
  /** Enrichment from the feature store's online store. */
  featureGroupName?: string;
}

export interface UpdateEndpointInput {
  /** New variants (swap models or weights); default: the current ones. */
  variants?: VariantInput[];
  /** New capture config; `null` turns capture off; default: the current one. */
  dataCaptureConfig?: DataCaptureConfigInput | DataCaptureConfigApi | null;
  /** `null` turns enrichment off. */
  featureGroupName?: string | null;
}

/** One InvokeEndpoint call. */
export interface InvocationRequest {
  body: Uint8Array | string;
  contentType?: string;
  accept?: string;
  /** As InvokeEndpoint's TargetVariant (header X-Amzn-SageMaker-Target-Variant). */
  targetVariant?: string;
  /** As InvokeEndpoint's InferenceId (header X-Amzn-SageMaker-Inference-Id); recorded in the capture. */
  inferenceId?: string;
  /** X-Amzn-SageMaker-Custom-Attributes; recorded in the capture. */
  customAttributes?: string;
}

export interface InvocationResponse {
  body: string;
  contentType: string;
  /** The variant that answered (header x-Amzn-Invoked-Production-Variant). */
  variant: string;
  /** How many rows were predicted. */
  rows: number;
}
