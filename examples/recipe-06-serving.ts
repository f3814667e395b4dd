/**
 * Recipe 6: deploy the trained model to an endpoint, turn on data capture for 100% of requests and responses,
 * read record 950 from the online store, turn it into the CSV line `1,92,83,86,96,67` (sex, math, science,
 * technology, random1, random2) and call `predict()`. Each request/response pair lands as a JSON line under the
 * capture destination, one folder per hour (`DEST/ENDPOINT/AllTraffic/yyyy/MM/dd/HH/*.jsonl`).
 *
 * SageMaker: model.deploy(); predictor.update_data_capture_config(DataCaptureConfig(enable_capture=True,
 * sampling_percentage=100, destination_s3_uri=..., capture_options=["REQUEST", "RESPONSE"], csv_content_types=["text/csv"],
 * json_content_types=["application/json"])); runtime.get_record(...); predictor.serializer = CSVSerializer();
 * predictor.deserializer = JSONDeserializer(); predictor.predict(csv_input). Here the endpoint runs in this process
 * (the same invocation path as `plumbline serve`), deployed in milliseconds instead of 7-15 minutes.
 *
 * Run on its own after recipe 4: `node --import tsx examples/recipe-06-serving.ts`.
 */
import { pathToFileURL } from 'node:url';
import {
  createPlatform,
  CSVSerializer,
  isPlatformError,
  JSONDeserializer,
  listCaptureFiles,
  readCaptureFile,
  resolveCaptureSink,
  type EndpointPredictor,
  type Platform,
} from '../src/index.js';
import { FEATURE_GROUP_NAME } from './recipe-01-feature-store.js';
import { FEATURE_NAMES, MODEL_NAME } from './recipe-04-train-model.js';

export const ENDPOINT_NAME = 'cookbook-xgboost-endpoint';
/** `s3_capture_upload_path = f"{base}/model-monitor"` in the book: here inside the workspace's object store. */
export const CAPTURE_PREFIX = 'chapter07/model-monitor';

export interface Recipe6Result {
  endpointName: string;
  predictor: EndpointPredictor;
  /** The capture destination URI (recipe 7's monitoring reads from here). */
  captureDestination: string;
  /** Record 950 as the book reads it: [{FeatureName, ValueAsString}]. */
  record950: { FeatureName: string; ValueAsString: string }[];
  csvInput: string;
  /** What `predict()` returned (JSONDeserializer): {"predictions": [{"score": ...}]}. */
  prediction: unknown;
  score: number;
  /** The capture file holding this request/response pair. */
  captureFile: string;
}

export async function recipe6(platform: Platform, log: (line: string) => void, options: { endpointName?: string; recordId?: string } = {}): Promise<Recipe6Result> {
  const endpointName = options.endpointName ?? ENDPOINT_NAME;
  const recordId = options.recordId ?? '950';
  try {
    await platform.endpoints.delete(endpointName);
    log(`[recipe 6] deleted the previous endpoint "${endpointName}"`);
  } catch (e) {
    if (!isPlatformError(e) || e.code !== 'NOT_FOUND') throw e;
  }
  const started = performance.now();
  const predictor = await platform.endpoints.model(MODEL_NAME).deploy({ endpointName, initialInstanceCount: 1, instanceType: 'ml.m5.large' });
  log(`[recipe 6] deployed ${MODEL_NAME} to endpoint ${endpointName} in ${(performance.now() - started).toFixed(0)} ms`);

  const captureDestination = platform.objectStore.uriOf(CAPTURE_PREFIX);
  const described = await predictor.updateDataCaptureConfig({
    enableCapture: true,
    samplingPercentage: 100,
    destinationS3Uri: captureDestination,
    captureOptions: ['REQUEST', 'RESPONSE'],
    csvContentTypes: ['text/csv'],
    jsonContentTypes: ['application/json'],
  });
  log(`[recipe 6] data capture ${described.DataCaptureConfig?.CaptureStatus} at ${described.DataCaptureConfig?.CurrentSamplingPercentage}% -> ${captureDestination}`);

  const response = await platform.featureStore.getRecord(FEATURE_GROUP_NAME, recordId);
  if (!response.Record) throw new Error(`record ${recordId} is not in the online store of ${FEATURE_GROUP_NAME}; run recipe 1 first`);
  const testRecordList = FEATURE_NAMES.map((name) => {
    const v = response.Record!.find((f) => f.FeatureName === name);
    if (!v) throw new Error(`record ${recordId} has no feature ${name}`);
    return v.ValueAsString;
  });
  const csvInput = testRecordList.join(',');
  log(`[recipe 6] record ${recordId} from the online store -> csv_input "${csvInput}"`);

  predictor.serializer = new CSVSerializer();
  predictor.deserializer = new JSONDeserializer();
  const prediction = await predictor.predict(csvInput);
  const score = (prediction as { predictions: { score: number }[] }).predictions[0]!.score;
  log(`[recipe 6] predictor.predict("${csvInput}") -> ${JSON.stringify(prediction)}`);

  await predictor.flushCapture();
  const sink = resolveCaptureSink(platform.objectStore, captureDestination);
  const files = await listCaptureFiles(sink, endpointName);
  let captureFile: string | undefined;
  for (const f of files.reverse()) {
    const records = await readCaptureFile(sink, f);
    if (records.some((r) => r.captureData.endpointInput?.data === csvInput)) {
      captureFile = f.uri;
      break;
    }
  }
  if (!captureFile) throw new Error(`the request/response pair was not captured under ${captureDestination}`);
  log(`[recipe 6] captured request/response pair: ${captureFile}`);
  return { endpointName, predictor, captureDestination, record950: response.Record, csvInput, prediction, score, captureFile };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const platform = await createPlatform();
  try {
    await recipe6(platform, console.log);
  } finally {
    await platform.close();
  }
}
