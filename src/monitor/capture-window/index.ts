/**
 * @module monitor/capture-window
 * Reading an endpoint's data capture (SageMaker's JSON Lines layout) for one analysis window.
 */
export { captureSource, type CaptureSource } from './source.js';
export { decodeCaptureLine, splitCsvLine, CaptureLineError, type DecodedRecord, type DecodedRow } from './decode.js';
export { readCaptureWindow, type CaptureMapping, type CaptureWindow, type CaptureWindowOptions, type UnreadableLine } from './read-window.js';
