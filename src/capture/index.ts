/**
 * @module capture
 * Data capture as SageMaker Model Monitor does it: `DataCaptureConfig` (SDK and API forms), SageMaker's capture
 * line format, a buffered writer with bounded memory writing `DEST/ENDPOINT/VARIANT/yyyy/MM/dd/HH/*.jsonl`,
 * and a reader for those files.
 */
export { toApiCaptureConfig, captureModes, DEFAULT_CAPTURE_PREFIX, type DataCaptureConfigApi, type DataCaptureConfigInput, type CaptureMode } from './config.js';
export { CaptureFormatter, hourFolder, captureFileName, jsonString, type CaptureEvent, type CaptureEncoding } from './record.js';
export { resolveCaptureSink, type CaptureSink } from './sink.js';
export { CaptureWriter, type CaptureWriterOptions, type CaptureWriterStats } from './writer.js';
export {
  listCaptureFiles,
  readCaptureFile,
  parseCaptureLines,
  captureText,
  normalizeHour,
  type CaptureFileInfo,
  type CaptureRecord,
  type CaptureData,
  type CaptureQuery,
} from './reader.js';
