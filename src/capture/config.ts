/**
 * @module capture/config
 * `DataCaptureConfig` as the SageMaker Python SDK spells it (enable_capture, sampling_percentage, destination,
 * capture_options REQUEST/RESPONSE, csv/json content types), and its API form (EnableCapture,
 * InitialSamplingPercentage, DestinationS3Uri, CaptureOptions[{CaptureMode}], CaptureContentTypeHeader) as
 * stored in endpoint configs. Defaults follow the SDK: 20 %, REQUEST and RESPONSE, text/csv, application/json.
 */
import { invalid } from '../core/errors.js';

/** The SDK form. snake_case keys (as in Python) are accepted too. */
export interface DataCaptureConfigInput {
  enableCapture?: boolean;
  /** 0-100, default 20 (the SDK's default). */
  samplingPercentage?: number;
  /** Object-store URI (or a path in the workspace's object store, or a local folder); default `model-monitor/data-capture`. */
  destinationS3Uri?: string;
  /** Alias of destinationS3Uri. */
  destination?: string;
  kmsKeyId?: string;
  /** REQUEST and/or RESPONSE (or the API's Input / Output / InputAndOutput); default both. */
  captureOptions?: string[];
  csvContentTypes?: string[];
  jsonContentTypes?: string[];
  enable_capture?: boolean;
  sampling_percentage?: number;
  destination_s3_uri?: string;
  kms_key_id?: string;
  capture_options?: string[];
  csv_content_types?: string[];
  json_content_types?: string[];
}

export type CaptureMode = 'Input' | 'Output' | 'InputAndOutput';

/** The API form (DescribeEndpointConfig.DataCaptureConfig). */
export interface DataCaptureConfigApi {
  EnableCapture: boolean;
  InitialSamplingPercentage: number;
  DestinationS3Uri: string;
  KmsKeyId?: string;
  CaptureOptions: { CaptureMode: CaptureMode }[];
  CaptureContentTypeHeader: { CsvContentTypes: string[]; JsonContentTypes: string[] };
}

export const DEFAULT_CAPTURE_PREFIX = 'model-monitor/data-capture';
const CONTENT_TYPE = /^[a-zA-Z0-9!#$&^_.+-]+\/[a-zA-Z0-9!#$&^_.+-]+$/;

/** The SDK form to the API form, checked field by field. `defaultDestination` fills a missing destination. */
export function toApiCaptureConfig(input: DataCaptureConfigInput | DataCaptureConfigApi, defaultDestination: string): DataCaptureConfigApi {
  if (input === null || typeof input !== 'object') throw invalid('dataCaptureConfig', input, 'an object such as {enableCapture: true, samplingPercentage: 100}');
  if ('EnableCapture' in input || 'InitialSamplingPercentage' in input || 'DestinationS3Uri' in input) return checkApiConfig(input as DataCaptureConfigApi, defaultDestination);
  const i = input as DataCaptureConfigInput;
  const enable = i.enableCapture ?? i.enable_capture ?? true;
  const sampling = i.samplingPercentage ?? i.sampling_percentage ?? 20;
  const destination = i.destinationS3Uri ?? i.destination ?? i.destination_s3_uri ?? defaultDestination;
  const kms = i.kmsKeyId ?? i.kms_key_id;
  const options = i.captureOptions ?? i.capture_options ?? ['REQUEST', 'RESPONSE'];
  const csv = i.csvContentTypes ?? i.csv_content_types ?? ['text/csv'];
  const json = i.jsonContentTypes ?? i.json_content_types ?? ['application/json'];
  if (!Array.isArray(options) || options.length === 0) throw invalid('captureOptions', options, 'a list of REQUEST and/or RESPONSE');
  const modes = options.map((o, k): CaptureMode => {
    const u = String(o).toUpperCase();
    if (u === 'REQUEST' || u === 'INPUT') return 'Input';
    if (u === 'RESPONSE' || u === 'OUTPUT') return 'Output';
    if (u === 'INPUTANDOUTPUT') return 'InputAndOutput';
    throw invalid(`captureOptions[${k}]`, o, 'REQUEST or RESPONSE (or Input, Output, InputAndOutput)');
  });
  return checkApiConfig(
    {
      EnableCapture: enable,
      InitialSamplingPercentage: sampling,
      DestinationS3Uri: destination,
      ...(kms !== undefined ? { KmsKeyId: kms } : {}),
      CaptureOptions: modes.map((CaptureMode) => ({ CaptureMode })),
      CaptureContentTypeHeader: { CsvContentTypes: csv, JsonContentTypes: json },
    },
    defaultDestination,
  );
}

function checkApiConfig(c: DataCaptureConfigApi, defaultDestination: string): DataCaptureConfigApi {
  if (typeof c.EnableCapture !== 'boolean') throw invalid('EnableCapture', c.EnableCapture, 'true or false');
  const p = c.InitialSamplingPercentage;
  if (typeof p !== 'number' || !Number.isInteger(p) || p < 0 || p > 100) throw invalid('InitialSamplingPercentage', p, 'an integer from 0 to 100');
  const dest = c.DestinationS3Uri ?? defaultDestination;
  if (typeof dest !== 'string' || dest.trim() === '') throw invalid('DestinationS3Uri', dest, 'an object-store URI such as s3://bucket/prefix or file:///path');
  const modes = c.CaptureOptions ?? [{ CaptureMode: 'Input' }, { CaptureMode: 'Output' }];
  if (!Array.isArray(modes) || modes.length < 1 || modes.length > 2) throw invalid('CaptureOptions', modes, '1 or 2 capture options');
  for (const [k, m] of modes.entries()) {
    if (!m || !['Input', 'Output', 'InputAndOutput'].includes(m.CaptureMode)) throw invalid(`CaptureOptions[${k}].CaptureMode`, m?.CaptureMode, 'Input, Output or InputAndOutput');
  }
  const header = c.CaptureContentTypeHeader ?? { CsvContentTypes: ['text/csv'], JsonContentTypes: ['application/json'] };
  const csv = header.CsvContentTypes ?? [];
  const json = header.JsonContentTypes ?? [];
  for (const [field, list] of [['CsvContentTypes', csv], ['JsonContentTypes', json]] as const) {
    if (!Array.isArray(list) || list.length > 10) throw invalid(`CaptureContentTypeHeader.${field}`, list, '0 to 10 content types');
    for (const [k, t] of list.entries()) {
      if (typeof t !== 'string' || t.length > 256 || !CONTENT_TYPE.test(t)) throw invalid(`CaptureContentTypeHeader.${field}[${k}]`, t, 'a content type such as text/csv (type/subtype)');
    }
  }
  return {
    EnableCapture: c.EnableCapture,
    InitialSamplingPercentage: p,
    DestinationS3Uri: dest.replace(/\/+$/, ''),
    ...(c.KmsKeyId !== undefined ? { KmsKeyId: c.KmsKeyId } : {}),
    CaptureOptions: modes.map((m) => ({ CaptureMode: m.CaptureMode })),
    CaptureContentTypeHeader: { CsvContentTypes: [...csv], JsonContentTypes: [...json] },
  };
}

/** Whether the config captures requests / responses. */
export function captureModes(c: DataCaptureConfigApi): { input: boolean; output: boolean } {
  const modes = c.CaptureOptions.map((o) => o.CaptureMode);
  return {
    input: modes.includes('Input') || modes.includes('InputAndOutput'),
    output: modes.includes('Output') || modes.includes('InputAndOutput'),
  };
}
