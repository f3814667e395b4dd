/**
 * @module monitor/schedules/types
 * Catalog documents of monitoring schedules (kind `monitoring-schedule`, shaped like SageMaker's
 * DescribeMonitoringSchedule) and executions (kind `monitoring-execution`, shaped like its
 * MonitoringExecutionSummary). plumbline's additions live under `PlumblineConfig` and are marked.
 */
import type { WebhookDelivery } from '../alerts/index.js';
import type { CaptureMapping } from '../capture-window/index.js';
import type { ExecutionMetrics } from '../metrics.js';
import type { ProblemType } from '../quality/index.js';

export const SCHEDULE_KIND = 'monitoring-schedule';
export const EXECUTION_KIND = 'monitoring-execution';
/** SageMaker's MonitoringScheduleName rule. */
export const SCHEDULE_NAME_PATTERN = /^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}$/;

export type MonitoringType = 'DataQuality' | 'ModelQuality' | 'ModelBias' | 'ModelExplainability';
export type MonitoringScheduleStatus = 'Pending' | 'Scheduled' | 'Failed' | 'Stopped';
export type MonitoringExecutionStatus = 'Pending' | 'InProgress' | 'Completed' | 'CompletedWithViolations' | 'Failed' | 'Stopping' | 'Stopped';

export interface MonitoringExecutionSummary {
  MonitoringScheduleName: string;
  /** ISO-8601: the slot this execution analyses up to. */
  ScheduledTime: string;
  CreationTime: string;
  LastModifiedTime: string;
  MonitoringExecutionStatus: MonitoringExecutionStatus;
  ProcessingJobArn: string;
  EndpointName: string;
  MonitoringType: MonitoringType;
  FailureReason?: string;
}

/** plumbline's execution record: the summary plus where its files are and what it found. */
export interface MonitoringExecution extends MonitoringExecutionSummary {
  MonitoringExecutionName: string;
  /** `Schedule` (on its slot), `CatchUp` (a slot missed while the server was down), `OnDemand` (`monitor run`). */
  Trigger: 'Schedule' | 'CatchUp' | 'OnDemand';
  ExitMessage?: string;
  DataAnalysisStartTime: string;
  DataAnalysisEndTime: string;
  /** Output name -> URI: statistics, constraint_violations, constraints, report. */
  Outputs: Record<string, string>;
  ViolationCount?: number;
  RecordsAnalysed?: number;
  UnreadableRecords?: number;
  /** How captured columns were matched to the baseline. */
  ColumnMapping?: string;
  /** plumbline's drift tests: dataset verdict and drifted columns. */
  Drift?: { DatasetDrift: boolean; ShareOfDriftedColumns: number; DriftedColumns: string[]; Method: string };
  Notes?: string[];
  /** The figures published to Prometheus (kept so that another process, e.g. `plumbline serve`, can publish them). */
  Metrics?: ExecutionMetrics;
  Alerts?: WebhookDelivery[];
}

export interface PlumblineScheduleConfig {
  /** Capture destination override (default: the endpoint's DataCaptureConfig.DestinationS3Uri). */
  CaptureDestination?: string;
  /** Only this variant's capture. */
  VariantName?: string;
  ColumnMapping: CaptureMapping;
  /** Webhook URLs to POST an alert to when an execution finds violations. */
  Webhooks: string[];
  /** plumbline's statistical drift tests (besides SageMaker's baseline_drift_check); false = off. */
  Drift: false | { method?: 'auto' | 'ks' | 'chisquare' | 'ztest' | 'wasserstein' | 'jensenshannon' | 'psi'; threshold?: number; segmentBy?: string };
  /** Epoch ms of the last slot claimed (catch-up runs only slots after it). */
  LastSlot?: number;
  /** Model quality: where labels are uploaded. */
  GroundTruthS3Uri?: string;
  ProblemType?: ProblemType;
  ProbabilityThreshold?: number;
  PositiveLabel?: string;
  /** Model explainability: NDCG below this flags attribution drift (default 0.9). */
  AttributionDriftThreshold?: number;
  /** Model bias: the Clarify analysis config (label, facets, methods, headers), as given (SageMaker's ConfigUri content). */
  BiasAnalysisConfig?: unknown;
  /** Model bias: where the analysis config was read from, when a file. */
  BiasConfigUri?: string;
}

export interface MonitoringScheduleDescription {
  MonitoringScheduleArn: string;
  MonitoringScheduleName: string;
  MonitoringScheduleStatus: MonitoringScheduleStatus;
  MonitoringType: MonitoringType;
  FailureReason?: string;
  CreationTime: string;
  LastModifiedTime: string;
  EndpointName: string;
  MonitoringScheduleConfig: {
    ScheduleConfig: { ScheduleExpression: string; DataAnalysisStartTime?: string; DataAnalysisEndTime?: string };
    MonitoringType: MonitoringType;
    MonitoringJobDefinition: {
      BaselineConfig?: { ConstraintsResource?: { S3Uri: string }; StatisticsResource?: { S3Uri: string } };
      MonitoringInputs: { EndpointInput: { EndpointName: string; LocalPath: string; S3InputMode: 'File'; S3DataDistributionType: 'FullyReplicated'; StartTimeOffset?: string; EndTimeOffset?: string } }[];
      MonitoringOutputConfig: { MonitoringOutputs: { S3Output: { S3Uri: string; LocalPath: string; S3UploadMode: 'EndOfJob' } }[] };
      MonitoringResources: { ClusterConfig: { InstanceCount: number; InstanceType: string; VolumeSizeInGB: number } };
      MonitoringAppSpecification: { ImageUri: string };
      StoppingCondition: { MaxRuntimeInSeconds: number };
      Environment: Record<string, string>;
      RoleArn: string;
    };
  };
  LastMonitoringExecutionSummary?: MonitoringExecutionSummary;
  /** plumbline extension. */
  Plumbline: PlumblineScheduleConfig;
}
