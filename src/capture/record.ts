/**
 * @module capture/record
 * One capture line in SageMaker's format (`captureData.endpointInput/endpointOutput` with observedContentType,
 * mode, data, encoding; `eventMetadata.eventId/inferenceId/inferenceTime/customAttributes`; `eventVersion` "0"),
 * built as a string on the request path (no intermediate objects), and the hour folder of an invocation.
 */
import { randomUUID } from 'node:crypto';
import type { DataCaptureConfigApi } from './config.js';
import { captureModes } from './config.js';

export type CaptureEncoding = 'CSV' | 'JSON' | 'BASE64';

interface Part {
  contentType: string;
  encoding: CaptureEncoding;
  head: string;
  tail: string;
}

/**
 * `s` as a JSON string literal. Short strings with nothing to escape (a CSV row, an inference id) are quoted
 * directly: cheaper than `JSON.stringify`'s generic path for the common case, identical output.
 */
export function jsonString(s: string): string {
  if (s.length > 256) return JSON.stringify(s);
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x20 || c === 0x22 || c === 0x5c || (c >= 0xd800 && c <= 0xdfff)) return JSON.stringify(s);
  }
  return '"' + s + '"';
}

/** What one invocation contributes to a capture line. */
export interface CaptureEvent {
  inputContentType: string;
  input: string | Uint8Array;
  outputContentType: string;
  output: string;
  /** Epoch ms of the invocation. */
  time: number;
  inferenceId?: string;
  customAttributes?: string;
}

/** Decides encodings from a config; `line()` renders an event. */
export class CaptureFormatter {
  private readonly csv: Set<string>;
  private readonly json: Set<string>;
  private readonly input: boolean;
  private readonly output: boolean;
  private lastSecond = -1;
  private lastIso = '';

  constructor(config: DataCaptureConfigApi) {
    this.csv = new Set(config.CaptureContentTypeHeader.CsvContentTypes.map((t) => t.toLowerCase()));
    this.json = new Set(config.CaptureContentTypeHeader.JsonContentTypes.map((t) => t.toLowerCase()));
    const modes = captureModes(config);
    this.input = modes.input;
    this.output = modes.output;
  }

  /** CSV / JSON when the media type (parameters ignored) is listed, else BASE64 (as SageMaker). */
  encodingOf(contentType: string): CaptureEncoding {
    const semi = contentType.indexOf(';');
    const media = (semi < 0 ? contentType : contentType.slice(0, semi)).trim().toLowerCase();
    if (this.csv.has(media)) return 'CSV';
    if (this.json.has(media)) return 'JSON';
    return 'BASE64';
  }

  line(e: CaptureEvent): string {
    let s = '{"captureData":{';
    if (this.input) {
      const p = this.inputPart(e.inputContentType);
      s += '"endpointInput":' + p.head + this.data(p.encoding, e.input) + p.tail;
    }
    if (this.output) {
      const p = this.outputPart(e.outputContentType);
      s += (this.input ? ',' : '') + '"endpointOutput":' + p.head + this.data(p.encoding, e.output) + p.tail;
    }
    s += '},"eventMetadata":{"eventId":"' + randomUUID() + '"';
    if (e.inferenceId !== undefined) s += ',"inferenceId":' + jsonString(e.inferenceId);
    s += ',"inferenceTime":"' + this.isoSecond(e.time) + '"';
    if (e.customAttributes !== undefined) s += ',"customAttributes":[' + jsonString(e.customAttributes) + ']';
    return s + '},"eventVersion":"0"}';
  }

  /** The JSON before and after the data of one (mode, content type): its encoding is decided once per content type. */
  private partOf(contentType: string, mode: 'INPUT' | 'OUTPUT'): Part {
    const encoding = this.encodingOf(contentType);
    return { contentType, encoding, head: '{"observedContentType":' + JSON.stringify(contentType) + ',"mode":"' + mode + '","data":', tail: ',"encoding":"' + encoding + '"}' };
  }

  // The last part per mode: requests to one endpoint almost always repeat their content types, and comparing
  // two short strings is cheaper than building a map key and hashing it.
  private lastIn: Part | undefined;
  private lastOut: Part | undefined;

  private inputPart(contentType: string): Part {
    const p = this.lastIn;
    return p !== undefined && p.contentType === contentType ? p : (this.lastIn = this.partOf(contentType, 'INPUT'));
  }

  private outputPart(contentType: string): Part {
    const p = this.lastOut;
    return p !== undefined && p.contentType === contentType ? p : (this.lastOut = this.partOf(contentType, 'OUTPUT'));
  }

  /** The data as a JSON string: base64 for BASE64, the text otherwise. */
  private data(encoding: CaptureEncoding, body: string | Uint8Array): string {
    if (encoding === 'BASE64') return '"' + Buffer.from(body).toString('base64') + '"';
    return jsonString(typeof body === 'string' ? body : Buffer.from(body.buffer, body.byteOffset, body.byteLength).toString('utf8'));
  }

  /** `2022-04-18T00:21:48Z` (seconds precision, as SageMaker writes it); cached per second. */
  private isoSecond(ms: number): string {
    const second = Math.floor(ms / 1000);
    if (second !== this.lastSecond) {
      this.lastSecond = second;
      this.lastIso = new Date(second * 1000).toISOString().slice(0, 19) + 'Z';
    }
    return this.lastIso;
  }
}

/** `yyyy/MM/dd/HH` (UTC) of an epoch-ms time: the capture file's hour folder. */
export function hourFolder(ms: number): string {
  const iso = new Date(ms).toISOString();
  return `${iso.slice(0, 4)}/${iso.slice(5, 7)}/${iso.slice(8, 10)}/${iso.slice(11, 13)}`;
}

/** `mm-ss-SSS-<uuid4>.jsonl`: the capture file name SageMaker uses (minute, second, millis of creation). */
export function captureFileName(ms: number): string {
  const iso = new Date(ms).toISOString();
  return `${iso.slice(14, 16)}-${iso.slice(17, 19)}-${iso.slice(20, 23)}-${randomUUID()}.jsonl`;
}
